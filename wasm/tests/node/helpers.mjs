// Shared fixtures for the Node tests of the built package (wasm/pkg/node).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** The built package, as Node loads it (CommonJS, wasm instantiated on load). */
export const ck = require("../../pkg/node/consentkit.js");

/** 2026-11-01T00:00:00Z */
export const T0 = 1_793_491_200;
export const DAY = 86_400;
export const CONTROLLER = "traffic.example";
export const PARTNER = "city.example";

export function offerInput(overrides = {}) {
  return {
    controller: CONTROLLER,
    name: "live-routing-2026",
    issuedAt: T0,
    validFrom: T0,
    validUntil: T0 + 365 * DAY,
    purposes: ["dpv:ServiceProvision", "https://city.example/purpose#UrbanPlanning"],
    categories: ["pd:Location"],
    recipients: [{ party: PARTNER, purposes: ["https://city.example/purpose#UrbanPlanning"], categories: ["pd:Location"] }],
    retentionSecs: 30 * DAY,
    limits: { usesPerDay: 1000, finestPrecision: 10 },
    legalBasis: "dpv:Consent",
    jurisdiction: "EU",
    language: "en",
    notice: { url: "https://traffic.example/notice/v3", text: "We use your location to route you around traffic." },
    valueOffered: [{ kind: "service", amount: 1, unit: "month", condition: "per month of sharing", description: "Live traffic routing" }],
    valueEstimate: { amount: 120, currency: "EUR", method: "average revenue per active user" },
    serviceWithoutConsent: true,
    ...overrides,
  };
}

export function receiptInput(grant, usedAt, overrides = {}) {
  return {
    grant,
    category: "pd:Location",
    purpose: "dpv:ServiceProvision",
    recipient: CONTROLLER,
    usedAt: usedAt,
    quantity: 1,
    precision: 10,
    commitment: ck.commit(new TextEncoder().encode("52.5200,13.4050")).value,
    ...overrides,
  };
}

/** A controller with its key and issuer, and a person's wallet that trusts it and holds its offer. */
export function setup(wallet) {
  const controllerKey = ck.KeyPair.generate("Ed25519");
  const partnerKey = ck.KeyPair.generate("ES256");
  const issuer = new ck.Controller(controllerKey);
  const partner = new ck.Controller(partnerKey);
  wallet.trustKey(controllerKey.publicKey(), "controller", CONTROLLER);
  wallet.trustKey(partnerKey.publicKey(), "partner", PARTNER);
  const offer = issuer.makeOffer(offerInput());
  const violations = wallet.receive(offer, T0).violations;
  const digest = ck.decodeArtifact(offer).digest;
  const trust = new ck.TrustSet();
  trust.add(controllerKey.publicKey(), "controller", CONTROLLER);
  trust.add(partnerKey.publicKey(), "partner", PARTNER);
  return { controllerKey, issuer, partner, offer, digest, trust, violations };
}

/** Asserts that `fn` throws a ConsentKitError with `code`; returns it. */
export function throwsCode(assert, fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected a ConsentKitError ${code}, nothing was thrown`);
  assert.ok(caught instanceof Error, `not an Error: ${caught}`);
  assert.equal(caught.name, "ConsentKitError", `name: ${caught.name} (${caught.message})`);
  assert.equal(caught.code, code, `code ${caught.code}: ${caught.message}`);
  assert.ok(ck.isConsentKitError(caught));
  assert.ok(caught.message.length > 0);
  return caught;
}
