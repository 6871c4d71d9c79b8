//! Per-artifact cost of consentkit against raw `ring` on the same bytes.
//!
//! For each artifact kind and each algorithm (Ed25519, ES256), side by side:
//!
//! - `consentkit_sign`: the public signing API (`Offer::sign`,
//!   `Grant::sign_both`, ...): payload encoding, signing, the signer
//!   self-check and the final strict decode;
//! - `ring_sign`: raw `ring` signing of the same `Sig_structure` bytes
//!   (two signatures for grants and refusals);
//! - `consentkit_decode`: `Artifact::decode` alone (diagnostic);
//! - `consentkit_decode_verify`: `Artifact::decode` + `Artifact::verify`;
//! - `ring_verify`: raw `UnparsedPublicKey::verify` of the same
//!   signature(s) over the same to-be-signed bytes.
//!
//! Groups are named `{alg}/{kind}`, or `cpu-{alg}/{kind}` when measured in
//! CPU time (`CK_BENCH_CLOCK=cpu`, see `common/mod.rs`). See BENCHMARKS.md
//! for how the ratios are read out of `target/criterion`.
//!
//! With `CK_BENCH_PAIRED=1` criterion is not run: instead each consentkit
//! operation and its raw ring counterpart are timed in alternating blocks
//! (CPU time), so both see the same machine load, and a markdown table of
//! ratios (raw time / consentkit time) is printed.
//!
//! With `CK_BENCH_LOOP=consentkit|ring` and `CK_BENCH_GROUP={alg}/{kind}`
//! criterion is not run either: the one operation (`consentkit_decode_verify`
//! or `ring_verify`) of that group runs `CK_BENCH_ITERS` times (default 100)
//! inside [`measured_loop`], for an instruction count under valgrind
//! (`callgrind --toggle-collect='*measured_loop*'`); see
//! `scripts/bench-instructions`.

// Benchmarks abort on setup failure by design: a bench whose fixtures cannot
// be built must not report numbers, so setup uses unwrap/expect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)]

// Shared by both benches; each uses only part of it.
#[allow(dead_code)]
mod common;

use std::collections::HashMap;
use std::hint::black_box;

use consentkit::cbor::{self, Value};
use consentkit::cose::{Sign, Sign1, Tagging};
use consentkit::sample::{self, Parties};
use consentkit::{Algorithm, Artifact, Body, Error, KeyId, KeyPair, Signer, TrustSet};
use criterion::measurement::Measurement;
use criterion::Criterion;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, UnparsedPublicKey};

/// A ring private key equal to a consentkit [`KeyPair`].
enum RawKey {
    Ed(Ed25519KeyPair),
    Es(EcdsaKeyPair, SystemRandom),
}

impl RawKey {
    /// Rebuilds the ring key from the key pair's private COSE_Key.
    fn of(kp: &KeyPair) -> RawKey {
        let Value::Map(m) = cbor::decode(&kp.to_cose_key()).expect("COSE_Key decodes") else {
            panic!("COSE_Key is not a map")
        };
        let get = |label: i64| -> Vec<u8> {
            m.iter()
                .find_map(|(k, v)| match v {
                    Value::Bytes(b) if k.as_i64() == Some(label) => Some(b.clone()),
                    _ => None,
                })
                .expect("COSE_Key parameter")
        };
        let d = get(-4);
        match kp.algorithm() {
            Algorithm::Ed25519 => {
                RawKey::Ed(Ed25519KeyPair::from_seed_unchecked(&d).expect("Ed25519 seed"))
            }
            Algorithm::ES256 => {
                let mut point = vec![0x04];
                point.extend_from_slice(&get(-2));
                point.extend_from_slice(&get(-3));
                let rng = SystemRandom::new();
                let k = EcdsaKeyPair::from_private_key_and_public_key(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &d,
                    &point,
                    &rng,
                )
                .expect("P-256 key");
                RawKey::Es(k, rng)
            }
        }
    }

    fn sign(&self, msg: &[u8]) -> signature::Signature {
        match self {
            RawKey::Ed(k) => k.sign(msg),
            RawKey::Es(k, rng) => k.sign(rng, msg).expect("ECDSA sign"),
        }
    }
}

/// One signature of an artifact, with what it covers and who made it.
struct RawSig {
    tbs: Vec<u8>,
    sig: Vec<u8>,
    public: Vec<u8>,
    alg: &'static dyn signature::VerificationAlgorithm,
    kid: KeyId,
}

/// The to-be-signed bytes and signatures of an encoded artifact, taken
/// from its COSE structure.
fn raw_sigs(a: &Artifact, keys: &HashMap<KeyId, &KeyPair>) -> Vec<RawSig> {
    let slots = a.signatures();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = if a.kind().is_multi_signed() {
        let m = Sign::from_slice(a.as_bytes(), Tagging::Required).expect("COSE_Sign");
        (0..m.signatures.len())
            .map(|i| {
                (
                    m.tbs(i, &[]).expect("signature i"),
                    m.signatures[i].signature.clone(),
                )
            })
            .collect()
    } else {
        let m = Sign1::from_slice(a.as_bytes(), Tagging::Required).expect("COSE_Sign1");
        vec![(m.tbs(&[]), m.signature.clone())]
    };
    pairs
        .into_iter()
        .zip(slots)
        .map(|((tbs, sig), slot)| {
            // A data receipt's kid is the thumbprint's first 8 bytes.
            let kp = keys
                .iter()
                .find(|(k, _)| slot.kid.matches(k))
                .map(|(_, kp)| *kp)
                .expect("signer is a sample party");
            let public = kp.public_key();
            let alg: &'static dyn signature::VerificationAlgorithm = match public.algorithm() {
                Algorithm::Ed25519 => &signature::ED25519,
                Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
            };
            let r = RawSig {
                tbs,
                sig,
                public: public.raw().to_vec(),
                alg,
                kid: kp.kid(),
            };
            UnparsedPublicKey::new(r.alg, &r.public)
                .verify(&r.tbs, &r.sig)
                .expect("sample signature verifies with raw ring");
            r
        })
        .collect()
}

/// Signs `body` again through the public API, with the sample parties'
/// roles (a withdrawal is the person's).
/// The bodies are re-signed without their offer or grant at hand, so the
/// checks against them are skipped (same signing cost).
fn sign_body(body: &Body, p: &Parties) -> Result<Artifact, Error> {
    let known = consentkit::KnownViolation::new("benchmark: re-signing a sample body");
    match body {
        Body::Offer(o) => o.sign(&p.controller),
        Body::Grant(g) => g.sign_both_known_violation(&p.person, &p.controller, &known),
        Body::Refusal(r) => r
            .sign_as_person(&p.person)?
            .countersign_known_violation(&p.controller, &known),
        Body::Withdrawal(w) => w.sign(&p.person),
        Body::DataReceipt(r) => r.sign_known_violation(&p.controller, &known),
        Body::ValueRecord(v) => v.sign(&p.controller),
    }
}

fn parties(alg: Algorithm) -> Parties {
    match alg {
        Algorithm::Ed25519 => Parties::new().expect("sample parties"),
        Algorithm::ES256 => Parties {
            controller: KeyPair::generate(Algorithm::ES256).expect("P-256 key"),
            partner: KeyPair::generate(Algorithm::ES256).expect("P-256 key"),
            person: KeyPair::generate(Algorithm::ES256).expect("P-256 key"),
            wallet_secret: [4; 32],
        },
    }
}

/// How the benches run: criterion on wall time or CPU time, or the paired
/// CPU-time comparison (`CK_BENCH_PAIRED=1`, see `common::paired`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Wall,
    Cpu,
    Paired,
    /// `CK_BENCH_LOOP`: one operation of one group in [`measured_loop`].
    Loop,
}

/// Runs `op` `n` times. Never inlined, so that callgrind can count the
/// instructions of exactly this call (`--toggle-collect='*measured_loop*'`).
#[inline(never)]
fn measured_loop(n: u64, op: &dyn Fn()) {
    for _ in 0..n {
        op();
    }
}

/// The `CK_BENCH_LOOP` run: which operation of which group, how often.
fn loop_request() -> Option<(String, String, u64)> {
    let which = std::env::var("CK_BENCH_LOOP").ok()?;
    let group = std::env::var("CK_BENCH_GROUP").expect("CK_BENCH_LOOP needs CK_BENCH_GROUP");
    let n = std::env::var("CK_BENCH_ITERS")
        .map(|v| v.parse().expect("CK_BENCH_ITERS is a number"))
        .unwrap_or(100);
    assert!(
        which == "consentkit" || which == "ring",
        "CK_BENCH_LOOP is consentkit or ring"
    );
    Some((which, group, n))
}

fn bench_alg<M: Measurement>(c: &mut Criterion<M>, alg: Algorithm, alg_name: &str, mode: Mode) {
    let p = parties(alg);
    let trust: TrustSet = p.trust();
    let mut keys: HashMap<KeyId, &KeyPair> = HashMap::new();
    let mut raw_keys: HashMap<KeyId, RawKey> = HashMap::new();
    for kp in [&p.controller, &p.partner, &p.person] {
        keys.insert(kp.kid(), kp);
        raw_keys.insert(kp.kid(), RawKey::of(kp));
    }
    for a in sample::all(&p).expect("sample artifacts") {
        let kind = a.kind();
        let bytes = a.as_bytes().to_vec();
        let body = a.body().clone();
        let sigs = raw_sigs(&a, &keys);
        // Same checks the measured closures rely on.
        let again = sign_body(&body, &p).expect("re-sign");
        if alg == Algorithm::Ed25519 {
            assert_eq!(
                again.as_bytes(),
                &bytes[..],
                "Ed25519 signing is deterministic"
            );
        }
        Artifact::decode(&bytes)
            .expect("decode")
            .verify(&trust)
            .expect("verify");

        let ck_sign = || {
            sign_body(black_box(&body), &p).expect("sign");
        };
        let ring_sign = || {
            for s in &sigs {
                black_box(raw_keys[&s.kid].sign(black_box(&s.tbs)));
            }
        };
        let ck_verify = || {
            Artifact::decode(black_box(&bytes))
                .expect("decode")
                .verify(&trust)
                .expect("verify");
        };
        let ring_verify = || {
            for s in &sigs {
                UnparsedPublicKey::new(s.alg, black_box(&s.public))
                    .verify(black_box(&s.tbs), black_box(&s.sig))
                    .expect("verify");
            }
        };
        if mode == Mode::Loop {
            let (which, group, n) = loop_request().expect("loop mode");
            if group == format!("{alg_name}/{kind}") {
                if which == "consentkit" {
                    measured_loop(n, &ck_verify);
                } else {
                    measured_loop(n, &ring_verify);
                }
                println!("{group}: {which} decode+verify x {n}");
            }
            continue;
        }
        if mode == Mode::Paired {
            let sign = common::paired(ck_sign, ring_sign);
            let verify = common::paired(ck_verify, ring_verify);
            println!(
                "| {alg_name} | {kind} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {} |",
                sign.a_us,
                sign.b_us,
                sign.ratio_text(),
                verify.a_us,
                verify.b_us,
                verify.ratio_text()
            );
            continue;
        }
        let cpu = mode == Mode::Cpu;
        let prefix = if cpu { "cpu-" } else { "" };
        let mut g = c.benchmark_group(format!("{prefix}{alg_name}/{kind}"));
        g.sampling_mode(common::sampling(cpu));
        g.bench_function("consentkit_sign", |b| b.iter(ck_sign));
        g.bench_function("ring_sign", |b| b.iter(ring_sign));
        g.bench_function("consentkit_decode", |b| {
            b.iter(|| Artifact::decode(black_box(&bytes)).expect("decode"))
        });
        g.bench_function("consentkit_decode_verify", |b| b.iter(ck_verify));
        g.bench_function("ring_verify", |b| b.iter(ring_verify));
        g.finish();
    }
}

fn artifacts<M: Measurement>(c: &mut Criterion<M>, mode: Mode) {
    bench_alg(c, Algorithm::Ed25519, "ed25519", mode);
    bench_alg(c, Algorithm::ES256, "es256", mode);
}

fn main() {
    if loop_request().is_some() {
        artifacts(&mut Criterion::default(), Mode::Loop);
    } else if common::paired_mode() {
        println!("{}", common::PAIRED_HEADER);
        println!("| alg | artifact | consentkit sign (µs cpu) | ring sign (µs cpu) | sign ratio | consentkit decode+verify (µs cpu) | ring verify (µs cpu) | verify ratio |");
        println!("|---|---|---:|---:|---:|---:|---:|---:|");
        artifacts(&mut Criterion::default(), Mode::Paired);
    } else if common::cpu_clock() {
        let mut c = common::cpu_criterion(common::Scope::Thread);
        artifacts(&mut c, Mode::Cpu);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        artifacts(&mut c, Mode::Wall);
        c.final_summary();
    }
}
