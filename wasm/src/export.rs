//! Exports for JavaScript: glue over the core's
//! `consentkit::export::export_consents` (Kantara Consent Receipt 1.1,
//! ISO/IEC TS 27560 with DPV), which holds every rule.

use consentkit::export::{controller_infos_from_json, ExportFormat};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

use crate::convert::{artifact_id, time, to_js_as};
use crate::error::{CkError, Code};

#[wasm_bindgen]
extern "C" {
    /// `ConsentExport`.
    #[wasm_bindgen(typescript_type = "ConsentExport")]
    pub type ConsentExportJs;
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RefusedExport"))]
pub(crate) struct RefusedView {
    id: String,
    reason: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ConsentExport"))]
pub(crate) struct ExportView<'a> {
    #[cfg_attr(feature = "ts", ts(type = "Array<Record<string, unknown>>"))]
    documents: &'a [serde_json::Value],
    refused: Vec<RefusedView>,
}

/// Exports the grants (and, for `"iso27560"`, refusals) of a bundle as
/// Kantara Consent Receipts v1.1 (`format` `"kantara"`) or ISO/IEC TS 27560
/// consent records in DPV JSON-LD (`"iso27560"`), each with its status at
/// `at` (seconds since 1970). `grantIds` (32 hex digits each) selects
/// decisions; empty means all given at or before `at`. `controllersJson`
/// gives each controller's and recipient's name, contact, address, policy
/// URL and storage locations (docs/EXPORTS.md). Signatures are not
/// verified: verify or audit the bundle first.
#[wasm_bindgen(js_name = exportConsents)]
pub fn export_consents(
    bundle: BytesJs,
    format: &str,
    #[wasm_bindgen(js_name = grantIds)] grant_ids: Vec<String>,
    at: f64,
    #[wasm_bindgen(js_name = controllersJson)] controllers_json: &str,
) -> Result<ConsentExportJs, CkError> {
    let bundle: &[u8] = &crate::convert::bytes(&bundle, "bundle")?;
    let format = ExportFormat::from_name(format).ok_or_else(|| {
        CkError::new(
            Code::Usage,
            "format must be \"kantara\" or \"iso27560\"".to_owned(),
        )
    })?;
    let ids = grant_ids
        .iter()
        .map(|g| artifact_id(g, "grant id"))
        .collect::<Result<Vec<_>, _>>()?;
    let at = time(at, "at")?;
    let infos = controller_infos_from_json(controllers_json)?;
    let out = consentkit::export::export_consents(bundle, format, &ids, at, &infos)?;
    to_js_as(&ExportView {
        documents: &out.documents,
        refused: out
            .refused
            .into_iter()
            .map(|(id, why)| RefusedView {
                id: id.to_string(),
                reason: why.to_string(),
            })
            .collect(),
    })
}
