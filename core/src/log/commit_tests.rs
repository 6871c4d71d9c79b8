//! Group commit: durability between checkpoints, crashes at every point of
//! a commit and of a publish, reading without writing, and checkpoints on a
//! fixed interval.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::journal::JOURNAL_FILE;
use super::*;
use crate::keys::KeyPair;

const ORIGIN: &str = "log.example/commit";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!(
            "consentkit-log-commit-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        TempDir(d)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn journal(&self) -> PathBuf {
        self.0.join(JOURNAL_FILE)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn key() -> KeyPair {
    KeyPair::ed25519_from_seed(&[0x42; 32]).unwrap()
}

fn entries(from: usize, to: usize) -> Vec<Vec<u8>> {
    (from..to)
        .map(|i| format!("entry {i}").into_bytes())
        .collect()
}

fn root_of(d: &[Vec<u8>]) -> Hash {
    let mut t = MemoryTree::new();
    for e in d {
        t.push_entry(e);
    }
    t.root()
}

fn append_all(log: &mut TileLog, d: &[Vec<u8>]) {
    for e in d {
        log.append_entry(e).unwrap();
    }
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.clone(),
                    (std::fs::read(&p).unwrap(), m.modified().unwrap()),
                );
            }
        }
    }
    out
}

/// Everything a reader does: open, the tiles and bundles of the
/// checkpoint, the archive.
fn read_everything(dir: &Path) -> TileLog {
    let log = TileLog::open(dir).unwrap();
    let r = log.tile_reader();
    for i in 0..log.size() {
        r.entry(i).unwrap();
    }
    if log.size() > 0 {
        log.inclusion_proof(0, log.size()).unwrap();
    }
    assert!(log
        .verify_checkpoint_history(log.verifier())
        .unwrap()
        .is_ok());
    log
}

#[test]
fn commit_makes_entries_durable_without_tiles_or_a_checkpoint() {
    let dir = TempDir::new("durable");
    let key = key();
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    let before = snapshot(dir.path());
    let all = entries(0, 300);
    append_all(&mut log, &all[..100]);
    assert_eq!(log.committed(), 0);
    assert_eq!(log.commit().unwrap(), 100);
    append_all(&mut log, &all[100..]);
    assert_eq!(log.commit().unwrap(), 300);
    assert_eq!((log.size(), log.committed(), log.pending()), (0, 300, 300));
    // Only the journal was written: no tile, no bundle, no checkpoint.
    let after = snapshot(dir.path());
    let new: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(new, vec![&dir.journal()]);
    assert_eq!(
        before.get(&dir.path().join(CHECKPOINT_FILE)),
        after.get(&dir.path().join(CHECKPOINT_FILE))
    );
    // Committing nothing new writes nothing.
    log.commit().unwrap();
    assert_eq!(snapshot(dir.path()), after);
    drop(log);

    // A new handle (after a crash, say) finds them at their indices, not
    // yet published, and publishes them.
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!((log.size(), log.committed()), (0, 300));
    assert_eq!(log.appended_index(&leaf_hash(&all[299])), Some(299));
    assert_eq!(log.leaf_index(&leaf_hash(&all[299])), None);
    assert!(matches!(
        log.append_entry(&all[5]),
        Err(LogError::Duplicate { index: 5 })
    ));
    log.publish(&key).unwrap();
    assert!(!dir.journal().exists());
    let log = read_everything(dir.path());
    assert_eq!(log.size(), 300);
    assert_eq!(log.checkpoint().root, root_of(&all));
    assert_eq!(log.tile_reader().entry(299).unwrap(), all[299]);
}

#[test]
fn a_commit_torn_at_any_byte_loses_only_that_unacknowledged_batch() {
    let dir = TempDir::new("torn");
    let key = key();
    let all = entries(0, 1000);
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    append_all(&mut log, &all[..100]);
    log.publish(&key).unwrap();
    // Two acknowledged commits after the checkpoint.
    append_all(&mut log, &all[100..250]);
    log.commit().unwrap();
    append_all(&mut log, &all[250..300]);
    log.commit().unwrap();
    let acked = std::fs::read(dir.journal()).unwrap();
    // A third commit; then cut the file at every byte of its record, as a
    // crash before its sync returned would leave it (never acknowledged).
    append_all(&mut log, &all[300..310]);
    log.commit().unwrap();
    drop(log);
    let full = std::fs::read(dir.journal()).unwrap();
    assert!(full.len() > acked.len() + 40);
    for cut in acked.len()..full.len() {
        std::fs::write(dir.journal(), &full[..cut]).unwrap();
        let before = snapshot(dir.path());
        let log = TileLog::open(dir.path()).unwrap();
        assert_eq!((log.size(), log.committed()), (100, 300), "cut at {cut}");
        assert_eq!(log.appended_index(&leaf_hash(&all[299])), Some(299));
        assert_eq!(log.appended_index(&leaf_hash(&all[300])), None);
        // Opening did not repair (or touch) anything.
        assert_eq!(snapshot(dir.path()), before, "cut at {cut}");
    }
    // A torn record whose bytes are all there but wrong (a sector not
    // written) is not acknowledged either.
    let mut bad = full.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    std::fs::write(dir.journal(), &bad).unwrap();
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.committed(), 300);
    // The next writer cuts the torn tail off and goes on from 300.
    append_all(&mut log, &all[300..400]);
    assert_eq!(log.commit().unwrap(), 400);
    drop(log);
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.committed(), 400);
    log.publish(&key).unwrap();
    let log = read_everything(dir.path());
    assert_eq!(log.checkpoint().root, root_of(&all[..400]));
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    assert_eq!(report.consistent, vec![0, 100, 400]);
}

#[test]
fn a_publish_interrupted_at_each_step_keeps_every_committed_entry() {
    let key = key();
    let all = entries(0, 700);
    // Crash after the tiles and bundles, before the checkpoint: the journal
    // still holds the entries, and the stray files are ignored.
    let dir = TempDir::new("pub-tiles");
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    append_all(&mut log, &all[..600]);
    log.commit().unwrap();
    let journal = std::fs::read(dir.journal()).unwrap();
    let checkpoint = std::fs::read(dir.path().join(CHECKPOINT_FILE)).unwrap();
    log.publish(&key).unwrap();
    drop(log);
    std::fs::write(dir.path().join(CHECKPOINT_FILE), &checkpoint).unwrap();
    std::fs::remove_file(dir.path().join("checkpoints/600")).unwrap();
    std::fs::write(dir.journal(), &journal).unwrap();
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!((log.size(), log.committed()), (0, 600));
    append_all(&mut log, &all[600..650]);
    log.publish(&key).unwrap();
    let log = read_everything(dir.path());
    assert_eq!(log.checkpoint().root, root_of(&all[..650]));

    // Crash after the checkpoint, before the journal is removed: its
    // entries are checked against the tiles and not counted twice; the next
    // writer appends after them.
    let dir = TempDir::new("pub-journal");
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    append_all(&mut log, &all[..300]);
    log.commit().unwrap();
    let journal = std::fs::read(dir.journal()).unwrap();
    log.publish(&key).unwrap();
    drop(log);
    std::fs::write(dir.journal(), &journal).unwrap();
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!((log.size(), log.committed(), log.pending()), (300, 300, 0));
    append_all(&mut log, &all[300..700]);
    log.commit().unwrap();
    drop(log);
    let mut log = TileLog::open(dir.path()).unwrap();
    assert_eq!((log.size(), log.committed()), (300, 700));
    log.publish(&key).unwrap();
    let log = read_everything(dir.path());
    assert_eq!(log.checkpoint().root, root_of(&all));
}

#[test]
fn a_journal_that_disagrees_with_the_log_is_corrupt() {
    let key = key();
    let all = entries(0, 20);
    let dir = TempDir::new("disagree");
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    append_all(&mut log, &all[..10]);
    log.commit().unwrap();
    let journal = std::fs::read(dir.journal()).unwrap();
    drop(log);
    // A log whose checkpoint holds other entries than the journal's.
    let other = TempDir::new("disagree-other");
    let mut log = TileLog::create(other.path(), ORIGIN, &key).unwrap();
    append_all(&mut log, &entries(100, 105));
    log.publish(&key).unwrap();
    std::fs::write(other.journal(), &journal).unwrap();
    assert!(matches!(
        TileLog::open(other.path()),
        Err(LogError::Corrupt { path, reason }) if path == other.journal() && reason.contains("entry 0 differs")
    ));
    // A journal starting beyond the checkpoint (a gap).
    let mut gap = journal.clone();
    gap[8..16].copy_from_slice(&50u64.to_be_bytes());
    std::fs::write(dir.journal(), &gap).unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::Corrupt { reason, .. }) if reason.contains("beyond the checkpoint")
    ));
    // Not a journal at all.
    std::fs::write(dir.journal(), b"not a journal, clearly").unwrap();
    assert!(matches!(
        TileLog::open(dir.path()),
        Err(LogError::Corrupt { reason, .. }) if reason.contains("not a consentkit log journal")
    ));
}

#[test]
fn a_writer_never_overwrites_another_writers_commit() {
    let key = key();
    let dir = TempDir::new("two-writers");
    TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    let mut a = TileLog::open(dir.path()).unwrap();
    let mut b = TileLog::open(dir.path()).unwrap();
    a.append_entry(b"a").unwrap();
    a.commit().unwrap();
    // b opened before a committed: its commit and its publish would lose
    // a's acknowledged entry.
    b.append_entry(b"b").unwrap();
    assert!(matches!(b.commit(), Err(LogError::Changed)));
    assert!(matches!(b.publish(&key), Err(LogError::Changed)));
    // Also with a journal present at open.
    let mut c = TileLog::open(dir.path()).unwrap();
    a.append_entry(b"a2").unwrap();
    a.commit().unwrap();
    c.append_entry(b"c").unwrap();
    assert!(matches!(c.commit(), Err(LogError::Changed)));
    let log = TileLog::open(dir.path()).unwrap();
    assert_eq!(log.committed(), 2);
    assert_eq!(log.appended_index(&leaf_hash(b"a2")), Some(1));
}

#[test]
fn checkpoints_come_on_a_fixed_interval_whatever_the_entry_rate() {
    let key = key();
    // Over the same 10 simulated seconds with a 1-second interval, 10
    // batches and 2,000 batches give the same number of checkpoints.
    let mut counts = Vec::new();
    for batches in [10u64, 2_000] {
        let dir = TempDir::new(&format!("interval-{batches}"));
        let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
        let mut signed = 0;
        let mut next = 0usize;
        for b in 0..batches {
            let now_ms = b * 10_000 / batches;
            let per = 4;
            append_all(&mut log, &entries(next, next + per));
            next += per;
            if log.publish_if_due(&key, now_ms, 1_000).unwrap().is_some() {
                signed += 1;
            }
            // Every batch is durable when publish_if_due returns.
            assert_eq!(log.committed(), next as u64);
        }
        let history = log.checkpoint_history().unwrap();
        assert_eq!(history.len(), signed + 1, "the empty checkpoint and ours");
        counts.push(signed);
        drop(log);
        let log = read_everything(dir.path());
        assert_eq!(log.committed(), next as u64);
    }
    assert_eq!(counts, vec![10, 10]);

    // Nothing new: no checkpoint, however much time passed.
    let dir = TempDir::new("interval-idle");
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    assert!(log.publish_if_due(&key, 0, 1_000).unwrap().is_none());
    assert!(log.publish_if_due(&key, 50_000, 1_000).unwrap().is_none());
    log.append_entry(b"x").unwrap();
    assert_eq!(
        log.publish_if_due(&key, 50_001, 1_000)
            .unwrap()
            .map(|c| c.size),
        Some(1)
    );
    log.append_entry(b"y").unwrap();
    assert!(log.publish_if_due(&key, 50_500, 1_000).unwrap().is_none());
    assert_eq!(log.committed(), 2);
    assert_eq!(
        log.publish_if_due(&key, 51_001, 1_000)
            .unwrap()
            .map(|c| c.size),
        Some(2)
    );
}

#[test]
fn admitted_artifacts_are_the_only_way_in() {
    let key = key();
    let dir = TempDir::new("admitted");
    let parties = crate::sample::Parties::new().unwrap();
    let all = crate::sample::all(&parties).unwrap();
    let mut log = TileLog::create(dir.path(), ORIGIN, &key).unwrap();
    let admitted = admit_all(&all, &parties.trust());
    assert_eq!(admitted.len(), all.len());
    for (i, a) in admitted.into_iter().enumerate() {
        assert_eq!(log.append_admitted(a.unwrap()).unwrap(), i as u64);
    }
    // An untrusted signer is not admitted.
    let refused = admit_all(&all[..1], &crate::TrustSet::new());
    assert!(refused[0].is_err());
    log.commit().unwrap();
    log.publish(&key).unwrap();
    let log = TileLog::open(dir.path()).unwrap();
    for (i, a) in all.iter().enumerate() {
        assert_eq!(log.artifact_index(a), Some(i as u64));
    }
}
