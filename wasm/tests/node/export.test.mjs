// exportConsents: Kantara Consent Receipts 1.1 and ISO/IEC TS 27560 records
// through the package (the rules and their tests are the core's).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, T0, DAY, CONTROLLER, PARTNER, setup, throwsCode } from "./helpers.mjs";

const controllers = JSON.stringify({
  controllers: [{
    party: CONTROLLER, name: "Traffic Example GmbH", contact: "Data Protection Officer",
    address: { street_address: "1 Example Street", country: "DE" },
    email: "privacy@traffic.example", phone: "+49 30 000000",
    policy_url: "https://traffic.example/privacy", storage_locations: ["DE"],
    recipients: [{
      party: PARTNER, name: "City of Example", contact: "Mobility Department",
      address: { street_address: "2 Town Hall Square", country: "DE" },
      email: "mobility@city.example", phone: "+49 30 111111",
    }],
    kantara_purposes: { "https://city.example/purpose#UrbanPlanning": 11 },
  }],
});

test("exportConsents writes both formats with the status at the time given", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const id = ck.decodeArtifact(grant).id;
  const bundle = Buffer.concat([grant, offer]);

  const k = ck.exportConsents(bundle, "kantara", [], T0 + DAY, controllers);
  assert.deepEqual(k.refused, []);
  assert.equal(k.documents.length, 1);
  const receipt = k.documents[0];
  assert.equal(receipt.version, "KI-CR-v1.1.0");
  assert.equal(receipt.consentReceiptID, id);
  assert.equal(receipt.consentStatus, "given");
  assert.equal(receipt.policyUrl, "https://traffic.example/privacy");
  const cats = receipt.services[0].purposes.map((p) => p.purposeCategory[0]).sort();
  assert.deepEqual(cats, ["1 - Core Function", "11 - 3rd Party Sharing for ..."]);

  const w = wallet.withdraw(id, T0 + 2 * DAY);
  const iso = ck.exportConsents(Buffer.concat([w, grant, offer]), "iso27560", [id], T0 + 3 * DAY, controllers);
  const record = iso.documents[0];
  assert.deepEqual(record["dct:conformsTo"], { "@id": "https://w3id.org/dpv/schema/dpv-27560#record" });
  assert.deepEqual(record["dpv:hasConsentStatus"].at(-1)["@type"], ["dpv:ConsentWithdrawn"]);
});

test("exportConsents errors are ConsentkitErrors with a code", () => {
  const wallet = ck.Wallet.inMemory();
  const { issuer, digest, offer } = setup(wallet);
  const grant = issuer.countersign(wallet.accept(digest, null, T0 + 60), offer);
  const bundle = Buffer.concat([grant, offer]);
  throwsCode(assert, () => ck.exportConsents(bundle, "pdf", [], T0, controllers), "USAGE");
  throwsCode(assert, () => ck.exportConsents(bundle, "kantara", ["xyz"], T0, controllers), "INVALID_INPUT");
  throwsCode(assert, () => ck.exportConsents(bundle, "kantara", [], T0, "{}"), "INVALID_INPUT");
  throwsCode(assert, () => ck.exportConsents(Uint8Array.from([0xff, 0xff]), "kantara", [], T0, controllers), "INVALID_INPUT");
  const e = throwsCode(assert, () => ck.exportConsents(bundle, "kantara", [], T0 + DAY, JSON.stringify({ controllers: [] })), "USAGE");
  assert.match(e.message, /no controller info given for controller traffic\.example/);
});
