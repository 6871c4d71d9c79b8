// Round trips between consentkit and the IAB Tech Lab's own libraries:
// @iabtechlabtcf/core (TC strings) and @iabgpp/cmpapi (GPP strings).
//
//   node interop.mjs /path/to/consentkit
//
// 1. Strings the IAB library encodes decode in consentkit (`consentkit tcf
//    decode`) to the same fields.
// 2. Strings consentkit encodes (`consentkit tcf encode`) decode in the IAB
//    library to the same fields, and their GPP strings decode in the GPP
//    library to the same TCF EU v2 section; the in-app values match.
// 3. A grant made from an IAB string (`consentkit tcf import`) exports
//    (`consentkit tcf export`) to a string the IAB library decodes to the
//    same purposes, special features and vendors.
// Any difference is printed and the exit status is 1.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TCModel, TCString, GVL, PurposeRestriction, RestrictionType,
} from '@iabtechlabtcf/core';
import { GppModel } from '@iabgpp/cmpapi';
import { syntheticGvl } from './gvl.mjs';

const bin = process.argv[2];
if (!bin) {
  console.error('usage: node interop.mjs CONSENTKIT_BINARY [FIXTURE_DIR]');
  process.exit(2);
}
const fixtures = process.argv[3];
const work = mkdtempSync(join(tmpdir(), 'consentkit-tcf-'));
let failures = 0;
let checks = 0;

function ck(...args) {
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** JSON with object keys sorted, so that key order never matters. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v === undefined ? null : v);
}

function same(what, got, want) {
  checks++;
  const g = canonical(got);
  const w = canonical(want);
  if (g !== w) {
    failures++;
    console.error(`FAIL ${what}\n  consentkit/IAB: ${g}\n  expected:       ${w}`);
  }
}

const ids = (vector) => [...vector.values()].sort((a, b) => a - b);
const deci = (date) => Math.round(date.getTime() / 100);
const setIds = (bools) => bools.flatMap((b, i) => (b ? [i + 1] : []));

/** The fields of an IAB TCModel, in consentkit's JSON shape. */
function fromIab(m) {
  const restrictions = [];
  for (const hash of m.publisherRestrictions.map.keys()) {
    const pr = PurposeRestriction.unHash(hash);
    restrictions.push({
      purpose_id: pr.purposeId,
      restriction_type: pr.restrictionType,
      vendors: m.publisherRestrictions.getVendors(pr).sort((a, b) => a - b),
    });
  }
  restrictions.sort((a, b) => a.purpose_id - b.purpose_id || a.restriction_type - b.restriction_type);
  return {
    version: m.version,
    created: deci(m.created),
    last_updated: deci(m.lastUpdated),
    cmp_id: m.cmpId,
    cmp_version: m.cmpVersion,
    consent_screen: m.consentScreen,
    consent_language: m.consentLanguage,
    vendor_list_version: m.vendorListVersion,
    policy_version: m.policyVersion,
    is_service_specific: m.isServiceSpecific,
    use_non_standard_texts: m.useNonStandardTexts,
    special_feature_optins: ids(m.specialFeatureOptins),
    purpose_consents: ids(m.purposeConsents),
    purpose_legitimate_interests: ids(m.purposeLegitimateInterests),
    purpose_one_treatment: m.purposeOneTreatment,
    publisher_cc: m.publisherCountryCode,
    vendor_consents: ids(m.vendorConsents),
    vendor_legitimate_interests: ids(m.vendorLegitimateInterests),
    publisher_restrictions: restrictions,
    disclosed_vendors: ids(m.vendorsDisclosed),
  };
}

function withoutPublisher(tc) {
  const { publisher_tc: _p, ...rest } = tc;
  rest.publisher_restrictions = [...rest.publisher_restrictions].sort(
    (a, b) => a.purpose_id - b.purpose_id || a.restriction_type - b.restriction_type);
  return rest;
}

// ---- 1. IAB encodes, consentkit decodes ---------------------------------
const day = new Date(Date.UTC(2026, 10, 30));
const iabCases = [
  {
    name: 'small bitfield, purposes, special feature, publisher segment',
    vendors: [1, 2, 3, 8, 755, 756],
    set(m) {
      m.purposeConsents.set([1, 2, 3, 4, 7, 9, 10]);
      m.specialFeatureOptins.set(1);
      m.vendorConsents.set([1, 3, 755]);
      m.vendorsDisclosed.set([1, 2, 3, 8, 755, 756]);
      m.publisherConsents.set([1, 2]);
    },
  },
  {
    name: 'long runs (range encoding), legitimate interests, restrictions',
    vendors: [...Array(600).keys()].map((i) => i + 1),
    set(m) {
      m.purposeConsents.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      m.purposeLegitimateInterests.set([2, 7, 8, 9, 10, 11]);
      m.specialFeatureOptins.set([1, 2]);
      m.vendorConsents.set([...Array(500).keys()].map((i) => i + 1));
      m.vendorLegitimateInterests.set([10, 11, 12, 400]);
      m.vendorsDisclosed.set([...Array(600).keys()].map((i) => i + 1));
      for (const v of [5, 6, 7, 300]) {
        m.publisherRestrictions.add(v, new PurposeRestriction(2, RestrictionType.NOT_ALLOWED));
      }
      m.purposeOneTreatment = true;
      m.useNonStandardTexts = true;
    },
  },
  {
    name: 'no consent at all, nothing disclosed',
    vendors: [4],
    set() {},
  },
];

const iabStrings = [];
for (const c of iabCases) {
  const gvl = new GVL(syntheticGvl(c.vendors));
  const m = new TCModel(gvl);
  m.cmpId = 300;
  m.cmpVersion = 7;
  m.consentScreen = 2;
  m.publisherCountryCode = 'DE';
  m.isServiceSpecific = true;
  c.set(m);
  m.created = day;
  m.lastUpdated = day;
  const s = TCString.encode(m);
  iabStrings.push(s);
  const decoded = TCString.decode(s);
  const ours = JSON.parse(ck('tcf', 'decode', s));
  same(`IAB→consentkit [${c.name}]`, withoutPublisher(ours), fromIab(decoded));
  same(`IAB→consentkit publisher consents [${c.name}]`,
    ours.publisher_tc && ours.publisher_tc.purpose_consents, ids(decoded.publisherConsents));
}

// GPP: the IAB GPP library encodes, consentkit decodes.
{
  const g = new GppModel();
  g.setFieldValue('tcfeuv2', 'CmpId', 77);
  g.setFieldValue('tcfeuv2', 'PurposeConsents', [1, 3, 11].reduce((a, i) => { a[i - 1] = true; return a; }, Array(24).fill(false)));
  g.setFieldValue('tcfeuv2', 'VendorConsents', [2, 9, 10, 11]);
  g.setFieldValue('tcfeuv2', 'VendorsDisclosed', [2, 9, 10, 11, 40]);
  const gpp = g.encode();
  const ours = JSON.parse(ck('tcf', 'decode', '--gpp', gpp));
  const theirs = new GppModel(gpp).toObject().tcfeuv2;
  same('GPP IAB→consentkit section ids', ours.section_ids, [2]);
  same('GPP IAB→consentkit TCF section', {
    cmp_id: ours.tcf_eu_v2.cmp_id,
    purpose_consents: ours.tcf_eu_v2.purpose_consents,
    vendor_consents: ours.tcf_eu_v2.vendor_consents,
    disclosed_vendors: ours.tcf_eu_v2.disclosed_vendors,
    created: ours.tcf_eu_v2.created,
  }, {
    cmp_id: theirs.CmpId,
    purpose_consents: setIds(theirs.PurposeConsents),
    vendor_consents: theirs.VendorConsents,
    disclosed_vendors: theirs.VendorsDisclosed,
    created: deci(new Date(theirs.Created)),
  });
}

// ---- 2. consentkit encodes, the IAB libraries decode ---------------------
const base = {
  version: 2, created: deci(day), last_updated: deci(day), cmp_id: 12, cmp_version: 3,
  consent_screen: 4, consent_language: 'FR', vendor_list_version: 150, policy_version: 5,
  is_service_specific: true, use_non_standard_texts: false, special_feature_optins: [2],
  purpose_consents: [1, 2, 7, 10], purpose_legitimate_interests: [], purpose_one_treatment: false,
  publisher_cc: 'IT', vendor_consents: [2, 6, 91, 755], vendor_legitimate_interests: [],
  publisher_restrictions: [], disclosed_vendors: [2, 6, 91, 755, 804], publisher_tc: null,
};
const ourCases = [
  ['bitfield', base],
  ['ranges, restrictions, LI, publisher segment', {
    ...base,
    purpose_consents: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    purpose_legitimate_interests: [2, 7, 8],
    purpose_one_treatment: true,
    use_non_standard_texts: true,
    special_feature_optins: [1, 2],
    vendor_consents: [...Array(300).keys()].map((i) => i + 1).concat([1000, 1001, 1002]),
    vendor_legitimate_interests: [5, 6, 7, 8, 9, 10, 2000],
    disclosed_vendors: [...Array(2000).keys()].map((i) => i + 1),
    publisher_restrictions: [
      { purpose_id: 2, restriction_type: 0, vendors: [1, 2, 3, 50] },
      { purpose_id: 7, restriction_type: 1, vendors: [755] },
    ],
    publisher_tc: {
      purpose_consents: [1, 3], purpose_legitimate_interests: [7], num_custom_purposes: 2,
      custom_purpose_consents: [2], custom_purpose_legitimate_interests: [1],
    },
  }],
  ['nothing consented', {
    ...base, purpose_consents: [], special_feature_optins: [], vendor_consents: [], disclosed_vendors: [],
  }],
];
for (const [name, tc] of ourCases) {
  const file = join(work, 'tc.json');
  writeFileSync(file, JSON.stringify(tc));
  const out = JSON.parse(ck('tcf', 'encode', file));
  const m = TCString.decode(out.tc_string);
  same(`consentkit→IAB [${name}]`, fromIab(m), withoutPublisher(tc));
  if (tc.publisher_tc) {
    same(`consentkit→IAB publisher segment [${name}]`, {
      purpose_consents: ids(m.publisherConsents),
      purpose_legitimate_interests: ids(m.publisherLegitimateInterests),
      num_custom_purposes: m.numCustomPurposes,
      custom_purpose_consents: ids(m.publisherCustomConsents),
      custom_purpose_legitimate_interests: ids(m.publisherCustomLegitimateInterests),
    }, tc.publisher_tc);
  }
  // The GPP string: the GPP library sees the same TCF EU v2 section.
  const g = new GppModel(out.gpp_string);
  same(`consentkit→GPP section ids [${name}]`, g.getSectionIds(), [2]);
  const t = g.toObject().tcfeuv2;
  same(`consentkit→GPP TCF section [${name}]`, {
    cmp_id: t.CmpId, cmp_version: t.CmpVersion, policy_version: t.PolicyVersion,
    consent_language: t.ConsentLanguage, publisher_cc: t.PublisherCountryCode,
    purpose_consents: setIds(t.PurposeConsents),
    purpose_legitimate_interests: setIds(t.PurposeLegitimateInterests),
    special_feature_optins: setIds(t.SpecialFeatureOptins),
    vendor_consents: t.VendorConsents, vendor_legitimate_interests: t.VendorLegitimateInterests,
    disclosed_vendors: t.VendorsDisclosed,
  }, {
    cmp_id: tc.cmp_id, cmp_version: tc.cmp_version, policy_version: tc.policy_version,
    consent_language: tc.consent_language, publisher_cc: tc.publisher_cc,
    purpose_consents: tc.purpose_consents,
    purpose_legitimate_interests: tc.purpose_legitimate_interests,
    special_feature_optins: tc.special_feature_optins,
    vendor_consents: tc.vendor_consents, vendor_legitimate_interests: tc.vendor_legitimate_interests,
    disclosed_vendors: tc.disclosed_vendors,
  });
  // The in-app values agree with the IAB library's reading of the string.
  const bits = (vector, len) => Array.from({ length: len }, (_, i) => (vector.has(i + 1) ? '1' : '0')).join('');
  const maxV = Math.max(0, ...ids(m.vendorConsents));
  same(`in-app values [${name}]`, {
    IABTCF_TCString: out.in_app.IABTCF_TCString,
    IABTCF_CmpSdkID: out.in_app.IABTCF_CmpSdkID,
    IABTCF_CmpSdkVersion: out.in_app.IABTCF_CmpSdkVersion,
    IABTCF_PolicyVersion: out.in_app.IABTCF_PolicyVersion,
    IABTCF_gdprApplies: out.in_app.IABTCF_gdprApplies,
    IABTCF_PublisherCC: out.in_app.IABTCF_PublisherCC,
    IABTCF_PurposeOneTreatment: out.in_app.IABTCF_PurposeOneTreatment,
    IABTCF_UseNonStandardTexts: out.in_app.IABTCF_UseNonStandardTexts,
    IABTCF_PurposeConsents: out.in_app.IABTCF_PurposeConsents,
    IABTCF_PurposeLegitimateInterests: out.in_app.IABTCF_PurposeLegitimateInterests,
    IABTCF_SpecialFeaturesOptIns: out.in_app.IABTCF_SpecialFeaturesOptIns,
    IABTCF_VendorConsents: out.in_app.IABTCF_VendorConsents,
  }, {
    IABTCF_TCString: out.tc_string,
    IABTCF_CmpSdkID: m.cmpId,
    IABTCF_CmpSdkVersion: m.cmpVersion,
    IABTCF_PolicyVersion: m.policyVersion,
    IABTCF_gdprApplies: 1,
    IABTCF_PublisherCC: m.publisherCountryCode,
    IABTCF_PurposeOneTreatment: m.purposeOneTreatment ? 1 : 0,
    IABTCF_UseNonStandardTexts: m.useNonStandardTexts ? 1 : 0,
    IABTCF_PurposeConsents: bits(m.purposeConsents, 11),
    IABTCF_PurposeLegitimateInterests: bits(m.purposeLegitimateInterests, 11),
    IABTCF_SpecialFeaturesOptIns: bits(m.specialFeatureOptins, 2),
    IABTCF_VendorConsents: bits(m.vendorConsents, maxV),
  });
}

// consentkit refuses what the IAB library refuses to call a v2.3 string.
for (const [what, s] of [
  ['no Disclosed Vendors segment', iabStrings[0].split('.')[0]],
  ['base64 padding', `${iabStrings[0]}=`],
  ['truncated core', iabStrings[0].slice(0, 20)],
]) {
  checks++;
  try {
    ck('tcf', 'decode', s);
    failures++;
    console.error(`FAIL consentkit accepted a string with ${what}: ${s}`);
  } catch (e) {
    if (e.status !== 2) {
      failures++;
      console.error(`FAIL ${what}: exit ${e.status}, expected 2`);
    }
  }
}

// ---- 3. IAB string → consentkit grant → TC string → IAB ------------------
if (fixtures) {
  const grant = join(work, 'grant.cose');
  ck('tcf', 'import', iabStrings[0], '--offer', join(fixtures, 'offer.cose'),
    '--subject', '0102030405060708090a0b0c0d0e0f10', '--key', join(fixtures, 'controller.key'),
    '--out', grant);
  const src = TCString.decode(iabStrings[0]);
  const vendors = ids(src.vendorConsents);
  const out = JSON.parse(ck('tcf', 'export', grant, '--vendors', vendors.join(','),
    '--cmp-id', '300', '--vendor-list-version', '120', '--publisher-cc', 'DE'));
  const m = TCString.decode(out.tc_string);
  same('grant loop: purposes', ids(m.purposeConsents), ids(src.purposeConsents));
  same('grant loop: special features', ids(m.specialFeatureOptins), ids(src.specialFeatureOptins));
  same('grant loop: vendor consents', ids(m.vendorConsents), vendors);
  same('grant loop: disclosed vendors', ids(m.vendorsDisclosed), vendors);
}

rmSync(work, { recursive: true, force: true });
if (failures) {
  console.error(`tcf interop: ${failures} of ${checks} checks failed`);
  process.exit(1);
}
console.log(`tcf interop: ${checks} checks passed (@iabtechlabtcf/core, @iabgpp/cmpapi)`);
