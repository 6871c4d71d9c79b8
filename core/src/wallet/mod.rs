//! The person's wallet: their keys, their wallet secret (for pairwise
//! pseudonyms) and every artifact of their deals, kept on the device.
//!
//! It answers what the person has shared, with whom, for which purpose and
//! under which grant, and what they received in return. Withdrawing is one
//! call. Incoming receipts are checked against the person's own grants by
//! the same audit engine an auditor uses: the person is their own auditor.
//!
//! On native platforms a wallet is an append-only file (see [`store`]): a
//! crash loses at most the record being written. Anywhere (including wasm)
//! a wallet also lives as bytes that the host stores ([`Wallet::to_bytes`],
//! [`Wallet::from_bytes`]). A whole wallet exports to one encrypted backup
//! (ChaCha20-Poly1305, key supplied by the host app).
//!
//! The wallet file holds the wallet secret and, for an in-process key, the
//! private key: treat it as a secret (app-private storage). With an external
//! signer (Secure Enclave, StrongBox, WebCrypto), the file holds only the
//! public key.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use ring::aead;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;

use crate::artifact::{
    Artifact, ArtifactId, ArtifactKind, Body, CollectionMethod, Digest, Error, Grant, Offer,
    Refusal, Time, Withdrawal,
};
use crate::audit::{audit_bytes, AuditOptions, Finding};
use crate::cbor::{self, Value};
use crate::keys::{parse_cose_key, KeyPair, PublicKey, Role, Signer, TrustSet};
use crate::lifecycle::{ConsentState, GrantRecord};
use crate::log::{Checkpoint, ConsistencyProof, InclusionProof, NoteVerifier};
use crate::privacy::{pseudonym, WALLET_SECRET_LEN};
use crate::vocab::Term;

pub mod store;
use store::FileStore;

/// What went wrong with a wallet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// Reading or writing the wallet file failed.
    #[error("wallet file: {0}")]
    Io(String),
    /// The wallet file or bytes are damaged (not just a torn last record).
    #[error("wallet is corrupt: {0}")]
    Corrupt(String),
    /// The backup cannot be decrypted: wrong key, or the backup was altered.
    #[error("backup cannot be decrypted: wrong key or altered backup")]
    BackupAuthentication,
    /// The backup is not a consentkit wallet backup.
    #[error("not a consentkit wallet backup: {0}")]
    BackupFormat(String),
    /// The wallet uses an external signer, and none (or another key) was supplied.
    #[error("this wallet's key is held outside it: supply the external signer for key {0}")]
    SignerNeeded(String),
    /// An artifact was refused (bad encoding, bad signature, not the person's).
    #[error(transparent)]
    Artifact(#[from] Error),
    /// No such offer or grant in the wallet.
    #[error("{0} is not in this wallet")]
    NotFound(String),
    /// The request does not fit the offer or the grant's state.
    #[error("{0}")]
    Invalid(String),
}

impl From<crate::artifact::ArtifactError> for WalletError {
    fn from(e: crate::artifact::ArtifactError) -> Self {
        WalletError::Artifact(e.into())
    }
}

impl From<crate::artifact::VerifyError> for WalletError {
    fn from(e: crate::artifact::VerifyError) -> Self {
        WalletError::Artifact(e.into())
    }
}

impl From<crate::keys::KeyError> for WalletError {
    fn from(e: crate::keys::KeyError) -> Self {
        WalletError::Artifact(e.into())
    }
}

/// The person's signing key: held by the wallet, or outside it.
#[derive(Clone)]
pub enum WalletKey {
    /// A key held in the wallet (stored in the wallet file).
    InProcess(Arc<KeyPair>),
    /// A key held elsewhere (Secure Enclave, StrongBox, WebCrypto) that signs synchronously; only its public key is stored.
    External(Arc<dyn Signer>),
    /// Only the public key of a key held elsewhere that signs asynchronously
    /// (e.g. WebCrypto): sign with the `prepare_*` methods and [`Wallet::complete`].
    PublicOnly(PublicKey),
}

impl WalletKey {
    fn signer(&self) -> Result<&dyn Signer, WalletError> {
        match self {
            WalletKey::InProcess(k) => Ok(k.as_ref()),
            WalletKey::External(s) => Ok(s.as_ref()),
            WalletKey::PublicOnly(p) => Err(WalletError::SignerNeeded(p.kid().to_string())),
        }
    }

    fn public_key(&self) -> PublicKey {
        match self {
            WalletKey::InProcess(k) => k.public_key(),
            WalletKey::External(s) => s.public_key(),
            WalletKey::PublicOnly(p) => p.clone(),
        }
    }
}

// Record types in the wallet file.
const REC_HEADER: u64 = 0;
const REC_ARTIFACT: u64 = 1;
const REC_TRUST: u64 = 2;
const REC_CHECKPOINT: u64 = 3;
const REC_INCLUSION: u64 = 4;
const REC_CONSISTENCY: u64 = 5;

/// The person's choice when accepting an offer: `None` accepts the offer's whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    /// Purposes to grant (a subset of the offer's).
    pub purposes: Option<Vec<Term>>,
    /// Categories to grant (a subset of the offer's).
    pub categories: Option<Vec<Term>>,
    /// Recipients to grant (a subset of the offer's).
    pub recipients: Option<Vec<String>>,
    /// When the grant expires (default: the offer's `valid_until`, if any).
    pub expires_at: Option<Time>,
}

/// One line of "what have I shared".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shared {
    /// The controller.
    pub controller: String,
    /// Who received the data (the controller itself or a partner).
    pub recipient: String,
    /// The data category.
    pub category: String,
    /// The purpose.
    pub purpose: String,
    /// Under which grant.
    pub grant: ArtifactId,
    /// How many data points (sum of receipt quantities).
    pub uses: u64,
    /// First use.
    pub first: Time,
    /// Last use.
    pub last: Time,
}

/// A grant as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantView {
    /// The grant's id.
    pub id: ArtifactId,
    /// The controller.
    pub controller: String,
    /// Its state now.
    pub state: ConsentState,
    /// Whether the controller has countersigned it.
    pub countersigned: bool,
    /// Purposes granted.
    pub purposes: Vec<String>,
    /// Categories granted.
    pub categories: Vec<String>,
    /// Recipients granted.
    pub recipients: Vec<String>,
    /// When given.
    pub issued_at: Time,
}

/// A summary for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Grants and their states.
    pub grants: Vec<GrantView>,
    /// What was shared, with whom, for what.
    pub shared: Vec<Shared>,
    /// What was received: controller → unit → total amount.
    pub received: BTreeMap<String, BTreeMap<String, u64>>,
    /// Offers refused.
    pub refusals: u64,
    /// Violations found in the wallet's own records.
    pub violations: Vec<Finding>,
    /// What the transparency logs the wallet trusts prove about its artifacts.
    pub log: Vec<LogCheck>,
}

/// What one transparency log proves to the wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogCheck {
    /// The log's origin.
    pub origin: String,
    /// Tree sizes of the checkpoints seen whose signatures verify.
    pub checkpoints: Vec<u64>,
    /// The person's own artifacts (grants, refusals, withdrawals) proven to be in the log.
    pub proven: Vec<ArtifactId>,
    /// The person's own artifacts with no valid inclusion proof.
    pub not_proven: Vec<ArtifactId>,
    /// What failed: a checkpoint's signature, a missing or failing
    /// consistency proof between two checkpoints (the log was rewritten),
    /// or an inclusion proof that does not verify.
    pub problems: Vec<String>,
}

/// Items refused by [`Wallet::receive_batch`]: their index in the batch, and why.
pub type Refused = Vec<(usize, WalletError)>;

/// The person's wallet.
pub struct Wallet {
    secret: [u8; WALLET_SECRET_LEN],
    key: WalletKey,
    trust: TrustSet,
    /// Every artifact, in the order received.
    artifacts: Vec<Artifact>,
    by_id: HashMap<ArtifactId, usize>,
    offers: HashMap<Digest, usize>,
    /// Checkpoint notes seen (signed-note text).
    checkpoints: Vec<String>,
    /// Inclusion proofs of the wallet's artifacts in a transparency log.
    inclusion: Vec<(ArtifactId, InclusionProof)>,
    /// Consistency proofs between checkpoints the wallet has seen.
    consistency: Vec<ConsistencyProof>,
    /// Every record payload, for `to_bytes` and backups.
    records: Vec<Vec<u8>>,
    store: Option<FileStore>,
}

fn header(secret: &[u8; WALLET_SECRET_LEN], key: &WalletKey) -> Vec<u8> {
    let key_value = match key {
        WalletKey::InProcess(k) => cbor::decode(&k.to_cose_key()).unwrap_or(Value::Null),
        WalletKey::External(_) | WalletKey::PublicOnly(_) => {
            key.public_key().to_cose_key_value(Vec::new())
        }
    };
    Value::Array(vec![
        Value::Unsigned(REC_HEADER),
        Value::Unsigned(1),
        Value::bytes(secret.to_vec()),
        key_value,
    ])
    .to_vec()
}

impl Wallet {
    fn empty(secret: [u8; WALLET_SECRET_LEN], key: WalletKey) -> Wallet {
        let h = header(&secret, &key);
        Wallet {
            secret,
            key,
            trust: TrustSet::new(),
            artifacts: Vec::new(),
            by_id: HashMap::new(),
            offers: HashMap::new(),
            checkpoints: Vec::new(),
            inclusion: Vec::new(),
            consistency: Vec::new(),
            records: vec![h],
            store: None,
        }
    }

    /// A new wallet in memory, with a fresh secret.
    pub fn new(key: WalletKey) -> Result<Wallet, WalletError> {
        Ok(Wallet::empty(crate::privacy::new_wallet_secret()?, key))
    }

    /// A new wallet with a given secret (e.g. restored from the person's recovery phrase).
    pub fn with_secret(secret: [u8; WALLET_SECRET_LEN], key: WalletKey) -> Wallet {
        Wallet::empty(secret, key)
    }

    /// Creates a wallet file at `path` (which must not exist).
    pub fn create(path: &Path, key: WalletKey) -> Result<Wallet, WalletError> {
        let mut w = Wallet::new(key)?;
        w.save_as(path)?;
        Ok(w)
    }

    /// Opens a wallet file. `external` is the signer for a wallet whose key
    /// is held outside it (ignored for an in-process key).
    pub fn open(path: &Path, external: Option<Arc<dyn Signer>>) -> Result<Wallet, WalletError> {
        let (store, records) = FileStore::open(path)?;
        let mut w = Wallet::from_records(records, external)?;
        w.store = Some(store);
        Ok(w)
    }

    /// A wallet from bytes previously returned by [`Wallet::to_bytes`] (the same format as the file).
    pub fn from_bytes(
        bytes: &[u8],
        external: Option<Arc<dyn Signer>>,
    ) -> Result<Wallet, WalletError> {
        let (records, valid) = store::parse(bytes)?;
        if valid != bytes.len() {
            return Err(WalletError::Corrupt(format!(
                "truncated record at byte {valid}"
            )));
        }
        Wallet::from_records(records, external)
    }

    /// The wallet as bytes (the file format), for hosts that store it themselves.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = store::MAGIC.to_vec();
        for r in &self.records {
            out.extend(store::frame(r));
        }
        out
    }

    fn from_records(
        records: Vec<Vec<u8>>,
        external: Option<Arc<dyn Signer>>,
    ) -> Result<Wallet, WalletError> {
        let mut it = records.into_iter();
        let first = it
            .next()
            .ok_or_else(|| WalletError::Corrupt("no header record".into()))?;
        let Value::Array(h) =
            cbor::decode(&first).map_err(|e| WalletError::Corrupt(format!("header: {e}")))?
        else {
            return Err(WalletError::Corrupt("header is not an array".into()));
        };
        let (secret, key_value) = match h.as_slice() {
            [Value::Unsigned(REC_HEADER), Value::Unsigned(1), Value::Bytes(s), k] => {
                (s.clone(), k.clone())
            }
            _ => {
                return Err(WalletError::Corrupt(
                    "unrecognised header record (type, version 1, secret, key)".into(),
                ))
            }
        };
        let secret: [u8; WALLET_SECRET_LEN] = secret
            .as_slice()
            .try_into()
            .map_err(|_| WalletError::Corrupt("wallet secret must be 32 bytes".into()))?;
        let parsed = parse_cose_key(&key_value)
            .map_err(|e| WalletError::Corrupt(format!("header key: {e}")))?;
        let key = match parsed.private {
            Some(_) => WalletKey::InProcess(Arc::new(
                KeyPair::from_cose_key(&key_value.to_vec())
                    .map_err(|e| WalletError::Corrupt(format!("header key: {e}")))?,
            )),
            None => {
                let s = external
                    .ok_or_else(|| WalletError::SignerNeeded(parsed.public.kid().to_string()))?;
                if s.public_key() != parsed.public {
                    return Err(WalletError::SignerNeeded(parsed.public.kid().to_string()));
                }
                WalletKey::External(s)
            }
        };
        let mut w = Wallet::empty(secret, key);
        w.records = vec![first];
        for r in it {
            w.replay(&r)?;
            w.records.push(r);
        }
        Ok(w)
    }

    /// Applies one stored record to the in-memory state.
    fn replay(&mut self, r: &[u8]) -> Result<(), WalletError> {
        let v = cbor::decode(r).map_err(|e| WalletError::Corrupt(format!("record: {e}")))?;
        match v {
            Value::Array(a) => match a.as_slice() {
                [Value::Unsigned(REC_ARTIFACT), Value::Bytes(b)] => {
                    let art = Artifact::decode(b)
                        .map_err(|e| WalletError::Corrupt(format!("stored artifact: {e}")))?;
                    self.index(art);
                    Ok(())
                }
                [Value::Unsigned(REC_TRUST), key, Value::Text(role), Value::Text(party)] => {
                    let pk = parse_cose_key(key)
                        .map_err(|e| WalletError::Corrupt(format!("stored trusted key: {e}")))?
                        .public;
                    let role = Role::parse(role).ok_or_else(|| {
                        WalletError::Corrupt(format!("stored trusted key: unknown role {role}"))
                    })?;
                    self.trust.insert(pk, role, party.clone());
                    Ok(())
                }
                [Value::Unsigned(REC_CHECKPOINT), Value::Text(note)] => {
                    self.checkpoints.push(note.clone());
                    Ok(())
                }
                [Value::Unsigned(REC_INCLUSION), Value::Bytes(id), Value::Bytes(proof)] => {
                    let id = <[u8; 16]>::try_from(id.as_slice()).map_err(|_| {
                        WalletError::Corrupt("stored proof: bad artifact id".into())
                    })?;
                    let proof = InclusionProof::from_cbor(proof)
                        .map_err(|e| WalletError::Corrupt(format!("stored proof: {e}")))?;
                    self.inclusion.push((ArtifactId(id), proof));
                    Ok(())
                }
                [Value::Unsigned(REC_CONSISTENCY), Value::Bytes(proof)] => {
                    let proof = ConsistencyProof::from_cbor(proof)
                        .map_err(|e| WalletError::Corrupt(format!("stored proof: {e}")))?;
                    self.consistency.push(proof);
                    Ok(())
                }
                _ => Err(WalletError::Corrupt("unknown record".into())),
            },
            _ => Err(WalletError::Corrupt("record is not an array".into())),
        }
    }

    fn persist(&mut self, record: Vec<u8>) -> Result<(), WalletError> {
        if let Some(s) = &mut self.store {
            s.append(&record)?;
        }
        self.records.push(record);
        Ok(())
    }

    fn index(&mut self, a: Artifact) {
        let i = match self.by_id.get(&a.id()) {
            // A countersigned grant replaces the person-only version.
            Some(&i) => {
                self.artifacts[i] = a;
                i
            }
            None => {
                self.artifacts.push(a);
                self.artifacts.len() - 1
            }
        };
        let a = &self.artifacts[i];
        self.by_id.insert(a.id(), i);
        if a.kind() == ArtifactKind::Offer {
            self.offers.insert(a.digest(), i);
        }
    }

    fn keep(&mut self, a: Artifact) -> Result<Artifact, WalletError> {
        let rec = Value::Array(vec![
            Value::Unsigned(REC_ARTIFACT),
            Value::bytes(a.as_bytes().to_vec()),
        ])
        .to_vec();
        self.persist(rec)?;
        self.index(a.clone());
        Ok(a)
    }

    /// Trusts a controller's or partner's key (the app pins them).
    pub fn trust_key(
        &mut self,
        key: PublicKey,
        role: Role,
        party: &str,
    ) -> Result<(), WalletError> {
        let rec = Value::Array(vec![
            Value::Unsigned(REC_TRUST),
            key.to_cose_key_value(Vec::new()),
            Value::text(role.as_str()),
            Value::text(party),
        ])
        .to_vec();
        self.persist(rec)?;
        self.trust.insert(key, role, party);
        Ok(())
    }

    /// The wallet's trust set.
    pub fn trust(&self) -> &TrustSet {
        &self.trust
    }

    /// The person's public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The person's pairwise pseudonym at a controller.
    pub fn pseudonym(&self, controller: &str) -> [u8; 16] {
        pseudonym(&self.secret, controller)
    }

    /// Every artifact, in the order received.
    pub fn artifacts(&self) -> &[Artifact] {
        &self.artifacts
    }

    /// Checkpoint notes recorded with [`Wallet::add_checkpoint`].
    pub fn checkpoints(&self) -> &[String] {
        &self.checkpoints
    }

    /// Records a transparency-log checkpoint note the wallet has seen.
    pub fn add_checkpoint(&mut self, note: &str) -> Result<(), WalletError> {
        let rec = Value::Array(vec![Value::Unsigned(REC_CHECKPOINT), Value::text(note)]).to_vec();
        self.persist(rec)?;
        self.checkpoints.push(note.to_owned());
        Ok(())
    }

    /// Takes in any artifact (offer, countersigned grant, revocation,
    /// receipt, value record), verifies it against the wallet's trust set,
    /// keeps it, and returns the violations the wallet now sees that concern it.
    pub fn receive(
        &mut self,
        bytes: &[u8],
        now: Time,
    ) -> Result<(Artifact, Vec<Finding>), WalletError> {
        let Some(a) = self.check_incoming(bytes)? else {
            return Ok((Artifact::decode(bytes)?, Vec::new()));
        };
        let a = self.keep(a)?;
        let id = a.id();
        // A use over the daily limit is reported against the grant.
        let grant = match a.body() {
            Body::DataReceipt(r) => Some(r.grant),
            _ => None,
        };
        let v = self
            .violations(now)
            .into_iter()
            .filter(|f| {
                f.artifact == Some(id)
                    || (f.kind == crate::audit::FindingKind::LimitExceeded && f.artifact == grant)
            })
            .collect();
        Ok((a, v))
    }

    /// Takes in many artifacts at once (e.g. a sync from the controller):
    /// each is verified and kept, or refused with its error; violations are
    /// computed once at the end. Returns the refused ones and all violations at `now`.
    pub fn receive_batch(
        &mut self,
        items: &[Vec<u8>],
        now: Time,
    ) -> Result<(Refused, Vec<Finding>), WalletError> {
        let mut refused = Vec::new();
        let mut keep = Vec::new();
        let mut batch_ids = std::collections::HashSet::new();
        for (i, bytes) in items.iter().enumerate() {
            match self.check_incoming(bytes) {
                Ok(Some(a)) if batch_ids.insert((a.id(), a.as_bytes().to_vec())) => keep.push(a),
                Ok(Some(_)) => {}
                Ok(None) => {}
                Err(e) => refused.push((i, e)),
            }
        }
        let records: Vec<Vec<u8>> = keep
            .iter()
            .map(|a| {
                Value::Array(vec![
                    Value::Unsigned(REC_ARTIFACT),
                    Value::bytes(a.as_bytes().to_vec()),
                ])
                .to_vec()
            })
            .collect();
        if let Some(s) = &mut self.store {
            s.append_many(&records)?;
        }
        self.records.extend(records);
        for a in keep {
            self.index(a);
        }
        Ok((refused, self.violations(now)))
    }

    /// Decodes and verifies an incoming artifact; `None` if already held byte for byte.
    fn check_incoming(&self, bytes: &[u8]) -> Result<Option<Artifact>, WalletError> {
        let a = Artifact::decode(bytes)?;
        a.verify(&self.trust)?;
        if let Some((_, g)) = self.own_grant(&a) {
            if g.subject_key.as_ref() != Some(&self.public_key()) {
                return Err(WalletError::Invalid(format!(
                    "{} is not a grant of this wallet's person",
                    a.label_str()
                )));
            }
        }
        if let Some(&i) = self.by_id.get(&a.id()) {
            if self.artifacts[i].as_bytes() == a.as_bytes() {
                return Ok(None);
            }
        }
        Ok(Some(a))
    }

    fn own_grant<'a>(&self, a: &'a Artifact) -> Option<(ArtifactId, &'a Grant)> {
        match a.body() {
            Body::Grant(g) => Some((a.id(), g)),
            _ => None,
        }
    }

    fn offer(&self, digest: &Digest) -> Result<&Offer, WalletError> {
        let i = self.offers.get(digest).ok_or_else(|| {
            WalletError::NotFound(format!("offer {}", hex::encode(&digest.0[..8])))
        })?;
        Ok(Offer::from_artifact(&self.artifacts[*i])?)
    }

    /// Accepts an offer (whole, or granular with `choice`) at time `at`.
    /// Returns the grant signed by the person, to send to the controller
    /// for countersigning; the countersigned grant comes back through [`Wallet::receive`].
    pub fn accept(
        &mut self,
        offer: &Digest,
        choice: &Choice,
        at: Time,
    ) -> Result<Artifact, WalletError> {
        let p = self.prepare_accept(offer, choice, at)?;
        self.sign_and_keep(&p)
    }

    fn sign_and_keep(&mut self, p: &crate::artifact::Prepared) -> Result<Artifact, WalletError> {
        let sig = self.key.signer()?.sign(p.to_be_signed())?;
        self.complete(p, &sig)
    }

    /// Completes a prepared grant, refusal or withdrawal with a signature
    /// made by the person's key elsewhere (e.g. an asynchronous WebCrypto
    /// key), checks it, and keeps the artifact.
    pub fn complete(
        &mut self,
        prepared: &crate::artifact::Prepared,
        signature: &[u8],
    ) -> Result<Artifact, WalletError> {
        if *prepared.public_key() != self.public_key() {
            return Err(WalletError::Invalid(
                "prepared for another key than this wallet's".into(),
            ));
        }
        let a = prepared.complete(signature)?;
        self.keep(a)
    }

    /// Like [`Wallet::accept`], for a key that signs elsewhere: returns what to sign; finish with [`Wallet::complete`].
    pub fn prepare_accept(
        &self,
        offer: &Digest,
        choice: &Choice,
        at: Time,
    ) -> Result<crate::artifact::Prepared, WalletError> {
        let o = self.offer(offer)?.clone();
        let pick = |want: &Option<Vec<Term>>,
                    have: &[Term],
                    what: &str|
         -> Result<Vec<Term>, WalletError> {
            match want {
                None => Ok(have.to_vec()),
                Some(w) => {
                    if let Some(x) = w.iter().find(|t| !have.contains(t)) {
                        return Err(WalletError::Invalid(format!(
                            "{what} {x} is not in the offer"
                        )));
                    }
                    Ok(w.clone())
                }
            }
        };
        let purposes = pick(&choice.purposes, &o.purposes, "purpose")?;
        let categories = pick(&choice.categories, &o.categories, "category")?;
        let recipients = match &choice.recipients {
            None => o.recipients.iter().map(|r| r.party.clone()).collect(),
            Some(r) => {
                if let Some(x) = r.iter().find(|p| o.recipient(p).is_none()) {
                    return Err(WalletError::Invalid(format!(
                        "recipient {x} is not in the offer"
                    )));
                }
                r.clone()
            }
        };
        let g = Grant {
            subject: self.pseudonym(&o.controller),
            controller: o.controller.clone(),
            issued_at: at,
            expires_at: choice.expires_at.or(o.valid_until),
            offer: *offer,
            purposes,
            categories,
            recipients,
            method: CollectionMethod::AppUi,
            supersedes: None,
            subject_key: None,
            imported: false,
        };
        Ok(g.prepare_as_person(&self.public_key())?)
    }

    /// Refuses an offer at time `at`; returns the refusal for the controller to countersign.
    pub fn refuse(&mut self, offer: &Digest, at: Time) -> Result<Artifact, WalletError> {
        let p = self.prepare_refuse(offer, at)?;
        self.sign_and_keep(&p)
    }

    /// Like [`Wallet::refuse`], for a key that signs elsewhere; finish with [`Wallet::complete`].
    pub fn prepare_refuse(
        &self,
        offer: &Digest,
        at: Time,
    ) -> Result<crate::artifact::Prepared, WalletError> {
        let o = self.offer(offer)?.clone();
        let r = Refusal {
            subject: self.pseudonym(&o.controller),
            controller: o.controller.clone(),
            issued_at: at,
            offer: *offer,
            method: CollectionMethod::AppUi,
            subject_key: None,
        };
        Ok(r.prepare_as_person(&self.public_key())?)
    }

    /// Withdraws a grant: one call. Returns the signed withdrawal to send to the controller.
    pub fn withdraw(&mut self, grant: ArtifactId, at: Time) -> Result<Artifact, WalletError> {
        let p = self.prepare_withdraw(grant, at)?;
        self.sign_and_keep(&p)
    }

    /// Like [`Wallet::withdraw`], for a key that signs elsewhere; finish with [`Wallet::complete`].
    pub fn prepare_withdraw(
        &self,
        grant: ArtifactId,
        at: Time,
    ) -> Result<crate::artifact::Prepared, WalletError> {
        let i = self
            .by_id
            .get(&grant)
            .ok_or_else(|| WalletError::NotFound(format!("grant {grant}")))?;
        if self.artifacts[*i].kind() != ArtifactKind::Grant {
            return Err(WalletError::Invalid(format!("{grant} is not a grant")));
        }
        Ok(Withdrawal::prepare_by_person(
            grant,
            at,
            &self.public_key(),
        )?)
    }

    fn bundle(&self) -> Vec<u8> {
        crate::audit::to_sequence(self.artifacts.iter())
    }

    /// Every violation in the wallet's records at time `now`, found by the audit engine.
    /// Grants still waiting for the controller's countersignature are not findings.
    pub fn violations(&self, now: Time) -> Vec<Finding> {
        let complete: Vec<&Artifact> = self
            .artifacts
            .iter()
            .filter(|a| {
                !(a.kind().is_multi_signed()
                    && a.signatures().len() == 1
                    && !matches!(a.body(), Body::Grant(g) if g.imported))
            })
            .collect();
        let report = audit_bytes(
            &crate::audit::to_sequence(complete),
            &self.trust,
            &AuditOptions { at: Some(now) },
        );
        report.findings
    }

    /// The grants and their states at `now`.
    pub fn grants(&self, now: Time) -> Vec<GrantView> {
        let records = self.grant_records();
        let mut out: Vec<GrantView> = records
            .values()
            .map(|r| GrantView {
                id: r.id,
                controller: r.grant.controller.clone(),
                state: r.state_at(now),
                countersigned: self
                    .by_id
                    .get(&r.id)
                    .is_some_and(|&i| self.artifacts[i].signatures().len() == 2),
                purposes: r.grant.purposes.iter().map(|t| t.to_string()).collect(),
                categories: r.grant.categories.iter().map(|t| t.to_string()).collect(),
                recipients: r.grant.recipients.clone(),
                issued_at: r.grant.issued_at,
            })
            .collect();
        out.sort_by_key(|g| (g.issued_at, g.id));
        out
    }

    fn grant_records(&self) -> HashMap<ArtifactId, GrantRecord> {
        let mut recs: HashMap<ArtifactId, GrantRecord> = HashMap::new();
        for a in &self.artifacts {
            if let Body::Grant(g) = a.body() {
                let mut r = GrantRecord::new(a.id(), g.clone());
                r.offer = self
                    .offers
                    .get(&g.offer)
                    .and_then(|i| Offer::from_artifact(&self.artifacts[*i]).ok())
                    .cloned();
                recs.insert(a.id(), r);
            }
        }
        for a in &self.artifacts {
            match a.body() {
                Body::Withdrawal(w) => {
                    if let Some(r) = recs.get_mut(&w.grant) {
                        r.add_withdrawal(w.effective_at, w.by, a.id());
                    }
                }
                Body::Grant(g) => {
                    if let Some(old) = g.supersedes {
                        if let Some(r) = recs.get_mut(&old) {
                            r.add_superseded(g.issued_at, a.id());
                        }
                    }
                }
                _ => {}
            }
        }
        recs
    }

    /// What the person shared, with whom, for which purpose, under which grant; what they received; and violations.
    pub fn summary(&self, now: Time) -> Summary {
        let recs = self.grant_records();
        let mut shared: BTreeMap<(String, String, String, String, ArtifactId), Shared> =
            BTreeMap::new();
        let mut received: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut refusals = 0;
        for a in &self.artifacts {
            match a.body() {
                Body::DataReceipt(r) => {
                    let Some(g) = recs.get(&r.grant) else {
                        continue;
                    };
                    let signer = a
                        .signatures()
                        .first()
                        .and_then(|s| self.trust.get(&s.kid))
                        .map(|t| t.party.clone())
                        .unwrap_or_default();
                    let recipient = r.recipient.clone().unwrap_or(signer);
                    let key = (
                        g.grant.controller.clone(),
                        recipient.clone(),
                        r.category.to_string(),
                        r.purpose.to_string(),
                        r.grant,
                    );
                    let e = shared.entry(key).or_insert(Shared {
                        controller: g.grant.controller.clone(),
                        recipient,
                        category: r.category.to_string(),
                        purpose: r.purpose.to_string(),
                        grant: r.grant,
                        uses: 0,
                        first: r.used_at,
                        last: r.used_at,
                    });
                    e.uses += u64::from(r.quantity);
                    e.first = e.first.min(r.used_at);
                    e.last = e.last.max(r.used_at);
                }
                Body::ValueRecord(v) => {
                    if let Some(g) = recs.get(&v.grant) {
                        let t = received
                            .entry(g.grant.controller.clone())
                            .or_default()
                            .entry(v.benefit.unit.clone())
                            .or_insert(0);
                        *t = t.saturating_add(v.benefit.amount);
                    }
                }
                Body::Refusal(_) => refusals += 1,
                _ => {}
            }
        }
        Summary {
            grants: self.grants(now),
            shared: shared.into_values().collect(),
            received,
            refusals,
            violations: self.violations(now),
            log: self.check_logs(),
        }
    }

    /// Keeps an inclusion proof of one of the wallet's artifacts.
    pub fn add_inclusion_proof(
        &mut self,
        artifact: ArtifactId,
        proof: &InclusionProof,
    ) -> Result<(), WalletError> {
        let rec = Value::Array(vec![
            Value::Unsigned(REC_INCLUSION),
            Value::bytes(artifact.0.to_vec()),
            Value::bytes(proof.to_cbor()),
        ])
        .to_vec();
        self.persist(rec)?;
        self.inclusion.push((artifact, proof.clone()));
        Ok(())
    }

    /// Keeps a consistency proof between two checkpoints.
    pub fn add_consistency_proof(&mut self, proof: &ConsistencyProof) -> Result<(), WalletError> {
        let rec = Value::Array(vec![
            Value::Unsigned(REC_CONSISTENCY),
            Value::bytes(proof.to_cbor()),
        ])
        .to_vec();
        self.persist(rec)?;
        self.consistency.push(proof.clone());
        Ok(())
    }

    /// Checks, for every log key the wallet trusts (role `log`), the
    /// checkpoints it has seen (signatures, and consistency between each
    /// consecutive pair), and the inclusion proofs of its own artifacts.
    pub fn check_logs(&self) -> Vec<LogCheck> {
        let mut out = Vec::new();
        for t in self.trust.iter().filter(|t| t.role == Role::Log) {
            let mut check = LogCheck {
                origin: t.party.clone(),
                checkpoints: Vec::new(),
                proven: Vec::new(),
                not_proven: Vec::new(),
                problems: Vec::new(),
            };
            let verifier = match NoteVerifier::ed25519(&t.party, &t.key) {
                Ok(v) => v,
                Err(e) => {
                    check.problems.push(format!("log key: {e}"));
                    out.push(check);
                    continue;
                }
            };
            let mut cps: BTreeMap<u64, Checkpoint> = BTreeMap::new();
            for note in &self.checkpoints {
                match Checkpoint::open(note.as_bytes(), std::slice::from_ref(&verifier)) {
                    Ok(cp) if cp.origin == t.party => {
                        if let Some(prev) = cps.get(&cp.size) {
                            if prev.root != cp.root {
                                check.problems.push(format!("two checkpoints of size {} with different roots: the log shows different histories", cp.size));
                            }
                        }
                        cps.insert(cp.size, cp);
                    }
                    // Another log's checkpoint, or not signed by this key.
                    _ => {}
                }
            }
            check.checkpoints = cps.keys().copied().collect();
            let sizes: Vec<&Checkpoint> = cps.values().collect();
            for pair in sizes.windows(2) {
                let (old, new) = (pair[0], pair[1]);
                match self
                    .consistency
                    .iter()
                    .find(|p| p.old_size == old.size && p.new_size == new.size)
                {
                    None => check.problems.push(format!(
                        "no consistency proof from size {} to {}",
                        old.size, new.size
                    )),
                    Some(p) => {
                        if let Err(e) = p.verify_checkpoints(old, new) {
                            check.problems.push(format!("checkpoint {} is not extended by checkpoint {}: the log was rewritten ({e})", old.size, new.size));
                        }
                    }
                }
            }
            for a in self.artifacts.iter().filter(|a| {
                matches!(
                    a.kind(),
                    ArtifactKind::Grant | ArtifactKind::Refusal | ArtifactKind::Withdrawal
                )
            }) {
                let ok = self
                    .inclusion
                    .iter()
                    .filter(|(id, _)| *id == a.id())
                    .any(|(_, p)| match cps.get(&p.tree_size) {
                        Some(cp) => p.verify(a.as_bytes(), &cp.root).is_ok(),
                        None => false,
                    });
                if ok {
                    check.proven.push(a.id());
                } else {
                    check.not_proven.push(a.id());
                }
            }
            for (id, p) in &self.inclusion {
                if let (Some(&i), Some(cp)) = (self.by_id.get(id), cps.get(&p.tree_size)) {
                    if p.verify(self.artifacts[i].as_bytes(), &cp.root).is_err() {
                        check.problems.push(format!(
                            "the inclusion proof of {} does not verify",
                            self.artifacts[i].label_str()
                        ));
                    }
                }
            }
            out.push(check);
        }
        out
    }

    /// Exports the whole wallet as one encrypted backup. `key` is a
    /// 32-byte ChaCha20-Poly1305 key supplied by the host app (e.g. from
    /// the platform keystore). Layout: `"CKWB1\n"` || 12-byte random nonce || ciphertext+tag
    /// of the wallet bytes ([`Wallet::to_bytes`]), with the 6-byte prefix as associated data.
    pub fn export_backup(&self, key: &[u8; 32]) -> Result<Vec<u8>, WalletError> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| WalletError::Io("random number generator failed".into()))?;
        let sealing = aead::LessSafeKey::new(
            aead::UnboundKey::new(&aead::CHACHA20_POLY1305, key)
                .map_err(|_| WalletError::BackupFormat("bad key".into()))?,
        );
        let mut data = self.to_bytes();
        sealing
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(BACKUP_MAGIC),
                &mut data,
            )
            .map_err(|_| WalletError::BackupFormat("encryption failed".into()))?;
        let mut out = BACKUP_MAGIC.to_vec();
        out.extend_from_slice(&nonce);
        out.extend(data);
        Ok(out)
    }

    /// Restores a wallet from an encrypted backup (in memory; see
    /// [`Wallet::save_as`] to write it to a file).
    pub fn import_backup(
        backup: &[u8],
        key: &[u8; 32],
        external: Option<Arc<dyn Signer>>,
    ) -> Result<Wallet, WalletError> {
        let rest = backup
            .strip_prefix(BACKUP_MAGIC.as_slice())
            .ok_or_else(|| WalletError::BackupFormat("bad magic".into()))?;
        if rest.len() < aead::NONCE_LEN + aead::CHACHA20_POLY1305.tag_len() {
            return Err(WalletError::BackupFormat("too short".into()));
        }
        let (nonce, ct) = rest.split_at(aead::NONCE_LEN);
        let mut nonce_bytes = [0u8; aead::NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);
        let opening = aead::LessSafeKey::new(
            aead::UnboundKey::new(&aead::CHACHA20_POLY1305, key)
                .map_err(|_| WalletError::BackupFormat("bad key".into()))?,
        );
        let mut buf = ct.to_vec();
        let plain = opening
            .open_in_place(
                aead::Nonce::assume_unique_for_key(nonce_bytes),
                aead::Aad::from(BACKUP_MAGIC),
                &mut buf,
            )
            .map_err(|_| WalletError::BackupAuthentication)?;
        Wallet::from_bytes(plain, external)
    }

    /// Writes this wallet to a new file at `path` and keeps appending there.
    pub fn save_as(&mut self, path: &Path) -> Result<(), WalletError> {
        let mut store = FileStore::create(path)?;
        store.append_many(&self.records)?;
        self.store = Some(store);
        Ok(())
    }

    /// The ids of grants by state at `now`.
    pub fn grant_state(&self, grant: ArtifactId, now: Time) -> Option<ConsentState> {
        self.grant_records().get(&grant).map(|r| r.state_at(now))
    }

    /// The bundle of the wallet's artifacts (a CBOR sequence), e.g. to hand to an auditor.
    pub fn export_bundle(&self) -> Vec<u8> {
        self.bundle()
    }
}

const BACKUP_MAGIC: &[u8; 6] = b"CKWB1\n";

#[cfg(test)]
mod tests;
