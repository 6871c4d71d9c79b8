"""TCF v2.3 / GPP glue: records, the in-app value enum, errors.

The TC string below was made by the IAB's own library (@iabtechlabtcf/core
1.5.21; see core/src/tcf/tests.rs); the full round trips against the IAB
libraries run in tests/interop/tcf.
"""

import pytest

import consentkit as ck
from conftest import make_offer

IAB_TC_STRING = (
    "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA"
)


def test_decode_encode_in_app_and_gpp():
    tc = ck.decode_tc_string(IAB_TC_STRING)
    assert isinstance(tc, ck.TcString)
    # The core's own records (one definition per type): id lists are numbers, not bytes.
    for record in (ck.TcString, ck.PublisherTc, ck.GppString, ck.InAppValue):
        assert record.__module__ == "consentkit._uniffi.consentkit_core", record
    assert all(type(i) is int for i in tc.special_feature_optins + tc.purpose_consents)
    assert list(tc.purpose_consents) == [1, 2, 3, 4, 7, 9, 10]
    assert list(tc.vendor_consents) == [1, 3, 755]
    assert list(tc.disclosed_vendors) == [1, 2, 3, 8, 755, 756]
    assert tc.policy_version == 5
    assert tc.publisher_tc is not None and tc.publisher_tc.num_custom_purposes == 0

    s = ck.encode_tc_string(tc)
    assert ck.decode_tc_string(s) == tc

    values = ck.in_app_values(tc, True)
    assert values["IABTCF_CmpSdkID"].value == 300
    assert values["IABTCF_gdprApplies"].value == 1
    assert values["IABTCF_TCString"].value == s
    assert values["IABTCF_PurposeConsents"].value == "11110010110"
    assert values["IABTCF_CmpSdkID"] == ck.InAppValue.INT(value=300)

    gpp = ck.gpp_string(tc)
    assert gpp == "DBABMA~" + s
    decoded = ck.decode_gpp(gpp)
    assert list(decoded.section_ids) == [2]
    assert decoded.tcf_eu_v2 == tc


def test_bad_strings_raise_invalid_input():
    core = IAB_TC_STRING.split(".")[0]
    with pytest.raises(ck.ConsentKitError.InvalidInput, match="Disclosed Vendors"):
        ck.decode_tc_string(core)
    with pytest.raises(ck.ConsentKitError.InvalidInput, match="not base64url"):
        ck.decode_tc_string(IAB_TC_STRING + "=")
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.decode_gpp("DBABMA")


def test_import_as_grant_then_export(parties):
    offer = parties.controller.make_offer(make_offer())
    grant = parties.controller.import_tc_string(IAB_TC_STRING, offer, bytes(range(16)), [], None)
    export = ck.TcfExport(
        cmp_id=300,
        cmp_version=2,
        consent_screen=1,
        consent_language="EN",
        vendor_list_version=120,
        policy_version=5,
        publisher_cc="FR",
        vendors=[755, 1, 3],
    )
    out = ck.tc_string_for_grant(grant, export)
    assert list(out.purpose_consents) == [1, 2, 3, 4, 7, 9, 10]
    assert list(out.special_feature_optins) == [1]
    assert list(out.vendor_consents) == [1, 3, 755]
    # An offer is not a grant.
    with pytest.raises(ck.ConsentKitError.Usage, match="expected a grant"):
        ck.tc_string_for_grant(offer, export)
    # A consent to no purpose cannot become a grant: a usage error.
    nothing = ck.decode_tc_string(IAB_TC_STRING)
    nothing.purpose_consents = []
    with pytest.raises(ck.ConsentKitError.Usage):
        parties.controller.import_tc_string(
            ck.encode_tc_string(nothing), offer, bytes(range(16)), [], None
        )


def test_a_purpose_id_out_of_range_is_refused_by_the_core():
    # The core's rule (ids 1-24), not the skin's: named with the field.
    tc = ck.decode_tc_string(IAB_TC_STRING)
    tc.purpose_consents = [1, 300]
    with pytest.raises(ck.ConsentKitError) as e:
        ck.encode_tc_string(tc)
    assert "purpose_consents" in str(e.value) and "300" in str(e.value)
