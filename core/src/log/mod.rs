//! A transparency log of consentkit artifacts: RFC 9162 Merkle trees, C2SP
//! signed notes and checkpoints, and C2SP tiled storage.
//!
//! - [`merkle`]: leaf and node hashing, roots, inclusion and consistency
//!   proofs over any [`SubtreeHashes`] store, verification exactly as RFC
//!   9162 §2.1.3.2 and §2.1.4.2 ([`verify_inclusion`], [`verify_consistency`]).
//! - [`note`]: signed notes, Ed25519 verifier keys (`name+hash+key`), and
//!   checkpoints ([`Checkpoint`]).
//! - [`tiles`]: tile and entry-bundle paths and encodings, and
//!   [`TileReader`], which computes proofs from a log directory's tiles.
//! - [`TileLog`]: the log itself, in a directory; [`InclusionProof`] and
//!   [`ConsistencyProof`] in deterministic CBOR for files and the CLI.
//! - Group commit ([`journal`]): [`TileLog::commit`] makes a batch durable
//!   with one sync, [`TileLog::publish_if_due`] signs one checkpoint per
//!   interval whatever the entry rate; [`admit_all`] checks signatures on
//!   all cores before [`TileLog::append_admitted`] integrates.
//!
//! # Trust model
//!
//! A consentkit log only accepts artifacts that verify against the log
//! operator's [`TrustSet`](crate::TrustSet) ([`TileLog::append_artifact`]).
//! So an artifact shown with an inclusion proof under a checkpoint signed
//! by a log whose key and admission policy you trust needs no signature
//! check of its own: the log checked it on entry. Whoever does not trust
//! the log's admission checks should verify the artifact anyway
//! ([`Artifact::verify`](crate::Artifact::verify)); the proof then adds
//! that the artifact was published, and when (before the tree size).
//!
//! The log's key is named by its origin, and a log signs only checkpoints
//! it built itself. A log that ever signs two checkpoints that are not
//! consistent is caught by [`TileLog::verify_checkpoint_history`] (with the
//! archive it keeps) or by anyone holding an older checkpoint
//! ([`TileLog::verify_older_checkpoint`], [`ConsistencyProof::verify_checkpoints`]).
//!
//! ```
//! use consentkit::log::{self, TileLog};
//! use consentkit::{sample, KeyPair};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join(format!("consentkit-log-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let log_key = KeyPair::ed25519_from_seed(&[9; 32])?;
//! let parties = sample::Parties::new()?;
//! let offer = sample::signed_offer(&parties)?;
//!
//! let mut tlog = TileLog::create(&dir, "log.example/consent", &log_key)?;
//! let index = tlog.append_artifact(&offer, &parties.trust())?;
//! tlog.publish(&log_key)?;
//!
//! // Later, anyone with the log's verifier key:
//! let tlog = TileLog::open(&dir)?;
//! let proof = tlog.inclusion_proof(index, tlog.size())?;
//! let vkey = tlog.verifier().clone();
//! let checkpoint = proof.verify_with_checkpoint(offer.as_bytes(), &vkey)?;
//! assert_eq!(checkpoint.size, 1);
//! assert!(tlog.verify_checkpoint_history(&vkey)?.is_ok());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use crate::artifact::VerifyError;
use crate::cbor::CborError;

mod admit;
pub mod cosignature;
pub mod journal;
pub mod merkle;
pub mod note;
pub mod policy;
mod proof;
pub mod receipt;
mod status_entry;
mod store;
pub mod tiles;
mod view;
pub mod witness;

pub use admit::{admit_all, Admitted};
pub use cosignature::{cosign, CosignerVerifier, VerifiedCosignature};
pub use journal::JOURNAL_FILE;
pub use merkle::{
    consistency_proof, inclusion_proof, leaf_hash, node_hash, root, verify_consistency,
    verify_inclusion, MemoryTree, ProofError, SubtreeHashes, EMPTY_ROOT, MAX_PROOF_LEN,
};
pub use note::{
    Checkpoint, NoteError, NoteSignature, NoteVerifier, SignedNote, MAX_NOTE_SIGNATURES,
    MAX_NOTE_SIZE,
};
pub use policy::{Policy, PolicyError, PolicyLog, PolicyWitness, WitnessedCheckpoint};
pub use proof::{ConsistencyProof, InclusionProof, MAX_PROOF_ENCODING};
pub use status_entry::check_status_list;
pub use store::{
    HistoryProblem, HistoryProblemKind, HistoryReport, TileLog, ARCHIVE_DIR, CHECKPOINT_FILE,
    LOCK_FILE, VKEY_FILE,
};
pub use tiles::{TileReader, MAX_ENTRY_SIZE};
pub(crate) use view::PublishedLog;
pub use witness::{AddCheckpointRequest, Witness, WitnessRefusal};

/// A SHA-256 hash: a leaf, a node or a root.
pub type Hash = [u8; 32];

/// What went wrong with a log, a proof or a checkpoint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A Merkle proof could not be made or did not verify.
    #[error("{0}")]
    Proof(#[from] ProofError),
    /// A signed note, checkpoint or verifier key was malformed or did not verify.
    #[error("{0}")]
    Note(#[from] NoteError),
    /// A signed note or verifier key in the log directory was malformed or did not verify.
    #[error("{}: {source}", path.display())]
    BadNote {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        source: NoteError,
    },
    /// An encoded proof is not valid deterministic CBOR.
    #[error("proof: {0}")]
    Cbor(#[from] CborError),
    /// An encoded proof does not have the documented structure.
    #[error("proof: {0}")]
    MalformedProof(String),
    /// The artifact did not verify against the log's trust set.
    #[error("artifact rejected: {0}")]
    Verify(#[from] VerifyError),
    /// The Status List Token did not verify against the log's trust set
    /// ([`TileLog::append_status_list`]).
    #[error("status list token rejected: {0}")]
    StatusList(#[from] crate::status::StatusError),
    /// The entry is already in the log.
    #[error("already in the log at index {index}")]
    Duplicate {
        /// Its index.
        index: u64,
    },
    /// The entry does not fit in an entry bundle (16-bit length).
    #[error("entry is {size} bytes, over the {max}-byte limit of a log entry")]
    EntryTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A subtree hash was asked for that the store does not hold complete.
    #[error("no complete subtree at level {level}, index {index}")]
    MissingSubtree {
        /// The Merkle level.
        level: u8,
        /// The index at that level.
        index: u64,
    },
    /// A tile, bundle or archived file does not hold what it must.
    #[error("{}: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The tiles give another root than the checkpoint claims.
    #[error("the tiles' root for tree size {size} is not the checkpoint's root")]
    RootMismatch {
        /// The checkpoint's tree size.
        size: u64,
    },
    /// The directory holds no log (no `checkpoint` or `vkey` file).
    #[error("{}: not a consentkit log (no checkpoint or vkey file)", path.display())]
    NotALog {
        /// The directory.
        path: PathBuf,
    },
    /// Creating a log in a directory that is not empty.
    #[error("{}: exists and is not empty", path.display())]
    AlreadyExists {
        /// The directory.
        path: PathBuf,
    },
    /// Another writer holds the log's lock (or crashed holding it).
    #[error("{}: the log is locked by another writer (remove the file if none is running)", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// The checkpoint on disk changed since the log was opened.
    #[error("the log's checkpoint changed since it was opened (another writer?)")]
    Changed,
    /// Publishing with a key that is not the log's.
    #[error("the signing key is not the log's key {vkey}")]
    KeyMismatch {
        /// The log's verifier key.
        vkey: String,
    },
    /// An origin that cannot be a key name (empty, whitespace or `+`).
    #[error("origin {0:?} is empty or contains whitespace or '+'")]
    InvalidOrigin(String),
    /// An inclusion proof without the checkpoint it needs.
    #[error("the proof carries no checkpoint")]
    NoCheckpoint,
    /// A checkpoint of another log.
    #[error("checkpoint origin {found:?} is not {expected:?}")]
    WrongOrigin {
        /// The expected origin.
        expected: String,
        /// The checkpoint's origin.
        found: String,
    },
    /// The checkpoint's tree size is not the proof's.
    #[error("checkpoint is for tree size {checkpoint}, the proof for {proof}")]
    CheckpointSizeMismatch {
        /// The checkpoint's size.
        checkpoint: u64,
        /// The proof's size.
        proof: u64,
    },
    /// A note to store as the latest checkpoint is not the latest checkpoint.
    #[error("the note is not the log's latest checkpoint")]
    NotLatestCheckpoint,
    /// A witness policy was malformed, or a checkpoint does not satisfy it.
    #[error("{0}")]
    Policy(#[from] PolicyError),
}

impl LogError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> LogError {
        LogError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the data was readable but failed verification (a bad
    /// signature, proof, root or tile, a rejected artifact) rather than
    /// being unusable (missing files, malformed encodings, misuse).
    pub fn is_verification_failure(&self) -> bool {
        match self {
            LogError::Proof(_)
            | LogError::Verify(_)
            | LogError::Corrupt { .. }
            | LogError::RootMismatch { .. }
            | LogError::WrongOrigin { .. }
            | LogError::CheckpointSizeMismatch { .. }
            | LogError::MissingSubtree { .. }
            | LogError::BadNote { .. } => true,
            LogError::Note(e) => matches!(
                e,
                NoteError::SignatureInvalid { .. } | NoteError::NoKnownSignature { .. }
            ),
            LogError::Policy(e) => matches!(
                e,
                PolicyError::QuorumNotMet { .. }
                    | PolicyError::UnknownLog { .. }
                    | PolicyError::Note(
                        NoteError::SignatureInvalid { .. } | NoteError::NoKnownSignature { .. }
                    )
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod commit_tests;

#[cfg(test)]
mod witness_tests;
