// Keys, trust sets, inspect and the audit report object through the package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, DAY, setup, receiptInput } from "./helpers.mjs";

test("keys round-trip as COSE_Key; ids are RFC 9679 thumbprints", () => {
  for (const alg of ["Ed25519", "ES256"]) {
    const k = ck.KeyPair.generate(alg);
    assert.equal(k.algorithm, alg);
    assert.match(k.kid, /^[0-9a-f]{64}$/);
    const back = ck.KeyPair.fromCoseKey(k.toCoseKey());
    assert.equal(back.kid, k.kid);
    const pub = ck.PublicKey.fromCoseKey(k.publicKey().toCoseKey());
    assert.ok(pub.equals(k.publicKey()));
    assert.equal(ck.PublicKey.fromRaw(alg, pub.bytes).kid, k.kid);
  }
  const t = new ck.TrustSet();
  t.add(ck.KeyPair.generate().publicKey(), "log", "log.example");
  assert.equal(ck.TrustSet.fromCoseKeySet(t.toCoseKeySet()).size, 1);
  // A trust set never carries private keys.
  const bad = ck.KeyPair.generate().toCoseKey();
  assert.throws(() => ck.TrustSet.fromCoseKeySet(Uint8Array.from([0x81, ...bad])), { name: "ConsentKitError" });
});

test("audit returns the report of docs/AUDIT-REPORT.md, and renders it", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, trust, offer } = setup(wallet);
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const id = ck.decodeArtifact(grant).id;
  const r1 = issuer.issueReceipt(receiptInput(id, T0 + 120), grant);
  const w = wallet.withdraw(id, T0 + DAY);
  const late = issuer.issueReceipt(receiptInput(id, T0 + 2 * DAY), grant);
  const bundle = Buffer.concat([late, r1, w, grant, offer]); // any order
  const audit = ck.audit(bundle, trust, T0 + 3 * DAY);
  const report = audit.report;
  assert.deepEqual(Object.keys(report).sort(), ["at", "bundleBytes", "controllers", "counts", "days", "findingCounts", "findings", "findingsOmitted", "items", "outcome", "provenance", "unreadable"]);
  assert.equal(report.outcome, "findings");
  assert.equal(audit.outcome, "findings");
  assert.equal(audit.isClean, false);
  assert.match(report.provenance.bundleSha256, /^[0-9a-f]{64}$/);
  assert.equal(report.provenance.signatures.checked, 6);
  assert.equal(report.provenance.log, null);
  assert.equal(report.at, T0 + 3 * DAY);
  assert.equal(report.items, 5);
  assert.deepEqual(report.counts, { offer: 1, grant: 1, withdrawal: 1, data_receipt: 2 });
  assert.equal(audit.findingCount, 1);
  assert.equal(report.findings[0].kind, "after_withdrawal");
  assert.deepEqual(report.findingCounts, { after_withdrawal: 1 });
  assert.equal(report.controllers["traffic.example"].grantStates.withdrawn, 1);
  // JSON.stringify gives the document of docs/AUDIT-REPORT.md (snake_case,
  // as the CLI writes it); the object has the same content in camelCase.
  const doc = JSON.parse(JSON.stringify(audit));
  assert.deepEqual(Object.keys(doc).sort(), ["at", "bundle_bytes", "controllers", "counts", "days", "finding_counts", "findings", "findings_omitted", "items", "outcome", "provenance", "unreadable"]);
  assert.equal(doc.provenance.bundle_sha256, report.provenance.bundleSha256);
  assert.equal(doc.findings[0].artifact_kind, report.findings[0].artifactKind);
  assert.deepEqual(doc.finding_counts, report.findingCounts);
  // Issue 12: one field name and one value name for a key's algorithm.
  const controllerKid = trust.keys().find((k) => k.role === "controller").kid;
  for (const keys of [report.provenance.trust.keys, doc.provenance.trust.keys]) {
    assert.ok(keys.length > 0);
    for (const k of keys) {
      assert.ok(["Ed25519", "ES256"].includes(k.algorithm), k.algorithm);
      assert.equal("alg" in k, false);
    }
    assert.equal(keys.find((k) => k.kid === controllerKid).algorithm, "Ed25519");
  }
  const signers = ck.decodeArtifact(grant).signers;
  assert.equal(signers.length, 2);
  for (const s of signers) {
    assert.ok(["Ed25519", "ES256"].includes(s.algorithm), s.algorithm);
    assert.equal("alg" in s, false);
  }
  assert.match(audit.renderHtml(), /^<!DOCTYPE html>/);
  assert.match(audit.renderHtml(), /after_withdrawal/);
  assert.match(audit.renderText(), /after_withdrawal/);

  const items = ck.inspect(bundle);
  assert.deepEqual(items.map((i) => i.kind), ["data_receipt", "data_receipt", "withdrawal", "grant", "offer"]);
  assert.equal(items[1].offset, late.length);
  const verified = ck.verifyBundle(bundle, trust);
  assert.ok(verified.every((v) => v.ok));
  assert.deepEqual(verified[3].signers.map((s) => s.by), ["subject", "trusted"]);

  const c = ck.commit(new TextEncoder().encode("52.52,13.40"));
  // The core's Commitment, as in Kotlin, Swift and Python: `value` and `salt` (hex here).
  assert.deepEqual(Object.keys(c).sort(), ["salt", "value"]);
  assert.match(c.value, /^[0-9a-f]{64}$/);
  assert.match(c.salt, /^[0-9a-f]{32}$/);
  assert.equal(ck.verifyCommitment(c.value, c.salt, new TextEncoder().encode("52.52,13.40")), true);
  assert.equal(ck.verifyCommitment(c.value, c.salt, new TextEncoder().encode("52.52,13.41")), false);
  assert.equal(typeof ck.version(), "string");
});

test("an empty bundle is empty, not clean", () => {
  const wallet = ck.Wallet.inMemory();
  const { trust } = setup(wallet);
  const audit = ck.audit(new Uint8Array(), trust, T0);
  assert.equal(audit.outcome, "empty");
  assert.equal(audit.isClean, false);
  assert.equal(audit.outcomeName, "empty");
  assert.equal(audit.report.outcome, "empty");
  assert.match(audit.renderText(), /nothing to audit: the bundle holds no artifact/);
});

// Issue 12 item 1: one API for the verdict in every skin. `outcomeName` and
// `isClean` are the core's `Report::outcome_name` / `is_clean` (uniffi:
// methods `outcomeName()` / `isClean()`), here getters.
test("the report's outcomeName and isClean are the core's, as in uniffi", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, trust, offer } = setup(wallet);
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const clean = ck.audit(Buffer.concat([grant, offer]), trust, T0 + DAY);
  assert.deepEqual([clean.outcomeName, clean.isClean, clean.outcome], ["clean", true, "clean"]);
  const late = issuer.issueReceipt(receiptInput(ck.decodeArtifact(grant).id, T0 + 2 * DAY), grant);
  const w = wallet.withdraw(ck.decodeArtifact(grant).id, T0 + DAY);
  const dirty = ck.audit(Buffer.concat([grant, offer, w, late]), trust, T0 + 3 * DAY);
  assert.deepEqual([dirty.outcomeName, dirty.isClean], ["findings", false]);
});

// Issue 12 item 1: TrustSet.keys() (and Wallet.trustedKeys()) give the
// core's AuditTrustedKey (kid, algorithm, role, party), sorted by kid, as
// uniffi's TrustSet.keys() and the report's provenance.trust.keys.
test("trust set keys are the report's trusted keys, sorted by kid", () => {
  const a = ck.KeyPair.generate("ES256");
  const b = ck.KeyPair.generate("Ed25519");
  const t = new ck.TrustSet();
  t.add(a.publicKey(), "controller", "traffic.example");
  t.add(b.publicKey(), "person", "person");
  const keys = t.keys();
  assert.deepEqual(keys.map((k) => k.kid), [a.kid, b.kid].sort());
  assert.deepEqual(keys.find((k) => k.kid === a.kid), { kid: a.kid, algorithm: "ES256", role: "controller", party: "traffic.example" });
  assert.deepEqual(ck.audit(new Uint8Array(), t, T0).report.provenance.trust.keys, keys);
});

// Wallet.trustedKeys() is the wallet's trust set's keys, as uniffi's
// Wallet.trustedKeys(); Wallet.trust() is its trust set, as in uniffi.
test("a wallet's trusted keys are its trust set's keys, sorted by kid", () => {
  const a = ck.KeyPair.generate("ES256");
  const b = ck.KeyPair.generate("Ed25519");
  const wallet = ck.Wallet.inMemory();
  assert.deepEqual(wallet.trustedKeys(), []);
  wallet.trustKey(a.publicKey(), "controller", "traffic.example");
  wallet.trustKey(b.publicKey(), "partner", "maps.example");
  const keys = wallet.trustedKeys();
  assert.deepEqual(keys.map((k) => k.kid), [a.kid, b.kid].sort());
  assert.deepEqual(keys.find((k) => k.kid === a.kid), { kid: a.kid, algorithm: "ES256", role: "controller", party: "traffic.example" });
  assert.deepEqual(wallet.trust().keys(), keys);
  assert.equal(wallet.trustSet, undefined);
});
