//! Records and enums that cross the boundary, and their translation from
//! and to the core's types. Nothing here decides anything: every check is
//! the core's (terms, ids and lengths are parsed by the core's own parsers).

use consentkit::artifact::{ArtifactId, Digest};
use consentkit::audit as ck_audit;
use consentkit::wallet as ck_wallet;
use consentkit::{self as ck, Artifact, Term};

use crate::error::{ConsentKitError, Result};
use consentkit::Timestamp;

// The core's own types, exported as they are (their uniffi derives are in
// core/, feature `uniffi`; generated as the module `consentkit_core`).
pub use consentkit::artifact::ArtifactKind;
pub use consentkit::keys::{Algorithm, Role};
pub use consentkit::lifecycle::ConsentState;
pub use consentkit::{Benefit, BenefitKind, Limits, Recipient, ValueEstimate, ValueRecord};

// --- enums ----------------------------------------------------------------

/// What an audit finding is about (names as in the JSON report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum FindingKind {
    /// A signature does not verify.
    SignatureInvalid,
    /// Signed by a key not in the trust set.
    UntrustedKey,
    /// Signed by a trusted key that may not sign this artifact.
    WrongSigner,
    /// Not a valid artifact.
    Malformed,
    /// Refers to a grant not in the bundle.
    UnknownGrant,
    /// A grant refers to an offer not in the bundle.
    UnknownOffer,
    /// A purpose not granted.
    PurposeNotGranted,
    /// A data category not granted.
    CategoryNotGranted,
    /// A recipient not granted.
    RecipientNotGranted,
    /// Used before the grant was given.
    BeforeGrant,
    /// Used after withdrawal or revocation.
    AfterWithdrawal,
    /// Used after expiry.
    AfterExpiry,
    /// Used under a superseded grant.
    AfterSupersession,
    /// More uses in a day than the offer allows.
    LimitExceeded,
    /// Data finer than the offer allows.
    PrecisionExceeded,
    /// The same artifact id twice.
    DuplicateId,
    /// A value record for a grant not in the bundle.
    ValueForUnknownGrant,
    /// A grant accepts more than its offer offered.
    GrantExceedsOffer,
    /// Dated after the audit time.
    FutureDated,
    /// A controller's status list still said VALID for a grant ended more than its `ttl` before.
    StaleStatus,
    /// A kind added to the core after these bindings were built; see `Finding.kindName`.
    Other,
}

impl From<ck_audit::FindingKind> for FindingKind {
    fn from(k: ck_audit::FindingKind) -> Self {
        use ck_audit::FindingKind as K;
        match k {
            K::SignatureInvalid => FindingKind::SignatureInvalid,
            K::UntrustedKey => FindingKind::UntrustedKey,
            K::WrongSigner => FindingKind::WrongSigner,
            K::Malformed => FindingKind::Malformed,
            K::UnknownGrant => FindingKind::UnknownGrant,
            K::UnknownOffer => FindingKind::UnknownOffer,
            K::PurposeNotGranted => FindingKind::PurposeNotGranted,
            K::CategoryNotGranted => FindingKind::CategoryNotGranted,
            K::RecipientNotGranted => FindingKind::RecipientNotGranted,
            K::BeforeGrant => FindingKind::BeforeGrant,
            K::AfterWithdrawal => FindingKind::AfterWithdrawal,
            K::AfterExpiry => FindingKind::AfterExpiry,
            K::AfterSupersession => FindingKind::AfterSupersession,
            K::LimitExceeded => FindingKind::LimitExceeded,
            K::PrecisionExceeded => FindingKind::PrecisionExceeded,
            K::DuplicateId => FindingKind::DuplicateId,
            K::ValueForUnknownGrant => FindingKind::ValueForUnknownGrant,
            K::GrantExceedsOffer => FindingKind::GrantExceedsOffer,
            K::FutureDated => FindingKind::FutureDated,
            K::StaleStatus => FindingKind::StaleStatus,
            _ => FindingKind::Other,
        }
    }
}

/// The format of a rendered audit report (as `consentkit audit --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ReportFormat {
    /// Plain text, as the command line prints it.
    Text,
    /// JSON (schema: docs/AUDIT-REPORT.md).
    Json,
    /// A self-contained HTML page.
    Html,
}

// --- ids, terms, fixed-length bytes ------------------------------------------

/// Parses an artifact id (32 hex digits).
pub(crate) fn artifact_id(hex_id: &str) -> Result<ArtifactId> {
    ArtifactId::from_hex(hex_id).ok_or_else(|| {
        ConsentKitError::invalid(format!(
            "artifact id must be 32 hex digits, found {hex_id:?}"
        ))
    })
}

/// Parses an offer digest (64 hex digits).
pub(crate) fn digest(hex_digest: &str) -> Result<Digest> {
    let bytes = hex::decode(hex_digest).ok();
    bytes
        .as_deref()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(Digest)
        .ok_or_else(|| {
            ConsentKitError::invalid(format!(
                "digest must be 64 hex digits, found {hex_digest:?}"
            ))
        })
}

pub(crate) fn fixed<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N]> {
    <[u8; N]>::try_from(bytes).map_err(|_| {
        ConsentKitError::invalid(format!(
            "{what} must be {N} bytes, found {} bytes",
            bytes.len()
        ))
    })
}

pub(crate) fn term(s: &str) -> Result<Term> {
    Ok(Term::new(s)?)
}

pub(crate) fn terms(list: &[String]) -> Result<Vec<Term>> {
    list.iter().map(|s| term(s)).collect()
}

fn names(list: &[Term]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

// --- artifacts ---------------------------------------------------------------

/// A decoded artifact: what it is, and its exact bytes. Decoding checks the
/// encoding, not the signatures (see `Verifier.verify`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ArtifactInfo {
    /// The kind.
    pub kind: ArtifactKind,
    /// The artifact id (32 hex digits): what receipts and withdrawals reference.
    pub id: String,
    /// The digest (64 hex digits): what a grant uses to reference its offer.
    pub digest: String,
    /// The key ids of its signatures as their headers carry them, in order: hex RFC 9679
    /// thumbprints (a data receipt's: the first 8 bytes, 16 hex digits).
    pub signer_kids: Vec<String>,
    /// The artifact as JSON (a human-readable view, as `consentkit inspect`).
    pub json: String,
    /// The exact encoded bytes.
    pub bytes: Vec<u8>,
}

impl From<&Artifact> for ArtifactInfo {
    fn from(a: &Artifact) -> Self {
        ArtifactInfo {
            kind: a.kind(),
            id: a.id().to_string(),
            digest: hex::encode(a.digest().0),
            signer_kids: a.signer_kids().iter().map(|k| k.to_string()).collect(),
            json: a.to_json().to_string(),
            bytes: a.as_bytes().to_vec(),
        }
    }
}

/// Who made a verified signature.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Signatory {
    /// A key in the trust set.
    Trusted {
        /// Its role.
        role: Role,
        /// Its party, e.g. `"traffic.example"`.
        party: String,
    },
    /// The person's own key, carried in the artifact (grant, refusal, person's withdrawal).
    Subject,
}

/// One verified signature.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedSigner {
    /// The key id (hex).
    pub kid: String,
    /// Who signed.
    pub signatory: Signatory,
}

impl From<&ck::VerifiedSigner> for VerifiedSigner {
    fn from(v: &ck::VerifiedSigner) -> Self {
        VerifiedSigner {
            kid: v.kid.to_string(),
            signatory: match &v.signatory {
                ck::Signatory::Trusted { role, party } => Signatory::Trusted {
                    role: (*role),
                    party: party.clone(),
                },
                ck::Signatory::Subject => Signatory::Subject,
            },
        }
    }
}

/// An artifact whose every signature verified against a trust set.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedArtifact {
    /// The artifact.
    pub artifact: ArtifactInfo,
    /// Its signatures and who made them, in order.
    pub signers: Vec<VerifiedSigner>,
}

// --- payloads (controller side) ----------------------------------------------

/// The notice shown to the person: where it is, and the SHA-256 of the exact bytes shown.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Notice {
    /// Where the notice is published.
    pub url: String,
    /// SHA-256 of the exact notice bytes shown (32 bytes). See `noticeForText`.
    pub sha256: Vec<u8>,
}

/// A controller's offer, before signing. Terms are DPV CURIEs
/// (`"dpv:ServiceProvision"`, `"pd:Location"`) or IRIs; times are seconds since the epoch.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Offer {
    /// The controller's party id.
    pub controller: String,
    /// A short name, e.g. `"live-routing-2026"`.
    pub name: String,
    /// When the offer was made.
    pub issued_at: Timestamp,
    /// Not valid before.
    pub valid_from: Option<Timestamp>,
    /// Not valid after.
    pub valid_until: Option<Timestamp>,
    /// Purposes the data is requested for.
    pub purposes: Vec<String>,
    /// Data categories requested.
    pub categories: Vec<String>,
    /// Recipients (partners) and what each receives.
    pub recipients: Vec<Recipient>,
    /// How long data is kept, in seconds.
    pub retention_secs: u64,
    /// Usage limits.
    pub limits: Limits,
    /// The legal basis, normally `"dpv:Consent"`.
    pub legal_basis: String,
    /// Jurisdiction, e.g. `"EU"`.
    pub jurisdiction: String,
    /// Language of the notice (BCP 47), e.g. `"en"`.
    pub language: String,
    /// The notice shown.
    pub notice: Notice,
    /// The value offered in return.
    pub value_offered: Vec<Benefit>,
    /// An estimate of the data's value, and its method.
    pub value_estimate: Option<ValueEstimate>,
    /// Whether the service stays available without consent.
    pub service_without_consent: bool,
}

impl TryFrom<Offer> for ck::Offer {
    type Error = ConsentKitError;
    fn try_from(o: Offer) -> Result<ck::Offer> {
        Ok(ck::Offer {
            controller: o.controller,
            name: o.name,
            issued_at: o.issued_at,
            valid_from: o.valid_from,
            valid_until: o.valid_until,
            purposes: terms(&o.purposes)?,
            categories: terms(&o.categories)?,
            recipients: o.recipients,
            retention_secs: o.retention_secs,
            limits: o.limits,
            legal_basis: term(&o.legal_basis)?,
            jurisdiction: o.jurisdiction,
            language: o.language,
            notice: ck::Notice {
                url: o.notice.url,
                sha256: fixed::<32>(&o.notice.sha256, "notice.sha256")?,
            },
            value_offered: o.value_offered,
            value_estimate: o.value_estimate,
            service_without_consent: o.service_without_consent,
        })
    }
}

impl From<&ck::Offer> for Offer {
    fn from(o: &ck::Offer) -> Self {
        Offer {
            controller: o.controller.clone(),
            name: o.name.clone(),
            issued_at: o.issued_at,
            valid_from: o.valid_from,
            valid_until: o.valid_until,
            purposes: names(&o.purposes),
            categories: names(&o.categories),
            recipients: o.recipients.clone(),
            retention_secs: o.retention_secs,
            limits: o.limits.clone(),
            legal_basis: o.legal_basis.to_string(),
            jurisdiction: o.jurisdiction.clone(),
            language: o.language.clone(),
            notice: Notice {
                url: o.notice.url.clone(),
                sha256: o.notice.sha256.to_vec(),
            },
            value_offered: o.value_offered.clone(),
            value_estimate: o.value_estimate.clone(),
            service_without_consent: o.service_without_consent,
        }
    }
}

/// A data receipt, before signing: one use of data under a grant.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DataReceipt {
    /// The grant used (artifact id, 32 hex digits).
    pub grant: String,
    /// The data category used (DPV term).
    pub category: String,
    /// The purpose of the use (DPV term).
    pub purpose: String,
    /// Who received the data; `null` means the signer's own party.
    #[uniffi(default = None)]
    pub recipient: Option<String>,
    /// When (seconds since the epoch).
    pub used_at: Timestamp,
    /// How many data points (at least 1).
    #[uniffi(default = 1)]
    pub quantity: u32,
    /// Precision of the data, in the category's unit (location: metres).
    #[uniffi(default = None)]
    pub precision: Option<u32>,
    /// Salted SHA-256 commitment to the data (32 bytes): see `commit`.
    pub commitment: Vec<u8>,
}

impl TryFrom<DataReceipt> for ck::DataReceipt {
    type Error = ConsentKitError;
    fn try_from(r: DataReceipt) -> Result<ck::DataReceipt> {
        Ok(ck::DataReceipt {
            grant: artifact_id(&r.grant)?,
            category: term(&r.category)?.into(),
            purpose: term(&r.purpose)?.into(),
            recipient: r.recipient.map(Into::into),
            used_at: r.used_at,
            quantity: r.quantity,
            precision: r.precision,
            commitment: fixed::<32>(&r.commitment, "commitment")?,
        })
    }
}

/// A salted commitment to some data: put `value` in a receipt, keep `salt`
/// (and the data) to open it later.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Commitment {
    /// `SHA-256(salt || data)` (32 bytes).
    pub value: Vec<u8>,
    /// The salt.
    pub salt: Vec<u8>,
}

// --- wallet views ------------------------------------------------------------

/// The person's choice when accepting an offer: a `null` list accepts the offer's whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct Choice {
    /// Purposes to grant (a subset of the offer's).
    #[uniffi(default = None)]
    pub purposes: Option<Vec<String>>,
    /// Categories to grant (a subset of the offer's).
    #[uniffi(default = None)]
    pub categories: Option<Vec<String>>,
    /// Recipients to grant (a subset of the offer's).
    #[uniffi(default = None)]
    pub recipients: Option<Vec<String>>,
    /// When the grant expires (default: the offer's `validUntil`).
    #[uniffi(default = None)]
    pub expires_at: Option<Timestamp>,
    /// The status list entry the controller assigned to this grant
    /// (`StatusRegistry.assign`): the grant carries it so partners can check it live.
    #[uniffi(default = None)]
    pub status: Option<crate::status::StatusReference>,
}

impl TryFrom<Choice> for ck_wallet::Choice {
    type Error = ConsentKitError;
    fn try_from(c: Choice) -> Result<ck_wallet::Choice> {
        Ok(ck_wallet::Choice {
            purposes: c.purposes.as_deref().map(terms).transpose()?,
            categories: c.categories.as_deref().map(terms).transpose()?,
            recipients: c.recipients,
            expires_at: c.expires_at,
            status: c.status.map(Into::into),
        })
    }
}

/// One audit finding.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// The kind's stable name, as in the JSON report (e.g. `"after_withdrawal"`).
    pub kind_name: String,
    /// The artifact concerned (id), if it could be identified.
    pub artifact: Option<String>,
    /// The artifact's type, if known.
    pub artifact_kind: Option<ArtifactKind>,
    /// The controller concerned, if known.
    pub controller: Option<String>,
    /// Byte offset of the artifact in the bundle.
    pub offset: u64,
    /// What is wrong, for a person.
    pub message: String,
}

impl From<&ck_audit::Finding> for Finding {
    fn from(f: &ck_audit::Finding) -> Self {
        Finding {
            kind: f.kind.into(),
            kind_name: f.kind.name().to_owned(),
            artifact: f.artifact.map(|a| a.to_string()),
            artifact_kind: f.artifact_kind,
            controller: f.controller.clone(),
            offset: f.offset,
            message: f.message.clone(),
        }
    }
}

pub(crate) fn findings(list: &[ck_audit::Finding]) -> Vec<Finding> {
    list.iter().map(Into::into).collect()
}

/// What `Wallet.receive` took in, and the violations that now concern it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveOutcome {
    /// The artifact received.
    pub artifact: ArtifactInfo,
    /// Violations found concerning it (e.g. a receipt after a withdrawal).
    pub violations: Vec<Finding>,
}

/// A grant as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GrantView {
    /// The grant's id.
    pub id: String,
    /// The controller.
    pub controller: String,
    /// Its state at the time asked.
    pub state: ConsentState,
    /// Whether the controller has countersigned it.
    pub countersigned: bool,
    /// Purposes granted.
    pub purposes: Vec<String>,
    /// Categories granted.
    pub categories: Vec<String>,
    /// Recipients granted.
    pub recipients: Vec<String>,
    /// When given.
    pub issued_at: Timestamp,
}

impl From<&ck_wallet::GrantView> for GrantView {
    fn from(g: &ck_wallet::GrantView) -> Self {
        GrantView {
            id: g.id.to_string(),
            controller: g.controller.clone(),
            state: g.state,
            countersigned: g.countersigned,
            purposes: g.purposes.clone(),
            categories: g.categories.clone(),
            recipients: g.recipients.clone(),
            issued_at: g.issued_at,
        }
    }
}

/// One line of "what have I shared": with whom, what, for which purpose, under which grant.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Shared {
    /// The controller.
    pub controller: String,
    /// Who received the data (the controller itself or a partner).
    pub recipient: String,
    /// The data category.
    pub category: String,
    /// The purpose.
    pub purpose: String,
    /// Under which grant (id).
    pub grant: String,
    /// How many data points.
    pub uses: u64,
    /// First use.
    pub first: Timestamp,
    /// Last use.
    pub last: Timestamp,
}

/// A total received from one controller, in one unit.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ValueReceived {
    /// The controller.
    pub controller: String,
    /// The unit (currency, `"points"`, `"month"`, ...).
    pub unit: String,
    /// The total amount.
    pub amount: u64,
}

/// The person's summary: grants, what was shared, what was received, violations.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct WalletSummary {
    /// Grants and their states.
    pub grants: Vec<GrantView>,
    /// What was shared, with whom, for what.
    pub shared: Vec<Shared>,
    /// What was received, per controller and unit.
    pub received: Vec<ValueReceived>,
    /// Offers refused.
    pub refusals: u64,
    /// Violations found in the wallet's own records.
    pub violations: Vec<Finding>,
    /// What the wallet checked of each transparency log it trusts.
    pub logs: Vec<LogCheck>,
}

/// What a wallet checked of one transparency log it trusts (role `log`):
/// the checkpoints it has seen, their consistency, and the inclusion of the
/// person's own grants, refusals and withdrawals.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LogCheck {
    /// The log's origin (its party).
    pub origin: String,
    /// Tree sizes of the checkpoints seen whose signatures verify.
    pub checkpoints: Vec<u64>,
    /// The person's own artifacts proven to be in the log (ids).
    pub proven: Vec<String>,
    /// The person's own artifacts without a valid inclusion proof (ids).
    pub not_proven: Vec<String>,
    /// What failed: a checkpoint's signature, a missing or failing
    /// consistency proof (the log was rewritten), a failing inclusion proof.
    pub problems: Vec<String>,
}

impl From<&ck_wallet::LogCheck> for LogCheck {
    fn from(c: &ck_wallet::LogCheck) -> Self {
        LogCheck {
            origin: c.origin.clone(),
            checkpoints: c.checkpoints.clone(),
            proven: c.proven.iter().map(|a| a.to_string()).collect(),
            not_proven: c.not_proven.iter().map(|a| a.to_string()).collect(),
            problems: c.problems.clone(),
        }
    }
}

impl From<&ck_wallet::Summary> for WalletSummary {
    fn from(s: &ck_wallet::Summary) -> Self {
        WalletSummary {
            grants: s.grants.iter().map(Into::into).collect(),
            shared: s
                .shared
                .iter()
                .map(|x| Shared {
                    controller: x.controller.clone(),
                    recipient: x.recipient.clone(),
                    category: x.category.clone(),
                    purpose: x.purpose.clone(),
                    grant: x.grant.to_string(),
                    uses: x.uses,
                    first: x.first,
                    last: x.last,
                })
                .collect(),
            received: s
                .received
                .iter()
                .flat_map(|(controller, units)| {
                    units.iter().map(move |(unit, amount)| ValueReceived {
                        controller: controller.clone(),
                        unit: unit.clone(),
                        amount: *amount,
                    })
                })
                .collect(),
            refusals: s.refusals,
            violations: findings(&s.violations),
            logs: s.log.iter().map(Into::into).collect(),
        }
    }
}

// --- audit report --------------------------------------------------------------

/// A count of artifacts of one kind.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct KindCount {
    /// The kind.
    pub kind: ArtifactKind,
    /// How many.
    pub count: u64,
}

/// A count of grants in one state.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StateCount {
    /// The state.
    pub state: ConsentState,
    /// How many grants.
    pub count: u64,
}

/// An amount in one unit.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnitAmount {
    /// The unit.
    pub unit: String,
    /// The amount.
    pub amount: u64,
}

/// Counts for one controller.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ControllerStats {
    /// The controller's party id.
    pub controller: String,
    /// Offers.
    pub offers: u64,
    /// Grants.
    pub grants: u64,
    /// Refusals.
    pub refusals: u64,
    /// Withdrawals by people.
    pub withdrawals: u64,
    /// Revocations by the controller.
    pub revocations: u64,
    /// Data receipts under its grants.
    pub receipts: u64,
    /// Value records.
    pub value_records: u64,
    /// Findings concerning it.
    pub findings: u64,
    /// Value delivered, per unit.
    pub value_delivered: Vec<UnitAmount>,
    /// Grants per state at the audit time.
    pub grant_states: Vec<StateCount>,
}

/// Activity on one UTC day.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DayActivity {
    /// Day number since the epoch.
    pub day: u64,
    /// Grants given.
    pub grants: u64,
    /// Withdrawals and revocations taking effect.
    pub withdrawals: u64,
    /// Data receipts.
    pub receipts: u64,
}

/// An audit's result: the same content as `consentkit audit --format json`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuditReport {
    /// The audit time.
    pub at: Timestamp,
    /// Bytes read.
    pub bundle_bytes: u64,
    /// Items read.
    pub items: u64,
    /// Artifacts per kind.
    pub counts: Vec<KindCount>,
    /// Items whose type could not be determined.
    pub unreadable: u64,
    /// Per controller, sorted by party id.
    pub controllers: Vec<ControllerStats>,
    /// Activity per UTC day, in day order.
    pub days: Vec<DayActivity>,
    /// The findings, sorted by kind, artifact and message (a bounded
    /// number: the rest are counted in `findingsOmitted`).
    pub findings: Vec<Finding>,
    /// Findings per kind, all of them (listed or omitted).
    pub finding_counts: Vec<FindingCount>,
    /// Findings counted but not listed.
    pub findings_omitted: u64,
    /// The verdict: clean, findings, or empty (no artifact at all: not clean).
    pub outcome: AuditOutcome,
    /// The outcome's stable name, as in the JSON report (`"clean"`, `"findings"`, `"empty"`).
    pub outcome_name: String,
    /// Whether artifacts were read and nothing was found (false for an empty bundle).
    pub is_clean: bool,
    /// What the audit rests on: tool, bundle hash, trust set, log, signatures.
    pub provenance: AuditProvenance,
}

/// The verdict of an audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AuditOutcome {
    /// Artifacts were read and nothing was found.
    Clean,
    /// At least one finding.
    Findings,
    /// Nothing to audit: the bundle holds no artifact. Not clean.
    Empty,
}

impl From<ck_audit::Outcome> for AuditOutcome {
    fn from(o: ck_audit::Outcome) -> Self {
        match o {
            ck_audit::Outcome::Clean => AuditOutcome::Clean,
            ck_audit::Outcome::Findings => AuditOutcome::Findings,
            ck_audit::Outcome::Empty => AuditOutcome::Empty,
        }
    }
}

/// One key of the trust set an audit used.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuditTrustedKey {
    /// The key id (hex).
    pub kid: String,
    /// Its algorithm.
    pub algorithm: Algorithm,
    /// The role it signs in (`"controller"`, `"partner"`, `"person"`, `"log"`).
    pub role: String,
    /// The party it belongs to.
    pub party: String,
}

/// A checkpoint held against the log during an audit.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuditCheckpoint {
    /// Who supplied it (`"auditor"`).
    pub source: String,
    /// Its tree size.
    pub size: u64,
    /// Its root hash, base64.
    pub root_hash: String,
    /// Whether the log extends it.
    pub consistent: bool,
}

/// The transparency log an audit used.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuditLog {
    /// The log's origin.
    pub origin: String,
    /// Its checkpoint's tree size.
    pub size: u64,
    /// Its root hash, base64.
    pub root_hash: String,
    /// Whether logged artifacts were admitted without checking their signatures.
    pub trust_admission: bool,
    /// Archived checkpoints proven consistent.
    pub archived_consistent: u64,
    /// Archived checkpoints that failed.
    pub archived_problems: u64,
    /// Checkpoints given by the auditor.
    pub checkpoints: Vec<AuditCheckpoint>,
}

/// Where an audit report comes from and what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AuditProvenance {
    /// The tool (`"consentkit"`).
    pub tool: String,
    /// Its version.
    pub version: String,
    /// SHA-256 (hex) of every byte of the bundle.
    pub bundle_sha256: String,
    /// SHA-256 (hex) of the trust set's canonical encoding (keys sorted by kid).
    pub trust_sha256: String,
    /// Every trusted key, sorted by kid.
    pub trust_keys: Vec<AuditTrustedKey>,
    /// The log, if the audit used one.
    pub log: Option<AuditLog>,
    /// Signatures checked against the trust set.
    pub signatures_checked: u64,
    /// Signatures admitted through the log without being checked again.
    pub signatures_admitted: u64,
}

impl From<&ck_audit::Provenance> for AuditProvenance {
    fn from(p: &ck_audit::Provenance) -> Self {
        AuditProvenance {
            tool: p.tool.clone(),
            version: p.version.clone(),
            bundle_sha256: p.bundle_sha256.clone(),
            trust_sha256: p.trust.sha256.clone(),
            trust_keys: p
                .trust
                .keys
                .iter()
                .map(|k| AuditTrustedKey {
                    kid: k.kid.to_string(),
                    algorithm: k.algorithm,
                    role: k.role.as_str().to_owned(),
                    party: k.party.clone(),
                })
                .collect(),
            log: p.log.as_ref().map(|l| AuditLog {
                origin: l.origin.clone(),
                size: l.size,
                root_hash: l.root_hash.clone(),
                trust_admission: l.trust_admission,
                archived_consistent: l.archived_consistent,
                archived_problems: l.archived_problems,
                checkpoints: l
                    .checkpoints
                    .iter()
                    .map(|c| AuditCheckpoint {
                        source: c.source.clone(),
                        size: c.size,
                        root_hash: c.root_hash.clone(),
                        consistent: c.consistent,
                    })
                    .collect(),
            }),
            signatures_checked: p.signatures.checked,
            signatures_admitted: p.signatures.admitted,
        }
    }
}

/// A count of findings of one kind.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FindingCount {
    /// The kind.
    pub kind: FindingKind,
    /// Its stable name, as in the JSON report.
    pub kind_name: String,
    /// How many.
    pub count: u64,
}

impl From<&ck_audit::Report> for AuditReport {
    fn from(r: &ck_audit::Report) -> Self {
        AuditReport {
            at: r.at,
            bundle_bytes: r.bundle_bytes,
            items: r.items,
            counts: r
                .counts
                .iter()
                .map(|c| KindCount {
                    kind: c.kind,
                    count: c.count,
                })
                .collect(),
            unreadable: r.unreadable,
            controllers: r
                .controllers
                .iter()
                .map(|c| ControllerStats {
                    controller: c.controller.clone(),
                    offers: c.offers,
                    grants: c.grants,
                    refusals: c.refusals,
                    withdrawals: c.withdrawals,
                    revocations: c.revocations,
                    receipts: c.receipts,
                    value_records: c.value_records,
                    findings: c.findings,
                    value_delivered: c
                        .value_delivered
                        .iter()
                        .map(|u| UnitAmount {
                            unit: u.unit.clone(),
                            amount: u.amount,
                        })
                        .collect(),
                    grant_states: c
                        .grant_states
                        .iter()
                        .map(|s| StateCount {
                            state: s.state,
                            count: s.count,
                        })
                        .collect(),
                })
                .collect(),
            days: r
                .days
                .iter()
                .map(|d| DayActivity {
                    day: d.day,
                    grants: d.grants,
                    withdrawals: d.withdrawals,
                    receipts: d.receipts,
                })
                .collect(),
            findings: findings(&r.findings),
            finding_counts: r
                .finding_counts
                .iter()
                .map(|c| FindingCount {
                    kind: c.kind.into(),
                    kind_name: c.kind.name().to_owned(),
                    count: c.count,
                })
                .collect(),
            findings_omitted: r.findings_omitted,
            outcome: r.outcome.into(),
            outcome_name: r.outcome.name().to_owned(),
            is_clean: r.is_clean(),
            provenance: (&r.provenance).into(),
        }
    }
}
