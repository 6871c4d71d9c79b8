//! Keys held outside wasm memory: an `ExternalKey`.
//!
//! Two kinds, because JavaScript signs in two ways:
//!
//! - **A synchronous callback** (`ExternalKey.fromCallback`): an object with
//!   `publicKey()` (`{ algorithm, bytes }`) and `sign(message)` returning the signature at once,
//!   e.g. Node's `crypto.sign`, or a hardware token with a synchronous API.
//!   The core's [`Signer`] calls it directly.
//! - **A deferred key** (`ExternalKey.deferred`): for signers that answer
//!   with a `Promise`, above all a non-extractable WebCrypto key
//!   (`crypto.subtle.sign`). The core's `Signer::sign` is synchronous, so a
//!   wallet with a deferred key signs in two steps, with the core's own
//!   prepared signatures: `prepareAccept` (or `prepareRefuse`,
//!   `prepareWithdraw`) returns the exact bytes the core built to be signed
//!   (the COSE `Sig_structure`, [`consentkit::PendingSignature`]); the host signs
//!   them however it likes; `complete` hands the signature back, and the
//!   core checks it against the public key before the artifact is kept.
//!   Asked to sign in one step, a deferred key refuses with a `SIGNER`
//!   error that says so.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use consentkit::keys::{KeyError, PublicKey, Signer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{CkError, Code};
use crate::keys::{raw_public_key, JsPublicKey};

#[wasm_bindgen]
extern "C" {
    /// A synchronous signer implemented in JavaScript.
    #[wasm_bindgen(typescript_type = "ExternalSigner")]
    pub type ExternalSignerJs;

    #[wasm_bindgen(method, catch, js_name = publicKey)]
    fn public_key_js(this: &ExternalSignerJs) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn sign(this: &ExternalSignerJs, message: &[u8]) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// JavaScript signer objects, by slot. JS values cannot be shared across
    /// threads, but the core's `Signer` must be `Send + Sync`: the Rust side
    /// keeps only a slot number. A wasm module instance runs on one thread.
    static CALLBACKS: RefCell<(u32, HashMap<u32, ExternalSignerJs>)> = RefCell::new((0, HashMap::new()));
}

/// The message of a JavaScript exception, for error reports.
fn js_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        String::from(err.message())
    } else {
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    }
}

/// Bytes returned by JavaScript: a `Uint8Array`, an `ArrayBuffer` (what
/// `crypto.subtle.sign` resolves to) or another `ArrayBufferView`.
fn js_bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, String> {
    if v.has_type::<js_sys::Promise>() {
        return Err(format!(
            "{what} returned a Promise: an asynchronous signer (such as crypto.subtle.sign) \
             needs Controller.withAsyncSigner or Wallet.signAsync (or prepare…/complete)"
        ));
    }
    crate::convert::bytes(v.unchecked_ref(), what).map_err(|e| e.message)
}

/// A [`Signer`] that calls a JavaScript object's `sign`.
struct CallbackSigner {
    slot: u32,
    public: PublicKey,
}

impl Signer for CallbackSigner {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        let out = CALLBACKS.with(|c| {
            c.borrow()
                .1
                .get(&self.slot)
                .map(|s| s.sign(msg))
                .ok_or_else(|| "the external signer is gone".to_owned())
        });
        match out {
            Ok(Ok(v)) => js_bytes(&v, "sign()").map_err(KeyError::Signer),
            Ok(Err(e)) => Err(KeyError::Signer(format!(
                "sign() threw: {}",
                js_message(&e)
            ))),
            Err(m) => Err(KeyError::Signer(m)),
        }
    }
}

impl Drop for CallbackSigner {
    fn drop(&mut self) {
        CALLBACKS.with(|c| {
            c.borrow_mut().1.remove(&self.slot);
        });
    }
}

/// Why a signer with the former `publicKeyCose()` (and no `publicKey()`) is refused.
const PUBLIC_KEY_COSE: &str = "ExternalSigner.publicKeyCose() was replaced by publicKey(), which returns \
     { algorithm: \"Ed25519\" | \"ES256\", bytes: BytesLike } (a RawPublicKey, as AsyncExternalSigner.publicKey() \
     does; PublicKey.fromCoseKey(bytes) or PublicKey.fromRaw(algorithm, bytes) makes one)";

/// Reads the signer's `publicKey()` (a `RawPublicKey`), once.
fn callback_public_key(signer: &ExternalSignerJs) -> Result<PublicKey, CkError> {
    let has =
        |name: &str| js_sys::Reflect::get(signer, &name.into()).is_ok_and(|f| f.is_function());
    if !has("publicKey") {
        let m = if has("publicKeyCose") {
            PUBLIC_KEY_COSE.to_owned()
        } else {
            "an ExternalSigner needs publicKey() (returning { algorithm, bytes }) and sign(message)"
                .to_owned()
        };
        return Err(CkError::new(Code::Signer, m));
    }
    let pk = signer.public_key_js().map_err(|e| {
        CkError::new(
            Code::Signer,
            format!("publicKey() threw: {}", js_message(&e)),
        )
    })?;
    raw_public_key(&pk, "publicKey()")
}

/// The signer of a deferred key: it knows the public key and refuses to
/// sign in one step (the wallet's `prepare…`/`complete` sign instead).
pub(crate) struct DeferredSigner {
    public: PublicKey,
}

/// Why a deferred key refuses to sign in one step.
pub(crate) const DEFERRED: &str = "this key signs asynchronously (ExternalKey.deferred): \
                                   use prepareAccept/prepareRefuse/prepareWithdraw, then complete";

impl Signer for DeferredSigner {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, _msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        Err(KeyError::Signer(DEFERRED.into()))
    }
}

/// A key held outside wasm memory: a synchronous JavaScript signer, or a
/// deferred key (such as a non-extractable WebCrypto key) that signs in two
/// steps. Hand it to `Wallet.inMemoryExternal`, `Wallet.fromBytes` or `Controller.fromExternal`.
#[wasm_bindgen]
pub struct ExternalKey {
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) deferred: bool,
}

#[wasm_bindgen]
impl ExternalKey {
    /// A synchronous JavaScript signer: `{ publicKey(), sign(message) }`,
    /// `publicKey()` returning `{ algorithm, bytes }` (a `RawPublicKey`, as
    /// for an `AsyncExternalSigner`). `publicKey()` is read once, here; `sign` is called for every
    /// signature, and each signature is checked before it is used.
    #[wasm_bindgen(js_name = fromCallback)]
    pub fn from_callback(signer: ExternalSignerJs) -> Result<ExternalKey, CkError> {
        let public = callback_public_key(&signer)?;
        let slot = CALLBACKS.with(|c| {
            let mut c = c.borrow_mut();
            c.0 = c.0.wrapping_add(1);
            let slot = c.0;
            c.1.insert(slot, signer);
            slot
        });
        Ok(ExternalKey {
            signer: Arc::new(CallbackSigner { slot, public }),
            deferred: false,
        })
    }

    /// A key that signs asynchronously, known here by its public key only
    /// (e.g. a non-extractable WebCrypto ECDSA P-256 key:
    /// `PublicKey.fromRaw("ES256", await crypto.subtle.exportKey("raw", pair.publicKey))`).
    pub fn deferred(#[wasm_bindgen(js_name = publicKey)] public_key: &JsPublicKey) -> ExternalKey {
        ExternalKey {
            signer: Arc::new(DeferredSigner {
                public: public_key.inner.clone(),
            }),
            deferred: true,
        }
    }

    /// The public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> JsPublicKey {
        JsPublicKey {
            inner: self.signer.public_key(),
        }
    }

    /// The key id (64 hex digits).
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.signer.public_key().kid().to_string()
    }

    /// `"Ed25519"` or `"ES256"`.
    #[wasm_bindgen(getter, unchecked_return_type = "Algorithm")]
    pub fn algorithm(&self) -> String {
        self.signer.public_key().algorithm().name().to_owned()
    }

    /// Whether this key signs in two steps (prepare, then complete).
    #[wasm_bindgen(getter, js_name = isDeferred)]
    pub fn is_deferred(&self) -> bool {
        self.deferred
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consentkit::KeyPair;

    #[test]
    fn a_deferred_key_refuses_to_sign_in_one_step_and_says_why() {
        let real = KeyPair::generate(consentkit::Algorithm::ES256).unwrap();
        let d = DeferredSigner {
            public: real.public_key(),
        };
        let e = CkError::from(d.sign(b"x").unwrap_err());
        assert_eq!(e.code, Code::Signer);
        assert!(e.message.contains("prepareAccept"), "{}", e.message);
        assert_eq!(d.public_key(), real.public_key());
    }
}
