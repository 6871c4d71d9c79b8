//! IAB Europe Transparency & Consent Framework (TCF) v2.3 and the IAB Global
//! Privacy Platform (GPP): TC strings in and out of consentkit grants.
//!
//! - [`TcString::decode`] reads a TC string (encoding version 2, the core
//!   segment, the Disclosed Vendors segment TCF 2.3 requires, and an
//!   optional Publisher TC segment) strictly: bad base64url, another
//!   version, a truncated field, a missing or repeated segment, a vendor id
//!   out of range or non-zero padding is a typed [`TcfError`].
//! - [`import_tc_string`] turns its consents into an imported [`Grant`]
//!   (controller-signed, no person signature; sign it with
//!   [`Grant::sign_imported`]), with the TCF purposes mapped to DPV terms by
//!   [`PURPOSES`] and the special features by [`SPECIAL_FEATURES`].
//! - [`tc_string_for_grant`] goes the other way for a given vendor list and
//!   CMP; [`TcString::encode`], [`TcString::in_app_values`] (the `IABTCF_*`
//!   keys of the CMP API's in-app storage) and [`gpp_string`] (GPP header
//!   plus section 2, TCF EU v2) give its three forms.
//!
//! The mapping and the versions implemented are documented in `docs/TCF.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::artifact::{CollectionMethod, Digest, Grant, Pseudonym, Timestamp};
use crate::vocab::Term;

mod bits;

use bits::{base64url_bits, bits_base64url, BitReader, BitWriter};

/// The TC string encoding version this module reads and writes (TCF v2.x).
pub const TC_STRING_VERSION: u8 = 2;

/// The TCF policy version [`tc_string_for_grant`] writes by default: 5,
/// the policy version of TCF v2.3 (and of `@iabtechlabtcf/core` 1.5).
pub const TCF_POLICY_VERSION: u8 = 5;

/// Lowest TCF policy version accepted when decoding: 4 (TCF v2.2). Older
/// strings follow rules (legitimate interest for purposes 3-6, global
/// scope) that TCF v2.2 and v2.3 withdrew.
pub const MIN_POLICY_VERSION: u8 = 4;

/// Longest TC or GPP string accepted, in characters (64 KiB).
pub const MAX_STRING_LEN: usize = 64 * 1024;

/// TCF purposes (ids 1-11 of the TCF v2.2/v2.3 Global Vendor List) and the
/// DPV term each maps to. The mapping is one to one, so a grant made from a
/// TC string gives the same purposes back.
pub const PURPOSES: &[(u8, &str, &str)] = &[
    (
        1,
        "Store and/or access information on a device",
        "dpv:Store",
    ),
    (
        2,
        "Use limited data to select advertising",
        "dpv:Advertising",
    ),
    (
        3,
        "Create profiles for personalised advertising",
        "dpv:PersonalisedAdvertising",
    ),
    (
        4,
        "Use profiles to select personalised advertising",
        "dpv:TargetedAdvertising",
    ),
    (
        5,
        "Create profiles to personalise content",
        "dpv:ServicePersonalisation",
    ),
    (
        6,
        "Use profiles to select personalised content",
        "dpv:ProvidePersonalisedRecommendations",
    ),
    (
        7,
        "Measure advertising performance",
        "dpv:OptimisationForController",
    ),
    (
        8,
        "Measure content performance",
        "dpv:ServiceUsageAnalytics",
    ),
    (
        9,
        "Understand audiences through statistics or combinations of data from different sources",
        "dpv:CommercialResearch",
    ),
    (
        10,
        "Develop and improve services",
        "dpv:ImproveExistingProductsAndServices",
    ),
    (
        11,
        "Use limited data to select content",
        "dpv:ServiceProvision",
    ),
];

/// TCF special features (opt-ins) and the DPV personal-data category each
/// maps to in a grant's categories.
pub const SPECIAL_FEATURES: &[(u8, &str, &str)] = &[
    (1, "Use precise geolocation data", "pd:Location"),
    (
        2,
        "Actively scan device characteristics for identification",
        "pd:DigitalFingerprint",
    ),
];

/// Prefix of a grant recipient that names a TCF vendor: `tcf-vendor:755`.
pub const VENDOR_RECIPIENT_PREFIX: &str = "tcf-vendor:";

/// The GPP section id of TCF EU v2.
pub const GPP_SECTION_TCF_EU_V2: u16 = 2;

/// What was wrong with a TC or GPP string, or with a request to make one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TcfError {
    /// Empty input, or an empty segment between dots.
    #[error("TC string: {0} is empty")]
    Empty(&'static str),
    /// Longer than [`MAX_STRING_LEN`].
    #[error("TC string: {len} characters, over the {max}-character limit")]
    TooLong {
        /// The length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside the base64url alphabet (`=` padding included).
    #[error("TC string: {segment} segment: character {found:?} at {offset} is not base64url")]
    Base64 {
        /// The segment.
        segment: &'static str,
        /// Offset of the character within the segment.
        offset: usize,
        /// The character.
        found: char,
    },
    /// An encoding version other than 2.
    #[error("TC string: encoding version {0} (only version 2, TCF v2.x, is supported)")]
    UnsupportedVersion(u64),
    /// A TCF policy version below [`MIN_POLICY_VERSION`].
    #[error("TC string: TCF policy version {0} (TCF v2.2 or later, policy version 4 or more, is required)")]
    UnsupportedPolicyVersion(u64),
    /// The string ends inside a field.
    #[error("TC string: {segment} segment ends inside field {field} (at bit {bit})")]
    Truncated {
        /// The segment.
        segment: &'static str,
        /// The field.
        field: &'static str,
        /// The bit offset (within the segment) of the read that ran out.
        bit: usize,
    },
    /// Bits left after the last field that are not zero padding.
    #[error("TC string: {segment} segment has data after its last field (at bit {bit})")]
    TrailingBits {
        /// The segment.
        segment: &'static str,
        /// Where the padding began.
        bit: usize,
    },
    /// A segment type this module does not accept (e.g. 2, the Allowed
    /// Vendors segment withdrawn with global scope) or that is misplaced.
    #[error("TC string: segment type {0} is not accepted here")]
    UnexpectedSegment(u64),
    /// A segment present twice.
    #[error("TC string: the {0} segment appears twice")]
    DuplicateSegment(&'static str),
    /// No Disclosed Vendors segment (TCF v2.3 requires it).
    #[error("TC string: no Disclosed Vendors segment (TCF v2.3 requires one)")]
    MissingDisclosedVendors,
    /// A field with a value out of range.
    #[error("TC string: field {field}: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A GPP string that is not valid.
    #[error("GPP string: {0}")]
    Gpp(String),
    /// The consents cannot be expressed as a grant, or the grant as a TC
    /// string.
    #[error("TCF mapping: {0}")]
    Mapping(String),
}

/// A publisher restriction: for `purpose_id`, the vendors listed get
/// `restriction_type` (0 not allowed, 1 require consent, 2 require
/// legitimate interest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublisherRestriction {
    /// The purpose (1-63).
    pub purpose_id: u8,
    /// The restriction type (0-2; 3 is undefined and refused).
    pub restriction_type: u8,
    /// The vendors it applies to, ascending.
    pub vendors: Vec<u16>,
}

/// The optional Publisher TC segment (segment type 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PublisherTc {
    /// Purposes (1-24) the publisher has consent for.
    pub purpose_consents: Vec<u16>,
    /// Purposes (1-24) the publisher relies on legitimate interest for.
    pub purpose_legitimate_interests: Vec<u16>,
    /// Number of custom purposes (0-63).
    pub num_custom_purposes: u8,
    /// Custom purposes consented to (1-num_custom_purposes).
    pub custom_purpose_consents: Vec<u16>,
    /// Custom purposes under legitimate interest.
    pub custom_purpose_legitimate_interests: Vec<u16>,
}

/// A decoded TC string: every field of the core segment, the Disclosed
/// Vendors segment and the optional Publisher TC segment. Id lists are
/// ascending and without repeats. JSON keys are the snake_case field names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TcString {
    /// Encoding version (always 2).
    pub version: u8,
    /// Created, in deciseconds since the epoch (36 bits).
    pub created: u64,
    /// Last updated, in deciseconds since the epoch (36 bits).
    pub last_updated: u64,
    /// The CMP's id (12 bits).
    pub cmp_id: u16,
    /// The CMP's version (12 bits).
    pub cmp_version: u16,
    /// The screen the consent was given on (6 bits).
    pub consent_screen: u8,
    /// Two upper-case letters (ISO 639-1), e.g. `EN`.
    pub consent_language: String,
    /// Global Vendor List version (12 bits).
    pub vendor_list_version: u16,
    /// TCF policy version (6 bits).
    pub policy_version: u8,
    /// Whether the string is service-specific.
    pub is_service_specific: bool,
    /// Whether non-standard texts were used.
    pub use_non_standard_texts: bool,
    /// Special features opted in to (1-12).
    pub special_feature_optins: Vec<u16>,
    /// Purposes consented to (1-24).
    pub purpose_consents: Vec<u16>,
    /// Purposes with legitimate interest established (1-24).
    pub purpose_legitimate_interests: Vec<u16>,
    /// Purpose one treatment (purpose 1 not disclosed).
    pub purpose_one_treatment: bool,
    /// Publisher country code, two upper-case letters (`AA` = unknown).
    pub publisher_cc: String,
    /// Vendors with consent (1-65535).
    pub vendor_consents: Vec<u16>,
    /// Vendors with legitimate interest established.
    pub vendor_legitimate_interests: Vec<u16>,
    /// Publisher restrictions.
    pub publisher_restrictions: Vec<PublisherRestriction>,
    /// Vendors disclosed to the person (the Disclosed Vendors segment).
    pub disclosed_vendors: Vec<u16>,
    /// The Publisher TC segment, if present.
    pub publisher_tc: Option<PublisherTc>,
}

const CORE: &str = "core";
const DISCLOSED: &str = "disclosed vendors";
const PUBLISHER: &str = "publisher TC";

fn letters(r: &mut BitReader<'_>, field: &'static str) -> Result<String, TcfError> {
    let mut s = String::new();
    for _ in 0..2 {
        let v = r.int(6, field)?;
        if v > 25 {
            return Err(TcfError::Invalid {
                field,
                reason: format!("letter value {v} is not A-Z (0-25)"),
            });
        }
        // safe: v <= 25
        s.push(char::from(b'A' + u8::try_from(v).unwrap_or(0)));
    }
    Ok(s)
}

fn small_ids(r: &mut BitReader<'_>, n: usize, field: &'static str) -> Result<Vec<u16>, TcfError> {
    r.id_set(n, field)
}

/// Reads a vendor section: MaxVendorId, IsRangeEncoding, then a bitfield
/// or range entries.
fn vendor_section(r: &mut BitReader<'_>, field: &'static str) -> Result<Vec<u16>, TcfError> {
    let max = r.int(16, field)?;
    if r.bool(field)? {
        ranges(r, max, field)
    } else {
        // safe: max < 2^16
        r.id_set(usize::try_from(max).unwrap_or(0), field)
    }
}

/// Reads NumEntries range entries; every id is within 1..=max.
fn ranges(r: &mut BitReader<'_>, max: u64, field: &'static str) -> Result<Vec<u16>, TcfError> {
    let n = r.int(12, field)?;
    // Entries are kept as intervals and merged, so that a few bits naming
    // a long range cost no more than the ids they name (at most 65535).
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for _ in 0..n {
        let is_range = r.bool(field)?;
        let start = r.int(16, field)?;
        let end = if is_range { r.int(16, field)? } else { start };
        if start == 0 || end < start || end > max {
            return Err(TcfError::Invalid {
                field,
                reason: format!(
                    "range entry {start}-{end} is not within vendor ids 1-{max} in ascending order"
                ),
            });
        }
        spans.push((start, end));
    }
    crate::sort::sort(&mut spans);
    let mut ids: Vec<u16> = Vec::new();
    let mut next = 1u64; // the lowest id not yet listed
    for (start, end) in spans {
        for id in start.max(next)..=end {
            // safe: end <= max < 2^16
            ids.push(u16::try_from(id).unwrap_or(u16::MAX));
        }
        next = next.max(end + 1);
    }
    Ok(ids)
}

fn restrictions(r: &mut BitReader<'_>) -> Result<Vec<PublisherRestriction>, TcfError> {
    const F: &str = "publisher_restrictions";
    let n = r.int(12, F)?;
    let mut out: Vec<PublisherRestriction> = Vec::new();
    for _ in 0..n {
        let purpose_id = r.int(6, F)?;
        let restriction_type = r.int(2, F)?;
        if purpose_id == 0 || restriction_type == 3 {
            return Err(TcfError::Invalid {
                field: F,
                reason: format!(
                    "purpose {purpose_id} with restriction type {restriction_type} (purposes start at 1; types are 0-2)"
                ),
            });
        }
        let vendors = ranges(r, u64::from(u16::MAX), F)?;
        // safe: 6 and 2 bits
        let (purpose_id, restriction_type) = (purpose_id as u8, restriction_type as u8);
        if out
            .iter()
            .any(|x| x.purpose_id == purpose_id && x.restriction_type == restriction_type)
        {
            return Err(TcfError::Invalid {
                field: F,
                reason: format!(
                    "purpose {purpose_id}, restriction type {restriction_type} appears twice"
                ),
            });
        }
        out.push(PublisherRestriction {
            purpose_id,
            restriction_type,
            vendors,
        });
    }
    Ok(out)
}

impl TcString {
    /// Decodes a TC string (strict; see the module documentation).
    pub fn decode(s: &str) -> Result<TcString, TcfError> {
        if s.is_empty() {
            return Err(TcfError::Empty("the string"));
        }
        if s.len() > MAX_STRING_LEN {
            return Err(TcfError::TooLong {
                len: s.len(),
                max: MAX_STRING_LEN,
            });
        }
        let mut parts = s.split('.');
        let core = parts.next().unwrap_or("");
        if core.is_empty() {
            return Err(TcfError::Empty("the core segment"));
        }
        let bits = base64url_bits(core, CORE)?;
        let mut r = BitReader::new(&bits, CORE);
        let version = r.int(6, "version")?;
        if version != u64::from(TC_STRING_VERSION) {
            return Err(TcfError::UnsupportedVersion(version));
        }
        let created = r.int(36, "created")?;
        let last_updated = r.int(36, "last_updated")?;
        let cmp_id = r.int(12, "cmp_id")? as u16;
        let cmp_version = r.int(12, "cmp_version")? as u16;
        let consent_screen = r.int(6, "consent_screen")? as u8;
        let consent_language = letters(&mut r, "consent_language")?;
        let vendor_list_version = r.int(12, "vendor_list_version")? as u16;
        let policy_version = r.int(6, "policy_version")?;
        if policy_version < u64::from(MIN_POLICY_VERSION) {
            return Err(TcfError::UnsupportedPolicyVersion(policy_version));
        }
        let is_service_specific = r.bool("is_service_specific")?;
        let use_non_standard_texts = r.bool("use_non_standard_texts")?;
        let special_feature_optins = small_ids(&mut r, 12, "special_feature_optins")?;
        let purpose_consents = small_ids(&mut r, 24, "purpose_consents")?;
        let purpose_legitimate_interests = small_ids(&mut r, 24, "purpose_legitimate_interests")?;
        let purpose_one_treatment = r.bool("purpose_one_treatment")?;
        let publisher_cc = letters(&mut r, "publisher_cc")?;
        let vendor_consents = vendor_section(&mut r, "vendor_consents")?;
        let vendor_legitimate_interests = vendor_section(&mut r, "vendor_legitimate_interests")?;
        let publisher_restrictions = restrictions(&mut r)?;
        r.finish(24)?;

        let mut disclosed_vendors = None;
        let mut publisher_tc = None;
        for seg in parts {
            if seg.is_empty() {
                return Err(TcfError::Empty("a segment after a dot"));
            }
            let bits = base64url_bits(seg, "optional")?;
            let mut r = BitReader::new(&bits, "optional");
            match r.int(3, "segment_type")? {
                1 => {
                    if disclosed_vendors.is_some() {
                        return Err(TcfError::DuplicateSegment(DISCLOSED));
                    }
                    let mut r = BitReader::new(&bits, DISCLOSED);
                    r.int(3, "segment_type")?;
                    disclosed_vendors = Some(vendor_section(&mut r, "disclosed_vendors")?);
                    r.finish(24)?;
                }
                3 => {
                    if publisher_tc.is_some() {
                        return Err(TcfError::DuplicateSegment(PUBLISHER));
                    }
                    let mut r = BitReader::new(&bits, PUBLISHER);
                    r.int(3, "segment_type")?;
                    let purpose_consents = small_ids(&mut r, 24, "pub_purpose_consents")?;
                    let purpose_legitimate_interests =
                        small_ids(&mut r, 24, "pub_purpose_legitimate_interests")?;
                    let num = r.int(6, "num_custom_purposes")?;
                    // safe: 6 bits
                    let n = num as usize;
                    let custom_purpose_consents = small_ids(&mut r, n, "custom_purpose_consents")?;
                    let custom_purpose_legitimate_interests =
                        small_ids(&mut r, n, "custom_purpose_legitimate_interests")?;
                    r.finish(24)?;
                    publisher_tc = Some(PublisherTc {
                        purpose_consents,
                        purpose_legitimate_interests,
                        num_custom_purposes: num as u8,
                        custom_purpose_consents,
                        custom_purpose_legitimate_interests,
                    });
                }
                other => return Err(TcfError::UnexpectedSegment(other)),
            }
        }
        let disclosed_vendors = disclosed_vendors.ok_or(TcfError::MissingDisclosedVendors)?;
        Ok(TcString {
            version: TC_STRING_VERSION,
            created,
            last_updated,
            cmp_id,
            cmp_version,
            consent_screen,
            consent_language,
            vendor_list_version,
            // safe: 6 bits
            policy_version: policy_version as u8,
            is_service_specific,
            use_non_standard_texts,
            special_feature_optins,
            purpose_consents,
            purpose_legitimate_interests,
            purpose_one_treatment,
            publisher_cc,
            vendor_consents,
            vendor_legitimate_interests,
            publisher_restrictions,
            disclosed_vendors,
            publisher_tc,
        })
    }

    /// Checks every field is within its range, so that [`TcString::encode`]
    /// writes exactly these values.
    pub fn validate(&self) -> Result<(), TcfError> {
        let bad = |field: &'static str, reason: String| Err(TcfError::Invalid { field, reason });
        if self.version != TC_STRING_VERSION {
            return Err(TcfError::UnsupportedVersion(u64::from(self.version)));
        }
        if self.policy_version < MIN_POLICY_VERSION || self.policy_version > 63 {
            return Err(TcfError::UnsupportedPolicyVersion(u64::from(
                self.policy_version,
            )));
        }
        for (field, v) in [
            ("created", self.created),
            ("last_updated", self.last_updated),
        ] {
            if v >= 1 << 36 {
                return bad(field, format!("{v} does not fit in 36 bits"));
            }
        }
        for (field, v) in [
            ("cmp_id", self.cmp_id),
            ("cmp_version", self.cmp_version),
            ("vendor_list_version", self.vendor_list_version),
        ] {
            if v >= 1 << 12 {
                return bad(field, format!("{v} does not fit in 12 bits"));
            }
        }
        if self.consent_screen >= 64 {
            return bad(
                "consent_screen",
                format!("{} does not fit in 6 bits", self.consent_screen),
            );
        }
        for (field, v) in [
            ("consent_language", &self.consent_language),
            ("publisher_cc", &self.publisher_cc),
        ] {
            if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
                return bad(field, format!("{v:?} is not two letters A-Z"));
            }
        }
        check_ids("special_feature_optins", &self.special_feature_optins, 12)?;
        check_ids("purpose_consents", &self.purpose_consents, 24)?;
        check_ids(
            "purpose_legitimate_interests",
            &self.purpose_legitimate_interests,
            24,
        )?;
        check_vendors("vendor_consents", &self.vendor_consents)?;
        check_vendors(
            "vendor_legitimate_interests",
            &self.vendor_legitimate_interests,
        )?;
        check_vendors("disclosed_vendors", &self.disclosed_vendors)?;
        if self.publisher_restrictions.len() >= 1 << 12 {
            return bad("publisher_restrictions", "more than 4095".into());
        }
        for (i, pr) in self.publisher_restrictions.iter().enumerate() {
            if pr.purpose_id == 0 || pr.purpose_id > 63 || pr.restriction_type > 2 {
                return bad(
                    "publisher_restrictions",
                    format!(
                        "purpose {} with restriction type {} (purposes 1-63, types 0-2)",
                        pr.purpose_id, pr.restriction_type
                    ),
                );
            }
            if self.publisher_restrictions[..i]
                .iter()
                .any(|x| x.purpose_id == pr.purpose_id && x.restriction_type == pr.restriction_type)
            {
                return bad(
                    "publisher_restrictions",
                    format!(
                        "purpose {}, restriction type {} appears twice",
                        pr.purpose_id, pr.restriction_type
                    ),
                );
            }
            check_vendors("publisher_restrictions", &pr.vendors)?;
            if range_groups(&pr.vendors).len() >= 1 << 12 {
                return bad(
                    "publisher_restrictions",
                    "more than 4095 vendor ranges in one restriction".into(),
                );
            }
        }
        if let Some(p) = &self.publisher_tc {
            check_ids("pub_purpose_consents", &p.purpose_consents, 24)?;
            check_ids(
                "pub_purpose_legitimate_interests",
                &p.purpose_legitimate_interests,
                24,
            )?;
            if p.num_custom_purposes > 63 {
                return bad("num_custom_purposes", "more than 63".into());
            }
            let n = usize::from(p.num_custom_purposes);
            check_ids("custom_purpose_consents", &p.custom_purpose_consents, n)?;
            check_ids(
                "custom_purpose_legitimate_interests",
                &p.custom_purpose_legitimate_interests,
                n,
            )?;
        }
        Ok(())
    }

    /// Encodes the TC string: the core segment, the Disclosed Vendors
    /// segment and, if present, the Publisher TC segment, each padded with
    /// zero bits to a multiple of 24 bits as `@iabtechlabtcf/core` does.
    pub fn encode(&self) -> Result<String, TcfError> {
        self.validate()?;
        let mut w = BitWriter::default();
        w.int(u64::from(self.version), 6);
        w.int(self.created, 36);
        w.int(self.last_updated, 36);
        w.int(u64::from(self.cmp_id), 12);
        w.int(u64::from(self.cmp_version), 12);
        w.int(u64::from(self.consent_screen), 6);
        write_letters(&mut w, &self.consent_language);
        w.int(u64::from(self.vendor_list_version), 12);
        w.int(u64::from(self.policy_version), 6);
        w.bool(self.is_service_specific);
        w.bool(self.use_non_standard_texts);
        w.id_set(&self.special_feature_optins, 12);
        w.id_set(&self.purpose_consents, 24);
        w.id_set(&self.purpose_legitimate_interests, 24);
        w.bool(self.purpose_one_treatment);
        write_letters(&mut w, &self.publisher_cc);
        write_vendors(&mut w, &self.vendor_consents);
        write_vendors(&mut w, &self.vendor_legitimate_interests);
        w.int(self.publisher_restrictions.len() as u64, 12);
        for pr in &self.publisher_restrictions {
            w.int(u64::from(pr.purpose_id), 6);
            w.int(u64::from(pr.restriction_type), 2);
            write_range_entries(&mut w, &pr.vendors);
        }
        let mut out = bits_base64url(&w.bits, 24);

        let mut d = BitWriter::default();
        d.int(1, 3);
        write_vendors(&mut d, &self.disclosed_vendors);
        out.push('.');
        out.push_str(&bits_base64url(&d.bits, 24));

        if let Some(p) = &self.publisher_tc {
            let mut w = BitWriter::default();
            w.int(3, 3);
            w.id_set(&p.purpose_consents, 24);
            w.id_set(&p.purpose_legitimate_interests, 24);
            w.int(u64::from(p.num_custom_purposes), 6);
            let n = usize::from(p.num_custom_purposes);
            w.id_set(&p.custom_purpose_consents, n);
            w.id_set(&p.custom_purpose_legitimate_interests, n);
            out.push('.');
            out.push_str(&bits_base64url(&w.bits, 24));
        }
        Ok(out)
    }

    /// The values a CMP stores in-app (`NSUserDefaults` / `SharedPreferences`)
    /// for this string, keyed as the IAB's CMP API v2 in-app section lists
    /// them. `gdpr_applies` sets `IABTCF_gdprApplies` (1 or 0).
    pub fn in_app_values(
        &self,
        gdpr_applies: bool,
    ) -> Result<BTreeMap<String, InAppValue>, TcfError> {
        let tc = self.encode()?;
        let mut m = BTreeMap::new();
        let mut int = |k: &str, v: u64| {
            m.insert(format!("IABTCF_{k}"), InAppValue::Int { value: v });
        };
        int("CmpSdkID", u64::from(self.cmp_id));
        int("CmpSdkVersion", u64::from(self.cmp_version));
        int("PolicyVersion", u64::from(self.policy_version));
        int("gdprApplies", u64::from(gdpr_applies));
        int("PurposeOneTreatment", u64::from(self.purpose_one_treatment));
        int(
            "UseNonStandardTexts",
            u64::from(self.use_non_standard_texts),
        );
        let mut text = |k: &str, v: String| {
            m.insert(format!("IABTCF_{k}"), InAppValue::Text { value: v });
        };
        text("TCString", tc);
        text("PublisherCC", self.publisher_cc.clone());
        text("VendorConsents", binary(&self.vendor_consents, None));
        text(
            "VendorLegitimateInterests",
            binary(&self.vendor_legitimate_interests, None),
        );
        text(
            "PurposeConsents",
            binary(&self.purpose_consents, Some(PURPOSES.len())),
        );
        text(
            "PurposeLegitimateInterests",
            binary(&self.purpose_legitimate_interests, Some(PURPOSES.len())),
        );
        text(
            "SpecialFeaturesOptIns",
            binary(&self.special_feature_optins, Some(SPECIAL_FEATURES.len())),
        );
        // Per purpose: the restriction type per vendor, `_` for none.
        // Sorted by purpose id (a list: one `BTreeMap` type less in the npm module).
        let mut by_purpose: Vec<(u8, Vec<u8>)> = Vec::new();
        for pr in &self.publisher_restrictions {
            let at = match by_purpose.binary_search_by_key(&pr.purpose_id, |(p, _)| *p) {
                Ok(at) => at,
                Err(at) => {
                    by_purpose.insert(at, (pr.purpose_id, Vec::new()));
                    at
                }
            };
            let Some((_, e)) = by_purpose.get_mut(at) else {
                continue;
            };
            for &v in &pr.vendors {
                let i = usize::from(v).saturating_sub(1); // validated ids are >= 1
                if e.len() <= i {
                    e.resize(i + 1, b'_');
                }
                e[i] = b'0' + pr.restriction_type;
            }
        }
        for (purpose, chars) in by_purpose {
            let s = chars.into_iter().map(char::from).collect();
            text(&format!("PublisherRestrictions{purpose}"), s);
        }
        if let Some(p) = &self.publisher_tc {
            text(
                "PublisherConsent",
                binary(&p.purpose_consents, Some(PURPOSES.len())),
            );
            text(
                "PublisherLegitimateInterests",
                binary(&p.purpose_legitimate_interests, Some(PURPOSES.len())),
            );
            let n = Some(usize::from(p.num_custom_purposes));
            text(
                "PublisherCustomPurposesConsents",
                binary(&p.custom_purpose_consents, n),
            );
            text(
                "PublisherCustomPurposesLegitimateInterests",
                binary(&p.custom_purpose_legitimate_interests, n),
            );
        }
        Ok(m)
    }
}

/// One in-app value: the CMP API stores numbers (`getInt`) and strings
/// (`getString`). In JSON, a number or a string.
///
/// Each variant's field is `value` in every language; in JSON the value
/// itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InAppValue {
    /// A number (`IABTCF_CmpSdkID`, `IABTCF_gdprApplies`, ...).
    #[serde(serialize_with = "in_app_int")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    Int {
        /// The number.
        value: u64,
    },
    /// A string (`IABTCF_TCString`, the binary strings, ...).
    #[serde(serialize_with = "in_app_text")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    Text {
        /// The string.
        value: String,
    },
}

fn in_app_int<S: serde::Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(*value)
}

fn in_app_text<S: serde::Serializer>(value: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value)
}

/// `'0'`/`'1'` per id, position n for id n+1, up to `len` or the highest id.
fn binary(ids: &[u16], len: Option<usize>) -> String {
    let max = ids.iter().copied().max().map_or(0, usize::from);
    let len = len.map_or(max, |l| l.max(max));
    let mut out = vec![b'0'; len];
    for &i in ids {
        if i >= 1 {
            out[usize::from(i) - 1] = b'1';
        }
    }
    out.into_iter().map(char::from).collect()
}

fn check_ids(field: &'static str, ids: &[u16], max: usize) -> Result<(), TcfError> {
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(TcfError::Invalid {
            field,
            reason: "ids must be ascending, without repeats".into(),
        });
    }
    if let Some(bad) = ids.iter().find(|&&i| i == 0 || usize::from(i) > max) {
        return Err(TcfError::Invalid {
            field,
            reason: format!("id {bad} is outside 1-{max}"),
        });
    }
    Ok(())
}

fn check_vendors(field: &'static str, ids: &[u16]) -> Result<(), TcfError> {
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(TcfError::Invalid {
            field,
            reason: "vendor ids must be ascending, without repeats".into(),
        });
    }
    if ids.first() == Some(&0) {
        return Err(TcfError::Invalid {
            field,
            reason: "vendor id 0 (ids start at 1)".into(),
        });
    }
    Ok(())
}

fn write_letters(w: &mut BitWriter, s: &str) {
    for b in s.bytes() {
        w.int(u64::from(b - b'A'), 6);
    }
}

/// Consecutive runs of ids, as (first, last).
fn range_groups(ids: &[u16]) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &id in ids {
        match out.last_mut() {
            Some((_, last)) if u32::from(*last) + 1 == u32::from(id) => *last = id,
            _ => out.push((id, id)),
        }
    }
    out
}

fn write_range_entries(w: &mut BitWriter, ids: &[u16]) {
    let groups = range_groups(ids);
    w.int(groups.len() as u64, 12);
    for (a, b) in groups {
        w.bool(a != b);
        w.int(u64::from(a), 16);
        if a != b {
            w.int(u64::from(b), 16);
        }
    }
}

/// Writes a vendor section, as a bitfield or as ranges, whichever is
/// shorter (the bitfield on a tie, or if there are too many ranges).
fn write_vendors(w: &mut BitWriter, ids: &[u16]) {
    let max = ids.last().copied().unwrap_or(0);
    w.int(u64::from(max), 16);
    let groups = range_groups(ids);
    let range_bits = 12
        + groups
            .iter()
            .map(|(a, b)| if a == b { 17 } else { 33 })
            .sum::<usize>();
    if groups.len() < 1 << 12 && range_bits < usize::from(max) {
        w.bool(true);
        write_range_entries(w, ids);
    } else {
        w.bool(false);
        w.id_set(ids, usize::from(max));
    }
}

/// What [`import_tc_string`] needs besides the TC string: who the grant is
/// for, at which controller, under which offer, and the personal-data
/// categories (a TC string names none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcfImport {
    /// The person's pairwise pseudonym at the controller.
    pub subject: Pseudonym,
    /// The controller (the publisher that ran the CMP).
    pub controller: String,
    /// Digest of the controller's offer the consents answer.
    pub offer: Digest,
    /// Personal-data categories granted (at least one, unless a special
    /// feature opt-in supplies one).
    pub categories: Vec<Term>,
    /// When the grant expires, if it does.
    pub expires_at: Option<Timestamp>,
}

fn purpose_term(id: u16) -> Option<Term> {
    PURPOSES
        .iter()
        .find(|(i, _, _)| u16::from(*i) == id)
        .and_then(|(_, _, t)| Term::new(t).ok())
}

fn feature_term(id: u16) -> Option<Term> {
    SPECIAL_FEATURES
        .iter()
        .find(|(i, _, _)| u16::from(*i) == id)
        .and_then(|(_, _, t)| Term::new(t).ok())
}

/// The imported grant a TC string's consents amount to (unsigned; sign
/// it with [`Grant::sign_imported`]).
///
/// Purposes are the DPV terms of the consented TCF purposes
/// ([`PURPOSES`]); categories are the caller's plus those of the opted-in
/// special features ([`SPECIAL_FEATURES`]); recipients are the vendors with
/// consent, as `tcf-vendor:ID`; `issued_at` is `last_updated` in seconds.
/// Legitimate-interest signals are not consent and are not carried over.
/// A consent to a purpose above 11 (no TCF v2.3 purpose), or no purpose
/// consent at all, is a [`TcfError::Mapping`].
pub fn import_tc_string(tc: &TcString, ctx: &TcfImport) -> Result<Grant, TcfError> {
    tc.validate()?;
    let mut purposes = Vec::new();
    for &p in &tc.purpose_consents {
        purposes.push(purpose_term(p).ok_or_else(|| {
            TcfError::Mapping(format!(
                "purpose {p} has consent but TCF v2.3 defines purposes 1-{} only",
                PURPOSES.len()
            ))
        })?);
    }
    if purposes.is_empty() {
        return Err(TcfError::Mapping(
            "the TC string gives consent to no purpose: there is nothing to grant".into(),
        ));
    }
    let mut categories = ctx.categories.clone();
    for &f in &tc.special_feature_optins {
        let t = feature_term(f).ok_or_else(|| {
            TcfError::Mapping(format!(
                "special feature {f} is opted in but TCF v2.3 defines special features 1-{} only",
                SPECIAL_FEATURES.len()
            ))
        })?;
        if !categories.contains(&t) {
            categories.push(t);
        }
    }
    if categories.is_empty() {
        return Err(TcfError::Mapping(
            "no personal-data category: a TC string names none, so the import needs at least one"
                .into(),
        ));
    }
    let mut g = Grant {
        subject: ctx.subject,
        controller: ctx.controller.clone(),
        issued_at: Timestamp::from_secs(tc.last_updated / 10),
        expires_at: ctx.expires_at,
        offer: ctx.offer,
        purposes,
        categories,
        recipients: tc
            .vendor_consents
            .iter()
            .map(|v| format!("{VENDOR_RECIPIENT_PREFIX}{v}"))
            .collect(),
        method: CollectionMethod::Imported,
        supersedes: None,
        subject_key: None,
        imported: true,
        status: None,
    };
    g.normalise();
    g.validate()
        .map_err(|e| TcfError::Mapping(format!("the imported grant is not valid: {e}")))?;
    Ok(g)
}

/// The CMP and vendor list a TC string made from a grant is signalled
/// under. JSON keys are the snake_case field names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TcfExport {
    /// The CMP's id.
    pub cmp_id: u16,
    /// The CMP's version.
    pub cmp_version: u16,
    /// The consent screen number.
    #[serde(default)]
    pub consent_screen: u8,
    /// Two upper-case letters, e.g. `EN`.
    pub consent_language: String,
    /// Global Vendor List version.
    pub vendor_list_version: u16,
    /// TCF policy version (default [`TCF_POLICY_VERSION`]).
    #[serde(default = "default_policy")]
    pub policy_version: u8,
    /// Publisher country code (`AA` = unknown).
    pub publisher_cc: String,
    /// The vendors that receive consent (and are disclosed).
    pub vendors: Vec<u16>,
}

fn default_policy() -> u8 {
    TCF_POLICY_VERSION
}

/// The TC string a grant amounts to for the given CMP and vendors.
///
/// Purpose consents are the TCF purposes whose DPV term ([`PURPOSES`]) the
/// grant holds; other purposes are not expressible in TCF and are left
/// out. Special features are opted in when the grant holds their category
/// ([`SPECIAL_FEATURES`]). Every listed vendor gets consent and is
/// disclosed; no legitimate interest is signalled. `created` and
/// `last_updated` are the grant's `issued_at` rounded down to the UTC day,
/// as the IAB's library records them. The string is service-specific. A
/// grant holding none of the mapped purposes is a [`TcfError::Mapping`].
pub fn tc_string_for_grant(grant: &Grant, opts: &TcfExport) -> Result<TcString, TcfError> {
    let purpose_consents: Vec<u16> = PURPOSES
        .iter()
        .filter(|(_, _, t)| grant.purposes.iter().any(|g| g.as_str() == *t))
        .map(|(i, _, _)| u16::from(*i))
        .collect();
    if purpose_consents.is_empty() {
        return Err(TcfError::Mapping(
            "the grant holds none of the DPV purposes TCF purposes map to (docs/TCF.md)".into(),
        ));
    }
    let special_feature_optins = SPECIAL_FEATURES
        .iter()
        .filter(|(_, _, t)| grant.categories.iter().any(|g| g.as_str() == *t))
        .map(|(i, _, _)| u16::from(*i))
        .collect();
    let mut vendors = opts.vendors.clone();
    crate::sort::sort(&mut vendors);
    vendors.dedup();
    let day = grant.issued_at.secs() / 86_400 * 86_400 * 10;
    let tc = TcString {
        version: TC_STRING_VERSION,
        created: day,
        last_updated: day,
        cmp_id: opts.cmp_id,
        cmp_version: opts.cmp_version,
        consent_screen: opts.consent_screen,
        consent_language: opts.consent_language.clone(),
        vendor_list_version: opts.vendor_list_version,
        policy_version: opts.policy_version,
        is_service_specific: true,
        use_non_standard_texts: false,
        special_feature_optins,
        purpose_consents,
        purpose_legitimate_interests: Vec::new(),
        purpose_one_treatment: false,
        publisher_cc: opts.publisher_cc.clone(),
        vendor_consents: vendors.clone(),
        vendor_legitimate_interests: Vec::new(),
        publisher_restrictions: Vec::new(),
        disclosed_vendors: vendors,
        publisher_tc: None,
    };
    tc.validate()?;
    Ok(tc)
}

/// A GPP string holding one section, TCF EU v2 (section id 2): the GPP
/// header (type 3, version 1, section ids Fibonacci-coded), `~`, then the
/// TC string.
pub fn gpp_string(tc: &TcString) -> Result<String, TcfError> {
    let section = tc.encode()?;
    let mut w = BitWriter::default();
    w.int(3, 6);
    w.int(1, 6);
    w.int(1, 12);
    w.bool(false);
    w.fibonacci(u64::from(GPP_SECTION_TCF_EU_V2));
    let mut bits = w.bits;
    while bits.len() % 8 != 0 {
        bits.push(false);
    }
    Ok(format!("{}~{section}", bits_base64url(&bits, 6)))
}

/// A decoded GPP string: the section ids of its header and, if section 2
/// is among them, the TC string it carries. Other sections are listed but
/// not decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GppString {
    /// Section ids in the header, ascending.
    pub section_ids: Vec<u16>,
    /// The TCF EU v2 section, decoded.
    pub tcf_eu_v2: Option<TcString>,
}

/// Decodes a GPP string (header `DBAB...`, then one `~`-separated section
/// per header id). The header must be type 3 version 1; the number of
/// sections must match the ids; the TCF EU v2 section is decoded strictly.
pub fn decode_gpp(s: &str) -> Result<GppString, TcfError> {
    if s.len() > MAX_STRING_LEN {
        return Err(TcfError::TooLong {
            len: s.len(),
            max: MAX_STRING_LEN,
        });
    }
    let mut parts = s.split('~');
    let header = parts.next().unwrap_or("");
    if header.is_empty() {
        return Err(TcfError::Gpp("no header".into()));
    }
    let bits = base64url_bits(header, "GPP header")?;
    let mut r = BitReader::new(&bits, "GPP header");
    let typ = r.int(6, "type")?;
    let version = r.int(6, "version")?;
    if typ != 3 || version != 1 {
        return Err(TcfError::Gpp(format!(
            "header type {typ} version {version} (type 3, version 1 expected)"
        )));
    }
    let n = r.int(12, "section_ids")?;
    let mut ids: Vec<u16> = Vec::new();
    let mut offset = 0u64;
    for _ in 0..n {
        let is_range = r.bool("section_ids")?;
        let start = offset + r.fibonacci("section_ids")?;
        let end = if is_range {
            start + r.fibonacci("section_ids")?
        } else {
            start
        };
        offset = end;
        if end > u64::from(u16::MAX) || end - start > 1024 {
            return Err(TcfError::Gpp(format!("section id range {start}-{end}")));
        }
        for id in start..=end {
            // safe: end <= u16::MAX
            ids.push(id as u16);
        }
    }
    r.finish(14)
        .map_err(|_| TcfError::Gpp("header has data after its section ids".into()))?;
    let sections: Vec<&str> = parts.collect();
    if sections.len() != ids.len() {
        return Err(TcfError::Gpp(format!(
            "header lists {} section(s), the string carries {}",
            ids.len(),
            sections.len()
        )));
    }
    let mut tcf_eu_v2 = None;
    for (id, section) in ids.iter().zip(sections) {
        if *id == GPP_SECTION_TCF_EU_V2 {
            tcf_eu_v2 = Some(TcString::decode(section)?);
        }
    }
    Ok(GppString {
        section_ids: ids,
        tcf_eu_v2,
    })
}

#[cfg(test)]
mod tests;
