//! The controller side, for server-side Kotlin and Python: make offers,
//! countersign grants, issue receipts and value records, revoke.

use std::sync::Arc;

use consentkit::{self as ck, Artifact};

use crate::error::Result;
use crate::keys::{ExternalSigner, ForeignSigner, KeyPair, PublicKeyInfo};
use crate::types::{artifact_id, DataReceipt, Offer, ValueRecord};

/// A controller's (or a partner's) signing identity. Every method returns
/// the signed artifact's bytes; the library builds every byte that gets signed.
#[derive(uniffi::Object)]
pub struct Controller {
    pub(crate) signer: Arc<dyn ck::Signer>,
}

#[uniffi::export]
impl Controller {
    /// A controller signing with an in-process key.
    #[uniffi::constructor]
    pub fn new(key: Arc<KeyPair>) -> Arc<Self> {
        Arc::new(Controller {
            signer: key.inner.clone(),
        })
    }

    /// A controller signing with a key held outside Rust (an HSM, a cloud KMS).
    #[uniffi::constructor]
    pub fn with_signer(signer: Arc<dyn ExternalSigner>) -> Result<Arc<Self>> {
        Ok(Arc::new(Controller {
            signer: ForeignSigner::adapt(signer)?,
        }))
    }

    /// The signing key (details and public COSE_Key).
    pub fn public_key(&self) -> PublicKeyInfo {
        (&self.signer.public_key()).into()
    }

    /// Signs an offer. Sets are put in canonical order; the offer is checked first.
    pub fn make_offer(&self, offer: Offer) -> Result<Vec<u8>> {
        let o: ck::Offer = offer.try_into()?;
        Ok(o.sign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Countersigns a grant or refusal that carries only the person's
    /// signature (checked first: a controller never countersigns a forgery).
    pub fn countersign(&self, decision: Vec<u8>) -> Result<Vec<u8>> {
        let a = Artifact::decode(&decision)?;
        Ok(a.countersign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Signs a data receipt: a use of data under a grant.
    pub fn issue_receipt(&self, receipt: DataReceipt) -> Result<Vec<u8>> {
        let r: ck::DataReceipt = receipt.try_into()?;
        Ok(r.sign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Signs a value record: what the person received under a grant.
    pub fn issue_value_record(&self, record: ValueRecord) -> Result<Vec<u8>> {
        let v: ck::ValueRecord = record.try_into()?;
        Ok(v.sign(self.signer.as_ref())?.as_bytes().to_vec())
    }

    /// Revokes a grant (by id) at time `at`, with a reason.
    pub fn revoke(&self, grant: String, at: u64, reason: String) -> Result<Vec<u8>> {
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
    Ok(ck::Offer::from_artifact(&a)?.into())
}
