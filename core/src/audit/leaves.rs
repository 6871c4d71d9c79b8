//! The audit's index of a log's leaf hashes ([`super::LogView`]): which
//! leaf, if any, holds an item's exact bytes.
//!
//! Every item of a bundle is looked up once, on the workers, so this is on
//! the audit's hot path. A `HashMap<Hash, u64>` of the demo's 700,000
//! leaves took 40 MB and two cache misses per look-up. This index keeps
//! the leaf hashes in log order (32 bytes each, which the view reads
//! anyway) and an open-addressing table of 8-byte slots (a leaf's index
//! and 32 bits of its hash), 8 MB for the demo:
//!
//! - **Near the last hit first.** Bundles are mostly in log order (a log's
//!   export, or the artifacts in the order they were logged): a look-up
//!   given the previous item's index ([`LeafIndex::find_near`]) compares
//!   the next few leaves first, in memory already read.
//! - **Then the table**, whose slots are placed by a per-process random
//!   key (nobody can choose leaves that share a probe sequence) and
//!   checked against a fingerprint before the leaf itself is read.
//!
//! Either way an answer is the index of a leaf equal to the item's leaf
//! hash in all 32 bytes, and leaves are unique (a repeated leaf makes the
//! log unusable), so the answer does not depend on how it was found.

use std::path::Path;

use crate::log::tiles::{tile_path, tile_width, TILE_WIDTH};
use crate::log::{Hash, LogError};

/// How many leaves after the previous hit [`LeafIndex::find_near`] compares.
const NEAR: usize = 8;

/// Most leaves an index holds (slot values are 32-bit, 0 = empty).
const MAX_LEAVES: usize = u32::MAX as usize - 1;

/// Leaf hash → index in the log (see the [module documentation](self)).
#[derive(Clone, Debug, Default)]
pub(crate) struct LeafIndex {
    leaves: Vec<Hash>,
    /// Per slot: 0 (empty), or the leaf's index + 1 in the low 32 bits and
    /// its fingerprint in the high 32.
    slots: Vec<u64>,
    /// 64 − log2(slots), to take a slot from a hash's top bits.
    shift: u32,
    key: (u64, u64),
}

fn word(h: &Hash, at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&h[at..at + 8]);
    u64::from_le_bytes(w)
}

fn fingerprint(h: &Hash) -> u64 {
    word(h, 8) >> 32
}

impl LeafIndex {
    /// Indexes `leaves` (in log order). Two equal leaves make the log
    /// unusable, as [`crate::log::TileLog::open`] has it: an entry is
    /// logged once.
    pub(crate) fn new(dir: &Path, leaves: Vec<Hash>) -> Result<LeafIndex, LogError> {
        if leaves.len() > MAX_LEAVES {
            return Err(LogError::Corrupt {
                path: dir.to_path_buf(),
                reason: format!(
                    "{} leaves: more than an audit can index ({MAX_LEAVES})",
                    leaves.len()
                ),
            });
        }
        // A load of 1/3 to 2/3.
        let slots = (leaves.len() + leaves.len() / 2).max(2).next_power_of_two();
        let keys = super::logged::DigestKeys::new();
        let mut index = LeafIndex {
            slots: vec![0; slots],
            shift: 64 - slots.trailing_zeros(),
            key: keys.words(),
            leaves: Vec::new(),
        };
        let mask = slots - 1;
        for (i, h) in leaves.iter().enumerate() {
            let fp = fingerprint(h);
            let mut s = index.slot(h);
            loop {
                let v = index.slots[s];
                if v == 0 {
                    // Bounded by MAX_LEAVES above.
                    index.slots[s] = (fp << 32) | (i as u64 + 1);
                    break;
                }
                let prev = ((v & 0xffff_ffff) as usize).saturating_sub(1);
                if v >> 32 == fp && leaves.get(prev) == Some(h) {
                    let at = i as u64;
                    let tile = at / TILE_WIDTH;
                    let width = tile_width(leaves.len() as u64, 0, tile).unwrap_or(0);
                    return Err(LogError::Corrupt {
                        path: dir.join(tile_path(0, tile, width)),
                        reason: format!("leaf {at} duplicates leaf {prev}"),
                    });
                }
                s = (s + 1) & mask;
            }
        }
        index.leaves = leaves;
        Ok(index)
    }

    fn slot(&self, h: &Hash) -> usize {
        let x = (word(h, 0) ^ self.key.1).wrapping_mul(self.key.0);
        // Fits: shift >= 64 - log2(slots.len()).
        (x >> self.shift) as usize
    }

    /// The index of `leaf`, if it is a leaf.
    pub(crate) fn find(&self, leaf: &Hash) -> Option<u64> {
        let mask = self.slots.len().wrapping_sub(1);
        let fp = fingerprint(leaf);
        let mut s = self.slot(leaf);
        loop {
            let v = *self.slots.get(s)?;
            if v == 0 {
                return None;
            }
            if v >> 32 == fp {
                let i = (v & 0xffff_ffff) - 1;
                if usize::try_from(i).ok().and_then(|i| self.leaves.get(i)) == Some(leaf) {
                    return Some(i);
                }
            }
            s = (s + 1) & mask;
        }
    }

    /// [`LeafIndex::find`], comparing first the few leaves after `near`
    /// (the index of the item before, when it had one).
    pub(crate) fn find_near(&self, leaf: &Hash, near: Option<u64>) -> Option<u64> {
        if let Some(n) = near.and_then(|n| usize::try_from(n).ok()) {
            let after = self.leaves.get(n + 1..).unwrap_or_default();
            if let Some(k) = after.iter().take(NEAR).position(|h| h == leaf) {
                return Some((n + 1 + k) as u64);
            }
        }
        self.find(leaf)
    }

    /// Number of leaves.
    pub(crate) fn len(&self) -> usize {
        self.leaves.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u32) -> Hash {
        crate::log::leaf_hash(&i.to_be_bytes())
    }

    #[test]
    fn leaf_index_finds_every_leaf_and_nothing_else() {
        for n in [0u32, 1, 2, 3, 255, 256, 1000] {
            let leaves: Vec<Hash> = (0..n).map(leaf).collect();
            let ix = LeafIndex::new(Path::new("log"), leaves).unwrap();
            assert_eq!(ix.len(), n as usize);
            for i in 0..n {
                assert_eq!(ix.find(&leaf(i)), Some(u64::from(i)), "n {n} leaf {i}");
                // Near the right place, far from it, or at the end: the same answer.
                for near in [
                    None,
                    Some(u64::from(i).saturating_sub(1)),
                    Some(0),
                    Some(u64::from(n) + 5),
                ] {
                    assert_eq!(
                        ix.find_near(&leaf(i), near),
                        Some(u64::from(i)),
                        "n {n} leaf {i} near {near:?}"
                    );
                }
            }
            for other in n..n + 300 {
                assert_eq!(ix.find(&leaf(other)), None);
                assert_eq!(ix.find_near(&leaf(other), Some(0)), None);
            }
        }
    }

    #[test]
    fn leaf_index_refuses_a_repeated_leaf() {
        let mut leaves: Vec<Hash> = (0..600).map(leaf).collect();
        leaves[300] = leaves[17];
        let e = LeafIndex::new(Path::new("log"), leaves).unwrap_err();
        assert!(
            e.to_string().contains("leaf 300 duplicates leaf 17")
                && e.to_string().contains("tile/0/001"),
            "{e}"
        );
    }

    /// Leaves that share their first 8 bytes (the slot's input) and even
    /// the fingerprint are still told apart by the whole hash.
    #[test]
    fn leaf_index_tells_apart_leaves_sharing_slot_and_fingerprint() {
        let base = leaf(1);
        let leaves: Vec<Hash> = (0..50u8)
            .map(|i| {
                let mut h = base;
                h[31] = i;
                h
            })
            .collect();
        let ix = LeafIndex::new(Path::new("log"), leaves.clone()).unwrap();
        for (i, h) in leaves.iter().enumerate() {
            assert_eq!(ix.find(h), Some(i as u64));
        }
        let mut other = base;
        other[31] = 200;
        assert_eq!(ix.find(&other), None);
    }
}
