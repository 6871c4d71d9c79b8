//! Keys that sign asynchronously, the way apps use platform keys: an
//! Android Keystore / StrongBox key or a Secure Enclave key that asks for
//! the user's fingerprint, a cloud KMS, an HSM behind a network call.
//!
//! Two ways, both ending in the core's prepared signatures
//! ([`consentkit::PendingSignature`]), so every byte that gets signed is built by
//! the core and every signature is checked by it before anything is kept:
//!
//! - **An `AsyncExternalSigner`** (Kotlin `suspend fun sign`, Swift
//!   `func sign(message:) async throws`, Python `async def sign`):
//!   `prepare…` as below, then `signAsync(pending)` (on a `Controller`
//!   made `withAsyncSigner`) or `wallet.signAsync(pending, signer)`, which
//!   await the signer and complete. Nothing blocks a thread while the user
//!   authenticates. (One async entry point per object: each exported async
//!   function costs the native library about 13 KB.)
//! - **Two steps, by hand**: `prepare…` returns a `PendingSignature`
//!   (`message`: the exact bytes to sign, `kind`, `algorithm`, `kid`,
//!   `publicKey`); the app signs `message` however it likes and hands the
//!   signature to `complete`. The same names as the JavaScript package's
//!   `PendingSignature`, `prepareAccept` / `prepareRefuse` /
//!   `prepareWithdraw` and `complete`.
//!
//! ES256 signatures may be the 64-byte `r || s` or ASN.1 DER (what Android
//! Keystore and Apple's Security framework return); the core normalises them
//! strictly (`consentkit::keys::normalize_signature`), and anything else is
//! a `Signer` error naming what is wrong.

use std::sync::Arc;

use consentkit::{self as ck, wallet::WalletKey};

use crate::controller::Controller;
use crate::error::{ConsentKitError, Result};
use crate::keys::{public_key_of, RawPublicKey};
use crate::types::{artifact_id, Algorithm, ArtifactKind, Choice};
use crate::wallet::Wallet;
use consentkit::Timestamp;

/// A signing key held outside Rust that answers asynchronously: Android
/// Keystore / StrongBox or the Secure Enclave behind a biometric prompt, a
/// cloud KMS, an HSM. The private key never enters consentkit.
///
/// consentkit only ever asks it to sign bytes consentkit built itself (a
/// COSE `Sig_structure` naming the artifact type), and verifies every
/// signature before it is used, so a misbehaving signer is caught at once.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait AsyncExternalSigner: Send + Sync {
    /// The public key that verifies this signer's signatures (read once,
    /// when the signer is handed to consentkit). Throw
    /// `ConsentKitError.Signer` if it cannot be had.
    fn public_key(&self) -> Result<RawPublicKey>;

    /// Signs `message`. Ed25519: the 64-byte signature. ES256 (ECDSA P-256
    /// with SHA-256 over `message`): the 64-byte `r || s` form or the ASN.1
    /// DER form that Android Keystore (`SHA256withECDSA`) and Apple's
    /// Security framework produce. Throw `ConsentKitError.Signer` on failure
    /// (e.g. the user cancelled authentication).
    async fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>>;
}

/// An async signer with the public key it reported (checked by the core).
#[derive(Clone)]
pub(crate) struct AsyncSigner {
    inner: Arc<dyn AsyncExternalSigner>,
    public: ck::PublicKey,
}

impl AsyncSigner {
    pub(crate) fn adapt(inner: Arc<dyn AsyncExternalSigner>) -> Result<AsyncSigner> {
        let public = public_key_of(inner.public_key()?)?;
        Ok(AsyncSigner { inner, public })
    }

    pub(crate) fn public_key(&self) -> &ck::PublicKey {
        &self.public
    }

    /// Awaits the foreign signer's signature over what `prepared` asks for.
    async fn sign(&self, prepared: &ck::PendingSignature) -> Result<Vec<u8>> {
        self.inner.sign(prepared.to_be_signed().to_vec()).await
    }
}

/// The core `Signer` of a controller that signs asynchronously: it knows
/// the public key and refuses to sign in one step, saying what to call.
pub(crate) struct AsyncOnly {
    pub(crate) public: ck::PublicKey,
}

/// Why a controller with an async signer refuses a synchronous call.
pub(crate) const ASYNC_ONLY: &str = "this controller signs asynchronously (withAsyncSigner): \
     prepare (prepareOffer, prepareCountersign, prepareReceipt, …), then signAsync";

impl ck::Signer for AsyncOnly {
    fn public_key(&self) -> ck::PublicKey {
        self.public.clone()
    }

    fn sign(&self, _msg: &[u8]) -> std::result::Result<Vec<u8>, ck::KeyError> {
        Err(ck::KeyError::Signer(ASYNC_ONLY.into()))
    }
}

/// An artifact built by consentkit and waiting for one signature made
/// elsewhere. Sign `message` with the key named by `publicKey` / `kid`
/// (e.g. Kotlin `Signature.getInstance("SHA256withECDSA")`, Swift
/// `SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, …)`) and
/// hand the signature to `complete` on the object that prepared it.
#[derive(Debug, uniffi::Object)]
pub struct PendingSignature {
    pub(crate) prepared: ck::PendingSignature,
}

impl PendingSignature {
    pub(crate) fn wrap(prepared: ck::PendingSignature) -> Arc<PendingSignature> {
        Arc::new(PendingSignature { prepared })
    }
}

#[uniffi::export]
impl PendingSignature {
    /// The exact bytes to sign: the COSE `Sig_structure` the library built
    /// (it names the artifact type, so it cannot be replayed as another).
    pub fn message(&self) -> Vec<u8> {
        self.prepared.to_be_signed().to_vec()
    }

    /// The artifact being signed.
    pub fn kind(&self) -> ArtifactKind {
        self.prepared.kind()
    }

    /// The algorithm the signature must use.
    pub fn algorithm(&self) -> Algorithm {
        self.prepared.public_key().algorithm()
    }

    /// The key id (RFC 9679 thumbprint, hex) of the key that must sign.
    pub fn kid(&self) -> String {
        self.prepared.public_key().kid().to_string()
    }

    /// The key that must sign.
    pub fn public_key(&self) -> RawPublicKey {
        self.prepared.public_key().into()
    }
}

// --- Controller ---------------------------------------------------------------

#[uniffi::export]
impl Controller {
    /// A controller whose key signs asynchronously (a cloud KMS, an HSM, a
    /// platform key behind a prompt). Sign with `prepare…` then `signAsync`
    /// (or `complete` with a signature made by hand); the one-step methods
    /// (`makeOffer`, …) throw `ConsentKitError.Signer` saying so.
    #[uniffi::constructor]
    pub fn with_async_signer(signer: Arc<dyn AsyncExternalSigner>) -> Result<Arc<Self>> {
        let signer = AsyncSigner::adapt(signer)?;
        Ok(Arc::new(Controller {
            signer: Arc::new(AsyncOnly {
                public: signer.public_key().clone(),
            }),
            asynchronous: Some(signer),
        }))
    }

    /// Whether this controller's key signs asynchronously (`withAsyncSigner`).
    pub fn is_async(&self) -> bool {
        self.asynchronous.is_some()
    }

    /// First step of `makeOffer` for a key that signs elsewhere: the offer,
    /// checked and in canonical order, waiting for the controller's signature.
    pub fn prepare_offer(&self, offer: crate::types::Offer) -> Result<Arc<PendingSignature>> {
        Ok(PendingSignature::wrap(offer.prepare(&self.public())?))
    }

    /// First step of `countersign`: the grant or refusal is checked (the
    /// person's signature, and a grant against `offer`) before anything is prepared.
    pub fn prepare_countersign(
        &self,
        decision: Vec<u8>,
        offer: Vec<u8>,
    ) -> Result<Arc<PendingSignature>> {
        let a = ck::Artifact::decode(&decision)?;
        let o = ck::Artifact::decode(&offer)?;
        Ok(PendingSignature::wrap(
            a.prepare_countersign(&o, &self.public())?,
        ))
    }

    /// First step of `countersignKnownViolation`.
    pub fn prepare_countersign_known_violation(
        &self,
        decision: Vec<u8>,
        reason: String,
    ) -> Result<Arc<PendingSignature>> {
        let a = ck::Artifact::decode(&decision)?;
        let known = ck::KnownViolation::new(reason);
        Ok(PendingSignature::wrap(
            a.prepare_countersign_known_violation(&self.public(), &known)?,
        ))
    }

    /// First step of `issueReceipt`: the receipt is checked against `grant` first.
    pub fn prepare_receipt(
        &self,
        receipt: crate::types::DataReceipt,
        grant: Vec<u8>,
    ) -> Result<Arc<PendingSignature>> {
        let g = ck::Artifact::decode(&grant)?;
        Ok(PendingSignature::wrap(receipt.prepare(&g, &self.public())?))
    }

    /// First step of `issueReceiptKnownViolation`.
    pub fn prepare_receipt_known_violation(
        &self,
        receipt: crate::types::DataReceipt,
        reason: String,
    ) -> Result<Arc<PendingSignature>> {
        let known = ck::KnownViolation::new(reason);
        Ok(PendingSignature::wrap(
            receipt.prepare_known_violation(&self.public(), &known)?,
        ))
    }

    /// First step of `issueValueRecord`.
    pub fn prepare_value_record(
        &self,
        record: crate::types::ValueRecord,
    ) -> Result<Arc<PendingSignature>> {
        let v = record;
        Ok(PendingSignature::wrap(v.prepare(&self.public())?))
    }

    /// First step of `revoke`.
    pub fn prepare_revoke(
        &self,
        grant: String,
        at: Timestamp,
        reason: String,
    ) -> Result<Arc<PendingSignature>> {
        let at = at.check("at")?;
        let id = artifact_id(&grant)?;
        let w = ck::Withdrawal {
            grant: id,
            issued_at: at,
            effective_at: at,
            by: ck::WithdrawnBy::Controller,
            reason: Some(reason),
            subject_key: None,
        };
        Ok(PendingSignature::wrap(w.prepare(&self.public())?))
    }

    /// Second step: hands over the signature of `pending.message` (ES256:
    /// `r || s` or DER). The core checks it with this controller's key and
    /// returns the signed artifact's bytes.
    pub fn complete(&self, pending: Arc<PendingSignature>, signature: Vec<u8>) -> Result<Vec<u8>> {
        if *pending.prepared.public_key() != self.public() {
            return Err(ConsentKitError::Usage {
                reason: "this signature was prepared for another key than this controller's".into(),
            });
        }
        Ok(pending.prepared.complete(&signature)?.as_bytes().to_vec())
    }

    /// Signs a prepared artifact with this controller's key, awaiting its
    /// async signer (`withAsyncSigner`; an in-process key signs at once),
    /// and returns the signed artifact's bytes: `prepareOffer`, then
    /// `signAsync`. The signature is checked as `complete` checks it.
    pub async fn sign_async(&self, pending: Arc<PendingSignature>) -> Result<Vec<u8>> {
        if *pending.prepared.public_key() != self.public() {
            return Err(ConsentKitError::Usage {
                reason: "this signature was prepared for another key than this controller's".into(),
            });
        }
        let sig = match &self.asynchronous {
            Some(s) => s.sign(&pending.prepared).await?,
            None => self.signer().sign(pending.prepared.to_be_signed())?,
        };
        self.complete(pending, sig)
    }
}

// --- Wallet (the person's side) ------------------------------------------------

#[uniffi::export]
impl Wallet {
    /// A wallet in memory whose keys are all held outside it and sign
    /// asynchronously (one per controller): bind each with `bindKey`, then
    /// `prepare…` and `signAsync` (or `complete`). Only public keys are
    /// kept (`toBytes`, `fromBytes`).
    #[uniffi::constructor]
    pub fn in_memory_external() -> Result<Arc<Self>> {
        Ok(crate::wallet::wrap(ck::wallet::Wallet::new(
            WalletKey::PublicOnly,
        )?))
    }

    /// Binds the person's key at `controller` to `publicKey` (a key held
    /// outside the wallet). A key already bound there must be the same.
    pub fn bind_key(&self, controller: String, public_key: RawPublicKey) -> Result<()> {
        let key = public_key_of(public_key)?;
        Ok(self.get().bind_key(&controller, key)?)
    }

    /// First step of `accept` for a key that signs elsewhere: the grant,
    /// waiting for the signature of the person's key at the offer's
    /// controller (`pending.publicKey`; bind it first with `bindKey`).
    pub fn prepare_accept(
        &self,
        offer: String,
        choice: Choice,
        at: Timestamp,
    ) -> Result<Arc<PendingSignature>> {
        let at = at.check("at")?;
        let w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(PendingSignature::wrap(w.prepare_accept(&d, &choice, at)?))
    }

    /// First step of `refuse` for a key that signs elsewhere.
    pub fn prepare_refuse(&self, offer: String, at: Timestamp) -> Result<Arc<PendingSignature>> {
        let at = at.check("at")?;
        let w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(PendingSignature::wrap(w.prepare_refuse(&d, at)?))
    }

    /// First step of `withdraw` for a key that signs elsewhere.
    pub fn prepare_withdraw(&self, grant: String, at: Timestamp) -> Result<Arc<PendingSignature>> {
        let at = at.check("at")?;
        let id = artifact_id(&grant)?;
        Ok(PendingSignature::wrap(self.get().prepare_withdraw(id, at)?))
    }

    /// Second step: hands over the signature of `pending.message` (ES256:
    /// `r || s` or DER). The core checks it with the person's key, keeps the
    /// artifact, and returns its bytes (to send to the controller).
    pub fn complete(&self, pending: Arc<PendingSignature>, signature: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self
            .get()
            .complete(&pending.prepared, &signature)?
            .as_bytes()
            .to_vec())
    }

    /// Signs a prepared grant, refusal or withdrawal with `signer` (the
    /// person's key that `pending.publicKey` names; another key is refused
    /// before it is asked), awaiting its signature, then completes it as
    /// `complete` does: `prepareAccept`, then `signAsync`.
    pub async fn sign_async(
        &self,
        pending: Arc<PendingSignature>,
        signer: Arc<dyn AsyncExternalSigner>,
    ) -> Result<Vec<u8>> {
        let signer = AsyncSigner::adapt(signer)?;
        if pending.prepared.public_key() != signer.public_key() {
            return Err(ConsentKitError::Usage {
                reason: format!(
                    "this signature was prepared for key {}, not this signer's {}",
                    pending.prepared.public_key().kid().short(),
                    signer.public_key().kid().short()
                ),
            });
        }
        let sig = signer.sign(&pending.prepared).await?;
        self.complete(pending, sig)
    }
}

#[cfg(test)]
#[path = "signer_tests.rs"]
mod tests;
