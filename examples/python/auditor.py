#!/usr/bin/env python3
"""An auditor, in Python: verify and audit a bundle of consentkit artifacts.

    python examples/python/auditor.py BUNDLE TRUST [--at TIME] [--json OUT]
                                      [--expected expected-findings.json]
                                      [--wallet person.ckw]

BUNDLE is a CBOR sequence of artifacts and TRUST a COSE_KeySet with roles
(`consentkit demo` writes both, as demo-out/bundle.cbors and
demo-out/trust.cbor). The bundle is streamed from disk by the core's audit
engine, the same one `consentkit audit` runs. With --expected (the demo's
expected-findings.json) the script checks that the audit found exactly the
injected violations. With --wallet it also opens a person's wallet file and
prints what that person shared and received.

Exit status: 0 without findings (or, with --expected, when exactly the
expected ones were found), 1 with findings, 2 when the input is unusable.
"""

import argparse
import json
import sys

import consentkit as ck


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("bundle")
    p.add_argument("trust")
    p.add_argument("--at", type=int, help="audit time, seconds since the epoch (default: now)")
    p.add_argument("--json", help="also write the report as JSON (as `consentkit audit --format json`)")
    p.add_argument("--expected", help="expected-findings.json from `consentkit demo`")
    p.add_argument("--wallet", help="a person's wallet file to summarise")
    args = p.parse_args()

    try:
        with open(args.trust, "rb") as f:
            trust = ck.TrustSet.from_cose_key_set(f.read())
        verifier = ck.Verifier(trust)
        report = verifier.audit_file(args.bundle, args.at)
    except (OSError, ck.ConsentKitError) as e:
        print(f"auditor: {type(e).__name__}: {e}", file=sys.stderr)
        return 2

    print(f"{report.items} artifacts, {report.bundle_bytes} bytes, audited at {report.at}")
    for c in report.counts:
        print(f"  {c.kind.name.lower():<13} {c.count}")
    for c in report.controllers:
        states = ", ".join(f"{s.state.name.lower()} {s.count}" for s in c.grant_states)
        value = ", ".join(f"{v.amount} {v.unit}" for v in c.value_delivered) or "nothing"
        print(f"  {c.controller}: {c.offers} offers, {c.grants} grants ({states}), "
              f"{c.receipts} receipts, value delivered: {value}")
    print(f"{len(report.findings)} findings")
    for f in report.findings:
        print(f"  {str(f.kind):<22} {f.artifact or '-':<32} {f.message}")

    if args.json:
        with open(args.bundle, "rb") as f:
            rendered = verifier.audit_rendered(f.read(), ck.ReportFormat.JSON, args.at)
        with open(args.json, "w") as f:
            f.write(rendered)

    if args.wallet:
        try:
            wallet = ck.Wallet.open(args.wallet)
        except ck.ConsentKitError as e:
            print(f"auditor: {type(e).__name__}: {e}", file=sys.stderr)
            return 2
        with wallet:  # the file and the keys are released at the end of the block
            s = wallet.summary(report.at)
        print(f"wallet {args.wallet}: {len(s.grants)} grants, {s.refusals} refusals, "
              f"{len(s.violations)} violations")
        for x in s.shared:
            print(f"  shared {x.category} with {x.recipient} for {x.purpose}: {x.uses} uses")
        for r in s.received:
            print(f"  received {r.amount} {r.unit} from {r.controller}")

    if args.expected:
        with open(args.expected) as f:
            expected = {(e["kind"], e["artifact"]) for e in json.load(f)}
        found = {(str(f.kind), f.artifact) for f in report.findings}
        if found == expected:
            print(f"found exactly the {len(expected)} expected findings")
            return 0
        print(f"missed: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}")
        return 1
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
