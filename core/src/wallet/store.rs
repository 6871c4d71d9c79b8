//! The wallet's append-only record file.
//!
//! Layout: the 8-byte magic `CKWLT\x00\x01\n`, then frames
//! `length (u32, big-endian) || check (first 4 bytes of SHA-256(payload)) || payload`.
//! Each append writes one frame and syncs it. On open, a torn last frame (a
//! crash mid-write) is dropped and the file truncated to the last complete
//! frame; a damaged frame followed by more data is corruption and an error.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::WalletError;

/// The file's magic prefix.
pub const MAGIC: &[u8; 8] = b"CKWLT\x00\x01\n";
/// Largest record payload (1 MiB).
pub const MAX_RECORD: usize = 1024 * 1024;

fn check(payload: &[u8]) -> [u8; 4] {
    let d = crate::artifact::sha256(payload);
    [d[0], d[1], d[2], d[3]]
}

/// Encodes one frame.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(&check(payload));
    out.extend_from_slice(payload);
    out
}

/// Splits a whole file image into record payloads. Returns the payloads and
/// the length of the valid prefix (shorter than `bytes` when the last frame is torn).
pub fn parse(bytes: &[u8]) -> Result<(Vec<Vec<u8>>, usize), WalletError> {
    if bytes.len() < MAGIC.len() {
        // A crash before the magic was complete leaves no record: an empty wallet
        // cannot be told apart from a torn one, so this is refused.
        return Err(WalletError::Corrupt(
            "file shorter than the wallet header".into(),
        ));
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(WalletError::Corrupt(
            "not a consentkit wallet (bad magic)".into(),
        ));
    }
    let mut pos = MAGIC.len();
    let mut out = Vec::new();
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.len() < 8 {
            break; // torn header of the last frame
        }
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if len > MAX_RECORD {
            return Err(WalletError::Corrupt(format!(
                "record at byte {pos} declares {len} bytes, over the {MAX_RECORD}-byte limit"
            )));
        }
        if rest.len() < 8 + len {
            break; // torn payload of the last frame
        }
        let payload = &rest[8..8 + len];
        if check(payload) != rest[4..8] {
            if rest.len() == 8 + len {
                break; // a torn last frame whose length bytes made it but payload bytes did not
            }
            return Err(WalletError::Corrupt(format!(
                "record at byte {pos} fails its checksum"
            )));
        }
        out.push(payload.to_vec());
        pos += 8 + len;
    }
    Ok((out, pos))
}

/// An open wallet file.
pub struct FileStore {
    file: File,
}

impl FileStore {
    /// Creates a new wallet file (fails if it exists).
    pub fn create(path: &Path) -> Result<FileStore, WalletError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        file.write_all(MAGIC)
            .map_err(|e| WalletError::Io(e.to_string()))?;
        file.sync_all()
            .map_err(|e| WalletError::Io(e.to_string()))?;
        Ok(FileStore { file })
    }

    /// Opens a wallet file, drops a torn last record, and returns the records.
    pub fn open(path: &Path) -> Result<(FileStore, Vec<Vec<u8>>), WalletError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| WalletError::Io(e.to_string()))?;
        let (records, valid) = parse(&bytes)?;
        if valid < bytes.len() {
            file.set_len(valid as u64)
                .map_err(|e| WalletError::Io(e.to_string()))?;
            file.sync_all()
                .map_err(|e| WalletError::Io(e.to_string()))?;
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| WalletError::Io(e.to_string()))?;
        Ok((FileStore { file }, records))
    }

    /// Appends one record and syncs it to disk.
    pub fn append(&mut self, payload: &[u8]) -> Result<(), WalletError> {
        self.append_many(std::slice::from_ref(&payload))
    }

    /// Appends records and syncs once. A crash midway keeps a prefix of them.
    pub fn append_many<P: AsRef<[u8]>>(&mut self, payloads: &[P]) -> Result<(), WalletError> {
        let mut buf = Vec::new();
        for p in payloads {
            buf.extend(frame(p.as_ref()));
        }
        self.file
            .write_all(&buf)
            .map_err(|e| WalletError::Io(e.to_string()))?;
        self.file
            .sync_data()
            .map_err(|e| WalletError::Io(e.to_string()))
    }
}
