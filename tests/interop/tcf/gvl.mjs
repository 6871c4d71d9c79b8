// A synthetic Global Vendor List for the round trips (the IAB library needs
// one to encode; the real GVL is not fetched). Every vendor declares every
// purpose for consent, so no consent signal is dropped by the library's
// semantic pre-encoder.
export function syntheticGvl(vendorIds) {
  const purposes = {};
  for (let i = 1; i <= 11; i++) purposes[i] = { id: i, name: `Purpose ${i}`, description: '' };
  const vendors = {};
  for (const id of vendorIds) {
    vendors[id] = {
      id, name: `Vendor ${id}`, purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      legIntPurposes: [], flexiblePurposes: [], specialPurposes: [1],
      features: [], specialFeatures: [1, 2], policyUrl: 'https://vendor.example/privacy',
    };
  }
  return {
    gvlSpecificationVersion: 3, vendorListVersion: 120, tcfPolicyVersion: 5,
    lastUpdated: '2026-11-01T16:00:00Z', purposes,
    specialPurposes: { 1: { id: 1, name: 'SP1', description: '' } },
    features: {},
    specialFeatures: { 1: { id: 1, name: 'SF1', description: '' }, 2: { id: 2, name: 'SF2', description: '' } },
    stacks: {}, dataCategories: {}, vendors,
  };
}
