//! Records and enums that cross the boundary, and their translation from
//! and to the core's types. Nothing here decides anything: every check is
//! the core's (terms, ids and lengths are parsed by the core's own parsers).

use consentkit::artifact::{ArtifactId, Digest};
use consentkit::audit as ck_audit;
use consentkit::Term;

use crate::error::{ConsentKitError, Result};

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
// The audit report itself and its provenance: `audit::Report` is
// `AuditReport`, `Provenance` `AuditProvenance` and `LogProvenance`
// `AuditLog` in the skins (uniffi `name`, as in TypeScript); `isClean()` and
// `outcomeName()` are the core's methods, exported.
pub use consentkit::audit::{
    CosignerInfo, LogProvenance as AuditLog, Provenance as AuditProvenance, Report as AuditReport,
    SignatureCounts, TrustProvenance, WitnessView,
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

/// A decoded artifact, and an artifact whose signatures verified: the
/// core's own records.
pub use consentkit::artifact::{ArtifactInfo, SignerView, VerifiedArtifact};

// --- wallet views ------------------------------------------------------------

/// The person's choice when accepting an offer: the core's own record.
pub use consentkit::wallet::Choice;

pub(crate) fn findings(list: &[ck_audit::Finding]) -> Vec<Finding> {
    list.to_vec()
}

/// What `Wallet.receive` returns: the core's own record.
pub use consentkit::wallet::ReceiveOutcome;
