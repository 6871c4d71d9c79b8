//! Views for people and for other consent systems: a grant (or refusal)
//! together with its offer, exported as
//!
//! 1. a **Kantara Consent Receipt** (Consent Receipt Specification v1.1.0,
//!    Kantara Initiative, 2018-02-20), with [`kantara_receipt`];
//! 2. an **ISO/IEC TS 27560:2023 consent record** in JSON-LD using the W3C
//!    Data Privacy Vocabulary, following the DPVCG guide "Consent Records and
//!    Receipts as per ISO/IEC TS 27560:2023 using DPV"
//!    (<https://w3id.org/dpv/guides/consent-27560>, §8), with
//!    [`iso27560_record`];
//! 3. either of them for the grants and refusals of a whole bundle, each
//!    with its status at a given time as the lifecycle computes it, with
//!    [`export_consents`] (what `consentkit export`, the bindings'
//!    `exportConsents` and the npm package's `exportConsents` call).
//!
//! docs/EXPORTS.md describes both formats field by field, with the DPV →
//! Kantara category tables ([`kantara`]).
//!
//! Both are views: the signed COSE artifacts stay the evidence. The export
//! checks that the artifacts belong together (the grant's `offer` digest is
//! the offer's digest, same controller, nothing granted that was not
//! offered) but does **not** verify signatures: verify or audit the bundle
//! with your trust set first.
//!
//! What consentkit's artifacts do not carry (names, postal addresses and
//! contacts of the controller and of each recipient, the privacy policy,
//! where data is stored, where rights are exercised) comes from a
//! [`ControllerInfo`] per controller, supplied by the caller (in JSON:
//! [`controller_infos_from_json`]). Nothing is invented: a field a format
//! requires and the caller did not give is an [`ExportError`].
//!
//! # Example
//!
//! ```
//! use consentkit::export::{self, ControllerInfo, ExportStatus, PartyInfo, PostalAddress};
//! use consentkit::sample;
//!
//! let p = sample::Parties::new()?;
//! let offer = sample::signed_offer(&p)?;
//! let grant = sample::signed_grant(&p, &offer)?;
//! let address = PostalAddress {
//!     street_address: "1 Example Street".into(),
//!     locality: Some("Berlin".into()),
//!     region: None,
//!     postal_code: Some("10115".into()),
//!     country: "DE".into(),
//! };
//! let info = ControllerInfo {
//!     party: sample::CONTROLLER.into(),
//!     name: "Traffic Example GmbH".into(),
//!     contact: "Data Protection Officer".into(),
//!     address: address.clone(),
//!     email: "privacy@traffic.example".into(),
//!     phone: "+49 30 000000".into(),
//!     policy_url: Some("https://traffic.example/privacy".into()),
//!     storage_locations: vec!["DE".into()],
//!     kantara_purposes: vec![(consentkit::Term::new("https://city.example/purpose#UrbanPlanning")?, 10)],
//!     recipients: vec![PartyInfo {
//!         party: sample::PARTNER.into(),
//!         name: "City of Example".into(),
//!         contact: "Mobility Department".into(),
//!         address,
//!         email: "mobility@city.example".into(),
//!         phone: "+49 30 111111".into(),
//!         url: None,
//!     }],
//!     ..ControllerInfo::default()
//! };
//! let receipt = export::kantara_receipt(&offer, &grant, ExportStatus::Given, &info)?;
//! assert_eq!(receipt["version"], "KI-CR-v1.1.0");
//! assert_eq!(receipt["consentTimestamp"], (sample::T0 + 3_600).secs());
//!
//! let record = export::iso27560_record(&offer, &grant, ExportStatus::Given, &info)?;
//! assert_eq!(record["@type"], "dpv:ConsentRecord");
//! assert_eq!(record["dpv:hasConsentStatus"][0]["@type"][0], "dpv:ConsentGiven");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::artifact::{
    Artifact, ArtifactId, ArtifactKind, Body, CollectionMethod, Grant, Offer, Refusal, Timestamp,
};
use crate::vocab::Term;

mod bundle;
mod json;
pub mod kantara;

pub use bundle::{controller_infos_from_json, export_consents, ConsentExport, ExportFormat};

/// The `version` value of a Kantara Consent Receipt v1.1.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";

/// The `dct:conformsTo` IRI of a DPV-27560 consent record.
pub const DPV_27560_RECORD: &str = "https://w3id.org/dpv/schema/dpv-27560#record";

/// Built-in categories that are special categories of personal data
/// (GDPR Art. 9: data concerning health), hence `sensitive` in a receipt
/// whatever the caller declares.
const BUILT_IN_SENSITIVE: &[&str] = &["pd:Health"];

/// Why an export was refused. Every variant names the artifact, party or
/// field and what did not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// An artifact of the wrong kind was passed, e.g. a data receipt where
    /// the offer belongs.
    #[error("{role}: expected {expected}, found {found} {id}")]
    WrongKind {
        /// Which argument: `"offer"` or `"decision"`.
        role: &'static str,
        /// What was expected, e.g. `"a grant"` or `"a grant or refusal"`.
        expected: &'static str,
        /// The kind passed.
        found: ArtifactKind,
        /// Its id.
        id: ArtifactId,
    },
    /// The grant or refusal does not reference this offer: its `offer`
    /// digest is not the offer's digest.
    #[error("{decision}: references offer {referenced}, not offer {given}")]
    OfferMismatch {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The id of the offer it references.
        referenced: ArtifactId,
        /// The id of the offer passed.
        given: ArtifactId,
    },
    /// The grant or refusal is addressed to another controller than the
    /// one that made the offer.
    #[error("{decision}: addressed to controller {addressed}, but the offer is from {offerer}")]
    ControllerMismatch {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The controller it is addressed to.
        addressed: String,
        /// The controller that made the offer.
        offerer: String,
    },
    /// The [`ControllerInfo`] describes another party than the offer's
    /// controller.
    #[error("controller info is for party {info}, but the offer is from {offerer}")]
    ControllerInfoMismatch {
        /// [`ControllerInfo::party`].
        info: String,
        /// The offer's controller.
        offerer: String,
    },
    /// A field of [`ControllerInfo`] (or of one of its recipients) that the
    /// output format requires is empty or missing. consentkit does not
    /// carry these details and will not invent them.
    #[error("controller info for {party}: {field} is required and empty")]
    MissingControllerInfo {
        /// The party the info is about (controller or recipient).
        party: String,
        /// The field, e.g. `"email"`, `"address.country"` or `"policy_url"`.
        field: &'static str,
    },
    /// The grant (or refused offer) names a recipient for which the
    /// [`ControllerInfo`] has no [`PartyInfo`]: its name, contact and
    /// address are required in both formats.
    #[error("{decision}: no name, contact or address given for recipient {party} (add it to the controller info's recipients)")]
    MissingRecipientInfo {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The recipient's party id.
        party: String,
    },
    /// No [`ControllerInfo`] was given for a controller whose grant or
    /// refusal is exported.
    #[error("{decision}: no controller info given for controller {party}")]
    NoControllerInfo {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The controller's party id.
        party: String,
    },
    /// A purpose or category has no Kantara category: it is not in the
    /// built-in DPV → Kantara table ([`kantara`]) and the controller info
    /// does not map it ([`ControllerInfo::kantara_purposes`],
    /// [`ControllerInfo::kantara_pii_categories`]).
    #[error("{field} {term} has no Kantara category (map it in the controller info's {map})")]
    NoKantaraCategory {
        /// `"purpose"` or `"category"`.
        field: &'static str,
        /// The term.
        term: String,
        /// The controller info field that maps it.
        map: &'static str,
    },
    /// A controller info maps a term to a Kantara category number that
    /// does not exist.
    #[error(
        "controller info for {party}: {map} maps {term} to {number}, which is no Kantara category"
    )]
    BadKantaraCategory {
        /// The controller.
        party: String,
        /// `"kantara_purposes"` or `"kantara_pii_categories"`.
        map: &'static str,
        /// The term mapped.
        term: String,
        /// The number given.
        number: u8,
    },
    /// A term is a CURIE whose prefix the JSON-LD context does not define
    /// (e.g. `ex:Thing`): written as it is, a JSON-LD processor would read
    /// it as an IRI of scheme `ex`. Use a full IRI, or a DPV namespace.
    #[error("term {term} is a CURIE with a prefix the record's JSON-LD context does not define; use its full IRI")]
    UnexpandableTerm {
        /// The term.
        term: String,
    },
    /// A value written as an IRI is not an absolute `http(s)` URL (a
    /// relative one would be resolved against wherever the record is read).
    #[error("{field} {value:?} is not an absolute http(s) URL")]
    NotAnIri {
        /// What it is, e.g. `"notice url"` or `"withdrawal_url"`.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// A storage location or jurisdiction that must be a place is not an
    /// ISO 3166 code (`DE`, `US-CA`) or `EU`.
    #[error("controller info for {party}: storage location {value:?} is not an ISO 3166 code")]
    BadLocation {
        /// The controller.
        party: String,
        /// The value.
        value: String,
    },
    /// The grant names a purpose, category or recipient that the offer does
    /// not: it cannot be a valid acceptance of this offer.
    #[error("{decision}: {field} {value} is not in the offer")]
    NotInOffer {
        /// The grant, as "kind id".
        decision: String,
        /// `"purpose"`, `"category"` or `"recipient"`.
        field: &'static str,
        /// The term or party.
        value: String,
    },
    /// The status does not fit the decision: e.g. `Refused` with a grant,
    /// or an event before the grant.
    #[error("{decision}: status {status}: {reason}")]
    StatusMismatch {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The status asked for.
        status: &'static str,
        /// What did not fit.
        reason: String,
    },
    /// The bundle cannot be read: not a CBOR sequence of artifacts.
    #[error("bundle: {reason}")]
    Bundle {
        /// What was wrong, and where (byte offset).
        reason: String,
    },
    /// A grant or refusal asked for is not in the bundle, or is not a
    /// grant or refusal, or its offer is not in the bundle.
    #[error("{what}")]
    NotInBundle {
        /// What is missing, e.g. "grant 3f2a…: not in the bundle".
        what: String,
    },
    /// The controller info (JSON) cannot be read.
    #[error("controller info: {reason}")]
    BadControllerInfo {
        /// What was wrong.
        reason: String,
    },
}

impl ExportError {
    /// Whether the error is about the exported grant or refusal itself (it
    /// does not answer its offer, takes more than offered, its offer is
    /// missing, or the status does not fit it), rather than about the
    /// caller's input (controller info, bundle, ids). [`export_consents`]
    /// lists such decisions as refused and exports the others.
    pub fn is_about_artifacts(&self) -> bool {
        matches!(
            self,
            ExportError::OfferMismatch { .. }
                | ExportError::ControllerMismatch { .. }
                | ExportError::NotInOffer { .. }
                | ExportError::StatusMismatch { .. }
                | ExportError::NotInBundle { .. }
                | ExportError::WrongKind { .. }
        )
    }
}

/// A postal address, as in schema.org `PostalAddress` (which both the
/// Kantara receipt and the DPV-27560 record use).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// Street and number (`streetAddress`). Required.
    pub street_address: String,
    /// City (`addressLocality`).
    pub locality: Option<String>,
    /// Region or state (`addressRegion`).
    pub region: Option<String>,
    /// Postal code (`postalCode`).
    pub postal_code: Option<String>,
    /// Country, ISO 3166-1 alpha-2 (`addressCountry`). Required.
    pub country: String,
}

/// Who a recipient (third party) is: what the DPVCG guide (§8.4) requires
/// of every entity but the data subject, and Kantara's `thirdPartyName`.
///
/// Required fields (non-empty): `party`, `name`, `contact`,
/// `address.street_address`, `address.country`, `email`, `phone`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyInfo {
    /// The recipient's consentkit party id, as in the offer.
    pub party: String,
    /// Legal name (`thirdPartyName`, `dpv:hasName`).
    pub name: String,
    /// Contact person or role (`schema:contactPoint`).
    pub contact: String,
    /// Postal address (`schema:address`).
    pub address: PostalAddress,
    /// Contact email.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// Web site (`schema:url`).
    pub url: Option<String>,
}

/// What the exports need about a controller that consentkit deliberately
/// does not carry in its artifacts (a controller's contact details are not
/// part of a consent decision). The caller supplies it; nothing is invented.
///
/// Always required (non-empty): `party`, `name`, `contact`,
/// `address.street_address`, `address.country`, `email`, `phone`, and a
/// [`PartyInfo`] in `recipients` for every recipient a grant or refused
/// offer names. The Kantara receipt also requires `policy_url` and a
/// Kantara category for every purpose and category; the ISO/IEC TS 27560
/// record also requires `storage_locations`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControllerInfo {
    /// The controller's consentkit party id; must equal the offer's
    /// controller.
    pub party: String,
    /// Legal name (`piiController`, `dpv:hasName`).
    pub name: String,
    /// Whether the controller acts on behalf of another organisation
    /// (`onBehalf`).
    pub on_behalf: bool,
    /// Contact person or role (`contact`), e.g. "Data Protection Officer".
    pub contact: String,
    /// Postal address (`address`).
    pub address: PostalAddress,
    /// Contact email (`email`).
    pub email: String,
    /// Contact phone (`phone`).
    pub phone: String,
    /// The controller's web site (`piiControllerUrl`, `schema:url`).
    pub url: Option<String>,
    /// The privacy policy (`policyUrl`). Required for a Kantara receipt;
    /// the offer's notice is not a privacy policy and is not used instead.
    pub policy_url: Option<String>,
    /// Where the person can manage (give, withdraw) consent besides their
    /// wallet (`dpv:isExercisedAt` of the consent control).
    pub withdrawal_url: Option<String>,
    /// Where the person can exercise their rights (`dpv:isExercisedAt` of
    /// `dpv:hasRight`); defaults to `withdrawal_url`.
    pub rights_url: Option<String>,
    /// Where personal data is stored: ISO 3166 codes or `EU`
    /// (`dpv:StorageLocation`). Required for an ISO/IEC TS 27560 record.
    pub storage_locations: Vec<String>,
    /// The recipients (third parties) the controller's offers name.
    pub recipients: Vec<PartyInfo>,
    /// Purposes that are part of the core service (`primaryPurpose`). If
    /// empty, the optional `primaryPurpose` field is left out.
    pub primary_purposes: Vec<Term>,
    /// Further categories that are sensitive or special categories in the
    /// controller's jurisdiction (`sensitive`, `spiCat`); `pd:Health` always is.
    pub sensitive_categories: Vec<Term>,
    /// Kantara purpose categories (1 to 16) for purposes the built-in table
    /// ([`kantara::DPV_PURPOSES`]) does not map, or to override it.
    pub kantara_purposes: Vec<(Term, u8)>,
    /// Kantara PII categories (1 to 16) for categories the built-in table
    /// ([`kantara::DPV_PII`]) does not map, or to override it.
    pub kantara_pii_categories: Vec<(Term, u8)>,
    /// The Kantara `consentType` to report for an imported grant, which has
    /// no signature by the person (e.g. `"EXPLICIT"`, as recorded by the
    /// system it came from). Required only for imported grants.
    pub imported_consent_type: Option<String>,
}

fn require(party: &str, fields: &[(&'static str, &String)]) -> Result<(), ExportError> {
    for (field, v) in fields {
        if v.trim().is_empty() {
            return Err(ExportError::MissingControllerInfo {
                party: party.to_owned(),
                field,
            });
        }
    }
    Ok(())
}

/// An absolute http(s) URL (no spaces), fit to be a JSON-LD `@id`.
fn check_url(field: &'static str, value: &str) -> Result<(), ExportError> {
    let ok = ["https://", "http://"].iter().any(|s| {
        value
            .strip_prefix(s)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    }) && !value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if ok {
        Ok(())
    } else {
        Err(ExportError::NotAnIri {
            field,
            value: value.to_owned(),
        })
    }
}

impl PartyInfo {
    fn check(&self) -> Result<(), ExportError> {
        require(
            &self.party,
            &[
                ("party", &self.party),
                ("name", &self.name),
                ("contact", &self.contact),
                ("address.street_address", &self.address.street_address),
                ("address.country", &self.address.country),
                ("email", &self.email),
                ("phone", &self.phone),
            ],
        )
    }
}

impl ControllerInfo {
    fn check(&self, offer: &Offer) -> Result<(), ExportError> {
        require(
            &self.party,
            &[
                ("party", &self.party),
                ("name", &self.name),
                ("contact", &self.contact),
                ("address.street_address", &self.address.street_address),
                ("address.country", &self.address.country),
                ("email", &self.email),
                ("phone", &self.phone),
            ],
        )?;
        if self.party != offer.controller {
            return Err(ExportError::ControllerInfoMismatch {
                info: self.party.clone(),
                offerer: offer.controller.clone(),
            });
        }
        for (field, url) in [
            ("withdrawal_url", &self.withdrawal_url),
            ("rights_url", &self.rights_url),
            ("policy_url", &self.policy_url),
        ] {
            if let Some(u) = url {
                check_url(field, u)?;
            }
        }
        Ok(())
    }

    fn is_sensitive(&self, category: &Term) -> bool {
        BUILT_IN_SENSITIVE.contains(&category.as_str())
            || self.sensitive_categories.contains(category)
    }

    /// The info for each of `parties`, checked, in order.
    fn recipients_info<'a>(
        &'a self,
        decision: &Artifact,
        parties: &[&str],
    ) -> Result<Vec<&'a PartyInfo>, ExportError> {
        parties
            .iter()
            .map(|p| {
                let info = self
                    .recipients
                    .iter()
                    .find(|r| r.party == *p)
                    .ok_or_else(|| ExportError::MissingRecipientInfo {
                        decision: decision.label_str(),
                        party: (*p).to_owned(),
                    })?;
                info.check()?;
                Ok(info)
            })
            .collect()
    }

    fn kantara_number(
        &self,
        overrides: &[(Term, u8)],
        table: &[(&str, u8)],
        map: &'static str,
        field: &'static str,
        term: &Term,
    ) -> Result<u8, ExportError> {
        if let Some((_, n)) = overrides.iter().find(|(t, _)| t == term) {
            return Ok(*n);
        }
        table
            .iter()
            .find(|(t, _)| *t == term.as_str())
            .map(|(_, n)| *n)
            .ok_or_else(|| ExportError::NoKantaraCategory {
                field,
                term: term.to_string(),
                map,
            })
    }

    /// The Kantara purpose category of `purpose`, as `"N - Short Code"`.
    pub fn kantara_purpose(&self, purpose: &Term) -> Result<String, ExportError> {
        let n = self.kantara_number(
            &self.kantara_purposes,
            &kantara::DPV_PURPOSES,
            "kantara_purposes",
            "purpose",
            purpose,
        )?;
        kantara::purpose_category(n).ok_or_else(|| ExportError::BadKantaraCategory {
            party: self.party.clone(),
            map: "kantara_purposes",
            term: purpose.to_string(),
            number: n,
        })
    }

    /// The Kantara PII category of `category`, as `"N - Short Code"`.
    pub fn kantara_pii(&self, category: &Term) -> Result<String, ExportError> {
        let n = self.kantara_number(
            &self.kantara_pii_categories,
            &kantara::DPV_PII,
            "kantara_pii_categories",
            "category",
            category,
        )?;
        kantara::pii_category(n).ok_or_else(|| ExportError::BadKantaraCategory {
            party: self.party.clone(),
            map: "kantara_pii_categories",
            term: category.to_string(),
            number: n,
        })
    }
}

/// The consent status a record reports. The lifecycle state machine decides
/// it (from withdrawals, refusals, supersession, expiry and time:
/// [`export_consents`] asks it); the export only renders it.
///
/// Each status but `Given` and `Refused` adds one consent event after the
/// decision's own event (`dpv:ConsentGiven`, or `dpv:RenewedConsentGiven`
/// for a grant that supersedes another; `dpv:ConsentRefused` for a refusal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportStatus {
    /// The grant is in force: no further event.
    Given,
    /// The person withdrew the grant (or refused the same offer later),
    /// effective at `at` (`dpv:ConsentWithdrawn`, indicated by the data
    /// subject).
    Withdrawn {
        /// When the withdrawal takes effect.
        at: Timestamp,
    },
    /// The controller revoked the grant, effective at `at`
    /// (`dpv:ConsentRevoked`, indicated by the controller).
    Revoked {
        /// When the revocation takes effect.
        at: Timestamp,
    },
    /// The grant expired at `at` (`dpv:ConsentExpired`): its own
    /// `expires_at` (indicated by the data subject, who signed it) or the
    /// offer's use-by date (indicated by the controller).
    Expired {
        /// When it expired.
        at: Timestamp,
    },
    /// A newer grant by the same person replaced this one at `at`
    /// (`dpv:RenewedConsentGiven`, with `dct:isReplacedBy` naming the new
    /// record).
    Superseded {
        /// When the newer grant was given.
        at: Timestamp,
        /// The newer grant.
        by: ArtifactId,
    },
    /// The person refused the offer (`dpv:ConsentRefused`). Only with a
    /// refusal artifact.
    Refused,
}

impl ExportStatus {
    /// The status's name, for messages and the Kantara `consentStatus`
    /// extension: `given`, `withdrawn`, `revoked`, `expired`,
    /// `superseded`, `refused`.
    pub fn name(self) -> &'static str {
        match self {
            ExportStatus::Given => "given",
            ExportStatus::Withdrawn { .. } => "withdrawn",
            ExportStatus::Revoked { .. } => "revoked",
            ExportStatus::Expired { .. } => "expired",
            ExportStatus::Superseded { .. } => "superseded",
            ExportStatus::Refused => "refused",
        }
    }

    /// The DPV consent status concept of the event this status adds, e.g.
    /// `"dpv:ConsentWithdrawn"`.
    pub fn dpv_term(self) -> &'static str {
        match self {
            ExportStatus::Given => "dpv:ConsentGiven",
            ExportStatus::Withdrawn { .. } => "dpv:ConsentWithdrawn",
            ExportStatus::Revoked { .. } => "dpv:ConsentRevoked",
            ExportStatus::Expired { .. } => "dpv:ConsentExpired",
            ExportStatus::Superseded { .. } => "dpv:RenewedConsentGiven",
            ExportStatus::Refused => "dpv:ConsentRefused",
        }
    }

    /// When the status took effect (`None` for `Given` and `Refused`).
    pub fn since(self) -> Option<Timestamp> {
        match self {
            ExportStatus::Withdrawn { at }
            | ExportStatus::Revoked { at }
            | ExportStatus::Expired { at }
            | ExportStatus::Superseded { at, .. } => Some(at),
            ExportStatus::Given | ExportStatus::Refused => None,
        }
    }
}

/// The record's IRI: the artifact id as an RFC 6920 `ni` name with the
/// `sha-256-128` suite (the id is the digest's first 128 bits).
pub fn artifact_iri(id: ArtifactId) -> String {
    format!("ni:///sha-256-128;{}", base64url(&id.0))
}

/// Unpadded base64url (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}
/// The offer inside `offer`, or [`ExportError::WrongKind`].
fn offer_of(offer: &Artifact) -> Result<&Offer, ExportError> {
    match offer.body() {
        Body::Offer(o) => Ok(o),
        _ => Err(ExportError::WrongKind {
            role: "offer",
            expected: "an offer",
            found: offer.kind(),
            id: offer.id(),
        }),
    }
}

/// Checks that `decision` (a grant or refusal with these fields) answers
/// `offer`.
fn check_pair(
    offer_art: &Artifact,
    offer: &Offer,
    decision: &Artifact,
    referenced: crate::artifact::Digest,
    addressed: &str,
) -> Result<(), ExportError> {
    if referenced != offer_art.digest() {
        return Err(ExportError::OfferMismatch {
            decision: decision.label_str(),
            referenced: referenced.id(),
            given: offer_art.id(),
        });
    }
    if addressed != offer.controller {
        return Err(ExportError::ControllerMismatch {
            decision: decision.label_str(),
            addressed: addressed.to_owned(),
            offerer: offer.controller.clone(),
        });
    }
    Ok(())
}

/// Checks that a grant takes nothing the offer did not offer.
fn check_within(decision: &Artifact, offer: &Offer, grant: &Grant) -> Result<(), ExportError> {
    let missing = |field: &'static str, value: String| ExportError::NotInOffer {
        decision: decision.label_str(),
        field,
        value,
    };
    if let Some(p) = grant.purposes.iter().find(|p| !offer.purposes.contains(p)) {
        return Err(missing("purpose", p.to_string()));
    }
    if let Some(c) = grant
        .categories
        .iter()
        .find(|c| !offer.categories.contains(c))
    {
        return Err(missing("category", c.to_string()));
    }
    if let Some(r) = grant
        .recipients
        .iter()
        .find(|r| offer.recipient(r).is_none())
    {
        return Err(missing("recipient", r.clone()));
    }
    Ok(())
}

/// The grant inside `decision`, checked against the offer.
fn grant_for<'a>(
    offer_art: &Artifact,
    offer: &Offer,
    decision: &'a Artifact,
) -> Result<&'a Grant, ExportError> {
    match decision.body() {
        Body::Grant(g) => {
            check_pair(offer_art, offer, decision, g.offer, &g.controller)?;
            check_within(decision, offer, g)?;
            Ok(g)
        }
        _ => Err(ExportError::WrongKind {
            role: "decision",
            expected: "a grant",
            found: decision.kind(),
            id: decision.id(),
        }),
    }
}

/// The collection method in words (Kantara `collectionMethod`, DPV
/// `dpv:hasIndicationMethod`).
fn method_text(m: CollectionMethod) -> &'static str {
    match m {
        CollectionMethod::AppUi => "control in an app's interface; signed with the person's key",
        CollectionMethod::WebForm => "web form; signed with the person's key",
        CollectionMethod::Voice => "voice assistant; signed with the person's key",
        CollectionMethod::Api => "API call by the person's agent; signed with the person's key",
        CollectionMethod::Imported => {
            "imported from another consent system; not signed by the person"
        }
    }
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

/// A JSON object from key-value pairs (inserted one by one: collecting into
/// a map would link a sort, which the size budget of the mobile library
/// notices).
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
    m
}

/// A readable label for a term: its local name with camel case split,
/// e.g. `dpv:ServiceProvision` → "Service Provision".
fn label(t: &Term) -> String {
    let full = t.as_str();
    let local = full
        .rsplit(['#', '/', ':'])
        .find(|part| !part.is_empty())
        .unwrap_or(full);
    let mut out = String::with_capacity(local.len() + 4);
    let mut prev_lower = false;
    for c in local.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// Formats seconds since 1970-01-01T00:00:00Z as an `xsd:dateTime` /
/// RFC 3339 UTC timestamp, e.g. `1793491200` → `"2026-11-01T00:00:00Z"`.
/// Years after 9999 are written with more digits, as `xsd:dateTime` allows.
pub fn utc_datetime(t: Timestamp) -> String {
    let (y, m, d) = civil_from_days(t.secs() / 86_400);
    let secs = t.secs() % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for non-negative day counts: no underflow, and no
/// overflow for any `u64` seconds value).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// Seconds as an ISO 8601 duration, e.g. `2_592_000` → `"P30D"`,
/// `90_061` → `"P1DT1H1M1S"`, `0` → `"PT0S"`.
pub fn iso_duration(secs: u64) -> String {
    if secs == 0 {
        return "PT0S".to_owned();
    }
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let mut out = String::from("P");
    // Writing to a String cannot fail.
    if days > 0 {
        let _ = write!(out, "{days}D");
    }
    if rem > 0 {
        out.push('T');
        for (n, unit) in [(rem / 3_600, 'H'), (rem % 3_600 / 60, 'M'), (rem % 60, 'S')] {
            if n > 0 {
                let _ = write!(out, "{n}{unit}");
            }
        }
    }
    out
}

/// How the grant ends, in words (Kantara `termination`), and its status at
/// export time.
fn termination(id: ArtifactId, grant: &Grant, offer: &Offer, status: ExportStatus) -> String {
    let now = match status {
        ExportStatus::Given | ExportStatus::Refused => String::new(),
        ExportStatus::Withdrawn { at } => {
            format!("WITHDRAWN by the person at {}; ", utc_datetime(at))
        }
        ExportStatus::Revoked { at } => {
            format!("REVOKED by the controller at {}; ", utc_datetime(at))
        }
        ExportStatus::Expired { at } => format!("EXPIRED at {}; ", utc_datetime(at)),
        ExportStatus::Superseded { at, by } => {
            format!("REPLACED by grant {by} at {}; ", utc_datetime(at))
        }
    };
    let ends = match grant.expires_at {
        Some(e) => format!("expires at {}", utc_datetime(e)),
        None => "no expiry".to_owned(),
    };
    format!(
        "{now}{ends}; can be withdrawn at any time by a signed withdrawal of grant {id}; \
         data kept at most {}",
        iso_duration(offer.retention_secs)
    )
}

/// The granted recipients that receive `purpose` (and some granted
/// category), in the grant's order.
fn third_parties_for<'a>(grant: &'a Grant, offer: &Offer, purpose: &Term) -> Vec<&'a str> {
    grant
        .recipients
        .iter()
        .filter(|party| {
            offer.recipient(party).is_some_and(|r| {
                r.purposes.contains(purpose)
                    && r.categories.iter().any(|c| grant.categories.contains(c))
            })
        })
        .map(String::as_str)
        .collect()
}

fn kantara_address(a: &PostalAddress) -> Value {
    let mut m = obj([
        ("streetAddress", s(a.street_address.clone())),
        ("addressCountry", s(a.country.clone())),
    ]);
    for (k, v) in [
        ("addressLocality", &a.locality),
        ("addressRegion", &a.region),
        ("postalCode", &a.postal_code),
    ] {
        if let Some(v) = v {
            m.insert(k.to_owned(), s(v.clone()));
        }
    }
    Value::Object(m)
}

/// Sorted by category number, without repeats.
fn sorted_categories(mut v: Vec<String>) -> Vec<Value> {
    let num = |c: &String| c.split(' ').next().and_then(|n| n.parse::<u8>().ok());
    crate::sort::sort_by_key(&mut v, num);
    v.dedup();
    v.into_iter().map(Value::String).collect()
}

/// Exports a grant and its offer as a Kantara Consent Receipt v1.1.0 JSON
/// document: every field of the published v1.1 JSON schema, with the
/// specification's numbered purpose and PII categories (`"2 - Contracted
/// Service"`), mapped from DPV by [`kantara`] and
/// [`ControllerInfo::kantara_purposes`] / [`ControllerInfo::kantara_pii_categories`].
///
/// The DPV terms are kept where the schema allows further members: each
/// purpose carries `purposeDpv` (the purpose's IRI) and `piiCategoryDpv`
/// (the categories' IRIs). The receipt also carries the grant's status at
/// export time, which v1.1 has no field for: `consentStatus` (`given`,
/// `withdrawn`, `revoked`, `expired`, `superseded`) and, unless given,
/// `consentStatusSince` (seconds), and each purpose's `termination` says it
/// first (e.g. "WITHDRAWN by the person at …").
///
/// `piiPrincipalId` is the grant's pairwise pseudonym in hex, never a real
/// identifier; `thirdPartyName` is the recipients' names. No key material
/// appears (`publicKey` is left out).
///
/// Fails if `offer` is not an offer, `grant` not a grant, the grant does not
/// reference this offer or its controller, takes more than offered, the
/// status does not fit, or `controller` is incomplete (no `policy_url`, a
/// recipient without [`PartyInfo`], a purpose or category without Kantara
/// category) or for another party.
pub fn kantara_receipt(
    offer: &Artifact,
    grant: &Artifact,
    status: ExportStatus,
    controller: &ControllerInfo,
) -> Result<Value, ExportError> {
    let o = offer_of(offer)?;
    let g = grant_for(offer, o, grant)?;
    controller.check(o)?;
    // The events the status implies are checked as for the record.
    grant_scope(grant, g, status)?;
    let policy_url = match &controller.policy_url {
        Some(u) if !u.trim().is_empty() => u.clone(),
        _ => {
            return Err(ExportError::MissingControllerInfo {
                party: controller.party.clone(),
                field: "policy_url",
            })
        }
    };
    let consent_type = if g.imported {
        match controller.imported_consent_type.as_deref() {
            Some(t) if !t.trim().is_empty() => t.to_owned(),
            _ => {
                return Err(ExportError::MissingControllerInfo {
                    party: controller.party.clone(),
                    field: "imported_consent_type",
                })
            }
        }
    } else {
        // A grant is a signed act whose only meaning is accepting the offer.
        "EXPLICIT".to_owned()
    };

    let mut pii_controller = obj([
        ("piiController", s(controller.name.clone())),
        ("onBehalf", Value::Bool(controller.on_behalf)),
        ("contact", s(controller.contact.clone())),
        ("address", kantara_address(&controller.address)),
        ("email", s(controller.email.clone())),
        ("phone", s(controller.phone.clone())),
    ]);
    if let Some(url) = &controller.url {
        pii_controller.insert("piiControllerUrl".to_owned(), s(url.clone()));
    }

    let pii: Vec<String> = g
        .categories
        .iter()
        .map(|c| controller.kantara_pii(c))
        .collect::<Result<_, _>>()?;
    let pii_category = Value::Array(sorted_categories(pii));
    let pii_dpv = Value::Array(g.categories.iter().map(|c| s(c.iri())).collect());
    let termination = termination(grant.id(), g, o, status);
    let mut purposes = Vec::with_capacity(g.purposes.len());
    for p in &g.purposes {
        let third = third_parties_for(g, o, p);
        let names: Vec<String> = controller
            .recipients_info(grant, &third)?
            .into_iter()
            .map(|r| r.name.clone())
            .collect();
        let mut m = obj([
            ("purpose", s(label(p))),
            (
                "purposeCategory",
                Value::Array(vec![s(controller.kantara_purpose(p)?)]),
            ),
            ("consentType", s(consent_type.clone())),
            ("piiCategory", pii_category.clone()),
            ("termination", s(termination.clone())),
            ("thirdPartyDisclosure", Value::Bool(!names.is_empty())),
            ("purposeDpv", s(p.iri())),
            ("piiCategoryDpv", pii_dpv.clone()),
        ]);
        if !names.is_empty() {
            m.insert("thirdPartyName".to_owned(), s(names.join(", ")));
        }
        if !controller.primary_purposes.is_empty() {
            m.insert(
                "primaryPurpose".to_owned(),
                Value::Bool(controller.primary_purposes.contains(p)),
            );
        }
        purposes.push(Value::Object(m));
    }

    let spi: Vec<String> = g
        .categories
        .iter()
        .filter(|c| controller.is_sensitive(c))
        .map(|c| controller.kantara_pii(c))
        .collect::<Result<_, _>>()?;
    let spi = sorted_categories(spi);

    let mut receipt = obj([
        ("version", s(KANTARA_VERSION)),
        ("jurisdiction", s(o.jurisdiction.clone())),
        ("consentTimestamp", Value::from(g.issued_at.secs())),
        ("collectionMethod", s(method_text(g.method))),
        ("consentReceiptID", s(grant.id().to_string())),
        ("language", s(o.language.clone())),
        ("piiPrincipalId", s(hex::encode(g.subject))),
        (
            "piiControllers",
            Value::Array(vec![Value::Object(pii_controller)]),
        ),
        ("policyUrl", s(policy_url)),
        (
            "services",
            Value::Array(vec![Value::Object(obj([
                ("service", s(o.name.clone())),
                ("purposes", Value::Array(purposes)),
            ]))]),
        ),
        ("sensitive", Value::Bool(!spi.is_empty())),
        ("spiCat", Value::Array(spi)),
        ("consentStatus", s(status.name())),
    ]);
    if let Some(since) = status.since() {
        receipt.insert("consentStatusSince".to_owned(), Value::from(since.secs()));
    }
    Ok(Value::Object(receipt))
}

/// An ISO 3166 code (`EU`, `DE`, `US-CA`) becomes a DPV `loc:` concept;
/// anything else stays text.
fn jurisdiction(j: &str) -> Value {
    let (country, sub) = match j.split_once('-') {
        Some((c, s)) => (c, Some(s)),
        None => (j, None),
    };
    let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    let sub_ok = match sub {
        None => true,
        Some(s) => {
            (1..=3).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
    };
    if country_ok && sub_ok {
        id_ref(format!("loc:{j}"))
    } else {
        s(j)
    }
}

/// The JSON-LD context: the prefixes the record uses. A term is written as
/// a CURIE only with one of these prefixes, otherwise as its full IRI
/// ([`ExportError::UnexpandableTerm`] if it is neither).
pub const CONTEXT: [(&str, &str); 8] = [
    ("dpv", "https://w3id.org/dpv#"),
    ("pd", "https://w3id.org/dpv/pd#"),
    ("loc", "https://w3id.org/dpv/loc#"),
    ("eu-gdpr", "https://w3id.org/dpv/legal/eu/gdpr#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("schema", "https://schema.org/"),
];

/// Blank-node ids linking the record's parts.
const SUBJECT: &str = "_:subject";
const CONTROLLER: &str = "_:controller";

fn id_ref(id: impl Into<String>) -> Value {
    Value::Object(obj([("@id", s(id))]))
}

/// A term as a JSON-LD `@id` that expands to the term's own IRI: a CURIE
/// with a prefix of [`CONTEXT`], an absolute http(s) IRI, or a URN.
fn term_ref(t: &Term) -> Result<Value, ExportError> {
    let v = t.as_str();
    let fits = match v.split_once(':') {
        Some((prefix, rest)) => {
            CONTEXT.iter().any(|(p, _)| *p == prefix)
                || ((prefix == "https" || prefix == "http") && rest.starts_with("//"))
                || prefix == "urn"
        }
        None => false,
    };
    if fits {
        Ok(id_ref(v))
    } else {
        Err(ExportError::UnexpandableTerm { term: v.to_owned() })
    }
}

fn term_refs<'a>(terms: impl IntoIterator<Item = &'a Term>) -> Result<Value, ExportError> {
    Ok(Value::Array(
        terms.into_iter().map(term_ref).collect::<Result<_, _>>()?,
    ))
}

fn date_time(t: Timestamp) -> Value {
    Value::Object(obj([
        ("@value", s(utc_datetime(t))),
        ("@type", s("xsd:dateTime")),
    ]))
}

fn typed(types: &[&str]) -> Value {
    Value::Array(types.iter().map(|t| s(*t)).collect())
}

/// A `dpv:Duration` node.
fn duration(kind: &str, value: Option<Value>) -> Value {
    let mut m = obj([("@type", s(kind))]);
    if let Some(v) = value {
        m.insert("rdf:value".to_owned(), v);
    }
    Value::Object(m)
}

/// One consent event (a `dpv:hasConsentStatus` entry): every field of the
/// guide's §8.5 (state, time, duration, entity, method).
fn event(types: &[&str], at: Timestamp, by: &str, method: &str, duration: Value) -> Value {
    Value::Object(obj([
        ("@type", typed(types)),
        ("dpv:isIndicatedAtTime", date_time(at)),
        ("dpv:isIndicatedBy", id_ref(by)),
        ("dpv:hasIndicationMethod", s(method)),
        ("dpv:hasDuration", duration),
    ]))
}

/// One processing activity: what is used for what, by whom, where, how long.
fn process(
    service: &str,
    purposes: &[&Term],
    categories: &[&Term],
    recipient: &str,
    locations: &[Value],
    retention_secs: u64,
) -> Result<Value, ExportError> {
    Ok(Value::Object(obj([
        ("@type", s("dpv:Process")),
        (
            "dpv:hasService",
            Value::Object(obj([
                ("@type", s("dpv:Service")),
                ("dct:title", s(service)),
            ])),
        ),
        ("dpv:hasPurpose", term_refs(purposes.iter().copied())?),
        (
            "dpv:hasPersonalData",
            term_refs(categories.iter().copied())?,
        ),
        ("dpv:hasDataController", id_ref(CONTROLLER)),
        ("dpv:hasRecipient", id_ref(recipient)),
        (
            "dpv:hasStorageCondition",
            Value::Array(vec![
                Value::Object(obj([
                    ("@type", s("dpv:StorageLocation")),
                    ("dpv:hasLocation", Value::Array(locations.to_vec())),
                ])),
                Value::Object(obj([
                    ("@type", s("dpv:StorageDuration")),
                    (
                        "dpv:hasDuration",
                        duration(
                            "dpv:TemporalDuration",
                            Some(Value::Object(obj([
                                ("@value", s(iso_duration(retention_secs))),
                                ("@type", s("xsd:duration")),
                            ]))),
                        ),
                    ),
                ])),
            ]),
        ),
    ])))
}

/// An entity with the guide's §8.4 fields: name, identifier, role,
/// contact point, postal address (and URL if known).
#[allow(clippy::too_many_arguments)]
fn entity(
    node: &str,
    roles: &[&str],
    party: &str,
    name: &str,
    contact: &str,
    address: &PostalAddress,
    email: &str,
    phone: &str,
    url: Option<&String>,
) -> Value {
    let mut addr = obj([
        ("@type", s("schema:PostalAddress")),
        ("schema:streetAddress", s(address.street_address.clone())),
        ("schema:addressCountry", s(address.country.clone())),
    ]);
    for (k, v) in [
        ("schema:addressLocality", &address.locality),
        ("schema:addressRegion", &address.region),
        ("schema:postalCode", &address.postal_code),
    ] {
        if let Some(v) = v {
            addr.insert(k.to_owned(), s(v.clone()));
        }
    }
    let mut m = obj([
        ("@id", s(node)),
        ("@type", typed(roles)),
        ("dpv:hasIdentifier", s(party)),
        ("dpv:hasName", s(name)),
        ("schema:address", Value::Object(addr)),
        (
            "schema:contactPoint",
            Value::Object(obj([
                ("@type", s("schema:ContactPoint")),
                ("schema:name", s(contact)),
                ("schema:email", s(email)),
                ("schema:telephone", s(phone)),
            ])),
        ),
    ]);
    if let Some(url) = url {
        m.insert("schema:url".to_owned(), s(url.clone()));
    }
    Value::Object(m)
}

/// What a decision covers, for the record.
struct Scope<'a> {
    subject: &'a [u8; 16],
    purposes: Vec<&'a Term>,
    categories: Vec<&'a Term>,
    recipients: Vec<&'a str>,
    events: Vec<Value>,
    supersedes: Option<ArtifactId>,
    superseded_by: Option<ArtifactId>,
    is_grant: bool,
}

fn grant_scope<'a>(
    decision: &Artifact,
    g: &'a Grant,
    status: ExportStatus,
) -> Result<Scope<'a>, ExportError> {
    let mismatch = |reason: String| ExportError::StatusMismatch {
        decision: decision.label_str(),
        status: status.name(),
        reason,
    };
    let not_before = |at: Timestamp| {
        if at < g.issued_at {
            Err(mismatch(format!(
                "effective at {}, before the grant was given at {}",
                utc_datetime(at),
                utc_datetime(g.issued_at)
            )))
        } else {
            Ok(at)
        }
    };
    // A grant that supersedes another renews (or changes) that consent.
    let mut given_types = vec![if g.supersedes.is_some() {
        "dpv:RenewedConsentGiven"
    } else {
        "dpv:ConsentGiven"
    }];
    if !g.imported {
        // A grant is a signed act whose only meaning is accepting the offer.
        given_types.push("dpv:ExplicitlyExpressedConsent");
    }
    let validity = match g.expires_at {
        Some(e) => duration("dpv:UntilTimeDuration", Some(date_time(e))),
        None => duration("dpv:EndlessDuration", None),
    };
    let ended = || duration("dpv:EndlessDuration", None);
    let mut events = vec![event(
        &given_types,
        g.issued_at,
        SUBJECT,
        method_text(g.method),
        validity,
    )];
    let mut superseded_by = None;
    match status {
        ExportStatus::Given => {}
        ExportStatus::Withdrawn { at } => events.push(event(
            &[status.dpv_term()],
            not_before(at)?,
            SUBJECT,
            "withdrawal (or refusal of the same offer) signed by the person",
            ended(),
        )),
        ExportStatus::Revoked { at } => events.push(event(
            &[status.dpv_term()],
            not_before(at)?,
            CONTROLLER,
            "revocation signed by the controller",
            ended(),
        )),
        ExportStatus::Expired { at } => {
            // The grant's own expiry was set by the person who signed it;
            // any other end is the offer's use-by date, the controller's.
            let (by, method) = if g.expires_at == Some(at) {
                (SUBJECT, "the expiry time in the grant passed")
            } else {
                (CONTROLLER, "the offer's use-by time passed")
            };
            events.push(event(
                &[status.dpv_term()],
                not_before(at)?,
                by,
                method,
                ended(),
            ));
        }
        ExportStatus::Superseded { at, by } => {
            superseded_by = Some(by);
            events.push(event(
                &[status.dpv_term()],
                not_before(at)?,
                SUBJECT,
                "a newer grant signed by the person replaced this one (dct:isReplacedBy)",
                duration(
                    "dpv:UntilEventDuration",
                    Some(s("as long as the replacing grant is in force")),
                ),
            ));
        }
        ExportStatus::Refused => {
            return Err(mismatch(
                "a grant is not a refusal; pass the refusal artifact".to_owned(),
            ))
        }
    }
    Ok(Scope {
        subject: &g.subject,
        purposes: g.purposes.iter().collect(),
        categories: g.categories.iter().collect(),
        recipients: g.recipients.iter().map(String::as_str).collect(),
        events,
        supersedes: g.supersedes,
        superseded_by,
        is_grant: true,
    })
}

fn refusal_scope<'a>(
    decision: &Artifact,
    offer: &'a Offer,
    r: &'a Refusal,
    status: ExportStatus,
) -> Result<Scope<'a>, ExportError> {
    if status != ExportStatus::Refused {
        return Err(ExportError::StatusMismatch {
            decision: decision.label_str(),
            status: status.name(),
            reason: "a refusal can only be reported as refused".to_owned(),
        });
    }
    Ok(Scope {
        subject: &r.subject,
        purposes: offer.purposes.iter().collect(),
        categories: offer.categories.iter().collect(),
        recipients: offer.recipients.iter().map(|x| x.party.as_str()).collect(),
        events: vec![event(
            &[status.dpv_term()],
            r.issued_at,
            SUBJECT,
            method_text(r.method),
            duration(
                "dpv:UntilEventDuration",
                Some(s("until the person accepts the offer with a new grant")),
            ),
        )],
        supersedes: None,
        superseded_by: None,
        is_grant: false,
    })
}

/// The storage locations as `loc:` concepts.
fn storage_locations(c: &ControllerInfo) -> Result<Vec<Value>, ExportError> {
    if c.storage_locations.is_empty() {
        return Err(ExportError::MissingControllerInfo {
            party: c.party.clone(),
            field: "storage_locations",
        });
    }
    c.storage_locations
        .iter()
        .map(|l| match jurisdiction(l) {
            v @ Value::Object(_) => Ok(v),
            _ => Err(ExportError::BadLocation {
                party: c.party.clone(),
                value: l.clone(),
            }),
        })
        .collect()
}

/// Exports a grant (or a refusal) and its offer as an ISO/IEC TS 27560:2023
/// consent record in JSON-LD with the DPV vocabulary, with every field the
/// DPVCG guide's §8 says MUST be present (`dct:conformsTo`
/// [`DPV_27560_RECORD`]). See docs/EXPORTS.md for the mapping.
///
/// `decision` is a grant, with any status but [`ExportStatus::Refused`], or
/// a refusal, with [`ExportStatus::Refused`]. `dpv:hasConsentStatus` lists
/// the consent events in time order: the decision itself
/// (`dpv:ConsentGiven`, `dpv:RenewedConsentGiven` for a grant superseding
/// another, or `dpv:ConsentRefused`), then the event the status adds, if
/// any; the last one is the current status. The record's `@id` is
/// [`artifact_iri`] of the decision; `dct:replaces` / `dct:isReplacedBy`
/// link renewals.
///
/// Every term is written so that a JSON-LD processor expands it to its own
/// IRI: a CURIE only with a prefix of [`CONTEXT`], otherwise the full IRI.
/// The data subject is identified only by the pairwise pseudonym in hex. No
/// key material appears.
///
/// Fails on wrong kinds, a decision that does not answer this offer, a
/// grant taking more than offered, a status that does not fit (see
/// [`ExportStatus`]), a term that no JSON-LD context here expands, or an
/// incomplete or mismatched `controller` (a recipient without
/// [`PartyInfo`], no storage location, a URL that is not absolute).
pub fn iso27560_record(
    offer: &Artifact,
    decision: &Artifact,
    status: ExportStatus,
    controller: &ControllerInfo,
) -> Result<Value, ExportError> {
    let o = offer_of(offer)?;
    let scope = match decision.body() {
        Body::Grant(_) => {
            let g = grant_for(offer, o, decision)?;
            grant_scope(decision, g, status)?
        }
        Body::Refusal(r) => {
            check_pair(offer, o, decision, r.offer, &r.controller)?;
            refusal_scope(decision, o, r, status)?
        }
        _ => {
            return Err(ExportError::WrongKind {
                role: "decision",
                expected: "a grant or refusal",
                found: decision.kind(),
                id: decision.id(),
            })
        }
    };
    controller.check(o)?;
    check_url("notice url", &o.notice.url)?;
    let locations = storage_locations(controller)?;

    let mut entities = vec![entity(
        CONTROLLER,
        &["dpv:LegalEntity", "dpv:DataController"],
        &controller.party,
        &controller.name,
        &controller.contact,
        &controller.address,
        &controller.email,
        &controller.phone,
        controller.url.as_ref(),
    )];
    let mut processes = vec![process(
        &o.name,
        &scope.purposes,
        &scope.categories,
        CONTROLLER,
        &locations,
        o.retention_secs,
    )?];
    let mut reached = Vec::new();
    for party in &scope.recipients {
        let Some(r) = o.recipient(party) else {
            continue;
        };
        let purposes: Vec<&Term> = scope
            .purposes
            .iter()
            .copied()
            .filter(|p| r.purposes.contains(p))
            .collect();
        let categories: Vec<&Term> = scope
            .categories
            .iter()
            .copied()
            .filter(|c| r.categories.contains(c))
            .collect();
        if !purposes.is_empty() && !categories.is_empty() {
            reached.push((*party, purposes, categories));
        }
    }
    let parties: Vec<&str> = reached.iter().map(|(p, _, _)| *p).collect();
    let infos = controller.recipients_info(decision, &parties)?;
    for (i, ((_, purposes, categories), info)) in reached.iter().zip(infos).enumerate() {
        let node = format!("_:recipient-{}", i + 1);
        processes.push(process(
            &o.name,
            purposes,
            categories,
            &node,
            &locations,
            o.retention_secs,
        )?);
        entities.push(entity(
            &node,
            &["dpv:LegalEntity", "dpv:Recipient", "dpv:ThirdParty"],
            &info.party,
            &info.name,
            &info.contact,
            &info.address,
            &info.email,
            &info.phone,
            info.url.as_ref(),
        ));
    }

    let manage_url = controller.withdrawal_url.as_ref();
    let rights_url = controller.rights_url.as_ref().or(manage_url);
    let mut control = if scope.is_grant {
        obj([
            ("@type", typed(&["dpv:WithdrawConsent"])),
            (
                "dct:description",
                s(format!(
                    "sign a consentkit withdrawal of grant {} with the key that signed the grant",
                    decision.id()
                )),
            ),
        ])
    } else {
        obj([
            ("@type", typed(&["dpv:ProvideConsent"])),
            (
                "dct:description",
                s(format!(
                    "accept offer {} with a new consentkit grant signed by the person",
                    offer.id()
                )),
            ),
        ])
    };
    if let Some(url) = manage_url {
        control.insert("dpv:isExercisedAt".to_owned(), id_ref(url.clone()));
    }
    let mut right_types = vec!["dpv:DataSubjectRight"];
    if o.jurisdiction == "EU" {
        right_types.push("eu-gdpr:A7-3");
    }
    let mut right = obj([
        ("@type", typed(&right_types)),
        ("dct:title", s("Right to withdraw consent")),
        (
            "dct:description",
            s(format!(
                "consent can be withdrawn at any time, for the future; contact {} ({})",
                controller.contact, controller.email
            )),
        ),
    ]);
    if let Some(url) = rights_url {
        right.insert("dpv:isExercisedAt".to_owned(), id_ref(url.clone()));
    }

    let mut context = Map::new();
    for (k, v) in CONTEXT {
        context.insert(k.to_owned(), s(v));
    }
    let mut record = obj([
        ("@context", Value::Object(context)),
        ("@id", s(artifact_iri(decision.id()))),
        ("@type", s("dpv:ConsentRecord")),
        ("dct:identifier", s(decision.id().to_string())),
        ("dct:conformsTo", id_ref(DPV_27560_RECORD)),
        (
            "dpv:hasDataSubject",
            Value::Object(obj([
                ("@id", s(SUBJECT)),
                ("@type", s("dpv:DataSubject")),
                ("dct:identifier", s(hex::encode(scope.subject))),
            ])),
        ),
        ("dpv:hasDataController", id_ref(CONTROLLER)),
        ("dpv:hasJurisdiction", jurisdiction(&o.jurisdiction)),
        ("dpv:hasLegalBasis", term_ref(&o.legal_basis)?),
        (
            "dpv:hasNotice",
            Value::Object(obj([
                ("@id", s(o.notice.url.clone())),
                ("@type", s("dpv:ConsentNotice")),
                (
                    "dct:identifier",
                    s(format!("nih:sha-256;{}", hex::encode(o.notice.sha256))),
                ),
                ("dct:language", s(o.language.clone())),
            ])),
        ),
        ("dpv:hasProcess", Value::Array(processes)),
        ("dpv:hasConsentStatus", Value::Array(scope.events)),
        ("dpv:hasConsentControl", Value::Object(control)),
        ("dpv:hasRight", Value::Array(vec![Value::Object(right)])),
        ("dpv:hasEntity", Value::Array(entities)),
    ]);
    if let Some(prev) = scope.supersedes {
        record.insert("dct:replaces".to_owned(), id_ref(artifact_iri(prev)));
    }
    if let Some(next) = scope.superseded_by {
        record.insert("dct:isReplacedBy".to_owned(), id_ref(artifact_iri(next)));
    }
    Ok(Value::Object(record))
}

#[cfg(test)]
mod tests;
