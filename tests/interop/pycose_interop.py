"""Interoperability of consentkit with an independent COSE implementation.

Uses only pycose, cbor2, the standard library and the rules of
docs/FORMAT.md:

1. every hex example in FORMAT.md is decoded and verified with pycose
   (COSE_Sign1 and two-signer COSE_Sign), its header profile and canonical
   payload checked, and its digest, id, pseudonym and commitment recomputed;
2. a new offer, grant and data receipt are built and signed with pycose,
   written to a temporary directory, and consentkit's ``verify_artifact``
   example must accept and verify them (and reject tampered copies).

Run from anywhere: ``python3 -m pytest -q tests/interop``. Versions are
pinned in requirements.txt (pycose 1.1.0 needs cbor2 < 6).
"""

import base64
import hashlib
import hmac
import json
import re
import subprocess
from pathlib import Path

import cbor2
import pytest
from pycose.algorithms import EdDSA
from pycose.headers import KID, Algorithm
from pycose.keys import CoseKey, OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage, Sign1Message, SignMessage
from pycose.messages.signer import CoseSignature

REPO = Path(__file__).resolve().parents[2]
FORMAT_MD = REPO / "docs" / "FORMAT.md"

# FORMAT.md §1: kind -> (typ, CBOR tag).
KINDS = {
    "offer": (65001, 18),
    "grant": (65002, 98),
    "refusal": (65003, 98),
    "withdrawal": (65004, 18),
    "data_receipt": (65005, 18),
    "value_record": (65006, 18),
}
KIND_OF_TYP = {typ: kind for kind, (typ, _) in KINDS.items()}

# FORMAT.md §13: the sample inputs.
CONTROLLER_SEED = bytes([0x01] * 32)
PARTNER_SEED = bytes([0x02] * 32)
PERSON_SEED = bytes([0x03] * 32)
WALLET_SECRET = bytes([0x04] * 32)
CONTROLLER = "traffic.example"
PARTNER = "city.example"
T0 = 1793491200


# --------------------------------------------------------------------------
# FORMAT.md rules, implemented independently.


def det(value):
    """Deterministic CBOR (FORMAT.md §2 / §12): map keys in bytewise order."""

    def order(v):
        if isinstance(v, cbor2.CBORTag):
            return cbor2.CBORTag(v.tag, order(v.value))
        if isinstance(v, dict):
            items = [(cbor2.dumps(order(k)), order(k), order(x)) for k, x in v.items()]
            return {k: x for _, k, x in sorted(items, key=lambda t: t[0])}
        if isinstance(v, (list, tuple)):
            return [order(x) for x in v]
        assert not isinstance(v, float), "no floats in consentkit CBOR"
        return v

    return cbor2.dumps(order(value))


def cset(items):
    """A set: sorted by encoded bytes, without repeats (FORMAT.md §5)."""
    return [cbor2.loads(b) for b in sorted({det(i) for i in items})]


def digest(kind, payload):
    """FORMAT.md §7."""
    return hashlib.sha256(b"consentkit/" + kind.encode() + b"\x00" + payload).digest()


def pseudonym(secret, controller):
    """FORMAT.md §8."""
    msg = b"consentkit pseudonym v1\x00" + controller.encode()
    return hmac.new(secret, msg, hashlib.sha256).digest()[:16]


def commitment(salt, data):
    """FORMAT.md §8."""
    return hashlib.sha256(salt + data).digest()


def thumbprint(x):
    """RFC 9679 thumbprint of an Ed25519 key (FORMAT.md §9)."""
    return hashlib.sha256(det({1: 1, -1: 6, -2: x})).digest()


def subject_key(x):
    """The one form of an Ed25519 subject key (FORMAT.md §4.2)."""
    return {1: 1, 2: thumbprint(x), 3: -8, -1: 6, -2: x}


def key_from_seed(seed):
    """A pycose OKPKey with both d and x, via an Ed25519 PKCS#8 document
    (FORMAT.md §12: OKPKey does not derive x from d)."""
    der = bytes.fromhex("302e020100300506032b657004220420") + seed
    pem = (
        b"-----BEGIN PRIVATE KEY-----\n"
        + base64.encodebytes(der)
        + b"-----END PRIVATE KEY-----\n"
    )
    key = CoseKey.from_pem_private_key(pem.decode())
    assert isinstance(key, OKPKey) and len(key.x) == 32
    return key


def public_key(x):
    return OKPKey(crv=Ed25519, x=x)


# --------------------------------------------------------------------------
# FORMAT.md as data.


def hex_examples():
    """name -> (attributes, bytes) for every ```hex example=NAME block."""
    text = FORMAT_MD.read_text(encoding="utf-8")
    out = {}
    for info, body in re.findall(r"^```hex ([^\n]*)\n(.*?)^```", text, re.S | re.M):
        attrs = dict(w.split("=", 1) for w in info.split() if "=" in w)
        name = attrs["example"]
        assert name not in out, f"example {name} twice"
        out[name] = (attrs, bytes.fromhex("".join(body.split())))
    return out


@pytest.fixture(scope="module")
def examples():
    ex = hex_examples()
    assert sorted(ex) == sorted(list(KINDS) + ["trust"])
    return ex


@pytest.fixture(scope="module")
def trust(examples):
    """kid -> (x, role, party), read from the FORMAT.md trust set (§9)."""
    keys = cbor2.loads(examples["trust"][1])
    assert det(keys) == examples["trust"][1], "trust set is deterministic CBOR"
    out = {}
    for k in keys:
        assert k[1] == 1 and k[-1] == 6 and k[3] == -8  # OKP, Ed25519, EdDSA
        assert -4 not in k, "no private keys in a trust set"
        kid = thumbprint(k[-2])
        assert k[2] == kid, "kid is the RFC 9679 thumbprint"
        out[kid] = (k[-2], k["role"], k["party"])
    return out


def decoded(examples):
    out = {}
    for name, (attrs, raw) in examples.items():
        if name != "trust":
            out[name] = (attrs, raw, CoseMessage.decode(raw))
    return out


# --------------------------------------------------------------------------
# Checking an artifact with pycose, by FORMAT.md §3, §5, §7 and §11.


def check_protected(raw, allowed_labels):
    """A protected header: deterministic, only the allowed labels."""
    assert raw != b"" and raw != b"\xa0"
    hdr = cbor2.loads(raw)
    assert det(hdr) == raw, "protected header is deterministic CBOR"
    assert set(hdr) == set(allowed_labels)
    return hdr


def verify(raw, trust):
    """Verifies an artifact per FORMAT.md §11 with pycose. Returns
    (kind, payload dict, payload bytes, signers) or raises AssertionError."""
    outer = cbor2.loads(raw)
    assert det(outer) == raw, "the envelope is deterministic CBOR"
    msg = CoseMessage.decode(raw)
    assert msg.uhdr == {}, "unprotected header is empty"
    if isinstance(msg, Sign1Message):
        assert outer.tag == 18
        hdr = check_protected(msg.phdr_encoded, {1, 4, 16})
    else:
        assert isinstance(msg, SignMessage) and outer.tag == 98
        hdr = check_protected(msg.phdr_encoded, {16})
    kind = KIND_OF_TYP[hdr[16]]
    assert KINDS[kind][1] == outer.tag, f"{kind} in the wrong COSE structure"
    payload_bytes = msg.payload
    payload = cbor2.loads(payload_bytes)
    assert det(payload) == payload_bytes, "payload is deterministic CBOR"
    assert all(isinstance(k, int) for k in payload)

    def by_subject(kid, sign):
        sk = payload[-23]
        assert set(sk) == {1, 2, 3, -1, -2} and sk[1] == 1 and sk[-1] == 6
        assert sk[2] == thumbprint(sk[-2]) == kid, "signed with the subject key"
        assert sign(public_key(sk[-2]))
        return {"by": "subject", "kid": kid.hex()}

    def by_trusted(kid, sign, roles, party=None):
        # FORMAT.md §3.2: 32 bytes, or (a data receipt) the thumbprint's
        # first 8; every trusted key it matches is tried (RFC 9052: a hint).
        assert len(kid) == 32 or (len(kid) == 8 and kind == "data_receipt")
        matching = [k for k in trust if k[: len(kid)] == kid]
        assert matching, "key is trusted"
        signed = [k for k in matching if sign(public_key(trust[k][0]))]
        assert signed, "signature valid"
        full = signed[0]
        x, role, key_party = trust[full]
        assert role in roles
        if party is not None:
            assert key_party == party
        return {"by": "trusted", "kid": full.hex(), "role": role, "party": key_party}

    signers = []
    if isinstance(msg, Sign1Message):
        assert len(msg.signature) == 64
        kid = hdr[4]
        assert hdr[1] == -8

        def sign1(key):
            msg.key = key
            return msg.verify_signature()

        if kind == "offer":
            signers.append(by_trusted(kid, sign1, {"controller"}, payload[1]))
        elif kind == "withdrawal" and payload[-32] == 0:
            signers.append(by_subject(kid, sign1))
        elif kind == "data_receipt":
            signers.append(by_trusted(kid, sign1, {"controller", "partner"}))
        else:  # revocation, value record
            signers.append(by_trusted(kid, sign1, {"controller"}))
    else:
        sigs = msg.signers
        imported = payload.get(-24) is True
        assert len(sigs) == (1 if imported else 2)
        for i, s in enumerate(sigs):
            assert s.uhdr == {}
            shdr = check_protected(s.phdr_encoded, {1, 4})
            assert shdr[1] == -8 and len(s.signature) == 64

            def sign(key, s=s):
                s.key = key
                return s.verify_signature()

            if i == 0 and not imported:
                signers.append(by_subject(shdr[4], sign))
            else:
                signers.append(by_trusted(shdr[4], sign, {"controller"}, payload[3]))
    return kind, payload, payload_bytes, signers


# --------------------------------------------------------------------------
# Part 1: consentkit's examples, verified with pycose.


def test_every_example_verifies_with_pycose(examples, trust):
    expected = {
        "offer": ["controller"],
        "grant": ["subject", "controller"],
        "refusal": ["subject", "controller"],
        "withdrawal": ["subject"],
        "data_receipt": ["controller"],
        "value_record": ["controller"],
    }
    for name, (attrs, raw, _) in decoded(examples).items():
        kind, _, payload_bytes, signers = verify(raw, trust)
        assert kind == name
        assert [s.get("role", s["by"]) for s in signers] == expected[name]
        d = digest(kind, payload_bytes)
        assert attrs["digest"] == d.hex(), f"{name}: digest"
        assert attrs["id"] == d[:16].hex(), f"{name}: id"


def test_a_flipped_signature_bit_fails_pycose_verification(examples, trust):
    for name, (_, raw, _) in decoded(examples).items():
        bad = bytearray(raw)
        bad[-1] ^= 0x01
        with pytest.raises(AssertionError):
            verify(bytes(bad), trust)


def test_references_pseudonyms_and_commitments_follow_the_rules(examples):
    p = {
        name: (raw, cbor2.loads(msg.payload), msg.payload)
        for name, (_, raw, msg) in decoded(examples).items()
    }
    offer_digest = digest("offer", p["offer"][2])
    grant_id = digest("grant", p["grant"][2])[:16]
    assert p["grant"][1][-20] == offer_digest
    assert p["refusal"][1][-20] == offer_digest
    for name in ("withdrawal", "data_receipt", "value_record"):
        assert p[name][1][-30] == grant_id, name
    for name in ("grant", "refusal"):
        assert p[name][1][2] == pseudonym(WALLET_SECRET, p[name][1][3])
    person = key_from_seed(PERSON_SEED)
    for name in ("grant", "refusal", "withdrawal"):
        assert p[name][1][-23] == subject_key(person.x), name
    salt, data = bytes([0x09] * 16), b"52.5200,13.4050"
    assert p["data_receipt"][1][-42] == commitment(salt, data)
    # FORMAT.md §4.7.1: the receipt names what its grant lists by index,
    # written -1 - i: purposes[i], categories[i], parties [aud] + recipients.
    receipt, grant = p["data_receipt"][1], p["grant"][1]
    assert receipt[-1] == -1 and grant[-1][0] == 1  # dpv:ServiceProvision
    assert receipt[-2] == -1 and grant[-2][0] == 32  # pd:Location
    assert receipt[-3] == -1 and grant[3] == "traffic.example"  # the controller
    shown = b"We use your location to route you around traffic."
    assert p["offer"][1][-9][2] == hashlib.sha256(shown).digest()


def test_sample_seeds_give_the_trusted_keys(trust):
    for seed, role, party in (
        (CONTROLLER_SEED, "controller", CONTROLLER),
        (PARTNER_SEED, "partner", PARTNER),
    ):
        key = key_from_seed(seed)
        assert trust[thumbprint(key.x)] == (key.x, role, party)


def test_cbor2_canonical_is_not_rfc8949_order():
    """Why det() exists (FORMAT.md §12)."""
    assert cbor2.dumps({24: 0, -1: 0}, canonical=True).hex() == "a22000181800"
    assert det({24: 0, -1: 0}).hex() == "a21818002000"


# --------------------------------------------------------------------------
# Part 2: artifacts made with pycose, verified by consentkit.


def sign1(kind, payload, key, protected_style="phdr_encoded", kid_len=32):
    kid = thumbprint(key.x)[:kid_len]
    typ = KINDS[kind][0]
    if protected_style == "phdr_encoded":
        msg = Sign1Message(phdr_encoded=det({1: -8, 4: kid, 16: typ}), payload=det(payload))
    else:
        # pycose writes the header in insertion order: alg, kid, typ.
        msg = Sign1Message(phdr={Algorithm: EdDSA, KID: kid, 16: typ}, payload=det(payload))
    msg.key = key
    return msg.encode(tag=True)


def sign_both(kind, payload, person, controller):
    signers = []
    for key in (person, controller):
        s = CoseSignature(phdr={Algorithm: EdDSA, KID: thumbprint(key.x)})
        s.key = key
        signers.append(s)
    msg = SignMessage(phdr={16: KINDS[kind][0]}, payload=det(payload), signers=signers)
    return msg.encode(tag=True)


def new_offer():
    return {
        1: CONTROLLER,
        5: T0 + 86_400,
        6: T0 + 86_400,
        -1: cset([8, "https://city.example/purpose#NoiseMapping", 15]),
        -2: cset([35, 32]),
        -3: cset(
            [
                {1: PARTNER, 2: cset([8]), 3: cset([32])},
                {1: "aa.example", 2: [15], 3: [35]},
            ]
        ),
        -4: 7 * 86_400,
        -5: {3: T0 + 400 * 86_400},
        -6: 64,
        -7: "EU",
        -8: "de",
        -9: {
            1: "https://traffic.example/notice/v4",
            2: hashlib.sha256("Wir nutzen deinen Standort für Lärmkarten.".encode()).digest(),
        },
        -10: [
            {1: 2, 2: 500, 3: "EUR", 4: "once"},
            {1: 3, 2: 100, 3: "points"},
        ],
        -12: False,
        -13: "noise-mapping-pycose",
    }


def new_grant(offer_payload_bytes, person):
    return {
        2: pseudonym(WALLET_SECRET, CONTROLLER),
        3: CONTROLLER,
        6: T0 + 90_000,
        -1: cset([8]),
        -2: cset([32]),
        -3: cset([PARTNER]),
        -20: digest("offer", offer_payload_bytes),
        -21: 1,
        -23: subject_key(person.x),
    }


def new_receipt(grant_payload_bytes):
    return {
        6: T0 + 100_000,
        -1: 8,
        -2: 32,
        -3: PARTNER,
        -30: digest("grant", grant_payload_bytes)[:16],
        -40: 3,
        -41: 25,
        -42: commitment(bytes(range(16)), b"52.5163,13.3777;52.5164,13.3779;52.5165,13.3781"),
    }


def consentkit_verify(artifact, trust_bytes, tmp_path, name):
    """Runs consentkit's verify_artifact example on the artifact."""
    a, t = tmp_path / f"{name}.cbor", tmp_path / "trust.cbor"
    a.write_bytes(artifact)
    t.write_bytes(trust_bytes)
    cmd = ["cargo", "run", "-q", "-p", "consentkit", "--example", "verify_artifact", "--", str(a), str(t)]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def made_with_pycose():
    controller = key_from_seed(CONTROLLER_SEED)
    person = key_from_seed(PERSON_SEED)
    offer_payload = new_offer()
    offer = sign1("offer", offer_payload, controller, protected_style="phdr")
    grant_payload = new_grant(det(offer_payload), person)
    grant = sign_both("grant", grant_payload, person, controller)
    receipt_payload = new_receipt(det(grant_payload))
    receipt = sign1("data_receipt", receipt_payload, controller)
    return {"offer": offer, "grant": grant, "data_receipt": receipt}


def test_pycose_protected_header_in_insertion_order_is_deterministic():
    key = key_from_seed(CONTROLLER_SEED)
    a = CoseMessage.decode(sign1("offer", {1: "x"}, key, protected_style="phdr"))
    b = CoseMessage.decode(sign1("offer", {1: "x"}, key))
    assert a.phdr_encoded == b.phdr_encoded == det({1: -8, 4: thumbprint(key.x), 16: 65001})


def test_pycose_artifacts_pass_our_own_checks(made_with_pycose, trust):
    for name, raw in made_with_pycose.items():
        kind, _, _, _ = verify(raw, trust)
        assert kind == name


def test_consentkit_verifies_artifacts_made_with_pycose(made_with_pycose, examples, trust, tmp_path):
    trust_bytes = examples["trust"][1]
    controller_kid = thumbprint(key_from_seed(CONTROLLER_SEED).x).hex()
    person_kid = thumbprint(key_from_seed(PERSON_SEED).x).hex()
    controller_signer = {
        "by": "trusted",
        "kid": controller_kid,
        "role": "controller",
        "party": CONTROLLER,
    }
    expected_signers = {
        "offer": [controller_signer],
        "grant": [{"by": "subject", "kid": person_kid}, controller_signer],
        "data_receipt": [controller_signer],
    }
    for name, raw in made_with_pycose.items():
        r = consentkit_verify(raw, trust_bytes, tmp_path, name)
        assert r.returncode == 0, f"consentkit rejected the pycose {name}: {r.stderr}"
        out = json.loads(r.stdout)
        payload = CoseMessage.decode(raw).payload
        assert out["kind"] == name
        assert out["digest"] == digest(name, payload).hex()
        assert out["id"] == digest(name, payload)[:16].hex()
        assert out["signers"] == expected_signers[name]


def person_only_grant(raw):
    """The grant as the person sends it for countersigning: signature 1 only."""
    msg = cbor2.loads(raw)
    msg.value[3] = msg.value[3][:1]
    return cbor2.dumps(msg)


def test_consentkit_verifies_a_compact_receipt_made_with_pycose(made_with_pycose, examples, tmp_path):
    """A receipt naming the grant's purpose, category and recipient by index
    (FORMAT.md §4.7.1), built and signed with pycose, verifies."""
    controller = key_from_seed(CONTROLLER_SEED)
    grant_payload = cbor2.loads(CoseMessage.decode(made_with_pycose["grant"]).payload)
    assert grant_payload[-1] == [8] and grant_payload[-2] == [32] and grant_payload[-3] == [PARTNER]
    # purposes[0], categories[0], parties[1] = recipients[0] (parties[0] is the controller).
    # The kid: the thumbprint's first 8 bytes (FORMAT.md §3.2).
    payload = {**new_receipt(det(grant_payload)), -1: -1, -2: -1, -3: -2}
    raw = sign1("data_receipt", payload, controller, kid_len=8)
    full = sign1("data_receipt", new_receipt(det(grant_payload)), controller)
    assert len(raw) <= 200 and len(raw) + 24 < len(full)
    r = consentkit_verify(raw, examples["trust"][1], tmp_path, "compact_receipt")
    assert r.returncode == 0, f"consentkit rejected the compact pycose receipt: {r.stderr}"
    out = json.loads(r.stdout)
    assert out["kind"] == "data_receipt"
    assert out["id"] == digest("data_receipt", det(payload))[:16].hex()
    # The signer is named by its whole thumbprint.
    assert out["signers"][0]["kid"] == thumbprint(controller.x).hex()
    # A short kid on any other kind is refused.
    offer = sign1("offer", new_offer(), controller, kid_len=8)
    r = consentkit_verify(offer, examples["trust"][1], tmp_path, "short_kid_offer")
    assert r.returncode == 1 and "kid must be a 32-byte key thumbprint, found 8 bytes" in r.stderr, r.stderr


def test_consentkit_rejects_broken_pycose_artifacts(made_with_pycose, examples, tmp_path):
    """The positive test above can fail: these must be refused, each for
    the reason FORMAT.md gives."""
    trust_bytes = examples["trust"][1]
    controller = key_from_seed(CONTROLLER_SEED)
    partner = key_from_seed(PARTNER_SEED)
    grant_payload = cbor2.loads(CoseMessage.decode(made_with_pycose["grant"]).payload)
    base = new_receipt(det(grant_payload))
    tampered = bytearray(made_with_pycose["data_receipt"])
    tampered[-1] ^= 0x01
    kid = thumbprint(controller.x)

    def unsorted_header():
        # Keys 16, 1, 4: pycose writes them as inserted, consentkit refuses.
        msg = Sign1Message(phdr={16: 65005, Algorithm: EdDSA, KID: kid}, payload=det(base))
        msg.key = controller
        return msg.encode(tag=True)

    def kid_unprotected():
        msg = Sign1Message(phdr={Algorithm: EdDSA, 16: 65005}, uhdr={KID: kid}, payload=det(base))
        msg.key = controller
        return msg.encode(tag=True)

    cases = {
        "tampered signature": (bytes(tampered), "signature invalid"),
        "quantity 1 written": (sign1("data_receipt", {**base, -40: 1}, controller), "omitting"),
        "unsorted protected header": (unsorted_header(), "canonical order"),
        "kid in unprotected header": (kid_unprotected(), "unprotected header must be empty"),
        "built-in term as text": (sign1("data_receipt", {**base, -2: "pd:Location"}, controller), "its code"),
        "index no grant can have": (
            sign1("data_receipt", {**base, -1: -257}, controller),
            "past the end of any grant's list",
        ),
        "offer signed by the partner": (
            sign1("offer", new_offer(), partner),
            "may not sign",
        ),
        "grant without countersignature": (person_only_grant(made_with_pycose["grant"]), "not countersigned"),
    }
    for label, (raw, message) in cases.items():
        r = consentkit_verify(raw, trust_bytes, tmp_path, label.replace(" ", "_"))
        assert r.returncode == 1, f"{label}: accepted"
        assert message in r.stderr, f"{label}: {r.stderr}"
