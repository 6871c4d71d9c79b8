//! Log appends per second, durable, on one core: integration (leaf hashing,
//! the duplicate index, tile hashes) plus the writes that make the entries
//! survive a crash, against raw SHA-256 leaf hashing of the same entries
//! measured in the same run.
//!
//! ```text
//! cargo run --release -p consentkit --example log_append -- [N] [BATCH] [INTERVAL_MS] [DIR]
//! ```
//!
//! N data receipts (default 200,000) are signed and admitted first
//! (`admit_all`, signature checks on all cores; timed apart, since
//! admission is not integration). Then, each in a fresh log under DIR
//! (default: the temp directory), on this one thread:
//!
//! - `raw leaf hashing`: SHA-256(0x00 || entry) of every entry, nothing
//!   else (the floor: one leaf per artifact cannot cost less);
//! - `old: publish per entry`: before group commit, the only durable append
//!   was `publish` after each entry: tiles, bundles and a signed checkpoint
//!   per entry (run over the first 1,000 entries only: it is slow);
//! - `old: publish per batch`: the same, once per BATCH entries (durable,
//!   but one checkpoint per batch: witness load grows with traffic);
//! - `group commit`: `commit` per BATCH entries (one journal record, one
//!   fdatasync), `publish_if_due` every INTERVAL_MS (default 1,000 ms):
//!   tiles, bundles and one checkpoint per interval, whatever the rate.
//!
//! Each line gives entries per second (wall clock), the thread's CPU time
//! per entry (from /proc: not counting the time other processes hold the
//! core), the syncs or checkpoints, and the ratio against raw leaf hashing.
//! Last, the group-commit log is reopened and its root checked.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::time::Instant;

use consentkit::log::{admit_all, leaf_hash, Admitted, MemoryTree, TileLog};
use consentkit::privacy::commit_with_salt;
use consentkit::sample::{self, T0};
use consentkit::{Artifact, KeyPair};

type Res<T> = Result<T, Box<dyn StdError>>;

/// Entries in the `publish per entry` run.
const OLD_PER_ENTRY: usize = 1_000;

/// CPU seconds (utime + stime, 1/100 s ticks) from a `/proc/.../stat` file.
fn cpu_secs(path: &str) -> Option<f64> {
    let s = std::fs::read_to_string(path).ok()?;
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn thread_cpu() -> f64 {
    cpu_secs("/proc/thread-self/stat").unwrap_or(f64::NAN)
}

fn process_cpu() -> f64 {
    cpu_secs("/proc/self/stat").unwrap_or(f64::NAN)
}

/// Busy CPU seconds of the whole machine (all processes), from /proc/stat.
fn machine_busy() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/stat") else {
        return f64::NAN;
    };
    let v: Vec<u64> = s
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    total.saturating_sub(idle) as f64 / 100.0
}

/// One measured run.
struct Run {
    name: String,
    entries: usize,
    wall: f64,
    cpu: f64,
    /// CPU time of every thread of the process (the file-sync threads too).
    pcpu: f64,
    /// Others' busy cores during the run.
    others: f64,
    note: String,
}

impl Run {
    fn rate(&self) -> f64 {
        self.entries as f64 / self.wall
    }
    fn cpu_us(&self) -> f64 {
        self.cpu * 1e6 / self.entries as f64
    }
    fn pcpu_us(&self) -> f64 {
        self.pcpu * 1e6 / self.entries as f64
    }
}

fn measure(name: &str, entries: usize, f: impl FnOnce() -> Res<String>) -> Res<Run> {
    let (w, c, busy, pc) = (Instant::now(), thread_cpu(), machine_busy(), process_cpu());
    let note = f()?;
    let wall = w.elapsed().as_secs_f64();
    let cpu = thread_cpu() - c;
    let pcpu = process_cpu() - pc;
    let others = ((machine_busy() - busy) - pcpu).max(0.0) / wall;
    Ok(Run {
        name: name.to_owned(),
        entries,
        wall,
        cpu,
        pcpu,
        others,
        note,
    })
}

fn now_ms(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

fn fresh(base: &Path, name: &str) -> Res<PathBuf> {
    let d = base.join(format!(
        "consentkit-log-append-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    Ok(d)
}

/// N distinct receipts signed by the sample controller, on all cores.
fn receipts(p: &sample::Parties, grant: &Artifact, n: usize) -> Res<Vec<Artifact>> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let chunk = n.div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Artifact>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || {
                    (start..(start + chunk).min(n))
                        .map(|i| {
                            let mut r = sample::receipt(grant).map_err(|e| e.to_string())?;
                            r.used_at = T0 + 7_200 + i as u64;
                            let mut salt = [0x5a; 16];
                            salt[..8].copy_from_slice(&(i as u64).to_le_bytes());
                            r.commitment = commit_with_salt(&(i as u64).to_be_bytes(), salt).value;
                            r.sign(grant, &p.controller).map_err(|e| e.to_string())
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a signing thread panicked".into()))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(n);
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(Ok(200_000), |s| s.parse())?;
    let batch: usize = args.get(1).map_or(Ok(1_000), |s| s.parse())?;
    let interval: u64 = args.get(2).map_or(Ok(1_000), |s| s.parse())?;
    let base = args.get(3).map_or_else(std::env::temp_dir, PathBuf::from);
    if n < OLD_PER_ENTRY || batch == 0 {
        return Err(format!("N must be at least {OLD_PER_ENTRY} and BATCH at least 1").into());
    }

    let p = sample::Parties::new()?;
    let offer = sample::signed_offer(&p)?;
    let grant = sample::signed_grant(&p, &offer)?;
    let trust = p.trust();
    let key = KeyPair::ed25519_from_seed(&[0x42; 32])?;

    // The receipts are deterministic for a given N: signed once, kept in DIR.
    let cache = base.join(format!("consentkit-log-append-{n}.cbors"));
    let artifacts = match std::fs::read(&cache) {
        Ok(bytes) => consentkit::cbor::seq::split(&bytes)
            .map(|item| match item {
                consentkit::cbor::seq::Framed::Item { bytes, .. } => Ok(Artifact::decode(&bytes)?),
                _ => Err(Box::<dyn StdError>::from("bad receipt cache")),
            })
            .collect::<Res<Vec<Artifact>>>()?,
        Err(_) => {
            let t = Instant::now();
            let artifacts = receipts(&p, &grant, n)?;
            eprintln!("signed {n} receipts in {:.1} s", t.elapsed().as_secs_f64());
            let all: Vec<u8> = artifacts
                .iter()
                .flat_map(|a| a.as_bytes().to_vec())
                .collect();
            std::fs::write(&cache, all)?;
            artifacts
        }
    };
    if artifacts.len() != n {
        return Err(format!("{}: not {n} receipts", cache.display()).into());
    }
    let only_group = std::env::var_os("CK_LOG_APPEND_ONLY_GROUP").is_some();
    let bytes: usize = artifacts.iter().map(|a| a.as_bytes().len()).sum();
    let (t, c) = (Instant::now(), process_cpu());
    let admitted: Vec<Admitted<'_>> = admit_all(&artifacts, &trust)
        .into_iter()
        .collect::<Result<_, _>>()?;
    let (admit_wall, admit_cpu) = (t.elapsed().as_secs_f64(), process_cpu() - c);

    let mut runs = Vec::new();
    let raw = |name: &str| {
        measure(name, n, || {
            let mut acc = 0u8;
            for a in &admitted {
                acc ^= leaf_hash(a.artifact().as_bytes())[0];
            }
            Ok(format!("(checksum {acc})"))
        })
    };
    runs.push(raw("raw leaf hashing (before)")?);

    let dir = fresh(&base, "old-entry")?;
    if !only_group {
        runs.push(measure("old: publish per entry", OLD_PER_ENTRY, || {
            let mut log = TileLog::create(&dir, "log.example/bench", &key)?;
            for a in &admitted[..OLD_PER_ENTRY] {
                log.append_admitted(*a)?;
                log.publish(&key)?;
            }
            Ok(format!("{OLD_PER_ENTRY} checkpoints"))
        })?);
        let _ = std::fs::remove_dir_all(&dir);

        let dir = fresh(&base, "old-batch")?;
        runs.push(measure(
            &format!("old: publish per batch of {batch}"),
            n,
            || {
                let mut log = TileLog::create(&dir, "log.example/bench", &key)?;
                for chunk in admitted.chunks(batch) {
                    for a in chunk {
                        log.append_admitted(*a)?;
                    }
                    log.publish(&key)?;
                }
                Ok(format!("{} checkpoints", n.div_ceil(batch)))
            },
        )?);
        let _ = std::fs::remove_dir_all(&dir);
    }

    let dir = fresh(&base, "group")?;
    let mut want = MemoryTree::new();
    for a in &admitted {
        want.push_entry(a.artifact().as_bytes());
    }
    runs.push(measure(
        &format!("group commit, batch {batch}, checkpoint every {interval} ms"),
        n,
        || {
            let start = Instant::now();
            let mut log = TileLog::create(&dir, "log.example/bench", &key)?;
            let (mut commits, mut checkpoints) = (0u64, 0u64);
            for chunk in admitted.chunks(batch) {
                for a in chunk {
                    log.append_admitted(*a)?;
                }
                match log.publish_if_due(&key, now_ms(start), interval)? {
                    Some(_) => checkpoints += 1,
                    None => commits += 1,
                }
            }
            log.publish(&key)?;
            checkpoints += 1;
            Ok(format!(
                "{commits} commits (one fdatasync each), {checkpoints} checkpoints"
            ))
        },
    )?);
    let reopened = TileLog::open(&dir)?;
    if reopened.size() != n as u64 || reopened.checkpoint().root != want.root() {
        return Err("the group-commit log did not reopen with the expected root".into());
    }
    let _ = std::fs::remove_dir_all(&dir);

    runs.push(raw("raw leaf hashing (after)")?);
    let raw_cpu = (runs[0].cpu_us() + runs[runs.len() - 1].cpu_us()) / 2.0;
    let raw_rate = (runs[0].rate() + runs[runs.len() - 1].rate()) / 2.0;

    println!(
        "{n} receipts, {:.1} bytes on average; admission (Artifact::verify, all cores): {:.1} µs CPU per artifact, {:.0}/s wall",
        bytes as f64 / n as f64,
        admit_cpu * 1e6 / n as f64,
        n as f64 / admit_wall
    );
    println!();
    println!("| run | entries | entries/s (wall) | CPU µs per entry, this thread / all threads | others' load (cores) | vs raw hashing (wall / CPU) | notes |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for r in &runs {
        println!(
            "| {} | {} | {:.0} | {:.2} / {:.2} | {:.2} | {:.3} / {:.3} | {} |",
            r.name,
            r.entries,
            r.rate(),
            r.cpu_us(),
            r.pcpu_us(),
            r.others,
            r.rate() / raw_rate,
            raw_cpu / r.cpu_us(),
            r.note
        );
    }
    Ok(())
}
