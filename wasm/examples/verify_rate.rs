//! Native verify throughput, the baseline for the browser's (examples/web/bench.html):
//! N data receipts (Ed25519) under one grant, verified item by item with the
//! same function `verifyBundle` uses, and audited, on one thread.
//!
//! `cargo run --release -p consentkit-wasm --example verify_rate -- [N]` prints one JSON line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions};
use consentkit::sample::{self, Parties, T0};
use consentkit_wasm::verify::verify_items;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("N must be a number"))
        .unwrap_or(2000);
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let mut arts = vec![offer, grant.clone()];
    for i in 0..n {
        let mut r = sample::receipt(&grant).unwrap();
        // At most 864 a day: within the sample offer's 1000 uses per day.
        r.used_at = T0 + 7_200 + 100 * i as u64;
        arts.push(r.sign(&grant, &p.controller).unwrap());
    }
    let bundle = to_sequence(arts.iter());
    let trust = p.trust();
    let best = |f: &dyn Fn() -> usize| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                assert!(f() > 0);
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let verify_s = best(&|| {
        let items = verify_items(&bundle, &trust);
        assert!(items.iter().all(|i| i.ok));
        items.len()
    });
    let audit_s = best(&|| {
        let r = audit_bytes(
            &bundle,
            &trust,
            &AuditOptions {
                at: Some(T0 + 30 * 86_400),
            },
        );
        assert!(r.findings.is_empty(), "{:?}", r.findings.first());
        r.items as usize
    });
    let items = n + 2;
    println!(
        "{{\"receipts\": {n}, \"items\": {items}, \"bundle_bytes\": {}, \"verify_s\": {verify_s:.6}, \"verify_per_s\": {:.0}, \"audit_s\": {audit_s:.6}, \"audit_per_s\": {:.0}}}",
        bundle.len(),
        items as f64 / verify_s,
        items as f64 / audit_s
    );
}
