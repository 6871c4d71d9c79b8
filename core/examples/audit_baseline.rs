//! The physical limit of an audit: raw `ring` verification of every
//! signature of a bundle (the same to-be-signed bytes, signatures and keys),
//! on all cores. `scripts/bench-audit` runs it beside `consentkit audit`
//! (BENCHMARKS.md, "Audit of the demo bundle").
//!
//! ```text
//! audit_baseline prepare BUNDLE TRUST OUT   # once: every signature's (alg, key, sig, tbs)
//! audit_baseline verify OUT                 # ring verify of all of them, all cores
//! ```
//!
//! `verify` prints one line: signatures, wall seconds and CPU seconds (all
//! threads, from /proc/self/stat) of the verification loop alone (reading
//! the file is not counted).

use std::time::Instant;

use consentkit::artifact::{Body, Signatory};
use consentkit::cbor::seq::{split, Framed};
use consentkit::cose::{Sign, Sign1, Tagging};
use consentkit::keys::Algorithm;
use consentkit::{Artifact, TrustSet};
use rayon::prelude::*;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ED25519};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One prepared signature: (alg, key, signature, to-be-signed bytes).
type Prepared<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// One record of the prepared file: alg (0 Ed25519, 1 ES256), key length,
/// key, signature length, signature, tbs length (u32 LE), tbs.
fn prepare(bundle: &str, trust: &str, out: &str) -> Res<()> {
    let trust = TrustSet::from_cose_key_set(&std::fs::read(trust)?)?;
    let bundle = std::fs::read(bundle)?;
    let mut file = Vec::new();
    let mut n = 0u64;
    for item in split(&bundle) {
        let Framed::Item { bytes, .. } = item else {
            continue;
        };
        let Ok(a) = Artifact::decode(&bytes) else {
            continue;
        };
        // Who signed (roles and parties; `verify` below checks the cryptography).
        let Ok(signers) = a.verify_admitted(&trust) else {
            continue;
        };
        let tbs: Vec<(Vec<u8>, Vec<u8>)> = if a.kind().is_multi_signed() {
            let m = Sign::from_slice(&bytes, Tagging::Required)?;
            (0..m.signatures.len())
                .map(|i| {
                    let t = m.tbs(i, &[]).unwrap_or_default();
                    (t, m.signatures[i].signature.clone())
                })
                .collect()
        } else {
            let m = Sign1::from_slice(&bytes, Tagging::Required)?;
            vec![(m.tbs(&[]), m.signature)]
        };
        for ((tbs, sig), s) in tbs.into_iter().zip(&signers) {
            let key = match &s.signatory {
                Signatory::Trusted { .. } => trust.get(&s.kid).ok_or("no key")?.key.clone(),
                Signatory::Subject => match a.body() {
                    Body::Grant(g) => g.subject_key.clone(),
                    Body::Refusal(r) => r.subject_key.clone(),
                    Body::Withdrawal(w) => w.subject_key.clone(),
                    _ => None,
                }
                .ok_or("no subject key")?,
            };
            file.push(match key.algorithm() {
                Algorithm::Ed25519 => 0,
                Algorithm::ES256 => 1,
            });
            file.push(key.raw().len() as u8);
            file.extend_from_slice(key.raw());
            file.push(sig.len() as u8);
            file.extend_from_slice(&sig);
            file.extend_from_slice(&(tbs.len() as u32).to_le_bytes());
            file.extend_from_slice(&tbs);
            n += 1;
        }
    }
    std::fs::write(out, &file)?;
    println!("{n} signatures written to {out}");
    Ok(())
}

/// CPU seconds of this process so far, all threads (utime + stime).
fn cpu_seconds() -> Res<f64> {
    let s = std::fs::read_to_string("/proc/self/stat")?;
    let rest = s.rsplit_once(')').ok_or("bad /proc/self/stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the whole line are the 12th and 13th after the name.
    let ticks: u64 =
        f.get(11).ok_or("utime")?.parse::<u64>()? + f.get(12).ok_or("stime")?.parse::<u64>()?;
    Ok(ticks as f64 / 100.0)
}

fn verify(path: &str) -> Res<()> {
    let file = std::fs::read(path)?;
    let mut sigs: Vec<Prepared<'_>> = Vec::new();
    let mut at = 0usize;
    let mut take = |n: usize| -> Res<&[u8]> {
        let s = file.get(at..at + n).ok_or("truncated")?;
        at += n;
        Ok(s)
    };
    while let Ok(alg) = take(1) {
        let alg = alg[0];
        let kl = take(1)?[0] as usize;
        let key = take(kl)?;
        let sl = take(1)?[0] as usize;
        let sig = take(sl)?;
        let tl = u32::from_le_bytes(take(4)?.try_into()?) as usize;
        let tbs = take(tl)?;
        sigs.push((alg, key, sig, tbs));
    }
    let (c0, t0) = (cpu_seconds()?, Instant::now());
    let bad = sigs
        .par_iter()
        .filter(|(alg, key, sig, tbs)| {
            let alg: &dyn ring::signature::VerificationAlgorithm = match alg {
                0 => &ED25519,
                _ => &ECDSA_P256_SHA256_FIXED,
            };
            UnparsedPublicKey::new(alg, key).verify(tbs, sig).is_err()
        })
        .count();
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds()? - c0);
    if bad > 0 {
        return Err(format!("{bad} signatures did not verify").into());
    }
    println!(
        "signatures {} threads {} verify_wall_s {wall:.3} verify_cpu_s {cpu:.2}",
        sigs.len(),
        rayon::current_num_threads()
    );
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["prepare", bundle, trust, out] => prepare(bundle, trust, out),
        ["verify", file] => verify(file),
        _ => Err("usage: audit_baseline prepare BUNDLE TRUST OUT | verify FILE".into()),
    }
}
