"""The Python bindings' glue: types, errors, lifetimes and callbacks.

These run against the installed wheel (scripts/test-bindings installs it in
a fresh virtualenv), not against the source tree.
"""

import json
import os
import random
import re
import threading

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import consentkit as ck
from conftest import CONTROLLER, DAY, PARTNER, T0, URBAN, make_offer, make_receipt


class CryptographySigner(ck.ExternalSigner):
    """A P-256 key held only in Python (the `cryptography` package): it never enters Rust."""

    def __init__(self):
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.calls = 0

    def public_key(self) -> ck.RawPublicKey:
        point = self._key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return ck.RawPublicKey(algorithm=ck.Algorithm.ES256, bytes=point)

    def sign(self, message: bytes) -> bytes:
        self.calls += 1
        # DER-encoded ECDSA-Sig-Value: consentkit converts it.
        return self._key.sign(message, ec.ECDSA(hashes.SHA256()))


class CryptographyProvider(ck.ExternalKeyProvider):
    """One P-256 key per controller, held only in Python (like one Keystore alias per controller)."""

    def __init__(self, make=CryptographySigner):
        self.make = make
        self.keys = {}
        self.asked = []

    def signer_for(self, controller):
        self.asked.append(controller)
        if controller not in self.keys:
            self.keys[controller] = self.make()
        return self.keys[controller]

    def legacy_signer(self):
        return None


def test_traffic_app_flow_with_external_signer(parties, tmp_path):
    provider = CryptographyProvider()
    path = str(tmp_path / "wallet.ckw")
    wallet = ck.Wallet.create_with_provider(path, provider)
    wallet.trust_all(parties.trust)
    assert wallet.version() == 2
    assert wallet.public_key_for(CONTROLLER) is None  # made on first signing

    offer = parties.controller.make_offer(make_offer())
    got = wallet.receive(offer, T0)
    assert got.artifact.kind == ck.ArtifactKind.OFFER and got.violations == []

    grant = wallet.accept(got.artifact.id, ck.Choice(), T0 + 60)
    assert provider.asked and set(provider.asked) == {CONTROLLER}, "told which controller"
    signer = provider.keys[CONTROLLER]
    assert signer.calls > 0, "the external signer was not called"
    assert wallet.public_key_for(CONTROLLER).algorithm == ck.Algorithm.ES256
    countersigned = parties.controller.countersign(grant, offer)
    g = wallet.receive(countersigned, T0 + 120).artifact
    assert g.kind == ck.ArtifactKind.GRANT

    # The resulting grant verifies: the person's foreign key, then the controller.
    verified = ck.Verifier(parties.trust).verify(countersigned)
    assert [s.signatory for s in verified.signers] == [
        ck.Signatory.SUBJECT(),
        ck.Signatory.TRUSTED(role=ck.Role.CONTROLLER, party=CONTROLLER),
    ]
    assert verified.signers[0].kid == wallet.public_key_for(CONTROLLER).kid()

    for artifact in (
        parties.controller.issue_receipt(make_receipt(g.id, T0 + 3600), countersigned),
        parties.partner.issue_receipt(make_receipt(g.id, T0 + 7200, purpose=URBAN), countersigned),
        parties.controller.issue_value_record(
            ck.ValueRecord(grant=g.id, issued_at=T0 + 30 * DAY,
                           benefit=ck.Benefit(kind=ck.BenefitKind.SERVICE, amount=1, unit="month"))
        ),
    ):
        assert wallet.receive(artifact, T0 + 30 * DAY).violations == []

    withdrawal = wallet.withdraw(g.id, T0 + 31 * DAY)  # one call
    assert ck.decode_artifact(withdrawal).kind == ck.ArtifactKind.WITHDRAWAL
    assert wallet.grant_state(g.id, T0 + 32 * DAY) == ck.ConsentState.WITHDRAWN

    late = parties.controller.issue_receipt(make_receipt(g.id, T0 + 32 * DAY), countersigned)
    flagged = wallet.receive(late, T0 + 33 * DAY).violations
    assert [f.kind for f in flagged] == [ck.FindingKind.AFTER_WITHDRAWAL]
    assert str(flagged[0].kind) == "after_withdrawal"  # the kind's JSON name

    summary = wallet.summary(T0 + 33 * DAY)
    assert [v.state for v in summary.grants] == [ck.ConsentState.WITHDRAWN]
    assert summary.received == [ck.ValueReceived(controller=CONTROLLER, unit="month", amount=1)]
    assert any(s.recipient == PARTNER and s.purpose == URBAN for s in summary.shared)
    assert summary.logs == [] and wallet.check_logs() == []  # no log trusted

    report = ck.Verifier(parties.trust).audit(wallet.export_bundle(), T0 + 33 * DAY)
    assert report.items == 7
    assert [(str(c.kind), c.count) for c in report.finding_counts] == [("after_withdrawal", 1)]
    assert report.findings_omitted == 0
    assert ck.FindingKind.AFTER_WITHDRAWAL in [f.kind for f in report.findings]

    # Reopen the file: the provider is needed again to sign, not to read.
    n = len(wallet.artifacts())
    del wallet
    assert len(ck.Wallet.open(path, provider).artifacts()) == n
    read_only = ck.Wallet.open(path)
    assert read_only.problems() == []
    with pytest.raises(ck.ConsentKitError.Signer):
        read_only.withdraw(g.id, T0 + 34 * DAY)


def test_signer_failures_are_typed(parties):
    offer = parties.controller.make_offer(make_offer())

    class Failing(CryptographySigner):
        def __init__(self, exc):
            super().__init__()
            self.exc = exc

        def sign(self, message):
            raise self.exc

    for exc in (ck.ConsentKitError.Signer("user cancelled"), RuntimeError("keystore locked")):
        w = ck.Wallet.in_memory_with_provider(CryptographyProvider(lambda: Failing(exc)))
        w.trust_all(parties.trust)
        oid = w.receive(offer, T0).artifact.id
        with pytest.raises(ck.ConsentKitError.Signer):
            w.accept(oid, ck.Choice(), T0)

    class OtherKey(CryptographySigner):
        def sign(self, message):
            return CryptographySigner().sign(message)

    with pytest.raises(ck.ConsentKitError.Signer):
        ck.Controller.with_signer(OtherKey()).make_offer(make_offer())

    class BadPoint(CryptographySigner):
        def public_key(self):
            return ck.RawPublicKey(algorithm=ck.Algorithm.ES256, bytes=b"\x04" * 65)

    w = ck.Wallet.in_memory_with_provider(CryptographyProvider(BadPoint))
    w.trust_all(parties.trust)
    oid = w.receive(offer, T0).artifact.id
    with pytest.raises(ck.ConsentKitError.Signer):
        w.accept(oid, ck.Choice(), T0)


def test_backup_and_bytes_round_trip(parties, tmp_path):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    w.receive(parties.controller.make_offer(make_offer()), T0)
    w.add_checkpoint("log.example\n1\nabc=\n")
    key = bytes(range(32))
    backup = w.export_backup(key)
    restored = ck.Wallet.import_backup(backup, key)
    assert restored.to_bytes() == w.to_bytes()
    assert restored.checkpoints() == ["log.example\n1\nabc=\n"]
    with pytest.raises(ck.ConsentKitError.Backup):
        ck.Wallet.import_backup(backup, bytes(32))
    with pytest.raises(ck.ConsentKitError.Backup):
        w.export_backup(b"short")
    restored.save_as(str(tmp_path / "restored.ckw"))
    assert len(ck.Wallet.open(str(tmp_path / "restored.ckw")).artifacts()) == 1


def test_keys_and_shared_vectors(repo):
    # One name per value in every language (issue 12): the core's enum, by its key type.
    assert [a.name for a in ck.Algorithm] == ["ED25519", "ES256"]
    for alg in ck.Algorithm:
        k = ck.KeyPair.generate(alg)
        assert ck.KeyPair.from_cose_key(k.to_cose_key()).kid() == k.kid()
        info = ck.public_key_info(k.public_key().to_cose_key())
        assert (info.kid, info.algorithm, info.bytes) == (k.kid(), alg, k.public_key_raw())
        # One field name for a public key's bytes everywhere (RawPublicKey, JS PublicKey).
        assert not hasattr(info, "raw") and k.public_key().bytes == info.bytes

    vectors = json.loads((repo / "tests/vectors/rfc8032/ed25519-rfc8032-7.1.json").read_text())["vectors"]
    assert len(vectors) >= 3
    for v in vectors:
        assert ck.KeyPair.from_ed25519_seed(bytes.fromhex(v["seed"])).public_key_raw().hex() == v["public_key"]

    example = json.loads((repo / "tests/vectors/cose-wg/eddsa-examples/eddsa-sig-01.json").read_text())
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.decode_artifact(bytes.fromhex(example["output"]["cbor"]))


def test_format_doc_examples(repo):
    doc = (repo / "docs/FORMAT.md").read_text()
    blocks = re.findall(r"```hex example=(\w+) id=([0-9a-f]{32}) digest=([0-9a-f]{64})\n(.*?)```", doc, re.S)
    assert len(blocks) >= 4
    for name, aid, digest, body in blocks:
        data = bytes.fromhex("".join(line.split("#")[0] for line in body.splitlines()).replace(" ", ""))
        info = ck.decode_artifact(data)
        assert (info.id, info.digest) == (aid, digest)
        assert json.loads(ck.inspect(data))["type"] == name


def garbage_inputs(valid: bytes):
    rnd = random.Random(5)
    inputs = {
        "empty": b"",
        "garbage": rnd.randbytes(200),
        "oversized": rnd.randbytes(70_000),
        "oversized-bstr": b"\x5a\x00\x01\x11\x70" + bytes(70_000),
        "cbor-null": b"\xf6",
        "deep-nesting": b"\x81" * 100_000,
        "deep-nesting-small": b"\x81" * 60_000,
    }
    for cut in (1, 2, 10, len(valid) // 2, len(valid) - 1):
        inputs[f"truncated@{cut}"] = valid[:cut]
    for i in range(20):
        inputs[f"random{i}"] = rnd.randbytes(rnd.randint(1, 300))
    return inputs


def test_garbage_through_every_decode_entry_point(parties):
    valid = parties.controller.make_offer(make_offer())
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    backup = w.export_backup(bytes(32))
    verifier = ck.Verifier(parties.trust)
    entry_points = {
        "decode_artifact": ck.decode_artifact,
        "inspect": ck.inspect,
        "read_offer": ck.read_offer,
        "make_bundle": lambda b: ck.make_bundle([valid, b]),
        "public_key_info": ck.public_key_info,
        "KeyPair.from_cose_key": ck.KeyPair.from_cose_key,
        "KeyPair.from_ed25519_seed": ck.KeyPair.from_ed25519_seed,
        "TrustSet.from_cose_key_set": ck.TrustSet.from_cose_key_set,
        "public_key_from_cose_key": ck.public_key_from_cose_key,
        "TrustSet.add": lambda b: parties.trust.add(ck.RawPublicKey(algorithm=ck.Algorithm.ES256, bytes=b), ck.Role.PARTNER, "x"),
        "Verifier.verify": verifier.verify,
        "Controller.countersign": lambda b: parties.controller.countersign(b, b),
        "Wallet.receive": lambda b: w.receive(b, T0),
        "Wallet.trust_key": lambda b: w.trust_key(ck.RawPublicKey(algorithm=ck.Algorithm.ES256, bytes=b), ck.Role.PARTNER, "x"),
        "Wallet.from_bytes": ck.Wallet.from_bytes,
        "Wallet.import_backup": lambda b: ck.Wallet.import_backup(b, bytes(32)),
        "Wallet.import_backup(key)": lambda b: ck.Wallet.import_backup(backup, b),
        "Wallet.export_backup(key)": w.export_backup,
        "Wallet.add_inclusion_proof": lambda b: w.add_inclusion_proof("00" * 16, b),
        "Wallet.add_consistency_proof": w.add_consistency_proof,
    }
    n = 0
    for name, call in entry_points.items():
        for what, data in garbage_inputs(valid).items():
            if name == "KeyPair.from_ed25519_seed" and len(data) == 32:
                continue  # any 32 bytes are a seed
            with pytest.raises(ck.ConsentKitError):
                call(data)
            n += 1
    for bad_id in ("", "zz", "0" * 31, "0" * 33, "é" * 32, "0" * 64):
        with pytest.raises(ck.ConsentKitError):
            w.withdraw(bad_id, T0)
        with pytest.raises(ck.ConsentKitError):
            w.accept(bad_id, ck.Choice(), T0)
        with pytest.raises(ck.ConsentKitError):
            parties.controller.revoke(bad_id, T0, "r")
    # A wrong Python type is caught before Rust is called.
    with pytest.raises(TypeError):
        ck.decode_artifact("not bytes")
    # An audit never raises: unreadable input becomes findings.
    for what, data in garbage_inputs(valid).items():
        if data:
            assert verifier.audit(data, T0).findings, what
    assert n > 300


def test_error_variants_are_distinct(parties):
    offer = parties.controller.make_offer(make_offer())
    with pytest.raises(ck.ConsentKitError.UntrustedKey):
        ck.Verifier(ck.TrustSet()).verify(offer)
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    with pytest.raises(ck.ConsentKitError.UntrustedKey):
        w.receive(offer, T0)
    w.trust_all(parties.trust)
    oid = w.receive(offer, T0).artifact.id
    with pytest.raises(ck.ConsentKitError.Usage):
        w.accept(oid, ck.Choice(purposes=["dpv:Marketing"]), T0)
    with pytest.raises(ck.ConsentKitError.NotFound):
        w.withdraw("00" * 16, T0)
    with pytest.raises(ck.ConsentKitError.Usage):
        parties.controller.countersign(offer, offer)
    tampered = bytearray(offer)
    tampered[-1] ^= 1
    with pytest.raises(ck.ConsentKitError.VerificationFailed):
        ck.Verifier(parties.trust).verify(bytes(tampered))
    with pytest.raises(ck.ConsentKitError.Storage):
        ck.Wallet.open("/nonexistent/dir/wallet.ckw")
    err = None
    try:
        ck.decode_artifact(b"\xff")
    except ck.ConsentKitError.InvalidInput as e:
        err = e
    assert err is not None and err.reason


def test_a_bad_term_in_a_record_is_invalid_input_naming_it(parties):
    # Recipient is the core's own record (consentkit_core): its terms cross
    # as the core's custom type Term, whose lift refuses a bad one with the
    # core's ConsentKitError (not uniffi's InternalError), naming the term.
    offer = make_offer()
    offer.recipients = [ck.Recipient(party=PARTNER, purposes=["not a term"], categories=["pd:Location"])]
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        parties.controller.make_offer(offer)
    assert "not a term" in str(e.value)
    # The same for an artifact id in a core record (ValueRecord.grant).
    record = ck.ValueRecord(grant="xyz", issued_at=T0, benefit=make_offer().value_offered[0])
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        parties.controller.issue_value_record(record)
    assert "artifact id must be 32 hex digits" in str(e.value) and "xyz" in str(e.value)


def test_threads_share_a_wallet(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id

    def worker(t):
        for i in range(10):
            grant = w.accept(oid, ck.Choice(), T0 + t * 100 + i)
            w.receive(parties.controller.countersign(grant, offer), T0 + DAY)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(w.grants(T0 + DAY)) == 40


def test_an_empty_bundle_is_empty_not_clean(parties):
    verifier = ck.Verifier(parties.trust)
    report = verifier.audit(b"", T0)
    assert report.outcome == ck.AuditOutcome.EMPTY
    assert report.outcome_name() == "empty"
    assert not report.is_clean()
    assert report.items == 0
    assert len(report.provenance.bundle_sha256) == 64
    assert "nothing to audit" in verifier.audit_rendered(b"", ck.ReportFormat.TEXT, T0)


def test_the_audit_report_is_the_cores_record(parties):
    """Issue 12 item 1: the report and its provenance are the core's records;
    the provenance is nested as in JavaScript and the JSON (trust.sha256,
    signatures.checked: were trust_sha256, signatures_checked), and
    is_clean() / outcome_name() are the core's methods (were fields)."""
    from consentkit._uniffi import consentkit_core as core

    for name in ("AuditReport", "AuditProvenance", "TrustProvenance", "AuditLog",
                 "SignatureCounts", "WitnessView", "CosignerInfo", "AuditTrustedKey"):
        assert getattr(ck, name) is getattr(core, name), name
    report = ck.Verifier(parties.trust).audit(parties.controller.make_offer(make_offer()), T0)
    assert (report.outcome_name(), report.is_clean()) == ("clean", True)
    assert len(report.provenance.trust.sha256) == 64
    assert report.provenance.signatures.checked == 1
    assert report.provenance.log is None
    assert not hasattr(report.provenance, "trust_sha256")


def test_trust_set_keys_are_the_reports_trusted_keys():
    """Issue 12 item 1: TrustSet.keys() gives the core's AuditTrustedKey
    (kid, algorithm, role, party), sorted by kid, as the report's
    provenance.trust.keys (it was a record holding a PublicKeyInfo)."""
    a = ck.KeyPair.generate(ck.Algorithm.ES256)
    b = ck.KeyPair.generate(ck.Algorithm.ED25519)
    t = ck.TrustSet()
    t.add(a.public_key(), ck.Role.CONTROLLER, "traffic.example")
    t.add(b.public_key(), ck.Role.PERSON, "person")
    keys = t.keys()
    assert [k.kid for k in keys] == sorted([a.kid(), b.kid()])
    assert ck.AuditTrustedKey(kid=a.kid(), algorithm=ck.Algorithm.ES256, role=ck.Role.CONTROLLER, party="traffic.example") in keys
    assert ck.Verifier(t).audit(b"", T0).provenance.trust.keys == keys


def test_the_wallets_trusted_keys_are_its_trust_sets_keys(parties):
    """Issue 12 item 1: Wallet.trusted_keys(), as JavaScript's
    Wallet.trustedKeys(): the trust set's keys, sorted by kid."""
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    assert w.trusted_keys() == []
    w.trust_all(parties.trust)
    keys = w.trusted_keys()
    assert len(keys) == len(parties.trust.keys()) > 0
    assert keys == w.trust().keys() == parties.trust.keys()
    assert [k.kid for k in keys] == sorted(k.kid for k in keys)


def test_wallet_files_are_0600_and_damage_is_reported_not_written(parties, tmp_path):
    path = str(tmp_path / "w.ckw")
    w = ck.Wallet.create(path, ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    w.receive(parties.controller.make_offer(make_offer()), T0)
    del w
    assert os.stat(path).st_mode & 0o777 == 0o600, "created 0600, not chmod-ed later"
    good = open(path, "rb").read()
    with open(path, "ab") as f:
        f.write(b"\x00\x00\x01\x00torn")
    torn = open(path, "rb").read()
    w = ck.Wallet.open(path)
    assert len(w.artifacts()) == 1 and len(w.problems()) == 1
    with pytest.raises(ck.ConsentKitError.Storage):
        w.add_checkpoint("x")  # not appended after the torn bytes
    del w
    assert open(path, "rb").read() == torn, "opening never writes"
    report = ck.repair_wallet(path)
    assert (report.bytes_before, report.bytes_after) == (len(torn), len(good))
    assert open(path, "rb").read() == good


CONTROLLERS = {"controllers": [{
    "party": CONTROLLER, "name": "Traffic Example GmbH", "contact": "Data Protection Officer",
    "address": {"street_address": "1 Example Street", "country": "DE"},
    "email": "privacy@traffic.example", "phone": "+49 30 000000",
    "policy_url": "https://traffic.example/privacy", "storage_locations": ["DE"],
    "recipients": [{"party": PARTNER, "name": "City of Example", "contact": "Mobility Department",
                    "address": {"street_address": "2 Town Hall Square", "country": "DE"},
                    "email": "mobility@city.example", "phone": "+49 30 111111"}],
    "kantara_purposes": {URBAN: 11},
}]}


def test_export_consents_in_both_formats(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id
    g = w.receive(parties.controller.countersign(w.accept(oid, ck.Choice(), T0 + 60), offer), T0 + 120).artifact
    controllers = json.dumps(CONTROLLERS)

    out = ck.export_consents(w.export_bundle(), "kantara", [], T0 + DAY, controllers)
    assert isinstance(out, ck.ConsentExport) and out.refused == []
    [receipt] = [json.loads(d) for d in out.documents]
    assert receipt["version"] == "KI-CR-v1.1.0"
    assert receipt["consentReceiptID"] == g.id
    assert receipt["consentStatus"] == "given"
    assert receipt["policyUrl"] == "https://traffic.example/privacy"
    cats = {p["purposeCategory"][0] for p in receipt["services"][0]["purposes"]}
    assert cats == {"1 - Core Function", "11 - 3rd Party Sharing for ..."}

    w.withdraw(g.id, T0 + 2 * DAY)
    out = ck.export_consents(w.export_bundle(), "iso27560", [g.id], T0 + 3 * DAY, controllers)
    [record] = [json.loads(d) for d in out.documents]
    assert record["dct:conformsTo"] == {"@id": "https://w3id.org/dpv/schema/dpv-27560#record"}
    assert record["dpv:hasConsentStatus"][-1]["@type"] == ["dpv:ConsentWithdrawn"]

    with pytest.raises(ck.ConsentKitError.Usage):
        ck.export_consents(w.export_bundle(), "pdf", [], T0, controllers)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.export_consents(w.export_bundle(), "kantara", ["not-an-id"], T0, controllers)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        ck.export_consents(b"\xff\xff", "kantara", [], T0, controllers)
    no_policy = json.loads(controllers)
    del no_policy["controllers"][0]["policy_url"]
    with pytest.raises(ck.ConsentKitError.Usage) as e:
        ck.export_consents(w.export_bundle(), "kantara", [], T0 + DAY, json.dumps(no_policy))
    assert "policy_url" in e.value.reason


class RecordingListener(ck.WalletListener):
    """Records every event; reads the wallet from inside on_change (events come after the call)."""

    def __init__(self):
        self.wallet = None
        self.events = []
        self.grants_seen = []

    def on_change(self, event):
        self.events.append(event)
        self.grants_seen.append(len(self.wallet.grants(event.at)) if self.wallet else -1)


def test_app_lifecycle_listener_per_purpose_needs_decision(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    ob = parties.controller.make_offer(make_offer())
    o = w.receive(ob, T0).artifact
    listener = RecordingListener()
    listener.wallet = w
    sub = w.subscribe(listener, T0 + 1)
    assert len(listener.events) == 1, "the replay arrives before subscribe returns"
    assert listener.events[0].replay and listener.events[0].added == []
    assert w.needs_decision(o.id, T0 + 1) is True

    g1 = w.grant_purpose(o.digest, "dpv:ServiceProvision", T0 + 10)
    assert [a.kind for a in listener.events[1].added] == [ck.ArtifactKind.GRANT]
    assert listener.events[1].added[0].id == ck.decode_artifact(g1).id
    assert listener.events[1].at == T0 + 10
    assert listener.grants_seen[1] == 1, "the listener read the wallet after the change"
    assert w.needs_decision(o.id, T0 + 11) is False
    w.receive(parties.controller.countersign(g1, ob), T0 + 20)
    assert listener.events[2].changed[0].countersigned
    w.receive(parties.controller.countersign(w.grant_purpose(o.id, URBAN, T0 + 30), ob), T0 + 31)
    with pytest.raises(ck.ConsentKitError.Usage, match="already granted"):
        w.grant_purpose(o.id, URBAN, T0 + 32)
    with pytest.raises(ck.ConsentKitError.InvalidInput):
        w.grant_purpose(o.id, "", T0 + 32)
    with pytest.raises(ck.ConsentKitError.NotFound):
        w.needs_decision("00" * 16, T0)

    out = w.withdraw_purpose(o.id, URBAN, T0 + 40)
    assert [ck.decode_artifact(b).kind for b in out] == [ck.ArtifactKind.WITHDRAWAL, ck.ArtifactKind.GRANT]
    assert [a.kind for a in listener.events[-1].added] == [ck.ArtifactKind.WITHDRAWAL, ck.ArtifactKind.GRANT]
    assert w.unsubscribe(sub) and not w.unsubscribe(sub)
    count = len(listener.events)
    w.withdraw_purpose(o.id, "dpv:ServiceProvision", T0 + 50)
    assert len(listener.events) == count, "nothing after unsubscribe"
    assert w.needs_decision(o.id, T0 + 60) is False, "the person's withdrawal stands"
    listener.wallet = None


def test_a_throwing_listener_changes_nothing(parties):
    class Broken(ck.WalletListener):
        def on_change(self, event):
            raise RuntimeError("an app bug")

    w = ck.Wallet.in_memory(ck.Algorithm.ES256)
    w.trust_all(parties.trust)
    ob = parties.controller.make_offer(make_offer())
    o = w.receive(ob, T0).artifact
    w.subscribe(Broken(), T0)
    assert ck.decode_artifact(w.grant_purpose(o.id, URBAN, T0 + 1)).kind == ck.ArtifactKind.GRANT
    assert w.needs_decision(o.id, T0 + 2) is False


def test_restore_from_backup_verifies_and_refuses_foreign_or_altered(parties):
    w = ck.Wallet.in_memory(ck.Algorithm.ES256)
    w.trust_all(parties.trust)
    ob = parties.controller.make_offer(make_offer())
    o = w.receive(ob, T0).artifact
    w.receive(parties.controller.countersign(w.accept(o.id, ck.Choice(), T0 + 1), ob), T0 + 2)
    key = bytes(range(32))
    backup = w.export_backup(key)
    restored = ck.Wallet.import_backup(backup, key)
    assert restored.to_bytes() == w.to_bytes()
    assert restored.needs_decision(o.id, T0 + 3) is False
    assert len(restored.withdraw_purpose(o.id, URBAN, T0 + 4)) == 2, "a restored wallet signs"
    altered = bytearray(backup)
    altered[-1] ^= 1
    with pytest.raises(ck.ConsentKitError.Backup):
        ck.Wallet.import_backup(bytes(altered), key)
    with pytest.raises(ck.ConsentKitError.Backup):
        ck.Wallet.import_backup(ck.Wallet.in_memory(ck.Algorithm.ED25519).export_backup(bytes(32)), key)
    with pytest.raises(ck.ConsentKitError.Backup):
        ck.Wallet.import_backup(w.to_bytes(), key)
