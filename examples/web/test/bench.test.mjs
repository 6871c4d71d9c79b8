// Verify throughput in Chromium as a ratio to native: runs bench.html
// (wasm) and the native example with the same N, writes
// target/wasm-bench.json, and prints the ratio. A measurement, not an
// assertion on time: it only checks that both ran and verified everything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { start } from "../server.mjs";

// The workspace root (CONSENTKIT_ROOT overrides it, e.g. for a copy of the tree).
const root = process.env.CONSENTKIT_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), "../../..");
const N = Number(process.env.BENCH_N ?? 2000);

test(`verify ${N} receipts in Chromium and natively`, async () => {
  const native = JSON.parse(execFileSync("cargo",
    ["run", "--quiet", "--release", "-p", "consentkit-wasm", "--example", "verify_rate", "--", String(N)],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop());
  const server = await start(0);
  const profile = mkdtempSync(join(tmpdir(), "consentkit-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?n=${N}`);
    await page.waitForSelector("body[data-bench]", { timeout: 120_000 });
    const wasm = JSON.parse(await page.getAttribute("body", "data-bench"));
    assert.equal(wasm.items, native.items);
    const result = {
      n: N, wasm, native,
      verify_ratio: wasm.verify_per_s / native.verify_per_s,
      audit_ratio: wasm.audit_per_s / native.audit_per_s,
    };
    mkdirSync(join(root, "target"), { recursive: true });
    writeFileSync(join(root, "target/wasm-bench.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(`verify: wasm ${wasm.verify_per_s}/s, native ${native.verify_per_s}/s, ratio ${result.verify_ratio.toFixed(2)}; ` +
      `audit: wasm ${wasm.audit_per_s}/s, native ${native.audit_per_s}/s, ratio ${result.audit_ratio.toFixed(2)}`);
  } finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
