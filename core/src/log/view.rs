//! A log's published tree, read for verification without its entries: what
//! an auditor needs ([`crate::audit::LogView`]).
//!
//! [`TileLog::open`](super::TileLog::open) builds what a log's writer
//! needs, one entry at a time on one core: an index of every entry, the
//! tree pushed leaf by leaf, the last partial bundle and the journal. An
//! auditor needs the leaf hashes and proof that they are the signed
//! tree's: [`PublishedLog::open`] reads the hash tiles of level 0 (the
//! leaf hashes), computes the tree from them on all cores and checks it
//! against every tile of the higher levels and against the checkpoint's
//! root; then it reads the entry bundles on all cores, checks that each
//! entry hashes to the leaf its tile holds (as `TileLog::open` does: no
//! entry can be altered, e.g. to hide a logged Status List Token) and
//! keeps the tokens. Entries committed after the checkpoint (the journal)
//! are not part of the signed tree and are not read.

use std::path::{Path, PathBuf};

use super::merkle::leaf_hash;
use super::note::{Checkpoint, NoteVerifier};
use super::status_entry::is_status_list_entry;
use super::store::{check_tiles_and_root, read_head, HistoryReport, Published};
use super::tiles::{
    bundle_entries, bundle_path, read_bounded, tile_width, TileHashes, TileReader, MAX_BUNDLE_SIZE,
    TILE_WIDTH,
};
use super::{Hash, LogError};

/// Tiles (or bundles) read and checked at a time: memory grows with what
/// was read, whatever size a checkpoint claims.
const GROUP: u64 = 256;

/// The published tree of a log directory (see the [module documentation](self)).
#[derive(Debug)]
pub(crate) struct PublishedLog {
    dir: PathBuf,
    checkpoint: Checkpoint,
    note: String,
    tree: TileHashes,
    status_lists: Vec<(u64, Vec<u8>)>,
}

impl PublishedLog {
    /// Opens the log in `dir`: its key and checkpoint (as
    /// [`TileLog::open`](super::TileLog::open) does), the leaf hashes from
    /// the hash tiles, the tree computed from them and checked against the
    /// higher tiles and the checkpoint's root, and the logged Status List
    /// Tokens.
    pub(crate) fn open(dir: &Path) -> Result<PublishedLog, LogError> {
        let (_, checkpoint, note) = read_head(dir)?;
        let size = checkpoint.size;
        let reader = TileReader::new(dir, size);
        let tree = TileHashes::from_leaves(read_leaves(&reader, size)?);
        check_tiles_and_root(
            dir,
            &reader,
            &tree,
            (size, checkpoint.root),
            1,
            "hashes differ from those computed from the tiles below",
        )?;
        let status_lists = status_lists(dir, size, tree.leaves())?;
        Ok(PublishedLog {
            dir: dir.to_path_buf(),
            checkpoint,
            note,
            tree,
            status_lists,
        })
    }

    /// The log's origin (its key name).
    pub(crate) fn origin(&self) -> &str {
        &self.checkpoint.origin
    }

    /// The latest checkpoint's signed note.
    pub(crate) fn checkpoint_note(&self) -> &str {
        &self.note
    }

    /// The leaf hashes of the published tree, in order.
    #[cfg(test)]
    pub(crate) fn leaf_hashes(&self) -> &[Hash] {
        self.tree.leaves()
    }

    /// The leaf hashes of the published tree, in order, without the rest of the tree.
    pub(crate) fn into_leaf_hashes(self) -> Vec<Hash> {
        self.tree.into_leaves()
    }

    /// The Status List Tokens among the entries, with their leaf indices.
    pub(crate) fn status_lists(&self) -> &[(u64, Vec<u8>)] {
        &self.status_lists
    }

    /// [`TileLog::verify_checkpoint_history`](super::TileLog::verify_checkpoint_history).
    pub(crate) fn verify_checkpoint_history(
        &self,
        verifier: &NoteVerifier,
    ) -> Result<HistoryReport, LogError> {
        self.published().verify_checkpoint_history(verifier)
    }

    /// [`TileLog::verify_older_checkpoint`](super::TileLog::verify_older_checkpoint).
    pub(crate) fn verify_older_checkpoint(&self, old: &Checkpoint) -> Result<(), LogError> {
        self.published().verify_older_checkpoint(old)
    }

    /// [`TileLog::checkpoint_history`](super::TileLog::checkpoint_history).
    pub(crate) fn checkpoint_history(&self) -> Result<Vec<(u64, String)>, LogError> {
        self.published().checkpoint_history()
    }

    fn published(&self) -> Published<'_> {
        Published {
            dir: &self.dir,
            size: self.checkpoint.size,
            checkpoint: &self.checkpoint,
            note: &self.note,
            tree: &self.tree,
        }
    }
}

/// `f(i)` for every `i` in `range`, in order, on all cores (feature
/// `parallel`); the first error, in order, if any.
fn map_range<T: Send>(
    range: std::ops::Range<u64>,
    f: impl Fn(u64) -> Result<T, LogError> + Sync + Send,
) -> Result<Vec<T>, LogError> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        // Every result first, then the first error by index: rayon's
        // `collect` into a `Result` returns whichever error a thread met
        // first, so the message would depend on scheduling.
        let all: Vec<Result<T, LogError>> = range.into_par_iter().map(f).collect();
        all.into_iter().collect()
    }
    #[cfg(not(feature = "parallel"))]
    range.map(f).collect()
}

/// The leaf hashes of a tree of `size` leaves: its level-0 tiles, read a
/// group at a time.
fn read_leaves(reader: &TileReader, size: u64) -> Result<Vec<Hash>, LogError> {
    let tiles = size.div_ceil(TILE_WIDTH);
    let mut leaves = Vec::new();
    let mut n = 0;
    while n < tiles {
        let end = (n + GROUP).min(tiles);
        for tile in map_range(n..end, |i| reader.read_tile(0, i))? {
            leaves.extend_from_slice(&tile);
        }
        n = end;
    }
    Ok(leaves)
}

/// The Status List Tokens of the entry bundles of a tree of `size` leaves,
/// each checked to be the leaf its tile holds (`leaves`).
fn status_lists(dir: &Path, size: u64, leaves: &[Hash]) -> Result<Vec<(u64, Vec<u8>)>, LogError> {
    let bundles = size.div_ceil(TILE_WIDTH);
    let mut out = Vec::new();
    let mut n = 0;
    while n < bundles {
        let end = (n + GROUP).min(bundles);
        for found in map_range(n..end, |i| bundle_status_lists(dir, size, i, leaves))? {
            out.extend(found);
        }
        n = end;
    }
    Ok(out)
}

fn bundle_status_lists(
    dir: &Path,
    size: u64,
    n: u64,
    leaves: &[Hash],
) -> Result<Vec<(u64, Vec<u8>)>, LogError> {
    let width = tile_width(size, 0, n).ok_or(LogError::MissingSubtree {
        level: 0,
        index: n.saturating_mul(TILE_WIDTH),
    })?;
    let path = dir.join(bundle_path(n, width));
    let bytes = read_bounded(&path, MAX_BUNDLE_SIZE)?;
    let entries = bundle_entries(&bytes, width).map_err(|reason| LogError::Corrupt {
        path: path.clone(),
        reason,
    })?;
    let mut out = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        // Every entry, not only the tokens: an entry altered so that it no
        // longer reads as a token would otherwise hide a logged list.
        let at = n * TILE_WIDTH + i as u64;
        if usize::try_from(at)
            .ok()
            .and_then(|a| leaves.get(a))
            .is_none_or(|leaf| *leaf != leaf_hash(e))
        {
            return Err(LogError::Corrupt {
                path,
                reason: format!("entry {at} is not the leaf its hash tile holds"),
            });
        }
        if is_status_list_entry(e) {
            out.push((at, e.to_vec()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With several failures, the error is always the one with the lowest
    /// index, however the work was scheduled.
    #[test]
    fn map_range_gives_the_first_error_by_index() {
        for _ in 0..20 {
            // The lower failure is slow, so that another thread meets a
            // higher one first whenever there is another thread.
            let got = map_range(0..4096, |i| {
                if i == 17 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                if i == 17 || i % 512 == 511 {
                    Err(LogError::RootMismatch { size: i })
                } else {
                    Ok(i)
                }
            });
            assert!(
                matches!(got, Err(LogError::RootMismatch { size: 17 })),
                "{got:?}"
            );
        }
        assert_eq!(map_range(0..5, Ok).ok(), Some(vec![0, 1, 2, 3, 4]));
    }
}
