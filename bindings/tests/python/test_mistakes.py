"""Issue 12, "Mistakes are refused before signing", from Python: native
instants (`time.time()`, `datetime`), a wrong unit named, a grant checked
against its offer, a receipt against its grant, and the explicit API for a
known violation. The rules are the core's; these check the glue."""

import datetime

import pytest

import consentkit as ck
from conftest import DAY, T0, make_offer, make_receipt


def deal(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id
    grant = parties.controller.countersign(w.accept(oid, ck.Choice(), T0 + 60), offer)
    gid = w.receive(grant, T0 + 120).artifact.id
    return w, offer, grant, gid


def test_receive_takes_a_float_from_time_time_and_a_datetime(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    got = w.receive(offer, T0 + 0.75)  # what time.time() returns: a float
    assert got.artifact.kind == ck.ArtifactKind.OFFER
    at = datetime.datetime.fromtimestamp(T0 + 60, tz=datetime.timezone.utc)
    grant = parties.controller.countersign(w.accept(got.artifact.id, ck.Choice(), at), offer)
    gid = w.receive(grant, at + datetime.timedelta(seconds=60)).artifact.id
    assert ck.decode_artifact(grant).kind == ck.ArtifactKind.GRANT
    later = datetime.datetime.fromtimestamp(T0 + DAY, tz=datetime.timezone.utc)
    assert w.grant_state(gid, later) == w.grant_state(gid, T0 + DAY) == ck.ConsentState.GIVEN
    assert [g.state for g in w.grants(float(T0 + DAY))] == [ck.ConsentState.GIVEN]


def test_milliseconds_are_refused_naming_the_unit(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        w.receive(offer, T0 * 1000)  # e.g. int(time.time() * 1000)
    assert "milliseconds" in e.value.reason
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        w.grants(60)
    assert "before 2000" in e.value.reason


def test_countersign_refuses_an_artifact_that_is_not_the_grants_offer(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id
    pending = w.accept(oid, ck.Choice(), T0 + 60)
    with pytest.raises(ck.ConsentKitError.Usage) as e:
        parties.controller.countersign(pending, pending)
    assert "the grant accepts offer" in e.value.reason


def test_a_receipt_its_grant_does_not_cover_is_refused_naming_the_purpose(parties):
    w, _, grant, gid = deal(parties)
    with pytest.raises(ck.ConsentKitError.Usage) as e:
        parties.controller.issue_receipt(make_receipt(gid, T0 + 3600, purpose="dpv:Marketing"), grant)
    assert "dpv:Marketing" in e.value.reason
    with pytest.raises(ck.ConsentKitError.Usage):
        parties.controller.issue_receipt(make_receipt(gid, T0 - DAY), grant)  # before the grant


def test_a_known_violation_is_signed_only_when_said_so_and_flagged(parties):
    w, _, _, gid = deal(parties)
    r = parties.controller.issue_receipt_known_violation(
        make_receipt(gid, T0 + 3600, purpose="dpv:Marketing"), "simulated misuse")
    assert [v.kind for v in w.receive(r, T0 + DAY).violations] == [ck.FindingKind.PURPOSE_NOT_GRANTED]
