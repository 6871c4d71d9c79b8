// The .d.ts says what the objects really are (issue 12: "types that match
// runtime"). Every kind of data object the package returns is made here by
// real calls, written as a TypeScript object literal declared with its
// type, and checked by tsc --strict: a field the runtime has and the type
// lacks is an excess property, a required field the runtime lacks is
// missing, a wrong value type or a snake_case key fails. tsc compiles against
// the built package's declarations (wasm/pkg/web/consentkit.d.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ck, T0, DAY, CONTROLLER, setup, receiptInput } from "./helpers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const tsc = join(here, "../../node_modules/.bin/tsc");
const dts = join(here, "../../pkg/web/consentkit.d.ts");
const IAB_TC_STRING =
  "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";

/** [type, value] for every kind of returned data object, from real calls. */
async function samples() {
  const out = [];
  const add = (type, value) => out.push([type, value]);
  const wallet = ck.Wallet.inMemory();
  const events = [];
  wallet.subscribe((e) => events.push(e), T0);
  const registry = new ck.StatusRegistry("https://traffic.example/status/1", 1, 16);
  const { issuer, digest, trust, offer } = setup(wallet);
  const ref = registry.assign();
  add("StatusReference", ref);
  const grant = issuer.countersign(wallet.accept(digest, { status: ref }, T0 + 60), offer);
  wallet.receive(grant, T0 + 60);
  const id = ck.decodeArtifact(grant).id;
  const r1 = issuer.issueReceipt(receiptInput(id, T0 + 120), grant);
  wallet.receive(r1, T0 + 120);
  const value = issuer.issueValueRecord({ grant: id, issuedAt: T0 + 130, benefit: { kind: "money", amount: 150, unit: "EUR" } });
  wallet.receive(value, T0 + 130);
  const w = wallet.withdraw(id, T0 + DAY);
  const late = issuer.issueReceipt(receiptInput(id, T0 + 2 * DAY), grant);
  const lateOutcome = wallet.receive(late, T0 + 2 * DAY);
  add("ReceiveOutcome", lateOutcome);
  add("Finding[]", lateOutcome.violations);
  const refusal = wallet.refuse(digest, T0 + 3 * DAY);
  const bundle = Buffer.concat([offer, grant, r1, value, w, late, refusal, new Uint8Array([0xff])]);
  for (const a of [offer, grant, r1, value, w, refusal]) add("ArtifactInfo", ck.decodeArtifact(a));
  add("InspectItem[]", ck.inspect(bundle));
  add("VerifiedArtifact", ck.verify(grant, trust));
  add("BundleItem[]", ck.verifyBundle(bundle, trust));
  const audit = ck.audit(bundle, trust, T0 + 4 * DAY);
  assert.ok(audit.findingCount > 0, "the sample audit has findings");
  add("AuditReportJson", audit.report);
  // toJSON(): the snake_case document of docs/AUDIT-REPORT.md.
  add("AuditReportDocument", audit.toJSON());
  add("GrantView[]", wallet.grants(T0 + 4 * DAY));
  add("WalletSummary", wallet.summary(T0 + 4 * DAY));
  add("Finding[]", wallet.violations(T0 + 4 * DAY));
  add("ArtifactInfo[]", wallet.artifacts());
  add("ArtifactInfo[]", wallet.offers());
  add("AuditTrustedKey[]", wallet.trustedKeys());
  // A well-framed record the wallet does not know: skipped and listed.
  const payload = Buffer.from([0x81, 0x18, 0x63]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(payload.length);
  const record = Buffer.concat([len, createHash("sha256").update(payload).digest().subarray(0, 4), payload]);
  const problems = ck.Wallet.fromBytes(Buffer.concat([wallet.toBytes(), record])).problems();
  assert.equal(problems.length, 1);
  add("WalletProblem[]", problems);
  add("LogCheck[]", wallet.checkLogs());
  add("Commitment", ck.commit(new Uint8Array([1, 2, 3])));
  const token = registry.signToken(issuer, T0 + DAY, 3600, T0 + 2 * DAY);
  add("StatusAnswer", ck.checkGrantStatus(grant, token, trust, T0 + DAY));
  add("TcString", ck.decodeTcString(IAB_TC_STRING));
  const forms = ck.tcfForms(IAB_TC_STRING, true);
  add("TcfForms", forms);
  add("GppString", ck.decodeGpp(forms.gppString));
  add("ConsentExport", ck.exportConsents(bundle.subarray(0, bundle.length - 1), "kantara", [], T0 + DAY, JSON.stringify({
    controllers: [{ party: CONTROLLER, name: "Traffic Example GmbH", contact: "DPO", address: { street_address: "1 Example Street", country: "DE" },
      email: "privacy@traffic.example", phone: "+49 30 000000", policy_url: "https://traffic.example/privacy", storage_locations: ["DE"],
      recipients: [{ party: "city.example", name: "City of Example", contact: "Mobility", address: { street_address: "2 Square", country: "DE" },
        email: "m@city.example", phone: "+49 30 1" }],
      kantara_purposes: { "https://city.example/purpose#UrbanPlanning": 11 } }],
  })));
  await new Promise((r) => setImmediate(r));
  assert.ok(events.length > 2, "listener events");
  for (const e of events) add("WalletEvent", e);
  return out;
}

/**
 * A value as a TypeScript expression: JSON for the plain parts, and
 * `new Uint8Array([...])` for bytes (JSON.stringify would turn them into
 * an object with numeric keys, which is not what the runtime returns).
 */
function tsLiteral(v) {
  if (v instanceof Uint8Array) return `new Uint8Array([${Array.from(v).join(",")}])`;
  if (Array.isArray(v)) return `[${v.map(tsLiteral).join(",")}]`;
  if (v === undefined) return "undefined";
  if (v !== null && typeof v === "object") {
    if (typeof v.toJSON === "function") return tsLiteral(v.toJSON());
    const proto = Object.getPrototypeOf(v);
    assert.ok(proto === Object.prototype || proto === null, `a plain data object, not ${proto?.constructor?.name}`);
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${tsLiteral(x)}`).join(",")}}`;
  }
  assert.notEqual(typeof v, "bigint", "no bigint in returned data objects");
  return JSON.stringify(v);
}

test("every returned data object matches its declared type (tsc --strict over real values)", async () => {
  assert.ok(existsSync(tsc), `${tsc} is missing: run scripts/build-wasm (npm ci in wasm/)`);
  assert.ok(existsSync(dts), `${dts} is missing: run scripts/build-wasm`);
  const all = await samples();
  const types = [...new Set(all.map(([t]) => t.replace("[]", "")))].sort();
  const lines = [`import type { ${types.join(", ")} } from ${JSON.stringify(dts.replace(/\.d\.ts$/, ""))};`];
  all.forEach(([type, value], i) => {
    lines.push(`export const v${i}: ${type} = ${tsLiteral(value)};`);
  });
  // A deliberately wrong object, to prove that the check can fail.
  const dir = mkdtempSync(join(tmpdir(), "ck-types-"));
  const run = (body) => {
    writeFileSync(join(dir, "check.ts"), body);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: "ES2022", module: "ES2022", moduleResolution: "Bundler",
        lib: ["ES2022", "ESNext.Disposable", "DOM"], types: [], skipLibCheck: false,
      },
      files: ["check.ts"],
    }));
    return spawnSync(tsc, ["-p", dir], { encoding: "utf8" });
  };
  const ok = run(lines.join("\n") + "\n");
  assert.equal(ok.status, 0, `the declarations do not match the runtime objects:\n${ok.stdout}${ok.stderr}`);
  // The same objects against a deliberately wrong generated type (an
  // offer's issuedAt declared a string) must fail: the check reads the
  // generated declarations, not something laxer.
  const text = readFileSync(dts, "utf8");
  // An instant is declared `Timestamp` (`export type Timestamp = number`).
  const offerDecl = /export type Offer = \{[\s\S]*?\n\};?/.exec(text)?.[0];
  assert.ok(offerDecl && offerDecl.includes("issuedAt: Timestamp,"), "the generated Offer declares issuedAt: Timestamp");
  assert.match(text, /export type Timestamp = number;/, "a Timestamp is a number");
  const wrongDts = join(dir, "wrong.d.ts");
  writeFileSync(wrongDts, text.replace(offerDecl, offerDecl.replace("issuedAt: Timestamp,", "issuedAt: string,")));
  const wrong = run([lines[0].replace(JSON.stringify(dts.replace(/\.d\.ts$/, "")), JSON.stringify(wrongDts.replace(/\.d\.ts$/, ""))), ...lines.slice(1)].join("\n") + "\n");
  assert.notEqual(wrong.status, 0, "a wrong generated type must fail the check");
  assert.match(wrong.stdout, /issuedAt|number.*not assignable to type 'string'/);
  // The snake_case report document against the camelCase type fails too.
  const report = all.find(([t]) => t === "AuditReportDocument")[1];
  const mixed = run(`${lines[0]}\nexport const x: AuditReportJson = ${tsLiteral(report)};\n`);
  assert.notEqual(mixed.status, 0, "the snake_case document is not the camelCase report");
  const snake = tsLiteral({ ...all.find(([t]) => t === "ArtifactInfo")[1], issued_at: T0 });
  const bad = run(`${lines[0]}\nexport const x: ArtifactInfo = ${snake};\n`);
  assert.notEqual(bad.status, 0, "a snake_case field must fail the check");
  assert.match(bad.stdout, /issued_at/);
  assert.ok(all.length > 30, `${all.length} samples`);
  assert.equal(CONTROLLER, "traffic.example");
});

test("the declarations name every field and parameter in camelCase", async () => {
  for (const target of ["web", "node"]) {
    const text = readFileSync(join(here, `../../pkg/${target}/consentkit.d.ts`), "utf8")
      // wasm-bindgen's own loader (web target) takes { module_or_path }.
      .split("\n").filter((l) => !/__wbg_init|InitInput|initSync|module_or_path/.test(l)).join("\n")
      // the audit report document (toJSON) keeps docs/AUDIT-REPORT.md's snake_case keys
      .replace(/export declare namespace AuditReportDocument \{[\s\S]*?\n\}\n/, "")
      // comments may quote snake_case values and documents
      .replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const snake = [...text.matchAll(/[({,;]\s*([a-z]+_[a-z0-9_]+)\??\s*:/g)].map((m) => m[1]);
    assert.deepEqual(snake, [], `${target}: snake_case names in the declarations`);
  }
});
