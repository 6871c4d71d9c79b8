// Signers that answer with a Promise (issue 12, item 3): WebCrypto keys
// through Controller.withAsyncSigner / signAsync and Wallet.signAsync, and
// prepare…/complete on the Controller, the same names as the uniffi skin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { webcrypto, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { ck, T0, DAY, CONTROLLER, offerInput, receiptInput, setup, throwsCode } from "./helpers.mjs";

const ECDSA = { name: "ECDSA", hash: "SHA-256" };

/** A non-extractable WebCrypto key as an AsyncExternalSigner. */
async function webcryptoSigner(kind = "ES256") {
  const gen = kind === "ES256" ? { name: "ECDSA", namedCurve: "P-256" } : { name: "Ed25519" };
  const pair = await webcrypto.subtle.generateKey(gen, false, ["sign", "verify"]);
  assert.equal(pair.privateKey.extractable, false);
  // An ArrayBuffer, as WebCrypto gives it.
  const bytes = await webcrypto.subtle.exportKey("raw", pair.publicKey);
  const calls = [];
  return {
    calls,
    publicKey: () => ({ algorithm: kind, bytes }),
    // crypto.subtle.sign resolves to an ArrayBuffer (ECDSA: raw r || s).
    sign: (message) => {
      calls.push(message);
      return webcrypto.subtle.sign(kind === "ES256" ? ECDSA : { name: "Ed25519" }, pair.privateKey, message);
    },
  };
}

/** Rejects with a ConsentKitError of `code`; returns it. */
async function rejectsCode(promise, code) {
  assert.ok(promise instanceof Promise, "not a Promise");
  const e = await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (e) => e,
  );
  assert.equal(e.name, "ConsentKitError", `${e}`);
  assert.equal(e.code, code, e.message);
  assert.ok(ck.isConsentKitError(e));
  return e;
}

for (const kind of ["ES256", "Ed25519"]) {
  test(`Controller.withAsyncSigner: a non-extractable WebCrypto ${kind} key signs every artifact through prepare… and signAsync`, async () => {
    const signer = await webcryptoSigner(kind);
    const c = ck.Controller.withAsyncSigner(signer);
    assert.equal(c.isAsync, true);
    const wallet = ck.Wallet.inMemory("Ed25519");
    wallet.trustKey(c.publicKey(), "controller", CONTROLLER);
    const trust = new ck.TrustSet();
    trust.add(c.publicKey(), "controller", CONTROLLER);

    const pendingOffer = c.prepareOffer(offerInput());
    assert.equal(pendingOffer.kind, "offer");
    assert.equal(pendingOffer.algorithm, kind);
    assert.equal(pendingOffer.kid, c.publicKey().kid);
    const offer = await c.signAsync(pendingOffer);
    assert.ok(offer instanceof Uint8Array);
    assert.deepEqual(signer.calls[0], pendingOffer.message, "the signer signs exactly the prepared message");
    assert.deepEqual(wallet.receive(offer, T0).violations, []);
    const digest = ck.decodeArtifact(offer).digest;

    const grant = await c.signAsync(c.prepareCountersign(wallet.accept(digest, null, T0 + 60), offer));
    assert.deepEqual(wallet.receive(grant, T0 + 60).violations, []);
    assert.deepEqual(ck.verify(grant, trust).signers.map((s) => s.by), ["subject", "trusted"]);
    const grantId = ck.decodeArtifact(grant).id;

    const receipt = await c.signAsync(c.prepareReceipt(receiptInput(grantId, T0 + 120), grant));
    assert.deepEqual(wallet.receive(receipt, T0 + 130).violations, []);
    const value = await c.signAsync(c.prepareValueRecord({
      grant: grantId, issuedAt: T0 + 140, benefit: { kind: "money", amount: 150, unit: "EUR" },
    }));
    assert.deepEqual(wallet.receive(value, T0 + 140).violations, []);
    const revocation = await c.signAsync(c.prepareRevoke(grantId, T0 + DAY, "service closed"));
    assert.deepEqual(wallet.receive(revocation, T0 + DAY).violations, []);
    assert.equal(wallet.grantState(grantId, T0 + 2 * DAY), "revoked");
    // Every artifact verifies against the controller's key; the audit is clean.
    const report = ck.audit(wallet.exportBundle(), trust, T0 + 2 * DAY);
    assert.equal(report.outcome, "clean", JSON.stringify(report.findings));
    assert.equal(signer.calls.length, 5);
  });
}

test("an async controller refuses one-step calls, saying to prepare and signAsync", async () => {
  const c = ck.Controller.withAsyncSigner(await webcryptoSigner());
  const e = throwsCode(assert, () => c.makeOffer(offerInput()), "SIGNER");
  assert.match(e.message, /withAsyncSigner.*signAsync/);
  assert.equal(new ck.Controller(ck.KeyPair.generate("Ed25519")).isAsync, false);
});

test("Controller.complete takes a signature made by hand (DER from node:crypto), and refuses another key's", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  // A signer whose sign() is never called: the host signs by hand.
  const c = ck.Controller.withAsyncSigner({
    publicKey: () => ({ algorithm: "ES256", bytes: raw }),
    sign: () => { throw new Error("not used"); },
  });
  const pending = c.prepareOffer(offerInput());
  const der = nodeSign("sha256", pending.message, privateKey);
  assert.equal(der[0], 0x30, "node:crypto signs ECDSA in DER");
  const offer = c.complete(pending, der);
  const trust = new ck.TrustSet();
  trust.add(c.publicKey(), "controller", CONTROLLER);
  assert.equal(ck.verify(offer, trust).signers[0].kid, c.publicKey().kid);
  throwsCode(assert, () => c.complete(pending, new Uint8Array(64)), "SIGNER");
  // A pending signature of another controller is refused before any check.
  const other = new ck.Controller(ck.KeyPair.generate("ES256"));
  const e = throwsCode(assert, () => other.complete(pending, der), "USAGE");
  assert.match(e.message, /another key/);
});

test("Controller.signAsync with a key held here signs at once", async () => {
  const c = new ck.Controller(ck.KeyPair.generate("Ed25519"));
  const offer = await c.signAsync(c.prepareOffer(offerInput()));
  assert.equal(ck.decodeArtifact(offer).kind, "offer");
});

test("a signer that rejects, throws, or answers garbage rejects signAsync with SIGNER; nothing is kept", async () => {
  const good = await webcryptoSigner();
  const make = (sign) => ck.Controller.withAsyncSigner({ publicKey: good.publicKey, sign });
  let e = await rejectsCode(make(() => Promise.reject(new Error("user cancelled"))).signAsync(
    ck.Controller.withAsyncSigner(good).prepareOffer(offerInput())), "SIGNER");
  assert.match(e.message, /rejected: user cancelled/);
  const c1 = make(() => { throw new Error("no token"); });
  e = await rejectsCode(c1.signAsync(c1.prepareOffer(offerInput())), "SIGNER");
  assert.match(e.message, /threw: no token/);
  const c2 = make(async () => "not bytes");
  e = await rejectsCode(c2.signAsync(c2.prepareOffer(offerInput())), "SIGNER");
  assert.match(e.message, /must be bytes/);
  const c3 = make(async () => new Uint8Array(64));
  await rejectsCode(c3.signAsync(c3.prepareOffer(offerInput())), "SIGNER");
  // A public key that is not { algorithm, bytes } is refused when the signer is handed over.
  throwsCode(assert, () => ck.Controller.withAsyncSigner({ publicKey: () => ({ alg: "ES256" }), sign: good.sign }), "SIGNER");
});

test("Wallet.signAsync: a WebCrypto key accepts and withdraws; the wallet stays usable while the signer waits", async () => {
  const signer = await webcryptoSigner();
  const wallet = ck.Wallet.inMemoryExternal();
  const { issuer, digest, offer, trust } = setup(wallet);
  wallet.bindKey(CONTROLLER, ck.PublicKey.fromRaw("ES256", signer.publicKey().bytes));
  // A signer that waits for the user: resolved by hand below.
  let release;
  const waiting = {
    publicKey: signer.publicKey,
    sign: (m) => new Promise((resolve) => { release = () => resolve(signer.sign(m)); }),
  };
  const pending = wallet.prepareAccept(digest, null, T0 + 10);
  const signing = wallet.signAsync(pending, waiting);
  await new Promise((r) => setImmediate(r));
  // Meanwhile the wallet answers (no "recursive use" error) and keeps nothing yet.
  assert.deepEqual(wallet.grants(T0 + 10), []);
  release();
  const asked = await signing;
  const grant = issuer.countersign(asked, offer);
  assert.deepEqual(wallet.receive(grant, T0 + 10).violations, []);
  assert.equal(ck.verify(grant, trust).signers[0].kid, pending.kid);
  const grantId = ck.decodeArtifact(grant).id;
  await wallet.signAsync(wallet.prepareWithdraw(grantId, T0 + DAY), signer);
  assert.equal(wallet.grantState(grantId, T0 + 2 * DAY), "withdrawn");
});

test("Wallet.signAsync refuses another key before asking it (USAGE), and a bad signature (SIGNER)", async () => {
  const signer = await webcryptoSigner();
  const stranger = await webcryptoSigner();
  const wallet = ck.Wallet.inMemoryExternal();
  const { digest } = setup(wallet);
  wallet.bindKey(CONTROLLER, ck.PublicKey.fromRaw("ES256", signer.publicKey().bytes));
  const pending = wallet.prepareAccept(digest, null, T0 + 10);
  const before = wallet.toBytes();
  const e = await rejectsCode(wallet.signAsync(pending, stranger), "USAGE");
  assert.match(e.message, /prepared for key/);
  assert.equal(stranger.calls.length, 0, "the other key was not asked to sign");
  await rejectsCode(wallet.signAsync(pending, { publicKey: signer.publicKey, sign: async () => new Uint8Array(64) }), "SIGNER");
  assert.deepEqual(wallet.toBytes(), before);
});
