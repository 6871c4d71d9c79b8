// TCF v2.3 / GPP glue in JavaScript: decode, forms, import as a grant and
// export, errors. The string was made by the IAB's own library
// (@iabtechlabtcf/core 1.5.21; core/src/tcf/tests.rs); the full round trips
// against the IAB libraries run in tests/interop/tcf.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ck, offerInput, throwsCode } from "./helpers.mjs";

const IAB_TC_STRING =
  "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";

test("decodeTcString, tcfForms and decodeGpp", () => {
  const tc = ck.decodeTcString(IAB_TC_STRING);
  assert.deepEqual(tc.purposeConsents, [1, 2, 3, 4, 7, 9, 10]);
  assert.deepEqual(tc.vendorConsents, [1, 3, 755]);
  assert.deepEqual(tc.disclosedVendors, [1, 2, 3, 8, 755, 756]);
  assert.equal(tc.policyVersion, 5);
  const f = ck.tcfForms(IAB_TC_STRING, true);
  assert.deepEqual(f.tc, tc);
  assert.equal(f.gppString, `DBABMA~${f.tcString}`);
  assert.equal(f.inApp.IABTCF_CmpSdkID, 300);
  assert.equal(f.inApp.IABTCF_gdprApplies, 1);
  assert.equal(f.inApp.IABTCF_TCString, f.tcString);
  assert.equal(f.inApp.IABTCF_PurposeConsents, "11110010110");
  assert.equal(ck.tcfForms(IAB_TC_STRING, false).inApp.IABTCF_gdprApplies, 0);
  const g = ck.decodeGpp(f.gppString);
  assert.deepEqual(g.sectionIds, [2]);
  assert.deepEqual(g.tcfEuV2, tc);
});

test("bad strings and inputs are INVALID_INPUT; nothing to grant is USAGE", () => {
  const core = IAB_TC_STRING.split(".")[0];
  let e = throwsCode(assert, () => ck.decodeTcString(core), "INVALID_INPUT");
  assert.match(e.message, /Disclosed Vendors/);
  e = throwsCode(assert, () => ck.decodeTcString(`${IAB_TC_STRING}=`), "INVALID_INPUT");
  assert.match(e.message, /not base64url/);
  throwsCode(assert, () => ck.decodeGpp("DBABMA"), "INVALID_INPUT");
  const issuer = new ck.Controller(ck.KeyPair.generate());
  const offer = issuer.makeOffer(offerInput());
  throwsCode(assert, () => issuer.importTcString(IAB_TC_STRING, offer, new Uint8Array(3)), "INVALID_INPUT");
  throwsCode(assert, () => ck.tcStringForGrant(offer, { cmpId: 1, vendorListVersion: 1, vendors: [1] }), "USAGE");
  throwsCode(assert, () => ck.tcStringForGrant(offer, { cmpId: 1, vendorListVersion: 1, vendors: [1], colour: 1 }), "INVALID_INPUT");
});

test("Controller.importTcString then tcStringForGrant gives back the same choices", () => {
  const issuer = new ck.Controller(ck.KeyPair.generate());
  const offer = issuer.makeOffer(offerInput());
  const grant = issuer.importTcString(IAB_TC_STRING, offer, new Uint8Array(16).fill(7));
  const view = ck.decodeArtifact(grant);
  assert.equal(view.kind, "grant");
  const f = ck.tcStringForGrant(grant, {
    cmpId: 300, vendorListVersion: 120, publisherCc: "FR", vendors: [755, 1, 3],
  });
  assert.deepEqual(f.tc.purposeConsents, [1, 2, 3, 4, 7, 9, 10]);
  assert.deepEqual(f.tc.specialFeatureOptins, [1]);
  assert.deepEqual(f.tc.vendorConsents, [1, 3, 755]);
  assert.deepEqual(ck.decodeTcString(f.tcString), f.tc);
});
