//! Proofs as deterministic CBOR, for files and the command line.
//!
//! ```cddl
//! inclusion-proof = {
//!   1 => 1,                  ; kind: inclusion
//!   2 => uint,               ; leaf index
//!   3 => uint,               ; tree size
//!   4 => [* bstr .size 32],  ; audit path, bottom-up, at most 64 hashes
//!   ? 5 => tstr,             ; the signed checkpoint of that tree size
//! }
//! consistency-proof = {
//!   1 => 2,                  ; kind: consistency
//!   2 => uint,               ; old tree size
//!   3 => uint,               ; new tree size
//!   4 => [* bstr .size 32],  ; consistency path, at most 64 hashes
//! }
//! ```
//!
//! The decoder accepts exactly the encoder's output: deterministic CBOR
//! (canonical map order, shortest integers), no unknown keys, every hash
//! 32 bytes, at most [`MAX_PROOF_LEN`] hashes, a checkpoint of at most
//! [`MAX_NOTE_SIZE`] bytes, and no more than [`MAX_PROOF_ENCODING`] bytes
//! in all.

use crate::cbor::{self, Value};

use super::merkle::{leaf_hash, verify_consistency, verify_inclusion, MAX_PROOF_LEN};
use super::note::{Checkpoint, NoteVerifier, MAX_NOTE_SIZE};
use super::{Hash, LogError, ProofError};

/// Largest encoded proof accepted, in bytes: the path, the checkpoint and
/// a little framing.
pub const MAX_PROOF_ENCODING: usize = MAX_NOTE_SIZE + MAX_PROOF_LEN * 34 + 64;

const KEY_KIND: u64 = 1;
const KEY_A: u64 = 2;
const KEY_B: u64 = 3;
const KEY_PATH: u64 = 4;
const KEY_CHECKPOINT: u64 = 5;
const KIND_INCLUSION: u64 = 1;
const KIND_CONSISTENCY: u64 = 2;

/// An inclusion proof: leaf `leaf_index` is in the tree of `tree_size`
/// leaves, optionally with the signed checkpoint of that size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// The leaf's index.
    pub leaf_index: u64,
    /// The tree size.
    pub tree_size: u64,
    /// The audit path, bottom-up (RFC 9162 §2.1.3.1).
    pub path: Vec<Hash>,
    /// The signed checkpoint (C2SP) of `tree_size`, if carried.
    pub checkpoint: Option<String>,
}

/// A consistency proof: the tree of `new_size` leaves extends the tree of
/// `old_size` leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// The old tree size.
    pub old_size: u64,
    /// The new tree size.
    pub new_size: u64,
    /// The consistency path (RFC 9162 §2.1.4.1).
    pub path: Vec<Hash>,
}

fn malformed(reason: impl Into<String>) -> LogError {
    LogError::MalformedProof(reason.into())
}

fn path_value(path: &[Hash]) -> Value {
    Value::Array(path.iter().map(|h| Value::bytes(h.to_vec())).collect())
}

/// Decodes the common frame: checks size and kind, returns (a, b, path, rest of map).
fn decode_frame(
    bytes: &[u8],
    kind: u64,
) -> Result<(u64, u64, Vec<Hash>, Option<String>), LogError> {
    if bytes.len() > MAX_PROOF_ENCODING {
        return Err(malformed(format!(
            "{} bytes, over the {MAX_PROOF_ENCODING}-byte limit",
            bytes.len()
        )));
    }
    let Value::Map(entries) = cbor::decode(bytes)? else {
        return Err(malformed("not a map"));
    };
    let (mut k, mut a, mut b, mut path, mut cp) = (None, None, None, None, None);
    for (key, value) in entries {
        let key = key.as_u64().ok_or_else(|| {
            malformed(format!(
                "map key is a {}, not a small uint",
                key.type_name()
            ))
        })?;
        match (key, value) {
            (KEY_KIND, Value::Unsigned(v)) => k = Some(v),
            (KEY_A, Value::Unsigned(v)) => a = Some(v),
            (KEY_B, Value::Unsigned(v)) => b = Some(v),
            (KEY_PATH, Value::Array(items)) => {
                if items.len() > MAX_PROOF_LEN {
                    return Err(ProofError::TooLong {
                        len: items.len(),
                        max: MAX_PROOF_LEN,
                    }
                    .into());
                }
                let mut hashes = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::Bytes(h) => {
                            hashes.push(<[u8; 32]>::try_from(h.as_slice()).map_err(|_| {
                                malformed(format!("path hash {i} is {} bytes, not 32", h.len()))
                            })?)
                        }
                        other => {
                            return Err(malformed(format!(
                                "path hash {i} is a {}, not a byte string",
                                other.type_name()
                            )))
                        }
                    }
                }
                path = Some(hashes);
            }
            (KEY_CHECKPOINT, Value::Text(t)) if kind == KIND_INCLUSION => {
                if t.len() > MAX_NOTE_SIZE {
                    return Err(malformed("checkpoint larger than the note size limit"));
                }
                cp = Some(t);
            }
            (KEY_CHECKPOINT, v) if kind == KIND_INCLUSION => {
                return Err(malformed(format!(
                    "field 5 (checkpoint) is a {}, not a text string",
                    v.type_name()
                )))
            }
            (key @ (KEY_KIND | KEY_A | KEY_B | KEY_PATH), v) => {
                return Err(malformed(format!(
                    "field {key} has the wrong type ({})",
                    v.type_name()
                )))
            }
            (key, _) => return Err(malformed(format!("unknown field {key}"))),
        }
    }
    match k {
        Some(found) if found == kind => {}
        Some(found) => {
            return Err(malformed(format!(
                "proof kind {found}, expected {kind} ({})",
                if kind == KIND_INCLUSION {
                    "inclusion"
                } else {
                    "consistency"
                }
            )))
        }
        None => return Err(malformed("field 1 (kind) is missing")),
    }
    let a = a.ok_or_else(|| malformed("field 2 is missing"))?;
    let b = b.ok_or_else(|| malformed("field 3 is missing"))?;
    let path = path.ok_or_else(|| malformed("field 4 (path) is missing"))?;
    Ok((a, b, path, cp))
}

impl InclusionProof {
    /// The deterministic CBOR encoding.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut map = vec![
            (Value::Unsigned(KEY_KIND), Value::Unsigned(KIND_INCLUSION)),
            (Value::Unsigned(KEY_A), Value::Unsigned(self.leaf_index)),
            (Value::Unsigned(KEY_B), Value::Unsigned(self.tree_size)),
            (Value::Unsigned(KEY_PATH), path_value(&self.path)),
        ];
        if let Some(cp) = &self.checkpoint {
            map.push((Value::Unsigned(KEY_CHECKPOINT), Value::text(cp.clone())));
        }
        Value::Map(map).to_vec()
    }

    /// Decodes strictly (see the module docs).
    pub fn from_cbor(bytes: &[u8]) -> Result<InclusionProof, LogError> {
        let (leaf_index, tree_size, path, checkpoint) = decode_frame(bytes, KIND_INCLUSION)?;
        Ok(InclusionProof {
            leaf_index,
            tree_size,
            path,
            checkpoint,
        })
    }

    /// Verifies that `entry` is the proof's leaf in the tree with `root`.
    pub fn verify(&self, entry: &[u8], root: &Hash) -> Result<(), ProofError> {
        verify_inclusion(
            &leaf_hash(entry),
            self.leaf_index,
            self.tree_size,
            &self.path,
            root,
        )
    }

    /// Verifies the carried checkpoint with `verifier` (its origin must be
    /// the verifier's key name, its size the proof's tree size), then that
    /// `entry` is included under its root. Returns the checkpoint.
    pub fn verify_with_checkpoint(
        &self,
        entry: &[u8],
        verifier: &NoteVerifier,
    ) -> Result<Checkpoint, LogError> {
        let note = self.checkpoint.as_deref().ok_or(LogError::NoCheckpoint)?;
        let cp = Checkpoint::open(note.as_bytes(), std::slice::from_ref(verifier))?;
        if cp.origin != verifier.name() {
            return Err(LogError::WrongOrigin {
                expected: verifier.name().to_owned(),
                found: cp.origin,
            });
        }
        if cp.size != self.tree_size {
            return Err(LogError::CheckpointSizeMismatch {
                checkpoint: cp.size,
                proof: self.tree_size,
            });
        }
        self.verify(entry, &cp.root)?;
        Ok(cp)
    }
}

impl ConsistencyProof {
    /// The deterministic CBOR encoding.
    pub fn to_cbor(&self) -> Vec<u8> {
        Value::Map(vec![
            (Value::Unsigned(KEY_KIND), Value::Unsigned(KIND_CONSISTENCY)),
            (Value::Unsigned(KEY_A), Value::Unsigned(self.old_size)),
            (Value::Unsigned(KEY_B), Value::Unsigned(self.new_size)),
            (Value::Unsigned(KEY_PATH), path_value(&self.path)),
        ])
        .to_vec()
    }

    /// Decodes strictly (see the module docs).
    pub fn from_cbor(bytes: &[u8]) -> Result<ConsistencyProof, LogError> {
        let (old_size, new_size, path, _) = decode_frame(bytes, KIND_CONSISTENCY)?;
        Ok(ConsistencyProof {
            old_size,
            new_size,
            path,
        })
    }

    /// Verifies the proof between two roots.
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<(), ProofError> {
        verify_consistency(self.old_size, self.new_size, old_root, new_root, &self.path)
    }

    /// Verifies the proof between two (already verified) checkpoints of the
    /// same origin whose sizes are the proof's.
    pub fn verify_checkpoints(&self, old: &Checkpoint, new: &Checkpoint) -> Result<(), LogError> {
        if old.origin != new.origin {
            return Err(LogError::WrongOrigin {
                expected: old.origin.clone(),
                found: new.origin.clone(),
            });
        }
        if old.size != self.old_size || new.size != self.new_size {
            return Err(LogError::CheckpointSizeMismatch {
                checkpoint: if old.size != self.old_size {
                    old.size
                } else {
                    new.size
                },
                proof: if old.size != self.old_size {
                    self.old_size
                } else {
                    self.new_size
                },
            });
        }
        Ok(self.verify(&old.root, &new.root)?)
    }
}
