//! Auditing against a transparency log: is every artifact in the log, and
//! did the log only ever grow?

use std::hash::{BuildHasher, Hasher};
use std::path::Path;

use super::leaves::LeafIndex;
use super::provenance::CheckpointCheck;
use super::witnessed::WitnessClock;
use crate::keys::{Role, TrustSet};
use crate::log::note::b64_encode;
use crate::log::{leaf_hash, Checkpoint, Hash, LogError, NoteVerifier, Policy, PublishedLog};

/// What a transparency log says about a bundle, checked against the log's
/// trusted key.
#[derive(Debug, Clone)]
pub struct LogView {
    /// Leaf hash → index in the log.
    leaves: LeafIndex,
    /// The log's latest checkpoint (signature verified with the trusted key).
    pub checkpoint: Checkpoint,
    /// Problems with the log's history: archived checkpoints that do not
    /// verify or that the latest tree does not extend, and supplied
    /// checkpoints it does not extend. Each becomes a `log_inconsistent` finding.
    pub problems: Vec<String>,
    /// Archived checkpoints proven consistent with the latest one.
    pub archived_consistent: u64,
    /// Archived checkpoints that failed (counted in `problems`).
    pub archived_problems: u64,
    /// The checkpoints supplied to [`LogView::open`], each with whether the
    /// log extends it.
    pub supplied: Vec<CheckpointCheck>,
    /// Skip the signature check of artifacts that are in the log: the log
    /// verified them on entry ([`TileLog::append_artifact`](crate::log::TileLog::append_artifact)). Roles,
    /// parties and algorithms are still checked.
    pub trust_admission: bool,
    /// The witness policy's view of the log, when audited with one
    /// ([`LogView::open_witnessed`]).
    pub witnesses: Option<WitnessClock>,
    /// The Status List Tokens logged ([`TileLog::append_status_list`](crate::log::TileLog::append_status_list)),
    /// with their leaf indices, in log order: the audit holds them against
    /// the withdrawals as it holds the lists it is given (`stale_status`).
    pub status_lists: Vec<(u64, Vec<u8>)>,
}

/// Why a log could not be used for an audit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogViewError {
    /// The log directory is unusable.
    #[error("transparency log: {0}")]
    Log(#[from] LogError),
    /// The trust set has no key with role `log` for the log's origin.
    #[error("transparency log {0:?}: no key with role \"log\" and this party in the trust set")]
    UntrustedLog(String),
    /// A checkpoint supplied by the auditor is not a checkpoint signed by
    /// the trusted log key: unusable input, not evidence about the log.
    #[error("supplied checkpoint {index}: not a checkpoint of log {origin:?} signed by its trusted key ({reason})")]
    BadSuppliedCheckpoint {
        /// Its position among the supplied checkpoints, from 1.
        index: usize,
        /// The log's origin.
        origin: String,
        /// What failed.
        reason: String,
    },
    /// The log's checkpoint is not signed by the trusted log key.
    #[error("transparency log {origin:?}: the checkpoint is not signed by the trusted log key ({reason})")]
    BadCheckpoint {
        /// The log's origin.
        origin: String,
        /// What failed.
        reason: String,
    },
}

impl LogView {
    /// Opens the log in `dir` and checks it with the trust set's `log` key
    /// for its origin: the latest checkpoint's signature, every archived
    /// checkpoint's consistency with it, and each of `older` (signed
    /// checkpoint notes kept by auditors or wallets). An `older` note that
    /// is not a checkpoint signed by the log's trusted key is an error
    /// ([`LogViewError::BadSuppliedCheckpoint`]); one the log does not
    /// extend is a problem (a `log_inconsistent` finding).
    pub fn open(
        dir: &Path,
        trust: &TrustSet,
        older: &[Vec<u8>],
        trust_admission: bool,
    ) -> Result<LogView, LogViewError> {
        LogView::open_inner(dir, trust, older, trust_admission, None)
    }

    /// [`LogView::open`], and checks the log against a witness policy
    /// (C2SP tlog-policy): its latest checkpoint must carry the quorum (if
    /// not: a `not_witnessed` finding), and every witnessed checkpoint
    /// (archived, latest or in `older`) serves as a clock for
    /// `witnessed_backdated` with `tolerance` seconds
    /// (see [`super::witnessed`]). Cosigned checkpoints in `older` that the
    /// log does not extend are `log_inconsistent` findings, as any other.
    pub fn open_witnessed(
        dir: &Path,
        trust: &TrustSet,
        older: &[Vec<u8>],
        trust_admission: bool,
        policy: &Policy,
        tolerance: u64,
    ) -> Result<LogView, LogViewError> {
        LogView::open_inner(
            dir,
            trust,
            older,
            trust_admission,
            Some((policy, tolerance)),
        )
    }

    fn open_inner(
        dir: &Path,
        trust: &TrustSet,
        older: &[Vec<u8>],
        trust_admission: bool,
        policy: Option<(&Policy, u64)>,
    ) -> Result<LogView, LogViewError> {
        let tlog = PublishedLog::open(dir)?;
        let origin = tlog.origin().to_owned();
        let key = trust
            .iter()
            .find(|t| t.role == Role::Log && t.party == origin)
            .ok_or_else(|| LogViewError::UntrustedLog(origin.clone()))?;
        let verifier =
            NoteVerifier::ed25519(&origin, &key.key).map_err(|e| LogViewError::BadCheckpoint {
                origin: origin.clone(),
                reason: e.to_string(),
            })?;
        let checkpoint = Checkpoint::open(
            tlog.checkpoint_note().as_bytes(),
            std::slice::from_ref(&verifier),
        )
        .map_err(|e| LogViewError::BadCheckpoint {
            origin: origin.clone(),
            reason: e.to_string(),
        })?;
        let history = tlog.verify_checkpoint_history(&verifier)?;
        let mut problems: Vec<String> = history
            .problems
            .iter()
            .map(|p| format!("archived checkpoint {p}"))
            .collect();
        let mut supplied = Vec::new();
        for (i, note) in older.iter().enumerate() {
            let cp = Checkpoint::open(note, std::slice::from_ref(&verifier)).map_err(|e| {
                LogViewError::BadSuppliedCheckpoint {
                    index: i + 1,
                    origin: origin.clone(),
                    reason: e.to_string(),
                }
            })?;
            let check = tlog.verify_older_checkpoint(&cp);
            if let Err(e) = &check {
                problems.push(format!(
                    "supplied checkpoint {} (size {}): {e}",
                    i + 1,
                    cp.size
                ));
            }
            supplied.push(CheckpointCheck {
                source: "auditor".into(),
                size: cp.size,
                root_hash: b64_encode(&cp.root),
                consistent: check.is_ok(),
            });
        }
        let witnesses = match policy {
            None => None,
            Some((policy, tolerance)) => {
                let archived: Vec<String> = tlog
                    .checkpoint_history()
                    .map(|h| h.into_iter().map(|(_, n)| n).collect())
                    .unwrap_or_default();
                Some(WitnessClock::new(
                    policy,
                    &origin,
                    tlog.checkpoint_note().as_bytes(),
                    archived
                        .iter()
                        .map(|n| n.as_bytes())
                        .chain(older.iter().map(Vec::as_slice)),
                    tolerance,
                ))
            }
        };
        let status_lists = tlog.status_lists().to_vec();
        Ok(LogView {
            witnesses,
            status_lists,
            leaves: LeafIndex::new(dir, tlog.into_leaf_hashes())?,
            checkpoint,
            problems,
            archived_consistent: history.consistent.len() as u64,
            archived_problems: history.problems.len() as u64,
            supplied,
            trust_admission,
        })
    }

    /// Whether an artifact's exact bytes are a leaf of the checkpointed tree.
    pub fn contains(&self, artifact_bytes: &[u8]) -> bool {
        self.index_of(artifact_bytes).is_some()
    }

    /// The index of an artifact's exact bytes in the log, if present: the
    /// order in which the log received them.
    pub fn index_of(&self, artifact_bytes: &[u8]) -> Option<u64> {
        self.index_of_leaf(&leaf_hash(artifact_bytes))
    }

    /// The index of a leaf hash (`SHA-256(0x00 ‖ bytes)`,
    /// [`crate::log::leaf_hash`]) in the log, if present.
    pub fn index_of_leaf(&self, leaf: &Hash) -> Option<u64> {
        self.leaves.find(leaf)
    }

    /// [`LogView::index_of_leaf`], looking first just after `near` (the
    /// index of the bundle's previous item): bundles are mostly in log
    /// order. The answer is the same whatever `near` is.
    pub(crate) fn index_of_leaf_near(&self, leaf: &Hash, near: Option<u64>) -> Option<u64> {
        self.leaves.find_near(leaf, near)
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.leaves.len() == 0
    }
}

/// Hashes keys that are already SHA-256 digests (leaf hashes, artifact
/// ids) for a `HashMap`: a per-process random key mixed into the digest's
/// first 16 bytes, instead of SipHash over all of it. Nobody can choose
/// digests that collide in 64 bits, and the key keeps which of them share
/// a bucket unpredictable.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DigestKeys(u64, u64);

impl DigestKeys {
    pub(crate) fn new() -> DigestKeys {
        let r = std::collections::hash_map::RandomState::new();
        DigestKeys(r.hash_one(0x636b_u64) | 1, r.hash_one(0x6b63_u64))
    }

    /// The two key words: an odd multiplier and a mask.
    pub(crate) fn words(self) -> (u64, u64) {
        (self.0, self.1)
    }
}

impl Default for DigestKeys {
    fn default() -> DigestKeys {
        DigestKeys::new()
    }
}

impl BuildHasher for DigestKeys {
    type Hasher = DigestHasher;
    fn build_hasher(&self) -> DigestHasher {
        DigestHasher {
            keys: (self.0, self.1),
            state: 0,
        }
    }
}

/// The hasher of [`DigestKeys`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct DigestHasher {
    keys: (u64, u64),
    state: u64,
}

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        // The first 16 bytes only: the keys are digests, uniform in every byte.
        let head = bytes.get(..16).unwrap_or(bytes);
        let mut words = head.chunks_exact(8);
        for c in words.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        for &b in words.remainder() {
            self.mix(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

impl DigestHasher {
    fn mix(&mut self, w: u64) {
        // A multiply-rotate step (as in FxHash), keyed.
        self.state = (self.state.rotate_left(23) ^ w ^ self.keys.1).wrapping_mul(self.keys.0);
    }
}
