// Checks a built consentkit .wasm and reports its size.
//   node wasm/tools/check-wasm.mjs FILE.wasm [--json OUT.json]
// Fails if the module does not compile, or imports anything from `env`
// (a module built by a C compiler that cannot target wasm, e.g. gcc
// instead of clang for ring, "builds" but imports libc from `env` and
// cannot be instantiated), or from any module other than wasm-bindgen's glue.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { basename } from "node:path";

const [file, flag, out] = process.argv.slice(2);
if (!file) {
  console.error("usage: check-wasm.mjs FILE.wasm [--json OUT.json]");
  process.exit(2);
}
const bytes = readFileSync(file);
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (e) {
  console.error(`check-wasm: ${file} does not compile: ${e.message}`);
  process.exit(1);
}
const imports = WebAssembly.Module.imports(module);
const glue = "./" + basename(file).replace(/_bg\.wasm$/, "_bg.js");
const env = imports.filter((i) => i.module === "env");
const foreign = imports.filter((i) => i.module !== glue && !i.module.startsWith("__wbindgen"));
if (env.length > 0) {
  console.error(`check-wasm: ${file} imports from env (a C compiler other than clang built part of it?):`);
  for (const i of env) console.error(`  env.${i.name} (${i.kind})`);
  process.exit(1);
}
if (foreign.length > 0) {
  console.error(`check-wasm: ${file} imports from unexpected modules:`);
  for (const i of foreign) console.error(`  ${i.module}.${i.name} (${i.kind})`);
  process.exit(1);
}
const gz = gzipSync(bytes, { level: 9 }).length;
const report = { file: basename(file), raw_bytes: bytes.length, gzip_bytes: gz, imports: imports.length, exports: WebAssembly.Module.exports(module).length };
console.log(`${basename(file)}: ${bytes.length} bytes raw, ${gz} bytes gzipped (-9); ${report.imports} imports (none from env), ${report.exports} exports`);
if (flag === "--json" && out) writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
