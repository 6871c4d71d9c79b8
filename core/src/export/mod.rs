//! Views for people and for other consent systems: a grant (or refusal)
//! together with its offer, exported as
//!
//! 1. a **Kantara Consent Receipt** (Consent Receipt Specification v1.1.0,
//!    Kantara Initiative, 2018-02-20), with [`kantara_receipt`];
//! 2. an **ISO/IEC TS 27560:2023 consent record** in JSON-LD using the W3C
//!    Data Privacy Vocabulary, following the DPVCG guide "Consent Records and
//!    Receipts as per ISO/IEC TS 27560:2023 using DPV"
//!    (<https://w3id.org/dpv/guides/consent-27560>), with [`iso27560_record`].
//!
//! Both are views: the signed COSE artifacts stay the evidence. The export
//! checks that the artifacts belong together (the grant's `offer` digest is
//! the offer's digest, same controller, nothing granted that was not
//! offered) but does **not** verify signatures: call
//! [`Artifact::verify`](crate::Artifact::verify) with your trust set first.
//!
//! # What comes from where
//!
//! | Kantara CR 1.1 field | source |
//! |---|---|
//! | `version` | `"KI-CR-v1.1.0"` |
//! | `jurisdiction`, `language` | the offer |
//! | `consentTimestamp` | the grant's `issued_at` (seconds since the epoch) |
//! | `collectionMethod` | the grant's [`CollectionMethod`], described in words |
//! | `consentReceiptID` | the grant's artifact id (32 hex digits) |
//! | `piiPrincipalId` | the grant's pairwise pseudonym, in hex |
//! | `piiControllers[]` | [`ControllerInfo`] (name, contact, address, email, phone, url) |
//! | `policyUrl` | [`ControllerInfo::policy_url`], else the offer's notice URL |
//! | `services[].service` | the offer's name |
//! | `services[].purposes[]` | one per granted purpose: the DPV term's IRI as `purposeCategory`, the granted categories' IRIs as `piiCategory`, the grant's expiry and the offer's retention as `termination`, the granted recipients that receive this purpose as `thirdPartyName` |
//! | `sensitive`, `spiCat` | granted categories that are special categories: built-in `pd:Health`, plus [`ControllerInfo::sensitive_categories`] |
//!
//! `publicKey` (optional in the specification) is deliberately left out:
//! no key material leaves through these views, not even public keys, which
//! would link the person across controllers.
//!
//! | ISO/IEC TS 27560 field | DPV term | source |
//! |---|---|---|
//! | schema version | `dct:conformsTo` | `https://w3id.org/dpv/schema/dpv-27560#record` |
//! | record id | `dct:identifier` | the grant's (refusal's) artifact id |
//! | PII principal id | `dpv:hasDataSubject` | the pairwise pseudonym, in hex |
//! | privacy notice, language | `dpv:hasNotice` (`dpv:ConsentNotice`), `dct:language` | the offer's notice URL, its SHA-256 as an RFC 6920 `nih:` name |
//! | PII controllers | `dpv:hasDataController`, `dpv:hasEntity` | [`ControllerInfo`] |
//! | jurisdiction | `dpv:hasJurisdiction` | the offer (a `loc:` concept for ISO 3166 codes) |
//! | lawful basis | `dpv:hasLegalBasis` | the offer |
//! | purposes, PII types | `dpv:hasProcess` → `dpv:hasPurpose`, `dpv:hasPersonalData` | the grant (a refusal: the offer) |
//! | recipient third parties | `dpv:hasRecipient` (`dpv:ThirdParty`) | granted recipients, each with its own purposes and categories |
//! | retention period | `dpv:hasStorageCondition` → `dpv:StorageDuration` | the offer's retention, as an ISO 8601 duration |
//! | withdrawal method | `dpv:hasConsentControl` (`dpv:WithdrawConsent`) | a consentkit withdrawal; [`ControllerInfo::withdrawal_url`] |
//! | events: state, time, duration, entity, method | `dpv:hasConsentStatus` → `dpv:isIndicatedAtTime`, `dpv:hasDuration`, `dpv:isIndicatedBy`, `dpv:hasIndicationMethod` | the grant or refusal, and the [`ExportStatus`] given |
//!
//! Times in the JSON-LD are `xsd:dateTime` in UTC ([`utc_datetime`]).
//!
//! # Example
//!
//! ```
//! use consentkit::export::{self, ControllerInfo, ExportStatus, PostalAddress};
//! use consentkit::sample;
//!
//! let p = sample::Parties::new()?;
//! let offer = sample::signed_offer(&p)?;
//! let grant = sample::signed_grant(&p, &offer)?;
//! let info = ControllerInfo {
//!     party: sample::CONTROLLER.into(),
//!     name: "Traffic Example GmbH".into(),
//!     contact: "Data Protection Officer".into(),
//!     address: PostalAddress {
//!         street_address: "1 Example Street".into(),
//!         locality: Some("Berlin".into()),
//!         region: None,
//!         postal_code: Some("10115".into()),
//!         country: "DE".into(),
//!     },
//!     email: "privacy@traffic.example".into(),
//!     phone: "+49 30 000000".into(),
//!     ..ControllerInfo::default()
//! };
//! let receipt = export::kantara_receipt(&offer, &grant, &info)?;
//! assert_eq!(receipt["version"], "KI-CR-v1.1.0");
//! assert_eq!(receipt["consentTimestamp"], sample::T0 + 3_600);
//!
//! let record = export::iso27560_record(&offer, &grant, ExportStatus::Given, &info)?;
//! assert_eq!(record["@type"], "dpv:ConsentRecord");
//! assert_eq!(record["dpv:hasConsentStatus"][0]["@type"][0], "dpv:ConsentGiven");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::artifact::{
    Artifact, ArtifactId, ArtifactKind, Body, CollectionMethod, Grant, Offer, Refusal, Time,
};
use crate::vocab::Term;

/// The `version` value of a Kantara Consent Receipt v1.1.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";

/// The `dct:conformsTo` value of a DPV-27560 consent record.
pub const DPV_27560_RECORD: &str = "https://w3id.org/dpv/schema/dpv-27560#record";

/// Built-in categories that are special categories of personal data
/// (GDPR Art. 9: data concerning health), hence `sensitive` in a receipt
/// whatever the caller declares.
const BUILT_IN_SENSITIVE: &[&str] = &["pd:Health"];

/// Why an export was refused. Every variant names the artifact and what did
/// not fit.
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
    /// A field of [`ControllerInfo`] that the output format requires is
    /// empty or missing. consentkit does not carry these details and will
    /// not invent them.
    #[error("controller info: {field} is required and empty")]
    MissingControllerInfo {
        /// The field, e.g. `"email"` or `"address.country"`.
        field: &'static str,
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
    /// `Expired` for a grant without expiry, or an event before the grant.
    #[error("{decision}: status {status}: {reason}")]
    StatusMismatch {
        /// The grant or refusal, as "kind id".
        decision: String,
        /// The status asked for.
        status: &'static str,
        /// What did not fit.
        reason: String,
    },
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

/// What the exports need about the controller that consentkit deliberately
/// does not carry in its artifacts (a controller's contact details are not
/// part of a consent decision). The caller supplies it; nothing is invented.
///
/// Required fields (non-empty): `party`, `name`, `contact`,
/// `address.street_address`, `address.country`, `email`, `phone`.
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
    /// The controller's web site (`piiControllerUrl`).
    pub url: Option<String>,
    /// The privacy policy (`policyUrl`); defaults to the offer's notice URL.
    pub policy_url: Option<String>,
    /// Where the person can withdraw consent, if not only through their
    /// wallet (`dpv:isExercisedAt`).
    pub withdrawal_url: Option<String>,
    /// Purposes that are part of the core service (`primaryPurpose`). If
    /// empty, the optional `primaryPurpose` field is left out.
    pub primary_purposes: Vec<Term>,
    /// Further categories that are sensitive or special categories in the
    /// controller's jurisdiction (`sensitive`, `spiCat`); `pd:Health` always is.
    pub sensitive_categories: Vec<Term>,
    /// The Kantara `consentType` to report for an imported grant, which has
    /// no signature by the person (e.g. `"EXPLICIT"`, as recorded by the
    /// system it came from). Required only for imported grants.
    pub imported_consent_type: Option<String>,
}

impl ControllerInfo {
    fn check(&self, offer: &Offer) -> Result<(), ExportError> {
        for (field, v) in [
            ("party", &self.party),
            ("name", &self.name),
            ("contact", &self.contact),
            ("address.street_address", &self.address.street_address),
            ("address.country", &self.address.country),
            ("email", &self.email),
            ("phone", &self.phone),
        ] {
            if v.trim().is_empty() {
                return Err(ExportError::MissingControllerInfo { field });
            }
        }
        if self.party != offer.controller {
            return Err(ExportError::ControllerInfoMismatch {
                info: self.party.clone(),
                offerer: offer.controller.clone(),
            });
        }
        Ok(())
    }

    fn is_sensitive(&self, category: &Term) -> bool {
        BUILT_IN_SENSITIVE.contains(&category.as_str())
            || self.sensitive_categories.contains(category)
    }
}

/// The consent status a record reports. The lifecycle state machine decides
/// it (from withdrawals, expiry and time); the export only renders it.
///
/// Each status adds one consent event after the decision's own event
/// (`dpv:ConsentGiven` for a grant, `dpv:ConsentRefused` for a refusal):
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportStatus {
    /// The grant is in force: no further event (`dpv:ConsentGiven`).
    Given,
    /// The person withdrew the grant, effective at `at`
    /// (`dpv:ConsentWithdrawn`, indicated by the data subject).
    Withdrawn {
        /// When the withdrawal takes effect.
        at: Time,
    },
    /// The controller revoked the grant, effective at `at`
    /// (`dpv:ConsentRevoked`, indicated by the controller).
    Revoked {
        /// When the revocation takes effect.
        at: Time,
    },
    /// The grant reached its `expires_at` (`dpv:ConsentExpired`). Only for
    /// a grant that has an expiry.
    Expired,
    /// The person refused the offer (`dpv:ConsentRefused`). Only with a
    /// refusal artifact.
    Refused,
}

impl ExportStatus {
    /// The status's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            ExportStatus::Given => "given",
            ExportStatus::Withdrawn { .. } => "withdrawn",
            ExportStatus::Revoked { .. } => "revoked",
            ExportStatus::Expired => "expired",
            ExportStatus::Refused => "refused",
        }
    }

    /// The DPV consent status concept, e.g. `"dpv:ConsentWithdrawn"`.
    pub fn dpv_term(self) -> &'static str {
        match self {
            ExportStatus::Given => "dpv:ConsentGiven",
            ExportStatus::Withdrawn { .. } => "dpv:ConsentWithdrawn",
            ExportStatus::Revoked { .. } => "dpv:ConsentRevoked",
            ExportStatus::Expired => "dpv:ConsentExpired",
            ExportStatus::Refused => "dpv:ConsentRefused",
        }
    }
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

fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
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
pub fn utc_datetime(t: Time) -> String {
    let (y, m, d) = civil_from_days(t / 86_400);
    let secs = t % 86_400;
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

/// How the grant ends, in words (Kantara `termination`).
fn termination(id: ArtifactId, grant: &Grant, offer: &Offer) -> String {
    let ends = match grant.expires_at {
        Some(e) => format!("expires at {}", utc_datetime(e)),
        None => "no expiry".to_owned(),
    };
    format!(
        "{ends}; can be withdrawn at any time by a signed withdrawal of grant {id}; \
         data kept at most {}",
        iso_duration(offer.retention_secs)
    )
}

/// The granted recipients that receive `purpose`, in the grant's order.
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

/// Exports a grant and its offer as a Kantara Consent Receipt v1.1.0 JSON
/// document (field names and types as in the specification;
/// `consentTimestamp` in seconds since the epoch). See the [module
/// docs](self) for where each field comes from.
///
/// `piiPrincipalId` is the grant's pairwise pseudonym in hex, never a real
/// identifier. No key material appears.
///
/// Fails if `offer` is not an offer, `grant` not a grant, the grant does not
/// reference this offer or its controller, takes more than offered, or
/// `controller` is incomplete or for another party.
pub fn kantara_receipt(
    offer: &Artifact,
    grant: &Artifact,
    controller: &ControllerInfo,
) -> Result<Value, ExportError> {
    let o = offer_of(offer)?;
    let g = grant_for(offer, o, grant)?;
    controller.check(o)?;
    let consent_type = if g.imported {
        match controller.imported_consent_type.as_deref() {
            Some(t) if !t.trim().is_empty() => t.to_owned(),
            _ => {
                return Err(ExportError::MissingControllerInfo {
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

    let pii_category = Value::Array(g.categories.iter().map(|c| s(c.iri())).collect());
    let termination = termination(grant.id(), g, o);
    let purposes: Vec<Value> = g
        .purposes
        .iter()
        .map(|p| {
            let third = third_parties_for(g, o, p);
            let mut m = obj([
                ("purpose", s(label(p))),
                ("purposeCategory", Value::Array(vec![s(p.iri())])),
                ("consentType", s(consent_type.clone())),
                ("piiCategory", pii_category.clone()),
                ("termination", s(termination.clone())),
                ("thirdPartyDisclosure", Value::Bool(!third.is_empty())),
            ]);
            if !third.is_empty() {
                m.insert("thirdPartyName".to_owned(), s(third.join(", ")));
            }
            if !controller.primary_purposes.is_empty() {
                m.insert(
                    "primaryPurpose".to_owned(),
                    Value::Bool(controller.primary_purposes.contains(p)),
                );
            }
            Value::Object(m)
        })
        .collect();

    let spi: Vec<Value> = g
        .categories
        .iter()
        .filter(|c| controller.is_sensitive(c))
        .map(|c| s(c.iri()))
        .collect();

    Ok(Value::Object(obj([
        ("version", s(KANTARA_VERSION)),
        ("jurisdiction", s(o.jurisdiction.clone())),
        ("consentTimestamp", Value::from(g.issued_at)),
        ("collectionMethod", s(method_text(g.method))),
        ("consentReceiptID", s(grant.id().to_string())),
        ("language", s(o.language.clone())),
        ("piiPrincipalId", s(hex::encode(g.subject))),
        (
            "piiControllers",
            Value::Array(vec![Value::Object(pii_controller)]),
        ),
        (
            "policyUrl",
            s(controller
                .policy_url
                .clone()
                .unwrap_or_else(|| o.notice.url.clone())),
        ),
        (
            "services",
            Value::Array(vec![Value::Object(obj([
                ("service", s(o.name.clone())),
                ("purposes", Value::Array(purposes)),
            ]))]),
        ),
        ("sensitive", Value::Bool(!spi.is_empty())),
        ("spiCat", Value::Array(spi)),
    ])))
}

/// The JSON-LD context: the prefixes the record uses.
const CONTEXT: [(&str, &str); 7] = [
    ("dpv", "https://w3id.org/dpv#"),
    ("pd", "https://w3id.org/dpv/pd#"),
    ("loc", "https://w3id.org/dpv/loc#"),
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

fn term_refs<'a>(terms: impl IntoIterator<Item = &'a Term>) -> Value {
    Value::Array(terms.into_iter().map(|t| id_ref(t.as_str())).collect())
}

fn date_time(t: Time) -> Value {
    Value::Object(obj([
        ("@value", s(utc_datetime(t))),
        ("@type", s("xsd:dateTime")),
    ]))
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

/// One consent event (a `dpv:hasConsentStatus` entry).
fn event(
    types: &[&str],
    at: Time,
    by: Option<&str>,
    method: &str,
    duration: Option<Value>,
) -> Value {
    let mut m = obj([
        ("@type", Value::Array(types.iter().map(|t| s(*t)).collect())),
        ("dpv:isIndicatedAtTime", date_time(at)),
        ("dpv:hasIndicationMethod", s(method)),
    ]);
    if let Some(by) = by {
        m.insert("dpv:isIndicatedBy".to_owned(), id_ref(by));
    }
    if let Some(d) = duration {
        m.insert("dpv:hasDuration".to_owned(), d);
    }
    Value::Object(m)
}

/// One processing activity: what is used for what, by whom, how long.
fn process(
    service: &str,
    purposes: &[&Term],
    categories: &[&Term],
    recipient: &str,
    retention_secs: u64,
) -> Value {
    Value::Object(obj([
        ("@type", s("dpv:Process")),
        (
            "dpv:hasService",
            Value::Object(obj([
                ("@type", s("dpv:Service")),
                ("dct:title", s(service)),
            ])),
        ),
        ("dpv:hasPurpose", term_refs(purposes.iter().copied())),
        ("dpv:hasPersonalData", term_refs(categories.iter().copied())),
        ("dpv:hasRecipient", id_ref(recipient)),
        (
            "dpv:hasStorageCondition",
            Value::Object(obj([
                ("@type", s("dpv:StorageDuration")),
                (
                    "dpv:hasDuration",
                    Value::Object(obj([
                        ("@type", s("dpv:TemporalDuration")),
                        ("rdf:value", s(iso_duration(retention_secs))),
                    ])),
                ),
            ])),
        ),
    ]))
}

fn controller_entity(c: &ControllerInfo) -> Value {
    let a = &c.address;
    let mut address = obj([
        ("@type", s("schema:PostalAddress")),
        ("schema:streetAddress", s(a.street_address.clone())),
        ("schema:addressCountry", s(a.country.clone())),
    ]);
    for (k, v) in [
        ("schema:addressLocality", &a.locality),
        ("schema:addressRegion", &a.region),
        ("schema:postalCode", &a.postal_code),
    ] {
        if let Some(v) = v {
            address.insert(k.to_owned(), s(v.clone()));
        }
    }
    let mut m = obj([
        ("@id", s(CONTROLLER)),
        (
            "@type",
            Value::Array(vec![s("dpv:LegalEntity"), s("dpv:DataController")]),
        ),
        ("dpv:hasIdentifier", s(c.party.clone())),
        ("dpv:hasName", s(c.name.clone())),
        ("schema:address", Value::Object(address)),
        (
            "schema:contactPoint",
            Value::Object(obj([
                ("@type", s("schema:ContactPoint")),
                ("schema:name", s(c.contact.clone())),
                ("schema:email", s(c.email.clone())),
                ("schema:telephone", s(c.phone.clone())),
            ])),
        ),
    ]);
    if let Some(url) = &c.url {
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
    let not_before = |at: Time| {
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
    let mut given_types = vec!["dpv:ConsentGiven"];
    if !g.imported {
        // A grant is a signed act whose only meaning is accepting the offer.
        given_types.push("dpv:ExplicitlyExpressedConsent");
    }
    let validity = Value::Object(match g.expires_at {
        Some(e) => obj([
            ("@type", s("dpv:UntilTimeDuration")),
            ("rdf:value", date_time(e)),
        ]),
        None => obj([("@type", s("dpv:EndlessDuration"))]),
    });
    let mut events = vec![event(
        &given_types,
        g.issued_at,
        Some(SUBJECT),
        method_text(g.method),
        Some(validity),
    )];
    match status {
        ExportStatus::Given => {}
        ExportStatus::Withdrawn { at } => events.push(event(
            &[status.dpv_term()],
            not_before(at)?,
            Some(SUBJECT),
            "withdrawal by the person",
            None,
        )),
        ExportStatus::Revoked { at } => events.push(event(
            &[status.dpv_term()],
            not_before(at)?,
            Some(CONTROLLER),
            "revocation by the controller",
            None,
        )),
        ExportStatus::Expired => {
            let e = g
                .expires_at
                .ok_or_else(|| mismatch("the grant has no expiry".to_owned()))?;
            events.push(event(
                &[status.dpv_term()],
                e,
                None,
                "the grant's expiry time passed",
                None,
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
            Some(SUBJECT),
            method_text(r.method),
            None,
        )],
        supersedes: None,
        is_grant: false,
    })
}

/// Exports a grant (or a refusal) and its offer as an ISO/IEC TS 27560:2023
/// consent record in JSON-LD with the DPV vocabulary, following the DPVCG
/// guide's DPV-27560 profile (`dct:conformsTo`
/// [`DPV_27560_RECORD`]). See the [module docs](self) for the mapping.
///
/// `decision` is a grant, with any status but [`ExportStatus::Refused`], or
/// a refusal, with [`ExportStatus::Refused`]. `dpv:hasConsentStatus` lists
/// the consent events in time order: the decision itself (`dpv:ConsentGiven`
/// or `dpv:ConsentRefused`), then the event the status adds, if any; the
/// last one is the current status.
///
/// The data subject is identified only by the pairwise pseudonym in hex. No
/// key material appears.
///
/// Fails on wrong kinds, a decision that does not answer this offer, a
/// grant taking more than offered, a status that does not fit (see
/// [`ExportStatus`]), or an incomplete or mismatched `controller`.
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

    let mut entities = vec![controller_entity(controller)];
    let mut processes = vec![process(
        &o.name,
        &scope.purposes,
        &scope.categories,
        CONTROLLER,
        o.retention_secs,
    )];
    for (i, party) in scope.recipients.iter().enumerate() {
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
        if purposes.is_empty() || categories.is_empty() {
            continue; // nothing of this decision reaches the recipient
        }
        let node = format!("_:recipient-{}", i + 1);
        processes.push(process(
            &o.name,
            &purposes,
            &categories,
            &node,
            o.retention_secs,
        ));
        entities.push(Value::Object(obj([
            ("@id", s(node)),
            (
                "@type",
                Value::Array(vec![s("dpv:Recipient"), s("dpv:ThirdParty")]),
            ),
            ("dpv:hasIdentifier", s(*party)),
        ])));
    }

    let context: Map<String, Value> = CONTEXT
        .iter()
        .map(|(k, v)| ((*k).to_owned(), s(*v)))
        .collect();
    let mut record = obj([
        ("@context", Value::Object(context)),
        ("@type", s("dpv:ConsentRecord")),
        ("dct:identifier", s(decision.id().to_string())),
        ("dct:conformsTo", s(DPV_27560_RECORD)),
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
        ("dpv:hasLegalBasis", id_ref(o.legal_basis.as_str())),
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
        ("dpv:hasEntity", Value::Array(entities)),
    ]);
    if scope.is_grant {
        let mut control = obj([
            ("@type", s("dpv:WithdrawConsent")),
            (
                "dct:description",
                s(format!(
                    "sign a consentkit withdrawal of grant {} with the key that signed the grant",
                    decision.id()
                )),
            ),
        ]);
        if let Some(url) = &controller.withdrawal_url {
            control.insert("dpv:isExercisedAt".to_owned(), s(url.clone()));
        }
        record.insert("dpv:hasConsentControl".to_owned(), Value::Object(control));
    }
    if let Some(prev) = scope.supersedes {
        record.insert("dct:replaces".to_owned(), s(prev.to_string()));
    }
    Ok(Value::Object(record))
}

#[cfg(test)]
mod tests;
