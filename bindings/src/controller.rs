//! The controller side, for server-side Kotlin and Python: make offers,
//! countersign grants, issue receipts and value records, revoke. A key
//! that signs asynchronously (a KMS, an HSM) uses the `…Async` methods or
//! `prepare…` / `complete` (see `signer.rs`).

use std::sync::Arc;

use consentkit::{self as ck, Artifact};

use crate::error::Result;
use crate::keys::{ExternalSigner, ForeignSigner, KeyPair, RawPublicKey};
use crate::signer::AsyncSigner;
use crate::types::{artifact_id, DataReceipt, Offer, ValueRecord};
use consentkit::Timestamp;

/// A controller's (or a partner's) signing identity. Every method returns
/// the signed artifact's bytes; the library builds every byte that gets signed.
#[derive(uniffi::Object)]
pub struct Controller {
    /// Signs in one step; for a controller with an async signer, refuses
    /// to, saying which methods to call instead.
    pub(crate) signer: Arc<dyn ck::Signer>,
    /// The async signer, if the controller was made `withAsyncSigner`.
    pub(crate) asynchronous: Option<AsyncSigner>,
}

impl Controller {
    /// The signer, for the other modules' controller methods.
    pub(crate) fn signer(&self) -> &dyn ck::Signer {
        self.signer.as_ref()
    }

    /// The controller's public key.
    pub(crate) fn public(&self) -> ck::PublicKey {
        self.signer.public_key()
    }
}

#[uniffi::export]
impl Controller {
    /// A controller signing with an in-process key.
    #[uniffi::constructor]
    pub fn new(key: Arc<KeyPair>) -> Arc<Self> {
        Arc::new(Controller {
            signer: key.inner.clone(),
            asynchronous: None,
        })
    }

    /// A controller signing with a key held outside Rust (an HSM, a cloud KMS).
    #[uniffi::constructor]
    pub fn with_signer(signer: Arc<dyn ExternalSigner>) -> Result<Arc<Self>> {
        Ok(Arc::new(Controller {
            signer: ForeignSigner::adapt(signer)?,
            asynchronous: None,
        }))
    }

    /// The signing key.
    pub fn public_key(&self) -> RawPublicKey {
        (&self.signer.public_key()).into()
    }

    /// Signs an offer. Sets are put in canonical order; the offer is checked first.
    pub fn make_offer(&self, offer: Offer) -> Result<Vec<u8>> {
        Ok(offer.sign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Countersigns a grant or refusal that carries only the person's
    /// signature (checked first: a controller never countersigns a forgery).
    /// `offer` is the signed offer it answers: a grant accepting a purpose,
    /// category or recipient the offer does not ask for is refused (`Usage`,
    /// naming it).
    pub fn countersign(&self, decision: Vec<u8>, offer: Vec<u8>) -> Result<Vec<u8>> {
        let a = Artifact::decode(&decision)?;
        let o = Artifact::decode(&offer)?;
        Ok(a.countersign(&o, self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Countersigns a grant the caller knows does not fit its offer (a
    /// simulation making violations for an auditor), saying why; the grant
    /// is not checked against any offer.
    pub fn countersign_known_violation(
        &self,
        decision: Vec<u8>,
        reason: String,
    ) -> Result<Vec<u8>> {
        let a = Artifact::decode(&decision)?;
        let known = ck::KnownViolation::new(reason);
        Ok(a.countersign_known_violation(self.signer.as_ref(), &known)?
            .as_bytes()
            .to_vec())
    }

    /// Signs a data receipt: a use of data under `grant` (the signed grant
    /// it cites). A use the grant does not cover (purpose, category,
    /// recipient, time) is refused (`Usage`, naming it).
    pub fn issue_receipt(&self, receipt: DataReceipt, grant: Vec<u8>) -> Result<Vec<u8>> {
        let g = Artifact::decode(&grant)?;
        Ok(receipt.sign(&g, self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Signs a data receipt the caller knows its grant does not cover,
    /// saying why (a simulation, a breach to disclose); not checked against
    /// any grant.
    pub fn issue_receipt_known_violation(
        &self,
        receipt: DataReceipt,
        reason: String,
    ) -> Result<Vec<u8>> {
        let known = ck::KnownViolation::new(reason);
        Ok(receipt
            .sign_known_violation(self.signer.as_ref(), &known)?
            .as_bytes()
            .to_vec())
    }

    /// Signs a value record: what the person received under a grant.
    pub fn issue_value_record(&self, record: ValueRecord) -> Result<Vec<u8>> {
        let v = record;
        Ok(v.sign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Revokes a grant (by id) at time `at`, with a reason.
    pub fn revoke(&self, grant: String, at: Timestamp, reason: String) -> Result<Vec<u8>> {
        let at = at.check("at")?;
        let id = artifact_id(&grant)?;
        Ok(
            ck::Withdrawal::revoke(id, at, reason, self.signer.as_ref())?
                .as_bytes()
                .to_vec(),
        )
    }
}

/// Reads the offer inside an offer artifact (decoded strictly, signatures not checked).
#[uniffi::export]
pub fn read_offer(bytes: Vec<u8>) -> Result<Offer> {
    let a = Artifact::decode(&bytes)?;
    Ok(ck::Offer::from_artifact(&a)?.clone())
}
