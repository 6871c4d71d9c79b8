// Witnessed transparency and proofs that travel, from JavaScript (issue 14):
// the wallet's witness check (checkLogsWitnessed) and its exported proofs
// (exportTlogProof / verifyTlogProof, verifyCoseReceipt) on a wallet that
// holds a real witnessed log. The fixture is written by the core at test time
// (`cargo run -p consentkit --example witness_fixture -- DIR`; scripts/test-wasm
// writes it to target/witness-fixture, or set CONSENTKIT_WITNESS_FIXTURE).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ck, DAY, throwsCode } from "./helpers.mjs";

const dir =
  process.env.CONSENTKIT_WITNESS_FIXTURE ??
  fileURLToPath(new URL("../../../target/witness-fixture", import.meta.url));

function fixture() {
  assert.ok(
    existsSync(join(dir, "expected.json")),
    `no witness fixture in ${dir}: run cargo run -p consentkit --example witness_fixture -- ${dir}`,
  );
  return JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
}

const wallet = () => ck.Wallet.fromBytes(readFileSync(join(dir, "wallet.ckw")));
const text = (name) => readFileSync(join(dir, name), "utf8");

test("a witnessed checkpoint passes under the right policy; the backdated withdrawal is reported", () => {
  const exp = fixture();
  const checks = wallet().checkLogsWitnessed(text("witness-policy.txt"), exp.tolerance);
  assert.equal(checks.length, 1);
  const c = checks[0];
  assert.equal(c.origin, exp.origin);
  assert.deepEqual(c.witnessed, [2, 3]);
  assert.deepEqual(c.notWitnessed, []);
  assert.deepEqual(c.cosignedBy, [exp.witness]);
  assert.deepEqual([...c.proven].sort(), [exp.grant, exp.withdrawal].sort());
  assert.deepEqual(c.backdated, [exp.withdrawal]);
  assert.ok(c.problems.some((p) => p.includes("backdated")), c.problems.join("; "));
  // 25 days of tolerance cover the 20 days between its date and the checkpoint.
  assert.deepEqual(wallet().checkLogsWitnessed(text("witness-policy.txt"), 25 * DAY)[0].backdated, []);
});

test("a witnessed checkpoint fails under a stranger's policy", () => {
  const exp = fixture();
  const c = wallet().checkLogsWitnessed(text("stranger-policy.txt"), exp.tolerance)[0];
  assert.deepEqual([c.witnessed, c.cosignedBy, c.proven, c.backdated], [[], [], [], []]);
  assert.deepEqual(c.notWitnessed, [2, 3]);
  assert.ok(c.problems.length > 0 && c.problems.every((p) => p.includes("not accepted")));
});

test("checkLogsWitnessed refuses a bad policy and a bad tolerance with typed errors", () => {
  fixture();
  const w = wallet();
  throwsCode(assert, () => w.checkLogsWitnessed("quorum nobody\n", DAY), "INVALID_INPUT");
  throwsCode(assert, () => w.checkLogsWitnessed(text("witness-policy.txt"), -1), "INVALID_INPUT");
});

test("a tlog-proof exported by the wallet verifies; a bent one is refused", () => {
  const exp = fixture();
  const w = wallet();
  const proof = w.exportTlogProof(exp.grant);
  assert.ok(proof.startsWith("c2sp.org/tlog-proof@v1\nindex 1\n"), proof);
  const t = w.verifyTlogProof(exp.grant, proof);
  assert.equal(t.leafIndex, 1);
  assert.ok(t.treeSize >= 2);
  assert.match(t.root, /^[0-9a-f]{64}$/);
  // The core's ReceiptCheck, the same fields as in Kotlin, Swift and Python (the root in hex here).
  assert.deepEqual(Object.keys(t).sort(), ["leafIndex", "root", "treeSize"]);
  throwsCode(assert, () => w.verifyTlogProof(exp.grant, proof.replace("index 1", "index 0")), "INVALID_INPUT");
  throwsCode(assert, () => w.verifyTlogProof(exp.withdrawal, proof), "INVALID_INPUT");
});

test("the log's COSE receipt verifies in the wallet; a bent one is refused", () => {
  const exp = fixture();
  const w = wallet();
  const receipt = new Uint8Array(readFileSync(join(dir, "grant.receipt.cose")));
  const r = w.verifyCoseReceipt(exp.grant, receipt);
  assert.deepEqual([r.leafIndex, r.treeSize], [1, 2]);
  const bent = receipt.slice();
  bent[bent.length - 1] ^= 1;
  throwsCode(assert, () => w.verifyCoseReceipt(exp.grant, bent), "INVALID_INPUT");
  throwsCode(assert, () => w.verifyCoseReceipt(exp.withdrawal, receipt), "INVALID_INPUT");
});
