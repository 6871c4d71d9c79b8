//! Keys for JavaScript: `Key` (a private key held in wasm memory),
//! `PublicKey` and `TrustSet`. All encoding, thumbprints and checks are the
//! core's (`consentkit::keys`).

use std::sync::Arc;

use consentkit::keys::{Algorithm, KeyPair, PublicKey, Role, Signer, TrustSet};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert::BytesJs;

use crate::convert::to_js_as;
use crate::error::{CkError, Code};

/// An algorithm from its name (the core's [`Algorithm::parse`]); anything
/// else, the former `"EdDSA"` included, is `INVALID_INPUT` naming the
/// expected values.
pub(crate) fn parse_alg(s: &str) -> Result<Algorithm, CkError> {
    Algorithm::parse(s).ok_or_else(|| {
        CkError::invalid(format!(
            "algorithm must be \"Ed25519\" or \"ES256\", found {s:?}"
        ))
    })
}

/// An algorithm given by JavaScript: its name, or INVALID_INPUT naming what
/// was given (a number or an object must be an error, not a trap).
pub(crate) fn alg_from_js(v: &JsValue) -> Result<Algorithm, CkError> {
    parse_alg(v.as_string().as_deref().unwrap_or("(not a string)"))
}

/// A role from its wire name.
pub(crate) fn parse_role(s: &str) -> Result<Role, CkError> {
    Role::parse(s).ok_or_else(|| {
        CkError::invalid(format!(
            "role must be \"controller\", \"partner\", \"person\" or \"log\", found {s:?}"
        ))
    })
}

/// A public key from raw bytes (Ed25519: 32 bytes; P-256: the 65-byte
/// uncompressed point that WebCrypto's `exportKey("raw")` gives). The
/// algorithm is parsed once, by the caller ([`parse_alg`], [`alg_from_js`]).
pub(crate) fn public_from_raw(alg: Algorithm, raw: &[u8]) -> Result<PublicKey, CkError> {
    Ok(match alg {
        Algorithm::Ed25519 => PublicKey::ed25519(raw)?,
        Algorithm::ES256 => PublicKey::p256_uncompressed(raw)?,
    })
}

/// A private key held in this module's memory (Ed25519 or ES256).
/// For a key that must never enter wasm memory, use an `ExternalKey`.
#[wasm_bindgen(js_name = KeyPair)]
pub struct JsKey {
    pub(crate) inner: Arc<KeyPair>,
}

#[wasm_bindgen(js_class = KeyPair)]
impl JsKey {
    /// Generates a fresh key: `"Ed25519"` (also when omitted) or `"ES256"` (P-256).
    pub fn generate(
        #[wasm_bindgen(unchecked_param_type = "Algorithm | null | undefined")] algorithm: JsValue,
    ) -> Result<JsKey, CkError> {
        // A JsValue, not Option<String>: a number must be an error, not a trap.
        let algorithm = if crate::convert::absent(&algorithm) {
            Algorithm::Ed25519
        } else {
            alg_from_js(&algorithm)?
        };
        Ok(JsKey {
            inner: Arc::new(KeyPair::generate(algorithm)?),
        })
    }

    /// Reads a private COSE_Key (with parameter `d`).
    #[wasm_bindgen(js_name = fromCoseKey)]
    pub fn from_cose_key(bytes: BytesJs) -> Result<JsKey, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        Ok(JsKey {
            inner: Arc::new(KeyPair::from_cose_key(bytes)?),
        })
    }

    /// The key as a private COSE_Key. Treat the result as a secret.
    #[wasm_bindgen(js_name = toCoseKey)]
    pub fn to_cose_key(&self) -> Vec<u8> {
        self.inner.to_cose_key()
    }

    /// The public half.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> JsPublicKey {
        JsPublicKey {
            inner: self.inner.public_key(),
        }
    }

    /// The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    /// `"Ed25519"` or `"ES256"`.
    #[wasm_bindgen(getter, unchecked_return_type = "Algorithm")]
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().to_owned()
    }
}

/// Reads a public key as a JavaScript signer reports it: a
/// `RawPublicKey` `{ algorithm, bytes }` (a `PublicKey` is one), the one
/// shape of a public key in this package; `what` names the call
/// (`publicKey()`). Anything else is a `SIGNER` error naming the fields.
pub(crate) fn raw_public_key(v: &JsValue, what: &str) -> Result<PublicKey, CkError> {
    let wrong = || {
        CkError::new(
            Code::Signer,
            format!(
                "{what} must return {{ algorithm: \"Ed25519\" | \"ES256\", bytes: BytesLike }} (a RawPublicKey, e.g. a PublicKey)"
            ),
        )
    };
    if !v.is_object() {
        return Err(wrong());
    }
    let alg = js_sys::Reflect::get(v, &"algorithm".into())
        .ok()
        .and_then(|a| a.as_string())
        .ok_or_else(wrong)?;
    let raw = js_sys::Reflect::get(v, &"bytes".into()).map_err(|_| wrong())?;
    if crate::convert::absent(&raw) {
        return Err(wrong());
    }
    let raw = crate::convert::bytes(raw.unchecked_ref(), &format!("{what}.bytes"))
        .map_err(|e| CkError::new(Code::Signer, e.message))?;
    public_from_raw(parse_alg(&alg)?, &raw)
}

/// A public key (Ed25519 or P-256).
#[wasm_bindgen(js_name = PublicKey)]
#[derive(Clone)]
pub struct JsPublicKey {
    pub(crate) inner: PublicKey,
}

#[wasm_bindgen(js_class = PublicKey)]
impl JsPublicKey {
    /// Reads a public COSE_Key (a private part, if present, is ignored).
    #[wasm_bindgen(js_name = fromCoseKey)]
    pub fn from_cose_key(bytes: BytesJs) -> Result<JsPublicKey, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        Ok(JsPublicKey {
            inner: PublicKey::from_cose_key(bytes)?,
        })
    }

    /// A key from raw bytes: Ed25519, 32 bytes; ES256, the 65-byte
    /// uncompressed point (`04 || x || y`, WebCrypto `exportKey("raw")`).
    #[wasm_bindgen(js_name = fromRaw)]
    pub fn from_raw(
        #[wasm_bindgen(unchecked_param_type = "Algorithm")] algorithm: JsValue,
        bytes: BytesJs,
    ) -> Result<JsPublicKey, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        let algorithm = alg_from_js(&algorithm)?;
        Ok(JsPublicKey {
            inner: public_from_raw(algorithm, bytes)?,
        })
    }

    /// The key as a COSE_Key.
    #[wasm_bindgen(js_name = toCoseKey)]
    pub fn to_cose_key(&self) -> Vec<u8> {
        self.inner.to_cose_key()
    }

    /// The raw key bytes (Ed25519: 32 bytes; ES256: the 65-byte
    /// uncompressed point). With `algorithm`, a `PublicKey` is a
    /// `RawPublicKey`: what a signer's `publicKey()` returns.
    #[wasm_bindgen(getter)]
    pub fn bytes(&self) -> Vec<u8> {
        self.inner.raw().to_vec()
    }

    /// The raw key bytes.
    ///
    /// @deprecated Use `bytes` (the field of every public key, `RawPublicKey`).
    #[wasm_bindgen(getter)]
    pub fn raw(&self) -> Vec<u8> {
        self.bytes()
    }

    /// The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    /// `"Ed25519"` or `"ES256"`.
    #[wasm_bindgen(getter, unchecked_return_type = "Algorithm")]
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().to_owned()
    }

    /// Whether both are the same key.
    pub fn equals(&self, other: &JsPublicKey) -> bool {
        self.inner == other.inner
    }
}

#[wasm_bindgen]
extern "C" {
    /// `AuditTrustedKey[]`.
    #[wasm_bindgen(typescript_type = "AuditTrustedKey[]")]
    pub type TrustedKeyList;
}

/// The keys an auditor or a wallet accepts, each with its role and party.
/// On the wire: a COSE_KeySet (the `trust.cbor` the CLI's demo writes).
#[wasm_bindgen(js_name = TrustSet)]
#[derive(Clone, Default)]
pub struct JsTrustSet {
    pub(crate) inner: TrustSet,
}

#[wasm_bindgen(js_class = TrustSet)]
impl JsTrustSet {
    /// An empty trust set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsTrustSet {
        JsTrustSet::default()
    }

    /// Reads a COSE_KeySet whose keys carry `"role"` and `"party"`.
    #[wasm_bindgen(js_name = fromCoseKeySet)]
    pub fn from_cose_key_set(bytes: BytesJs) -> Result<JsTrustSet, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        Ok(JsTrustSet {
            inner: TrustSet::from_cose_key_set(bytes)?,
        })
    }

    /// Adds (or replaces) a key with its role and party.
    pub fn add(
        &mut self,
        key: &JsPublicKey,
        #[wasm_bindgen(unchecked_param_type = "Role")] role: &str,
        party: &str,
    ) -> Result<(), CkError> {
        self.inner
            .insert(key.inner.clone(), parse_role(role)?, party);
        Ok(())
    }

    /// The set as a COSE_KeySet.
    #[wasm_bindgen(js_name = toCoseKeySet)]
    pub fn to_cose_key_set(&self) -> Vec<u8> {
        self.inner.to_cose_key_set()
    }

    /// The number of keys.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The keys (kid, algorithm, role, party), sorted by kid: the core's `AuditTrustedKey`.
    pub fn keys(&self) -> Result<TrustedKeyList, CkError> {
        to_js_as(&consentkit::audit::trusted_keys(&self.inner))
    }
}
