//! The hasher of a [`super::TrustSet`]'s maps, whose keys are key ids
//! (RFC 9679 thumbprints, SHA-256 outputs) and their 8-byte prefixes.
//!
//! Looking up a signer is on the path of every verification, and std's
//! SipHash-1-3 costs about as much as the rest of that look-up (some 270
//! instructions for a 32-byte id). The ids are already uniformly random,
//! so a folded multiply (the core of wyhash and foldhash) mixes them well
//! enough; its two 64-bit keys are drawn from std's [`RandomState`] for
//! each set, so bucket positions cannot be predicted from outside the
//! process, as with std's own hasher. Only where a key lands depends on
//! the hasher: which keys a set holds and what a look-up finds do not.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// Builds [`KidHasher`]s with keys drawn once per set.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KidHashing {
    k0: u64,
    k1: u64,
}

impl Default for KidHashing {
    fn default() -> KidHashing {
        let s = RandomState::new();
        KidHashing {
            k0: s.hash_one(0x243f_6a88_85a3_08d3_u64),
            // Odd, so that no keyed multiply collapses to zero for every input.
            k1: s.hash_one(0x1319_8a2e_0370_7344_u64) | 1,
        }
    }
}

impl BuildHasher for KidHashing {
    type Hasher = KidHasher;

    #[inline]
    fn build_hasher(&self) -> KidHasher {
        KidHasher {
            acc: self.k0,
            k1: self.k1,
        }
    }
}

/// Folds each 8-byte word of the input into the state with a keyed
/// 64×64→128-bit multiply (high half XOR low half).
#[derive(Clone, Copy, Debug)]
pub(crate) struct KidHasher {
    acc: u64,
    k1: u64,
}

#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

impl KidHasher {
    #[inline]
    fn word(&mut self, w: u64) {
        self.acc = fold_mul(self.acc ^ w, self.k1);
    }
}

impl Hasher for KidHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The length keeps a short tail apart from the same bytes zero-padded.
            self.word(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.acc
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use std::collections::HashSet;

    fn hash(b: &KidHashing, bytes: &[u8]) -> u64 {
        b.hash_one(bytes)
    }

    #[test]
    fn kid_hashes_differ_for_different_ids_and_between_sets() {
        let b = KidHashing::default();
        // 2,000 ids differing in one byte each, at every position: no two
        // share a hash (a collision among them would be a broken mix).
        let mut seen = HashSet::new();
        for pos in 0..32 {
            for v in 1..=62u8 {
                let mut id = [0u8; 32];
                id[pos] = v;
                assert!(seen.insert(hash(&b, &id)), "collision at {pos}/{v}");
            }
        }
        // Equal input, equal hash (within one set); another set's keys differ.
        assert_eq!(hash(&b, &[7u8; 32]), hash(&b, &[7u8; 32]));
        let other = KidHashing::default();
        assert_ne!(hash(&b, &[7u8; 32]), hash(&other, &[7u8; 32]));
        // A tail and the same tail zero-padded hash apart.
        let raw = |bytes: &[u8]| {
            let mut h = b.build_hasher();
            h.write(bytes);
            h.finish()
        };
        assert_ne!(raw(&[1, 0, 0]), raw(&[1, 0, 0, 0]));
        assert_ne!(raw(&[]), raw(&[0]));
    }
}
