//! Keys: in-process key pairs, external signers implemented in Kotlin,
//! Swift or Python (Android Keystore / StrongBox, Secure Enclave), and
//! trust sets. Signers that answer asynchronously: `signer.rs`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use consentkit::{self as ck, Signer as _};

use crate::error::Result;
use crate::types::{Algorithm, AuditTrustedKey, Role};

/// A private key held in this process (Ed25519 or P-256), with its public key.
///
/// For a key that must never enter the process, implement `ExternalSigner`
/// (or `AsyncExternalSigner`, for a key that signs asynchronously) instead.
#[derive(Debug, uniffi::Object)]
pub struct KeyPair {
    pub(crate) inner: Arc<ck::KeyPair>,
}

#[uniffi::export]
impl KeyPair {
    /// Generates a fresh key pair.
    #[uniffi::constructor]
    pub fn generate(algorithm: Algorithm) -> Result<Arc<Self>> {
        Ok(Arc::new(KeyPair {
            inner: Arc::new(ck::KeyPair::generate(algorithm)?),
        }))
    }

    /// Reads a private COSE_Key (with parameter `d`), as written by `toCoseKey`
    /// or `consentkit keygen`.
    #[uniffi::constructor]
    pub fn from_cose_key(cose_key: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(KeyPair {
            inner: Arc::new(ck::KeyPair::from_cose_key(&cose_key)?),
        }))
    }

    /// An Ed25519 key pair from its 32-byte seed (the RFC 8032 secret key).
    #[uniffi::constructor]
    pub fn from_ed25519_seed(seed: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(KeyPair {
            inner: Arc::new(ck::KeyPair::ed25519_from_seed(&seed)?),
        }))
    }

    /// The key pair as a COSE_Key including the private key: handle it as a secret.
    pub fn to_cose_key(&self) -> Vec<u8> {
        self.inner.to_cose_key()
    }

    /// The public key: its algorithm and raw bytes, what others put in their
    /// trust sets (`TrustSet.add`, `Wallet.trustKey`); `toCoseKey` gives its COSE_Key.
    pub fn public_key(&self) -> RawPublicKey {
        (&self.inner.public_key()).into()
    }

    /// The public key's raw bytes (Ed25519: 32 bytes; P-256: `04 || x || y`),
    /// as `publicKey().bytes`.
    pub fn public_key_raw(&self) -> Vec<u8> {
        self.inner.public_key().raw().to_vec()
    }

    /// The key id: the RFC 9679 COSE Key Thumbprint, in hex.
    pub fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }
}

/// A public key: its algorithm and raw bytes. What `KeyPair.publicKey`,
/// `Controller.publicKey` and `Wallet.publicKeyFor` return, what an external
/// signer reports, and what `TrustSet.add` and `Wallet.trustKey` take (the
/// JavaScript package's `RawPublicKey`, which its `PublicKey` is).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RawPublicKey {
    /// The algorithm the key signs with.
    pub algorithm: Algorithm,
    /// Ed25519: the 32-byte key. P-256: the uncompressed point `04 || x || y`
    /// (65 bytes; the last 65 bytes of a P-256 X.509 SubjectPublicKeyInfo,
    /// or iOS `SecKeyCopyExternalRepresentation`).
    pub bytes: Vec<u8>,
}

impl From<&ck::PublicKey> for RawPublicKey {
    fn from(k: &ck::PublicKey) -> Self {
        RawPublicKey {
            algorithm: k.algorithm(),
            bytes: k.raw().to_vec(),
        }
    }
}

#[uniffi::export]
impl RawPublicKey {
    /// The key id: the RFC 9679 COSE Key Thumbprint, in hex. Bytes that
    /// are not a key of the algorithm are `InvalidInput`.
    pub fn kid(&self) -> Result<String> {
        Ok(public_key_of(self.clone())?.kid().to_string())
    }

    /// The key as a public COSE_Key (what `publicKeyInfo` reads).
    pub fn to_cose_key(&self) -> Result<Vec<u8>> {
        Ok(public_key_of(self.clone())?.to_cose_key())
    }
}

/// Reads a public COSE_Key as a `RawPublicKey` (a private part, if
/// present, is ignored): a key published by a controller, for `TrustSet.add`.
#[uniffi::export]
pub fn public_key_from_cose_key(cose_key: Vec<u8>) -> Result<RawPublicKey> {
    Ok((&ck::PublicKey::from_cose_key(&cose_key)?).into())
}

/// A signing key held outside Rust: Android Keystore / StrongBox, the
/// Secure Enclave, an HSM. The private key never enters consentkit.
///
/// consentkit only ever asks it to sign bytes consentkit built itself (a
/// COSE `Sig_structure` naming the artifact type), and verifies every
/// signature it is handed, so a misbehaving signer is caught at once.
///
/// `sign` is synchronous: it blocks the calling thread until the key
/// answers. For a key behind a biometric prompt, implement
/// `AsyncExternalSigner` and use the `…Async` methods instead.
#[uniffi::export(with_foreign)]
pub trait ExternalSigner: Send + Sync {
    /// The public key that verifies this signer's signatures. Throw
    /// `ConsentKitError.Signer` if it cannot be had.
    fn public_key(&self) -> Result<RawPublicKey>;

    /// Signs `message`. Ed25519: the 64-byte signature. ES256 (ECDSA P-256
    /// with SHA-256 over `message`): either the 64-byte `r || s` form or the
    /// ASN.1 DER form that Android Keystore (`SHA256withECDSA`) and Apple's
    /// Security framework produce. Throw `ConsentKitError.Signer` on failure
    /// (e.g. user authentication cancelled).
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>>;
}

/// Adapts a foreign signer to the core's `Signer`: its public key is read
/// (and checked by the core) once, when it is handed to consentkit.
pub(crate) struct ForeignSigner {
    inner: Arc<dyn ExternalSigner>,
    public: ck::PublicKey,
}

impl ForeignSigner {
    pub(crate) fn adapt(inner: Arc<dyn ExternalSigner>) -> Result<Arc<dyn ck::Signer>> {
        let public = public_key_of(inner.public_key()?)?;
        Ok(Arc::new(ForeignSigner { inner, public }))
    }
}

/// The core's public key for a key an external signer reports (checked:
/// length, and for P-256 that the point is on the curve).
pub(crate) fn public_key_of(raw: RawPublicKey) -> Result<ck::PublicKey> {
    Ok(match raw.algorithm {
        Algorithm::Ed25519 => ck::PublicKey::ed25519(&raw.bytes)?,
        Algorithm::ES256 => ck::PublicKey::p256_uncompressed(&raw.bytes)?,
    })
}

impl ck::Signer for ForeignSigner {
    fn public_key(&self) -> ck::PublicKey {
        self.public.clone()
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ck::KeyError> {
        Ok(self.inner.sign(msg.to_vec())?)
    }
}

/// Gives the person's external key for each controller: one platform key
/// (an Android Keystore / Secure Enclave alias, e.g. derived from the
/// controller id) per controller, so that controllers cannot link the person
/// by their key. Implemented by the app (Kotlin, Swift, Python).
#[uniffi::export(with_foreign)]
pub trait ExternalKeyProvider: Send + Sync {
    /// The signer of the person's key at `controller`; create the platform
    /// key on the first call for a controller, return the same key after.
    /// Throw `ConsentKitError.Signer` if it cannot be had.
    fn signer_for(&self, controller: String) -> Result<Arc<dyn ExternalSigner>>;

    /// The signer of the single key a version-1 wallet used for every
    /// controller (created before wallets had a key per controller), or
    /// null. Needed only to sign where that key already signed, e.g. to
    /// withdraw a grant given with it.
    fn legacy_signer(&self) -> Option<Arc<dyn ExternalSigner>>;
}

/// Adapts a foreign key provider to the core's `SignerProvider`.
pub(crate) struct ForeignProvider {
    inner: Arc<dyn ExternalKeyProvider>,
}

impl ForeignProvider {
    pub(crate) fn adapt(
        inner: Arc<dyn ExternalKeyProvider>,
    ) -> Arc<dyn consentkit::wallet::SignerProvider> {
        Arc::new(ForeignProvider { inner })
    }
}

impl consentkit::wallet::SignerProvider for ForeignProvider {
    fn signer_for(&self, controller: &str) -> Result<Arc<dyn ck::Signer>, ck::KeyError> {
        let s = self.inner.signer_for(controller.to_owned())?;
        ForeignSigner::adapt(s).map_err(|e| ck::KeyError::Signer(e.to_string()))
    }

    fn legacy_signer(&self) -> Option<Arc<dyn ck::Signer>> {
        self.inner
            .legacy_signer()
            .and_then(|s| ForeignSigner::adapt(s).ok())
    }
}

/// Details of a public key.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PublicKeyInfo {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The key id (RFC 9679 thumbprint, hex).
    pub kid: String,
    /// The raw key (Ed25519: 32 bytes; P-256: `04 || x || y`): the field
    /// `bytes`, as in `RawPublicKey` and JavaScript's `PublicKey`.
    pub bytes: Vec<u8>,
    /// The public COSE_Key.
    pub cose_key: Vec<u8>,
}

impl From<&ck::PublicKey> for PublicKeyInfo {
    fn from(k: &ck::PublicKey) -> Self {
        PublicKeyInfo {
            algorithm: k.algorithm(),
            kid: k.kid().to_string(),
            bytes: k.raw().to_vec(),
            cose_key: k.to_cose_key(),
        }
    }
}

/// Reads a public COSE_Key (a private part, if present, is ignored).
#[uniffi::export]
pub fn public_key_info(cose_key: Vec<u8>) -> Result<PublicKeyInfo> {
    Ok((&ck::PublicKey::from_cose_key(&cose_key)?).into())
}

/// The public keys an auditor or a wallet accepts, each with its role and
/// party. On the wire: a COSE_KeySet (`consentkit demo` writes `trust.cbor`).
#[derive(Debug, Default, uniffi::Object)]
pub struct TrustSet {
    inner: Mutex<ck::TrustSet>,
}

impl TrustSet {
    pub(crate) fn get(&self) -> MutexGuard<'_, ck::TrustSet> {
        // A poisoned lock needs a panic while held; none of our code panics.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[uniffi::export]
impl TrustSet {
    /// An empty trust set.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(TrustSet::default())
    }

    /// Reads a COSE_KeySet whose keys carry `role` and `party` (private keys are refused).
    #[uniffi::constructor]
    pub fn from_cose_key_set(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(TrustSet {
            inner: Mutex::new(ck::TrustSet::from_cose_key_set(&bytes)?),
        }))
    }

    /// Trusts a public key in a role, for a party. A key already present is replaced.
    pub fn add(&self, public_key: RawPublicKey, role: Role, party: String) -> Result<()> {
        let key = public_key_of(public_key)?;
        self.get().insert(key, role, party);
        Ok(())
    }

    /// The set as a COSE_KeySet.
    pub fn to_cose_key_set(&self) -> Vec<u8> {
        self.get().to_cose_key_set()
    }

    /// The keys (kid, algorithm, role, party), sorted by kid: the core's
    /// `audit::TrustedKeyInfo`, as in an audit report's `provenance.trust.keys`.
    pub fn keys(&self) -> Vec<AuditTrustedKey> {
        consentkit::audit::trusted_keys(&self.get())
    }

    /// How many keys.
    pub fn len(&self) -> u64 {
        self.get().len() as u64
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.get().is_empty()
    }
}
