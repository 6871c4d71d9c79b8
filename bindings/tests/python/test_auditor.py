"""The auditor path: a bundle and a trust file on disk, audited by the
example script examples/python/auditor.py, as an auditor would run it."""

import json
import subprocess
import sys

import consentkit as ck
from conftest import DAY, T0, make_offer, make_receipt

AUDITOR = "examples/python/auditor.py"


def write_case(parties, tmp_path, late_receipt: bool):
    w = ck.Wallet.in_memory(ck.Algorithm.ED25519)
    w.trust_all(parties.trust)
    offer = parties.controller.make_offer(make_offer())
    oid = w.receive(offer, T0).artifact.id
    grant = parties.controller.countersign(w.accept(oid, ck.Choice(), T0 + 1), offer)
    gid = w.receive(grant, T0 + 2).artifact.id
    w.receive(parties.controller.issue_receipt(make_receipt(gid, T0 + 3600), grant), T0 + DAY)
    w.withdraw(gid, T0 + 2 * DAY)
    if late_receipt:
        w.receive(parties.controller.issue_receipt(make_receipt(gid, T0 + 3 * DAY), grant), T0 + 4 * DAY)
    bundle = tmp_path / "bundle.cbors"
    trust = tmp_path / "trust.cbor"
    bundle.write_bytes(w.export_bundle())
    trust.write_bytes(parties.trust.to_cose_key_set())
    return bundle, trust


def run(repo, *args):
    return subprocess.run([sys.executable, str(repo / AUDITOR), *map(str, args)],
                          capture_output=True, text=True, cwd=repo)


def test_auditor_script_clean_bundle(parties, tmp_path, repo):
    bundle, trust = write_case(parties, tmp_path, late_receipt=False)
    r = run(repo, bundle, trust, "--at", T0 + 5 * DAY)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 findings" in r.stdout


def test_auditor_script_flags_a_receipt_after_withdrawal(parties, tmp_path, repo):
    bundle, trust = write_case(parties, tmp_path, late_receipt=True)
    r = run(repo, bundle, trust, "--at", T0 + 5 * DAY, "--json", tmp_path / "report.json")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "after_withdrawal" in r.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert [f["kind"] for f in report["findings"]] == ["after_withdrawal"]


def test_auditor_script_unusable_input(parties, tmp_path, repo):
    (tmp_path / "trust.cbor").write_bytes(b"\xff\x00garbage")
    (tmp_path / "bundle.cbors").write_bytes(b"")
    r = run(repo, tmp_path / "bundle.cbors", tmp_path / "trust.cbor")
    assert r.returncode == 2
    assert "InvalidInput" in r.stderr or "invalid input" in r.stderr
