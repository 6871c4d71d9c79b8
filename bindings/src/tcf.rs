//! IAB TCF v2.3 TC strings and GPP strings (`consentkit::tcf`): records
//! that mirror the core's, and thin calls into it. Every rule is the core's.

use std::collections::HashMap;

use consentkit::tcf as ck;
use consentkit::{Artifact, Grant, Offer};

use crate::controller::Controller;
use crate::error::{ConsentKitError, Result};
use crate::types::{fixed, terms};
use consentkit::Timestamp;

// The core's own TCF records, exported as they are (uniffi derives in core/,
// feature `uniffi`).
pub use consentkit::tcf::{PublisherRestriction, TcfExport};

/// The Publisher TC segment of a TC string.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PublisherTc {
    /// Purposes (1-24) the publisher has consent for.
    pub purpose_consents: Vec<u32>,
    /// Purposes the publisher relies on legitimate interest for.
    pub purpose_legitimate_interests: Vec<u32>,
    /// Number of custom purposes (0-63).
    pub num_custom_purposes: u8,
    /// Custom purposes consented to.
    pub custom_purpose_consents: Vec<u32>,
    /// Custom purposes under legitimate interest.
    pub custom_purpose_legitimate_interests: Vec<u32>,
}

/// A decoded IAB TCF v2.3 TC string (docs/TCF.md): every field of the core
/// segment, the Disclosed Vendors segment and the optional Publisher TC
/// segment. Id lists are ascending.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TcString {
    /// Encoding version (always 2).
    pub version: u8,
    /// Created, in deciseconds since the epoch.
    pub created: u64,
    /// Last updated, in deciseconds since the epoch.
    pub last_updated: u64,
    /// The CMP's id.
    pub cmp_id: u16,
    /// The CMP's version.
    pub cmp_version: u16,
    /// The consent screen.
    pub consent_screen: u8,
    /// Two upper-case letters, e.g. `EN`.
    pub consent_language: String,
    /// Global Vendor List version.
    pub vendor_list_version: u16,
    /// TCF policy version.
    pub policy_version: u8,
    /// Whether the string is service-specific.
    pub is_service_specific: bool,
    /// Whether non-standard texts were used.
    pub use_non_standard_texts: bool,
    /// Special features opted in to (1-12).
    pub special_feature_optins: Vec<u32>,
    /// Purposes consented to (1-24).
    pub purpose_consents: Vec<u32>,
    /// Purposes with legitimate interest established.
    pub purpose_legitimate_interests: Vec<u32>,
    /// Purpose one treatment.
    pub purpose_one_treatment: bool,
    /// Publisher country code (`AA` = unknown).
    pub publisher_cc: String,
    /// Vendors with consent.
    pub vendor_consents: Vec<u16>,
    /// Vendors with legitimate interest established.
    pub vendor_legitimate_interests: Vec<u16>,
    /// Publisher restrictions.
    pub publisher_restrictions: Vec<PublisherRestriction>,
    /// Vendors disclosed to the person.
    pub disclosed_vendors: Vec<u16>,
    /// The Publisher TC segment, if present.
    pub publisher_tc: Option<PublisherTc>,
}

impl From<ck::TcString> for TcString {
    fn from(t: ck::TcString) -> Self {
        TcString {
            version: t.version,
            created: t.created,
            last_updated: t.last_updated,
            cmp_id: t.cmp_id,
            cmp_version: t.cmp_version,
            consent_screen: t.consent_screen,
            consent_language: t.consent_language,
            vendor_list_version: t.vendor_list_version,
            policy_version: t.policy_version,
            is_service_specific: t.is_service_specific,
            use_non_standard_texts: t.use_non_standard_texts,
            special_feature_optins: wide(t.special_feature_optins),
            purpose_consents: wide(t.purpose_consents),
            purpose_legitimate_interests: wide(t.purpose_legitimate_interests),
            purpose_one_treatment: t.purpose_one_treatment,
            publisher_cc: t.publisher_cc,
            vendor_consents: t.vendor_consents,
            vendor_legitimate_interests: t.vendor_legitimate_interests,
            publisher_restrictions: t.publisher_restrictions,
            disclosed_vendors: t.disclosed_vendors,
            publisher_tc: t.publisher_tc.map(|p| PublisherTc {
                purpose_consents: wide(p.purpose_consents),
                purpose_legitimate_interests: wide(p.purpose_legitimate_interests),
                num_custom_purposes: p.num_custom_purposes,
                custom_purpose_consents: wide(p.custom_purpose_consents),
                custom_purpose_legitimate_interests: wide(p.custom_purpose_legitimate_interests),
            }),
        }
    }
}

impl TryFrom<TcString> for ck::TcString {
    type Error = ConsentKitError;
    fn try_from(t: TcString) -> Result<Self> {
        Ok(ck::TcString {
            version: t.version,
            created: t.created,
            last_updated: t.last_updated,
            cmp_id: t.cmp_id,
            cmp_version: t.cmp_version,
            consent_screen: t.consent_screen,
            consent_language: t.consent_language,
            vendor_list_version: t.vendor_list_version,
            policy_version: t.policy_version,
            is_service_specific: t.is_service_specific,
            use_non_standard_texts: t.use_non_standard_texts,
            special_feature_optins: narrow(t.special_feature_optins, "special_feature_optins")?,
            purpose_consents: narrow(t.purpose_consents, "purpose_consents")?,
            purpose_legitimate_interests: narrow(
                t.purpose_legitimate_interests,
                "purpose_legitimate_interests",
            )?,
            purpose_one_treatment: t.purpose_one_treatment,
            publisher_cc: t.publisher_cc,
            vendor_consents: t.vendor_consents,
            vendor_legitimate_interests: t.vendor_legitimate_interests,
            publisher_restrictions: t.publisher_restrictions,
            disclosed_vendors: t.disclosed_vendors,
            publisher_tc: match t.publisher_tc {
                None => None,
                Some(p) => Some(ck::PublisherTc {
                    purpose_consents: narrow(p.purpose_consents, "purpose_consents")?,
                    purpose_legitimate_interests: narrow(
                        p.purpose_legitimate_interests,
                        "purpose_legitimate_interests",
                    )?,
                    num_custom_purposes: p.num_custom_purposes,
                    custom_purpose_consents: narrow(
                        p.custom_purpose_consents,
                        "custom_purpose_consents",
                    )?,
                    custom_purpose_legitimate_interests: narrow(
                        p.custom_purpose_legitimate_interests,
                        "custom_purpose_legitimate_interests",
                    )?,
                }),
            },
        })
    }
}

fn wide(ids: Vec<u8>) -> Vec<u32> {
    ids.into_iter().map(u32::from).collect()
}

/// Purpose and feature ids are small numbers (lists of them cross as
/// integer lists, not as bytes); one that does not fit a byte is refused.
fn narrow(ids: Vec<u32>, field: &str) -> Result<Vec<u8>> {
    ids.into_iter()
        .map(|i| {
            u8::try_from(i)
                .map_err(|_| ConsentKitError::invalid(format!("{field}: id {i} is out of range")))
        })
        .collect()
}

/// One IAB in-app value (`IABTCF_*`): a number or a string.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum InAppValue {
    /// A number (`IABTCF_CmpSdkID`, `IABTCF_gdprApplies`, ...).
    Int {
        /// The value.
        value: u64,
    },
    /// A string (`IABTCF_TCString`, the binary strings, ...).
    Text {
        /// The value.
        value: String,
    },
}

/// A decoded GPP string: its section ids and the TCF EU v2 section.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GppString {
    /// Section ids in the header.
    pub section_ids: Vec<u16>,
    /// The TCF EU v2 section (id 2), decoded, if present.
    pub tcf_eu_v2: Option<TcString>,
}

/// Decodes a TC string strictly (TCF v2.3: the Disclosed Vendors segment is required).
#[uniffi::export]
pub fn decode_tc_string(tc_string: String) -> Result<TcString> {
    Ok(ck::TcString::decode(&tc_string)?.into())
}

/// Encodes a TC string (core, Disclosed Vendors, and Publisher TC if present).
#[uniffi::export]
pub fn encode_tc_string(tc: TcString) -> Result<String> {
    Ok(ck::TcString::try_from(tc)?.encode()?)
}

/// The IAB in-app values (`IABTCF_*` keys) for a TC string.
#[uniffi::export]
pub fn in_app_values(tc: TcString, gdpr_applies: bool) -> Result<HashMap<String, InAppValue>> {
    Ok(ck::TcString::try_from(tc)?
        .in_app_values(gdpr_applies)?
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                ck::InAppValue::Int(value) => InAppValue::Int { value },
                ck::InAppValue::Text(value) => InAppValue::Text { value },
            };
            (k, v)
        })
        .collect())
}

/// A GPP string holding the TC string as section 2 (TCF EU v2).
#[uniffi::export]
pub fn gpp_string(tc: TcString) -> Result<String> {
    Ok(ck::gpp_string(&ck::TcString::try_from(tc)?)?)
}

/// Decodes a GPP string; its TCF EU v2 section is decoded strictly.
#[uniffi::export]
pub fn decode_gpp(gpp_string: String) -> Result<GppString> {
    let g = ck::decode_gpp(&gpp_string)?;
    Ok(GppString {
        section_ids: g.section_ids,
        tcf_eu_v2: g.tcf_eu_v2.map(Into::into),
    })
}

/// The TC string a grant (artifact bytes) amounts to for a CMP and vendors.
#[uniffi::export]
pub fn tc_string_for_grant(grant: Vec<u8>, export: TcfExport) -> Result<TcString> {
    let a = Artifact::decode(&grant)?;
    let g = Grant::from_artifact(&a)?;
    Ok(ck::tc_string_for_grant(g, &export)?.into())
}

#[uniffi::export]
impl Controller {
    /// Imports a TC string as an imported grant under `offer` (artifact
    /// bytes) for the person with pseudonym `subject` (16 bytes), signed by
    /// this controller only. `categories` empty = the offer's categories.
    /// Returns the grant's bytes.
    pub fn import_tc_string(
        &self,
        tc_string: String,
        offer: Vec<u8>,
        subject: Vec<u8>,
        categories: Vec<String>,
        expires_at: Option<Timestamp>,
    ) -> Result<Vec<u8>> {
        let tc = ck::TcString::decode(&tc_string)?;
        let a = Artifact::decode(&offer)?;
        let o = Offer::from_artifact(&a)?;
        let ctx = ck::TcfImport {
            subject: fixed::<16>(&subject, "subject")?,
            controller: o.controller.clone(),
            offer: a.digest(),
            categories: if categories.is_empty() {
                o.categories.clone()
            } else {
                terms(&categories)?
            },
            expires_at,
        };
        let g = ck::import_tc_string(&tc, &ctx)?;
        Ok(g.sign_imported(self.signer())?.as_bytes().to_vec())
    }
}
