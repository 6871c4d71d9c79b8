//! RFC 9162 §2.1 Merkle trees: hashing, root, inclusion and consistency
//! proofs (generation over any [`SubtreeHashes`] store, verification exactly
//! as in §2.1.3.2 and §2.1.4.2).

use ring::digest::{Context, SHA256};

use super::{Hash, LogError};

/// Most hashes a proof may carry. A proof for any tree of fewer than 2^63
/// leaves fits; longer proofs are rejected before any hashing, which bounds
/// the work a hostile proof can cause.
pub const MAX_PROOF_LEN: usize = 64;

/// The root of the empty tree: SHA-256 of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Why a Merkle proof was not produced or did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof whose old tree is larger than its new tree.
    #[error("old tree size {old} is larger than the new tree size {new}")]
    SizeOrder {
        /// The old tree size.
        old: u64,
        /// The new tree size.
        new: u64,
    },
    /// A consistency proof from the empty tree: it proves nothing (every tree
    /// extends the empty tree), so none is made or accepted.
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    /// A proof was asked for a tree larger than the store holds.
    #[error("tree size {size} is larger than the {available} leaves available")]
    SizeUnavailable {
        /// The requested tree size.
        size: u64,
        /// The number of leaves the store holds.
        available: u64,
    },
    /// The proof has more than [`MAX_PROOF_LEN`] hashes.
    #[error("proof has {len} hashes, more than the limit of {max}")]
    TooLong {
        /// The proof's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The proof does not have the length its tree sizes and index require.
    #[error("proof has {found} hashes where {expected} are required")]
    WrongLength {
        /// The required number of hashes.
        expected: usize,
        /// The number found.
        found: usize,
    },
    /// Equal tree sizes, but the consistency proof is not empty.
    #[error("the tree sizes are equal but the consistency proof is not empty")]
    NonEmptyProof,
    /// The proof does not lead to the old tree's root.
    #[error("the proof does not match the old root hash")]
    OldRootMismatch,
    /// The proof does not lead to the (new) tree's root.
    #[error("the proof does not match the root hash")]
    RootMismatch,
}

/// SHA-256 over the concatenation of `parts`.
fn sha256(parts: &[&[u8]]) -> Hash {
    let mut ctx = Context::new(&SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// The leaf hash of an entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    sha256(&[&[0x00], entry])
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[0x01], left, right])
}

/// The Merkle tree hash of a complete subtree whose leaves (or lower
/// subtree roots) are `hashes`; `hashes.len()` must be a power of two.
/// Returns `None` for an empty slice or one whose length is not a power of two.
pub(crate) fn complete_root(hashes: &[Hash]) -> Option<Hash> {
    if !hashes.len().is_power_of_two() {
        return None;
    }
    let mut level: Vec<Hash> = hashes.to_vec();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|pair| node_hash(&pair[0], &pair[1]))
            .collect();
    }
    level.first().copied()
}

/// A store of Merkle tree hashes: the hash of any complete, aligned subtree.
///
/// The subtree at `level` and `index` holds the `2^level` leaves
/// `index * 2^level .. (index + 1) * 2^level`; its hash is the RFC 9162
/// `MTH` of those leaves (for level 0, the leaf hash). Root, inclusion and
/// consistency proofs are computed over any store with O(log n) lookups:
/// [`root`], [`inclusion_proof`], [`consistency_proof`].
///
/// Implementations: [`MemoryTree`] (every level in memory), the tile levels
/// of a [`TileLog`](super::TileLog), and [`TileReader`](super::TileReader)
/// (tiles read from a log directory).
pub trait SubtreeHashes {
    /// The number of leaves the store holds.
    fn size(&self) -> u64;

    /// The hash of the complete subtree at `level` and `index`. Fails if
    /// the subtree is not complete within [`SubtreeHashes::size`], or if the
    /// backing storage fails.
    fn subtree_hash(&self, level: u8, index: u64) -> Result<Hash, LogError>;
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split_point(n: u64) -> u64 {
    // n >= 2, so n - 1 >= 1 and leading_zeros <= 63.
    1u64 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[start .. start + len]) for a range that occurs in the RFC 9162
/// recursion (its start is a multiple of the largest power of two not above
/// its length): the right fold of its complete aligned subtrees.
fn range_hash<S: SubtreeHashes + ?Sized>(s: &S, start: u64, len: u64) -> Result<Hash, LogError> {
    let mut parts: Vec<Hash> = Vec::new();
    let (mut at, mut left) = (start, len);
    while left > 0 {
        // Largest power of two <= left.
        let level = 63 - left.leading_zeros();
        let width = 1u64 << level;
        parts.push(s.subtree_hash(level as u8, at >> level)?);
        at += width;
        left -= width;
    }
    let mut acc = parts.pop().ok_or(ProofError::IndexOutOfRange {
        index: start,
        size: 0,
    })?;
    while let Some(h) = parts.pop() {
        acc = node_hash(&h, &acc);
    }
    Ok(acc)
}

fn check_available<S: SubtreeHashes + ?Sized>(s: &S, size: u64) -> Result<(), ProofError> {
    if size > s.size() {
        return Err(ProofError::SizeUnavailable {
            size,
            available: s.size(),
        });
    }
    Ok(())
}

/// The root hash of the tree of the first `size` leaves in `s`
/// ([`EMPTY_ROOT`] for size 0).
pub fn root<S: SubtreeHashes + ?Sized>(s: &S, size: u64) -> Result<Hash, LogError> {
    check_available(s, size)?;
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    range_hash(s, 0, size)
}

/// The inclusion proof (RFC 9162 §2.1.3.1 `PATH(m, D[n])`) of leaf `index`
/// in the tree of the first `size` leaves, bottom-up.
pub fn inclusion_proof<S: SubtreeHashes + ?Sized>(
    s: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, LogError> {
    check_available(s, size)?;
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size }.into());
    }
    let mut path = Vec::new();
    let (mut start, mut n, mut m) = (0u64, size, index);
    while n > 1 {
        let k = split_point(n);
        if m < k {
            path.push(range_hash(s, start + k, n - k)?);
            n = k;
        } else {
            path.push(range_hash(s, start, k)?);
            start += k;
            m -= k;
            n -= k;
        }
    }
    path.reverse();
    Ok(path)
}

/// The consistency proof (RFC 9162 §2.1.4.1 `PROOF(m, D[n])`) between the
/// trees of the first `old` and the first `new` leaves. Empty when the
/// sizes are equal; an error when `old` is 0 ([`ProofError::EmptyOldTree`]).
pub fn consistency_proof<S: SubtreeHashes + ?Sized>(
    s: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, LogError> {
    check_available(s, new)?;
    if old > new {
        return Err(ProofError::SizeOrder { old, new }.into());
    }
    if old == 0 {
        return Err(ProofError::EmptyOldTree.into());
    }
    let mut path = Vec::new();
    let (mut start, mut n, mut m, mut complete) = (0u64, new, old, true);
    loop {
        if m == n {
            if !complete {
                path.push(range_hash(s, start, n)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            path.push(range_hash(s, start + k, n - k)?);
            n = k;
        } else {
            path.push(range_hash(s, start, k)?);
            start += k;
            m -= k;
            n -= k;
            complete = false;
        }
    }
    path.reverse();
    Ok(path)
}

/// Number of bits needed to write `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// The length of the inclusion proof of `index` in a tree of `size`
/// (`index < size`).
fn inclusion_len(index: u64, size: u64) -> usize {
    let inner = bit_len(index ^ (size - 1));
    // inner may be 64, where a plain shift would overflow.
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// The length of the consistency proof from `old` to `new` (`0 < old < new`).
fn consistency_len(old: u64, new: u64) -> usize {
    let index = old - 1;
    let inner = bit_len(index ^ (new - 1));
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    // old < new, so the paths to old - 1 and new - 1 split above level
    // `shift`: inner > shift.
    let shift = old.trailing_zeros();
    let seed = usize::from(!old.is_power_of_two());
    seed + (inner.saturating_sub(shift) + border) as usize
}

/// Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2: `leaf` (a
/// [`leaf_hash`]) is leaf `index` of the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if root_from_inclusion(leaf, index, size, proof)? != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The root that an inclusion proof leads to: RFC 9162 §2.1.3.2 steps 1–5
/// (every length check included) without the final comparison with a
/// known root. For detached-root formats (RFC 9942 COSE Receipts), where
/// the verifier recomputes the root and then checks a signature over it.
pub fn root_from_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if proof.len() > MAX_PROOF_LEN {
        return Err(ProofError::TooLong {
            len: proof.len(),
            max: MAX_PROOF_LEN,
        });
    }
    // 1. leaf_index must be below tree_size.
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_len(index, size);
    if proof.len() != expected {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    // 2., 3.
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    // 4.
    for p in proof {
        // a.
        if s == 0 {
            return Err(ProofError::WrongLength {
                expected,
                found: proof.len(),
            });
        }
        // b.
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        // c.
        f >>= 1;
        s >>= 1;
    }
    // 5.
    if s != 0 {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    Ok(r)
}

/// Verifies a consistency proof exactly as RFC 9162 §2.1.4.2: the tree of
/// `new_size` leaves with root `new_root` extends the tree of `old_size`
/// leaves with root `old_root`.
///
/// Edge cases (RFC 9162 defines verification only for `0 < old < new`):
/// equal sizes need an empty proof and equal roots; an old size of 0 is
/// rejected ([`ProofError::EmptyOldTree`]): callers that hold an empty-tree
/// checkpoint compare its root with [`EMPTY_ROOT`] instead.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if proof.len() > MAX_PROOF_LEN {
        return Err(ProofError::TooLong {
            len: proof.len(),
            max: MAX_PROOF_LEN,
        });
    }
    if old_size > new_size {
        return Err(ProofError::SizeOrder {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::NonEmptyProof);
        }
        if old_root != new_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    let expected = consistency_len(old_size, new_size);
    // 1. An empty path fails (covered by the length check: expected >= 1).
    if proof.len() != expected || proof.is_empty() {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    // 2. If first is an exact power of 2, prepend first_hash.
    let prepend = old_size.is_power_of_two().then_some(old_root);
    let mut path = prepend.into_iter().chain(proof.iter());
    // 3.
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    // 4.
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    // 5.
    let first = path
        .next()
        .ok_or(ProofError::WrongLength { expected, found: 0 })?;
    let (mut fr, mut sr) = (*first, *first);
    // 6.
    for c in path {
        // a.
        if s == 0 {
            return Err(ProofError::WrongLength {
                expected,
                found: proof.len(),
            });
        }
        // b.
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // c.
        f >>= 1;
        s >>= 1;
    }
    // 7.
    if s != 0 {
        return Err(ProofError::WrongLength {
            expected,
            found: proof.len(),
        });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// A Merkle tree held entirely in memory: every level of hashes, so any
/// subtree hash is one lookup. Memory: about two hashes (64 bytes) per leaf.
/// For wallets, tests, and small logs; a [`TileLog`](super::TileLog) keeps
/// only the tile levels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryTree {
    /// `levels[l][i]`: the hash of the complete subtree at level `l`, index `i`.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// Appends an entry (hashing it as a leaf) and returns its index.
    pub fn push_entry(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf hash and returns its index.
    pub fn push_leaf_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        let mut node = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(node);
            let len = row.len();
            if len % 2 == 1 {
                break;
            }
            node = node_hash(&row[len - 2], &row[len - 1]);
            level += 1;
        }
        index
    }

    /// The leaf hashes, in order.
    pub fn leaves(&self) -> &[Hash] {
        self.levels.first().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        // safe: size() is always available in the store itself, and the
        // in-memory lookups cannot fail for complete subtrees.
        root(self, self.size()).unwrap_or(EMPTY_ROOT)
    }
}

impl SubtreeHashes for MemoryTree {
    fn size(&self) -> u64 {
        self.leaves().len() as u64
    }

    fn subtree_hash(&self, level: u8, index: u64) -> Result<Hash, LogError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(usize::from(level))?.get(i))
            .copied()
            .ok_or(LogError::MissingSubtree { level, index })
    }
}
