//! Verify, audit and inspect for JavaScript: the core's
//! `Artifact::decode`/`verify`, `audit::audit_bytes` and the report renderers.

use consentkit::artifact::MAX_ARTIFACT_SIZE;
use consentkit::artifact::{Artifact, ArtifactInfo, VerifiedArtifact, VerifiedSigner};
use consentkit::audit::identify;
#[cfg(feature = "auditor")]
use consentkit::audit::{audit_bytes, render_html, render_text, AuditOptions, Report};
use consentkit::cbor::seq::{self, Framed};
use consentkit::privacy::{commit as core_commit, verify_commitment as core_verify_commitment};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

#[cfg(feature = "auditor")]
use crate::convert::time;
use crate::convert::{artifact_js, hex32, set_artifact_bytes, set_bytes, to_js, to_js_as};
use crate::error::CkError;
use crate::keys::JsTrustSet;

#[wasm_bindgen]
extern "C" {
    /// `VerifiedArtifact`.
    #[wasm_bindgen(typescript_type = "VerifiedArtifact")]
    pub type VerifiedArtifactJs;
    /// `BundleItem[]`.
    #[wasm_bindgen(typescript_type = "BundleItem[]")]
    pub type BundleItemList;
    /// `InspectItem[]`.
    #[wasm_bindgen(typescript_type = "InspectItem[]")]
    pub type InspectItemList;
    /// `ArtifactInfo`.
    #[wasm_bindgen(typescript_type = "ArtifactInfo")]
    pub type ArtifactInfoJs;
    /// `AuditReportJson`.
    #[wasm_bindgen(typescript_type = "AuditReportJson")]
    pub type AuditReportJsonJs;
    /// `Commitment`.
    #[wasm_bindgen(typescript_type = "Commitment")]
    pub type CommitmentJs;
}

/// One item of a CBOR sequence: `(offset, bytes)`, or where and why it
/// cannot be used: `(offset, message)`.
pub(crate) type SeqItem = Result<(usize, Vec<u8>), (usize, String)>;

/// The items of a CBOR sequence, framed by the core's reader
/// (`consentkit::cbor::seq`): a well-formed item that breaks the profile,
/// or is over the size limit, is one bad item and the rest is still read.
pub(crate) fn split(bytes: &[u8]) -> Vec<SeqItem> {
    seq::split(bytes)
        .map(|f| match f {
            Framed::Item { offset, bytes } => Ok((offset as usize, bytes)),
            Framed::Oversize { offset, len } => Err((
                offset as usize,
                format!(
                    "item at byte {offset}: {len} bytes, over the {MAX_ARTIFACT_SIZE}-byte artifact limit (skipped)"
                ),
            )),
            Framed::NotCbor(e) => Err((
                e.item_offset as usize,
                format!("bundle unreadable: {e}"),
            )),
        })
        .collect()
}

/// An error reported inside a result rather than thrown.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ErrorInfo"))]
pub(crate) struct ErrorView {
    #[cfg_attr(feature = "ts", ts(type = "ErrorCode"))]
    code: &'static str,
    message: String,
}

impl From<CkError> for ErrorView {
    fn from(e: CkError) -> ErrorView {
        ErrorView {
            code: e.code.as_str(),
            message: e.message,
        }
    }
}

/// One item of `verifyBundle`.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleItem {
    /// Byte offset in the bundle.
    pub offset: usize,
    /// Whether the item decoded and verified.
    pub ok: bool,
    #[cfg_attr(feature = "ts", ts(type = "ArtifactKind | null"))]
    kind: Option<&'static str>,
    id: Option<String>,
    signers: Vec<VerifiedSigner>,
    error: Option<ErrorView>,
}

/// Verifies each item of a bundle (natively testable core of `verifyBundle`).
pub fn verify_items(bundle: &[u8], trust: &consentkit::TrustSet) -> Vec<BundleItem> {
    split(bundle)
        .into_iter()
        .map(|item| match item {
            Ok((offset, b)) => match Artifact::decode(&b) {
                Ok(a) => {
                    let (ok, signers, error) = match a.verify(trust) {
                        Ok(s) => (true, s, None),
                        Err(e) => (false, Vec::new(), Some(CkError::from(e).into())),
                    };
                    BundleItem {
                        offset,
                        ok,
                        kind: Some(a.kind().name()),
                        id: Some(a.id().to_string()),
                        signers,
                        error,
                    }
                }
                Err(e) => {
                    // Named when its COSE structure yields a type and a payload.
                    let (kind, id) = identify(&b);
                    BundleItem {
                        offset,
                        ok: false,
                        kind: kind.map(|k| k.name()),
                        id: id.map(|i| i.to_string()),
                        signers: Vec::new(),
                        error: Some(CkError::from(e).into()),
                    }
                }
            },
            Err((offset, message)) => BundleItem {
                offset,
                ok: false,
                kind: None,
                id: None,
                signers: Vec::new(),
                error: Some(CkError::invalid(message).into()),
            },
        })
        .collect()
}

/// Decodes one artifact strictly (size limit, deterministic CBOR, header
/// profile, payload schema) and returns its JSON view. Signatures are not
/// checked: see `verify`.
#[wasm_bindgen(js_name = decodeArtifact)]
pub fn decode(bytes: BytesJs) -> Result<ArtifactInfoJs, CkError> {
    let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
    Ok(artifact_js(&Artifact::decode(bytes)?)?.unchecked_into())
}

/// Decodes an artifact or a bundle (CBOR sequence) into JSON views, one per
/// item; an item that does not decode gives `{ offset, error }`.
#[wasm_bindgen]
pub fn inspect(bytes: BytesJs) -> Result<InspectItemList, CkError> {
    let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
    let decoded: Vec<(usize, Result<Artifact, CkError>)> = split(bytes)
        .into_iter()
        .map(|item| match item {
            Ok((offset, b)) => (offset, Artifact::decode(&b).map_err(CkError::from)),
            Err((offset, message)) => (offset, Err(CkError::invalid(message))),
        })
        .collect();
    let out = js_sys::Array::new();
    for (offset, a) in decoded {
        let item = match a {
            Ok(a) => {
                let artifact = a.info();
                let v = to_js(&InspectItem::Artifact {
                    offset,
                    artifact: artifact.clone(),
                })?;
                set_bytes(&v, &artifact.bytes)?;
                v
            }
            Err(e) => to_js(&InspectItem::Unreadable {
                offset,
                error: e.into(),
            })?,
        };
        out.push(&item);
    }
    Ok(out.unchecked_into())
}

/// One item of `inspect`: an artifact's view, or why it could not be decoded.
#[derive(Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub(crate) enum InspectItem {
    /// A decoded artifact ([`ArtifactInfo`]'s fields), with its offset.
    Artifact {
        /// Byte offset of the item in the bundle.
        offset: usize,
        /// The artifact.
        #[serde(flatten)]
        artifact: ArtifactInfo,
    },
    /// An item that is not an artifact.
    Unreadable {
        /// Byte offset of the item in the bundle.
        offset: usize,
        /// Why it could not be decoded.
        error: ErrorView,
    },
}

/// Verifies one artifact against a trust set: every signature, and who may
/// sign it. Returns the artifact and who signed it (`{ artifact, signers }`,
/// as in every skin); throws `VERIFICATION_FAILED`, `UNTRUSTED_KEY` or
/// `INVALID_INPUT`.
#[wasm_bindgen]
pub fn verify(artifact: BytesJs, trust: &JsTrustSet) -> Result<VerifiedArtifactJs, CkError> {
    let artifact: &[u8] = &crate::convert::bytes(&artifact, "artifact")?;
    let a = Artifact::decode(artifact)?;
    let signers = a.verify(&trust.inner)?;
    let info = a.info();
    let out = to_js(&VerifiedArtifact {
        artifact: info.clone(),
        signers,
    })?;
    set_artifact_bytes(&out, &info.bytes)?;
    Ok(out.unchecked_into())
}

/// Verifies every item of a bundle; never throws for a bad item (its
/// `error` says what is wrong).
#[wasm_bindgen(js_name = verifyBundle)]
pub fn verify_bundle(bundle: BytesJs, trust: &JsTrustSet) -> Result<BundleItemList, CkError> {
    let bundle: &[u8] = &crate::convert::bytes(&bundle, "bundle")?;
    to_js_as(&verify_items(bundle, &trust.inner))
}

/// The result of an audit: the report (docs/AUDIT-REPORT.md) and its renderings.
#[cfg(feature = "auditor")]
#[wasm_bindgen]
pub struct AuditReport {
    inner: Report,
}

#[cfg(feature = "auditor")]
impl AuditReport {
    pub(crate) fn from_report(inner: Report) -> AuditReport {
        AuditReport { inner }
    }
}

#[cfg(feature = "auditor")]
#[wasm_bindgen]
impl AuditReport {
    /// The report as a plain object: the report of docs/AUDIT-REPORT.md
    /// with camelCase field names, as every object of this package.
    #[wasm_bindgen(getter)]
    pub fn report(&self) -> Result<AuditReportJsonJs, CkError> {
        to_js_as(&self.inner.to_json())
    }

    /// The report document exactly as docs/AUDIT-REPORT.md and its JSON
    /// schema define it (snake_case keys, as the CLI writes it), so that
    /// `JSON.stringify(auditReport)` gives the JSON report.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "AuditReportDocument")]
    pub fn to_json(&self) -> Result<JsValue, CkError> {
        crate::convert::to_js_exact(&self.inner.to_json())
    }

    /// The verdict: `"clean"`, `"findings"`, or `"empty"` (the bundle
    /// holds no artifact: nothing was audited, which is not clean).
    #[wasm_bindgen(getter, unchecked_return_type = "AuditOutcome")]
    pub fn outcome(&self) -> String {
        self.inner.outcome.name().to_owned()
    }

    /// Whether artifacts were read and nothing was found (false for an
    /// empty bundle): the core's `Report::is_clean`, as uniffi's `isClean()`.
    #[wasm_bindgen(getter, js_name = isClean)]
    pub fn is_clean(&self) -> bool {
        self.inner.is_clean()
    }

    /// The outcome's stable name (`"clean"`, `"findings"`, `"empty"`): the
    /// core's `Report::outcome_name`, as uniffi's `outcomeName()`.
    #[wasm_bindgen(getter, js_name = outcomeName)]
    pub fn outcome_name(&self) -> String {
        self.inner.outcome_name()
    }

    /// The number of findings.
    #[wasm_bindgen(getter, js_name = findingCount)]
    pub fn finding_count(&self) -> usize {
        self.inner.findings.len()
    }

    /// One self-contained HTML page (no scripts, no external resources).
    #[wasm_bindgen(js_name = renderHtml)]
    pub fn render_html(&self) -> String {
        render_html(&self.inner)
    }

    /// A text summary, as the CLI prints it.
    #[wasm_bindgen(js_name = renderText)]
    pub fn render_text(&self) -> String {
        render_text(&self.inner)
    }
}

/// Audits a bundle (a CBOR sequence, any order) against a trust set at
/// time `at` (seconds since 1970; default: now): every signature, each
/// grant's lifecycle, every data use against its grant.
#[cfg(feature = "auditor")]
#[wasm_bindgen]
pub fn audit(bundle: BytesJs, trust: &JsTrustSet, at: Option<f64>) -> Result<AuditReport, CkError> {
    let bundle: &[u8] = &crate::convert::bytes(&bundle, "bundle")?;
    let at = match at {
        Some(t) => time(t, "at")?,
        None => time((js_sys::Date::now() / 1000.0).floor(), "now")?,
    };
    Ok(AuditReport {
        inner: audit_bytes(bundle, &trust.inner, &AuditOptions { at: Some(at) }),
    })
}

/// Commits to data with a fresh random salt: put `value` (64 hex digits)
/// in a data receipt's `commitment`, keep `salt` (and the data) to open it
/// later. The core's `Commitment`, as in every language.
#[wasm_bindgen]
pub fn commit(data: BytesJs) -> Result<CommitmentJs, CkError> {
    let data: &[u8] = &crate::convert::bytes(&data, "data")?;
    let c = core_commit(data)?;
    to_js_as(&c)
}

/// Whether `commitment` (64 hex digits) opens to `data` with `salt` (32 hex digits).
#[wasm_bindgen(js_name = verifyCommitment)]
pub fn verify_commitment(commitment: &str, salt: &str, data: BytesJs) -> Result<bool, CkError> {
    let data: &[u8] = &crate::convert::bytes(&data, "data")?;
    let c = hex32(commitment, "commitment")?;
    let s = hex::decode(salt)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| CkError::invalid("salt must be 32 hex digits (16 bytes)"))?;
    Ok(core_verify_commitment(&c, &s, data))
}

/// Whether `value` is an error thrown by this package (`name` is
/// `"ConsentKitError"`, with a `code`).
#[wasm_bindgen(
    js_name = isConsentKitError,
    unchecked_return_type = "value is ConsentKitError"
)]
pub fn is_consentkit_error(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
) -> bool {
    crate::error::is_consentkit_error(&value)
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use consentkit::audit::to_sequence;
    use consentkit::sample::{self, Parties};

    #[test]
    fn a_bundle_is_verified_item_by_item() {
        let p = Parties::new().unwrap();
        let all = sample::all(&p).unwrap();
        let mut bundle = to_sequence(all.iter());
        let n = all.len();
        bundle.extend_from_slice(&[0xff, 0x00]);
        let items = verify_items(&bundle, &p.trust());
        assert_eq!(items.len(), n + 1);
        assert!(items[..n].iter().all(|i| i.ok));
        assert_eq!(items[1].signers.len(), 2);
        assert_eq!(
            items[1].signers[0].signatory,
            consentkit::artifact::Signatory::Subject
        );
        let last = items[n].error.as_ref().unwrap();
        assert_eq!(last.code, "INVALID_INPUT");
        // A well-formed item that breaks the profile (an indefinite-length
        // COSE array) does not stop the bundle: the items after it are verified.
        let mut b = to_sequence(all[..2].iter());
        let mut breaker = all[0].as_bytes().to_vec();
        breaker[1] = 0x9f; // 0xd2 0x84 ... → 0xd2 0x9f ... 0xff
        breaker.push(0xff);
        b.extend(&breaker);
        b.extend(all[2].as_bytes());
        let items = verify_items(&b, &p.trust());
        assert_eq!(items.len(), 4);
        assert!(!items[2].ok);
        assert_eq!(
            items[2].id.as_deref(),
            Some(all[0].id().to_string().as_str())
        );
        assert!(items[3].ok);
        assert!(verify_items(&[], &p.trust()).is_empty());
        // Untrusted: an empty trust set.
        let items = verify_items(&to_sequence(all.iter()), &consentkit::TrustSet::new());
        assert_eq!(items[0].error.as_ref().unwrap().code, "UNTRUSTED_KEY");
    }
}
