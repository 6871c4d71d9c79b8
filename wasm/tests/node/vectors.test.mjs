// The same bytes in every layer: the examples in docs/FORMAT.md (which the
// Rust tests check against the core, and pycose reads) decode, keep their
// ids and digests, and verify against the example trust set, here in JS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ck, T0, DAY } from "./helpers.mjs";

const doc = readFileSync(new URL("../../../docs/FORMAT.md", import.meta.url), "utf8");
const examples = {};
for (const m of doc.matchAll(/```hex example=(\w+)([^\n]*)\n([0-9a-f\n]+)```/g)) {
  const attrs = Object.fromEntries([...m[2].matchAll(/(\w+)=([0-9a-f]+)/g)].map((a) => [a[1], a[2]]));
  examples[m[1]] = { bytes: Uint8Array.from(Buffer.from(m[3].replace(/\n/g, ""), "hex")), ...attrs };
}

test("FORMAT.md's examples decode, keep their ids and verify", () => {
  const kinds = ["offer", "grant", "refusal", "withdrawal", "data_receipt", "value_record"];
  for (const k of [...kinds, "trust"]) assert.ok(examples[k], `FORMAT.md has no ${k} example`);
  const trust = ck.TrustSet.fromCoseKeySet(examples.trust.bytes);
  // Sorted by kid (issue 12 item 1: TrustSet.keys() is the core's list, as in uniffi).
  assert.deepEqual(trust.keys().map((k) => [k.role, k.party]), [["partner", "city.example"], ["controller", "traffic.example"]]);
  assert.deepEqual(trust.keys().map((k) => k.kid), trust.keys().map((k) => k.kid).sort());
  assert.deepEqual(trust.toCoseKeySet(), examples.trust.bytes);
  for (const k of kinds) {
    const ex = examples[k];
    const view = ck.decodeArtifact(ex.bytes);
    assert.equal(view.kind, k);
    assert.equal(view.id, ex.id);
    assert.equal(view.digest, ex.digest);
    assert.equal(view.size, ex.bytes.length);
    const signers = ck.verify(ex.bytes, trust).signers;
    assert.ok(signers.length >= 1, k);
  }
  // The grant names the offer by its digest.
  assert.equal(ck.decodeArtifact(examples.grant.bytes).body.offer, examples.offer.digest);
  // Together they audit; the receipt is covered by the grant.
  const bundle = Buffer.concat(kinds.map((k) => examples[k].bytes));
  const report = ck.audit(bundle, trust, T0 + 90 * DAY).report;
  assert.equal(report.items, 6);
  assert.equal(report.findings.filter((f) => f.artifactKind === "data_receipt").length, 0, JSON.stringify(report.findings));
});
