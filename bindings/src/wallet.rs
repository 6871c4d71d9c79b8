//! The person's wallet, as an object in `Arc` (safe to share across threads).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use zeroize::Zeroizing;

use consentkit::log::{ConsistencyProof, InclusionProof};
use consentkit::wallet::{self as ck_wallet, WalletKey};
use consentkit::{self as ck, ArtifactKind as CkKind};

use crate::error::{ConsentKitError, Result};
use crate::keys::{public_key_of, ExternalKeyProvider, ForeignProvider, RawPublicKey, TrustSet};
use crate::listener::{Locked, Outbox};
use crate::types::{
    artifact_id, digest, findings, fixed, Algorithm, ArtifactInfo, AuditTrustedKey, Choice,
    ConsentState, Finding, GrantView, LogCheck, ReceiveOutcome, Role, WalletSummary,
};
use consentkit::Timestamp;

/// The person's wallet: their keys, their wallet secret (for pairwise
/// pseudonyms) and every artifact of their deals.
///
/// It lives in a file (append-only, crash-safe: `create`, `open`) or as
/// bytes the app stores itself (`inMemory`, `fromBytes`, `toBytes`). The
/// file holds the wallet secret and, for an in-process key, the private
/// keys (one per controller: controllers cannot link the person by their
/// key): the file is created 0600; keep it in app-private storage. With an
/// `ExternalKeyProvider`, only public keys are stored, and the provider must
/// be supplied again on opening to sign.
#[derive(uniffi::Object)]
pub struct Wallet {
    inner: Mutex<ck_wallet::Wallet>,
    /// Listener events waiting for the lock to be released (`subscribe`).
    pub(crate) outbox: Arc<Outbox>,
}

fn in_process(algorithm: Algorithm) -> WalletKey {
    match algorithm {
        Algorithm::Ed25519 => WalletKey::Ed25519,
        Algorithm::ES256 => WalletKey::Es256,
    }
}

fn external(
    provider: Option<Arc<dyn ExternalKeyProvider>>,
) -> Option<Arc<dyn ck_wallet::SignerProvider>> {
    provider.map(ForeignProvider::adapt)
}

pub(crate) fn wrap(w: ck_wallet::Wallet) -> Arc<Wallet> {
    Arc::new(Wallet {
        inner: Mutex::new(w),
        outbox: Arc::default(),
    })
}

impl Wallet {
    /// The core wallet, locked; listeners' events are delivered when the
    /// lock is released (so that a listener may call the wallet).
    pub(crate) fn get(&self) -> Locked<'_> {
        // A poisoned lock needs a panic while held; none of our code panics.
        Locked::new(
            self.inner.lock().unwrap_or_else(PoisonError::into_inner),
            &self.outbox,
        )
    }

    /// Resolves an offer reference: its digest (64 hex digits) or its id (32 hex digits).
    pub(crate) fn offer_digest(w: &ck_wallet::Wallet, offer: &str) -> Result<ck::Digest> {
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
    /// Creates a wallet file at `path` (which must not exist; mode 0600 on
    /// Unix) whose keys are held in it, one per controller: Ed25519 keys
    /// derived from the wallet secret, or ES256 keys generated and stored.
    #[uniffi::constructor]
    pub fn create(path: String, algorithm: Algorithm) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::create(
            Path::new(&path),
            in_process(algorithm),
        )?))
    }

    /// Creates a wallet file at `path` (which must not exist) whose keys are
    /// held by the platform: `provider` gives the signer for each controller
    /// (one alias per controller); only public keys are stored.
    #[uniffi::constructor]
    pub fn create_with_provider(
        path: String,
        provider: Arc<dyn ExternalKeyProvider>,
    ) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::create(
            Path::new(&path),
            WalletKey::External(ForeignProvider::adapt(provider)),
        )?))
    }

    /// Opens a wallet file without writing it (damaged records are skipped
    /// and listed by `problems`). `provider` gives the signers of a wallet
    /// whose keys the platform holds; without it such a wallet opens for
    /// reading only. Ignored for in-process keys.
    #[uniffi::constructor(default(provider = None))]
    pub fn open(path: String, provider: Option<Arc<dyn ExternalKeyProvider>>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::open(
            Path::new(&path),
            external(provider),
        )?))
    }

    /// A new wallet in memory with in-process keys (one per controller); store it with `toBytes`.
    #[uniffi::constructor]
    pub fn in_memory(algorithm: Algorithm) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::new(in_process(algorithm))?))
    }

    /// A new wallet in memory whose keys the platform holds (one per controller, from `provider`).
    #[uniffi::constructor]
    pub fn in_memory_with_provider(provider: Arc<dyn ExternalKeyProvider>) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::new(WalletKey::External(
            ForeignProvider::adapt(provider),
        ))?))
    }

    /// A wallet from bytes returned by `toBytes` (the file format).
    #[uniffi::constructor(default(provider = None))]
    pub fn from_bytes(
        bytes: Vec<u8>,
        provider: Option<Arc<dyn ExternalKeyProvider>>,
    ) -> Result<Arc<Self>> {
        Ok(wrap(ck_wallet::Wallet::from_bytes(
            &bytes,
            external(provider),
        )?))
    }

    /// Restores a wallet (in memory) from an encrypted backup made by
    /// `exportBackup` with the same 32-byte key. Use `saveAs` to write it to a file.
    #[uniffi::constructor(default(provider = None))]
    pub fn import_backup(
        backup: Vec<u8>,
        key: Vec<u8>,
        provider: Option<Arc<dyn ExternalKeyProvider>>,
    ) -> Result<Arc<Self>> {
        let key = backup_key(key)?;
        Ok(wrap(ck_wallet::Wallet::import_backup(
            &backup,
            &key,
            external(provider),
        )?))
    }

    /// The wallet format version of its header (1: written before wallets
    /// had a key per controller; 2: a key per controller).
    pub fn version(&self) -> u64 {
        self.get().version()
    }

    /// What could not be read when the wallet was opened (damaged records,
    /// a torn end): skipped, the rest was read. Empty for a sound wallet.
    pub fn problems(&self) -> Vec<WalletProblem> {
        self.get().problems().to_vec()
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
        let key = backup_key(key)?;
        Ok(self.get().export_backup(&key)?)
    }

    /// The person's public key at `controller`, or null if the wallet has
    /// none there yet (a platform key is made on first signing; in-process
    /// Ed25519 keys always exist: they are derived).
    pub fn public_key_for(&self, controller: String) -> Option<RawPublicKey> {
        self.get().public_key_for(&controller).map(|k| (&k).into())
    }

    /// The person's pairwise pseudonym at a controller (16 bytes).
    pub fn pseudonym(&self, controller: String) -> Vec<u8> {
        self.get().pseudonym(&controller).to_vec()
    }

    /// Trusts a controller's or partner's public key (the app pins them).
    pub fn trust_key(&self, public_key: RawPublicKey, role: Role, party: String) -> Result<()> {
        let key = public_key_of(public_key)?;
        Ok(self.get().trust_key(key, role, &party)?)
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

    /// The keys this wallet trusts (kid, algorithm, role, party), sorted by
    /// kid: the core's `AuditTrustedKey`, as `TrustSet.keys()` and an audit
    /// report's `provenance.trust.keys`.
    pub fn trusted_keys(&self) -> Vec<AuditTrustedKey> {
        self.get().trusted_keys()
    }

    /// Takes in any artifact (offer, countersigned grant, revocation,
    /// receipt, value record) at time `now` (seconds since the epoch):
    /// verifies it against the wallet's trust set, keeps it, and returns the
    /// violations that now concern it.
    pub fn receive(&self, bytes: Vec<u8>, now: Timestamp) -> Result<ReceiveOutcome> {
        let now = now.check("now")?;
        let (a, v) = self.get().receive(&bytes, now)?;
        Ok(ReceiveOutcome {
            artifact: a.info(),
            violations: findings(&v),
        })
    }

    /// Accepts an offer (by id or digest), whole or granular, at time `at`.
    /// Returns the grant signed by the person, to send to the controller for
    /// countersigning; the countersigned grant comes back through `receive`.
    pub fn accept(&self, offer: String, choice: Choice, at: Timestamp) -> Result<Vec<u8>> {
        let at = at.check("at")?;
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.accept(&d, &choice, at)?.as_bytes().to_vec())
    }

    /// Refuses an offer (by id or digest) at time `at`; returns the refusal
    /// for the controller to countersign.
    pub fn refuse(&self, offer: String, at: Timestamp) -> Result<Vec<u8>> {
        let at = at.check("at")?;
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.refuse(&d, at)?.as_bytes().to_vec())
    }

    /// Withdraws a grant (by id) at time `at`: one call. Returns the signed
    /// withdrawal to send to the controller.
    pub fn withdraw(&self, grant: String, at: Timestamp) -> Result<Vec<u8>> {
        let at = at.check("at")?;
        let id = artifact_id(&grant)?;
        Ok(self.get().withdraw(id, at)?.as_bytes().to_vec())
    }

    /// A C2SP `tlog-proof@v1` (text) for one of the wallet's artifacts (by
    /// id): its inclusion proof under a checkpoint of a trusted log.
    pub fn export_tlog_proof(&self, artifact: String) -> Result<String> {
        let id = artifact_id(&artifact)?;
        Ok(self.get().export_tlog_proof(id)?)
    }

    /// Checks an RFC 9942 COSE Receipt the log issued for one of the
    /// wallet's artifacts (by id) against the log keys the wallet trusts.
    pub fn verify_cose_receipt(&self, artifact: String, receipt: Vec<u8>) -> Result<ReceiptCheck> {
        let id = artifact_id(&artifact)?;
        Ok(self.get().verify_cose_receipt(id, &receipt)?)
    }

    /// Checks a C2SP `tlog-proof@v1` of one of the wallet's artifacts (by
    /// id) against the log keys the wallet trusts (role `log`): its
    /// checkpoint's signature, and the proof from the artifact to its root.
    pub fn verify_tlog_proof(&self, artifact: String, proof: String) -> Result<ReceiptCheck> {
        let id = artifact_id(&artifact)?;
        Ok(self.get().verify_tlog_proof(id, &proof)?)
    }

    /// Checks the wallet's checkpoints and inclusion proofs against a
    /// witness policy (C2SP tlog-policy text), for each log it names:
    /// checkpoints count only with the policy's quorum of cosignatures; an
    /// artifact is proven only in a witnessed checkpoint; one dated more
    /// than `tolerance` seconds before the earliest cosignature of a
    /// witnessed checkpoint that does not contain it is backdated.
    pub fn check_logs_witnessed(
        &self,
        policy: String,
        tolerance: u64,
    ) -> Result<Vec<WitnessedLogCheck>> {
        let policy = consentkit::log::Policy::parse(policy.as_bytes()).map_err(|e| {
            ConsentKitError::InvalidInput {
                reason: format!("witness policy: {e}"),
            }
        })?;
        Ok(self.get().check_logs_witnessed(&policy, tolerance))
    }

    /// Every artifact, in the order received.
    pub fn artifacts(&self) -> Vec<ArtifactInfo> {
        self.get()
            .artifacts()
            .iter()
            .map(consentkit::Artifact::info)
            .collect()
    }

    /// The grants and their states at `now`.
    pub fn grants(&self, now: Timestamp) -> Result<Vec<GrantView>> {
        let now = now.check("now")?;
        Ok(self.get().grants(now))
    }

    /// A grant's state at `now`, or `null` if the wallet has no such grant.
    pub fn grant_state(&self, grant: String, now: Timestamp) -> Result<Option<ConsentState>> {
        let now = now.check("now")?;
        let id = artifact_id(&grant)?;
        Ok(self.get().grant_state(id, now))
    }

    /// What the person shared, with whom, for which purpose, under which
    /// grant; what they received; and violations, at `now`.
    pub fn summary(&self, now: Timestamp) -> Result<WalletSummary> {
        let now = now.check("now")?;
        Ok(self.get().summary(now))
    }

    /// Every violation in the wallet's records at `now` (the audit engine's findings).
    pub fn violations(&self, now: Timestamp) -> Result<Vec<Finding>> {
        let now = now.check("now")?;
        Ok(findings(&self.get().violations(now)))
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
        self.get().check_logs()
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

/// Rewrites the wallet file at `path` without what cannot be read (a torn
/// last record, damaged records) and says what was dropped. The only call
/// that rewrites a wallet file; nothing to drop leaves it as it is.
#[uniffi::export]
pub fn repair_wallet(path: String) -> Result<RepairReport> {
    Ok(ck_wallet::Wallet::repair(Path::new(&path))?)
}

// The core's repair and witnessed-log records, exported as they are (uniffi
// derives in core/, feature `uniffi`); `log::receipt::ReceiptClaims` is
// `ReceiptCheck` in the skins (uniffi `name`).
pub use consentkit::log::receipt::ReceiptClaims as ReceiptCheck;
pub use consentkit::wallet::{RepairReport, WalletProblem, WitnessedLogCheck};

/// The backup key as a fixed array; the caller's copy and ours are zeroized when dropped.
fn backup_key(key: Vec<u8>) -> Result<Zeroizing<[u8; 32]>> {
    let key = Zeroizing::new(key);
    Ok(Zeroizing::new(fixed::<32>(&key, "backup key").map_err(
        |e| ConsentKitError::Backup {
            reason: e.to_string(),
        },
    )?))
}
