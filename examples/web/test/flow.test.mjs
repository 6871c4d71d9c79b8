// The web example in Debian's Chromium, driven by Playwright: the person
// accepts an offer (signing with a non-extractable WebCrypto key), receives
// receipts and a value record, withdraws, sees a later receipt flagged, then
// audits the CLI demo's bundle. Screenshots go to target/screenshots/.
//
// Needs: the built package (scripts/build-wasm), /usr/bin/chromium, and the
// release CLI (the demo bundle is generated here with --violations 5).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { start } from "../server.mjs";

// The workspace root (CONSENTKIT_ROOT overrides it, e.g. for a copy of the tree).
const root = process.env.CONSENTKIT_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), "../../..");
const shots = join(root, "target/screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server, browser, page, base, profile, demo;
const consoleErrors = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  demo = mkdtempSync(join(tmpdir(), "consentkit-demo-"));
  // The demo writes its files, then checks its own audit (with the log) and
  // exits 1 if that differs from what it injected: that check belongs to the
  // CLI's tests and scripts/test-all; here only the files are needed.
  const run = spawnSync("cargo", ["run", "--quiet", "--release", "-p", "consentkit-cli", "--", "demo", "--out", demo, "--violations", "5"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  for (const f of ["bundle.cbors", "trust.cbor", "expected-findings.json", "report.json"]) {
    assert.ok(existsSync(join(demo, f)), `the demo wrote no ${f} (exit status ${run.status})`);
  }
  if (run.status !== 0) console.warn(`note: consentkit demo exited with status ${run.status} (its own audit check)`);
  server = await start(0);
  base = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), "consentkit-chromium-"));
  // A fresh profile (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`${base}/index.html`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
  for (const d of [profile, demo]) if (d) rmSync(d, { recursive: true, force: true });
});

const status = () => page.textContent("#status");

test("accept, share, be paid, withdraw, and a late receipt is flagged", async () => {
  assert.equal(await page.locator(".card").count(), 2);
  const card = page.locator(".card[data-offer='traffic.example']");
  assert.match(await card.textContent(), /They ask.*Location.*You get.*1 month of live traffic routing/s);
  // Granular: no urban planning for the city.
  await card.locator("input[data-purpose='https://city.example/purpose#UrbanPlanning']").uncheck();
  await card.locator("input[data-recipient='city.example']").uncheck();
  await card.locator("[data-action=accept]").click();
  await page.waitForSelector("tr[data-grant='traffic.example'] .badge.given");
  assert.match(await status(), /accepted traffic\.example's offer in part/);
  // The other offer is refused.
  await page.locator(".card[data-offer='music.example'] [data-action=refuse]").click();
  await page.waitForSelector(".card[data-offer='music.example'] .badge.refused");

  await page.click("[data-sim=use][data-party='traffic.example']");
  await page.waitForFunction(() => /covered by your grant/.test(document.querySelector("#status").textContent));
  await page.click("[data-sim=value][data-party='traffic.example']");
  await page.waitForFunction(() => /recorded the value/.test(document.querySelector("#status").textContent));
  const ledger = await page.textContent("#ledger tbody");
  assert.match(ledger, /traffic\.example.*Location.*Providing the service.*3/s);
  assert.match(await page.textContent("#received tbody"), /traffic\.example.*1 month/s);
  assert.equal(await page.isHidden("#violations"), true);
  await page.screenshot({ path: join(shots, "wallet-mid-flow.png"), fullPage: true });

  await page.click("tr[data-grant='traffic.example'] [data-action=withdraw]");
  await page.waitForSelector("tr[data-grant='traffic.example'] .badge.withdrawn");
  await page.click("[data-sim=use][data-party='traffic.example']");
  await page.waitForSelector("#violations li[data-kind='after_withdrawal']");
  const flagged = await page.locator("#violations li[data-kind='after_withdrawal']").count();
  assert.equal(flagged, 3, "each of the 3 receipts after the withdrawal is flagged");
  assert.match(await page.textContent("#violations"), /after withdrawal/);
  await page.screenshot({ path: join(shots, "wallet-flagged.png"), fullPage: true });

  // The wallet persisted in IndexedDB: a reload shows the same state.
  await page.reload();
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.locator("#violations li[data-kind='after_withdrawal']").count(), 3);
  assert.equal(await page.locator("tr[data-grant='traffic.example'] .badge.withdrawn").count(), 1);
});

test("audit the CLI demo's bundle and see its injected violations", async () => {
  const expected = JSON.parse(readFileSync(join(demo, "expected-findings.json"), "utf8"));
  const report = JSON.parse(readFileSync(join(demo, "report.json"), "utf8"));
  await page.click("#tab-audit");
  await page.setInputFiles("#bundle-file", join(demo, "bundle.cbors"));
  await page.setInputFiles("#trust-file", join(demo, "trust.cbor"));
  await page.fill("#audit-at", String(report.at));
  await page.click("#audit-form button[type=submit]");
  await page.waitForSelector("body[data-audited]");
  // Exactly the injected violations (the demo's own definition), as the CLI's
  // audit without a log finds them.
  const found = await page.$$eval("#findings tbody tr[data-kind]", (rows) => rows.map((r) => `${r.dataset.kind} ${r.dataset.artifact}`));
  const want = expected.map((f) => `${f.kind} ${f.artifact}`);
  assert.deepEqual([...found].sort(), [...want].sort());
  assert.equal(found.length, 5);
  assert.match(await page.textContent("#verdict"), /finding\(s\) need attention/);
  await page.screenshot({ path: join(shots, "audit-findings.png"), fullPage: false });
  await page.locator("#findings").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, "audit-findings-table.png"), fullPage: true });
  assert.deepEqual(consoleErrors, []);
});
