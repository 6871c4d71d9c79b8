//! The person's wallet, as an object in `Arc` (safe to share across threads).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use consentkit::log::{ConsistencyProof, InclusionProof};
use consentkit::wallet::{self as ck_wallet, WalletKey};
use consentkit::{self as ck, ArtifactKind as CkKind};

use crate::error::{ConsentKitError, Result};
use crate::keys::{ExternalSigner, ForeignSigner, KeyPair, PublicKeyInfo, TrustSet};
use crate::types::{
    artifact_id, digest, findings, fixed, ArtifactInfo, Choice, ConsentState, Finding, GrantView,
    LogCheck, ReceiveOutcome, Role, Summary,
};

/// The person's wallet: their key, their wallet secret (for pairwise
/// pseudonyms) and every artifact of their deals.
///
/// It lives in a file (append-only, crash-safe: `create`, `open`) or as
/// bytes the app stores itself (`inMemory`, `fromBytes`, `toBytes`). The
/// file holds the wallet secret and, for an in-process key, the private
/// key: keep it in app-private storage. With an `ExternalSigner`, only the
/// public key is stored, and the signer must be supplied again on opening.
#[derive(uniffi::Object)]
pub struct Wallet {
    inner: Mutex<ck_wallet::Wallet>,
}

fn key_of(key: &Arc<KeyPair>) -> WalletKey {
    WalletKey::InProcess(key.inner.clone())
}

fn external_key(signer: Arc<dyn ExternalSigner>) -> Result<WalletKey> {
    Ok(WalletKey::External(ForeignSigner::adapt(signer)?))
}

fn external(signer: Option<Arc<dyn ExternalSigner>>) -> Result<Option<Arc<dyn ck::Signer>>> {
    signer.map(ForeignSigner::adapt).transpose()
}

fn wrap(w: ck_wallet::Wallet) -> Arc<Wallet> {
    Arc::new(Wallet {
        inner: Mutex::new(w),
    })
}

impl Wallet {
    fn get(&self) -> MutexGuard<'_, ck_wallet::Wallet> {
        // A poisoned lock needs a panic while held; none of our code panics.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Resolves an offer reference: its digest (64 hex digits) or its id (32 hex digits).
    fn offer_digest(w: &ck_wallet::Wallet, offer: &str) -> Result<ck::Digest> {
        if offer.len() == 64 {
            return digest(offer);
        }
        let id = artifact_id(offer)?;
        w.artifacts()
            .iter()
            .find(|a| a.kind() == CkKind::Offer && a.id() == id)
            .map(|a| a.digest())
            .ok_or_else(|| ConsentKitError::NotFound {
                reason: format!("offer {offer} is not in this wallet"),
            })
    }
}

#[uniffi::export]
impl Wallet {
    /// Creates a wallet file at `path` (which must not exist) with an in-process key.
    #[uniffi::constructor]
    pub fn create(path: String, key: Arc<KeyPair>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::create(
            Path::new(&path),
            key_of(&key),
        )?))
    }

    /// Creates a wallet file at `path` (which must not exist) whose key is
    /// held by `signer`; only its public key is stored.
    #[uniffi::constructor]
    pub fn create_with_signer(path: String, signer: Arc<dyn ExternalSigner>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::create(
            Path::new(&path),
            external_key(signer)?,
        )?))
    }

    /// Opens a wallet file. `signer` is required for a wallet created with an
    /// external signer (and must hold the same key); it is ignored otherwise.
    #[uniffi::constructor(default(signer = None))]
    pub fn open(path: String, signer: Option<Arc<dyn ExternalSigner>>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::open(
            Path::new(&path),
            external(signer)?,
        )?))
    }

    /// A new wallet in memory with an in-process key; store it with `toBytes`.
    #[uniffi::constructor]
    pub fn in_memory(key: Arc<KeyPair>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::new(key_of(&key))?))
    }

    /// A new wallet in memory whose key is held by `signer`.
    #[uniffi::constructor]
    pub fn in_memory_with_signer(signer: Arc<dyn ExternalSigner>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::new(external_key(signer)?)?))
    }

    /// A wallet from bytes returned by `toBytes` (the file format).
    #[uniffi::constructor(default(signer = None))]
    pub fn from_bytes(
        bytes: Vec<u8>,
        signer: Option<Arc<dyn ExternalSigner>>,
    ) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::from_bytes(
            &bytes,
            external(signer)?,
        )?))
    }

    /// Restores a wallet (in memory) from an encrypted backup made by
    /// `exportBackup` with the same 32-byte key. Use `saveAs` to write it to a file.
    #[uniffi::constructor(default(signer = None))]
    pub fn import_backup(
        backup: Vec<u8>,
        key: Vec<u8>,
        signer: Option<Arc<dyn ExternalSigner>>,
    ) -> Result<Arc<Self>> {
        let key = backup_key(&key)?;
        Ok(wrap(ck_wallet::Wallet::import_backup(
            &backup,
            &key,
            external(signer)?,
        )?))
    }

    /// The wallet as bytes (the file format), for apps that store it themselves.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.get().to_bytes()
    }

    /// Writes the wallet to a new file at `path` and keeps appending there.
    pub fn save_as(&self, path: String) -> Result<()> {
        Ok(self.get().save_as(Path::new(&path))?)
    }

    /// Exports the whole wallet as one encrypted backup (ChaCha20-Poly1305).
    /// `key`: 32 bytes from the platform keystore.
    pub fn export_backup(&self, key: Vec<u8>) -> Result<Vec<u8>> {
        let key = backup_key(&key)?;
        Ok(self.get().export_backup(&key)?)
    }

    /// The person's public key (details and COSE_Key).
    pub fn public_key(&self) -> PublicKeyInfo {
        (&self.get().public_key()).into()
    }

    /// The person's pairwise pseudonym at a controller (16 bytes).
    pub fn pseudonym(&self, controller: String) -> Vec<u8> {
        self.get().pseudonym(&controller).to_vec()
    }

    /// Trusts a controller's or partner's public COSE_Key (the app pins them).
    pub fn trust_key(&self, public_key: Vec<u8>, role: Role, party: String) -> Result<()> {
        let key = ck::PublicKey::from_cose_key(&public_key)?;
        Ok(self.get().trust_key(key, role.into(), &party)?)
    }

    /// Trusts every key of a trust set.
    pub fn trust_all(&self, trust: Arc<TrustSet>) -> Result<()> {
        let keys: Vec<_> = trust.get().iter().cloned().collect();
        let mut w = self.get();
        for t in keys {
            w.trust_key(t.key, t.role, &t.party)?;
        }
        Ok(())
    }

    /// The wallet's trust set (a copy).
    pub fn trust(&self) -> Result<Arc<TrustSet>> {
        TrustSet::from_cose_key_set(self.get().trust().to_cose_key_set())
    }

    /// Takes in any artifact (offer, countersigned grant, revocation,
    /// receipt, value record) at time `now` (seconds since the epoch):
    /// verifies it against the wallet's trust set, keeps it, and returns the
    /// violations that now concern it.
    pub fn receive(&self, bytes: Vec<u8>, now: u64) -> Result<ReceiveOutcome> {
        let (a, v) = self.get().receive(&bytes, now)?;
        Ok(ReceiveOutcome {
            artifact: (&a).into(),
            violations: findings(&v),
        })
    }

    /// Accepts an offer (by id or digest), whole or granular, at time `at`.
    /// Returns the grant signed by the person, to send to the controller for
    /// countersigning; the countersigned grant comes back through `receive`.
    pub fn accept(&self, offer: String, choice: Choice, at: u64) -> Result<Vec<u8>> {
        let choice = choice.try_into()?;
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.accept(&d, &choice, at)?.as_bytes().to_vec())
    }

    /// Refuses an offer (by id or digest) at time `at`; returns the refusal
    /// for the controller to countersign.
    pub fn refuse(&self, offer: String, at: u64) -> Result<Vec<u8>> {
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.refuse(&d, at)?.as_bytes().to_vec())
    }

    /// Withdraws a grant (by id) at time `at`: one call. Returns the signed
    /// withdrawal to send to the controller.
    pub fn withdraw(&self, grant: String, at: u64) -> Result<Vec<u8>> {
        let id = artifact_id(&grant)?;
        Ok(self.get().withdraw(id, at)?.as_bytes().to_vec())
    }

    /// Every artifact, in the order received.
    pub fn artifacts(&self) -> Vec<ArtifactInfo> {
        self.get().artifacts().iter().map(Into::into).collect()
    }

    /// The grants and their states at `now`.
    pub fn grants(&self, now: u64) -> Vec<GrantView> {
        self.get().grants(now).iter().map(Into::into).collect()
    }

    /// A grant's state at `now`, or `null` if the wallet has no such grant.
    pub fn grant_state(&self, grant: String, now: u64) -> Result<Option<ConsentState>> {
        let id = artifact_id(&grant)?;
        Ok(self.get().grant_state(id, now).map(Into::into))
    }

    /// What the person shared, with whom, for which purpose, under which
    /// grant; what they received; and violations, at `now`.
    pub fn summary(&self, now: u64) -> Summary {
        (&self.get().summary(now)).into()
    }

    /// Every violation in the wallet's records at `now` (the audit engine's findings).
    pub fn violations(&self, now: u64) -> Vec<Finding> {
        findings(&self.get().violations(now))
    }

    /// Records a transparency-log checkpoint note the wallet has seen.
    pub fn add_checkpoint(&self, note: String) -> Result<()> {
        Ok(self.get().add_checkpoint(&note)?)
    }

    /// Keeps an inclusion proof (its CBOR encoding, as the log serves it)
    /// of one of the wallet's artifacts (by id).
    pub fn add_inclusion_proof(&self, artifact: String, proof: Vec<u8>) -> Result<()> {
        let id = artifact_id(&artifact)?;
        let proof = InclusionProof::from_cbor(&proof)?;
        Ok(self.get().add_inclusion_proof(id, &proof)?)
    }

    /// Keeps a consistency proof (its CBOR encoding) between two checkpoints.
    pub fn add_consistency_proof(&self, proof: Vec<u8>) -> Result<()> {
        let proof = ConsistencyProof::from_cbor(&proof)?;
        Ok(self.get().add_consistency_proof(&proof)?)
    }

    /// Checks every transparency log the wallet trusts (role `log`): the
    /// checkpoints' signatures, consistency between them (a rewritten log is
    /// caught), and inclusion proofs of the person's own artifacts.
    pub fn check_logs(&self) -> Vec<LogCheck> {
        self.get().check_logs().iter().map(Into::into).collect()
    }

    /// The checkpoint notes recorded.
    pub fn checkpoints(&self) -> Vec<String> {
        self.get().checkpoints().to_vec()
    }

    /// The wallet's artifacts as a bundle (a CBOR sequence), to hand to an auditor.
    pub fn export_bundle(&self) -> Vec<u8> {
        self.get().export_bundle()
    }
}

fn backup_key(key: &[u8]) -> Result<[u8; 32]> {
    fixed::<32>(key, "backup key").map_err(|e| ConsentKitError::Backup {
        reason: e.to_string(),
    })
}
