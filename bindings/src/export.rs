//! Exports (Kantara Consent Receipt 1.1, ISO/IEC TS 27560 with DPV): glue
//! over `consentkit::export::export_consents`, which holds every rule.

use consentkit::export::{controller_infos_from_json, ExportFormat};

use crate::error::{ConsentKitError, Result};
use crate::types::artifact_id;
use consentkit::Timestamp;

/// A grant or refusal that could not be exported because of what it is
/// (e.g. it takes more than its offer offered, or its offer is not in the
/// bundle); the others are still exported.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefusedExport {
    /// The grant's or refusal's id (32 hex digits).
    pub id: String,
    /// Why it was not exported.
    pub reason: String,
}

/// What `export_consents` produced.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentExport {
    /// One JSON document per exported grant or refusal (a Kantara receipt
    /// or a JSON-LD consent record), in order of (issue time, id).
    pub documents: Vec<String>,
    /// What could not be exported, and why.
    pub refused: Vec<RefusedExport>,
}

/// Exports the grants (and, for `"iso27560"`, refusals) of `bundle` (a CBOR
/// sequence of artifacts) as Kantara Consent Receipts v1.1 (`format`
/// `"kantara"`) or ISO/IEC TS 27560 consent records in DPV JSON-LD
/// (`"iso27560"`), each with its status at `at` (seconds since the epoch):
/// given, withdrawn, revoked, expired, superseded. `grant_ids` (32 hex
/// digits each) selects decisions; empty means all given at or before `at`.
/// `controllers_json` gives each controller's and recipient's name,
/// contact, address, policy URL and storage locations (docs/EXPORTS.md).
/// Signatures are not verified: verify or audit the bundle first.
///
/// Throws `InvalidInput` for an unreadable bundle, bad ids or controller
/// info JSON, and `Usage` for an unknown format, an id that is not a grant
/// or refusal in the bundle, or controller info missing what the format
/// requires.
#[uniffi::export]
pub fn export_consents(
    bundle: Vec<u8>,
    format: String,
    grant_ids: Vec<String>,
    at: Timestamp,
    controllers_json: String,
) -> Result<ConsentExport> {
    let format = ExportFormat::from_name(&format).ok_or_else(|| ConsentKitError::Usage {
        reason: format!("export format must be \"kantara\" or \"iso27560\", found {format:?}"),
    })?;
    let ids = grant_ids
        .iter()
        .map(|g| artifact_id(g))
        .collect::<Result<Vec<_>>>()?;
    let infos = controller_infos_from_json(&controllers_json)?;
    let out = consentkit::export::export_consents(&bundle, format, &ids, at, &infos)?;
    Ok(ConsentExport {
        documents: out.documents.iter().map(|d| d.to_string()).collect(),
        refused: out
            .refused
            .into_iter()
            .map(|(id, why)| RefusedExport {
                id: id.to_string(),
                reason: why.to_string(),
            })
            .collect(),
    })
}
