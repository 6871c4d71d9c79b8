//! Batch verification through the transparency log: auditing a bundle
//! whose artifacts are all in a log whose admission checks are trusted
//! (no signature check per artifact) against auditing it with every
//! signature checked. Issue target: at least 10x faster.
// Benchmarks abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// criterion_group! generates undocumented functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use consentkit::audit::{audit_source_with_log, to_sequence, AuditOptions, LogView};
use consentkit::log::TileLog;
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, KeyPair, Role, Signer};

const RECEIPTS: u64 = 4_000;

fn bench(c: &mut Criterion) {
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
    let origin = "log.example/bench";
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, origin);
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let mut items: Vec<Artifact> = vec![offer, grant.clone()];
    for i in 0..RECEIPTS {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = T0 + 3_600 + i * 600; // within limits: at most 144 a day
        r.commitment = consentkit::privacy::commit_with_salt(&i.to_le_bytes(), [1; 16]).value;
        items.push(r.sign(&grant, &p.controller).unwrap());
    }
    let bundle = to_sequence(items.iter());
    let dir = std::env::temp_dir().join(format!("consentkit-bench-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut log = TileLog::create(&dir, origin, &log_key).unwrap();
    for a in &items {
        log.append_artifact(a, &p.trust()).unwrap();
    }
    log.publish(&log_key).unwrap();
    let view = LogView::open(&dir, &trust, &[], true).unwrap();
    let mut verify_all = view.clone();
    verify_all.trust_admission = false;
    let opts = AuditOptions {
        at: Some(T0 + 90 * 86_400),
    };
    let run = |v: Option<&LogView>| {
        let r = audit_source_with_log(
            || Ok::<_, std::io::Error>(bundle.as_slice()),
            &trust,
            &opts,
            v,
            None,
        )
        .unwrap();
        assert!(r.is_clean());
        r
    };
    let mut g = c.benchmark_group("audit_logged_bundle");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RECEIPTS));
    g.bench_function("every_signature_checked", |b| b.iter(|| run(None)));
    g.bench_function("log_checked_signatures_too", |b| {
        b.iter(|| run(Some(&verify_all)))
    });
    g.bench_function("batch_verified_by_log", |b| b.iter(|| run(Some(&view))));
    g.finish();
    c.bench_function("open_log_view_4002_leaves", |b| {
        b.iter(|| LogView::open(&dir, &trust, &[], true).unwrap())
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
