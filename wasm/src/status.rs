//! Live withdrawal status for JavaScript (IETF Token Status List, CWT
//! form): the controller's `StatusRegistry` and the partner's one call,
//! `checkGrantStatus`. Glue only: every rule is in `consentkit::status`.

use consentkit::artifact::Artifact;
#[cfg(feature = "auditor")]
use consentkit::audit::{audit_source_with_status, AuditOptions};
use consentkit::log::receipt::ReceiptClaims;
use consentkit::status::{self as ck_status, StatusError};
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

use crate::convert::{absent, time, to_js_as, Obj};
use crate::error::{CkError, Code};
#[cfg(feature = "auditor")]
use crate::issuer::Issuer;
use crate::keys::JsTrustSet;
#[cfg(feature = "auditor")]
use crate::verify::AuditReport;

#[wasm_bindgen]
extern "C" {
    /// `StatusReference`.
    #[wasm_bindgen(typescript_type = "StatusReference")]
    pub type StatusReferenceJs;
    /// `StatusAnswer`.
    #[wasm_bindgen(typescript_type = "StatusAnswer")]
    pub type StatusAnswerJs;
    /// `GrantStatus`.
    #[wasm_bindgen(typescript_type = "GrantStatus")]
    pub type GrantStatusJs;
    /// `ReceiptCheck`.
    #[wasm_bindgen(typescript_type = "ReceiptCheck")]
    pub type ReceiptCheckJs;
    /// `BytesLike[]`.
    #[wasm_bindgen(typescript_type = "BytesLike[]")]
    pub type BytesList;
}

/// The JavaScript result of a verified COSE Receipt or tlog-proof
/// (`Wallet.verifyCoseReceipt`, `Wallet.verifyTlogProof`): the core's
/// [`ReceiptClaims`] (`ReceiptCheck`), the root in hex.
pub(crate) fn receipt_check(c: &ReceiptClaims) -> Result<ReceiptCheckJs, CkError> {
    to_js_as(c)
}

impl From<StatusError> for CkError {
    fn from(e: StatusError) -> CkError {
        let code = match &e {
            StatusError::UntrustedKey(_) => Code::UntrustedKey,
            StatusError::SignatureInvalid
            | StatusError::GrantInvalid(_)
            | StatusError::GrantExpired { .. }
            | StatusError::TokenExpired { .. }
            | StatusError::TokenFromFuture { .. }
            | StatusError::SubjectMismatch { .. }
            | StatusError::IndexOutOfRange { .. }
            | StatusError::UnknownStatus { .. } => Code::VerificationFailed,
            StatusError::NotAGrant(_)
            | StatusError::NoStatusReference
            | StatusError::ListFull(_)
            | StatusError::ValueTooWide { .. } => Code::Usage,
            StatusError::Key(_) => Code::Signer,
            _ => Code::InvalidInput,
        };
        CkError::new(code, e.to_string())
    }
}

/// A choice's optional `status` field: `{ idx, uri }`.
pub(crate) fn opt_reference(
    o: &Obj<'_>,
    k: &str,
) -> Result<Option<ck_status::StatusReference>, CkError> {
    let v = o.get(k);
    if absent(&v) {
        return Ok(None);
    }
    let r = Obj::new(&v, &o.field(k), &["idx", "uri"])?;
    let reference = ck_status::StatusReference {
        idx: r.u64("idx")?,
        uri: r.str("uri")?,
    };
    // The core's rules for the claim (an absolute URI, ...).
    ck_status::StatusReference::from_value(&reference.to_value())?;
    Ok(Some(reference))
}

#[cfg(feature = "auditor")]
fn status_named(s: &str) -> Result<ck_status::Status, CkError> {
    [
        ck_status::Status::Valid,
        ck_status::Status::Invalid,
        ck_status::Status::Suspended,
    ]
    .into_iter()
    .find(|x| x.name() == s)
    .ok_or_else(|| {
        CkError::invalid(format!(
            "status: expected \"valid\", \"invalid\" or \"suspended\", found {s:?}"
        ))
    })
}

/// A count or index from a JavaScript number: a whole number 0 to 2^53-1.
pub(crate) fn uint(v: f64, what: &str) -> Result<u64, CkError> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if (0.0..=MAX_SAFE).contains(&v) && v.fract() == 0.0 {
        Ok(v as u64)
    } else {
        Err(CkError::invalid(format!(
            "{what} must be a whole number (0 to 2^53-1)"
        )))
    }
}

fn now_or(at: Option<f64>) -> Result<consentkit::Timestamp, CkError> {
    match at {
        Some(t) => time(t, "at"),
        None => time((js_sys::Date::now() / 1000.0).floor(), "now"),
    }
}

/// The controller's status list: random indices for new grants, decoys,
/// and a signed Status List Token per epoch.
#[cfg(feature = "auditor")]
#[wasm_bindgen]
pub struct StatusRegistry {
    inner: ck_status::StatusRegistry,
}

#[cfg(feature = "auditor")]
#[wasm_bindgen]
impl StatusRegistry {
    /// A list at `uri` with `capacity` entries of `bits` (1, 2, 4 or 8) bits, all valid.
    #[wasm_bindgen(constructor)]
    pub fn new(uri: String, bits: u8, capacity: f64) -> Result<StatusRegistry, CkError> {
        Ok(StatusRegistry {
            inner: ck_status::StatusRegistry::new(uri, bits, uint(capacity, "capacity")?)?,
        })
    }

    /// A random free index for a new grant: pass it as the choice's `status`.
    pub fn assign(&mut self) -> Result<StatusReferenceJs, CkError> {
        to_js_as(&self.inner.assign()?)
    }

    /// Sets a grant's status: `"valid"`, `"invalid"` or `"suspended"`.
    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(&mut self, idx: f64, status: GrantStatusJs) -> Result<(), CkError> {
        let s = status
            .as_string()
            .ok_or_else(|| CkError::invalid("status must be a string"))?;
        Ok(self.inner.set(uint(idx, "idx")?, status_named(&s)?)?)
    }

    /// Adds `count` decoys: random free indices of no grant, set invalid.
    #[wasm_bindgen(js_name = addDecoys)]
    pub fn add_decoys(&mut self, count: f64) -> Result<(), CkError> {
        Ok(self.inner.add_decoys(uint(count, "count")?)?)
    }

    /// The Status List Token for this epoch, signed by the controller `issuer`.
    #[wasm_bindgen(js_name = signToken)]
    pub fn sign_token(
        &self,
        issuer: &Issuer,
        #[wasm_bindgen(js_name = issuedAt)] issued_at: f64,
        ttl: f64,
        #[wasm_bindgen(js_name = expiresAt)] expires_at: Option<f64>,
    ) -> Result<Vec<u8>, CkError> {
        let exp = expires_at.map(|e| time(e, "expiresAt")).transpose()?;
        let token = self
            .inner
            .token(time(issued_at, "issuedAt")?, uint(ttl, "ttl")?, exp);
        Ok(token.sign(issuer.signer.as_ref())?)
    }
}

/// Checks a grant against a (cached) Status List Token at time `at`
/// (default: now). Returns `{ status, max_age, list_issued_at, index, uri }`;
/// anything that prevents a statement throws.
#[wasm_bindgen(js_name = checkGrantStatus)]
pub fn check_grant_status(
    grant: BytesJs,
    token: BytesJs,
    trust: &JsTrustSet,
    at: Option<f64>,
) -> Result<StatusAnswerJs, CkError> {
    let grant: &[u8] = &crate::convert::bytes(&grant, "grant")?;
    let token: &[u8] = &crate::convert::bytes(&token, "token")?;
    let g = Artifact::decode(grant)?;
    let a = ck_status::check_grant_status(&g, token, &trust.inner, now_or(at)?)?;
    to_js_as(&a)
}

/// Audits a bundle together with the controllers' Status List Tokens: a
/// list still valid for a grant ended more than its `ttl` before it was
/// issued is a `stale_status` finding.
#[cfg(feature = "auditor")]
#[wasm_bindgen(js_name = auditWithStatusLists)]
pub fn audit_with_status_lists(
    bundle: BytesJs,
    #[wasm_bindgen(js_name = statusLists)] status_lists: BytesList,
    trust: &JsTrustSet,
    at: Option<f64>,
) -> Result<AuditReport, CkError> {
    let bundle: &[u8] = &crate::convert::bytes(&bundle, "bundle")?;
    let arr: &js_sys::Array = status_lists.unchecked_ref();
    if !js_sys::Array::is_array(arr) {
        return Err(CkError::invalid("statusLists must be an array of bytes"));
    }
    let mut lists = Vec::new();
    for (i, v) in arr.iter().enumerate() {
        lists.push(crate::convert::bytes(
            v.unchecked_ref(),
            &format!("statusLists[{i}]"),
        )?);
    }
    let at = now_or(at)?;
    let r = audit_source_with_status(
        || Ok::<_, std::io::Error>(bundle),
        &trust.inner,
        &AuditOptions { at: Some(at) },
        None,
        &lists,
        None,
    )
    .map_err(|e| CkError::new(Code::Io, e.to_string()))?;
    Ok(AuditReport::from_report(r))
}
