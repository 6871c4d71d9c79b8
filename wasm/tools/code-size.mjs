// Where the code of a .wasm goes: the size of each function body, named from
// the module's name section (so run it on a module that keeps its names,
// e.g. wasm-opt -Oz -g; see BENCHMARKS.md, "Web (wasm)").
//   node wasm/tools/code-size.mjs FILE.wasm [N]             the N largest functions
//   node wasm/tools/code-size.mjs FILE.wasm N agg [REGEX]   sums by the REGEX's first group
//     (default: the path up to three segments, e.g. consentkit::audit::State)
import { readFileSync } from "node:fs";
const b = readFileSync(process.argv[2]);
const N = +(process.argv[3] ?? 60);
let p = 8;
function leb() { let r = 0, s = 0, x; do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; }
let nImports = 0, bodies = [], names = new Map(), dataSegs = [];
while (p < b.length) { const id = b[p++]; const len = leb(); const start = p;
  if (id === 2) { const n = leb(); for (let i = 0; i < n; i++) { let l = leb(); p += l; l = leb(); p += l; const k = b[p++]; if (k === 0) { nImports++; leb(); } else if (k === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); } else if (k === 2) { const f = leb(); leb(); if (f & 1) leb(); } else { p += 2; } } }
  if (id === 10) { const n = leb(); for (let i = 0; i < n; i++) { const l = leb(); bodies.push(l + 1); p += l; } }
  if (id === 0) { const nl = leb(); const nm = b.slice(p, p + nl).toString(); p += nl;
    if (nm === "name") { while (p < start + len) { const sid = b[p++]; const sl = leb(); const ss = p;
      if (sid === 1) { const n = leb(); for (let i = 0; i < n; i++) { const idx = leb(); const l = leb(); names.set(idx, b.slice(p, p + l).toString()); p += l; } }
      p = ss + sl; } } }
  p = start + len; }
const fns = bodies.map((s, i) => ({ s, n: names.get(i + nImports) ?? `f${i + nImports}` }));
fns.sort((a, c) => c.s - a.s);
const total = fns.reduce((a, f) => a + f.s, 0);
console.log("total code", total, "functions", fns.length);
if (process.argv[4] !== "agg") for (const f of fns.slice(0, N)) console.log(f.s, f.n.slice(0, 160));
else {
  const agg = new Map();
  const re = new RegExp(process.argv[5] ?? "^(?:<)?([a-z_0-9]+(?:::[a-z_0-9]+){0,2})");
  for (const f of fns) { const m = f.n.match(re); const k = m ? m[1] : "?"; agg.set(k, (agg.get(k) ?? 0) + f.s); }
  for (const [k, v] of [...agg].sort((a, c) => c[1] - a[1]).slice(0, N)) console.log(v, k);
}
