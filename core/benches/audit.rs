//! Audit throughput against raw `ring` Ed25519 verification.
//!
//! A bundle of the sample offer, the sample grant and N data receipts
//! (signed by the controller, spread over 170 days so no daily limit is
//! hit) is audited in memory with `audit_bytes` (both passes, receipts
//! verified on all cores with the default `parallel` feature). Baselines,
//! over the receipts' own `Sig_structure` bytes and signatures:
//!
//! - `ring_verify_1core`: N raw verifies on one thread; the ideal audit
//!   time on C cores is this divided by C;
//! - `ring_verify_all_cores`: the same N verifies split over C threads;
//! - `consentkit_decode_verify_1core`: `Artifact::decode` + `verify` of the
//!   N receipts on one thread (no lifecycle checks, diagnostic).
//!
//! With `CK_BENCH_CLOCK=cpu` the group is `cpu-audit/...` and measures the
//! process's CPU time (all threads) instead of wall time; see
//! `common/mod.rs`. See BENCHMARKS.md for how the ratio is computed.

// Benchmarks abort on setup failure by design: a bench whose fixtures cannot
// be built must not report numbers, so setup uses unwrap/expect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs)]

// Shared by both benches; each uses only part of it.
#[allow(dead_code)]
mod common;

use std::hint::black_box;

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions};
use consentkit::cose::{Sign1, Tagging};
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, DataReceipt, Signer};
use criterion::measurement::Measurement;
use criterion::Criterion;
use ring::signature::{UnparsedPublicKey, ED25519};

/// Receipts in the bundle.
const N: usize = 20_000;
const DAY: u64 = 86_400;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Receipt `i`: distinct `used_at`, at most N/170 per day.
fn receipt(template: &DataReceipt, i: usize) -> DataReceipt {
    let i = i as u64;
    let mut r = template.clone();
    r.used_at = T0 + DAY + (i % 170) * DAY + i / 170;
    r
}

/// Signs N receipts on all cores.
fn sign_receipts(p: &Parties, template: &DataReceipt) -> Vec<Artifact> {
    let t = threads();
    let chunk = N.div_ceil(t);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..t)
            .map(|k| {
                s.spawn(move || {
                    (k * chunk..((k + 1) * chunk).min(N))
                        .map(|i| {
                            receipt(template, i)
                                .sign_known_violation(
                                    &p.controller,
                                    &consentkit::KnownViolation::new("benchmark receipts"),
                                )
                                .expect("sign")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing thread"))
            .collect()
    })
}

fn raw_verify(pk: &[u8], pairs: &[(Vec<u8>, Vec<u8>)]) {
    for (tbs, sig) in pairs {
        UnparsedPublicKey::new(&ED25519, pk)
            .verify(black_box(tbs), black_box(sig))
            .expect("verify");
    }
}

fn audit<M: Measurement>(c: &mut Criterion<M>, cpu: bool) {
    let p = Parties::new().expect("sample parties");
    let trust = p.trust();
    let offer = sample::signed_offer(&p).expect("offer");
    let grant = sample::signed_grant(&p, &offer).expect("grant");
    let template = sample::receipt(&grant).expect("receipt");
    let receipts = sign_receipts(&p, &template);
    let bundle = to_sequence([&offer, &grant].into_iter().chain(receipts.iter()));
    let opts = AuditOptions {
        at: Some(T0 + 175 * DAY),
    };
    let report = audit_bytes(&bundle, &trust, &opts);
    assert!(
        report.is_clean(),
        "fixture bundle must audit clean: {:?}",
        report.findings.first()
    );
    assert_eq!(report.items, N as u64 + 2);

    let pk = p.controller.public_key().raw().to_vec();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = receipts
        .iter()
        .map(|a| {
            let m = Sign1::from_slice(a.as_bytes(), Tagging::Required).expect("COSE_Sign1");
            (m.tbs(&[]), m.signature)
        })
        .collect();
    let encoded: Vec<&[u8]> = receipts.iter().map(|a| a.as_bytes()).collect();
    let t = threads();
    eprintln!(
        "audit bench: {N} receipts, bundle {} bytes, {t} threads",
        bundle.len()
    );

    let prefix = if cpu { "cpu-" } else { "" };
    let mut g = c.benchmark_group(format!("{prefix}audit/{N}_receipts"));
    g.sample_size(10);
    g.sampling_mode(common::sampling(cpu));
    g.bench_function("consentkit_audit_bytes", |b| {
        b.iter(|| audit_bytes(black_box(&bundle), &trust, &opts))
    });
    g.bench_function("ring_verify_1core", |b| b.iter(|| raw_verify(&pk, &pairs)));
    g.bench_function("ring_verify_all_cores", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for part in pairs.chunks(pairs.len().div_ceil(t)) {
                    let pk = &pk;
                    s.spawn(move || raw_verify(pk, part));
                }
            })
        })
    });
    g.bench_function("consentkit_decode_verify_1core", |b| {
        b.iter(|| {
            for bytes in &encoded {
                Artifact::decode(black_box(bytes))
                    .expect("decode")
                    .verify(&trust)
                    .expect("verify");
            }
        })
    });
    g.finish();
}

fn main() {
    if common::cpu_clock() {
        let mut c = common::cpu_criterion(common::Scope::Process);
        audit(&mut c, true);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        audit(&mut c, false);
        c.final_summary();
    }
}
