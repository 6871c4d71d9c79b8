"""The JSON audit report follows docs/audit-report.schema.json.

Runs the demo with injected violations (so every finding field is
exercised), then validates its report.json with the jsonschema package.
"""
import json
import pathlib
import subprocess

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_report_matches_schema(tmp_path):
    out = tmp_path / "demo"
    subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "consentkit-cli", "--", "demo",
         "--out", str(out), "--people", "20", "--days", "20", "--violations", "14"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    schema = json.loads((ROOT / "docs" / "audit-report.schema.json").read_text())
    report = json.loads((out / "report.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    assert len(report["findings"]) == 14
    kinds = {f["kind"] for f in report["findings"]}
    assert len(kinds) == 14
    assert report["outcome"] == "findings"
    # The demo audits with its log, admitting logged artifacts: the report says so.
    prov = report["provenance"]
    assert prov["log"] is not None and prov["log"]["trust_admission"] is True
    assert prov["signatures"]["admitted"] > 0
    import hashlib
    assert prov["bundle_sha256"] == hashlib.sha256((out / "bundle.cbors").read_bytes()).hexdigest()
    # Issue 12: each trusted key's algorithm is `algorithm`, "Ed25519" or "ES256";
    # the former field `alg` and value "EdDSA" no longer fit the schema.
    keys = prov["trust"]["keys"]
    assert keys and all(k["algorithm"] in ("Ed25519", "ES256") and "alg" not in k for k in keys)
    for former in ({"algorithm": "EdDSA"}, {"alg": "Ed25519"}):
        old = json.loads(json.dumps(report))
        k = old["provenance"]["trust"]["keys"][0]
        k.pop("algorithm")
        k.update(former)
        try:
            jsonschema.validate(old, schema, cls=jsonschema.Draft202012Validator)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"a trusted key with {former} was accepted")


def test_schema_rejects_a_wrong_report(tmp_path):
    schema = json.loads((ROOT / "docs" / "audit-report.schema.json").read_text())
    bad = {"at": 0, "bundle_bytes": 0, "items": 0, "counts": {"receipt": 1}, "unreadable": 0,
           "controllers": {}, "days": {}, "findings": []}
    try:
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError:
        return
    raise AssertionError("an unknown artifact type was accepted")
