"""Live withdrawal status through the Python glue: the controller's
StatusRegistry, the grant's status claim (Choice.status), the partner's
one-call check, and the audit's stale_status finding."""

import pytest

import consentkit as ck
from conftest import DAY, T0, make_offer

URI = "https://traffic.example/status/1"


def granted(parties, registry):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id
    ref = registry.assign()
    grant = parties.controller.countersign(w.accept(oid, ck.Choice(status=ref), T0 + 1), offer)
    w.receive(grant, T0 + 2)
    return w, grant, ref


def test_partner_check_valid_invalid_suspended(parties):
    registry = ck.StatusRegistry(URI, 2, 1024)
    _, grant, ref = granted(parties, registry)
    assert ref.uri == URI and 0 <= ref.idx < 1024
    verifier = ck.Verifier(parties.trust)
    at = T0 + DAY
    for status in [ck.Status.VALID, ck.Status.INVALID, ck.Status.SUSPENDED]:
        registry.set_status(ref.idx, status)
        token = registry.sign_token(parties.controller, at - 60, 3600, expires_at=at + DAY)
        answer = verifier.check_grant_status(grant, token, at=at)
        assert answer.status == status
        assert answer.max_age == 3600
        assert answer.index == ref.idx and answer.uri == URI
        assert answer.list_issued_at == at - 60


def test_partner_check_errors_are_typed(parties):
    registry = ck.StatusRegistry(URI, 1, 64)
    _, grant, _ = granted(parties, registry)
    verifier = ck.Verifier(parties.trust)
    token = registry.sign_token(parties.controller, T0 + DAY, 3600, expires_at=T0 + 2 * DAY)
    with pytest.raises(ck.ConsentKitError.VerificationFailed):
        verifier.check_grant_status(grant, token, at=T0 + 2 * DAY)  # the list expired
    by_partner = registry.sign_token(parties.partner, T0 + DAY, 3600)
    with pytest.raises(ck.ConsentKitError.UntrustedKey):
        verifier.check_grant_status(grant, by_partner, at=T0 + DAY)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        verifier.check_grant_status(grant, b"\xd2\x84", at=T0 + DAY)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.StatusRegistry(URI, 3, 64)


def test_audit_flags_a_stale_status_list(parties):
    registry = ck.StatusRegistry(URI, 1, 1024)
    w, grant, ref = granted(parties, registry)
    gid = ck.decode_artifact(grant).id
    w.withdraw(gid, T0 + 2 * DAY)
    bundle = w.export_bundle()
    verifier = ck.Verifier(parties.trust)
    stale = registry.sign_token(parties.controller, T0 + 3 * DAY, 3600)
    report = verifier.audit_with_status_lists(bundle, [stale], at=T0 + 5 * DAY)
    assert [f.kind for f in report.findings] == [ck.FindingKind.STALE_STATUS]
    registry.set_status(ref.idx, ck.Status.INVALID)
    fresh = registry.sign_token(parties.controller, T0 + 3 * DAY, 3600)
    report = verifier.audit_with_status_lists(bundle, [fresh], at=T0 + 5 * DAY)
    assert report.findings == []
