//! A reproducible large audit: generate a bundle of N data receipts (default
//! 1,000,000) under a few grants with a few partners, write it to a file,
//! then audit it from the file with the streaming two-pass `audit_source`
//! in a separate process, so that the audit's peak memory is its own.
//!
//! ```text
//! cargo run --release -p consentkit --example audit_million -- generate /tmp/m.cbors 1000000
//! cargo run --release -p consentkit --example audit_million -- audit /tmp/m.cbors
//! cargo run --release -p consentkit --example audit_million -- breakdown /tmp/m.cbors 100000
//! ```
//!
//! - `generate PATH [N]`: signs N receipts on all cores (deterministic:
//!   Ed25519 keys from fixed seeds, so the same N gives the same file) and
//!   writes the offer, the grants and the receipts as a CBOR sequence.
//! - `audit PATH`: audits the file, then prints receipts per second, the
//!   findings (must be 0), the peak resident memory (`VmHWM` read right
//!   after the audit), and the ratio against raw `ring` Ed25519 verification
//!   (measured in the same process before and after the audit, on one
//!   thread over 100,000 verifies of receipt `Sig_structure`s, times the
//!   number of cores).
//!   It also prints CPU-time figures (from /proc), which other processes on
//!   a shared machine do not distort: the audit's CPU per receipt against
//!   raw ring's CPU per verify, and from the main thread's (serial) and the
//!   workers' (parallel) CPU time, the wall ratio expected on an idle machine.
//! - `breakdown PATH [M]`: single-thread cost per receipt of each audit
//!   stage (splitting the sequence, peeking the type, decoding, verifying)
//!   against raw `ring` verification, over the first M items of the file.
//!
//! The keys come from fixed seeds: never use them for anything real.

use std::error::Error as StdError;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use consentkit::artifact::term;
use consentkit::audit::{audit_source, peek_kind, AuditOptions};
use consentkit::cbor;
use consentkit::cose::{Sign1, Tagging};
use consentkit::privacy::{commit_with_salt, pseudonym};
use consentkit::sample::{self, CONTROLLER, T0};
use consentkit::{
    Artifact, ArtifactKind, CollectionMethod, DataReceipt, Grant, KeyPair, PublicKey, Recipient,
    Role, Signer, Term, TrustSet,
};
use ring::signature::{UnparsedPublicKey, ED25519};

type Res<T> = Result<T, Box<dyn StdError>>;
/// A receipt's `Sig_structure`, its signature and the key that verifies it.
type RawSig = (Vec<u8>, Vec<u8>, PublicKey);

const DAY: u64 = 86_400;
/// Receipts are spread over this many days of each grant's life.
const DAYS: u64 = 170;
/// At most this many receipts per grant, so no grant exceeds the offer's
/// 1,000 uses per day (100,000 / 170 ≈ 589 per day).
const PER_GRANT: usize = 100_000;
const PARTNERS: [&str; 3] = ["city.example", "transit.example", "research.example"];
/// Receipts signed per generation round (then written out).
const ROUND: usize = 1 << 16;
/// Raw verifies for the baseline.
const RAW_VERIFIES: usize = 100_000;
/// Distinct receipts the raw baseline cycles through.
const RAW_DISTINCT: usize = 1024;

fn seed(tag: u8, i: usize) -> [u8; 32] {
    let mut s = [tag; 32];
    s[..8].copy_from_slice(&(i as u64).to_le_bytes());
    s
}

/// The fixed keys, terms, offer and grants.
struct World {
    controller: KeyPair,
    partners: Vec<KeyPair>,
    grants: Vec<Artifact>,
    offer: Artifact,
    location: Term,
    service: Term,
    planning: Term,
}

impl World {
    fn new(grants: usize) -> Res<World> {
        let controller = KeyPair::ed25519_from_seed(&[1; 32])?;
        let partners = (0..PARTNERS.len())
            .map(|j| KeyPair::ed25519_from_seed(&seed(0x20, j)))
            .collect::<Result<Vec<_>, _>>()?;
        let location = term("pd:Location")?;
        let service = term("dpv:ServiceProvision")?;
        let planning = term("https://city.example/purpose#UrbanPlanning")?;
        let mut offer = sample::offer()?;
        offer.recipients = PARTNERS
            .iter()
            .map(|p| Recipient {
                party: (*p).into(),
                purposes: vec![planning.clone()],
                categories: vec![location.clone()],
            })
            .collect();
        let offer = offer.sign(&controller)?;
        let grants = (0..grants)
            .map(|g| -> Res<Artifact> {
                let person = KeyPair::ed25519_from_seed(&seed(0x40, g))?;
                let grant = Grant {
                    subject: pseudonym(&seed(0x60, g), CONTROLLER),
                    controller: CONTROLLER.into(),
                    issued_at: T0 + 3_600,
                    expires_at: Some(T0 + 180 * DAY),
                    offer: offer.digest(),
                    purposes: vec![service.clone(), planning.clone()],
                    categories: vec![location.clone()],
                    recipients: PARTNERS.iter().map(|p| (*p).to_owned()).collect(),
                    method: CollectionMethod::AppUi,
                    supersedes: None,
                    subject_key: None,
                    imported: false,
                    status: None,
                };
                Ok(grant.sign_both(&offer, &person, &controller)?)
            })
            .collect::<Res<Vec<_>>>()?;
        Ok(World {
            controller,
            partners,
            grants,
            offer,
            location,
            service,
            planning,
        })
    }

    fn trust(&self) -> TrustSet {
        let mut t = TrustSet::new();
        t.insert(self.controller.public_key(), Role::Controller, CONTROLLER);
        for (k, name) in self.partners.iter().zip(PARTNERS) {
            t.insert(k.public_key(), Role::Partner, name);
        }
        t
    }

    /// The signer of receipt `i`: the controller, then each partner in turn.
    fn signer(&self, i: usize) -> &KeyPair {
        match i % (1 + self.partners.len()) {
            0 => &self.controller,
            j => &self.partners[j - 1],
        }
    }

    /// Receipt `i`, signed. Receipts rotate over grants and signers, and
    /// over `DAYS` days; `used_at` makes each one distinct.
    fn receipt(&self, i: usize) -> Res<Artifact> {
        let g = i % self.grants.len();
        let k = (i / self.grants.len()) as u64;
        let by_controller = i % (1 + self.partners.len()) == 0;
        let mut salt = [0x5a; 16];
        salt[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let r = DataReceipt {
            grant: self.grants[g].id(),
            category: self.location.clone().into(),
            purpose: if by_controller {
                self.service.clone()
            } else {
                self.planning.clone()
            }
            .into(),
            recipient: by_controller.then(|| CONTROLLER.into()),
            used_at: T0 + DAY + (k % DAYS) * DAY + k / DAYS,
            quantity: 1,
            precision: Some(10),
            commitment: commit_with_salt(&(i as u64).to_be_bytes(), salt).value,
        };
        Ok(r.sign(&self.grants[g], self.signer(i))?)
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn grants_for(n: usize) -> usize {
    n.div_ceil(PER_GRANT).max(4)
}

fn generate(path: &str, n: usize) -> Res<()> {
    let started = Instant::now();
    let w = World::new(grants_for(n))?;
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(w.offer.as_bytes())?;
    for g in &w.grants {
        out.write_all(g.as_bytes())?;
    }
    let t = threads();
    let mut done = 0;
    while done < n {
        let end = (done + ROUND).min(n);
        let per = (end - done).div_ceil(t);
        let parts = std::thread::scope(|s| {
            let handles: Vec<_> = (0..t)
                .map(|k| {
                    let (lo, hi) = ((done + k * per).min(end), (done + (k + 1) * per).min(end));
                    let w = &w;
                    s.spawn(move || {
                        (lo..hi)
                            .map(|i| {
                                w.receipt(i)
                                    .map(|a| a.as_bytes().to_vec())
                                    .map_err(|e| e.to_string())
                            })
                            .collect::<Result<Vec<_>, String>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("signing thread failed".to_owned()))
                })
                .collect::<Vec<_>>()
        });
        for part in parts {
            for bytes in part? {
                out.write_all(&bytes)?;
            }
        }
        done = end;
        eprint!("\rsigned {done}/{n}");
    }
    out.flush()?;
    let size = std::fs::metadata(path)?.len();
    eprintln!();
    println!(
        "generated {path}: 1 offer, {} grants, {n} receipts, {size} bytes ({:.1} bytes/receipt), {} partners, {:.1} s on {t} threads",
        w.grants.len(),
        size as f64 / (n.max(1)) as f64,
        PARTNERS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `VmHWM` (peak resident set) from /proc/self/status, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The `Sig_structure`, signature and public key of `RAW_DISTINCT` receipts
/// exactly like those in the bundle.
fn raw_pairs(w: &World) -> Res<Vec<RawSig>> {
    (0..RAW_DISTINCT)
        .map(|i| -> Res<_> {
            let a = w.receipt(i)?;
            let m = Sign1::from_slice(a.as_bytes(), Tagging::Required)?;
            Ok((m.tbs(&[]), m.signature, w.signer(i).public_key()))
        })
        .collect()
}

/// Raw ring Ed25519 verifies of `count` signatures, cycling through `pairs`.
fn raw_verify(pairs: &[RawSig], count: usize) -> Res<()> {
    for (tbs, sig, pk) in pairs.iter().cycle().take(count) {
        UnparsedPublicKey::new(&ED25519, pk.raw())
            .verify(std::hint::black_box(tbs), std::hint::black_box(sig))
            .map_err(|_| "raw verify failed")?;
    }
    Ok(())
}

/// CPU time in seconds from a `/proc/.../stat` file (utime + stime, in
/// clock ticks of 1/100 s, Linux's `USER_HZ`).
fn cpu_secs(path: &str) -> Option<f64> {
    let s = std::fs::read_to_string(path).ok()?;
    // Fields after the `(comm)` field: state is field 3; utime 14, stime 15.
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn process_cpu() -> f64 {
    cpu_secs("/proc/self/stat").unwrap_or(f64::NAN)
}

fn thread_cpu() -> f64 {
    cpu_secs("/proc/thread-self/stat").unwrap_or(f64::NAN)
}

/// Busy CPU seconds of the whole machine so far (all processes), from /proc/stat.
fn machine_busy() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/stat") else {
        return f64::NAN;
    };
    let Some(line) = s.lines().next() else {
        return f64::NAN;
    };
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    total.saturating_sub(idle) as f64 / 100.0
}

/// Wall-clock and CPU time of `f`, run on this thread.
fn timed<T>(f: impl FnOnce() -> Res<T>) -> Res<(T, f64, f64)> {
    let (w, c) = (Instant::now(), thread_cpu());
    let out = f()?;
    Ok((out, w.elapsed().as_secs_f64(), thread_cpu() - c))
}

/// The raw baseline, on one thread and on `t` threads at once.
struct Raw {
    /// Wall-clock verifies per second on one thread.
    one: f64,
    /// CPU seconds per verify on one thread.
    one_cpu: f64,
    /// Wall-clock verifies per second on `t` threads at once.
    all: f64,
    /// CPU seconds per verify on `t` threads at once (the audit's workers
    /// also run side by side).
    all_cpu: f64,
}

fn raw_rates(pairs: &[RawSig], t: usize) -> Res<Raw> {
    raw_verify(pairs, RAW_DISTINCT)?; // warm up
    let ((), wall, cpu) = timed(|| raw_verify(pairs, RAW_VERIFIES))?;
    let (start, cpu0) = (Instant::now(), process_cpu());
    let per = RAW_VERIFIES.div_ceil(t);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..t)
            .map(|_| s.spawn(|| raw_verify(pairs, per).map_err(|e| e.to_string())))
            .collect();
        hs.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err("verify thread failed".to_owned()))
        })
    })?;
    let (all_wall, all_cpu) = (start.elapsed().as_secs_f64(), process_cpu() - cpu0);
    Ok(Raw {
        one: RAW_VERIFIES as f64 / wall,
        one_cpu: cpu / RAW_VERIFIES as f64,
        all: (per * t) as f64 / all_wall,
        all_cpu: all_cpu / (per * t) as f64,
    })
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

fn audit(path: &str) -> Res<()> {
    let trust = World::new(0)?.trust();
    let opts = AuditOptions {
        at: Some(T0 + 175 * DAY),
    };
    let t = threads();
    // The raw baseline, before and after the audit (averaged), so that a
    // change in the machine's other load during the run evens out. Its
    // memory (1,024 receipts) is negligible against the audit's.
    let pairs = raw_pairs(&World::new(grants_for(PER_GRANT * 10))?)?;
    let before = raw_rates(&pairs, t)?;
    let (busy0, proc0, main0) = (machine_busy(), process_cpu(), thread_cpu());
    let start = Instant::now();
    let report = audit_source(|| File::open(path), &trust, &opts, None)?;
    let secs = start.elapsed().as_secs_f64();
    let peak = peak_rss_kib();
    let (busy1, proc1, main1) = (machine_busy(), process_cpu(), thread_cpu());
    let cpu = proc1 - proc0;
    let serial = main1 - main0;
    let parallel = cpu - serial;
    let others = (busy1 - busy0 - cpu) / secs;
    let receipts = report.count(ArtifactKind::DataReceipt);
    let n = receipts as f64;
    let rate = n / secs;
    let count = |k| report.count(k);
    println!(
        "bundle:            {path}, {} bytes, {} items",
        report.bundle_bytes, report.items
    );
    println!(
        "artifacts:         {receipts} receipts, {} grants, {} offers",
        count(ArtifactKind::Grant),
        count(ArtifactKind::Offer)
    );
    println!("findings:          {}", report.total_findings());
    for c in &report.finding_counts {
        println!("  {}: {}", c.kind, c.count);
    }
    println!("audit wall time:   {secs:.2} s (both passes, from the file)");
    println!("receipts/second:   {rate:.0} (wall clock)");
    match peak {
        Some(kib) => println!(
            "peak memory:       {kib} KiB = {:.1} MiB (VmHWM right after the audit; target <= 256 MiB: {})",
            kib as f64 / 1024.0,
            met(kib <= 256 * 1024)
        ),
        None => println!("peak memory:       unavailable (no /proc/self/status)"),
    }
    println!(
        "audit CPU:         {cpu:.2} s = {serial:.2} s main thread (reading, pass 1, lifecycle checks) + {parallel:.2} s workers (decode + verify); {:.1} us CPU per receipt",
        cpu * 1e6 / n
    );
    println!("other processes:   {others:.2} cores busy on average during the audit (of {t})");
    let after = raw_rates(&pairs, t)?;
    let mean = |f: fn(&Raw) -> f64| (f(&before) + f(&after)) / 2.0;
    let (one, one_cpu, all, all_cpu) = (
        mean(|r| r.one),
        mean(|r| r.one_cpu),
        mean(|r| r.all),
        mean(|r| r.all_cpu),
    );
    let ideal = one * t as f64;
    println!("cores:             {t} (available_parallelism)");
    println!(
        "raw ring verify:   {one:.0}/s wall on 1 thread, x {t} = {ideal:.0}/s; {all:.0}/s wall on {t} threads (mean of a run before and one after the audit, {RAW_VERIFIES} verifies each)"
    );
    println!(
        "raw ring CPU:      {:.1} us per verify on 1 thread, {:.1} us per verify with {t} threads side by side",
        one_cpu * 1e6,
        all_cpu * 1e6
    );
    let ratio = rate / ideal;
    println!(
        "ratio (wall):      {ratio:.3} of raw ring verify x cores (target >= 0.9: {}); {:.3} of measured {t}-thread raw verify",
        met(ratio >= 0.9),
        rate / all
    );
    println!(
        "ratio (CPU time):  {:.3} = raw CPU per verify (1 thread) / audit CPU per receipt; {:.3} against raw with {t} threads side by side",
        n * one_cpu / cpu,
        n * all_cpu / cpu
    );
    let idle = (n * one_cpu / t as f64) / (serial + parallel / t as f64);
    println!(
        "ratio (idle est.): {idle:.3} = (N x raw CPU / {t}) / (main-thread CPU + worker CPU / {t}): the wall ratio expected on an idle machine (target >= 0.9: {})",
        met(idle >= 0.9)
    );
    Ok(())
}

fn breakdown(path: &str, m: usize) -> Res<()> {
    let trust = World::new(0)?.trust();
    // Read just enough of the file for M items (receipts are < 256 bytes).
    let mut buf = Vec::new();
    File::open(path)?
        .take((m as u64 + 64) * 512)
        .read_to_end(&mut buf)?;
    let (items, split_w, split_c) = timed(|| {
        let mut items: Vec<&[u8]> = Vec::with_capacity(m);
        let mut rest = &buf[..];
        while items.len() < m && !rest.is_empty() {
            let n = cbor::well_formed_len(rest)?;
            items.push(&rest[..n]);
            rest = &rest[n..];
        }
        Ok(items)
    })?;
    let items: Vec<&[u8]> = items
        .into_iter()
        .filter(|b| peek_kind(b) == Some(ArtifactKind::DataReceipt))
        .collect();
    let n = items.len();
    let ((), peek_w, peek_c) = timed(|| {
        for b in &items {
            std::hint::black_box(peek_kind(b));
        }
        Ok(())
    })?;
    let (decoded, decode_w, decode_c) = timed(|| {
        items
            .iter()
            .map(|b| Artifact::decode(b))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Into::into)
    })?;
    let ((), verify_w, verify_c) = timed(|| {
        for a in &decoded {
            a.verify(&trust)?;
        }
        Ok(())
    })?;
    let keys: Vec<RawSig> = decoded
        .iter()
        .map(|a| -> Res<_> {
            let m = Sign1::from_slice(a.as_bytes(), Tagging::Required)?;
            let kid = a.signer_kids().first().copied().ok_or("no signature")?;
            let key = trust.find(&kid).ok_or("untrusted")?.key.clone();
            Ok((m.tbs(&[]), m.signature, key))
        })
        .collect::<Res<_>>()?;
    let ((), raw_w, raw_c) = timed(|| raw_verify(&keys, keys.len()))?;
    let us = |s: f64| s * 1e6 / n.max(1) as f64;
    let total_c = decode_c + verify_c;
    println!("{n} receipts on one thread; microseconds per receipt (CPU time: 10 ms ticks over the whole loop)");
    println!("| stage | wall us | CPU us | CPU share of decode+verify |");
    println!("|---|---:|---:|---:|");
    for (name, w, c) in [
        ("split sequence (well_formed_len)", split_w, split_c),
        ("peek_kind (once per pass)", peek_w, peek_c),
        ("Artifact::decode", decode_w, decode_c),
        ("Artifact::verify", verify_w, verify_c),
        ("decode + verify", decode_w + verify_w, total_c),
        ("raw ring verify (same tbs, sig, key)", raw_w, raw_c),
        (
            "verify minus raw ring verify",
            verify_w - raw_w,
            verify_c - raw_c,
        ),
    ] {
        println!(
            "| {name} | {:.2} | {:.2} | {:.1}% |",
            us(w),
            us(c),
            100.0 * c / total_c
        );
    }
    println!(
        "raw verify / (decode + verify): {:.3} by CPU time, {:.3} by wall clock",
        raw_c / total_c,
        raw_w / (decode_w + verify_w)
    );
    Ok(())
}

fn usage() -> Res<()> {
    Err("usage: audit_million generate PATH [N] | audit PATH | breakdown PATH [M]".into())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: usize| -> Res<usize> {
        Ok(match args.get(i) {
            Some(s) => s.replace('_', "").parse()?,
            None => default,
        })
    };
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("generate"), Some(path)) => generate(path, num(2, 1_000_000)?),
        (Some("audit"), Some(path)) => audit(path),
        (Some("breakdown"), Some(path)) => breakdown(path, num(2, 100_000)?),
        _ => usage(),
    }
}
