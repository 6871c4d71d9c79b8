"""The artifact-side records are the core's own (issue 12 item 1): Offer,
Notice, DataReceipt, Commitment, VerifiedSigner, Signatory, Finding,
FindingKind and FindingCount come from ``consentkit_core``, and their custom
types refuse bad values as ``InvalidInput`` naming what was expected."""

import pytest

import consentkit as ck
from consentkit._uniffi import consentkit_core
from conftest import CONTROLLER, DAY, T0, make_offer, make_receipt


def test_artifact_records_come_from_the_core():
    for name in ("Offer", "Notice", "DataReceipt", "Commitment", "VerifiedSigner",
                 "Signatory", "Finding", "FindingKind", "FindingCount", "ArtifactInfo",
                 "SignerView", "VerifiedArtifact", "ReceiveOutcome"):
        assert getattr(ck, name) is getattr(consentkit_core, name), name


def test_fixed_length_bytes_of_the_wrong_length_are_invalid_input(parties):
    offer = make_offer()
    offer.notice = ck.Notice(url="https://traffic.example/n", sha256=b"\x07" * 31)
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        parties.controller.make_offer(offer)
    assert "must be 32 bytes, found 31 bytes" in str(e.value)
    # bytes-like values of the right length are taken, and read back as bytes.
    offer.notice = ck.Notice(url="https://traffic.example/n", sha256=bytearray(32))
    read = ck.read_offer(parties.controller.make_offer(offer))
    assert read.notice == ck.Notice(url="https://traffic.example/n", sha256=bytes(32))
    c = ck.commit(b"52.37,4.89")
    assert (len(c.value), len(c.salt)) == (32, 16)


def test_receipt_terms_and_parties_are_strings(parties):
    offer = parties.controller.make_offer(make_offer())
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    oid = w.receive(offer, T0).artifact.id
    grant = parties.controller.countersign(w.accept(oid, ck.Choice(), T0 + 1), offer)
    gid = w.receive(grant, T0 + 2).artifact.id
    r = make_receipt(gid, T0 + DAY)
    r.recipient = CONTROLLER
    assert w.receive(parties.controller.issue_receipt(r, grant), T0 + DAY).violations == []
    bad = make_receipt(gid, T0 + DAY)
    bad.category = "not a term"
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        parties.controller.issue_receipt(bad, grant)
    assert "not a term" in str(e.value)


def test_verified_signers_carry_the_key_id_as_hex(parties):
    offer = parties.controller.make_offer(make_offer())
    v = ck.Verifier(parties.trust).verify(offer)
    [signer] = v.signers
    assert signer.kid == v.artifact.signers[0].kid and len(signer.kid) == 64
    assert isinstance(signer.signatory, ck.Signatory.TRUSTED)
    assert (signer.signatory.role, signer.signatory.party) == (ck.Role.CONTROLLER, CONTROLLER)


def test_an_artifact_info_is_the_same_record_as_in_javascript(parties):
    """kind, id, digest, signers (kid, algorithm), size, body (JSON text), bytes."""
    import json
    offer = parties.controller.make_offer(make_offer())
    info = ck.decode_artifact(offer)
    assert list(vars(info)) == ["kind", "id", "digest", "signers", "size", "body", "bytes"]
    assert (info.kind, info.bytes, info.size) == (ck.ArtifactKind.OFFER, offer, len(offer))
    [s] = info.signers
    assert (s.kid, s.algorithm) == (ck.Verifier(parties.trust).verify(offer).signers[0].kid,
                                    parties.controller.public_key().algorithm)
    body = json.loads(info.body)
    assert body["controller"] == CONTROLLER and body == json.loads(ck.inspect(offer))["body"]
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    assert w.receive(offer, T0).artifact == info == w.artifacts()[0]
    # A data receipt's header carries the short kid: 16 hex digits.
    grant = parties.controller.countersign(w.accept(info.id, ck.Choice(), T0 + 1), offer)
    receipt = parties.controller.issue_receipt(make_receipt(ck.decode_artifact(grant).id, T0 + DAY), grant)
    assert [len(s.kid) for s in ck.decode_artifact(receipt).signers] == [16]


def test_finding_kinds_are_the_cores_and_print_their_json_name():
    names = {str(k) for k in ck.FindingKind}
    # Every kind the core has (no `OTHER` hiding the newer ones).
    assert {"after_withdrawal", "not_in_log", "stale_status", "grant_index_out_of_range"} <= names
    assert "other" not in names and len(names) == len(list(ck.FindingKind))
    assert str(ck.FindingKind.WITHDRAWAL_BACKDATED) == "withdrawal_backdated"


def test_a_public_key_is_one_shape_raw_public_key(parties):
    key = parties.partner_key
    public = key.public_key()
    assert isinstance(public, ck.RawPublicKey)
    assert (public.algorithm, public.bytes) == (ck.Algorithm.ES256, key.public_key_raw())
    assert public.kid() == key.kid()
    assert ck.public_key_from_cose_key(public.to_cose_key()) == public
    assert parties.partner.public_key() == public
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_key(public, ck.Role.PARTNER, "city.example")
    assert isinstance(w.public_key_for(CONTROLLER), ck.RawPublicKey)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.RawPublicKey(algorithm=ck.Algorithm.ED25519, bytes=bytes(31)).kid()
