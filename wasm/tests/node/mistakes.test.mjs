// Issue 12, "Mistakes are refused before signing", from JavaScript: native
// instants (Date.now() milliseconds, a Date), a wrong unit named, a grant
// checked against its offer, a receipt against its grant, and the explicit
// call for a known violation. The rules are the core's; these check the glue.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, DAY, setup, receiptInput, throwsCode } from "./helpers.mjs";

function deal() {
  const wallet = ck.Wallet.inMemory();
  const s = setup(wallet);
  const grant = s.issuer.countersign(wallet.accept(s.digest, null, T0 + 60), s.offer);
  wallet.receive(grant, T0 + 60);
  return { wallet, grant, id: ck.decodeArtifact(grant).id, ...s };
}

test("Date.now() milliseconds and a Date are read as the same instant as seconds", () => {
  const { wallet, id } = deal();
  const secs = T0 + DAY;
  assert.equal(wallet.grantState(id, secs * 1000), "given"); // what Date.now() gives
  assert.equal(wallet.grantState(id, new Date(secs * 1000)), "given");
  assert.deepEqual(wallet.grants(secs * 1000 + 999), wallet.grants(secs));
  const nowMs = Date.now();
  const w = wallet.withdraw(id, nowMs);
  assert.equal(ck.decodeArtifact(w).body.issuedAt, Math.floor(nowMs / 1000));
  assert.equal(wallet.grantState(id, nowMs + 1000), "withdrawn");
});

test("microseconds, small numbers and NaN are refused naming what they look like, never []", () => {
  const { wallet, offer } = deal();
  const e = throwsCode(assert, () => wallet.receive(offer, T0 * 1_000_000), "INVALID_INPUT");
  assert.match(e.message, /microseconds/);
  assert.match(throwsCode(assert, () => wallet.grants(3600), "INVALID_INPUT").message, /before 2000/);
  throwsCode(assert, () => wallet.violations(NaN), "INVALID_INPUT");
});

test("countersign refuses an artifact that is not the grant's offer", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest } = setup(wallet);
  const pending = wallet.accept(digest, null, T0 + 60);
  const e = throwsCode(assert, () => issuer.countersign(pending, pending), "USAGE");
  assert.match(e.message, /the grant accepts offer/);
});

test("a receipt its grant does not cover is refused naming the purpose; a known violation is signed and flagged", () => {
  const { wallet, issuer, grant, id } = deal();
  const input = receiptInput(id, T0 + 3600, { purpose: "dpv:Marketing" });
  const e = throwsCode(assert, () => issuer.issueReceipt(input, grant), "USAGE");
  assert.match(e.message, /dpv:Marketing/);
  throwsCode(assert, () => issuer.issueReceipt(receiptInput(id, T0), grant), "USAGE"); // before the grant
  const r = issuer.issueReceiptKnownViolation(input, "simulated misuse");
  assert.deepEqual(wallet.receive(r, T0 + DAY).violations.map((f) => f.kind), ["purpose_not_granted"]);
});
