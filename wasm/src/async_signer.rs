//! Keys that sign asynchronously, the way web apps hold them: a
//! non-extractable WebCrypto key (`crypto.subtle.sign` returns a
//! `Promise`), a passkey-style prompt, a remote KMS or HSM.
//!
//! The same names and flow as the uniffi skin (`bindings/src/signer.rs`):
//!
//! - an [`AsyncExternalSigner`](AsyncExternalSignerJs) is a JS object with
//!   `publicKey()` (returning `{ algorithm, bytes }`, the raw key) and
//!   `sign(message)` returning a `Promise` of the signature;
//! - `Controller.withAsyncSigner(signer)` makes a controller whose key signs
//!   that way; its `prepare…` calls return a [`PendingSignature`] (the core's
//!   [`consentkit::PendingSignature`]: the exact bytes the core built), and
//!   `signAsync(pending)` awaits the signer and completes it, or `complete`
//!   takes a signature made by hand;
//! - `Wallet.signAsync(pending, signer)` does the same for the person's
//!   `prepareAccept` / `prepareRefuse` / `prepareWithdraw`.
//!
//! The core checks every signature (ES256: `r || s` as WebCrypto returns
//! it, or DER, normalised by the core) before an artifact is made.

use std::sync::Arc;

use consentkit::keys::{KeyError, PublicKey, Signer};
use consentkit::{Artifact, KnownViolation, Withdrawal, WithdrawnBy};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert::{artifact_id, bytes, time, BytesJs};
use crate::error::{CkError, Code};
use crate::issuer::{
    offer_input, receipt_input, value_record_input, Issuer, OfferInputJs, ReceiptInputJs,
    ValueRecordInputJs,
};
use crate::keys::raw_public_key;
use crate::wallet::{JsWallet, PendingSignature};

#[wasm_bindgen]
extern "C" {
    /// A signer implemented in JavaScript that answers with a `Promise`.
    #[wasm_bindgen(typescript_type = "AsyncExternalSigner")]
    #[derive(Clone)]
    pub type AsyncExternalSignerJs;

    #[wasm_bindgen(method, catch, js_name = publicKey)]
    fn public_key_js(this: &AsyncExternalSignerJs) -> Result<JsValue, JsValue>;

    // The message is a copy in its own buffer, not a view of wasm memory:
    // the signer may keep it across awaits (and memory may grow meanwhile).
    #[wasm_bindgen(method, catch, js_name = sign)]
    fn sign_js(
        this: &AsyncExternalSignerJs,
        message: &js_sys::Uint8Array,
    ) -> Result<JsValue, JsValue>;
}

/// The message of a JavaScript exception or rejection, for error reports.
fn js_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        String::from(err.message())
    } else {
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    }
}

fn signer_error(m: String) -> CkError {
    CkError::new(Code::Signer, m)
}

/// An async signer with the public key it reported (read once).
#[derive(Clone)]
pub(crate) struct AsyncSigner {
    js: AsyncExternalSignerJs,
    public: PublicKey,
}

impl AsyncSigner {
    fn adapt(js: AsyncExternalSignerJs) -> Result<AsyncSigner, CkError> {
        let pk = js
            .public_key_js()
            .map_err(|e| signer_error(format!("publicKey() threw: {}", js_message(&e))))?;
        let public = raw_public_key(&pk, "publicKey()")?;
        Ok(AsyncSigner { js, public })
    }

    /// Awaits the signer's signature over `message` (a `Promise`, or bytes
    /// returned at once). The caller checks it (the core's `complete`).
    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CkError> {
        let out = self
            .js
            .sign_js(&js_sys::Uint8Array::from(message))
            .map_err(|e| signer_error(format!("sign() threw: {}", js_message(&e))))?;
        let out = match out.dyn_into::<js_sys::Promise>() {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
                .await
                .map_err(|e| signer_error(format!("sign() rejected: {}", js_message(&e))))?,
            Err(v) => v,
        };
        bytes(out.unchecked_ref(), "the signature sign() resolved to")
            .map_err(|e| signer_error(e.message))
    }
}

/// The core `Signer` of a controller that signs asynchronously: it knows
/// the public key and refuses to sign in one step, saying what to call.
struct AsyncOnly {
    public: PublicKey,
}

/// Why a controller with an async signer refuses a one-step call.
const ASYNC_ONLY: &str = "this controller signs asynchronously (withAsyncSigner): \
     prepare (prepareOffer, prepareCountersign, prepareReceipt, …), then signAsync";

impl Signer for AsyncOnly {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, _msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        Err(KeyError::Signer(ASYNC_ONLY.into()))
    }
}

fn pending(
    p: Result<consentkit::PendingSignature, consentkit::Error>,
) -> Result<PendingSignature, CkError> {
    Ok(PendingSignature { prepared: p? })
}

/// What a `signAsync` awaits: one boxed type, so that the `Promise` glue is
/// instantiated once for every caller (module size).
type SignFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>, CkError>>>>;

/// A `Promise` settled by `f`: resolved with the artifact's bytes, or
/// rejected with the `ConsentKitError` (never thrown synchronously).
fn promise(f: SignFuture) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        match f.await {
            Ok(b) => Ok(js_sys::Uint8Array::from(b.as_slice()).into()),
            Err(e) => Err(e.into()),
        }
    })
}

fn other_key() -> CkError {
    CkError::new(
        Code::Usage,
        "this signature was prepared for another key than this controller's",
    )
}

#[wasm_bindgen(js_class = Controller)]
impl Issuer {
    /// A controller whose key signs asynchronously (a non-extractable
    /// WebCrypto key, a KMS): `{ publicKey(), sign(message) → Promise }`.
    /// Sign with `prepare…` then `signAsync` (or `complete` with a
    /// signature made by hand); the one-step calls (`makeOffer`, …) throw
    /// `SIGNER` saying so. `publicKey()` is read once, here.
    #[wasm_bindgen(js_name = withAsyncSigner)]
    pub fn with_async_signer(signer: AsyncExternalSignerJs) -> Result<Issuer, CkError> {
        let signer = AsyncSigner::adapt(signer)?;
        Ok(Issuer {
            signer: Arc::new(AsyncOnly {
                public: signer.public.clone(),
            }),
            asynchronous: Some(signer),
        })
    }

    /// Whether this controller's key signs asynchronously (`withAsyncSigner`).
    #[wasm_bindgen(getter, js_name = isAsync)]
    pub fn is_async(&self) -> bool {
        self.asynchronous.is_some()
    }

    /// First step of `makeOffer` for a key that signs elsewhere: the offer,
    /// checked, waiting for the controller's signature.
    #[wasm_bindgen(js_name = prepareOffer)]
    pub fn prepare_offer(&self, offer: OfferInputJs) -> Result<PendingSignature, CkError> {
        pending(offer_input(&offer)?.prepare(&self.signer.public_key()))
    }

    /// First step of `countersign`: the decision is checked (the person's
    /// signature, and a grant against `offer`) before anything is prepared.
    #[wasm_bindgen(js_name = prepareCountersign)]
    pub fn prepare_countersign(
        &self,
        decision: BytesJs,
        offer: BytesJs,
    ) -> Result<PendingSignature, CkError> {
        let a = Artifact::decode(&bytes(&decision, "decision")?)?;
        let o = Artifact::decode(&bytes(&offer, "offer")?)?;
        pending(a.prepare_countersign(&o, &self.signer.public_key()))
    }

    /// First step of `countersignKnownViolation`.
    #[wasm_bindgen(js_name = prepareCountersignKnownViolation)]
    pub fn prepare_countersign_known_violation(
        &self,
        decision: BytesJs,
        reason: &str,
    ) -> Result<PendingSignature, CkError> {
        let a = Artifact::decode(&bytes(&decision, "decision")?)?;
        let known = KnownViolation::new(reason);
        pending(a.prepare_countersign_known_violation(&self.signer.public_key(), &known))
    }

    /// First step of `issueReceipt`: the receipt is checked against `grant` first.
    #[wasm_bindgen(js_name = prepareReceipt)]
    pub fn prepare_receipt(
        &self,
        receipt: ReceiptInputJs,
        grant: BytesJs,
    ) -> Result<PendingSignature, CkError> {
        let r = receipt_input(&receipt)?;
        let g = Artifact::decode(&bytes(&grant, "grant")?)?;
        pending(r.prepare(&g, &self.signer.public_key()))
    }

    /// First step of `issueReceiptKnownViolation`.
    #[wasm_bindgen(js_name = prepareReceiptKnownViolation)]
    pub fn prepare_receipt_known_violation(
        &self,
        receipt: ReceiptInputJs,
        reason: &str,
    ) -> Result<PendingSignature, CkError> {
        let r = receipt_input(&receipt)?;
        let known = KnownViolation::new(reason);
        pending(r.prepare_known_violation(&self.signer.public_key(), &known))
    }

    /// First step of `issueValueRecord`.
    #[wasm_bindgen(js_name = prepareValueRecord)]
    pub fn prepare_value_record(
        &self,
        record: ValueRecordInputJs,
    ) -> Result<PendingSignature, CkError> {
        pending(value_record_input(&record)?.prepare(&self.signer.public_key()))
    }

    /// First step of `revoke`.
    #[wasm_bindgen(js_name = prepareRevoke)]
    pub fn prepare_revoke(
        &self,
        #[wasm_bindgen(js_name = grantId)] grant_id: &str,
        at: f64,
        reason: &str,
    ) -> Result<PendingSignature, CkError> {
        let at = time(at, "at")?;
        let w = Withdrawal {
            grant: artifact_id(grant_id, "grant id")?,
            issued_at: at,
            effective_at: at,
            by: WithdrawnBy::Controller,
            reason: Some(reason.to_owned()),
            subject_key: None,
        };
        pending(w.prepare(&self.signer.public_key()))
    }

    /// Second step: hands over the signature of `pending.message` (ES256:
    /// `r || s` as WebCrypto returns it, or DER). The core checks it with
    /// this controller's key and returns the signed artifact's bytes.
    pub fn complete(
        &self,
        pending: &PendingSignature,
        signature: BytesJs,
    ) -> Result<Vec<u8>, CkError> {
        if *pending.prepared.public_key() != self.signer.public_key() {
            return Err(other_key());
        }
        let signature = bytes(&signature, "signature")?;
        Ok(pending.prepared.complete(&signature)?.as_bytes().to_vec())
    }

    /// Signs a prepared artifact with this controller's key, awaiting its
    /// async signer (`withAsyncSigner`; a key held here signs at once), and
    /// resolves to the signed artifact's bytes: `prepareOffer`, then
    /// `signAsync`. The signature is checked as `complete` checks it;
    /// every failure rejects with a `ConsentKitError`.
    #[wasm_bindgen(js_name = signAsync, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn sign_async(&self, pending: &PendingSignature) -> js_sys::Promise {
        let prepared = pending.prepared.clone();
        let public = self.signer.public_key();
        let asynchronous = self.asynchronous.clone();
        let signer = self.signer.clone();
        promise(Box::pin(async move {
            if *prepared.public_key() != public {
                return Err(other_key());
            }
            let sig = match asynchronous {
                Some(s) => s.sign(prepared.to_be_signed()).await?,
                None => signer.sign(prepared.to_be_signed())?,
            };
            Ok(prepared.complete(&sig)?.as_bytes().to_vec())
        }))
    }
}

#[wasm_bindgen(js_class = Wallet)]
impl JsWallet {
    /// Signs a prepared grant, refusal or withdrawal (`prepareAccept`, …)
    /// with `signer` (`{ publicKey(), sign(message) → Promise }`, the
    /// person's key that `pending.publicKey` names; another key is refused
    /// before it is asked), awaiting its signature, then completes it as
    /// `complete` does and resolves to the artifact's bytes. The wallet
    /// stays usable while the signer waits; every failure rejects with a
    /// `ConsentKitError`.
    #[wasm_bindgen(js_name = signAsync, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn sign_async(
        &self,
        pending: &PendingSignature,
        signer: AsyncExternalSignerJs,
    ) -> js_sys::Promise {
        let prepared = pending.prepared.clone();
        let wallet = self.shared.clone();
        promise(Box::pin(async move {
            let signer = AsyncSigner::adapt(signer)?;
            if *prepared.public_key() != signer.public {
                return Err(CkError::new(
                    Code::Usage,
                    format!(
                        "this signature was prepared for key {}, not this signer's {}",
                        prepared.public_key().kid().short(),
                        signer.public.kid().short()
                    ),
                ));
            }
            let sig = signer.sign(prepared.to_be_signed()).await?;
            let a = wallet.borrow_mut().complete(&prepared, &sig)?;
            Ok(a.as_bytes().to_vec())
        }))
    }
}
