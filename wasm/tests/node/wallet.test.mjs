// The person's wallet through the built package: the traffic-app flow,
// persistence as bytes, the encrypted backup, and both kinds of external key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { webcrypto, generateKeyPairSync, sign as nodeSign, randomBytes } from "node:crypto";
import { ck, T0, DAY, CONTROLLER, PARTNER, setup, receiptInput, throwsCode } from "./helpers.mjs";

test("receive returns { artifact, violations }: the artifact as decodeArtifact reads it, the violations that concern it", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const got = wallet.receive(grant, T0 + 60);
  assert.deepEqual(Object.keys(got).sort(), ["artifact", "violations"]);
  assert.deepEqual(got.artifact, ck.decodeArtifact(grant));
  assert.equal(got.artifact.kind, "grant");
  assert.deepEqual(got.violations, []);
  const id = got.artifact.id;
  wallet.withdraw(id, T0 + DAY);
  const late = wallet.receive(issuer.issueReceipt(receiptInput(id, T0 + 2 * DAY), grant), T0 + 2 * DAY);
  assert.equal(late.artifact.kind, "data_receipt");
  assert.deepEqual(late.violations.map((f) => [f.kind, f.artifact]), [["after_withdrawal", late.artifact.id]]);
  // Taking in the same bytes again changes nothing and gives the same artifact.
  assert.deepEqual(wallet.receive(grant, T0 + 2 * DAY).artifact, got.artifact);
});

test("an artifact is the core's ArtifactInfo: kind, id, digest, signers, size, body, bytes (as in every skin)", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer, trust } = setup(wallet);
  const info = ck.decodeArtifact(offer);
  assert.deepEqual(Object.keys(info), ["kind", "id", "digest", "signers", "size", "body", "bytes"]);
  assert.ok(info.bytes instanceof Uint8Array);
  assert.deepEqual(Buffer.from(info.bytes), Buffer.from(offer));
  assert.equal(info.size, offer.length);
  assert.equal(info.digest, digest);
  assert.equal(info.body.controller, CONTROLLER);
  assert.deepEqual(info.signers, [{ kid: issuer.publicKey().kid, algorithm: issuer.publicKey().algorithm }]);
  // The same record from the wallet, verify, and inspect (plus its offset).
  assert.deepEqual(wallet.offers()[0], info);
  assert.deepEqual(wallet.artifacts()[0], info);
  const verified = ck.verify(offer, trust);
  assert.deepEqual(Object.keys(verified), ["artifact", "signers"]);
  assert.deepEqual(verified.artifact, info);
  assert.deepEqual(ck.inspect(offer), [{ offset: 0, ...info }]);
  // A data receipt's header carries the short kid (16 hex digits).
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const gid = wallet.receive(grant, T0 + 60).artifact.id;
  const receipt = ck.decodeArtifact(issuer.issueReceipt(receiptInput(gid, T0 + DAY), grant));
  assert.deepEqual(receipt.signers.map((s) => s.kid.length), [16]);
  assert.equal(receipt.body.grant, gid);
});

test("a driver accepts granularly, shares, is paid, withdraws, and a late receipt is flagged", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, partner, digest, trust, violations, offer } = setup(wallet);
  assert.deepEqual(violations, []);
  assert.equal(wallet.offers().length, 1);
  assert.equal(wallet.offers()[0].body.valueOffered[0].unit, "month");

  // Granular: live routing only, no urban planning, no partner.
  const pending = wallet.accept(digest, { purposes: ["dpv:ServiceProvision"], recipients: [] }, T0 + 60);
  assert.equal(wallet.grants(T0 + 60)[0].countersigned, false);
  const grant = issuer.countersign(pending, offer);
  assert.deepEqual(wallet.receive(grant, T0 + 60).violations, []);
  const [view] = wallet.grants(T0 + 60);
  assert.equal(view.state, "given");
  assert.equal(view.countersigned, true);
  assert.deepEqual(view.purposes, ["dpv:ServiceProvision"]);
  const grantId = view.id;

  for (let i = 0; i < 3; i++) {
    assert.deepEqual(wallet.receive(issuer.issueReceipt(receiptInput(grantId, T0 + 3600 + i), grant), T0 + 7200).violations, []);
  }
  // Urban planning was not granted, and the partner was not: signing such
  // receipts needs the explicit known-violation call, and both are flagged.
  const beyond = wallet.receive(issuer.issueReceiptKnownViolation(receiptInput(grantId, T0 + 4000, { purpose: "https://city.example/purpose#UrbanPlanning" }), "misuse for the wallet to flag"), T0 + 7200).violations;
  assert.deepEqual(beyond.map((f) => f.kind), ["purpose_not_granted"]);
  const partnerUse = wallet.receive(partner.issueReceiptKnownViolation(receiptInput(grantId, T0 + 4100, { recipient: PARTNER }), "misuse for the wallet to flag"), T0 + 7200).violations;
  assert.ok(partnerUse.some((f) => f.kind === "recipient_not_granted"), JSON.stringify(partnerUse));

  wallet.receive(issuer.issueValueRecord({ grant: grantId, issuedAt: T0 + 30 * DAY, benefit: { kind: "service", amount: 1, unit: "month" } }), T0 + 30 * DAY);
  const summary = wallet.summary(T0 + 30 * DAY);
  assert.deepEqual(summary.received, { [CONTROLLER]: { month: 1 } });
  // The core's wallet::Summary, with the field names of every language (`logs`, not `log`).
  assert.deepEqual(Object.keys(summary).sort(), ["grants", "logs", "received", "refusals", "shared", "violations"]);
  assert.deepEqual(summary.logs, []);
  const shared = summary.shared.find((s) => s.purpose === "dpv:ServiceProvision" && s.recipient === CONTROLLER);
  assert.equal(shared.uses, 3);
  assert.equal(shared.controller, CONTROLLER);

  // Withdraw: one call. A later receipt is flagged on the device.
  const withdrawal = wallet.withdraw(grantId, T0 + 31 * DAY);
  assert.equal(ck.decodeArtifact(withdrawal).kind, "withdrawal");
  assert.equal(wallet.grantState(grantId, T0 + 32 * DAY), "withdrawn");
  const late = wallet.receive(issuer.issueReceipt(receiptInput(grantId, T0 + 32 * DAY), grant), T0 + 32 * DAY).violations;
  assert.deepEqual(late.map((f) => f.kind), ["after_withdrawal"]);
  assert.equal(late[0].artifactKind, "data_receipt");

  // The wallet's bundle audits to the same violations.
  const report = ck.audit(wallet.exportBundle(), trust, T0 + 33 * DAY);
  const kinds = report.report.findings.map((f) => f.kind).sort();
  assert.deepEqual(kinds, wallet.violations(T0 + 33 * DAY).map((f) => f.kind).sort());
  assert.ok(kinds.includes("after_withdrawal"));
});

test("the host persists the bytes; the backup round-trips byte for byte", () => {
  const wallet = ck.Wallet.inMemory("ES256");
  const { issuer, digest, offer } = setup(wallet);
  wallet.receive(issuer.countersign(wallet.accept(digest, null, T0 + 1), offer), T0 + 1);
  const bytes = wallet.toBytes();
  const reopened = ck.Wallet.fromBytes(bytes);
  assert.deepEqual(reopened.toBytes(), bytes);
  assert.equal(reopened.publicKeyFor(CONTROLLER).kid, wallet.publicKeyFor(CONTROLLER).kid);
  assert.equal(reopened.publicKeyFor(CONTROLLER).algorithm, "ES256");
  assert.deepEqual(reopened.problems(), []);
  assert.equal(reopened.version(), 2);
  assert.deepEqual(reopened.grants(T0 + 2), wallet.grants(T0 + 2));

  const backupKey = randomBytes(32);
  const backup = wallet.exportBackup(backupKey);
  assert.deepEqual(ck.Wallet.importBackup(backup, backupKey).toBytes(), bytes);
  throwsCode(assert, () => ck.Wallet.importBackup(backup, randomBytes(32)), "BACKUP");
  const altered = Uint8Array.from(backup);
  altered[altered.length - 1] ^= 1;
  throwsCode(assert, () => ck.Wallet.importBackup(altered, backupKey), "BACKUP");
  throwsCode(assert, () => wallet.exportBackup(new Uint8Array(16)), "INVALID_INPUT");
});

test("a refusal, and choices outside the offer are refused", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  throwsCode(assert, () => wallet.accept(digest, { purposes: ["dpv:Marketing"] }, T0), "INVALID_INPUT");
  throwsCode(assert, () => wallet.accept(digest, { purposez: [] }, T0), "INVALID_INPUT");
  throwsCode(assert, () => wallet.accept("00".repeat(32), null, T0), "NOT_FOUND");
  const refusal = issuer.countersign(wallet.refuse(digest, T0 + 5), offer);
  wallet.receive(refusal, T0 + 5);
  assert.equal(wallet.summary(T0 + 6).refusals, 1);
});

test("a host key per controller (node:crypto, DER ECDSA) signs in two steps; the wallet holds only public keys", () => {
  const makeKey = () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
    return { privateKey, pub: ck.PublicKey.fromRaw("ES256", new Uint8Array(raw)) };
  };
  const wallet = ck.Wallet.inMemoryExternal();
  const { issuer, digest, trust, offer } = setup(wallet);
  assert.equal(wallet.publicKeyFor(CONTROLLER), undefined);
  throwsCode(assert, () => wallet.prepareAccept(digest, null, T0 + 1), "SIGNER");
  const k = makeKey();
  wallet.bindKey(CONTROLLER, k.pub);
  const pending = wallet.prepareAccept(digest, null, T0 + 1);
  assert.equal(pending.publicKey.kid, k.pub.kid);
  // DER, as Android Keystore and Apple's Security framework return: the core converts it.
  const grant = issuer.countersign(wallet.complete(pending, new Uint8Array(nodeSign("sha256", pending.message, k.privateKey))), offer);
  const signers = ck.verify(grant, trust).signers;
  assert.deepEqual(signers.map((s) => s.by), ["subject", "trusted"]);
  assert.equal(signers[0].kid, k.pub.kid);
  // The core's VerifiedSigner serialised: a subject's has no role or party.
  assert.deepEqual(signers.map((s) => Object.keys(s).sort()), [["by", "kid"], ["by", "kid", "party", "role"]]);
  assert.deepEqual([signers[1].role, signers[1].party], ["controller", CONTROLLER]);
  assert.equal(wallet.publicKeyFor(CONTROLLER).kid, k.pub.kid);
  // One key per controller: the same key cannot be bound to another controller.
  throwsCode(assert, () => wallet.bindKey("music.example", k.pub), "INVALID_INPUT");
  // Reopened from bytes without any key: it knows its public keys.
  const reopened = ck.Wallet.fromBytes(wallet.toBytes());
  assert.equal(reopened.isDeferred, true);
  assert.equal(reopened.publicKeyFor(CONTROLLER).kid, k.pub.kid);
  // A signature by another key is caught before anything is kept.
  const before = wallet.toBytes();
  const p2 = wallet.prepareRefuse(digest, T0 + 2);
  throwsCode(assert, () => wallet.complete(p2, new Uint8Array(nodeSign("sha256", p2.message, makeKey().privateKey))), "SIGNER");
  assert.deepEqual(wallet.toBytes(), before);
});

test("a non-extractable WebCrypto key signs in two steps (prepare, then complete)", async () => {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  assert.equal(pair.privateKey.extractable, false);
  const raw = new Uint8Array(await webcrypto.subtle.exportKey("raw", pair.publicKey));
  const ext = ck.ExternalKey.deferred(ck.PublicKey.fromRaw("ES256", raw));
  const wallet = ck.Wallet.inMemoryExternal();
  assert.equal(wallet.isDeferred, true);
  const { issuer, digest, trust, offer } = setup(wallet);
  throwsCode(assert, () => wallet.accept(digest, null, T0), "SIGNER");

  // The WebCrypto key made for this controller.
  wallet.bindKey(CONTROLLER, ext.publicKey());
  const pending = wallet.prepareAccept(digest, null, T0 + 10);
  assert.equal(pending.kind, "grant");
  assert.equal(pending.algorithm, "ES256");
  assert.equal(pending.kid, ext.kid);
  const sig = new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, pending.message));
  throwsCode(assert, () => wallet.complete(pending, new Uint8Array(64)), "SIGNER");
  const grant = issuer.countersign(wallet.complete(pending, sig), offer);
  wallet.receive(grant, T0 + 10);
  assert.equal(ck.verify(grant, trust).signers[0].kid, ext.kid);

  const grantId = ck.decodeArtifact(grant).id;
  const p2 = wallet.prepareWithdraw(grantId, T0 + DAY);
  const s2 = new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, p2.message));
  wallet.complete(p2, s2);
  const reopened = ck.Wallet.fromBytes(wallet.toBytes());
  assert.equal(reopened.grantState(grantId, T0 + 2 * DAY), "withdrawn");
});
