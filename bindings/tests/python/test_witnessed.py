"""Witnessed transparency and proofs that travel through the Python glue
(issue 14): the wallet's witness check (check_logs_witnessed) and its exported
proofs (export_tlog_proof / verify_tlog_proof, verify_cose_receipt) on a
wallet that holds a real witnessed log.

The fixture is written by the core at test time
(`cargo run -p consentkit --example witness_fixture -- DIR`; scripts/test-bindings
writes it to target/witness-fixture, or set CONSENTKIT_WITNESS_FIXTURE)."""

import json
import os
import pathlib

import pytest

import consentkit as ck
from conftest import DAY, REPO


@pytest.fixture(scope="module")
def fixture():
    d = pathlib.Path(os.environ.get("CONSENTKIT_WITNESS_FIXTURE", REPO / "target" / "witness-fixture"))
    if not (d / "expected.json").is_file():
        pytest.fail(f"no witness fixture in {d}: run cargo run -p consentkit --example witness_fixture -- {d}")
    return d, json.loads((d / "expected.json").read_text())


def wallet(d):
    return ck.Wallet.from_bytes((d / "wallet.ckw").read_bytes())


def test_witnessed_checkpoint_passes_under_the_right_policy_and_reports_the_backdated_withdrawal(fixture):
    d, exp = fixture
    checks = wallet(d).check_logs_witnessed((d / "witness-policy.txt").read_text(), exp["tolerance"])
    assert len(checks) == 1
    c = checks[0]
    assert c.origin == exp["origin"]
    assert c.witnessed == exp["witnessed"] == [2, 3]
    assert c.not_witnessed == []
    assert c.cosigned_by == [exp["witness"]]
    assert sorted(c.proven) == sorted([exp["grant"], exp["withdrawal"]])
    assert c.backdated == [exp["withdrawal"]]
    assert any("backdated" in p for p in c.problems)
    # 25 days of tolerance cover the 20 days between its date and the checkpoint.
    assert wallet(d).check_logs_witnessed((d / "witness-policy.txt").read_text(), 25 * DAY)[0].backdated == []


def test_witnessed_checkpoint_fails_under_a_strangers_policy(fixture):
    d, exp = fixture
    c = wallet(d).check_logs_witnessed((d / "stranger-policy.txt").read_text(), exp["tolerance"])[0]
    assert c.witnessed == [] and c.cosigned_by == [] and c.proven == [] and c.backdated == []
    assert c.not_witnessed == [2, 3]
    assert all("not accepted" in p for p in c.problems) and c.problems


def test_witness_policy_errors_are_typed(fixture):
    d, _ = fixture
    with pytest.raises(ck.ConsentKitError.InvalidInput) as e:
        wallet(d).check_logs_witnessed("quorum nobody\n", DAY)
    assert "witness policy" in str(e.value)


def test_tlog_proof_exported_and_verified_and_a_bent_one_refused(fixture):
    d, exp = fixture
    w = wallet(d)
    text = w.export_tlog_proof(exp["grant"])
    assert text.startswith("c2sp.org/tlog-proof@v1\nindex 1\n")
    t = w.verify_tlog_proof(exp["grant"], text)
    assert t.leaf_index == 1 and t.tree_size >= 2
    # The core's ReceiptCheck (log::receipt::ReceiptClaims): the root is 32 bytes, as every hash.
    assert type(t).__module__.endswith("consentkit_core") and isinstance(t.root, bytes) and len(t.root) == 32
    with pytest.raises(ck.ConsentKitError):
        w.verify_tlog_proof(exp["grant"], text.replace("index 1", "index 0", 1))
    with pytest.raises(ck.ConsentKitError):
        w.verify_tlog_proof(exp["withdrawal"], text)


def test_cose_receipt_verified_and_a_bent_one_refused(fixture):
    d, exp = fixture
    w = wallet(d)
    receipt = (d / "grant.receipt.cose").read_bytes()
    r = w.verify_cose_receipt(exp["grant"], receipt)
    assert (r.leaf_index, r.tree_size) == (1, 2)
    bent = receipt[:-1] + bytes([receipt[-1] ^ 1])
    with pytest.raises(ck.ConsentKitError):
        w.verify_cose_receipt(exp["grant"], bent)
    with pytest.raises(ck.ConsentKitError):
        w.verify_cose_receipt(exp["withdrawal"], receipt)
