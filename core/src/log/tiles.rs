//! C2SP tlog-tiles: tile paths, hash tiles and entry bundles, in memory
//! (the tile levels of a [`TileLog`](super::TileLog)) and read from a log directory ([`TileReader`]).
//!
//! A tile at level `L` and index `N` holds up to 256 consecutive hashes of
//! Merkle level `8·L`: hash `i` is `MTH(D[(N·256 + i)·256^L .. (N·256 + i + 1)·256^L])`.
//! Level 0 tiles hold leaf hashes; a level `L + 1` hash is the root of a
//! full level `L` tile. The rightmost tile of a level is partial (1 to 255
//! hashes) when the level's hash count is not a multiple of 256; for a tree
//! of size `s`, level `L` holds `floor(s / 256^L)` hashes.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::merkle::{complete_root, SubtreeHashes};
use super::{Hash, LogError};

/// Tile height: each tile spans 8 Merkle levels.
pub const TILE_HEIGHT: u8 = 8;

/// Hashes in a full tile (and entries in a full bundle).
pub const TILE_WIDTH: u64 = 256;

/// Largest entry: entry bundles store lengths as big-endian `u16`.
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// Largest entry bundle: 256 entries of [`MAX_ENTRY_SIZE`] with their lengths.
pub const MAX_BUNDLE_SIZE: usize = TILE_WIDTH as usize * (2 + MAX_ENTRY_SIZE);

/// Highest tile level: level 7 covers Merkle levels 56 to 63.
pub const MAX_TILE_LEVEL: u8 = 7;

/// The `<N>` path part of a tile index: zero-padded groups of three digits,
/// all but the last prefixed with `x` (1234067 → `x001/x234/067`).
pub fn tile_index_path(index: u64) -> String {
    let mut groups = Vec::new();
    let mut n = index;
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let last = groups.len() - 1;
    groups
        .iter()
        .rev()
        .enumerate()
        .map(|(i, g)| {
            if i == last {
                format!("{g:03}")
            } else {
                format!("x{g:03}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn with_width(base: String, width: u64) -> String {
    if width == TILE_WIDTH {
        base
    } else {
        format!("{base}.p/{width}")
    }
}

/// The path of a hash tile: `tile/<L>/<N>` when full (width 256), else
/// `tile/<L>/<N>.p/<W>`.
pub fn tile_path(level: u8, index: u64, width: u64) -> String {
    with_width(format!("tile/{level}/{}", tile_index_path(index)), width)
}

/// The path of an entry bundle: `tile/entries/<N>` when full (256
/// entries), else `tile/entries/<N>.p/<W>`.
pub fn bundle_path(index: u64, width: u64) -> String {
    with_width(format!("tile/entries/{}", tile_index_path(index)), width)
}

/// The number of complete hashes at tile level `level` in a tree of `size`
/// leaves: `floor(size / 256^level)`.
pub fn level_count(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * u32::from(TILE_HEIGHT);
    size.checked_shr(shift).unwrap_or(0)
}

/// The width of tile `index` at `level` in a tree of `size`: 256 when full,
/// 1 to 255 when partial, `None` when the tile does not exist.
pub fn tile_width(size: u64, level: u8, index: u64) -> Option<u64> {
    let count = level_count(size, level);
    let start = index.checked_mul(TILE_WIDTH)?;
    (count > start).then(|| (count - start).min(TILE_WIDTH))
}

/// Encodes entries as an entry bundle: each a big-endian `u16` length and the bytes.
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, LogError> {
    let mut out = Vec::new();
    for e in entries {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| LogError::EntryTooLarge {
            size: e.len(),
            max: MAX_ENTRY_SIZE,
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Decodes an entry bundle that must hold exactly `count` entries.
pub fn decode_bundle(bytes: &[u8], count: u64) -> Result<Vec<Vec<u8>>, String> {
    Ok(bundle_entries(bytes, count)?
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect())
}

/// [`decode_bundle`] without copying: the entries as slices of `bytes`.
pub(crate) fn bundle_entries(bytes: &[u8], count: u64) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if out.len() as u64 == count {
            return Err(format!("more than {count} entries"));
        }
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or("truncated entry length")?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(format!("entry {} is truncated", out.len()));
        }
        out.push(&tail[..len]);
        rest = &tail[len..];
    }
    if out.len() as u64 != count {
        return Err(format!("{} entries where {count} are required", out.len()));
    }
    Ok(out)
}

/// Splits tile bytes into hashes; the length must be exactly `width` hashes.
pub fn decode_tile(bytes: &[u8], width: u64) -> Result<Vec<Hash>, String> {
    if bytes.len() as u64 != width * 32 {
        return Err(format!(
            "{} bytes where {width} hashes ({} bytes) are required",
            bytes.len(),
            width * 32
        ));
    }
    Ok(bytes
        .chunks_exact(32)
        .filter_map(|c| <[u8; 32]>::try_from(c).ok())
        .collect())
}

/// Reads a whole file of at most `max` bytes (larger files are refused
/// without reading them all).
pub(crate) fn read_bounded(path: &Path, max: usize) -> Result<Vec<u8>, LogError> {
    let f = File::open(path).map_err(|e| LogError::io(path, e))?;
    let mut out = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| LogError::io(path, e))?;
    if out.len() > max {
        return Err(LogError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("larger than the {max}-byte limit"),
        });
    }
    Ok(out)
}

/// The hash of the complete subtree at `level`/`index`, taken from the hashes
/// of its tile level: `tile_hashes(L, first, count)` returns `count`
/// consecutive hashes of tile level `L` starting at `first`.
fn subtree_from_tiles(
    level: u8,
    index: u64,
    size: u64,
    tile_hashes: impl FnOnce(u8, u64, u64) -> Result<Vec<Hash>, LogError>,
) -> Result<Hash, LogError> {
    let missing = LogError::MissingSubtree { level, index };
    if level > 63 {
        return Err(missing);
    }
    // The subtree must be complete within the tree.
    let end = index
        .checked_add(1)
        .and_then(|i| i.checked_mul(1u64 << level));
    if end.is_none_or(|e| e > size) {
        return Err(missing);
    }
    let tile_level = level / TILE_HEIGHT;
    let rest = level % TILE_HEIGHT;
    let count = 1u64 << rest;
    let first = index.checked_mul(count).ok_or(missing)?;
    let hashes = tile_hashes(tile_level, first, count)?;
    complete_root(&hashes).ok_or(LogError::MissingSubtree { level, index })
}

/// The tile levels of a tree, in memory: `levels[L]` holds every complete
/// hash of tile level `L` (Merkle level `8·L`). This is exactly what the
/// tiles on disk hold; about 32 bytes per leaf.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TileHashes {
    levels: Vec<Vec<Hash>>,
}

impl TileHashes {
    /// Appends a leaf hash, and the root of every tile it completes.
    pub(crate) fn push_leaf(&mut self, leaf: Hash) {
        let mut node = leaf;
        let mut level = 0usize;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(node);
            let len = row.len();
            if len as u64 % TILE_WIDTH != 0 {
                break;
            }
            match complete_root(&row[len - TILE_WIDTH as usize..]) {
                Some(h) => node = h,
                None => break,
            }
            level += 1;
        }
    }

    /// The tile levels of a tree whose leaf hashes are `leaves`, as
    /// [`TileHashes::push_leaf`] would make them one by one: every complete
    /// tile's root, the tiles of a level hashed on all cores (feature
    /// `parallel`).
    pub(crate) fn from_leaves(leaves: Vec<Hash>) -> TileHashes {
        if leaves.is_empty() {
            return TileHashes::default();
        }
        let mut levels = vec![leaves];
        while let Some(below) = levels.last().filter(|l| l.len() >= TILE_WIDTH as usize) {
            #[cfg(feature = "parallel")]
            let roots: Vec<Hash> = {
                use rayon::prelude::*;
                below
                    .par_chunks_exact(TILE_WIDTH as usize)
                    .filter_map(complete_root)
                    .collect()
            };
            #[cfg(not(feature = "parallel"))]
            let roots: Vec<Hash> = below
                .chunks_exact(TILE_WIDTH as usize)
                .filter_map(complete_root)
                .collect();
            levels.push(roots);
        }
        TileHashes { levels }
    }

    /// The leaf hashes.
    pub(crate) fn leaves(&self) -> &[Hash] {
        self.levels.first().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The leaf hashes, without the levels above.
    pub(crate) fn into_leaves(self) -> Vec<Hash> {
        self.levels.into_iter().next().unwrap_or_default()
    }

    /// The hashes of tile `index` at `level` for a tree of `size` leaves
    /// (`size` at most the number of leaves held).
    pub(crate) fn tile(&self, size: u64, level: u8, index: u64) -> Option<&[Hash]> {
        let width = tile_width(size, level, index)?;
        let start = usize::try_from(index * TILE_WIDTH).ok()?;
        let row = self.levels.get(usize::from(level))?;
        row.get(start..start + width as usize)
    }

    /// The highest tile level with at least one hash at `size`.
    pub(crate) fn top_level(size: u64) -> u8 {
        let mut level = 0u8;
        while level < MAX_TILE_LEVEL && level_count(size, level + 1) > 0 {
            level += 1;
        }
        level
    }
}

impl SubtreeHashes for TileHashes {
    fn size(&self) -> u64 {
        self.leaves().len() as u64
    }

    fn subtree_hash(&self, level: u8, index: u64) -> Result<Hash, LogError> {
        subtree_from_tiles(level, index, self.size(), |l, first, count| {
            let row = self
                .levels
                .get(usize::from(l))
                .ok_or(LogError::MissingSubtree { level, index })?;
            let start =
                usize::try_from(first).map_err(|_| LogError::MissingSubtree { level, index })?;
            row.get(start..start + count as usize)
                .map(<[Hash]>::to_vec)
                .ok_or(LogError::MissingSubtree { level, index })
        })
    }
}

/// Reads hash tiles and entry bundles of a tree of a given size from a log
/// directory laid out as C2SP tlog-tiles, one file per lookup: what an
/// auditor or a wallet uses to get proofs from a copy of a log without
/// loading it. Trust nothing read here until the resulting root matches a
/// verified checkpoint.
#[derive(Clone, Debug)]
pub struct TileReader {
    dir: PathBuf,
    size: u64,
}

impl TileReader {
    /// A reader of the tree of `size` leaves in `dir` (the size of a
    /// checkpoint whose partial tiles the directory holds).
    pub fn new(dir: impl Into<PathBuf>, size: u64) -> TileReader {
        TileReader {
            dir: dir.into(),
            size,
        }
    }

    /// The hashes of tile `index` at `level` (256, or the partial width).
    pub fn read_tile(&self, level: u8, index: u64) -> Result<Vec<Hash>, LogError> {
        let width = tile_width(self.size, level, index).ok_or(LogError::MissingSubtree {
            level: level.saturating_mul(TILE_HEIGHT),
            index,
        })?;
        let path = self.dir.join(tile_path(level, index, width));
        let bytes = read_bounded(&path, (TILE_WIDTH * 32) as usize)?;
        decode_tile(&bytes, width).map_err(|reason| LogError::Corrupt { path, reason })
    }

    /// The entries of bundle `index` (256, or the partial width).
    pub fn read_bundle(&self, index: u64) -> Result<Vec<Vec<u8>>, LogError> {
        let width = tile_width(self.size, 0, index).ok_or(LogError::MissingSubtree {
            level: 0,
            index: index.saturating_mul(TILE_WIDTH),
        })?;
        let path = self.dir.join(bundle_path(index, width));
        let bytes = read_bounded(&path, MAX_BUNDLE_SIZE)?;
        decode_bundle(&bytes, width).map_err(|reason| LogError::Corrupt { path, reason })
    }

    /// Entry `index`, read from its bundle.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, LogError> {
        let mut bundle = self.read_bundle(index / TILE_WIDTH)?;
        let i = (index % TILE_WIDTH) as usize;
        if i >= bundle.len() {
            return Err(LogError::MissingSubtree { level: 0, index });
        }
        Ok(bundle.swap_remove(i))
    }
}

impl SubtreeHashes for TileReader {
    fn size(&self) -> u64 {
        self.size
    }

    fn subtree_hash(&self, level: u8, index: u64) -> Result<Hash, LogError> {
        subtree_from_tiles(level, index, self.size, |l, first, count| {
            let tile = self.read_tile(l, first / TILE_WIDTH)?;
            let start = (first % TILE_WIDTH) as usize;
            tile.get(start..start + count as usize)
                .map(<[Hash]>::to_vec)
                .ok_or(LogError::MissingSubtree { level, index })
        })
    }
}
