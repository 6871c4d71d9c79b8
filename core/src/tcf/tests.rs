//! TC string and GPP tests: a vector made by the IAB's own library
//! (`@iabtechlabtcf/core` 1.5.21, `tests/interop/tcf/`), a failure table
//! asserting each typed error, the DPV mapping both ways, the in-app keys
//! and the GPP header. The full round trips against the IAB libraries run
//! in `tests/interop/tcf/interop.mjs`.

use super::*;
use crate::artifact::Digest;

/// Encoded by `@iabtechlabtcf/core` 1.5.21 (synthetic GVL of
/// `tests/interop/tcf/gvl.mjs`, vendors 1, 2, 3, 8, 755, 756): CMP 300
/// version 2, screen 1, `EN`, GVL 120, policy 5, service-specific,
/// purposes 1, 2, 3, 4, 7, 9, 10, special feature 1, vendor consents
/// 1, 3, 755, all six vendors disclosed, publisher `FR`, created and
/// last updated 2026-11-30T00:00:00Z, with a Publisher TC segment.
const IAB_VECTOR: &str =
    "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";

const NOV30: u64 = 1_795_996_800; // 2026-11-30T00:00:00Z

fn ctx() -> TcfImport {
    TcfImport {
        subject: [7; 16],
        controller: "news.example".into(),
        offer: Digest([9; 32]),
        categories: vec![Term::new("pd:BrowsingBehaviour").unwrap()],
        expires_at: None,
    }
}

#[test]
fn decodes_a_tc_string_made_by_the_iab_library() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    assert_eq!(tc.version, 2);
    assert_eq!(tc.created, NOV30 * 10);
    assert_eq!(tc.last_updated, NOV30 * 10);
    assert_eq!((tc.cmp_id, tc.cmp_version, tc.consent_screen), (300, 2, 1));
    assert_eq!(tc.consent_language, "EN");
    assert_eq!(tc.vendor_list_version, 120);
    assert_eq!(tc.policy_version, 5);
    assert!(tc.is_service_specific);
    assert!(!tc.use_non_standard_texts);
    assert_eq!(tc.special_feature_optins, vec![1]);
    assert_eq!(tc.purpose_consents, vec![1, 2, 3, 4, 7, 9, 10]);
    assert_eq!(tc.purpose_legitimate_interests, Vec::<u16>::new());
    assert_eq!(tc.publisher_cc, "FR");
    assert_eq!(tc.vendor_consents, vec![1, 3, 755]);
    assert_eq!(tc.vendor_legitimate_interests, Vec::<u16>::new());
    assert_eq!(tc.disclosed_vendors, vec![1, 2, 3, 8, 755, 756]);
    assert!(tc.publisher_restrictions.is_empty());
    assert_eq!(
        tc.publisher_tc.as_ref().map(|p| p.num_custom_purposes),
        Some(0)
    );
    // Our encoding decodes back to the same values.
    assert_eq!(TcString::decode(&tc.encode().unwrap()).unwrap(), tc);
}

fn with_core_bits(edit: impl FnOnce(&mut Vec<bool>)) -> String {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let s = tc.encode().unwrap();
    let (core, rest) = s.split_once('.').unwrap();
    let mut bits = bits::base64url_bits(core, "core").unwrap();
    edit(&mut bits);
    format!("{}.{rest}", bits::bits_base64url(&bits, 6))
}

fn set_int(bits: &mut [bool], at: usize, n: usize, v: u64) {
    for k in 0..n {
        bits[at + k] = v >> (n - 1 - k) & 1 == 1;
    }
}

/// Every malformed string gets its own typed error.
#[test]
fn tc_string_decode_failures() {
    let disclosed = IAB_VECTOR.split('.').nth(1).unwrap();
    let core = IAB_VECTOR.split('.').next().unwrap();
    let cases: Vec<(&str, String, TcfError)> = vec![
        ("empty", String::new(), TcfError::Empty("the string")),
        (
            "base64 padding",
            format!("{core}=.{disclosed}"),
            TcfError::Base64 {
                segment: "core",
                offset: core.len(),
                found: '=',
            },
        ),
        (
            "standard base64 +",
            format!("+{}.{disclosed}", &core[1..]),
            TcfError::Base64 {
                segment: "core",
                offset: 0,
                found: '+',
            },
        ),
        (
            "version 1",
            with_core_bits(|b| set_int(b, 0, 6, 1)),
            TcfError::UnsupportedVersion(1),
        ),
        (
            "version 3",
            with_core_bits(|b| set_int(b, 0, 6, 3)),
            TcfError::UnsupportedVersion(3),
        ),
        (
            "policy version 2",
            with_core_bits(|b| set_int(b, 132, 6, 2)),
            TcfError::UnsupportedPolicyVersion(2),
        ),
        (
            "language letter 26",
            with_core_bits(|b| set_int(b, 108, 6, 26)),
            TcfError::Invalid {
                field: "consent_language",
                reason: "letter value 26 is not A-Z (0-25)".into(),
            },
        ),
        (
            "truncated in the purposes",
            format!("{}.{disclosed}", &core[..30]),
            TcfError::Truncated {
                segment: "core",
                field: "purpose_legitimate_interests",
                bit: 180,
            },
        ),
        (
            "truncated in created",
            format!("{}.{disclosed}", &core[..4]),
            TcfError::Truncated {
                segment: "core",
                field: "created",
                bit: 6,
            },
        ),
        (
            "no disclosed vendors",
            core.to_string(),
            TcfError::MissingDisclosedVendors,
        ),
        (
            "disclosed vendors twice",
            format!("{core}.{disclosed}.{disclosed}"),
            TcfError::DuplicateSegment("disclosed vendors"),
        ),
        (
            "allowed vendors segment",
            format!("{core}.{disclosed}.QAAA"),
            TcfError::UnexpectedSegment(2),
        ),
        (
            "empty segment",
            format!("{core}..{disclosed}"),
            TcfError::Empty("a segment after a dot"),
        ),
        (
            "non-zero padding",
            format!("{}B.{disclosed}", &core[..core.len() - 1]),
            TcfError::TrailingBits {
                segment: "core",
                bit: 322,
            },
        ),
        (
            "a whole extra block",
            format!("{core}AAAA.{disclosed}"),
            TcfError::TrailingBits {
                segment: "core",
                bit: 322,
            },
        ),
        (
            // Disclosed vendors, range encoding: max id 3, one entry 2-1.
            "descending range",
            {
                let mut w = BitWriter::default();
                w.int(1, 3);
                w.int(3, 16);
                w.bool(true);
                w.int(1, 12);
                w.bool(true);
                w.int(2, 16);
                w.int(1, 16);
                format!("{core}.{}", bits_base64url(&w.bits, 24))
            },
            TcfError::Invalid {
                field: "disclosed_vendors",
                reason: "range entry 2-1 is not within vendor ids 1-3 in ascending order".into(),
            },
        ),
        (
            "range above max id",
            {
                let mut w = BitWriter::default();
                w.int(1, 3);
                w.int(3, 16);
                w.bool(true);
                w.int(1, 12);
                w.bool(false);
                w.int(4, 16);
                format!("{core}.{}", bits_base64url(&w.bits, 24))
            },
            TcfError::Invalid {
                field: "disclosed_vendors",
                reason: "range entry 4-4 is not within vendor ids 1-3 in ascending order".into(),
            },
        ),
    ];
    for (name, s, expected) in cases {
        assert_eq!(TcString::decode(&s), Err(expected), "{name}: {s}");
    }
}

#[test]
fn tc_string_encode_refuses_out_of_range_fields() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let mut t = tc.clone();
    t.purpose_consents = vec![25];
    assert!(matches!(
        t.encode(),
        Err(TcfError::Invalid {
            field: "purpose_consents",
            ..
        })
    ));
    let mut t = tc.clone();
    t.vendor_consents = vec![3, 1];
    assert!(matches!(
        t.encode(),
        Err(TcfError::Invalid {
            field: "vendor_consents",
            ..
        })
    ));
    let mut t = tc.clone();
    t.consent_language = "en".into();
    assert!(matches!(
        t.encode(),
        Err(TcfError::Invalid {
            field: "consent_language",
            ..
        })
    ));
    let mut t = tc;
    t.cmp_id = 4096;
    assert!(matches!(
        t.encode(),
        Err(TcfError::Invalid {
            field: "cmp_id",
            ..
        })
    ));
}

/// Bitfield and range vendor encodings, publisher restrictions and custom
/// purposes all survive encode then decode.
#[test]
fn tc_string_round_trip_ranges_restrictions_and_publisher_segment() {
    let mut tc = TcString::decode(IAB_VECTOR).unwrap();
    tc.vendor_consents = (1..=400).chain(900..=1000).collect();
    tc.vendor_legitimate_interests = vec![2, 5, 7];
    tc.purpose_legitimate_interests = vec![2, 7];
    tc.disclosed_vendors = (1..=1000).collect();
    tc.publisher_restrictions = vec![
        PublisherRestriction {
            purpose_id: 2,
            restriction_type: 1,
            vendors: vec![1, 2, 3, 10],
        },
        PublisherRestriction {
            purpose_id: 7,
            restriction_type: 0,
            vendors: vec![755],
        },
    ];
    tc.publisher_tc = Some(PublisherTc {
        purpose_consents: vec![1, 2],
        purpose_legitimate_interests: vec![7],
        num_custom_purposes: 3,
        custom_purpose_consents: vec![1, 3],
        custom_purpose_legitimate_interests: vec![2],
    });
    let s = tc.encode().unwrap();
    assert_eq!(TcString::decode(&s).unwrap(), tc);
    // The range encoding was chosen for the long runs: far shorter than 1000 bits.
    assert!(s.split('.').nth(1).unwrap().len() < 20, "{s}");
}

#[test]
fn tcf_import_maps_purposes_features_and_vendors_to_an_imported_grant() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let g = import_tc_string(&tc, &ctx()).unwrap();
    let names: Vec<&str> = g.purposes.iter().map(|t| t.as_str()).collect();
    let mut want = vec![
        "dpv:Store",
        "dpv:Advertising",
        "dpv:PersonalisedAdvertising",
        "dpv:TargetedAdvertising",
        "dpv:OptimisationForController",
        "dpv:CommercialResearch",
        "dpv:ImproveExistingProductsAndServices",
    ];
    want.sort_by_key(|s| Term::new(s).unwrap());
    let mut got = names.clone();
    got.sort_by_key(|s| Term::new(s).unwrap());
    assert_eq!(got, want);
    let cats: Vec<&str> = g.categories.iter().map(|t| t.as_str()).collect();
    assert!(cats.contains(&"pd:Location") && cats.contains(&"pd:BrowsingBehaviour"));
    assert_eq!(
        g.recipients,
        vec!["tcf-vendor:1", "tcf-vendor:3", "tcf-vendor:755"]
    );
    assert!(g.imported && g.subject_key.is_none());
    assert_eq!(g.method, CollectionMethod::Imported);
    assert_eq!(g.issued_at.secs(), NOV30);
    // The grant signs as an imported grant.
    let controller = crate::keys::KeyPair::generate(crate::keys::Algorithm::Ed25519).unwrap();
    g.sign_imported(&controller).unwrap();
}

#[test]
fn tcf_import_refuses_what_is_not_a_grant() {
    let mut tc = TcString::decode(IAB_VECTOR).unwrap();
    tc.purpose_consents.clear();
    assert!(
        matches!(import_tc_string(&tc, &ctx()), Err(TcfError::Mapping(m)) if m.contains("no purpose"))
    );
    tc.purpose_consents = vec![1, 12];
    assert!(
        matches!(import_tc_string(&tc, &ctx()), Err(TcfError::Mapping(m)) if m.contains("purpose 12"))
    );
    tc.purpose_consents = vec![1];
    tc.special_feature_optins.clear();
    let mut c = ctx();
    c.categories.clear();
    assert!(
        matches!(import_tc_string(&tc, &c), Err(TcfError::Mapping(m)) if m.contains("category"))
    );
}

/// A grant made from a TC string exports to the same purposes, special
/// features and vendors.
#[test]
fn tcf_export_of_an_imported_grant_gives_the_same_choices() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let g = import_tc_string(&tc, &ctx()).unwrap();
    let opts = TcfExport {
        cmp_id: 300,
        cmp_version: 2,
        consent_screen: 1,
        consent_language: "EN".into(),
        vendor_list_version: 120,
        policy_version: TCF_POLICY_VERSION,
        publisher_cc: "FR".into(),
        vendors: vec![755, 1, 3],
    };
    let out = tc_string_for_grant(&g, &opts).unwrap();
    assert_eq!(out.purpose_consents, tc.purpose_consents);
    assert_eq!(out.special_feature_optins, tc.special_feature_optins);
    assert_eq!(out.vendor_consents, tc.vendor_consents);
    assert_eq!(out.disclosed_vendors, vec![1, 3, 755]);
    assert_eq!(out.created, NOV30 * 10);
    assert!(out.is_service_specific);
    let s = out.encode().unwrap();
    assert_eq!(TcString::decode(&s).unwrap(), out);

    // A grant with no TCF purpose cannot be signalled.
    let mut other = g.clone();
    other.purposes = vec![Term::new("dpv:Marketing").unwrap()];
    assert!(matches!(
        tc_string_for_grant(&other, &opts),
        Err(TcfError::Mapping(_))
    ));
}

#[test]
fn tcf_purpose_mapping_is_one_to_one_and_every_term_is_in_dpv() {
    for (i, (id, _, term)) in PURPOSES.iter().enumerate() {
        assert_eq!(usize::from(*id), i + 1);
        assert!(Term::new(term).is_ok(), "{term}");
        assert_eq!(
            PURPOSES.iter().filter(|(_, _, t)| t == term).count(),
            1,
            "{term}"
        );
    }
    for (_, _, term) in SPECIAL_FEATURES {
        assert!(Term::new(term).is_ok(), "{term}");
    }
}

#[test]
fn tcf_in_app_values_follow_the_cmp_api_keys() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let m = tc.in_app_values(true).unwrap();
    let int = |k: &str| match m.get(k) {
        Some(InAppValue::Int { value }) => *value,
        other => panic!("{k}: {other:?}"),
    };
    let text = |k: &str| match m.get(k) {
        Some(InAppValue::Text { value }) => value.clone(),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(int("IABTCF_CmpSdkID"), 300);
    assert_eq!(int("IABTCF_CmpSdkVersion"), 2);
    assert_eq!(int("IABTCF_PolicyVersion"), 5);
    assert_eq!(int("IABTCF_gdprApplies"), 1);
    assert_eq!(int("IABTCF_PurposeOneTreatment"), 0);
    assert_eq!(int("IABTCF_UseNonStandardTexts"), 0);
    assert_eq!(text("IABTCF_PublisherCC"), "FR");
    assert_eq!(text("IABTCF_PurposeConsents"), "11110010110");
    assert_eq!(text("IABTCF_PurposeLegitimateInterests"), "00000000000");
    assert_eq!(text("IABTCF_SpecialFeaturesOptIns"), "10");
    let vc = text("IABTCF_VendorConsents");
    assert_eq!(vc.len(), 755);
    assert_eq!(&vc[..3], "101");
    assert_eq!(vc.matches('1').count(), 3);
    assert_eq!(text("IABTCF_TCString"), tc.encode().unwrap());
    assert_eq!(text("IABTCF_PublisherConsent"), "00000000000");
    assert_eq!(int("IABTCF_gdprApplies"), 1);
    assert_eq!(
        tc.in_app_values(false).unwrap().get("IABTCF_gdprApplies"),
        Some(&InAppValue::Int { value: 0 })
    );
}

#[test]
fn gpp_string_has_the_tcf_eu_v2_header_and_decodes_back() {
    let tc = TcString::decode(IAB_VECTOR).unwrap();
    let gpp = gpp_string(&tc).unwrap();
    assert_eq!(gpp, format!("DBABMA~{}", tc.encode().unwrap()));
    let back = decode_gpp(&gpp).unwrap();
    assert_eq!(back.section_ids, vec![2]);
    assert_eq!(back.tcf_eu_v2, Some(tc));
    // Header for sections 2 and 6 (`DBACNY~...~1YNN`), as the GPP spec's example.
    let two = decode_gpp(&format!("DBACNY~{IAB_VECTOR}~1YNN")).unwrap();
    assert_eq!(two.section_ids, vec![2, 6]);
    assert!(two.tcf_eu_v2.is_some());
    for bad in ["", "DBABMA", "DBABMA~a~b", "CBABMA~x", "DBABMB~x"] {
        assert!(matches!(decode_gpp(bad), Err(TcfError::Gpp(_))), "{bad}");
    }
}

/// 4095 range entries each naming vendors 1-65535 (a few KB of input)
/// decode to the 65535 ids they name, without repeating work per entry;
/// the in-app values of the result are made in one pass.
#[test]
fn tc_string_long_overlapping_ranges_cost_only_what_they_name() {
    let core = IAB_VECTOR.split('.').next().unwrap();
    let mut w = BitWriter::default();
    w.int(1, 3);
    w.int(65_535, 16);
    w.bool(true);
    w.int(4095, 12);
    for _ in 0..4095 {
        w.bool(true);
        w.int(1, 16);
        w.int(65_535, 16);
    }
    let s = format!("{core}.{}", bits_base64url(&w.bits, 24));
    let mut tc = TcString::decode(&s).unwrap();
    assert_eq!(tc.disclosed_vendors.len(), 65_535);
    assert_eq!(tc.disclosed_vendors.last(), Some(&65_535));
    tc.vendor_consents = tc.disclosed_vendors.clone();
    tc.publisher_restrictions = vec![PublisherRestriction {
        purpose_id: 2,
        restriction_type: 1,
        vendors: tc.disclosed_vendors.clone(),
    }];
    let m = tc.in_app_values(true).unwrap();
    assert_eq!(
        m.get("IABTCF_VendorConsents"),
        Some(&InAppValue::Text {
            value: "1".repeat(65_535)
        })
    );
    assert_eq!(
        m.get("IABTCF_PublisherRestrictions2"),
        Some(&InAppValue::Text {
            value: "1".repeat(65_535)
        })
    );
    assert_eq!(TcString::decode(&tc.encode().unwrap()).unwrap(), tc);
}

/// An in-app value's variants carry a named `value` (the same field in
/// every language), and its JSON is still the bare number or string the
/// CMP API stores.
#[test]
fn an_in_app_value_is_a_bare_number_or_string_in_json() {
    assert_eq!(
        serde_json::to_value(InAppValue::Int { value: 300 }).unwrap(),
        serde_json::json!(300)
    );
    assert_eq!(
        serde_json::to_value(InAppValue::Text { value: "AA".into() }).unwrap(),
        serde_json::json!("AA")
    );
}

/// Purpose and feature ids are numbers (`u16`, as vendor ids): one out of
/// range is the core's error naming the field, whatever the skin.
#[test]
fn a_purpose_id_out_of_range_is_refused_naming_the_field() {
    let mut tc = TcString::decode(IAB_TC_STRING_FOR_IDS).unwrap();
    tc.purpose_consents = vec![1, 300];
    let e = tc.encode().unwrap_err().to_string();
    assert!(e.contains("purpose_consents") && e.contains("300"), "{e}");
}

const IAB_TC_STRING_FOR_IDS: &str =
    "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";
