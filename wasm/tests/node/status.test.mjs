// Live withdrawal status (IETF Token Status List) through the package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, DAY, setup } from "./helpers.mjs";

const URI = "https://traffic.example/status/1";

function granted(registry) {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, trust, offer } = setup(wallet);
  const ref = registry.assign();
  const grant = issuer.countersign(wallet.accept(digest, { status: ref }, T0 + 60), offer);
  return { wallet, issuer, trust, offer, grant, ref };
}

test("checkGrantStatus answers valid, invalid, suspended and how long to cache", () => {
  const registry = new ck.StatusRegistry(URI, 2, 1024);
  const { issuer, trust, grant, ref } = granted(registry);
  assert.equal(ref.uri, URI);
  assert.equal(ck.decodeArtifact(grant).body.status.idx, ref.idx);
  const at = T0 + DAY;
  for (const status of ["valid", "invalid", "suspended"]) {
    registry.setStatus(ref.idx, status);
    const token = registry.signToken(issuer, at - 60, 3600, at + DAY);
    assert.deepEqual(ck.checkGrantStatus(grant, token, trust, at), {
      status, maxAge: 3600, listIssuedAt: at - 60, index: ref.idx, uri: URI,
    });
  }
});

test("checkGrantStatus errors are ConsentkitErrors with codes", () => {
  const registry = new ck.StatusRegistry(URI, 1, 64);
  const { issuer, trust, grant } = granted(registry);
  const token = registry.signToken(issuer, T0 + DAY, 3600, T0 + 2 * DAY);
  assert.throws(() => ck.checkGrantStatus(grant, token, trust, T0 + 2 * DAY),
    { name: "ConsentKitError", code: "VERIFICATION_FAILED" });
  const stranger = new ck.Controller(ck.KeyPair.generate());
  assert.throws(() => ck.checkGrantStatus(grant, registry.signToken(stranger, T0 + DAY, 60), trust, T0 + DAY),
    { name: "ConsentKitError", code: "UNTRUSTED_KEY" });
  assert.throws(() => ck.checkGrantStatus(grant, Uint8Array.from([0xd2, 0x84]), trust, T0 + DAY),
    { name: "ConsentKitError", code: "INVALID_INPUT" });
  assert.throws(() => registry.setStatus(0, "gone"), { name: "ConsentKitError", code: "INVALID_INPUT" });
});

test("auditWithStatusLists flags a stale list", () => {
  const registry = new ck.StatusRegistry(URI, 1, 1024);
  const { wallet, issuer, trust, offer, grant, ref } = granted(registry);
  const id = ck.decodeArtifact(grant).id;
  const w = wallet.withdraw(id, T0 + 2 * DAY);
  const bundle = Buffer.concat([offer, grant, w]);
  const stale = registry.signToken(issuer, T0 + 3 * DAY, 3600);
  const report = ck.auditWithStatusLists(bundle, [stale], trust, T0 + 5 * DAY).report;
  assert.deepEqual(report.findings.map((f) => f.kind), ["stale_status"]);
  registry.setStatus(ref.idx, "invalid");
  const fresh = registry.signToken(issuer, T0 + 3 * DAY, 3600);
  assert.equal(ck.auditWithStatusLists(bundle, [fresh], trust, T0 + 5 * DAY).report.findings.length, 0);
});
