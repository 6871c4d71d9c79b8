//! The controller's (or a partner's) side: offers, countersignatures,
//! data receipts, value records and revocations. Input records mirror the
//! JSON views that `inspect` gives (camelCase fields, see `convert`); the core validates
//! and signs.

use std::sync::Arc;

use consentkit::artifact::{
    Benefit, BenefitKind, DataReceipt, Limits, Notice, Offer, Recipient, ValueEstimate,
    ValueRecord, Withdrawal,
};
use consentkit::keys::Signer;
use consentkit::Artifact;
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

use crate::convert::{absent, artifact_id, hex32, time, Obj};
use crate::error::CkError;
use crate::keys::{JsKey, JsPublicKey};
use crate::signer::{ExternalKey, ExternalSignerJs};

#[wasm_bindgen]
extern "C" {
    /// `OfferInput`.
    #[wasm_bindgen(typescript_type = "OfferInput")]
    pub type OfferInputJs;
    /// `ReceiptInput`.
    #[wasm_bindgen(typescript_type = "ReceiptInput")]
    pub type ReceiptInputJs;
    /// `ValueRecordInput`.
    #[wasm_bindgen(typescript_type = "ValueRecordInput")]
    pub type ValueRecordInputJs;
}

/// Every benefit kind, to read one by its name.
const BENEFIT_KINDS: [BenefitKind; 7] = [
    BenefitKind::Service,
    BenefitKind::Feature,
    BenefitKind::Money,
    BenefitKind::Points,
    BenefitKind::Discount,
    BenefitKind::DataDividend,
    BenefitKind::Other,
];

/// A benefit kind by its snake_case name.
pub(crate) fn benefit_kind(name: &str) -> Result<BenefitKind, CkError> {
    BENEFIT_KINDS
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| CkError::invalid(format!("benefit.kind: unknown kind {name:?}")))
}

fn benefit(v: &JsValue, what: &str) -> Result<Benefit, CkError> {
    let o = Obj::new(
        v,
        what,
        &["kind", "amount", "unit", "condition", "description"],
    )?;
    Ok(Benefit {
        kind: benefit_kind(&o.str("kind")?)?,
        amount: o.u64("amount")?,
        unit: o.str("unit")?,
        condition: o.opt_str("condition")?,
        description: o.opt_str("description")?,
    })
}

fn recipient(v: &JsValue, what: &str) -> Result<Recipient, CkError> {
    let o = Obj::new(v, what, &["party", "purposes", "categories"])?;
    Ok(Recipient {
        party: o.str("party")?,
        purposes: o.opt_terms("purposes")?.unwrap_or_default(),
        categories: o.opt_terms("categories")?.unwrap_or_default(),
    })
}

fn limits(v: &JsValue, what: &str) -> Result<Limits, CkError> {
    if absent(v) {
        return Ok(Limits::default());
    }
    let o = Obj::new(v, what, &["uses_per_day", "finest_precision", "use_by"])?;
    Ok(Limits {
        uses_per_day: o.opt_u32("uses_per_day")?,
        finest_precision: o.opt_u32("finest_precision")?,
        use_by: o.opt_u64("use_by")?.map(Into::into),
    })
}

fn notice(v: &JsValue, what: &str) -> Result<Notice, CkError> {
    let o = Obj::new(v, what, &["url", "sha256", "text"])?;
    let url = o.str("url")?;
    match (o.opt_str("sha256")?, o.opt_str("text")?) {
        (Some(h), None) => Ok(Notice {
            url,
            sha256: hex32(&h, &o.field("sha256"))?,
        }),
        (None, Some(t)) => Ok(Notice::for_text(url, t.as_bytes())),
        _ => Err(CkError::invalid(format!(
            "{what} needs exactly one of sha256 (64 hex digits) or text"
        ))),
    }
}

fn value_estimate(v: &JsValue, what: &str) -> Result<Option<ValueEstimate>, CkError> {
    if absent(v) {
        return Ok(None);
    }
    let o = Obj::new(v, what, &["amount", "currency", "method"])?;
    Ok(Some(ValueEstimate {
        amount: o.u64("amount")?,
        currency: o.str("currency")?,
        method: o.str("method")?,
    }))
}

const OFFER_FIELDS: &[&str] = &[
    "controller",
    "name",
    "issued_at",
    "valid_from",
    "valid_until",
    "purposes",
    "categories",
    "recipients",
    "retention_secs",
    "limits",
    "legal_basis",
    "jurisdiction",
    "language",
    "notice",
    "value_offered",
    "value_estimate",
    "service_without_consent",
];

/// An offer from its input object (the shape of an offer's `inspect` body).
pub(crate) fn offer_input(v: &JsValue) -> Result<Offer, CkError> {
    let o = Obj::new(v, "offer", OFFER_FIELDS)?;
    Ok(Offer {
        controller: o.str("controller")?,
        name: o.str("name")?,
        issued_at: o.u64("issued_at")?.into(),
        valid_from: o.opt_u64("valid_from")?.map(Into::into),
        valid_until: o.opt_u64("valid_until")?.map(Into::into),
        purposes: o.terms("purposes")?,
        categories: o.terms("categories")?,
        recipients: o
            .opt_list("recipients")?
            .unwrap_or_default()
            .iter()
            .map(|r| recipient(r, &o.field("recipients[]")))
            .collect::<Result<_, _>>()?,
        retention_secs: o.u64("retention_secs")?,
        limits: limits(&o.get("limits"), &o.field("limits"))?,
        legal_basis: o.term("legal_basis")?,
        jurisdiction: o.str("jurisdiction")?,
        language: o.str("language")?,
        notice: notice(&o.get("notice"), &o.field("notice"))?,
        value_offered: o
            .list("value_offered")?
            .iter()
            .map(|b| benefit(b, &o.field("value_offered[]")))
            .collect::<Result<_, _>>()?,
        value_estimate: value_estimate(&o.get("value_estimate"), &o.field("value_estimate"))?,
        service_without_consent: o.bool("service_without_consent")?,
    })
}

/// A data receipt from its input object.
pub(crate) fn receipt_input(v: &JsValue) -> Result<DataReceipt, CkError> {
    let o = Obj::new(
        v,
        "receipt",
        &[
            "grant",
            "category",
            "purpose",
            "recipient",
            "used_at",
            "quantity",
            "precision",
            "commitment",
        ],
    )?;
    Ok(DataReceipt {
        grant: artifact_id(&o.str("grant")?, "receipt.grant")?,
        category: o.term("category")?.into(),
        purpose: o.term("purpose")?.into(),
        recipient: o.opt_str("recipient")?.map(Into::into),
        used_at: o.u64("used_at")?.into(),
        quantity: o.u32("quantity")?,
        precision: o.opt_u32("precision")?,
        commitment: hex32(&o.str("commitment")?, "receipt.commitment")?,
    })
}

/// A value record from its input object.
pub(crate) fn value_record_input(v: &JsValue) -> Result<ValueRecord, CkError> {
    let o = Obj::new(v, "value record", &["grant", "issued_at", "benefit"])?;
    Ok(ValueRecord {
        grant: artifact_id(&o.str("grant")?, "value record.grant")?,
        issued_at: o.u64("issued_at")?.into(),
        benefit: benefit(&o.get("benefit"), &o.field("benefit"))?,
    })
}

/// A controller or partner that issues artifacts with its key: offers,
/// countersignatures, data receipts, value records, revocations.
#[wasm_bindgen(js_name = Controller)]
pub struct Issuer {
    pub(crate) signer: Arc<dyn Signer>,
    /// The async signer, if the controller was made `withAsyncSigner`
    /// (`signer` then refuses one-step calls, saying what to call).
    pub(crate) asynchronous: Option<crate::async_signer::AsyncSigner>,
}

fn signed(a: Result<Artifact, consentkit::Error>) -> Result<Vec<u8>, CkError> {
    Ok(a?.as_bytes().to_vec())
}

#[wasm_bindgen(js_class = Controller)]
impl Issuer {
    /// An issuer signing with a key held in this module.
    #[wasm_bindgen(constructor)]
    pub fn new(key: &JsKey) -> Issuer {
        Issuer {
            signer: key.inner.clone(),
            asynchronous: None,
        }
    }

    /// An issuer signing with a synchronous external signer
    /// (`ExternalKey.fromCallback`).
    #[wasm_bindgen(js_name = fromExternal)]
    pub fn from_external(key: &ExternalKey) -> Issuer {
        Issuer {
            signer: key.signer.clone(),
            asynchronous: None,
        }
    }

    /// A controller whose key signs elsewhere, synchronously: an
    /// `ExternalSigner` (`{ publicKey(), sign(message) }`), as
    /// `withAsyncSigner` takes an `AsyncExternalSigner` (the uniffi skin's
    /// `Controller.withSigner`). Every signature is checked before use.
    #[wasm_bindgen(js_name = withSigner)]
    pub fn with_signer(signer: ExternalSignerJs) -> Result<Issuer, CkError> {
        Ok(Issuer::from_external(&ExternalKey::from_callback(signer)?))
    }

    /// The issuer's public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> JsPublicKey {
        JsPublicKey {
            inner: self.signer.public_key(),
        }
    }

    /// Signs an offer as its controller.
    #[wasm_bindgen(js_name = makeOffer)]
    pub fn offer(&self, offer: OfferInputJs) -> Result<Vec<u8>, CkError> {
        let o = offer_input(&offer)?;
        signed(o.sign(self.signer.as_ref()))
    }

    /// Countersigns a grant or refusal that carries the person's signature
    /// (checked first: a controller never countersigns a forgery). `offer`
    /// is the signed offer it answers: a grant accepting a purpose,
    /// category or recipient the offer does not ask for is refused
    /// (`USAGE`, naming it).
    pub fn countersign(&self, artifact: BytesJs, offer: BytesJs) -> Result<Vec<u8>, CkError> {
        let artifact: &[u8] = &crate::convert::bytes(&artifact, "artifact")?;
        let offer: &[u8] = &crate::convert::bytes(&offer, "offer")?;
        let a = Artifact::decode(artifact)?;
        let o = Artifact::decode(offer)?;
        signed(a.countersign(&o, self.signer.as_ref()))
    }

    /// Countersigns a grant the caller knows does not fit its offer (a
    /// simulation making violations for an auditor), saying why.
    #[wasm_bindgen(js_name = countersignKnownViolation)]
    pub fn countersign_known_violation(
        &self,
        artifact: BytesJs,
        reason: &str,
    ) -> Result<Vec<u8>, CkError> {
        let artifact: &[u8] = &crate::convert::bytes(&artifact, "artifact")?;
        let a = Artifact::decode(artifact)?;
        let known = consentkit::KnownViolation::new(reason);
        signed(a.countersign_known_violation(self.signer.as_ref(), &known))
    }

    /// Signs a data receipt (a controller's or a partner's) for a use under
    /// `grant` (the signed grant it cites). A use the grant does not cover
    /// (purpose, category, recipient, time) is refused (`USAGE`, naming it).
    #[wasm_bindgen(js_name = issueReceipt)]
    pub fn receipt(&self, receipt: ReceiptInputJs, grant: BytesJs) -> Result<Vec<u8>, CkError> {
        let grant: &[u8] = &crate::convert::bytes(&grant, "grant")?;
        let r = receipt_input(&receipt)?;
        let g = Artifact::decode(grant)?;
        signed(r.sign(&g, self.signer.as_ref()))
    }

    /// Signs a data receipt the caller knows its grant does not cover,
    /// saying why; not checked against any grant.
    #[wasm_bindgen(js_name = issueReceiptKnownViolation)]
    pub fn receipt_known_violation(
        &self,
        receipt: ReceiptInputJs,
        reason: &str,
    ) -> Result<Vec<u8>, CkError> {
        let r = receipt_input(&receipt)?;
        let known = consentkit::KnownViolation::new(reason);
        signed(r.sign_known_violation(self.signer.as_ref(), &known))
    }

    /// Signs a value record: what the person actually received.
    #[wasm_bindgen(js_name = issueValueRecord)]
    pub fn value_record(&self, record: ValueRecordInputJs) -> Result<Vec<u8>, CkError> {
        let v = value_record_input(&record)?;
        signed(v.sign(self.signer.as_ref()))
    }

    /// Revokes a grant (by its id) at `at`, with a reason.
    pub fn revoke(
        &self,
        #[wasm_bindgen(js_name = grantId)] grant_id: &str,
        at: f64,
        reason: &str,
    ) -> Result<Vec<u8>, CkError> {
        signed(Withdrawal::revoke(
            artifact_id(grant_id, "grant id")?,
            time(at, "at")?,
            reason,
            self.signer.as_ref(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn every_benefit_kind_is_readable_by_name() {
        for k in BENEFIT_KINDS {
            assert_eq!(benefit_kind(k.name()).unwrap(), k);
        }
        assert_eq!(benefit_kind("gift").unwrap_err().code, Code::InvalidInput);
    }
}
