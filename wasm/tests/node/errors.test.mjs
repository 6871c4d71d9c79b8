// No input, however malformed, gets anything but a ConsentKitError with a
// stable code out of the package: garbage, truncated and oversized bytes
// through every decode entry point, and wrong JavaScript values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, setup, offerInput, throwsCode } from "./helpers.mjs";

const garbage = [
  new Uint8Array(0),
  new Uint8Array([0xff]),
  new Uint8Array([0xd2, 0x84]),
  new TextEncoder().encode("not cbor at all"),
  new Uint8Array(70 * 1024).fill(0x41),
  Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff),
];

test("garbage, truncated and oversized bytes give INVALID_INPUT (or CORRUPT, BACKUP) everywhere", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, offer, trust } = setup(wallet);
  const truncated = [];
  for (let n = 0; n < offer.length; n += 37) truncated.push(offer.slice(0, n));
  for (const bytes of [...garbage, ...truncated]) {
    throwsCode(assert, () => ck.decodeArtifact(bytes), "INVALID_INPUT");
    throwsCode(assert, () => ck.verify(bytes, trust), "INVALID_INPUT");
    throwsCode(assert, () => ck.KeyPair.fromCoseKey(bytes), "INVALID_INPUT");
    throwsCode(assert, () => ck.PublicKey.fromCoseKey(bytes), "INVALID_INPUT");
    throwsCode(assert, () => ck.TrustSet.fromCoseKeySet(bytes), "INVALID_INPUT");
    throwsCode(assert, () => ck.Wallet.fromBytes(bytes), "CORRUPT");
    throwsCode(assert, () => ck.Wallet.importBackup(bytes, new Uint8Array(32)), "BACKUP");
    throwsCode(assert, () => wallet.receive(bytes, T0), "INVALID_INPUT");
    throwsCode(assert, () => issuer.countersign(bytes, offer), "INVALID_INPUT");
    throwsCode(assert, () => wallet.addConsistencyProof(bytes), "INVALID_INPUT");
    // Bundle readers report per item instead of throwing.
    for (const item of ck.inspect(bytes)) assert.equal(item.error.code, "INVALID_INPUT");
    for (const item of ck.verifyBundle(bytes, trust)) assert.equal(item.error.code, "INVALID_INPUT");
    assert.equal(ck.audit(bytes, trust, T0).report.items + ck.audit(bytes, trust, T0).report.unreadable >= 0, true);
  }
});

test("trust and roles: an unknown key is UNTRUSTED_KEY, a wrong role VERIFICATION_FAILED", () => {
  const wallet = ck.Wallet.inMemory();
  const { offer, controllerKey, issuer } = setup(wallet);
  throwsCode(assert, () => ck.verify(offer, new ck.TrustSet()), "UNTRUSTED_KEY");
  const asPartner = new ck.TrustSet();
  asPartner.add(controllerKey.publicKey(), "partner", "traffic.example");
  throwsCode(assert, () => ck.verify(offer, asPartner), "VERIFICATION_FAILED");
  const stranger = new ck.Controller(ck.KeyPair.generate());
  throwsCode(assert, () => wallet.receive(stranger.makeOffer(offerInput()), T0), "UNTRUSTED_KEY");
  throwsCode(assert, () => issuer.countersign(offer, offer), "USAGE");
  const tampered = Uint8Array.from(offer);
  tampered[tampered.length - 5] ^= 0x01;
  throwsCode(assert, () => ck.verify(tampered, wallet.trust()), "VERIFICATION_FAILED");
});

test("wrong JavaScript values are INVALID_INPUT, naming the field", () => {
  const issuer = new ck.Controller(ck.KeyPair.generate());
  for (const bad of [undefined, null, 3, "offer", [], () => 1]) {
    throwsCode(assert, () => issuer.makeOffer(bad), "INVALID_INPUT");
  }
  let e = throwsCode(assert, () => issuer.makeOffer(offerInput({ retention: 5 })), "INVALID_INPUT");
  assert.match(e.message, /unknown field `retention`/);
  e = throwsCode(assert, () => issuer.makeOffer(offerInput({ issuedAt: -1 })), "INVALID_INPUT");
  assert.match(e.message, /offer\.issuedAt/);
  e = throwsCode(assert, () => issuer.makeOffer(offerInput({ purposes: ["not a term"] })), "INVALID_INPUT");
  assert.match(e.message, /purposes/);
  e = throwsCode(assert, () => issuer.makeOffer(offerInput({ valueOffered: [{ kind: "gift", amount: 1, unit: "x" }] })), "INVALID_INPUT");
  assert.match(e.message, /gift/);
  throwsCode(assert, () => issuer.makeOffer(offerInput({ notice: { url: "u" } })), "INVALID_INPUT");
  throwsCode(assert, () => issuer.revoke("xyz", T0, "r"), "INVALID_INPUT");
  throwsCode(assert, () => issuer.revoke("00".repeat(16), 1.5, "r"), "INVALID_INPUT");
  throwsCode(assert, () => ck.KeyPair.generate("RSA"), "INVALID_INPUT");
  throwsCode(assert, () => ck.PublicKey.fromRaw("ES256", new Uint8Array(65)), "INVALID_INPUT");
  throwsCode(assert, () => new ck.TrustSet().add(ck.KeyPair.generate().publicKey(), "boss", "x"), "INVALID_INPUT");
  throwsCode(assert, () => ck.ExternalKey.fromCallback({}), "SIGNER");
  throwsCode(assert, () => ck.ExternalKey.fromCallback({ publicKey: () => 42, sign: () => null }), "SIGNER");
});

test("a public key has one shape, { algorithm, bytes }, for both kinds of signer (a PublicKey is one)", () => {
  const held = ck.KeyPair.generate("ES256");
  const pub = held.publicKey();
  // The class has the fields of the shape: a PublicKey is a RawPublicKey.
  assert.equal(pub.algorithm, "ES256");
  assert.equal(pub.bytes.length, 65);
  assert.deepEqual(pub.raw, pub.bytes, "raw: the former name, deprecated");
  const kidOf = (k) => ck.ExternalKey.fromCallback({ publicKey: () => k, sign: () => new Uint8Array(64) }).kid;
  assert.equal(kidOf(pub), held.kid);
  assert.equal(kidOf({ algorithm: "ES256", bytes: pub.bytes.buffer.slice(0) }), held.kid);
  // The former sync shape is refused, saying what to return instead.
  let e = throwsCode(assert, () => ck.ExternalKey.fromCallback({ publicKeyCose: () => pub.toCoseKey(), sign: () => null }), "SIGNER");
  assert.match(e.message, /publicKey\(\)/);
  assert.match(e.message, /algorithm/);
  assert.match(e.message, /bytes/);
  e = throwsCode(assert, () => ck.ExternalKey.fromCallback({ publicKey: () => ({ alg: "ES256", raw: pub.bytes }), sign: () => null }), "SIGNER");
  assert.match(e.message, /\{ algorithm: "Ed25519" \| "ES256", bytes: BytesLike \}/);
});

test("isConsentKitError tells package errors from others", () => {
  assert.equal(ck.isConsentKitError(new Error("x")), false);
  assert.equal(ck.isConsentKitError("ConsentKitError"), false);
  assert.equal(ck.isConsentKitError(undefined), false);
});

test("Controller.withSigner takes a synchronous ExternalSigner ({ publicKey(), sign }), as withAsyncSigner takes an async one", async () => {
  const { generateKeyPairSync, sign } = await import("node:crypto");
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const bytes = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const signer = { publicKey: () => ({ algorithm: "Ed25519", bytes }), sign: (m) => sign(null, m, privateKey) };
  const controller = ck.Controller.withSigner(signer);
  const pub = ck.PublicKey.fromRaw("Ed25519", bytes);
  assert.equal(controller.publicKey().kid, pub.kid);
  const trust = new ck.TrustSet();
  trust.add(pub, "controller", "traffic.example");
  const offer = controller.makeOffer(offerInput());
  assert.equal(ck.verify(offer, trust).signers[0].kid, pub.kid);
  // The former shape is refused here too, naming what to return.
  const e = throwsCode(assert, () => ck.Controller.withSigner({ publicKeyCose: () => pub.toCoseKey(), sign: () => null }), "SIGNER");
  assert.match(e.message, /publicKey\(\)/);
});

test("the former algorithm name \"EdDSA\" is refused everywhere an algorithm is taken, naming \"Ed25519\" or \"ES256\"", () => {
  const bytes = ck.KeyPair.generate("Ed25519").publicKey().bytes;
  const named = /"Ed25519" or "ES256", found "EdDSA"/;
  const refused = [
    () => ck.KeyPair.generate("EdDSA"),
    () => ck.PublicKey.fromRaw("EdDSA", bytes),
    () => ck.Wallet.inMemory("EdDSA"),
    () => ck.ExternalKey.fromCallback({ publicKey: () => ({ algorithm: "EdDSA", bytes }), sign: () => new Uint8Array(64) }),
    () => ck.Controller.withAsyncSigner({ publicKey: () => ({ algorithm: "EdDSA", bytes }), sign: async () => new Uint8Array(64) }),
  ];
  for (const call of refused) {
    const e = throwsCode(assert, call, "INVALID_INPUT");
    assert.match(e.message, named);
  }
  // Not a string is refused too (it used to make an Ed25519 wallet).
  for (const call of [() => ck.Wallet.inMemory(5), () => ck.KeyPair.generate(5), () => ck.KeyPair.generate({}), () => ck.PublicKey.fromRaw(5, bytes)]) {
    assert.match(throwsCode(assert, call, "INVALID_INPUT").message, /"Ed25519" or "ES256", found "\(not a string\)"/);
  }
  // The new names work, and every view says them.
  for (const alg of ["Ed25519", "ES256"]) {
    const k = ck.KeyPair.generate(alg);
    assert.equal(k.algorithm, alg);
    assert.equal(k.publicKey().algorithm, alg);
    assert.equal(ck.PublicKey.fromRaw(alg, k.publicKey().bytes).algorithm, alg);
    const t = new ck.TrustSet();
    t.add(k.publicKey(), "controller", "x.example");
    assert.equal(t.keys()[0].algorithm, alg);
  }
});
