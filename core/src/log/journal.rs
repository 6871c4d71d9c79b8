//! The commit journal of a [`TileLog`](super::TileLog): group commit between
//! checkpoints.
//!
//! [`TileLog::commit`](super::TileLog::commit) appends every pending entry
//! to `LOGDIR/.journal` as one record and syncs that one file once: the
//! entries are then durable and their indices final, with no tile written and
//! no checkpoint signed. [`TileLog::publish`](super::TileLog::publish) later
//! writes the tiles and bundles of everything committed, signs one checkpoint
//! and removes the journal. So the cost of durability is one `fdatasync` per
//! batch, whatever the batch size, and the number of checkpoints (what
//! witnesses see) depends only on how often the operator publishes.
//!
//! Layout (all integers big-endian):
//!
//! ```text
//! journal = magic base *record
//! magic   = "ckjrnl01"            ; 8 bytes
//! base    = u64                   ; the leaf index of the journal's first entry
//! record  = count:u32 len:u32 body[len] sha256(count || len || body)
//! body    = count × (u16 length, entry bytes)   ; an entry bundle's encoding
//! ```
//!
//! A record is acknowledged only after its sync returned, and records are
//! written one after the other, so a crash can tear only the last record:
//! reading stops at the first record that is short or whose hash does not
//! match, and a writer cuts that tail off before appending again. Reading
//! never writes.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::merkle::leaf_hash;
use super::tiles::{decode_bundle, encode_bundle};
use super::{Hash, LogError};

/// The journal, relative to the log directory.
pub const JOURNAL_FILE: &str = ".journal";

const MAGIC: &[u8; 8] = b"ckjrnl01";
const HEADER_LEN: u64 = 16;

/// The committed entries a journal holds, as read.
#[derive(Debug, Default)]
pub(crate) struct JournalContents {
    /// Leaf index of the first entry.
    pub base: u64,
    /// The entries of every complete record, in order.
    pub entries: Vec<Vec<u8>>,
    /// Bytes of the header and complete records: where the next record goes.
    pub valid_len: u64,
}

fn corrupt(path: &Path, reason: impl Into<String>) -> LogError {
    LogError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn record_hash(count: u32, body: &[u8]) -> Hash {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(&count.to_be_bytes());
    ctx.update(&(body.len() as u32).to_be_bytes());
    ctx.update(body);
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Reads the journal at `path`; `None` when there is none. A torn last
/// record (a crash during a commit that was never acknowledged) is left out.
pub(crate) fn read(path: &Path) -> Result<Option<JournalContents>, LogError> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LogError::io(path, e)),
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| LogError::io(path, e))?;
    let Some((magic, rest)) = bytes.split_first_chunk::<8>() else {
        // A journal whose creation never completed holds nothing committed.
        return Ok(Some(JournalContents::default()));
    };
    if magic != MAGIC {
        return Err(corrupt(path, "not a consentkit log journal"));
    }
    let Some((base, mut rest)) = rest.split_first_chunk::<8>() else {
        return Ok(Some(JournalContents::default()));
    };
    let mut out = JournalContents {
        base: u64::from_be_bytes(*base),
        entries: Vec::new(),
        valid_len: HEADER_LEN,
    };
    while let Some((head, tail)) = rest.split_first_chunk::<8>() {
        let count = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let Some(body) = tail.get(..len) else { break };
        let Some(hash) = tail.get(len..len + 32) else {
            break;
        };
        if count == 0 || hash != record_hash(count, body) {
            break;
        }
        let entries = decode_bundle(body, u64::from(count)).map_err(|reason| {
            corrupt(path, format!("record at byte {}: {reason}", out.valid_len))
        })?;
        out.entries.extend(entries);
        out.valid_len += 8 + len as u64 + 32;
        rest = &tail[len + 32..];
    }
    Ok(Some(out))
}

/// An open journal, appended to by one writer.
#[derive(Debug)]
pub(crate) struct JournalWriter {
    path: PathBuf,
    file: File,
    /// Leaf index of the journal's first entry.
    base: u64,
    /// Entries it holds.
    count: u64,
    /// Its length in bytes (all of it acknowledged).
    len: u64,
}

impl JournalWriter {
    /// Creates a new, empty journal starting at leaf `base` (replacing any
    /// other), durably: written to a temporary name, synced, renamed, and
    /// the directory synced.
    pub(crate) fn create(dir: &Path, base: u64) -> Result<JournalWriter, LogError> {
        let path = dir.join(JOURNAL_FILE);
        let tmp = dir.join(format!("{JOURNAL_FILE}.tmp"));
        {
            // Written and synced, then closed (at the end of this block) before the rename.
            let mut f = File::create(&tmp).map_err(|e| LogError::io(&tmp, e))?;
            let mut header = MAGIC.to_vec();
            header.extend_from_slice(&base.to_be_bytes());
            f.write_all(&header).map_err(|e| LogError::io(&tmp, e))?;
            f.sync_all().map_err(|e| LogError::io(&tmp, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| LogError::io(&path, e))?;
        super::store::sync_dir(dir)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| LogError::io(&path, e))?;
        Ok(JournalWriter {
            path,
            file,
            base,
            count: 0,
            len: HEADER_LEN,
        })
    }

    /// Reopens an existing journal read as `contents` to append after its
    /// last complete record, cutting off a torn tail first.
    pub(crate) fn resume(
        dir: &Path,
        contents: &JournalContents,
    ) -> Result<JournalWriter, LogError> {
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| LogError::io(&path, e))?;
        let on_disk = file.metadata().map_err(|e| LogError::io(&path, e))?.len();
        if on_disk != contents.valid_len {
            file.set_len(contents.valid_len)
                .and_then(|()| file.sync_all())
                .map_err(|e| LogError::io(&path, e))?;
        }
        Ok(JournalWriter {
            path,
            file,
            base: contents.base,
            count: contents.entries.len() as u64,
            len: contents.valid_len,
        })
    }

    /// The leaf index after the journal's last entry.
    pub(crate) fn end(&self) -> u64 {
        self.base + self.count
    }

    /// Whether the file on disk is still the one this writer last wrote
    /// (same length): another writer did not append or remove it.
    pub(crate) fn unchanged(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() == self.len)
    }

    /// Appends `entries` (the leaves `end()..`) as one record and syncs the
    /// file: when this returns, they are durable.
    pub(crate) fn append(&mut self, entries: &[Vec<u8>]) -> Result<(), LogError> {
        if entries.is_empty() {
            return Ok(());
        }
        let body = encode_bundle(entries)?;
        let count = u32::try_from(entries.len())
            .map_err(|_| corrupt(&self.path, "more than 2^32 entries in one commit"))?;
        let len = u32::try_from(body.len())
            .map_err(|_| corrupt(&self.path, "a commit of more than 4 GiB"))?;
        let mut record = Vec::with_capacity(body.len() + 40);
        record.extend_from_slice(&count.to_be_bytes());
        record.extend_from_slice(&len.to_be_bytes());
        record.extend_from_slice(&body);
        record.extend_from_slice(&record_hash(count, &body));
        self.file
            .write_all(&record)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| LogError::io(&self.path, e))?;
        self.count += entries.len() as u64;
        self.len += record.len() as u64;
        Ok(())
    }
}

/// Checks journal entries that the checkpoint already covers (`base..size`)
/// against the log's leaves: a journal left behind by a publish that
/// crashed before removing it. Returns the entries beyond the checkpoint.
pub(crate) fn entries_beyond(
    path: &Path,
    contents: JournalContents,
    leaves: &[Hash],
) -> Result<Vec<Vec<u8>>, LogError> {
    let size = leaves.len() as u64;
    if contents.base > size {
        return Err(corrupt(
            path,
            format!(
                "starts at leaf {}, beyond the checkpoint's tree size {size}",
                contents.base
            ),
        ));
    }
    let mut out = Vec::new();
    for (i, e) in contents.entries.into_iter().enumerate() {
        let at = contents.base + i as u64;
        match leaves.get(at as usize) {
            Some(l) if *l == leaf_hash(&e) => {}
            Some(_) => {
                return Err(corrupt(
                    path,
                    format!("entry {at} differs from the log's entry {at}"),
                ))
            }
            None => out.push(e),
        }
    }
    Ok(out)
}
