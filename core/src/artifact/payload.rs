//! The payloads of the six artifact types, their CBOR encoding and strict
//! decoding. docs/FORMAT.md gives the same in CDDL.

use serde::Serialize;

use super::fields::{canonical_set, check_sorted_unique, map, Fields};
use super::refs::{PartyRef, TermRef};
use super::{ArtifactError, ArtifactId, ArtifactKind, Digest};
use crate::cbor::Value;
use crate::keys::PublicKey;
use crate::vocab::Term;

// CWT claim keys (RFC 8392) used with their CWT meaning.
pub(crate) const ISS: i64 = 1;
pub(crate) const SUB: i64 = 2;
pub(crate) const AUD: i64 = 3;
pub(crate) const EXP: i64 = 4;
pub(crate) const NBF: i64 = 5;
pub(crate) const IAT: i64 = 6;
// consentkit keys (negative, so they never collide with CWT claims above).
pub(crate) const PURPOSES: i64 = -1;
pub(crate) const CATEGORIES: i64 = -2;
pub(crate) const RECIPIENTS: i64 = -3;
pub(crate) const RETENTION: i64 = -4;
pub(crate) const LIMITS: i64 = -5;
pub(crate) const LEGAL_BASIS: i64 = -6;
pub(crate) const JURISDICTION: i64 = -7;
pub(crate) const LANGUAGE: i64 = -8;
pub(crate) const NOTICE: i64 = -9;
pub(crate) const VALUE_OFFERED: i64 = -10;
pub(crate) const VALUE_ESTIMATE: i64 = -11;
pub(crate) const SERVICE_WITHOUT_CONSENT: i64 = -12;
pub(crate) const OFFER_NAME: i64 = -13;
pub(crate) const OFFER_DIGEST: i64 = -20;
pub(crate) const METHOD: i64 = -21;
pub(crate) const SUPERSEDES: i64 = -22;
pub(crate) const SUBJECT_KEY: i64 = -23;
pub(crate) const IMPORTED: i64 = -24;
pub(crate) const GRANT: i64 = -30;
pub(crate) const EFFECTIVE: i64 = -31;
pub(crate) const BY: i64 = -32;
pub(crate) const REASON: i64 = -33;
pub(crate) const QUANTITY: i64 = -40;
pub(crate) const PRECISION: i64 = -41;
pub(crate) const COMMITMENT: i64 = -42;
pub(crate) const BENEFIT: i64 = -50;
// The IETF Token Status List's status claim (CWT claim 65535).
pub(crate) const STATUS: i64 = 65535;

pub use crate::time::Timestamp;

fn terms_value(t: &[Term]) -> Option<Value> {
    (!t.is_empty()).then(|| canonical_set(t.iter().map(Term::to_value).collect()))
}

fn texts_value(t: &[String]) -> Option<Value> {
    (!t.is_empty()).then(|| canonical_set(t.iter().map(|s| Value::text(s.clone())).collect()))
}

fn sorted_terms(t: &[Term]) -> Vec<Term> {
    let mut v: Vec<Term> = t.to_vec();
    crate::sort::sort_by_key(&mut v, |t| t.to_value().to_vec());
    v.dedup();
    v
}

fn sorted_texts(t: &[String]) -> Vec<String> {
    let mut v: Vec<String> = t.to_vec();
    crate::sort::sort_by_key(&mut v, |s| Value::text(s.clone()).to_vec());
    v.dedup();
    v
}

/// A 32-byte field as JSON: its 64 hex digits (the artifacts' hashes, a
/// commitment, a log's root).
pub(crate) mod hex32 {
    pub fn serialize<S: serde::Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }
}

/// A 16-byte field as JSON: its 32 hex digits.
pub(crate) mod hex16 {
    pub fn serialize<S: serde::Serializer>(b: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }
}

fn ser_key<S: serde::Serializer>(k: &Option<PublicKey>, s: S) -> Result<S::Ok, S::Error> {
    match k {
        Some(k) => s.serialize_str(&k.kid().to_string()),
        None => s.serialize_none(),
    }
}

/// A recipient (partner) named in an offer, and what it receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Recipient {
    /// The recipient's party id.
    pub party: String,
    /// The purposes it may use the data for (a subset of the offer's).
    pub purposes: Vec<Term>,
    /// The data categories it receives (a subset of the offer's).
    pub categories: Vec<Term>,
}

/// Usage limits attached to an offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Limits {
    /// Most data uses (receipts) per UTC day under one grant.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub uses_per_day: Option<u32>,
    /// The finest precision allowed, in the category's unit (for location: metres).
    /// A use with a smaller precision value is finer than allowed.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub finest_precision: Option<u32>,
    /// No use after this time, whatever the grant's expiry.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub use_by: Option<Timestamp>,
}

impl Limits {
    pub(super) fn is_empty(&self) -> bool {
        self.uses_per_day.is_none() && self.finest_precision.is_none() && self.use_by.is_none()
    }
}

/// The notice shown to the person: where it is, and a hash of the exact bytes shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Notice {
    /// Where the notice is published.
    pub url: String,
    /// SHA-256 of the exact notice bytes shown.
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sha256: [u8; 32],
}

impl Notice {
    /// A notice entry for `url` whose shown bytes are `text`.
    pub fn for_text(url: impl Into<String>, text: &[u8]) -> Notice {
        Notice {
            url: url.into(),
            sha256: super::sha256(text),
        }
    }
}

/// The kind of value a person receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BenefitKind {
    /// A service (e.g. live routing).
    Service,
    /// A feature of a service.
    Feature,
    /// Money: `unit` is an ISO 4217 currency, `amount` in minor units.
    Money,
    /// Loyalty points.
    Points,
    /// A discount: `unit` is `"percent"` or a currency.
    Discount,
    /// A data dividend (a share of revenue from the data).
    DataDividend,
    /// Anything else, described in `description`.
    Other,
}

impl BenefitKind {
    const ALL: [BenefitKind; 7] = [
        BenefitKind::Service,
        BenefitKind::Feature,
        BenefitKind::Money,
        BenefitKind::Points,
        BenefitKind::Discount,
        BenefitKind::DataDividend,
        BenefitKind::Other,
    ];

    fn code(self) -> u64 {
        self as u64
    }

    pub(super) fn from_code(c: u64) -> Option<BenefitKind> {
        BenefitKind::ALL.get(usize::try_from(c).ok()?).copied()
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            BenefitKind::Service => "service",
            BenefitKind::Feature => "feature",
            BenefitKind::Money => "money",
            BenefitKind::Points => "points",
            BenefitKind::Discount => "discount",
            BenefitKind::DataDividend => "data_dividend",
            BenefitKind::Other => "other",
        }
    }
}

/// A benefit: offered in return for data (in an offer) or delivered (in a value record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Benefit {
    /// What kind of value.
    pub kind: BenefitKind,
    /// How much, in `unit` (money: minor units, e.g. cents).
    pub amount: u64,
    /// The unit: an ISO 4217 code for money and data dividends, or e.g. `"points"`, `"percent"`, `"month"`.
    pub unit: String,
    /// A condition attached (e.g. "per month of sharing").
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub condition: Option<String>,
    /// A description a person can read.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub description: Option<String>,
}

fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

impl Benefit {
    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (1, Some(Value::Unsigned(self.kind.code()))),
            (2, Some(Value::Unsigned(self.amount))),
            (3, Some(Value::text(self.unit.clone()))),
            (4, self.condition.clone().map(Value::Text)),
            (5, self.description.clone().map(Value::Text)),
        ])
    }

    pub(crate) fn from_value(kind: ArtifactKind, v: Value) -> Result<Benefit, ArtifactError> {
        let mut f = Fields::new_named(kind, v, "benefit")?;
        let code = f.uint(1, "benefit.kind")?;
        let bkind = BenefitKind::from_code(code)
            .ok_or_else(|| f.invalid("benefit.kind", format!("unknown benefit kind {code}")))?;
        let b = Benefit {
            kind: bkind,
            amount: f.uint(2, "benefit.amount")?,
            unit: f.text(3, "benefit.unit")?,
            condition: f.opt_text(4, "benefit.condition")?,
            description: f.opt_text(5, "benefit.description")?,
        };
        f.finish()?;
        b.validate().map_err(|r| ArtifactError::InvalidField {
            kind,
            field: "benefit",
            reason: r,
        })?;
        Ok(b)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if matches!(self.kind, BenefitKind::Money | BenefitKind::DataDividend)
            && !is_currency(&self.unit)
        {
            return Err(format!(
                "{} needs an ISO 4217 currency code as unit, found {:?}",
                self.kind.name(),
                self.unit
            ));
        }
        if self.unit.is_empty() {
            return Err("empty unit".into());
        }
        Ok(())
    }
}

/// An estimate of what the data is worth, and how it was reached
/// (in the spirit of CCPA regulations §7081).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValueEstimate {
    /// The estimate, in minor units of `currency`.
    pub amount: u64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// How it was calculated.
    pub method: String,
}

/// The controller's signed proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Offer {
    /// The controller's party id (CWT `iss`).
    pub controller: String,
    /// A short name for the offer, e.g. `"live-routing-2026"`.
    pub name: String,
    /// When the offer was made (CWT `iat`).
    pub issued_at: Timestamp,
    /// Not valid before (CWT `nbf`).
    pub valid_from: Option<Timestamp>,
    /// Not valid after (CWT `exp`).
    pub valid_until: Option<Timestamp>,
    /// Purposes the data is requested for.
    pub purposes: Vec<Term>,
    /// Data categories requested.
    pub categories: Vec<Term>,
    /// Recipients (partners) and what each receives.
    pub recipients: Vec<Recipient>,
    /// How long data is kept, in seconds.
    pub retention_secs: u64,
    /// Usage limits.
    pub limits: Limits,
    /// The legal basis (normally `dpv:Consent`).
    pub legal_basis: Term,
    /// Jurisdiction, e.g. `"EU"`, `"US-CA"`.
    pub jurisdiction: String,
    /// Language of the notice (BCP 47), e.g. `"en"`.
    pub language: String,
    /// The notice shown.
    pub notice: Notice,
    /// The value offered in return. May be empty only if the offer says so honestly.
    pub value_offered: Vec<Benefit>,
    /// An estimate of the data's value, and its method.
    pub value_estimate: Option<ValueEstimate>,
    /// Whether the service stays available without consent (GDPR Art. 7(4)).
    pub service_without_consent: bool,
}

impl Offer {
    pub(crate) fn to_value(&self) -> Value {
        let recipients: Vec<Value> = self
            .recipients
            .iter()
            .map(|r| {
                map(vec![
                    (1, Some(Value::text(r.party.clone()))),
                    (2, terms_value(&r.purposes)),
                    (3, terms_value(&r.categories)),
                ])
            })
            .collect();
        let limits = &self.limits;
        map(vec![
            (ISS, Some(Value::text(self.controller.clone()))),
            (EXP, self.valid_until.map(|t| Value::Unsigned(t.secs()))),
            (NBF, self.valid_from.map(|t| Value::Unsigned(t.secs()))),
            (IAT, Some(Value::Unsigned(self.issued_at.secs()))),
            (PURPOSES, terms_value(&self.purposes)),
            (CATEGORIES, terms_value(&self.categories)),
            (
                RECIPIENTS,
                (!recipients.is_empty()).then(|| canonical_set(recipients)),
            ),
            (RETENTION, Some(Value::Unsigned(self.retention_secs))),
            (
                LIMITS,
                (!limits.is_empty()).then(|| {
                    map(vec![
                        (1, limits.uses_per_day.map(|u| Value::Unsigned(u.into()))),
                        (
                            2,
                            limits.finest_precision.map(|u| Value::Unsigned(u.into())),
                        ),
                        (3, limits.use_by.map(|t| Value::Unsigned(t.secs()))),
                    ])
                }),
            ),
            (LEGAL_BASIS, Some(self.legal_basis.to_value())),
            (JURISDICTION, Some(Value::text(self.jurisdiction.clone()))),
            (LANGUAGE, Some(Value::text(self.language.clone()))),
            (
                NOTICE,
                Some(map(vec![
                    (1, Some(Value::text(self.notice.url.clone()))),
                    (2, Some(Value::bytes(self.notice.sha256.to_vec()))),
                ])),
            ),
            (
                VALUE_OFFERED,
                (!self.value_offered.is_empty()).then(|| {
                    Value::Array(self.value_offered.iter().map(Benefit::to_value).collect())
                }),
            ),
            (
                VALUE_ESTIMATE,
                self.value_estimate.as_ref().map(|e| {
                    map(vec![
                        (1, Some(Value::Unsigned(e.amount))),
                        (2, Some(Value::text(e.currency.clone()))),
                        (3, Some(Value::text(e.method.clone()))),
                    ])
                }),
            ),
            (
                SERVICE_WITHOUT_CONSENT,
                Some(Value::Bool(self.service_without_consent)),
            ),
            (OFFER_NAME, Some(Value::text(self.name.clone()))),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<Offer, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Offer;
        let mut f = Fields::new(K, v)?;
        let mut recipients = Vec::new();
        let raw_recipients = f.list(RECIPIENTS, "recipients", true)?;
        check_sorted_unique(&raw_recipients, "recipients")
            .map_err(|r| f.invalid("recipients", r))?;
        for r in raw_recipients {
            let mut rf = Fields::new_named(K, r, "recipient")?;
            recipients.push(Recipient {
                party: rf.text(1, "recipient.party")?,
                purposes: rf.terms(2, "recipient.purposes")?,
                categories: rf.terms(3, "recipient.categories")?,
            });
            rf.finish()?;
        }
        let limits = match f.opt_value(LIMITS) {
            None => Limits::default(),
            Some(v) => {
                let mut lf = Fields::new_named(K, v, "limits")?;
                let l = Limits {
                    uses_per_day: lf.opt_u32(1, "limits.uses_per_day")?,
                    finest_precision: lf.opt_u32(2, "limits.finest_precision")?,
                    use_by: lf.opt_uint(3, "limits.use_by")?.map(Timestamp::from),
                };
                lf.finish()?;
                if l.is_empty() {
                    return Err(f.invalid("limits", "empty map (omit the field instead)"));
                }
                l
            }
        };
        let notice = {
            let mut nf = Fields::new_named(K, f.value(NOTICE, "notice")?, "notice")?;
            let n = Notice {
                url: nf.text(1, "notice.url")?,
                sha256: nf.bytes_n::<32>(2, "notice.sha256")?,
            };
            nf.finish()?;
            n
        };
        let value_offered = match f.opt_value(VALUE_OFFERED) {
            None => Vec::new(),
            Some(Value::Array(a)) if !a.is_empty() && a.len() <= super::MAX_LIST_LEN => a
                .into_iter()
                .map(|b| Benefit::from_value(K, b))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(f.invalid("value_offered", "must be a non-empty array of benefits"))
            }
        };
        let value_estimate = match f.opt_value(VALUE_ESTIMATE) {
            None => None,
            Some(v) => {
                let mut ef = Fields::new_named(K, v, "value_estimate")?;
                let e = ValueEstimate {
                    amount: ef.uint(1, "value_estimate.amount")?,
                    currency: ef.text(2, "value_estimate.currency")?,
                    method: ef.text(3, "value_estimate.method")?,
                };
                ef.finish()?;
                Some(e)
            }
        };
        let offer = Offer {
            controller: f.text(ISS, "controller")?,
            name: f.text(OFFER_NAME, "name")?,
            issued_at: f.uint(IAT, "issued_at")?.into(),
            valid_from: f.opt_uint(NBF, "valid_from")?.map(Timestamp::from),
            valid_until: f.opt_uint(EXP, "valid_until")?.map(Timestamp::from),
            purposes: f.terms(PURPOSES, "purposes")?,
            categories: f.terms(CATEGORIES, "categories")?,
            recipients,
            retention_secs: f.uint(RETENTION, "retention")?,
            limits,
            legal_basis: f.term(LEGAL_BASIS, "legal_basis")?,
            jurisdiction: f.text(JURISDICTION, "jurisdiction")?,
            language: f.text(LANGUAGE, "language")?,
            notice,
            value_offered,
            value_estimate,
            service_without_consent: f.bool(SERVICE_WITHOUT_CONSENT, "service_without_consent")?,
        };
        f.finish()?;
        offer.validate()?;
        Ok(offer)
    }

    /// Checks the offer's internal consistency.
    pub fn validate(&self) -> Result<(), ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Offer;
        let bad = |field: &'static str, reason: String| ArtifactError::InvalidField {
            kind: K,
            field,
            reason,
        };
        if self.purposes.is_empty() {
            return Err(bad("purposes", "no purpose".into()));
        }
        if self.categories.is_empty() {
            return Err(bad("categories", "no data category".into()));
        }
        if let (Some(a), Some(b)) = (self.valid_from, self.valid_until) {
            if a > b {
                return Err(bad("valid_until", "before valid_from".into()));
            }
        }
        if self.value_offered.len() > super::MAX_LIST_LEN {
            return Err(bad(
                "value_offered",
                format!("more than {} benefits", super::MAX_LIST_LEN),
            ));
        }
        for r in &self.recipients {
            if r.purposes.is_empty() || r.categories.is_empty() {
                return Err(bad(
                    "recipients",
                    format!("recipient {} receives no purpose or no category", r.party),
                ));
            }
            if let Some(p) = r.purposes.iter().find(|p| !self.purposes.contains(p)) {
                return Err(bad(
                    "recipients",
                    format!(
                        "recipient {} gets purpose {p} that the offer does not request",
                        r.party
                    ),
                ));
            }
            if let Some(c) = r.categories.iter().find(|c| !self.categories.contains(c)) {
                return Err(bad(
                    "recipients",
                    format!(
                        "recipient {} gets category {c} that the offer does not request",
                        r.party
                    ),
                ));
            }
            if r.party == self.controller {
                return Err(bad(
                    "recipients",
                    "the controller is not a recipient of itself".into(),
                ));
            }
        }
        for b in &self.value_offered {
            b.validate().map_err(|r| bad("value_offered", r))?;
        }
        if let Some(e) = &self.value_estimate {
            if !is_currency(&e.currency) {
                return Err(bad(
                    "value_estimate",
                    format!("currency {:?} is not an ISO 4217 code", e.currency),
                ));
            }
        }
        for (field, s) in [
            ("controller", &self.controller),
            ("name", &self.name),
            ("jurisdiction", &self.jurisdiction),
            ("language", &self.language),
            ("notice.url", &self.notice.url),
        ] {
            if s.is_empty() {
                return Err(bad(field, "empty text".into()));
            }
        }
        Ok(())
    }

    /// Puts sets in canonical order (the encoder does this too).
    pub fn normalise(&mut self) {
        self.purposes = sorted_terms(&self.purposes);
        self.categories = sorted_terms(&self.categories);
        for r in &mut self.recipients {
            r.purposes = sorted_terms(&r.purposes);
            r.categories = sorted_terms(&r.categories);
        }
        crate::sort::sort_by_key(&mut self.recipients, |r| {
            map(vec![
                (1, Some(Value::text(r.party.clone()))),
                (2, terms_value(&r.purposes)),
                (3, terms_value(&r.categories)),
            ])
            .to_vec()
        });
        self.recipients.dedup();
    }

    /// The recipient entry for a party, if the offer names it.
    pub fn recipient(&self, party: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.party == party)
    }
}

/// How a decision was collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CollectionMethod {
    /// A control in an app's interface.
    AppUi,
    /// A web form.
    WebForm,
    /// A voice assistant.
    Voice,
    /// Through an API by the person's agent.
    Api,
    /// Imported from another consent system.
    Imported,
}

impl CollectionMethod {
    fn code(self) -> u64 {
        self as u64
    }
    pub(super) fn from_code(c: u64) -> Option<CollectionMethod> {
        [
            CollectionMethod::AppUi,
            CollectionMethod::WebForm,
            CollectionMethod::Voice,
            CollectionMethod::Api,
            CollectionMethod::Imported,
        ]
        .get(usize::try_from(c).ok()?)
        .copied()
    }
}

/// A pairwise pseudonymous subject id (16 bytes).
pub type Pseudonym = [u8; 16];

/// The person's decision to accept an offer, whole or in part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grant {
    /// Pairwise pseudonym of the person for this controller (CWT `sub`).
    #[serde(with = "hex16")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub subject: Pseudonym,
    /// The controller (CWT `aud`).
    pub controller: String,
    /// When the grant was given (CWT `iat`).
    pub issued_at: Timestamp,
    /// When it expires (CWT `exp`).
    pub expires_at: Option<Timestamp>,
    /// Digest of the offer accepted.
    #[serde(serialize_with = "ser_digest")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub offer: Digest,
    /// Purposes granted (a subset of the offer's).
    pub purposes: Vec<Term>,
    /// Categories granted (a subset of the offer's).
    pub categories: Vec<Term>,
    /// Recipients granted (a subset of the offer's); empty = none.
    pub recipients: Vec<String>,
    /// How the decision was collected.
    pub method: CollectionMethod,
    /// The grant this one renews or changes.
    pub supersedes: Option<ArtifactId>,
    /// The person's public key; `None` only for an imported grant.
    #[serde(serialize_with = "ser_key")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub subject_key: Option<PublicKey>,
    /// Imported from elsewhere, without the person's signature.
    pub imported: bool,
    /// Where the controller publishes this grant's live status (CWT claim
    /// 65535, IETF Token Status List; docs/FORMAT.md §15). Optional: grants
    /// without it decode and verify as before.
    pub status: Option<crate::status::StatusReference>,
}

fn ser_digest<S: serde::Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(d.0))
}

impl Grant {
    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (SUB, Some(Value::bytes(self.subject.to_vec()))),
            (AUD, Some(Value::text(self.controller.clone()))),
            (EXP, self.expires_at.map(|t| Value::Unsigned(t.secs()))),
            (IAT, Some(Value::Unsigned(self.issued_at.secs()))),
            (PURPOSES, terms_value(&self.purposes)),
            (CATEGORIES, terms_value(&self.categories)),
            (RECIPIENTS, texts_value(&self.recipients)),
            (OFFER_DIGEST, Some(Value::bytes(self.offer.0.to_vec()))),
            (METHOD, Some(Value::Unsigned(self.method.code()))),
            (
                SUPERSEDES,
                self.supersedes.map(|s| Value::bytes(s.0.to_vec())),
            ),
            (
                SUBJECT_KEY,
                self.subject_key
                    .as_ref()
                    .map(|k| k.to_cose_key_value(Vec::new())),
            ),
            (IMPORTED, self.imported.then_some(Value::Bool(true))),
            (
                STATUS,
                self.status
                    .as_ref()
                    .map(crate::status::StatusReference::to_value),
            ),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<Grant, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Grant;
        let mut f = Fields::new(K, v)?;
        let method_code = f.uint(METHOD, "method")?;
        let g = Grant {
            subject: f.bytes_n::<16>(SUB, "subject")?,
            controller: f.text(AUD, "controller")?,
            issued_at: f.uint(IAT, "issued_at")?.into(),
            expires_at: f.opt_uint(EXP, "expires_at")?.map(Timestamp::from),
            offer: Digest(f.bytes_n::<32>(OFFER_DIGEST, "offer")?),
            purposes: f.terms(PURPOSES, "purposes")?,
            categories: f.terms(CATEGORIES, "categories")?,
            recipients: f.texts(RECIPIENTS, "recipients", true)?,
            method: CollectionMethod::from_code(method_code).ok_or_else(|| {
                f.invalid("method", format!("unknown collection method {method_code}"))
            })?,
            supersedes: f
                .opt_bytes_n::<16>(SUPERSEDES, "supersedes")?
                .map(ArtifactId),
            subject_key: f.key(SUBJECT_KEY, "subject_key")?,
            imported: f.flag(IMPORTED, "imported")?,
            status: match f.opt_value(STATUS) {
                None => None,
                Some(v) => Some(
                    crate::status::StatusReference::from_value(&v)
                        .map_err(|e| f.invalid("status", e.to_string()))?,
                ),
            },
        };
        f.finish()?;
        g.validate()?;
        Ok(g)
    }

    /// Checks the grant's internal consistency.
    pub fn validate(&self) -> Result<(), ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Grant;
        let bad = |field: &'static str, reason: &str| ArtifactError::InvalidField {
            kind: K,
            field,
            reason: reason.into(),
        };
        if self.purposes.is_empty() {
            return Err(bad("purposes", "no purpose granted"));
        }
        if self.categories.is_empty() {
            return Err(bad("categories", "no category granted"));
        }
        if self.imported != self.subject_key.is_none() {
            return Err(bad(
                "subject_key",
                "present unless (and only unless) the grant is imported",
            ));
        }
        if self.imported != (self.method == CollectionMethod::Imported) {
            return Err(bad(
                "method",
                "`imported` goes with collection method `imported`, and only with it",
            ));
        }
        if let Some(e) = self.expires_at {
            if e < self.issued_at {
                return Err(bad("expires_at", "before issued_at"));
            }
        }
        if self.controller.is_empty() {
            return Err(bad("controller", "empty"));
        }
        if let Some(s) = &self.status {
            crate::status::StatusReference::from_value(&s.to_value())
                .map_err(|e| bad("status", &e.to_string()))?;
        }
        Ok(())
    }

    /// Puts sets in canonical order.
    pub fn normalise(&mut self) {
        self.purposes = sorted_terms(&self.purposes);
        self.categories = sorted_terms(&self.categories);
        self.recipients = sorted_texts(&self.recipients);
    }
}

/// The person's signed "no" to an offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refusal {
    /// Pairwise pseudonym (CWT `sub`).
    #[serde(with = "hex16")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub subject: Pseudonym,
    /// The controller (CWT `aud`).
    pub controller: String,
    /// When (CWT `iat`).
    pub issued_at: Timestamp,
    /// Digest of the offer refused.
    #[serde(serialize_with = "ser_digest")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub offer: Digest,
    /// How the decision was collected.
    pub method: CollectionMethod,
    /// The person's public key.
    #[serde(serialize_with = "ser_key")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub subject_key: Option<PublicKey>,
}

impl Refusal {
    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (SUB, Some(Value::bytes(self.subject.to_vec()))),
            (AUD, Some(Value::text(self.controller.clone()))),
            (IAT, Some(Value::Unsigned(self.issued_at.secs()))),
            (OFFER_DIGEST, Some(Value::bytes(self.offer.0.to_vec()))),
            (METHOD, Some(Value::Unsigned(self.method.code()))),
            (
                SUBJECT_KEY,
                self.subject_key
                    .as_ref()
                    .map(|k| k.to_cose_key_value(Vec::new())),
            ),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<Refusal, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Refusal;
        let mut f = Fields::new(K, v)?;
        let method_code = f.uint(METHOD, "method")?;
        let r = Refusal {
            subject: f.bytes_n::<16>(SUB, "subject")?,
            controller: f.text(AUD, "controller")?,
            issued_at: f.uint(IAT, "issued_at")?.into(),
            offer: Digest(f.bytes_n::<32>(OFFER_DIGEST, "offer")?),
            method: CollectionMethod::from_code(method_code).ok_or_else(|| {
                f.invalid("method", format!("unknown collection method {method_code}"))
            })?,
            subject_key: f.key(SUBJECT_KEY, "subject_key")?,
        };
        f.finish()?;
        if r.method == CollectionMethod::Imported {
            return Err(f_invalid_refusal_method());
        }
        if r.subject_key.is_none() {
            return Err(ArtifactError::MissingField {
                kind: K,
                field: "subject_key",
            });
        }
        Ok(r)
    }
}

fn f_invalid_refusal_method() -> ArtifactError {
    ArtifactError::InvalidField {
        kind: ArtifactKind::Refusal,
        field: "method",
        reason: "a refusal is always signed by the person; it cannot be imported".into(),
    }
}

/// Who ended a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum WithdrawnBy {
    /// The person withdrew consent.
    Person,
    /// The controller revoked the grant.
    Controller,
}

/// The end of a grant: withdrawn by the person or revoked by the controller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Withdrawal {
    /// The grant ended.
    pub grant: ArtifactId,
    /// When the withdrawal was signed (CWT `iat`).
    pub issued_at: Timestamp,
    /// From when it is meant to take effect. A withdrawal is never
    /// retroactive: see [`Withdrawal::takes_effect`].
    pub effective_at: Timestamp,
    /// Who ended it.
    pub by: WithdrawnBy,
    /// Why (required for a revocation).
    pub reason: Option<String>,
    /// The person's key (required when the person withdraws: it must be the grant's subject key).
    #[serde(serialize_with = "ser_key")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub subject_key: Option<PublicKey>,
}

impl Withdrawal {
    /// The instant from which the grant no longer covers uses:
    /// `effective_at`, but never before the withdrawal was issued. Consent
    /// is withdrawn for the future (GDPR Art. 7(3)); a withdrawal dated to
    /// take effect before it was made cannot turn earlier uses into
    /// violations (docs/FORMAT.md §4.9).
    pub fn takes_effect(&self) -> Timestamp {
        self.effective_at.max(self.issued_at)
    }

    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (IAT, Some(Value::Unsigned(self.issued_at.secs()))),
            (
                SUBJECT_KEY,
                self.subject_key
                    .as_ref()
                    .map(|k| k.to_cose_key_value(Vec::new())),
            ),
            (GRANT, Some(Value::bytes(self.grant.0.to_vec()))),
            (EFFECTIVE, Some(Value::Unsigned(self.effective_at.secs()))),
            (
                BY,
                Some(Value::Unsigned(match self.by {
                    WithdrawnBy::Person => 0,
                    WithdrawnBy::Controller => 1,
                })),
            ),
            (REASON, self.reason.clone().map(Value::Text)),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<Withdrawal, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Withdrawal;
        let mut f = Fields::new(K, v)?;
        let by = match f.uint(BY, "by")? {
            0 => WithdrawnBy::Person,
            1 => WithdrawnBy::Controller,
            other => return Err(f.invalid("by", format!("unknown value {other}"))),
        };
        let w = Withdrawal {
            grant: ArtifactId(f.bytes_n::<16>(GRANT, "grant")?),
            issued_at: f.uint(IAT, "issued_at")?.into(),
            effective_at: f.uint(EFFECTIVE, "effective_at")?.into(),
            by,
            reason: f.opt_text(REASON, "reason")?,
            subject_key: f.key(SUBJECT_KEY, "subject_key")?,
        };
        f.finish()?;
        w.validate()?;
        Ok(w)
    }

    /// Checks consistency: a person's withdrawal carries the subject key; a revocation carries a reason and no key.
    pub fn validate(&self) -> Result<(), ArtifactError> {
        const K: ArtifactKind = ArtifactKind::Withdrawal;
        match self.by {
            WithdrawnBy::Person if self.subject_key.is_none() => Err(ArtifactError::MissingField {
                kind: K,
                field: "subject_key",
            }),
            WithdrawnBy::Controller if self.reason.is_none() => Err(ArtifactError::MissingField {
                kind: K,
                field: "reason",
            }),
            WithdrawnBy::Controller if self.subject_key.is_some() => {
                Err(ArtifactError::InvalidField {
                    kind: K,
                    field: "subject_key",
                    reason: "a revocation by the controller carries no subject key".into(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// A record that data was used or passed on under a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DataReceipt {
    /// The grant used.
    pub grant: ArtifactId,
    /// The data category used: a term, or its index in the grant's
    /// categories ([`DataReceipt::resolve`] reads it).
    pub category: TermRef,
    /// The purpose of the use: a term, or its index in the grant's purposes.
    pub purpose: TermRef,
    /// Who received the data: a partner, or the controller itself (a party
    /// id, or its index among the grant's parties). `None` means the
    /// signer's own party (a partner recording its own use).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub recipient: Option<PartyRef>,
    /// When (CWT `iat`).
    pub used_at: Timestamp,
    /// How many data points (default 1).
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    pub quantity: u32,
    /// Precision of the data, in the category's unit (for location: metres).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub precision: Option<u32>,
    /// Salted SHA-256 commitment to the data; see [`crate::commit`].
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub commitment: [u8; 32],
}

impl DataReceipt {
    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (IAT, Some(Value::Unsigned(self.used_at.secs()))),
            (PURPOSES, Some(self.purpose.to_value())),
            (CATEGORIES, Some(self.category.to_value())),
            (RECIPIENTS, self.recipient.as_ref().map(PartyRef::to_value)),
            (GRANT, Some(Value::bytes(self.grant.0.to_vec()))),
            (
                QUANTITY,
                (self.quantity != 1).then_some(Value::Unsigned(self.quantity.into())),
            ),
            (PRECISION, self.precision.map(|p| Value::Unsigned(p.into()))),
            (COMMITMENT, Some(Value::bytes(self.commitment.to_vec()))),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<DataReceipt, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::DataReceipt;
        let mut f = Fields::new(K, v)?;
        let quantity = match f.opt_u32(QUANTITY, "quantity")? {
            None => 1,
            Some(0) => return Err(f.invalid("quantity", "zero")),
            Some(1) => return Err(f.invalid("quantity", "1 must be encoded by omitting the field")),
            Some(q) => q,
        };
        let r = DataReceipt {
            grant: ArtifactId(f.bytes_n::<16>(GRANT, "grant")?),
            category: f.term_ref(CATEGORIES, "category")?,
            purpose: f.term_ref(PURPOSES, "purpose")?,
            recipient: f.opt_party_ref(RECIPIENTS, "recipient")?,
            used_at: f.uint(IAT, "used_at")?.into(),
            quantity,
            precision: f.opt_u32(PRECISION, "precision")?,
            commitment: f.bytes_n::<32>(COMMITMENT, "commitment")?,
        };
        f.finish()?;
        Ok(r)
    }
}

/// What the person actually received under a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ValueRecord {
    /// The grant.
    pub grant: ArtifactId,
    /// When the value was delivered (CWT `iat`).
    pub issued_at: Timestamp,
    /// What was delivered.
    pub benefit: Benefit,
}

impl ValueRecord {
    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            (IAT, Some(Value::Unsigned(self.issued_at.secs()))),
            (GRANT, Some(Value::bytes(self.grant.0.to_vec()))),
            (BENEFIT, Some(self.benefit.to_value())),
        ])
    }

    pub(crate) fn from_value(v: Value) -> Result<ValueRecord, ArtifactError> {
        const K: ArtifactKind = ArtifactKind::ValueRecord;
        let mut f = Fields::new(K, v)?;
        let r = ValueRecord {
            grant: ArtifactId(f.bytes_n::<16>(GRANT, "grant")?),
            issued_at: f.uint(IAT, "issued_at")?.into(),
            benefit: Benefit::from_value(K, f.value(BENEFIT, "benefit")?)?,
        };
        f.finish()?;
        Ok(r)
    }
}
