//! The wallet's append-only record file.
//!
//! Layout: the 8-byte magic `CKWLT\x00\x01\n`, then frames
//! `length (u32, big-endian) || check (first 4 bytes of SHA-256(payload)) || payload`.
//! Each append writes one frame and syncs it.
//!
//! Reading never writes. A torn last frame (a crash mid-write) is left out
//! of the in-memory view and reported; the file keeps its bytes, and the
//! wallet will not append after them until [`super::Wallet::repair`] rewrites the file
//! (`consentkit wallet repair FILE`). A frame inside the file whose checksum
//! fails is skipped and reported, and the frames after it are read.
//!
//! Every file this module creates is created with mode 0600 on Unix (the
//! wallet holds the wallet secret and, for in-process keys, private keys).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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

/// One frame of a wallet image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Byte offset of the frame in the image.
    pub offset: usize,
    /// The whole frame (length, check, payload) as it was read.
    pub bytes: Vec<u8>,
    /// Whether the frame's checksum matches its payload.
    pub intact: bool,
}

impl Frame {
    /// The frame's payload.
    pub fn payload(&self) -> &[u8] {
        &self.bytes[8..]
    }
}

/// A wallet image split into frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Every complete frame, in order (intact or not).
    pub frames: Vec<Frame>,
    /// Length of the prefix made of the magic and complete frames; shorter
    /// than the image when its end is a torn frame.
    pub valid: usize,
}

/// Splits a whole file image into frames. Only a missing or wrong magic, or
/// a frame declaring more than [`MAX_RECORD`] bytes (its length cannot be
/// trusted, so nothing after it can be framed), end the read with an error.
pub fn split(bytes: &[u8]) -> Result<Image, WalletError> {
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
    let mut frames = Vec::new();
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
        let intact = check(payload) == rest[4..8];
        if !intact && rest.len() == 8 + len {
            break; // a torn last frame whose length bytes made it but payload bytes did not
        }
        frames.push(Frame {
            offset: pos,
            bytes: rest[..8 + len].to_vec(),
            intact,
        });
        pos += 8 + len;
    }
    Ok(Image { frames, valid: pos })
}

/// Splits a whole file image into the payloads of its intact frames.
/// Returns the payloads and the length of the valid prefix (shorter than
/// `bytes` when the last frame is torn).
pub fn parse(bytes: &[u8]) -> Result<(Vec<Vec<u8>>, usize), WalletError> {
    let image = split(bytes)?;
    let records = image
        .frames
        .iter()
        .filter(|f| f.intact)
        .map(|f| f.payload().to_vec())
        .collect();
    Ok((records, image.valid))
}

/// Opens a new file for writing a secret: created with mode 0600 on Unix
/// (never widened then narrowed), failing if the file exists.
pub fn create_secret_file(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Writes `bytes` to a new secret file at `path` (mode 0600 on Unix,
/// fails if the file exists), synced to disk.
pub fn write_secret_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = create_secret_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Replaces the file at `path` with `bytes` through a new 0600 file next to
/// it and a rename, so that the file is never readable by others nor half-written.
pub fn replace_secret_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    write_secret_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".consentkit-tmp");
    path.with_file_name(name)
}

/// An open wallet file, for appending.
pub struct FileStore {
    file: File,
}

impl FileStore {
    /// Creates a new wallet file (fails if it exists), mode 0600 on Unix.
    pub fn create(path: &Path) -> Result<FileStore, WalletError> {
        let mut file = create_secret_file(path)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        file.write_all(MAGIC)
            .map_err(|e| WalletError::Io(e.to_string()))?;
        file.sync_all()
            .map_err(|e| WalletError::Io(e.to_string()))?;
        Ok(FileStore { file })
    }

    /// Reads a wallet file without writing it.
    pub fn read(path: &Path) -> Result<Vec<u8>, WalletError> {
        let mut file =
            File::open(path).map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        Ok(bytes)
    }

    /// Opens a wallet file for appending, checking that it is still `len`
    /// bytes long (what was read, ending on a complete frame).
    pub fn open_append(path: &Path, len: usize) -> Result<FileStore, WalletError> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?;
        let now = file
            .metadata()
            .map_err(|e| WalletError::Io(format!("{}: {e}", path.display())))?
            .len();
        if now != len as u64 {
            return Err(WalletError::Io(format!(
                "{}: the file changed since it was read ({len} bytes then, {now} now)",
                path.display()
            )));
        }
        Ok(FileStore { file })
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
