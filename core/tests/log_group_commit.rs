//! Group commit in a real process that is killed, and the tiles it writes
//! read by code nobody here wrote.
//!
//! - `a_writer_killed_at_any_moment_loses_nothing_it_acknowledged`: a
//!   child process (this test binary, running the ignored
//!   `crash_child_writer`) appends receipts in batches, commits each batch
//!   (`TileLog::commit`), publishes every few milliseconds
//!   (`TileLog::publish_if_due`) and prints each acknowledged size. It is
//!   killed (SIGKILL) at whatever moment it has reached; three times over
//!   the same log. Every acknowledged entry must be there, at its index,
//!   and the log must reopen and publish consistently.
//! - `group_committed_tiles_are_read_by_tlog_tiles`: the tiles of every
//!   checkpoint a group-committing log published are read with the
//!   crates.io `tlog_tiles` 0.2 crate (Cloudflare's port of Go's
//!   `golang.org/x/mod/sumdb/tlog`): its tree hash equals the checkpoint's
//!   root and its record proofs check.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use consentkit::log::{leaf_hash, Admitted, Checkpoint, TileLog, LOCK_FILE};
use consentkit::privacy::commit_with_salt;
use consentkit::sample::{self, T0};
use consentkit::{Artifact, KeyPair};

const ORIGIN: &str = "log.example/group-commit";
const CHILD_ENV: &str = "CONSENTKIT_TEST_CRASH_CHILD_LOG";

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-group-commit-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn log_key() -> KeyPair {
    KeyPair::ed25519_from_seed(&[0x33; 32]).unwrap()
}

/// Receipt `i`: deterministic and distinct.
struct Receipts {
    parties: sample::Parties,
    grant: Artifact,
}

impl Receipts {
    fn new() -> Receipts {
        let parties = sample::Parties::new().unwrap();
        let offer = sample::signed_offer(&parties).unwrap();
        let grant = sample::signed_grant(&parties, &offer).unwrap();
        Receipts { parties, grant }
    }
    fn get(&self, i: u64) -> Artifact {
        let mut r = sample::receipt(&self.grant).unwrap();
        r.used_at = T0 + 7_200 + i;
        r.commitment = commit_with_salt(&i.to_be_bytes(), [7; 16]).value;
        r.sign(&self.grant, &self.parties.controller).unwrap()
    }
}

/// The child: run only by the test below, in its own process.
#[test]
#[ignore = "run by a_writer_killed_at_any_moment_loses_nothing_it_acknowledged in a child process"]
fn crash_child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let key = log_key();
    let rs = Receipts::new();
    let trust = rs.parties.trust();
    let mut log = TileLog::open(Path::new(&dir)).unwrap();
    let start = log.committed();
    // Signed before the clock starts, so that the kill lands in the log's
    // work rather than in signing.
    let all: Vec<Artifact> = (start..start + 3_000).map(|i| rs.get(i)).collect();
    let t0 = Instant::now();
    for batch in all.chunks(37) {
        for a in batch {
            log.append_admitted(Admitted::check(a, &trust).unwrap())
                .unwrap();
        }
        log.publish_if_due(&key, t0.elapsed().as_millis() as u64, 15)
            .unwrap();
        println!("acked {}", log.committed());
    }
}

#[test]
fn a_writer_killed_at_any_moment_loses_nothing_it_acknowledged() {
    let dir = tmp("killed");
    let key = log_key();
    TileLog::create(&dir, ORIGIN, &key).unwrap();
    let rs = Receipts::new();
    let mut acked = 0u64;
    for (round, kill_after) in [(1, 400u64), (2, 900), (3, 1_700)] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        for line in out.lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("acked ") {
                let n: u64 = n.parse().unwrap();
                assert!(n >= acked, "round {round}: acknowledged sizes only grow");
                acked = n;
                if acked >= kill_after {
                    child.kill().unwrap();
                    break;
                }
            }
        }
        child.wait().unwrap();
        assert!(
            acked >= kill_after,
            "round {round}: the child stopped early"
        );

        // Reading needs no lock and writes nothing.
        let log = TileLog::open(&dir).unwrap();
        assert!(log.committed() >= acked, "round {round}");
        for i in 0..acked {
            let leaf = leaf_hash(rs.get(i).as_bytes());
            assert_eq!(
                log.appended_index(&leaf),
                Some(i),
                "round {round}, entry {i}"
            );
        }
        // A writer killed while holding the lock leaves it; the next one
        // removes it, as the `Locked` error says.
        let _ = std::fs::remove_file(dir.join(LOCK_FILE));
    }

    let mut log = TileLog::open(&dir).unwrap();
    log.publish(&key).unwrap();
    let log = TileLog::open(&dir).unwrap();
    assert!(log.size() >= acked);
    let reader = log.tile_reader();
    for i in 0..acked {
        assert_eq!(reader.entry(i).unwrap(), rs.get(i).as_bytes(), "entry {i}");
    }
    let report = log.verify_checkpoint_history(log.verifier()).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `tlog_tiles`' tile reader over a C2SP tlog-tiles directory: its paths
/// are Go sumdb paths (`tile/8/0/x001/234`), C2SP drops the height.
struct DirTiles(PathBuf);

impl tlog_tiles::TileReader for DirTiles {
    fn height(&self) -> u8 {
        8
    }
    fn read_tiles(
        &self,
        tiles: &[tlog_tiles::Tile],
    ) -> Result<Vec<Vec<u8>>, tlog_tiles::tlog::Error> {
        Ok(tiles
            .iter()
            .map(|t| {
                let path = t.path().replacen("tile/8/", "tile/", 1);
                std::fs::read(self.0.join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
            })
            .collect())
    }
    fn save_tiles(&self, _: &[tlog_tiles::Tile], _: &[Vec<u8>]) {}
}

#[test]
fn group_committed_tiles_are_read_by_tlog_tiles() {
    use tlog_tiles::tlog::{check_record, prove_record, record_hash, tree_hash, Hash};
    let dir = tmp("tlog-tiles");
    let key = log_key();
    let rs = Receipts::new();
    let trust = rs.parties.trust();
    let all: Vec<Artifact> = (0..700).map(|i| rs.get(i)).collect();
    let mut log = TileLog::create(&dir, ORIGIN, &key).unwrap();
    // Batches of 45, committed; a checkpoint every third batch.
    for (b, batch) in all.chunks(45).enumerate() {
        for a in batch {
            log.append_admitted(Admitted::check(a, &trust).unwrap())
                .unwrap();
        }
        log.publish_if_due(&key, b as u64, 3).unwrap();
    }
    log.publish(&key).unwrap();
    let history = log.checkpoint_history().unwrap();
    assert!(history.len() > 4, "{history:?}");
    let reader = DirTiles(dir.clone());
    for (size, note) in history.into_iter().filter(|(s, _)| *s > 0) {
        let cp = Checkpoint::open(note.as_bytes(), std::slice::from_ref(log.verifier())).unwrap();
        let thr = tlog_tiles::TileHashReader::new(size, Hash(cp.root), &reader);
        assert_eq!(tree_hash(size, &thr).unwrap(), Hash(cp.root), "size {size}");
        for i in [0, size / 2, size - 1] {
            let proof = prove_record(size, i, &thr).unwrap();
            check_record(
                &proof,
                size,
                Hash(cp.root),
                i,
                record_hash(all[i as usize].as_bytes()),
            )
            .unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
