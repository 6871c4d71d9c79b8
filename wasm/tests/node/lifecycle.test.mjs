// The wallet's app lifecycle through the built package: a change listener
// (replay, then one call per change, after the wallet call returned), one
// purpose granted or withdrawn without UI, needsDecision, and a restore
// that verifies what it restores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { ck, T0, DAY, setup, offerInput, throwsCode } from "./helpers.mjs";

const SERVICE = "dpv:ServiceProvision";
const PLANNING = "https://city.example/purpose#UrbanPlanning";
/** Lets queued microtasks (the listener's calls) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("subscribe replays the current state, then reports each change after the call", async () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  const events = [];
  const seenGrants = [];
  const id = wallet.subscribe((event) => {
    events.push(event);
    // The listener may call the wallet: the call that changed it has returned.
    seenGrants.push(wallet.grants(event.at).length);
  }, T0 + 1);
  assert.equal(typeof id, "number");
  assert.equal(events.length, 0, "called after subscribe returns, in a microtask");
  await settle();
  assert.equal(events.length, 1);
  assert.equal(events[0].replay, true);
  assert.deepEqual(events[0].added, []);
  assert.deepEqual(events[0].grants, []);

  const pending = wallet.grantPurpose(digest, SERVICE, T0 + 10);
  await settle();
  assert.equal(events.length, 2);
  const e = events[1];
  assert.equal(e.replay, false);
  assert.equal(e.at, T0 + 10);
  assert.deepEqual(e.added.map((a) => a.kind), ["grant"]);
  assert.equal(e.added[0].id, ck.decodeArtifact(pending).id);
  assert.equal(e.changed.length, 1);
  assert.deepEqual(e.changed[0].purposes, [SERVICE]);
  assert.equal(e.changed[0].countersigned, false);
  assert.equal(seenGrants[1], 1);

  wallet.receive(issuer.countersign(pending, offer), T0 + 20);
  wallet.trustKey(ck.KeyPair.generate("Ed25519").publicKey(), "partner", "other.example");
  await settle();
  assert.equal(events.length, 3, "a trusted key keeps no artifact: no event");
  assert.equal(events[2].changed[0].countersigned, true);

  assert.equal(wallet.unsubscribe(id), true);
  assert.equal(wallet.unsubscribe(id), false);
  wallet.withdrawPurpose(digest, SERVICE, T0 + 30);
  await settle();
  assert.equal(events.length, 3, "nothing after unsubscribe");
  throwsCode(assert, () => wallet.subscribe(() => {}, Date.now() * 1000), "INVALID_INPUT");
});

test("grantPurpose and withdrawPurpose make properly signed artifacts without UI", () => {
  const wallet = ck.Wallet.inMemory("ES256");
  const { issuer, digest, offer, trust } = setup(wallet);
  const g1 = issuer.countersign(wallet.grantPurpose(digest, SERVICE, T0 + 10), offer);
  wallet.receive(g1, T0 + 10);
  const g2 = wallet.grantPurpose(digest, PLANNING, T0 + 20);
  const body = ck.decodeArtifact(g2).body;
  assert.deepEqual(body.purposes, [SERVICE, PLANNING]);
  assert.equal(body.supersedes, ck.decodeArtifact(g1).id);
  assert.equal(body.method, "api");
  wallet.receive(issuer.countersign(g2, offer), T0 + 20);
  throwsCode(assert, () => wallet.grantPurpose(digest, SERVICE, T0 + 30), "INVALID_INPUT");
  throwsCode(assert, () => wallet.grantPurpose(digest, "dpv:Marketing", T0 + 30), "INVALID_INPUT");
  throwsCode(assert, () => wallet.grantPurpose("00".repeat(32), SERVICE, T0 + 30), "NOT_FOUND");

  const out = wallet.withdrawPurpose(digest, PLANNING, T0 + 40);
  assert.equal(out.length, 2);
  assert.ok(out.every((b) => b instanceof Uint8Array));
  assert.equal(ck.decodeArtifact(out[0]).kind, "withdrawal");
  assert.deepEqual(ck.decodeArtifact(out[1]).body.purposes, [SERVICE]);
  wallet.receive(issuer.countersign(out[1], offer), T0 + 40);
  // Everything the wallet holds verifies and audits clean.
  const report = ck.audit(wallet.exportBundle(), trust, T0 + 50);
  assert.deepEqual(report.report.findings, []);
  assert.equal(wallet.withdrawPurpose(digest, SERVICE, T0 + 60).length, 1);
  throwsCode(assert, () => wallet.withdrawPurpose(digest, SERVICE, T0 + 70), "INVALID_INPUT");
});

test("needsDecision: never decided, decided, changed terms, expired", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest } = setup(wallet);
  assert.equal(wallet.needsDecision(digest, T0 + 1), true);
  wallet.accept(digest, { expiresAt: T0 + DAY }, T0 + 10);
  assert.equal(wallet.needsDecision(digest, T0 + 11), false);
  assert.equal(wallet.needsDecision(digest, T0 + DAY), true, "the grant expired");
  // Re-issued with new dates only: the decision holds. A new notice: ask again.
  const reissued = issuer.makeOffer(offerInput({ issuedAt: T0 + 100, validFrom: T0 + 100 }));
  const changed = issuer.makeOffer(offerInput({ notice: { url: "https://traffic.example/notice/v4", text: "New terms." } }));
  wallet.receive(reissued, T0 + 100);
  wallet.receive(changed, T0 + 100);
  assert.equal(wallet.needsDecision(ck.decodeArtifact(reissued).digest, T0 + 200), false);
  assert.equal(wallet.needsDecision(ck.decodeArtifact(changed).digest, T0 + 200), true);
  wallet.refuse(ck.decodeArtifact(changed).digest, T0 + 300);
  assert.equal(wallet.needsDecision(ck.decodeArtifact(changed).digest, T0 + 400), false, "a refusal stands");
  throwsCode(assert, () => wallet.needsDecision("00".repeat(32), T0), "NOT_FOUND");
  throwsCode(assert, () => wallet.needsDecision("xyz", T0), "INVALID_INPUT");
});

/** A backup of any wallet image under `key` (the layout of FORMAT.md §14). */
function seal(image, key) {
  const magic = Buffer.from("CKWB1\n");
  const nonce = randomBytes(12);
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  c.setAAD(magic);
  return Buffer.concat([magic, nonce, c.update(image), c.final(), c.getAuthTag()]);
}

/** One wallet-file frame: length, the first 4 bytes of SHA-256(payload), payload. */
function frame(payload) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(payload.length);
  return Buffer.concat([len, createHash("sha256").update(payload).digest().subarray(0, 4), payload]);
}

test("a fresh wallet restores a backup, verified; a corrupted or foreign one is BACKUP", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  wallet.receive(issuer.countersign(wallet.accept(digest, null, T0 + 10), offer), T0 + 10);
  const key = randomBytes(32);
  const restored = ck.Wallet.importBackup(wallet.exportBackup(key), key);
  assert.deepEqual(restored.toBytes(), wallet.toBytes());
  assert.equal(restored.needsDecision(digest, T0 + 20), false);
  assert.equal(restored.withdrawPurpose(digest, PLANNING, T0 + 30).length, 2);

  // Our own seal of the wallet's image restores: the seal is right.
  assert.deepEqual(ck.Wallet.importBackup(seal(wallet.toBytes(), key), key).toBytes(), wallet.toBytes());
  // Authentic, but holding an unknown record: refused, not skipped.
  const damaged = Buffer.concat([Buffer.from(wallet.toBytes()), frame(Buffer.from([0x81, 0x18, 0x63]))]);
  assert.equal(ck.Wallet.fromBytes(damaged).problems().length, 1);
  const e = throwsCode(assert, () => ck.Wallet.importBackup(seal(damaged, key), key), "BACKUP");
  assert.match(e.message, /unknown record/);
  // Foreign: another wallet's key, not a backup at all.
  throwsCode(assert, () => ck.Wallet.importBackup(ck.Wallet.inMemory().exportBackup(randomBytes(32)), key), "BACKUP");
  throwsCode(assert, () => ck.Wallet.importBackup(wallet.toBytes(), key), "BACKUP");
});
