//! What an audit checked, and with what: every report carries it.

use serde::Serialize;

use super::LogView;
use crate::cbor::Value;
use crate::keys::{Algorithm, KeyId, Role, TrustSet, TrustedKey};

/// The verdict of an audit, in one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditOutcome"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditOutcome"))]
pub enum Outcome {
    /// Artifacts were read and nothing was found.
    Clean,
    /// At least one finding (including `malformed` items and a bundle
    /// that cannot be read past some byte).
    Findings,
    /// Nothing to audit: the bundle holds no item at all (no artifact, and
    /// nothing that could be reported). Not clean.
    #[default]
    Empty,
}

impl Outcome {
    /// The stable snake_case name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Clean => "clean",
            Outcome::Findings => "findings",
            Outcome::Empty => "empty",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a report comes from and what it rests on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditProvenance"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditProvenance"))]
pub struct Provenance {
    /// The tool that wrote the report (`"consentkit"`).
    pub tool: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of the bundle's bytes, all of them (hex), as both passes read them.
    pub bundle_sha256: String,
    /// The trust set the signatures were checked against.
    pub trust: TrustProvenance,
    /// The transparency log the bundle was checked against, if any.
    pub log: Option<LogProvenance>,
    /// How the signatures of the artifacts that decoded were accepted.
    pub signatures: SignatureCounts,
}

/// The trust set, as the audit used it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TrustProvenance {
    /// SHA-256 (hex) of the trust set's canonical encoding: the COSE_KeySet
    /// with `role` and `party` of docs/FORMAT.md, keys sorted by kid, so the
    /// same keys give the same digest whatever the trust file's order.
    pub sha256: String,
    /// Every key, sorted by kid.
    pub keys: Vec<TrustedKeyInfo>,
}

/// One trusted key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditTrustedKey"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditTrustedKey"))]
pub struct TrustedKeyInfo {
    /// The key id (RFC 9679 thumbprint, hex).
    pub kid: KeyId,
    /// Its algorithm (`"Ed25519"` or `"ES256"`).
    pub algorithm: Algorithm,
    /// The role it may sign in.
    pub role: Role,
    /// The party it belongs to.
    pub party: String,
}

/// The transparency log, as the audit used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditLog"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditLog"))]
pub struct LogProvenance {
    /// The log's origin (its name).
    pub origin: String,
    /// The tree size of its checkpoint (signature verified with the trusted log key).
    pub size: u64,
    /// The root hash of that tree, base64 as in the checkpoint note.
    pub root_hash: String,
    /// Whether artifacts found in the log were admitted without checking
    /// their signatures again (`--log` without `--verify-logged`).
    pub trust_admission: bool,
    /// Archived checkpoints in the log directory proven consistent with it.
    pub archived_consistent: u64,
    /// Archived checkpoints that failed (each is a `log_inconsistent` finding).
    pub archived_problems: u64,
    /// The checkpoints given by the auditor (`--checkpoint`), in order.
    pub checkpoints: Vec<CheckpointCheck>,
    /// The witness policy's view of the log (audits with a policy only):
    /// its quorum, whether the checkpoint meets it, which witnesses cosigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub witnesses: Option<super::witnessed::WitnessView>,
}

/// A checkpoint held against the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditCheckpoint"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditCheckpoint"))]
pub struct CheckpointCheck {
    /// Who supplied it: `"auditor"`.
    pub source: String,
    /// Its tree size.
    pub size: u64,
    /// Its root hash, base64.
    pub root_hash: String,
    /// Whether the log's tree extends it (if not: a `log_inconsistent` finding).
    pub consistent: bool,
}

/// How many signatures were checked and how many were taken on the log's word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignatureCounts {
    /// Signatures checked cryptographically against the trust set (valid
    /// or not: failures are findings).
    pub checked: u64,
    /// Signatures not checked: their artifact is in the log, which checked
    /// it on entry (roles and parties were still checked).
    pub admitted: u64,
}

impl SignatureCounts {
    /// Adds another count.
    pub fn add(&mut self, o: SignatureCounts) {
        self.checked += o.checked;
        self.admitted += o.admitted;
    }
}

/// SHA-256 (hex) of the trust set's canonical encoding, and its keys, both by kid.
pub fn trust_provenance(trust: &TrustSet) -> TrustProvenance {
    let mut keys: Vec<_> = trust.iter().collect();
    crate::sort::sort_by_key(&mut keys, |t| t.key.kid());
    let canonical = Value::Array(
        keys.iter()
            .map(|t| {
                t.key.to_cose_key_value(vec![
                    (Value::text("role"), Value::text(t.role.as_str())),
                    (Value::text("party"), Value::text(t.party.clone())),
                ])
            })
            .collect(),
    )
    .to_vec();
    TrustProvenance {
        sha256: hex::encode(crate::artifact::sha256(&canonical)),
        keys: keys.iter().map(|t| key_info(t)).collect(),
    }
}

/// Every key of a trust set (kid, algorithm, role, party), sorted by kid:
/// what the skins' `TrustSet.keys()` returns, and the report's
/// `provenance.trust.keys` for the same set.
pub fn trusted_keys(trust: &TrustSet) -> Vec<TrustedKeyInfo> {
    let mut keys: Vec<_> = trust.iter().map(key_info).collect();
    crate::sort::sort_by_key(&mut keys, |k| k.kid);
    keys
}

fn key_info(t: &TrustedKey) -> TrustedKeyInfo {
    TrustedKeyInfo {
        kid: t.key.kid(),
        algorithm: t.key.algorithm(),
        role: t.role,
        party: t.party.clone(),
    }
}

/// The log's checkpoint and the checks held against it.
pub fn log_provenance(log: &LogView) -> LogProvenance {
    LogProvenance {
        origin: log.checkpoint.origin.clone(),
        size: log.checkpoint.size,
        root_hash: crate::log::note::b64_encode(&log.checkpoint.root),
        trust_admission: log.trust_admission,
        archived_consistent: log.archived_consistent,
        archived_problems: log.archived_problems,
        checkpoints: log.supplied.clone(),
        witnesses: log.witnesses.as_ref().map(|w| w.view.clone()),
    }
}
