"""consentkit's COSE Receipts (RFC 9942, vds RFC9162_SHA256) checked by an
implementation nobody here wrote: PyPI `scitt-cose` (Apache-2.0).

The receipts come from `consentkit demo` (one per wallet, signed with the
log's Ed25519 key, EdDSA): scitt-cose rebuilds the root from the artifact's
bytes and the inclusion proof and checks the log's signature over it.
"""

import os
import pathlib
import subprocess

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from scitt_cose.receipt import verify_receipt

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = pathlib.Path(os.environ.get("RECEIPTS_DEMO") or tmp_path_factory.mktemp("demo"))
    if not (out / "receipts" / "log-key.cose").exists():
        subprocess.run(
            ["cargo", "run", "-q", "-p", "consentkit-cli", "--", "demo", "--out", str(out),
             "--people", "8", "--days", "14"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=1800,
        )
    return out / "receipts"


def log_key_pem(receipts):
    key = cbor2.loads((receipts / "log-key.cose").read_bytes())
    assert key[1] == 1 and key[-1] == 6, "the log key is an Ed25519 OKP COSE_Key"
    pub = ed25519.Ed25519PublicKey.from_public_bytes(key[-2])
    return pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def pairs(receipts):
    out = []
    for r in sorted(receipts.glob("person-*.cose")):
        out.append((r.read_bytes(), r.with_suffix(".artifact").read_bytes()))
    assert out, "the demo exported no receipt"
    return out


def test_scitt_cose_verifies_every_demo_receipt(demo):
    pem = log_key_pem(demo)
    for receipt, artifact in pairs(demo):
        res = verify_receipt(receipt, leaf_entry_hex=artifact.hex(), log_public_key_pem=pem)
        assert res.ok, res.errors


def test_scitt_cose_rejects_a_receipt_for_another_artifact_or_key(demo):
    pem = log_key_pem(demo)
    ps = pairs(demo)
    receipt, artifact = ps[0]
    other = next(a for _, a in ps if a != artifact)
    assert not verify_receipt(receipt, leaf_entry_hex=other.hex(), log_public_key_pem=pem).ok
    stranger = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert not verify_receipt(receipt, leaf_entry_hex=artifact.hex(), log_public_key_pem=stranger).ok
    # One flipped bit in the signature.
    bad = bytearray(receipt)
    bad[-1] ^= 1
    assert not verify_receipt(bytes(bad), leaf_entry_hex=artifact.hex(), log_public_key_pem=pem).ok
