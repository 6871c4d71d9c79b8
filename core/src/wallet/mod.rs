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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ring::aead;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use zeroize::{Zeroize, Zeroizing};

use crate::artifact::{
    Artifact, ArtifactId, ArtifactKind, Body, CollectionMethod, Digest, Error, Grant, Offer,
    Refusal, Timestamp, Withdrawal,
};
use crate::audit::{audit_bytes, AuditOptions, Finding};
use crate::cbor::{self, Value};
use crate::keys::{
    parse_cose_key, zeroize_value, Algorithm, KeyPair, PublicKey, Role, Signer, TrustSet,
};
use crate::lifecycle::{ConsentState, GrantRecord};
use crate::log::{Checkpoint, ConsistencyProof, InclusionProof, NoteVerifier};
use crate::privacy::{pseudonym, WALLET_SECRET_LEN};
use crate::sorted::TextMap;
use crate::vocab::Term;

mod app_lifecycle;
mod proofs;
pub mod store;
mod witnessed;
pub use app_lifecycle::{same_terms, AddedArtifact, WalletEvent, WalletListener};
use app_lifecycle::{Announcer, Subscriber};
use store::FileStore;
pub use witnessed::WitnessedLogCheck;

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
    /// The backup decrypts, but what it holds does not verify: a record
    /// that cannot be read, an artifact whose signatures fail against the
    /// backup's trusted keys, or a grant that is not the person's. Nothing
    /// is restored.
    #[error("backup refused: {0}")]
    BackupContent(String),
    /// The key is held outside the wallet, and no signer (or one holding another key) was supplied.
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
    /// The wallet file ends in a torn record: it is read, but nothing is
    /// appended after the torn bytes until [`Wallet::repair`] rewrites it.
    #[error("wallet needs repair before it can be written: {0}")]
    NeedsRepair(String),
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

/// Gives the signer of the person's key at one controller: one platform key
/// (a Keystore / Secure Enclave alias, a WebCrypto key) per controller, so
/// that no two controllers see the same key.
///
/// A wallet asks for a controller's signer when the person first signs for
/// that controller, records its public key in the wallet file, and from
/// then on checks that the provider returns the same key.
pub trait SignerProvider: Send + Sync {
    /// The signer for the person's key at `controller`, created on first use
    /// (e.g. a platform key with an alias derived from the controller id).
    fn signer_for(&self, controller: &str) -> Result<Arc<dyn Signer>, crate::keys::KeyError>;

    /// The signer of the single key a version-1 wallet used for every
    /// controller, if the platform still holds it (needed only to sign, at
    /// a controller the person already dealt with, with that key, e.g. to
    /// withdraw a grant given before the upgrade).
    fn legacy_signer(&self) -> Option<Arc<dyn Signer>> {
        None
    }
}

/// Where the person's keys live. A wallet uses a separate key for each
/// controller, so that two controllers cannot link the person by their key.
#[derive(Clone)]
pub enum WalletKey {
    /// Ed25519 keys held in process, derived from the wallet secret and the
    /// controller id ([`crate::privacy::person_key_seed`]): nothing more is stored.
    Ed25519,
    /// ES256 keys held in process: a fresh random P-256 key per controller,
    /// generated by ring and stored (with its private key) in the wallet file.
    /// (ring cannot build a P-256 key from a derived scalar, so these keys
    /// are random and kept, not derived.)
    Es256,
    /// Keys held elsewhere (Secure Enclave, StrongBox, WebCrypto) that sign
    /// synchronously, one per controller; the wallet file keeps their public keys.
    External(Arc<dyn SignerProvider>),
    /// Keys held elsewhere that sign asynchronously (e.g. WebCrypto): the host
    /// gives each controller's public key ([`Wallet::bind_key`]), signs what
    /// the `prepare_*` methods return, and finishes with [`Wallet::complete`].
    PublicOnly,
}

impl WalletKey {
    fn source(&self) -> &'static str {
        match self {
            WalletKey::Ed25519 => SOURCE_ED25519,
            WalletKey::Es256 => SOURCE_ES256,
            WalletKey::External(_) | WalletKey::PublicOnly => SOURCE_EXTERNAL,
        }
    }
}

/// The header's key source (wallet format version 2).
const SOURCE_ED25519: &str = "ed25519-derived";
const SOURCE_ES256: &str = "es256-stored";
const SOURCE_EXTERNAL: &str = "external";

/// The person's key at one controller.
#[derive(Clone)]
struct PersonKey {
    public: PublicKey,
    /// `None`: held elsewhere (ask the provider, or sign asynchronously).
    signer: Option<Arc<dyn Signer>>,
}

/// The single key of a version-1 wallet.
#[derive(Clone)]
struct LegacyKey {
    public: PublicKey,
    signer: Option<Arc<dyn Signer>>,
}

// Record types in the wallet file.
const REC_HEADER: u64 = 0;
const REC_ARTIFACT: u64 = 1;
const REC_TRUST: u64 = 2;
const REC_CHECKPOINT: u64 = 3;
const REC_INCLUSION: u64 = 4;
const REC_CONSISTENCY: u64 = 5;
const REC_PERSON_KEY: u64 = 6;

/// The wallet format version this code writes.
pub const WALLET_VERSION: u64 = 2;

/// The person's choice when accepting an offer: `None` accepts the offer's whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Choice {
    /// Purposes to grant (a subset of the offer's).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub purposes: Option<Vec<Term>>,
    /// Categories to grant (a subset of the offer's).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub categories: Option<Vec<Term>>,
    /// Recipients to grant (a subset of the offer's).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub recipients: Option<Vec<String>>,
    /// When the grant expires (default: the offer's `valid_until`, if any).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub expires_at: Option<Timestamp>,
    /// The status list entry the controller assigned to this grant
    /// ([`crate::status::StatusRegistry::assign`]); the grant carries it as
    /// its status claim (65535) so partners can check it live.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub status: Option<crate::status::StatusReference>,
}

/// One line of "what have I shared".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    pub first: Timestamp,
    /// Last use.
    pub last: Timestamp,
}

/// A grant as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    pub issued_at: Timestamp,
}

/// A summary for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "WalletSummary"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "WalletSummary"))]
pub struct Summary {
    /// Grants and their states.
    pub grants: Vec<GrantView>,
    /// What was shared, with whom, for what.
    pub shared: Vec<Shared>,
    /// What was received: controller → unit → total amount.
    // A list sorted by controller then unit, each pair once (a record per
    // total, so that the uniffi skins show the core's own `ValueReceived`);
    // the JSON view and its TypeScript type are the nested object.
    #[serde(serialize_with = "received_map")]
    #[cfg_attr(
        feature = "ts",
        ts(type = "{ [key in string]: { [key in string]: number } }")
    )]
    pub received: Vec<ValueReceived>,
    /// Offers refused.
    pub refusals: u64,
    /// Violations found in the wallet's own records.
    pub violations: Vec<Finding>,
    /// What the transparency logs the wallet trusts prove about its
    /// artifacts: one check per log.
    pub logs: Vec<LogCheck>,
}

/// A total received from one controller, in one unit (value records under
/// the person's grants).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ValueReceived {
    /// The controller.
    pub controller: String,
    /// The unit (a currency in minor units, `"points"`, `"month"`, ...).
    pub unit: String,
    /// The total amount.
    pub amount: u64,
}

/// What `Wallet.receive` took in, and the violations that now concern it:
/// [`Wallet::receive`]'s pair as every skin returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiveOutcome {
    /// The artifact received.
    pub artifact: crate::artifact::ArtifactInfo,
    /// Violations found concerning it (e.g. a receipt after a withdrawal).
    pub violations: Vec<Finding>,
}

impl Summary {
    /// The total received from `controller` in `unit` (0 if none).
    pub fn received_from(&self, controller: &str, unit: &str) -> u64 {
        self.received
            .iter()
            .find(|v| v.controller == controller && v.unit == unit)
            .map_or(0, |v| v.amount)
    }
}

/// `received` as the JSON view writes it: controller → unit → amount, as
/// a map would hold them (sorted by controller then unit; of a pair given
/// twice, the last). Written from the list, not through a `BTreeMap`: one
/// B-tree type less in the npm module.
fn received_map<S: serde::Serializer>(
    received: &[ValueReceived],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut sorted: Vec<&ValueReceived> = received.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| {
        (a.controller.as_str(), a.unit.as_str()).cmp(&(b.controller.as_str(), b.unit.as_str()))
    });
    let mut pairs: Vec<&ValueReceived> = Vec::with_capacity(sorted.len());
    for v in sorted {
        match pairs.last_mut() {
            Some(last) if last.controller == v.controller && last.unit == v.unit => *last = v,
            _ => pairs.push(v),
        }
    }
    let groups = pairs.chunk_by(|a, b| a.controller == b.controller);
    let mut map = serializer.serialize_map(Some(groups.clone().count()))?;
    for units in groups {
        if let Some(first) = units.first() {
            map.serialize_entry(&first.controller, &Units(units))?;
        }
    }
    map.end()
}

/// The units and amounts received from one controller, as a JSON object.
struct Units<'a>(&'a [&'a ValueReceived]);

impl Serialize for Units<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for v in self.0 {
            map.serialize_entry(&v.unit, &v.amount)?;
        }
        map.end()
    }
}

/// What one transparency log proves to the wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

/// A part of a wallet (or backup) that could not be read: skipped, the rest was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WalletProblem {
    /// Byte offset of the record's frame in the wallet image (`None` for a
    /// wallet built in memory).
    pub offset: Option<u64>,
    /// Index of the record (0 is the header), or `None` for a torn end.
    pub record: Option<u64>,
    /// What is wrong with it.
    pub message: String,
}

/// What [`Wallet::repair`] dropped from a wallet file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RepairReport {
    /// Size of the file before.
    pub bytes_before: u64,
    /// Size of the file after.
    pub bytes_after: u64,
    /// The records dropped (unreadable frames, damaged records) and the torn end, each with why.
    pub dropped: Vec<WalletProblem>,
}

/// The person's wallet.
pub struct Wallet {
    version: u64,
    secret: Zeroizing<[u8; WALLET_SECRET_LEN]>,
    key: WalletKey,
    /// The single key of a version-1 wallet, used at the controllers where it already signed.
    legacy: Option<LegacyKey>,
    /// Controllers where the version-1 key has signed (it stays the person's key there).
    legacy_controllers: TextMap<()>,
    /// Per-controller keys stored in the file (ES256) or bound to external keys.
    keys: TextMap<PersonKey>,
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
    /// Every record as framed in the file (damaged ones verbatim), for `to_bytes` and backups.
    frames: Vec<Zeroizing<Vec<u8>>>,
    /// What could not be read.
    problems: Vec<WalletProblem>,
    store: Store,
    /// Change listeners ([`Wallet::subscribe`]).
    listeners: Vec<Subscriber>,
    /// Artifacts kept since the last announcement, and the next listener id.
    announcer: Announcer,
}

/// Where the wallet's records go.
enum Store {
    /// Kept in memory only.
    Memory,
    /// A file read from `path` (`len` bytes); opened for appending on the first write.
    File {
        path: PathBuf,
        len: usize,
        /// The file ends in a torn record: nothing is appended until it is repaired.
        torn: Option<String>,
        open: Option<FileStore>,
    },
}

fn header(version: u64, secret: &[u8; WALLET_SECRET_LEN], key: &WalletKey) -> Vec<u8> {
    let mut v = Value::Array(vec![
        Value::Unsigned(REC_HEADER),
        Value::Unsigned(version),
        Value::bytes(secret.to_vec()),
        Value::text(key.source()),
    ]);
    let out = v.to_vec();
    zeroize_value(&mut v);
    out
}

fn record_frame(payload: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(store::frame(payload))
}

fn artifact_record(a: &Artifact) -> Vec<u8> {
    Value::Array(vec![
        Value::Unsigned(REC_ARTIFACT),
        Value::bytes(a.as_bytes().to_vec()),
    ])
    .to_vec()
}

/// The parsed header: version, secret, key source, legacy key (version 1).
struct Header {
    version: u64,
    secret: Zeroizing<[u8; WALLET_SECRET_LEN]>,
    source: &'static str,
    legacy: Option<(PublicKey, Option<Arc<KeyPair>>)>,
}

fn parse_header(payload: &[u8]) -> Result<Header, WalletError> {
    let mut v = cbor::decode(payload).map_err(|e| WalletError::Corrupt(format!("header: {e}")))?;
    let h = parse_header_value(&v);
    zeroize_value(&mut v);
    h
}

fn parse_header_value(v: &Value) -> Result<Header, WalletError> {
    let Value::Array(h) = v else {
        return Err(WalletError::Corrupt("header is not an array".into()));
    };
    let secret_of = |s: &[u8]| -> Result<Zeroizing<[u8; WALLET_SECRET_LEN]>, WalletError> {
        let mut out = Zeroizing::new([0u8; WALLET_SECRET_LEN]);
        if s.len() != WALLET_SECRET_LEN {
            return Err(WalletError::Corrupt(
                "wallet secret must be 32 bytes".into(),
            ));
        }
        out.copy_from_slice(s);
        Ok(out)
    };
    match h.as_slice() {
        [Value::Unsigned(REC_HEADER), Value::Unsigned(1), Value::Bytes(s), k] => {
            let secret = secret_of(s)?;
            let parsed =
                parse_cose_key(k).map_err(|e| WalletError::Corrupt(format!("header key: {e}")))?;
            let (source, pair) = match parsed.private {
                Some(_) => {
                    let kp = KeyPair::from_cose_key(&k.to_vec())
                        .map_err(|e| WalletError::Corrupt(format!("header key: {e}")))?;
                    let source = match kp.algorithm() {
                        Algorithm::Ed25519 => SOURCE_ED25519,
                        Algorithm::ES256 => SOURCE_ES256,
                    };
                    (source, Some(Arc::new(kp)))
                }
                None => (SOURCE_EXTERNAL, None),
            };
            Ok(Header {
                version: 1,
                secret,
                source,
                legacy: Some((parsed.public, pair)),
            })
        }
        [Value::Unsigned(REC_HEADER), Value::Unsigned(WALLET_VERSION), Value::Bytes(s), Value::Text(src)] =>
        {
            let source = [SOURCE_ED25519, SOURCE_ES256, SOURCE_EXTERNAL]
                .into_iter()
                .find(|x| x == src)
                .ok_or_else(|| WalletError::Corrupt(format!("header: unknown key source {src:?}")))?;
            Ok(Header {
                version: WALLET_VERSION,
                secret: secret_of(s)?,
                source,
                legacy: None,
            })
        }
        [Value::Unsigned(REC_HEADER), Value::Unsigned(v), ..] if *v > WALLET_VERSION => {
            Err(WalletError::Corrupt(format!(
                "wallet format version {v} is newer than this consentkit reads (1 and {WALLET_VERSION})"
            )))
        }
        _ => Err(WalletError::Corrupt(
            "unrecognised header record (version 1: type, 1, secret, key; version 2: type, 2, secret, key source)".into(),
        )),
    }
}

impl Wallet {
    fn empty(
        version: u64,
        secret: Zeroizing<[u8; WALLET_SECRET_LEN]>,
        key: WalletKey,
        legacy: Option<LegacyKey>,
    ) -> Wallet {
        Wallet {
            version,
            secret,
            key,
            legacy,
            legacy_controllers: TextMap::new(),
            keys: TextMap::new(),
            trust: TrustSet::new(),
            artifacts: Vec::new(),
            by_id: HashMap::new(),
            offers: HashMap::new(),
            checkpoints: Vec::new(),
            inclusion: Vec::new(),
            consistency: Vec::new(),
            frames: Vec::new(),
            problems: Vec::new(),
            store: Store::Memory,
            listeners: Vec::new(),
            announcer: Announcer::default(),
        }
    }

    /// A new wallet in memory, with a fresh secret.
    pub fn new(key: WalletKey) -> Result<Wallet, WalletError> {
        let secret = Zeroizing::new(crate::privacy::new_wallet_secret()?);
        Ok(Wallet::with_secret(*secret, key))
    }

    /// A new wallet with a given secret (e.g. restored from the person's recovery phrase).
    pub fn with_secret(secret: [u8; WALLET_SECRET_LEN], key: WalletKey) -> Wallet {
        let mut secret = Zeroizing::new(secret);
        let mut w = Wallet::empty(WALLET_VERSION, secret.clone(), key, None);
        w.frames
            .push(record_frame(&header(WALLET_VERSION, &w.secret, &w.key)));
        secret.zeroize();
        w
    }

    /// A version-1 wallet: one person key, `key`, used at every controller
    /// where it has already signed (its grants and refusals, received with
    /// [`Wallet::receive`] or [`Wallet::receive_batch`]); controllers new to the
    /// wallet get their own derived key. For people whose artifacts were
    /// signed with a single key before wallets had a key per controller.
    pub fn with_legacy_key(secret: [u8; WALLET_SECRET_LEN], key: Arc<KeyPair>) -> Wallet {
        let mode = match key.algorithm() {
            Algorithm::Ed25519 => WalletKey::Ed25519,
            Algorithm::ES256 => WalletKey::Es256,
        };
        let secret = Zeroizing::new(secret);
        let mut cose = key.to_cose_key_value();
        let mut h = Value::Array(vec![
            Value::Unsigned(REC_HEADER),
            Value::Unsigned(1),
            Value::bytes(secret.to_vec()),
            cose.clone(),
        ]);
        let legacy = LegacyKey {
            public: key.public_key(),
            signer: Some(key),
        };
        let mut w = Wallet::empty(1, secret, mode, Some(legacy));
        w.frames.push(record_frame(&h.to_vec()));
        zeroize_value(&mut h);
        zeroize_value(&mut cose);
        w
    }

    /// Creates a wallet file at `path` (which must not exist; mode 0600 on Unix).
    pub fn create(path: &Path, key: WalletKey) -> Result<Wallet, WalletError> {
        let mut w = Wallet::new(key)?;
        w.save_as(path)?;
        Ok(w)
    }

    /// Opens a wallet file. Reading never writes the file: a torn last
    /// record (a crash mid-write) is left out of the wallet and reported in
    /// [`Wallet::problems`], and the wallet then refuses to append
    /// ([`WalletError::NeedsRepair`]) until [`Wallet::repair`] rewrites the
    /// file. Damaged records inside the file are skipped and reported.
    ///
    /// `external` gives the signers of a wallet whose keys are held outside it
    /// (ignored for in-process keys); without it, such a wallet opens for
    /// reading and for signing with `prepare_*` and [`Wallet::complete`].
    pub fn open(
        path: &Path,
        external: Option<Arc<dyn SignerProvider>>,
    ) -> Result<Wallet, WalletError> {
        let bytes = Zeroizing::new(FileStore::read(path)?);
        let image = store::split(&bytes)?;
        let mut w = Wallet::from_image(&image, external)?;
        let torn = (image.valid < bytes.len()).then(|| {
            let msg = format!(
                "the last {} bytes (from byte {}) are a torn record, left out; the file is unchanged \
                 and nothing will be appended to it until it is repaired (consentkit wallet repair)",
                bytes.len() - image.valid,
                image.valid
            );
            w.problems.push(WalletProblem {
                offset: Some(image.valid as u64),
                record: None,
                message: msg.clone(),
            });
            msg
        });
        w.store = Store::File {
            path: path.to_owned(),
            len: bytes.len(),
            torn,
            open: None,
        };
        Ok(w)
    }

    /// Rewrites the wallet file at `path` without what cannot be read: a
    /// torn last record, frames whose checksum fails, and records whose
    /// content is invalid. Returns what was dropped. The new file replaces
    /// the old one through a rename (mode 0600 on Unix); a file with nothing
    /// to drop is left as it is.
    pub fn repair(path: &Path) -> Result<RepairReport, WalletError> {
        let bytes = Zeroizing::new(FileStore::read(path)?);
        let image = store::split(&bytes)?;
        let w = Wallet::from_image(&image, None)?;
        let mut report = RepairReport {
            bytes_before: bytes.len() as u64,
            bytes_after: bytes.len() as u64,
            dropped: w.problems.clone(),
        };
        if image.valid < bytes.len() {
            report.dropped.push(WalletProblem {
                offset: Some(image.valid as u64),
                record: None,
                message: format!("torn record: the last {} bytes", bytes.len() - image.valid),
            });
        }
        if report.dropped.is_empty() {
            return Ok(report);
        }
        // A handful of problems at most: a scan, not a set (one `BTreeSet`
        // type less in the npm module).
        let bad = |i: usize| w.problems.iter().any(|p| p.record == Some(i as u64));
        let mut out = Zeroizing::new(store::MAGIC.to_vec());
        for (i, f) in image.frames.iter().enumerate() {
            if !bad(i) {
                out.extend_from_slice(&f.bytes);
            }
        }
        store::replace_secret_file(path, &out)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        report.bytes_after = out.len() as u64;
        Ok(report)
    }

    /// A wallet from bytes previously returned by [`Wallet::to_bytes`] (the
    /// same format as the file). A torn end is an error; damaged records
    /// inside are skipped and reported in [`Wallet::problems`] (and kept as
    /// they are in [`Wallet::to_bytes`]).
    pub fn from_bytes(
        bytes: &[u8],
        external: Option<Arc<dyn SignerProvider>>,
    ) -> Result<Wallet, WalletError> {
        let image = store::split(bytes)?;
        if image.valid != bytes.len() {
            return Err(WalletError::Corrupt(format!(
                "truncated record at byte {}",
                image.valid
            )));
        }
        Wallet::from_image(&image, external)
    }

    /// The wallet as bytes (the file format), for hosts that store it themselves.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = store::MAGIC.to_vec();
        for f in &self.frames {
            out.extend_from_slice(f);
        }
        out
    }

    /// The wallet format version of this wallet's header: 1 (one key for
    /// every controller it has used it with, per-controller keys for new
    /// ones) or 2 (a key per controller).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// What could not be read when the wallet was opened: damaged records
    /// (skipped) and a torn end. Empty for a sound wallet.
    pub fn problems(&self) -> &[WalletProblem] {
        &self.problems
    }

    fn from_image(
        image: &store::Image,
        external: Option<Arc<dyn SignerProvider>>,
    ) -> Result<Wallet, WalletError> {
        let first = image
            .frames
            .first()
            .ok_or_else(|| WalletError::Corrupt("no header record".into()))?;
        if !first.intact {
            return Err(WalletError::Corrupt(
                "the header record fails its checksum".into(),
            ));
        }
        let h = parse_header(first.payload())?;
        let key = match h.source {
            SOURCE_ED25519 => WalletKey::Ed25519,
            SOURCE_ES256 => WalletKey::Es256,
            _ => match &external {
                Some(p) => WalletKey::External(p.clone()),
                None => WalletKey::PublicOnly,
            },
        };
        let legacy = h.legacy.map(|(public, pair)| {
            let signer: Option<Arc<dyn Signer>> = match pair {
                Some(kp) => Some(kp),
                None => external
                    .as_ref()
                    .and_then(|p| p.legacy_signer())
                    .filter(|s| s.public_key() == public),
            };
            LegacyKey { public, signer }
        });
        let mut w = Wallet::empty(h.version, h.secret, key, legacy);
        w.frames.push(Zeroizing::new(first.bytes.clone()));
        for (i, f) in image.frames.iter().enumerate().skip(1) {
            let problem = if !f.intact {
                Some("the record fails its checksum".to_owned())
            } else {
                w.replay(f.payload()).err().map(|e| e.to_string())
            };
            if let Some(message) = problem {
                w.problems.push(WalletProblem {
                    offset: Some(f.offset as u64),
                    record: Some(i as u64),
                    message: format!("record {i} at byte {}: {message}; skipped", f.offset),
                });
            }
            w.frames.push(Zeroizing::new(f.bytes.clone()));
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
                [Value::Unsigned(REC_PERSON_KEY), Value::Text(controller), key] => {
                    self.replay_person_key(controller, key)
                }
                _ => Err(WalletError::Corrupt("unknown record".into())),
            },
            _ => Err(WalletError::Corrupt("record is not an array".into())),
        }
    }

    fn replay_person_key(&mut self, controller: &str, key: &Value) -> Result<(), WalletError> {
        let parsed = parse_cose_key(key)
            .map_err(|e| WalletError::Corrupt(format!("stored person key: {e}")))?;
        let signer: Option<Arc<dyn Signer>> = match (&parsed.private, &self.key) {
            (Some(_), WalletKey::Es256) => Some(Arc::new(
                KeyPair::from_cose_key(&key.to_vec())
                    .map_err(|e| WalletError::Corrupt(format!("stored person key: {e}")))?,
            )),
            (None, WalletKey::External(_) | WalletKey::PublicOnly) => None,
            _ => {
                return Err(WalletError::Corrupt(
                    "stored person key does not fit the wallet's key source".into(),
                ))
            }
        };
        if self.keys.contains_key(controller) {
            return Err(WalletError::Corrupt(format!(
                "a second person key for {controller}"
            )));
        }
        self.keys.insert(
            controller.to_owned(),
            PersonKey {
                public: parsed.public,
                signer,
            },
        );
        Ok(())
    }

    fn persist(&mut self, record: Vec<u8>) -> Result<(), WalletError> {
        self.persist_many(vec![record])
    }

    fn persist_many(&mut self, records: Vec<Vec<u8>>) -> Result<(), WalletError> {
        let records: Vec<Zeroizing<Vec<u8>>> = records.into_iter().map(Zeroizing::new).collect();
        if let Store::File {
            path,
            len,
            torn,
            open,
        } = &mut self.store
        {
            if let Some(t) = torn {
                return Err(WalletError::NeedsRepair(format!("{}: {t}", path.display())));
            }
            let s = match open {
                Some(s) => s,
                None => open.insert(FileStore::open_append(path, *len)?),
            };
            s.append_many(&records)?;
            *len += records.iter().map(|r| r.len() + 8).sum::<usize>();
        }
        self.frames
            .extend(records.iter().map(|r| record_frame(r.as_slice())));
        Ok(())
    }

    fn index(&mut self, a: Artifact) {
        if let Some(l) = &self.legacy {
            let used_at = match a.body() {
                Body::Grant(g) if g.subject_key.as_ref() == Some(&l.public) => Some(&g.controller),
                Body::Refusal(r) if r.subject_key.as_ref() == Some(&l.public) => {
                    Some(&r.controller)
                }
                _ => None,
            };
            if let Some(c) = used_at {
                self.legacy_controllers.insert(c.clone(), ());
            }
        }
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
        self.persist(artifact_record(&a))?;
        self.announcer.kept(&a);
        self.index(a.clone());
        Ok(a)
    }

    /// The person's key at `controller`, if the wallet has one: the
    /// version-1 key where it already signed, else the controller's own key.
    fn key_for(&self, controller: &str) -> Option<PersonKey> {
        if let Some(l) = &self.legacy {
            if self.legacy_controllers.contains_key(controller) {
                return Some(PersonKey {
                    public: l.public.clone(),
                    signer: l.signer.clone(),
                });
            }
        }
        match &self.key {
            WalletKey::Ed25519 => {
                let seed = crate::privacy::person_key_seed(&self.secret, controller);
                let kp = KeyPair::ed25519_from_seed(seed.as_slice()).ok()?;
                Some(PersonKey {
                    public: kp.public_key(),
                    signer: Some(Arc::new(kp)),
                })
            }
            _ => self.keys.get(controller).cloned(),
        }
    }

    /// The person's key at `controller`, created (ES256: generated and
    /// stored; external: asked of the provider and its public key stored) if needed.
    fn ensure_key(&mut self, controller: &str) -> Result<PersonKey, WalletError> {
        if let Some(k) = self.key_for(controller) {
            return Ok(k);
        }
        let (public, value, signer): (PublicKey, Value, Option<Arc<dyn Signer>>) = match &self.key {
            WalletKey::Es256 => {
                let kp = Arc::new(KeyPair::generate(Algorithm::ES256)?);
                (kp.public_key(), kp.to_cose_key_value(), Some(kp))
            }
            WalletKey::External(p) => {
                let s = p.signer_for(controller)?;
                let public = s.public_key();
                (
                    public.clone(),
                    public.to_cose_key_value(Vec::new()),
                    Some(s),
                )
            }
            WalletKey::PublicOnly | WalletKey::Ed25519 => {
                return Err(WalletError::SignerNeeded(format!(
                    "no key for controller {controller}: bind its public key first (bind_key)"
                )))
            }
        };
        self.bind(controller, public.clone(), value, signer.clone())?;
        Ok(PersonKey { public, signer })
    }

    fn bind(
        &mut self,
        controller: &str,
        public: PublicKey,
        value: Value,
        signer: Option<Arc<dyn Signer>>,
    ) -> Result<(), WalletError> {
        if let Some((c, _)) = self.keys.iter().find(|(_, k)| k.public == public) {
            return Err(WalletError::Invalid(format!(
                "key {} is already the person's key at {c}: each controller needs its own key",
                public.kid().short()
            )));
        }
        if self.legacy.as_ref().is_some_and(|l| l.public == public) {
            return Err(WalletError::Invalid(
                "that is the wallet's version-1 key: each new controller needs its own key".into(),
            ));
        }
        let mut rec = Value::Array(vec![
            Value::Unsigned(REC_PERSON_KEY),
            Value::text(controller),
            value,
        ]);
        let bytes = rec.to_vec();
        zeroize_value(&mut rec);
        self.persist(bytes)?;
        self.keys
            .insert(controller.to_owned(), PersonKey { public, signer });
        Ok(())
    }

    /// The signer of the person's key `k` at `controller`.
    fn signer_of(&self, k: &PersonKey, controller: &str) -> Result<Arc<dyn Signer>, WalletError> {
        if let Some(s) = &k.signer {
            return Ok(s.clone());
        }
        let WalletKey::External(p) = &self.key else {
            return Err(WalletError::SignerNeeded(k.public.kid().to_string()));
        };
        let s = if self.legacy.as_ref().is_some_and(|l| l.public == k.public) {
            p.legacy_signer()
                .ok_or_else(|| WalletError::SignerNeeded(k.public.kid().to_string()))?
        } else {
            p.signer_for(controller)?
        };
        if s.public_key() != k.public {
            return Err(WalletError::SignerNeeded(format!(
                "{} (the signer given for {controller} holds another key)",
                k.public.kid()
            )));
        }
        Ok(s)
    }

    /// Records the public key of the person's external key at `controller`
    /// (one platform key per controller), for a wallet whose keys sign
    /// elsewhere. Binding the key already bound is a no-op; another key for a
    /// bound controller, a key already bound to another controller, or an
    /// in-process wallet, is an error.
    pub fn bind_key(&mut self, controller: &str, key: PublicKey) -> Result<(), WalletError> {
        if let Some(k) = self.key_for(controller) {
            return if k.public == key {
                Ok(())
            } else {
                Err(WalletError::Invalid(format!(
                    "the person already has key {} at {controller}",
                    k.public.kid().short()
                )))
            };
        }
        match self.key {
            WalletKey::External(_) | WalletKey::PublicOnly => {
                let v = key.to_cose_key_value(Vec::new());
                self.bind(controller, key, v, None)
            }
            WalletKey::Ed25519 | WalletKey::Es256 => Err(WalletError::Invalid(
                "this wallet's keys are held in it: they cannot be bound".into(),
            )),
        }
    }

    /// The person's public key at `controller`, if the wallet has one yet
    /// (in-process Ed25519 keys always: they are derived).
    pub fn public_key_for(&self, controller: &str) -> Option<PublicKey> {
        self.key_for(controller).map(|k| k.public)
    }

    /// Whether the wallet's keys are held outside it (the file holds only public keys).
    pub fn is_external(&self) -> bool {
        matches!(self.key, WalletKey::External(_) | WalletKey::PublicOnly)
    }

    /// The single key of a version-1 wallet, if this is one.
    pub fn legacy_key(&self) -> Option<PublicKey> {
        self.legacy.as_ref().map(|l| l.public.clone())
    }

    /// Whether `key` is the person's key at `controller` (or their version-1 key).
    fn is_person_key(&self, key: &PublicKey, controller: &str) -> bool {
        self.legacy.as_ref().is_some_and(|l| l.public == *key)
            || self.key_for(controller).is_some_and(|k| k.public == *key)
    }

    /// Whether `key` is one of the person's keys (at any controller the wallet knows).
    fn is_any_person_key(&self, key: &PublicKey) -> bool {
        if self.legacy.as_ref().is_some_and(|l| l.public == *key)
            || self.keys.values().any(|k| k.public == *key)
        {
            return true;
        }
        let mut controllers: Vec<&str> = self
            .artifacts
            .iter()
            .filter_map(|a| match a.body() {
                Body::Offer(o) => Some(o.controller.as_str()),
                Body::Grant(g) => Some(g.controller.as_str()),
                Body::Refusal(r) => Some(r.controller.as_str()),
                _ => None,
            })
            .collect();
        crate::sort::sort(&mut controllers);
        controllers.dedup();
        controllers
            .into_iter()
            .any(|c| self.key_for(c).is_some_and(|k| k.public == *key))
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

    /// The keys this wallet trusts (kid, algorithm, role, party), sorted by
    /// kid: [`crate::audit::trusted_keys`] of [`Wallet::trust`], the shape of
    /// an audit report's `provenance.trust.keys`.
    pub fn trusted_keys(&self) -> Vec<crate::audit::TrustedKeyInfo> {
        crate::audit::trusted_keys(&self.trust)
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
        now: Timestamp,
    ) -> Result<(Artifact, Vec<Finding>), WalletError> {
        let Some(a) = self.check_incoming(bytes)? else {
            return Ok((Artifact::decode(bytes)?, Vec::new()));
        };
        let a = self.keep(a)?;
        self.announce(now);
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
        now: Timestamp,
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
        let records: Vec<Vec<u8>> = keep.iter().map(artifact_record).collect();
        self.persist_many(records)?;
        for a in keep {
            self.announcer.kept(&a);
            self.index(a);
        }
        self.announce(now);
        Ok((refused, self.violations(now)))
    }

    /// Decodes and verifies an incoming artifact; `None` if already held byte for byte.
    fn check_incoming(&self, bytes: &[u8]) -> Result<Option<Artifact>, WalletError> {
        let a = Artifact::decode(bytes)?;
        a.verify(&self.trust)?;
        self.check_theirs(&a)?;
        if let Some(&i) = self.by_id.get(&a.id()) {
            if self.artifacts[i].as_bytes() == a.as_bytes() {
                return Ok(None);
            }
        }
        Ok(Some(a))
    }

    /// A grant must be the person's own: signed with their key at that
    /// controller, or imported naming their pseudonym there.
    fn check_theirs(&self, a: &Artifact) -> Result<(), WalletError> {
        if let Some((_, g)) = self.own_grant(a) {
            let theirs = match &g.subject_key {
                Some(k) => self.is_person_key(k, &g.controller),
                None => g.imported && g.subject == self.pseudonym(&g.controller),
            };
            if !theirs {
                return Err(WalletError::Invalid(format!(
                    "{} is not a grant of this wallet's person",
                    a.label_str()
                )));
            }
        }
        Ok(())
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
        at: Timestamp,
    ) -> Result<Artifact, WalletError> {
        let controller = self.offer(offer)?.controller.clone();
        self.ensure_key(&controller)?;
        let p = self.prepare_accept(offer, choice, at)?;
        let a = self.sign_and_keep(&p, &controller);
        self.announce(at);
        a
    }

    fn sign_and_keep(
        &mut self,
        p: &crate::artifact::PendingSignature,
        controller: &str,
    ) -> Result<Artifact, WalletError> {
        let k = self
            .key_for(controller)
            .filter(|k| k.public == *p.public_key())
            .or_else(|| {
                self.legacy
                    .as_ref()
                    .filter(|l| l.public == *p.public_key())
                    .map(|l| PersonKey {
                        public: l.public.clone(),
                        signer: l.signer.clone(),
                    })
            })
            .ok_or_else(|| {
                WalletError::Invalid("prepared for another key than the person's".into())
            })?;
        let sig = self.signer_of(&k, controller)?.sign(p.to_be_signed())?;
        let a = p.complete(&sig)?;
        self.keep(a)
    }

    fn require_key(&self, controller: &str) -> Result<PublicKey, WalletError> {
        self.public_key_for(controller).ok_or_else(|| {
            WalletError::SignerNeeded(format!(
                "no key for controller {controller} yet: bind its public key first (bind_key)"
            ))
        })
    }

    /// Completes a prepared grant, refusal or withdrawal with a signature
    /// made by the person's key elsewhere (e.g. an asynchronous WebCrypto
    /// key), checks it, and keeps the artifact.
    pub fn complete(
        &mut self,
        prepared: &crate::artifact::PendingSignature,
        signature: &[u8],
    ) -> Result<Artifact, WalletError> {
        if !self.is_any_person_key(prepared.public_key()) {
            return Err(WalletError::Invalid(
                "prepared for another key than this wallet's".into(),
            ));
        }
        let a = prepared.complete(signature)?;
        let a = self.keep(a)?;
        if let Some(at) = app_lifecycle::decision_time(&a) {
            self.announce(at);
        }
        Ok(a)
    }

    /// Like [`Wallet::accept`], for a key that signs elsewhere: returns what to sign; finish with [`Wallet::complete`].
    pub fn prepare_accept(
        &self,
        offer: &Digest,
        choice: &Choice,
        at: Timestamp,
    ) -> Result<crate::artifact::PendingSignature, WalletError> {
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
            status: choice.status.clone(),
        };
        Ok(g.prepare_as_person(&self.require_key(&o.controller)?)?)
    }

    /// Refuses an offer at time `at`; returns the refusal for the controller to countersign.
    pub fn refuse(&mut self, offer: &Digest, at: Timestamp) -> Result<Artifact, WalletError> {
        let controller = self.offer(offer)?.controller.clone();
        self.ensure_key(&controller)?;
        let p = self.prepare_refuse(offer, at)?;
        let a = self.sign_and_keep(&p, &controller);
        self.announce(at);
        a
    }

    /// Like [`Wallet::refuse`], for a key that signs elsewhere; finish with [`Wallet::complete`].
    pub fn prepare_refuse(
        &self,
        offer: &Digest,
        at: Timestamp,
    ) -> Result<crate::artifact::PendingSignature, WalletError> {
        let o = self.offer(offer)?.clone();
        let r = Refusal {
            subject: self.pseudonym(&o.controller),
            controller: o.controller.clone(),
            issued_at: at,
            offer: *offer,
            method: CollectionMethod::AppUi,
            subject_key: None,
        };
        Ok(r.prepare_as_person(&self.require_key(&o.controller)?)?)
    }

    /// Withdraws a grant: one call. Returns the signed withdrawal to send
    /// to the controller. The withdrawal is signed with the key that signed
    /// the grant or, for an imported grant (no subject key) naming the
    /// person's pseudonym, with the person's key at that controller.
    pub fn withdraw(&mut self, grant: ArtifactId, at: Timestamp) -> Result<Artifact, WalletError> {
        let a = self.withdraw_quietly(grant, at);
        self.announce(at);
        a
    }

    /// [`Wallet::withdraw`] without telling the listeners (the caller does).
    fn withdraw_quietly(
        &mut self,
        grant: ArtifactId,
        at: Timestamp,
    ) -> Result<Artifact, WalletError> {
        let g = self.held_grant(grant)?;
        let controller = g.controller.clone();
        if g.subject_key.is_none() {
            self.ensure_key(&controller)?;
        }
        let p = self.prepare_withdraw(grant, at)?;
        self.sign_and_keep(&p, &controller)
    }

    fn held_grant(&self, grant: ArtifactId) -> Result<&Grant, WalletError> {
        let i = self
            .by_id
            .get(&grant)
            .ok_or_else(|| WalletError::NotFound(format!("grant {grant}")))?;
        match self.artifacts[*i].body() {
            Body::Grant(g) => Ok(g),
            _ => Err(WalletError::Invalid(format!("{grant} is not a grant"))),
        }
    }

    /// Like [`Wallet::withdraw`], for a key that signs elsewhere; finish with [`Wallet::complete`].
    pub fn prepare_withdraw(
        &self,
        grant: ArtifactId,
        at: Timestamp,
    ) -> Result<crate::artifact::PendingSignature, WalletError> {
        let g = self.held_grant(grant)?;
        let key = match &g.subject_key {
            Some(k) if self.is_person_key(k, &g.controller) => k.clone(),
            Some(_) => {
                return Err(WalletError::Invalid(format!(
                    "grant {grant} was signed by another key than the person's"
                )))
            }
            None if g.subject == self.pseudonym(&g.controller) => {
                self.require_key(&g.controller)?
            }
            None => {
                return Err(WalletError::Invalid(format!(
                    "grant {grant} does not name the person's pseudonym at {}",
                    g.controller
                )))
            }
        };
        Ok(Withdrawal::prepare_by_person(grant, at, &key)?)
    }

    fn bundle(&self) -> Vec<u8> {
        crate::audit::to_sequence(self.artifacts.iter())
    }

    /// Every violation in the wallet's records at time `now`, found by the audit engine.
    /// Grants still waiting for the controller's countersignature are not findings.
    pub fn violations(&self, now: Timestamp) -> Vec<Finding> {
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
    pub fn grants(&self, now: Timestamp) -> Vec<GrantView> {
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
        crate::sort::sort_by_key(&mut out, |g| (g.issued_at, g.id));
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
                        r.add_withdrawal(w.takes_effect(), w.by, a.id());
                    }
                }
                // The same rule as the audit's: a refusal ends the person's
                // earlier grants of the same offer at that controller.
                Body::Refusal(f) => {
                    for r in recs.values_mut() {
                        if r.is_ended_by_refusal(&f.controller, &f.subject, &f.offer, f.issued_at) {
                            r.add_refusal(f.issued_at, a.id());
                        }
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
    pub fn summary(&self, now: Timestamp) -> Summary {
        let recs = self.grant_records();
        let mut shared: Vec<Shared> = Vec::new();
        // Sorted by controller then unit, each pair once (a list searched
        // by binary search: no B-tree type in the npm module).
        let mut received: Vec<ValueReceived> = Vec::new();
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
                        .and_then(|s| self.trust.find(&s.kid))
                        .map(|t| t.party.clone())
                        .unwrap_or_default();
                    // A receipt whose indexes its grant does not have shows nothing.
                    let Ok(named) = r.resolve(&g.grant) else {
                        continue;
                    };
                    let recipient = named.recipient.unwrap_or(signer);
                    let category = named.category.to_string();
                    let purpose = named.purpose.to_string();
                    // Sorted by (controller, recipient, category, purpose,
                    // grant), as the `BTreeMap` this was sorted them (a
                    // list: one `BTreeMap` type less in the npm module).
                    let key = (
                        g.grant.controller.as_str(),
                        recipient.as_str(),
                        category.as_str(),
                        purpose.as_str(),
                        r.grant,
                    );
                    let at = match shared.binary_search_by(|s| {
                        (
                            s.controller.as_str(),
                            s.recipient.as_str(),
                            s.category.as_str(),
                            s.purpose.as_str(),
                            s.grant,
                        )
                            .cmp(&key)
                    }) {
                        Ok(at) => at,
                        Err(at) => {
                            shared.insert(
                                at,
                                Shared {
                                    controller: g.grant.controller.clone(),
                                    recipient,
                                    category,
                                    purpose,
                                    grant: r.grant,
                                    uses: 0,
                                    first: r.used_at,
                                    last: r.used_at,
                                },
                            );
                            at
                        }
                    };
                    let Some(e) = shared.get_mut(at) else {
                        continue;
                    };
                    e.uses += u64::from(r.quantity);
                    e.first = e.first.min(r.used_at);
                    e.last = e.last.max(r.used_at);
                }
                Body::ValueRecord(v) => {
                    if let Some(g) = recs.get(&v.grant) {
                        let key = (g.grant.controller.as_str(), v.benefit.unit.as_str());
                        let at = match received.binary_search_by(|t| {
                            (t.controller.as_str(), t.unit.as_str()).cmp(&key)
                        }) {
                            Ok(at) => at,
                            Err(at) => {
                                received.insert(
                                    at,
                                    ValueReceived {
                                        controller: g.grant.controller.clone(),
                                        unit: v.benefit.unit.clone(),
                                        amount: 0,
                                    },
                                );
                                at
                            }
                        };
                        if let Some(t) = received.get_mut(at) {
                            t.amount = t.amount.saturating_add(v.benefit.amount);
                        }
                    }
                }
                Body::Refusal(_) => refusals += 1,
                _ => {}
            }
        }
        Summary {
            grants: self.grants(now),
            shared,
            received,
            refusals,
            violations: self.violations(now),
            logs: self.check_logs(),
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
            // Sorted by tree size, one per size (a list: one `BTreeMap`
            // type less in the npm module).
            let mut cps: Vec<Checkpoint> = Vec::new();
            for note in &self.checkpoints {
                match Checkpoint::open(note.as_bytes(), std::slice::from_ref(&verifier)) {
                    Ok(cp) if cp.origin == t.party => {
                        match cps.binary_search_by_key(&cp.size, |c| c.size) {
                            Ok(at) => {
                                if cps.get(at).is_some_and(|prev| prev.root != cp.root) {
                                    check.problems.push(format!("two checkpoints of size {} with different roots: the log shows different histories", cp.size));
                                }
                                if let Some(slot) = cps.get_mut(at) {
                                    *slot = cp;
                                }
                            }
                            Err(at) => cps.insert(at, cp),
                        }
                    }
                    // Another log's checkpoint, or not signed by this key.
                    _ => {}
                }
            }
            let cp_of = |size: u64| {
                cps.binary_search_by_key(&size, |c| c.size)
                    .ok()
                    .and_then(|at| cps.get(at))
            };
            check.checkpoints = cps.iter().map(|c| c.size).collect();
            let sizes: Vec<&Checkpoint> = cps.iter().collect();
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
                let ok =
                    self.inclusion.iter().filter(|(id, _)| *id == a.id()).any(
                        |(_, p)| match cp_of(p.tree_size) {
                            Some(cp) => p.verify(a.as_bytes(), &cp.root).is_ok(),
                            None => false,
                        },
                    );
                if ok {
                    check.proven.push(a.id());
                } else {
                    check.not_proven.push(a.id());
                }
            }
            for (id, p) in &self.inclusion {
                if let (Some(&i), Some(cp)) = (self.by_id.get(id), cp_of(p.tree_size)) {
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
    /// of the wallet image, with the 6-byte prefix as associated data. The
    /// image is [`Wallet::to_bytes`] without the records the wallet could not
    /// read ([`Wallet::problems`]): a backup holds what the wallet holds, so
    /// that [`Wallet::import_backup`], which verifies everything, restores it.
    pub fn export_backup(&self, key: &[u8; 32]) -> Result<Vec<u8>, WalletError> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| WalletError::Io("random number generator failed".into()))?;
        let sealing = aead::LessSafeKey::new(
            aead::UnboundKey::new(&aead::CHACHA20_POLY1305, key)
                .map_err(|_| WalletError::BackupFormat("bad key".into()))?,
        );
        let mut data = Zeroizing::new(self.sound_bytes());
        sealing
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(BACKUP_MAGIC),
                &mut *data,
            )
            .map_err(|_| WalletError::BackupFormat("encryption failed".into()))?;
        let mut out = BACKUP_MAGIC.to_vec();
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&data);
        Ok(out)
    }

    /// Restores a wallet from an encrypted backup made by
    /// [`Wallet::export_backup`] (in memory; see [`Wallet::save_as`] to
    /// write it to a file), verifying everything it restores:
    ///
    /// - the backup must start with `"CKWB1\n"` and be long enough
    ///   ([`WalletError::BackupFormat`]), and decrypt under `key` (a wrong
    ///   key, another wallet's key, or any altered byte:
    ///   [`WalletError::BackupAuthentication`]);
    /// - every record of the wallet image inside must be read: a damaged or
    ///   unknown record is refused, not skipped ([`WalletError::BackupContent`]);
    /// - every artifact must pass what [`Wallet::receive`] checks, against
    ///   the trusted keys the backup holds: each signature and the role and
    ///   party of each signer, and a grant must be the person's (their key
    ///   at that controller, or an imported grant naming their pseudonym);
    ///   a grant or refusal still waiting for the controller's
    ///   countersignature must carry a valid signature of the person's key
    ///   at its controller ([`WalletError::BackupContent`] naming the artifact).
    ///
    /// Transparency-log checkpoints and proofs are restored as kept and
    /// checked, as always, by [`Wallet::check_logs`].
    pub fn import_backup(
        backup: &[u8],
        key: &[u8; 32],
        external: Option<Arc<dyn SignerProvider>>,
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
        let mut buf = Zeroizing::new(ct.to_vec());
        let plain = opening
            .open_in_place(
                aead::Nonce::assume_unique_for_key(nonce_bytes),
                aead::Aad::from(BACKUP_MAGIC),
                &mut buf,
            )
            .map_err(|_| WalletError::BackupAuthentication)?;
        let w = Wallet::from_bytes(plain, external).map_err(|e| match e {
            WalletError::Corrupt(m) => WalletError::BackupContent(format!("wallet image: {m}")),
            other => other,
        })?;
        if let Some(p) = w.problems.first() {
            return Err(WalletError::BackupContent(p.message.clone()));
        }
        w.verify_restored()?;
        Ok(w)
    }

    /// The wallet image without the records it could not read.
    fn sound_bytes(&self) -> Vec<u8> {
        let bad = |i: usize| self.problems.iter().any(|p| p.record == Some(i as u64));
        let mut out = store::MAGIC.to_vec();
        for (i, f) in self.frames.iter().enumerate() {
            if !bad(i) {
                out.extend_from_slice(f);
            }
        }
        out
    }

    /// Writes this wallet to a new file at `path` (which must not exist;
    /// mode 0600 on Unix) and keeps appending there.
    pub fn save_as(&mut self, path: &Path) -> Result<(), WalletError> {
        let bytes = Zeroizing::new(self.to_bytes());
        store::write_secret_file(path, &bytes)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        self.store = Store::File {
            path: path.to_owned(),
            len: bytes.len(),
            torn: None,
            open: None,
        };
        Ok(())
    }

    /// The ids of grants by state at `now`.
    pub fn grant_state(&self, grant: ArtifactId, now: Timestamp) -> Option<ConsentState> {
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
