// Every bytes parameter takes a Uint8Array, an ArrayBuffer, or any other
// ArrayBufferView (DataView, Buffer, another typed array): the bytes it
// covers. Anything else is INVALID_INPUT naming the parameter (issue 12).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, setup, throwsCode } from "./helpers.mjs";

/** The same bytes in every shape a caller may hold them in. */
function shapes(bytes) {
  // A view that starts and ends inside a larger buffer: only its bytes count.
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 3);
  return {
    Uint8Array: bytes,
    ArrayBuffer: bytes.slice().buffer,
    DataView: new DataView(padded.buffer, 3, bytes.length),
    Buffer: Buffer.from(bytes),
    "Uint8Array at an offset": padded.subarray(3, 3 + bytes.length),
    Int8Array: new Int8Array(padded.buffer, 3, bytes.length),
  };
}

test("decodeArtifact reads an ArrayBuffer, a DataView and a Buffer as their bytes", () => {
  const w = ck.Wallet.inMemory("Ed25519");
  const { offer } = setup(w);
  const want = ck.decodeArtifact(offer);
  for (const [name, b] of Object.entries(shapes(offer))) {
    assert.deepEqual(ck.decodeArtifact(b), want, name);
  }
});

test("decodeArtifact(bytes.buffer) no longer reads as empty input", () => {
  const w = ck.Wallet.inMemory("Ed25519");
  const { offer } = setup(w);
  // The bug: an ArrayBuffer was copied as zero bytes ("input ends inside an item").
  const view = ck.decodeArtifact(new Uint8Array(offer).buffer);
  assert.equal(view.kind, "offer");
});

test("the wallet, the controller and the audit take every bytes shape", () => {
  for (const [name, toShape] of Object.entries({
    ArrayBuffer: (b) => b.slice().buffer,
    DataView: (b) => new DataView(b.slice().buffer),
    Buffer: (b) => Buffer.from(b),
  })) {
    const w = ck.Wallet.inMemory("Ed25519");
    const { issuer, offer, digest, trust } = setup(w);
    const asked = w.accept(digest, null, T0 + 60);
    const grant = issuer.countersign(toShape(asked), toShape(offer));
    assert.deepEqual(w.receive(toShape(grant), T0 + 60).violations, [], name);
    const again = ck.Wallet.fromBytes(toShape(w.toBytes()));
    assert.deepEqual(again.toBytes(), w.toBytes(), name);
    const key = new Uint8Array(32).fill(7);
    const backup = w.exportBackup(toShape(key));
    assert.deepEqual(ck.Wallet.importBackup(toShape(backup), toShape(key)).toBytes(), w.toBytes(), name);
    const report = ck.audit(toShape(w.exportBundle()), trust, T0 + 120);
    assert.equal(report.outcome, "clean", name);
    assert.equal(ck.verify(toShape(grant), trust).signers.length, 2, name);
    const pub = ck.PublicKey.fromCoseKey(toShape(w.publicKeyFor("traffic.example").toCoseKey()));
    assert.equal(pub.kid, w.publicKeyFor("traffic.example").kid, name);
  }
});

test("anything that is not bytes is INVALID_INPUT naming the parameter", () => {
  const w = ck.Wallet.inMemory("Ed25519");
  const { issuer, offer, trust } = setup(w);
  for (const bad of ["a0", [0xa0], 42, null, undefined, { length: 1, 0: 0xa0 }]) {
    const e = throwsCode(assert, () => ck.decodeArtifact(bad), "INVALID_INPUT");
    assert.match(e.message, /^bytes must be bytes \(a Uint8Array, an ArrayBuffer/, e.message);
  }
  let e = throwsCode(assert, () => issuer.countersign(offer, "offer"), "INVALID_INPUT");
  assert.match(e.message, /^offer must be bytes/);
  e = throwsCode(assert, () => ck.Wallet.importBackup(w.exportBackup(new Uint8Array(32)), [1, 2]), "INVALID_INPUT");
  assert.match(e.message, /^backupKey must be bytes/);
  e = throwsCode(assert, () => ck.audit("bundle", trust, T0), "INVALID_INPUT");
  assert.match(e.message, /^bundle must be bytes.*found a string/);
  e = throwsCode(assert, () => ck.auditWithStatusLists(offer, [offer, 7], trust, T0), "INVALID_INPUT");
  assert.match(e.message, /^statusLists\[1\] must be bytes.*found a number/);
});
