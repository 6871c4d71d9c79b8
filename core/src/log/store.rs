//! [`TileLog`]: an append-only artifact log in a directory, laid out as
//! C2SP tlog-tiles, with a signed checkpoint and an archive of every
//! checkpoint it published.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::artifact::Artifact;
use crate::keys::{Signer, TrustSet};

use super::admit::Admitted;
use super::journal::{self, JournalWriter, JOURNAL_FILE};
use super::merkle::{self, leaf_hash, verify_consistency, ProofError, EMPTY_ROOT};
use super::note::{
    is_valid_key_name, Checkpoint, NoteError, NoteVerifier, SignedNote, MAX_NOTE_SIZE,
};
use super::proof::{ConsistencyProof, InclusionProof};
use super::status_entry::is_status_list_entry;
use super::tiles::{
    bundle_path, encode_bundle, level_count, read_bounded, tile_path, tile_width, TileHashes,
    TileReader, MAX_ENTRY_SIZE, TILE_WIDTH,
};
use super::{Hash, LogError};

/// The latest signed checkpoint, relative to the log directory.
pub const CHECKPOINT_FILE: &str = "checkpoint";
/// The log's verifier key (C2SP vkey text and a newline). Self-asserted:
/// verifiers should get the key from elsewhere.
pub const VKEY_FILE: &str = "vkey";
/// The archive of every published checkpoint, one file per tree size.
pub const ARCHIVE_DIR: &str = "checkpoints";
/// Held while a writer publishes.
pub const LOCK_FILE: &str = ".lock";

/// Largest verifier key file read.
const MAX_VKEY_FILE: usize = 4096;

/// An append-only log of consentkit artifacts, stored in a directory:
///
/// ```text
/// LOGDIR/checkpoint                  latest signed checkpoint (C2SP tlog-checkpoint)
/// LOGDIR/checkpoints/<size>          every checkpoint ever published, by tree size
/// LOGDIR/vkey                        the log's verifier key (name = origin)
/// LOGDIR/tile/<L>/<N>[.p/<W>]        hash tiles (C2SP tlog-tiles)
/// LOGDIR/tile/entries/<N>[.p/<W>]    entry bundles: the artifacts' exact bytes
/// LOGDIR/.journal                    entries committed since the checkpoint (internal)
/// ```
///
/// Appending ([`TileLog::append_artifact`]) verifies the artifact against a
/// [`TrustSet`] first and rejects duplicates; [`TileLog::publish`] writes
/// the new tiles and bundles, then signs and writes the checkpoint (archive
/// first, each file written to a temporary name, synced and renamed), so a
/// crash leaves the last published state intact. Full tiles are written
/// once; partial tiles of earlier checkpoints are kept, so every archived
/// checkpoint stays provable.
///
/// Group commit, for a log that takes entries all the time: append a batch,
/// then [`TileLog::commit`] (one journal record, one `fdatasync`: the batch
/// is durable and its indices final), and publish on a fixed interval
/// ([`TileLog::publish_if_due`]): the tiles, bundles and one checkpoint per
/// interval, so witnesses see one checkpoint per interval whatever the
/// entry rate. See [`journal`](super::journal) for what a crash leaves.
///
/// Opening reads every bundle and tile and checks that they agree with each
/// other and with the checkpoint's root: O(n) time, and about 80 bytes of
/// memory per entry (tile hashes and the leaf-hash index).
#[derive(Debug)]
pub struct TileLog {
    dir: PathBuf,
    verifier: NoteVerifier,
    checkpoint: Checkpoint,
    note: String,
    tree: TileHashes,
    index: HashMap<Hash, u64>,
    published: u64,
    /// Entries from the start of the last partial bundle of the published
    /// tree (`floor(published / 256) * 256`) to the end, pending included.
    tail: Vec<Vec<u8>>,
    /// Leaves made durable: in the checkpoint or in the journal
    /// (`published <= committed <= leaves`).
    committed: u64,
    /// The journal this handle appends to, once it committed.
    journal: Option<JournalWriter>,
    /// The journal found on disk when the log was opened, if any.
    journal_at_open: Option<JournalMark>,
    /// When this handle last published ([`TileLog::publish_if_due`]).
    last_publish: Option<u64>,
    /// The Status List Tokens among the entries, by leaf index
    /// ([`TileLog::append_status_list`], [`super::status_entry`]).
    pub(super) status_lists: Vec<(u64, Vec<u8>)>,
}

/// What a journal held when read: enough to tell whether it changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct JournalMark {
    base: u64,
    count: u64,
    valid_len: u64,
}

impl JournalMark {
    fn of(c: &journal::JournalContents) -> JournalMark {
        JournalMark {
            base: c.base,
            count: c.entries.len() as u64,
            valid_len: c.valid_len,
        }
    }
}

/// One archived checkpoint that failed a history check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryProblem {
    /// The file, relative to the log directory (e.g. `checkpoints/17`).
    pub file: String,
    /// The tree size, when known.
    pub size: Option<u64>,
    /// What was wrong.
    pub kind: HistoryProblemKind,
}

impl std::fmt::Display for HistoryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.kind)
    }
}

/// What was wrong with an archived checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryProblemKind {
    /// The file name is not a tree size (decimal, no leading zeros).
    #[error("file name is not a tree size")]
    BadFileName,
    /// The file could not be read.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// Not a signed checkpoint, or its signature does not verify with the key.
    #[error("{0}")]
    Note(NoteError),
    /// The checkpoint names another log.
    #[error("origin {found:?} is not the log's origin {expected:?}")]
    WrongOrigin {
        /// The log's origin.
        expected: String,
        /// The checkpoint's origin.
        found: String,
    },
    /// The checkpoint's size is not the size in its file name.
    #[error("checkpoint of size {found} stored under size {file}")]
    SizeMismatch {
        /// The size in the file name.
        file: u64,
        /// The checkpoint's size.
        found: u64,
    },
    /// The checkpoint is larger than the latest: the log shrank.
    #[error("tree size {size} is larger than the latest checkpoint's {latest}: the log shrank")]
    BeyondLatest {
        /// The archived size.
        size: u64,
        /// The latest size.
        latest: u64,
    },
    /// The latest tree does not extend this checkpoint's tree: the log
    /// rewrote history (a split view, or tampering).
    #[error("not consistent with the latest checkpoint: {0}")]
    Inconsistent(ProofError),
    /// The latest checkpoint is not in the archive.
    #[error("the latest checkpoint is not archived")]
    LatestNotArchived,
}

/// The result of [`TileLog::verify_checkpoint_history`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryReport {
    /// The latest checkpoint.
    pub latest: Checkpoint,
    /// Tree sizes of the archived checkpoints proven consistent with it.
    pub consistent: Vec<u64>,
    /// Everything that failed, one entry per file.
    pub problems: Vec<HistoryProblem>,
}

impl HistoryReport {
    /// Whether every check passed.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Removes the lock file when dropped.
struct DirLock {
    path: PathBuf,
}

impl DirLock {
    fn acquire(dir: &Path) -> Result<DirLock, LogError> {
        let path = dir.join(LOCK_FILE);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => Ok(DirLock { path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(LogError::Locked { path })
            }
            Err(e) => Err(LogError::io(&path, e)),
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes files durably: temporary name, sync, rename; then syncs the
/// directories that changed.
#[derive(Default)]
struct Writer {
    dirs: BTreeSet<PathBuf>,
}

impl Writer {
    /// Writes `bytes` at `path` unless the file already holds exactly them.
    fn write(&mut self, path: &Path, bytes: &[u8]) -> Result<(), LogError> {
        if let Ok(existing) = fs::read(path) {
            if existing == bytes {
                return Ok(());
            }
        }
        let tmp = {
            // Synced, then closed (at the end of this block) before the rename.
            let (tmp, f) = write_tmp(path, bytes)?;
            f.sync_all().map_err(|e| LogError::io(&tmp, e))?;
            tmp
        };
        fs::rename(&tmp, path).map_err(|e| LogError::io(path, e))?;
        self.dirs
            .insert(path.parent().unwrap_or(Path::new(".")).to_path_buf());
        Ok(())
    }

    /// Writes many files durably, as [`Writer::write`] does for one, but
    /// with their syncs in flight together: every file is written to its
    /// temporary name first, then all are synced by a few threads at once
    /// (a sync mostly waits for the device, and the device takes them
    /// together), then all are renamed. Up to [`SYNC_CHUNK`] files are open
    /// at a time.
    fn write_many(&mut self, files: Vec<(PathBuf, Vec<u8>)>) -> Result<(), LogError> {
        let mut todo = Vec::new();
        for (path, bytes) in files {
            if fs::read(&path).is_ok_and(|existing| existing == bytes) {
                continue;
            }
            todo.push((path, bytes));
        }
        for chunk in todo.chunks(SYNC_CHUNK) {
            let mut open = Vec::with_capacity(chunk.len());
            for (path, bytes) in chunk {
                open.push(write_tmp(path, bytes)?);
            }
            sync_files(&open)?;
            // Each file is closed (its handle dropped, after its sync
            // above) before its rename.
            let synced: Vec<PathBuf> = open.into_iter().map(|(tmp, _closed)| tmp).collect();
            for (tmp, (path, _)) in synced.into_iter().zip(chunk) {
                fs::rename(&tmp, path).map_err(|e| LogError::io(path, e))?;
                if let Some(parent) = path.parent() {
                    self.dirs.insert(parent.to_path_buf());
                }
            }
        }
        Ok(())
    }

    /// Syncs every directory written to since the last call.
    fn sync_dirs(&mut self) -> Result<(), LogError> {
        for d in std::mem::take(&mut self.dirs) {
            sync_dir(&d)?;
        }
        Ok(())
    }
}

/// Most files [`Writer::write_many`] keeps open at once.
const SYNC_CHUNK: usize = 512;

/// Threads that sync files at once.
const SYNC_THREADS: usize = 8;

/// Syncs `files` (data and metadata), several at a time on scoped threads;
/// one after the other if threads cannot be started.
fn sync_files(files: &[(PathBuf, File)]) -> Result<(), LogError> {
    let sync = |part: &[(PathBuf, File)]| -> Result<(), LogError> {
        for (path, f) in part {
            f.sync_all().map_err(|e| LogError::io(path, e))?;
        }
        Ok(())
    };
    if files.len() < 2 {
        return sync(files);
    }
    let per = files.len().div_ceil(SYNC_THREADS);
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for part in files.chunks(per) {
            match std::thread::Builder::new().spawn_scoped(s, move || sync(part)) {
                Ok(h) => handles.push(h),
                Err(_) => sync(part)?,
            }
        }
        for h in handles {
            // A sync thread that panicked synced nothing we can count on.
            h.join().map_err(|_| LogError::Io {
                path: PathBuf::from("."),
                source: std::io::Error::other("a file sync thread panicked"),
            })??;
        }
        Ok(())
    })
}

/// Writes `bytes` to `path` + ".tmp" (creating the directory), not yet
/// synced or renamed: the first half of every durable write.
fn write_tmp(path: &Path, bytes: &[u8]) -> Result<(PathBuf, File), LogError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| LogError::io(parent, e))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = File::create(&tmp).map_err(|e| LogError::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| LogError::io(&tmp, e))?;
    Ok((tmp, f))
}

#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<(), LogError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| LogError::io(dir, e))
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> Result<(), LogError> {
    // Directories cannot be opened for syncing here; renames are durable
    // once the file system flushes its metadata.
    Ok(())
}

/// Parses a canonical decimal tree size (no sign, no leading zeros).
fn parse_size(s: &str) -> Option<u64> {
    let ok =
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

fn archive_path(size: u64) -> String {
    format!("{ARCHIVE_DIR}/{size}")
}

/// Reads a log directory's verifier key and latest checkpoint, whose
/// signature must verify with that key and whose origin must be the key's
/// name: (verifier, checkpoint, note text).
pub(super) fn read_head(dir: &Path) -> Result<(NoteVerifier, Checkpoint, String), LogError> {
    let vkey_path = dir.join(VKEY_FILE);
    let cp_path = dir.join(CHECKPOINT_FILE);
    if !vkey_path.is_file() || !cp_path.is_file() {
        return Err(LogError::NotALog {
            path: dir.to_path_buf(),
        });
    }
    let vkey = read_bounded(&vkey_path, MAX_VKEY_FILE)?;
    let vkey = std::str::from_utf8(&vkey)
        .ok()
        .map(|s| s.strip_suffix('\n').unwrap_or(s))
        .ok_or_else(|| LogError::Corrupt {
            path: vkey_path.clone(),
            reason: "not UTF-8".into(),
        })?;
    let verifier = NoteVerifier::from_vkey(vkey).map_err(|source| LogError::BadNote {
        path: vkey_path.clone(),
        source,
    })?;
    let note_bytes = read_bounded(&cp_path, MAX_NOTE_SIZE)?;
    let checkpoint =
        Checkpoint::open(&note_bytes, std::slice::from_ref(&verifier)).map_err(|source| {
            LogError::BadNote {
                path: cp_path.clone(),
                source,
            }
        })?;
    if checkpoint.origin != verifier.name() {
        return Err(LogError::WrongOrigin {
            expected: verifier.name().to_owned(),
            found: checkpoint.origin,
        });
    }
    // Checked by Checkpoint::open: UTF-8.
    let note = String::from_utf8_lossy(&note_bytes).into_owned();
    Ok((verifier, checkpoint, note))
}

impl TileLog {
    /// Creates a log in `dir` (which must not exist or be empty) for the
    /// origin `origin`, signed by `signer` (an Ed25519 key whose note key
    /// name is the origin), and publishes the empty checkpoint.
    pub fn create(dir: &Path, origin: &str, signer: &dyn Signer) -> Result<TileLog, LogError> {
        if !is_valid_key_name(origin) {
            return Err(LogError::InvalidOrigin(origin.to_owned()));
        }
        let verifier = NoteVerifier::ed25519(origin, &signer.public_key())?;
        if dir.exists() {
            let mut entries = fs::read_dir(dir).map_err(|e| LogError::io(dir, e))?;
            if entries.next().is_some() {
                return Err(LogError::AlreadyExists {
                    path: dir.to_path_buf(),
                });
            }
        }
        fs::create_dir_all(dir).map_err(|e| LogError::io(dir, e))?;
        let _lock = DirLock::acquire(dir)?;
        let mut w = Writer::default();
        w.write(
            &dir.join(VKEY_FILE),
            format!("{}\n", verifier.to_vkey()).as_bytes(),
        )?;
        let checkpoint = Checkpoint {
            origin: origin.to_owned(),
            size: 0,
            root: EMPTY_ROOT,
            extensions: Vec::new(),
        };
        let note = checkpoint.sign(signer)?;
        w.write(&dir.join(archive_path(0)), note.as_bytes())?;
        w.sync_dirs()?;
        w.write(&dir.join(CHECKPOINT_FILE), note.as_bytes())?;
        w.sync_dirs()?;
        Ok(TileLog {
            dir: dir.to_path_buf(),
            verifier,
            checkpoint,
            note,
            tree: TileHashes::default(),
            index: HashMap::new(),
            published: 0,
            tail: Vec::new(),
            committed: 0,
            journal: None,
            journal_at_open: None,
            last_publish: None,
            status_lists: Vec::new(),
        })
    }

    /// Opens the log in `dir`: reads its key, its checkpoint (whose
    /// signature must verify with that key), every entry bundle and tile,
    /// and checks that all agree with the checkpoint's root.
    ///
    /// The key in the directory only proves the log is self-consistent;
    /// check the history against a key obtained elsewhere with
    /// [`TileLog::verify_checkpoint_history`].
    pub fn open(dir: &Path) -> Result<TileLog, LogError> {
        let (verifier, checkpoint, note) = read_head(dir)?;
        let size = checkpoint.size;
        let reader = TileReader::new(dir, size);

        let mut tree = TileHashes::default();
        let mut index = HashMap::new();
        let mut tail = Vec::new();
        let mut status_lists = Vec::new();
        let bundles = size.div_ceil(TILE_WIDTH);
        for n in 0..bundles {
            let entries = reader.read_bundle(n)?;
            let last = n + 1 == bundles;
            for (i, e) in entries.iter().enumerate() {
                let leaf = leaf_hash(e);
                let at = n * TILE_WIDTH + i as u64;
                if is_status_list_entry(e) {
                    status_lists.push((at, e.clone()));
                }
                if let Some(prev) = index.insert(leaf, at) {
                    return Err(LogError::Corrupt {
                        path: dir.join(bundle_path(n, entries.len() as u64)),
                        reason: format!("entry {at} duplicates entry {prev}"),
                    });
                }
                tree.push_leaf(leaf);
            }
            if last && size % TILE_WIDTH != 0 {
                tail = entries;
            }
        }
        check_tiles_and_root(
            dir,
            &reader,
            &tree,
            (size, checkpoint.root),
            0,
            "hashes differ from those of the entry bundles",
        )?;
        // Entries committed after the checkpoint (read only: a torn last
        // record is left for the next writer to cut off).
        let journal_path = dir.join(JOURNAL_FILE);
        let mut journal_at_open = None;
        if let Some(contents) = journal::read(&journal_path)? {
            journal_at_open = Some(JournalMark::of(&contents));
            for e in journal::entries_beyond(&journal_path, contents, tree.leaves())? {
                let leaf = leaf_hash(&e);
                let at = tree.leaves().len() as u64;
                if is_status_list_entry(&e) {
                    status_lists.push((at, e.clone()));
                }
                if let Some(prev) = index.insert(leaf, at) {
                    return Err(LogError::Corrupt {
                        path: journal_path,
                        reason: format!("entry {at} duplicates entry {prev}"),
                    });
                }
                tree.push_leaf(leaf);
                tail.push(e);
            }
        }
        let committed = tree.leaves().len() as u64;
        Ok(TileLog {
            dir: dir.to_path_buf(),
            verifier,
            checkpoint,
            note,
            tree,
            index,
            published: size,
            tail,
            committed,
            journal: None,
            journal_at_open,
            last_publish: None,
            status_lists,
        })
    }

    /// The log directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log's origin (also its note key name).
    pub fn origin(&self) -> &str {
        &self.checkpoint.origin
    }

    /// The verifier key stored in the directory (self-asserted).
    pub fn verifier(&self) -> &NoteVerifier {
        &self.verifier
    }

    /// The latest published checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The latest published checkpoint as a signed note.
    pub fn checkpoint_note(&self) -> &str {
        &self.note
    }

    /// The published tree size.
    pub fn size(&self) -> u64 {
        self.published
    }

    /// Entries appended but not yet published (committed or not).
    pub fn pending(&self) -> u64 {
        self.tree.leaves().len() as u64 - self.published
    }

    /// The number of durable leaves: those of the checkpoint and those
    /// committed after it ([`TileLog::commit`]). Leaves below this survive a
    /// crash; leaves from it to the last appended do not.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// The index of an appended leaf hash (published, committed or only
    /// appended), if present.
    pub fn appended_index(&self, leaf: &Hash) -> Option<u64> {
        self.index.get(leaf).copied()
    }

    /// The published leaf hashes, in order (`leaf_hash(artifact.as_bytes())`).
    pub fn leaf_hashes(&self) -> &[Hash] {
        let leaves = self.tree.leaves();
        leaves.get(..self.published as usize).unwrap_or(leaves)
    }

    /// The index of a published leaf hash, if present.
    pub fn leaf_index(&self, leaf: &Hash) -> Option<u64> {
        self.index
            .get(leaf)
            .copied()
            .filter(|&i| i < self.published)
    }

    /// The index of a published artifact, if present.
    pub fn artifact_index(&self, artifact: &Artifact) -> Option<u64> {
        self.leaf_index(&leaf_hash(artifact.as_bytes()))
    }

    /// A reader of the published tree's tiles and bundles on disk.
    pub fn tile_reader(&self) -> TileReader {
        TileReader::new(&self.dir, self.published)
    }

    /// Appends an artifact after verifying it against `trust`
    /// ([`Artifact::verify`]) and checking it is not already in the log
    /// (published or pending). Returns its leaf index. Nothing is written
    /// until [`TileLog::commit`] or [`TileLog::publish`].
    pub fn append_artifact(
        &mut self,
        artifact: &Artifact,
        trust: &TrustSet,
    ) -> Result<u64, LogError> {
        self.append_admitted(Admitted::check(artifact, trust)?)
    }

    /// Appends an artifact that was already verified ([`Admitted`], e.g.
    /// many at once on all cores with [`admit_all`](super::admit_all)),
    /// rejecting duplicates. Returns its leaf index. Nothing is written
    /// until [`TileLog::commit`] or [`TileLog::publish`].
    pub fn append_admitted(&mut self, admitted: Admitted<'_>) -> Result<u64, LogError> {
        self.append_entry(admitted.artifact().as_bytes())
    }

    /// Appends raw entry bytes without any check of their content. Kept
    /// inside the crate: every entry of a consentkit log is a verified
    /// artifact (see the module docs).
    pub(crate) fn append_entry(&mut self, entry: &[u8]) -> Result<u64, LogError> {
        if entry.len() > MAX_ENTRY_SIZE {
            return Err(LogError::EntryTooLarge {
                size: entry.len(),
                max: MAX_ENTRY_SIZE,
            });
        }
        let leaf = leaf_hash(entry);
        if let Some(&index) = self.index.get(&leaf) {
            return Err(LogError::Duplicate { index });
        }
        let index = self.tree.leaves().len() as u64;
        self.tree.push_leaf(leaf);
        self.index.insert(leaf, index);
        self.tail.push(entry.to_vec());
        Ok(index)
    }

    /// Group commit: makes every appended entry durable without writing
    /// tiles or signing a checkpoint. The entries go to the log's journal
    /// as one record, with one sync of that one file (see
    /// [`journal`](super::journal)). When this returns, they survive a
    /// crash: [`TileLog::open`] finds them, and the next
    /// [`TileLog::publish`] (by this handle or a later one) includes them at
    /// the indices [`TileLog::append_artifact`] returned. Proofs need that
    /// checkpoint. Returns the committed size.
    pub fn commit(&mut self) -> Result<u64, LogError> {
        let total = self.tree.leaves().len() as u64;
        if total == self.committed {
            return Ok(total);
        }
        let _lock = DirLock::acquire(&self.dir)?;
        self.check_unchanged()?;
        let mut writer = match self.journal.take() {
            Some(j) if j.end() == self.committed => j,
            Some(_) | None => match self.journal_at_open.take() {
                Some(m) if m.base + m.count == self.committed && m.valid_len > 0 => {
                    let path = self.dir.join(JOURNAL_FILE);
                    let contents = journal::read(&path)?.ok_or(LogError::Changed)?;
                    JournalWriter::resume(&self.dir, &contents)?
                }
                _ => JournalWriter::create(&self.dir, self.committed)?,
            },
        };
        let from =
            usize::try_from(self.committed - self.tail_start()).map_err(|_| LogError::Changed)?;
        writer.append(self.tail.get(from..).unwrap_or(&[]))?;
        self.journal = Some(writer);
        self.journal_at_open = None;
        self.committed = total;
        Ok(total)
    }

    /// The leaf index of `tail[0]`.
    fn tail_start(&self) -> u64 {
        self.published / TILE_WIDTH * TILE_WIDTH
    }

    /// Under the lock: the checkpoint and the journal on disk are the ones
    /// this handle knows (no other writer published or committed since).
    fn check_unchanged(&self) -> Result<(), LogError> {
        let cp_path = self.dir.join(CHECKPOINT_FILE);
        if read_bounded(&cp_path, MAX_NOTE_SIZE)? != self.note.as_bytes() {
            return Err(LogError::Changed);
        }
        let path = self.dir.join(JOURNAL_FILE);
        let same = match (&self.journal, &self.journal_at_open) {
            (Some(j), _) => j.unchanged(),
            (None, Some(m)) => journal::read(&path)?.is_some_and(|c| JournalMark::of(&c) == *m),
            (None, None) => !path.exists(),
        };
        if same {
            Ok(())
        } else {
            Err(LogError::Changed)
        }
    }

    /// Publishes on a fixed interval, whatever the entry rate: publishes
    /// ([`TileLog::publish`]) when this handle has not published yet or at
    /// least `interval` has passed since it last did (`now` and `interval`
    /// in any one unit, e.g. milliseconds), and there is something new;
    /// otherwise only commits ([`TileLog::commit`]). Returns the new
    /// checkpoint when one was signed. So the checkpoints a witness must
    /// cosign come at most once per interval, however many entries arrive.
    pub fn publish_if_due(
        &mut self,
        signer: &dyn Signer,
        now: u64,
        interval: u64,
    ) -> Result<Option<&Checkpoint>, LogError> {
        let due = self
            .last_publish
            .is_none_or(|t| now.saturating_sub(t) >= interval);
        if !due || self.pending() == 0 {
            self.commit()?;
            return Ok(None);
        }
        self.publish(signer)?;
        self.last_publish = Some(now);
        Ok(Some(&self.checkpoint))
    }

    /// Writes the pending entries' bundles and tiles, then signs and writes
    /// the new checkpoint (to the archive, then as `checkpoint`), and
    /// removes the journal (every committed entry is now in the tiles).
    /// Does nothing when nothing is pending. `signer` must be the log's key.
    pub fn publish(&mut self, signer: &dyn Signer) -> Result<&Checkpoint, LogError> {
        let size = self.tree.leaves().len() as u64;
        if size == self.published {
            return Ok(&self.checkpoint);
        }
        let theirs = NoteVerifier::ed25519(self.origin(), &signer.public_key())?;
        if theirs != self.verifier {
            return Err(LogError::KeyMismatch {
                vkey: self.verifier.to_vkey(),
            });
        }
        let _lock = DirLock::acquire(&self.dir)?;
        self.check_unchanged()?;
        let cp_path = self.dir.join(CHECKPOINT_FILE);
        let mut w = Writer::default();
        let mut files = Vec::new();
        let old = self.published;
        let first_bundle = old / TILE_WIDTH;
        for (i, chunk) in self.tail.chunks(TILE_WIDTH as usize).enumerate() {
            let n = first_bundle + i as u64;
            let path = self.dir.join(bundle_path(n, chunk.len() as u64));
            files.push((path, encode_bundle(chunk)?));
        }
        for level in 0..=TileHashes::top_level(size) {
            let (before, after) = (level_count(old, level), level_count(size, level));
            if before == after {
                continue;
            }
            for n in before / TILE_WIDTH..after.div_ceil(TILE_WIDTH) {
                let (Some(width), Some(hashes)) =
                    (tile_width(size, level, n), self.tree.tile(size, level, n))
                else {
                    return Err(LogError::MissingSubtree {
                        level: level * 8,
                        index: n,
                    });
                };
                let bytes: Vec<u8> = hashes.iter().flatten().copied().collect();
                files.push((self.dir.join(tile_path(level, n, width)), bytes));
            }
        }
        w.write_many(files)?;
        w.sync_dirs()?;
        let checkpoint = Checkpoint {
            origin: self.checkpoint.origin.clone(),
            size,
            root: merkle::root(&self.tree, size)?,
            extensions: Vec::new(),
        };
        let note = checkpoint.sign(signer)?;
        w.write(&self.dir.join(archive_path(size)), note.as_bytes())?;
        w.sync_dirs()?;
        w.write(&cp_path, note.as_bytes())?;
        w.sync_dirs()?;
        let keep_from = ((size / TILE_WIDTH - first_bundle) * TILE_WIDTH) as usize;
        self.tail.drain(..keep_from.min(self.tail.len()));
        self.checkpoint = checkpoint;
        self.note = note;
        self.published = size;
        self.committed = size;
        // Everything the journal held is in the tiles now. If this removal
        // is lost in a crash, the journal's entries are checked against the
        // tiles on open and skipped.
        let journal_path = self.dir.join(JOURNAL_FILE);
        self.journal = None;
        self.journal_at_open = None;
        match fs::remove_file(&journal_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(LogError::io(&journal_path, e)),
        }
        Ok(&self.checkpoint)
    }

    /// Replaces the latest checkpoint (and its archive copy) with the same
    /// checkpoint carrying more signature lines, e.g. witness cosignatures
    /// ([`super::witness::witness_checkpoint`]). The note's text must be the
    /// latest checkpoint's, and the log's own signature on it must verify.
    pub fn add_cosignatures(&mut self, note: &str) -> Result<(), LogError> {
        let parsed = SignedNote::parse(note.as_bytes())?;
        if parsed.text() != self.checkpoint.to_text() {
            return Err(LogError::NotLatestCheckpoint);
        }
        parsed.verify(std::slice::from_ref(&self.verifier))?;
        if note == self.note {
            return Ok(());
        }
        let _lock = DirLock::acquire(&self.dir)?;
        let cp_path = self.dir.join(CHECKPOINT_FILE);
        if read_bounded(&cp_path, MAX_NOTE_SIZE)? != self.note.as_bytes() {
            return Err(LogError::Changed);
        }
        let mut w = Writer::default();
        w.write(
            &self.dir.join(archive_path(self.published)),
            note.as_bytes(),
        )?;
        w.sync_dirs()?;
        w.write(&cp_path, note.as_bytes())?;
        w.sync_dirs()?;
        self.note = note.to_owned();
        Ok(())
    }

    /// The root hash of the published tree's first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, LogError> {
        self.check_published(size)?;
        merkle::root(&self.tree, size)
    }

    fn check_published(&self, size: u64) -> Result<(), LogError> {
        if size > self.published {
            return Err(ProofError::SizeUnavailable {
                size,
                available: self.published,
            }
            .into());
        }
        Ok(())
    }

    /// The inclusion proof of leaf `index` in the published tree of `size`
    /// leaves, with the signed checkpoint of that size when one was published.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionProof, LogError> {
        self.check_published(size)?;
        let path = merkle::inclusion_proof(&self.tree, index, size)?;
        Ok(InclusionProof {
            leaf_index: index,
            tree_size: size,
            path,
            checkpoint: self.archived_note(size)?,
        })
    }

    /// The consistency proof between the published trees of `old` and `new` leaves.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<ConsistencyProof, LogError> {
        self.check_published(new)?;
        let path = merkle::consistency_proof(&self.tree, old, new)?;
        Ok(ConsistencyProof {
            old_size: old,
            new_size: new,
            path,
        })
    }

    /// The signed checkpoint published at `size`, if any.
    pub fn archived_note(&self, size: u64) -> Result<Option<String>, LogError> {
        if size == self.published {
            return Ok(Some(self.note.clone()));
        }
        let path = self.dir.join(archive_path(size));
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = read_bounded(&path, MAX_NOTE_SIZE)?;
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| LogError::Corrupt {
                path,
                reason: "not UTF-8".into(),
            })
    }

    /// Checks that a checkpoint (already verified with the log's key, e.g.
    /// one a wallet kept) is a prefix of the published log: same origin,
    /// not larger, and consistent by a consistency proof.
    pub fn verify_older_checkpoint(&self, old: &Checkpoint) -> Result<(), LogError> {
        self.published_tree().verify_older_checkpoint(old)
    }

    /// The archived checkpoints as (tree size, signed note), by size.
    /// Fails on the first file that is not one.
    pub fn checkpoint_history(&self) -> Result<Vec<(u64, String)>, LogError> {
        self.published_tree().checkpoint_history()
    }

    /// Verifies the latest checkpoint and every archived checkpoint with
    /// `verifier` (the log's key, obtained from a trusted source), and that
    /// each archived checkpoint is consistent with the latest one: the log
    /// only grew. Each failing file is reported; `Err` only when the
    /// archive cannot be listed.
    pub fn verify_checkpoint_history(
        &self,
        verifier: &NoteVerifier,
    ) -> Result<HistoryReport, LogError> {
        self.published_tree().verify_checkpoint_history(verifier)
    }

    fn published_tree(&self) -> Published<'_> {
        Published {
            dir: &self.dir,
            size: self.published,
            checkpoint: &self.checkpoint,
            note: &self.note,
            tree: &self.tree,
        }
    }
}

/// A published tree as the history checks see it: the log directory (for
/// its archive), the latest checkpoint and its note, and the tree's tile
/// hashes (verified against the checkpoint's root).
pub(super) struct Published<'a> {
    pub(super) dir: &'a Path,
    pub(super) size: u64,
    pub(super) checkpoint: &'a Checkpoint,
    pub(super) note: &'a str,
    pub(super) tree: &'a TileHashes,
}

fn check_size(size: u64, available: u64) -> Result<(), LogError> {
    if size > available {
        return Err(ProofError::SizeUnavailable { size, available }.into());
    }
    Ok(())
}

impl Published<'_> {
    /// Checks that a checkpoint (already verified with the log's key, e.g.
    /// one a wallet kept) is a prefix of the published log: same origin,
    /// not larger, and consistent by a consistency proof.
    pub(super) fn verify_older_checkpoint(&self, old: &Checkpoint) -> Result<(), LogError> {
        if old.origin != self.checkpoint.origin {
            return Err(LogError::WrongOrigin {
                expected: self.checkpoint.origin.clone(),
                found: old.origin.clone(),
            });
        }
        check_size(old.size, self.size)?;
        if old.size == 0 {
            return match old.root == EMPTY_ROOT {
                true => Ok(()),
                false => Err(ProofError::RootMismatch.into()),
            };
        }
        let proof = merkle::consistency_proof(self.tree, old.size, self.size)?;
        verify_consistency(
            old.size,
            self.size,
            &old.root,
            &self.checkpoint.root,
            &proof,
        )?;
        Ok(())
    }

    /// The archived checkpoints as (tree size, signed note), by size.
    /// Fails on the first file that is not one.
    pub(super) fn checkpoint_history(&self) -> Result<Vec<(u64, String)>, LogError> {
        let mut out = Vec::new();
        for (file, size, note) in self.archive_files()? {
            let path = self.dir.join(&file);
            let size = size.ok_or_else(|| LogError::Corrupt {
                path: path.clone(),
                reason: "file name is not a tree size".into(),
            })?;
            let note = note.map_err(|reason| LogError::Corrupt {
                path: path.clone(),
                reason,
            })?;
            out.push((size, note));
        }
        Ok(out)
    }

    /// Lists `checkpoints/`: (file relative to the log, size from the name,
    /// contents or why they could not be read), sorted by size.
    #[allow(clippy::type_complexity)]
    fn archive_files(
        &self,
    ) -> Result<Vec<(String, Option<u64>, Result<String, String>)>, LogError> {
        let dir = self.dir.join(ARCHIVE_DIR);
        let mut out = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| LogError::io(&dir, e))? {
            let entry = entry.map_err(|e| LogError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                // An interrupted write.
                continue;
            }
            let size = parse_size(&name);
            let note = read_bounded(&entry.path(), MAX_NOTE_SIZE)
                .map_err(|e| e.to_string())
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8".to_owned()));
            out.push((format!("{ARCHIVE_DIR}/{name}"), size, note));
        }
        // By size; names that are not sizes last.
        out.sort_by(|a, b| (a.1.is_none(), a.1, &a.0).cmp(&(b.1.is_none(), b.1, &b.0)));
        Ok(out)
    }

    /// Verifies the latest checkpoint and every archived checkpoint with
    /// `verifier` (the log's key, obtained from a trusted source), and that
    /// each archived checkpoint is consistent with the latest one: the log
    /// only grew. Each failing file is reported; `Err` only when the
    /// archive cannot be listed.
    pub(super) fn verify_checkpoint_history(
        &self,
        verifier: &NoteVerifier,
    ) -> Result<HistoryReport, LogError> {
        let verifiers = std::slice::from_ref(verifier);
        let mut problems = Vec::new();
        let mut consistent = Vec::new();
        let latest = self.size;
        let origin = self.checkpoint.origin.clone();
        let check_origin = |cp: &Checkpoint| {
            (cp.origin != origin).then(|| HistoryProblemKind::WrongOrigin {
                expected: origin.clone(),
                found: cp.origin.clone(),
            })
        };
        match Checkpoint::open(self.note.as_bytes(), verifiers) {
            Err(e) => problems.push(HistoryProblem {
                file: CHECKPOINT_FILE.into(),
                size: Some(latest),
                kind: HistoryProblemKind::Note(e),
            }),
            Ok(cp) => {
                if let Some(kind) = check_origin(&cp).or_else(|| {
                    (verifier.name() != origin).then(|| HistoryProblemKind::WrongOrigin {
                        expected: verifier.name().to_owned(),
                        found: origin.clone(),
                    })
                }) {
                    problems.push(HistoryProblem {
                        file: CHECKPOINT_FILE.into(),
                        size: Some(latest),
                        kind,
                    });
                }
            }
        }
        let mut latest_archived = false;
        for (file, name_size, note) in self.archive_files()? {
            let problem = |kind| HistoryProblem {
                file: file.clone(),
                size: name_size,
                kind,
            };
            let Some(size) = name_size else {
                problems.push(problem(HistoryProblemKind::BadFileName));
                continue;
            };
            let note = match note {
                Ok(n) => n,
                Err(e) => {
                    problems.push(problem(HistoryProblemKind::Unreadable(e)));
                    continue;
                }
            };
            let cp = match Checkpoint::open(note.as_bytes(), verifiers) {
                Ok(cp) => cp,
                Err(e) => {
                    problems.push(problem(HistoryProblemKind::Note(e)));
                    continue;
                }
            };
            if let Some(kind) = check_origin(&cp) {
                problems.push(problem(kind));
                continue;
            }
            if cp.size != size {
                problems.push(problem(HistoryProblemKind::SizeMismatch {
                    file: size,
                    found: cp.size,
                }));
                continue;
            }
            if size > latest {
                problems.push(problem(HistoryProblemKind::BeyondLatest { size, latest }));
                continue;
            }
            match self.verify_older_checkpoint(&cp) {
                Ok(()) => {
                    latest_archived |= size == latest;
                    consistent.push(size);
                }
                Err(LogError::Proof(e)) => {
                    problems.push(problem(HistoryProblemKind::Inconsistent(e)))
                }
                Err(e) => problems.push(problem(HistoryProblemKind::Unreadable(e.to_string()))),
            }
        }
        if !latest_archived {
            problems.push(HistoryProblem {
                file: archive_path(latest),
                size: Some(latest),
                kind: HistoryProblemKind::LatestNotArchived,
            });
        }
        Ok(HistoryReport {
            latest: self.checkpoint.clone(),
            consistent,
            problems,
        })
    }
}

/// Checks every hash tile on disk from `first_level` up against the tree
/// computed for the first `size` leaves, then the tree's root against the
/// checkpoint's `root`: a tile that differs is [`LogError::Corrupt`] with
/// `reason`, a root that differs [`LogError::RootMismatch`].
pub(super) fn check_tiles_and_root(
    dir: &Path,
    reader: &TileReader,
    tree: &TileHashes,
    (size, root): (u64, Hash),
    first_level: u8,
    reason: &str,
) -> Result<(), LogError> {
    for level in first_level..=TileHashes::top_level(size) {
        let tiles = level_count(size, level).div_ceil(TILE_WIDTH);
        for n in 0..tiles {
            let on_disk = reader.read_tile(level, n)?;
            if tree.tile(size, level, n) != Some(on_disk.as_slice()) {
                let width = tile_width(size, level, n).unwrap_or(0);
                return Err(LogError::Corrupt {
                    path: dir.join(tile_path(level, n, width)),
                    reason: reason.into(),
                });
            }
        }
    }
    if merkle::root(tree, size)? != root {
        return Err(LogError::RootMismatch { size });
    }
    Ok(())
}
