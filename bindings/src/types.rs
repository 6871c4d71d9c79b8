//! Records and enums that cross the boundary, and their translation from
//! and to the core's types. Nothing here decides anything: every check is
//! the core's (terms, ids and lengths are parsed by the core's own parsers).

use consentkit::artifact::{ArtifactId, Digest};
use consentkit::audit as ck_audit;
use consentkit::{Artifact, Term};

use crate::error::{ConsentKitError, Result};
use consentkit::Timestamp;

// The core's own types, exported as they are (their uniffi derives are in
// core/, feature `uniffi`; generated as the module `consentkit_core`).
pub use consentkit::artifact::ArtifactKind;
pub use consentkit::audit::{Finding, FindingCount, FindingKind};
pub use consentkit::keys::{Algorithm, Role};
pub use consentkit::lifecycle::ConsentState;
pub use consentkit::Commitment;
pub use consentkit::{Benefit, BenefitKind, Limits, Recipient, ValueEstimate, ValueRecord};
pub use consentkit::{DataReceipt, Notice, Offer, Signatory, VerifiedSigner};
// The audit report's small records; `audit::Outcome` is `AuditOutcome` and
// `audit::CheckpointCheck` is `AuditCheckpoint` in the skins (uniffi `name`).
pub use consentkit::audit::{
    CheckpointCheck as AuditCheckpoint, ControllerStats, DayActivity, KindCount,
    Outcome as AuditOutcome, StateCount, TrustedKeyInfo as AuditTrustedKey, UnitAmount,
};
// The wallet's records; `wallet::Summary` is `WalletSummary` in the skins (uniffi `name`).
pub use consentkit::wallet::{
    GrantView, LogCheck, Shared, Summary as WalletSummary, ValueReceived,
};

// --- enums ----------------------------------------------------------------

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

/// An artifact whose every signature verified against a trust set.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedArtifact {
    /// The artifact.
    pub artifact: ArtifactInfo,
    /// Its signatures and who made them, in order.
    pub signers: Vec<VerifiedSigner>,
}

// --- wallet views ------------------------------------------------------------

/// The person's choice when accepting an offer: the core's own record.
pub use consentkit::wallet::Choice;

pub(crate) fn findings(list: &[ck_audit::Finding]) -> Vec<Finding> {
    list.to_vec()
}

/// What `Wallet.receive` took in, and the violations that now concern it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveOutcome {
    /// The artifact received.
    pub artifact: ArtifactInfo,
    /// Violations found concerning it (e.g. a receipt after a withdrawal).
    pub violations: Vec<Finding>,
}

// --- audit report --------------------------------------------------------------

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
            trust_keys: p.trust.keys.clone(),
            log: p.log.as_ref().map(|l| AuditLog {
                origin: l.origin.clone(),
                size: l.size,
                root_hash: l.root_hash.clone(),
                trust_admission: l.trust_admission,
                archived_consistent: l.archived_consistent,
                archived_problems: l.archived_problems,
                checkpoints: l.checkpoints.clone(),
            }),
            signatures_checked: p.signatures.checked,
            signatures_admitted: p.signatures.admitted,
        }
    }
}

impl From<&ck_audit::Report> for AuditReport {
    fn from(r: &ck_audit::Report) -> Self {
        AuditReport {
            at: r.at,
            bundle_bytes: r.bundle_bytes,
            items: r.items,
            counts: r.counts.clone(),
            unreadable: r.unreadable,
            controllers: r.controllers.clone(),
            days: r.days.clone(),
            findings: findings(&r.findings),
            finding_counts: r.finding_counts.clone(),
            findings_omitted: r.findings_omitted,
            outcome: r.outcome,
            outcome_name: r.outcome.name().to_owned(),
            is_clean: r.is_clean(),
            provenance: (&r.provenance).into(),
        }
    }
}
