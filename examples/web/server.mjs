// A tiny static server for the example, on 127.0.0.1 only (no external
// network): the page from examples/web, the package from wasm/pkg/web at /pkg/.
//   node examples/web/server.mjs [PORT]     (PORT 0: any free port; default 8080)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const roots = [
  ["/pkg/", join(here, "../../wasm/pkg/web")],
  ["/", here],
];
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml",
};

export function start(port = 0) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [prefix, dir] = roots.find(([p]) => path.startsWith(p));
    let rel = normalize(path.slice(prefix.length));
    if (rel.startsWith("..")) return void res.writeHead(403).end();
    if (rel === "." || rel === "") rel = "index.html";
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { "content-type": types[extname(rel)] || "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await start(Number(process.argv[2] ?? 8080));
  console.log(`consentkit web example: http://127.0.0.1:${server.address().port}/`);
}
