//! Issue 13 item 4: every data receipt the demo makes is at most 200
//! bytes. Prints the figures BENCHMARKS.md quotes:
//! `cargo test -p consentkit-cli --test receipt_size -- --nocapture`.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use consentkit::cbor::seq::{split, Framed};
use consentkit::{Artifact, ArtifactKind};

/// The promise: no data receipt the demo makes is larger.
const MAX_RECEIPT: usize = 200;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consentkit-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The sizes of the data receipts in a demo bundle, sorted.
fn receipt_sizes(violations: u32) -> Vec<usize> {
    let dir = tmp(&format!("receipt-size-{violations}"));
    let out = Command::new(env!("CARGO_BIN_EXE_consentkit"))
        .args(["demo", "--people", "40", "--days", "30", "--seed", "1"])
        .arg("--violations")
        .arg(violations.to_string())
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle = std::fs::read(dir.join("bundle.cbors")).unwrap();
    let mut sizes: Vec<usize> = split(&bundle)
        .filter_map(|f| match f {
            Framed::Item { bytes, .. } => Some(Artifact::decode(&bytes).unwrap()),
            _ => None,
        })
        .filter(|a| a.kind() == ArtifactKind::DataReceipt)
        .map(|a| a.as_bytes().len())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    sizes.sort_unstable();
    sizes
}

#[test]
fn every_demo_receipt_fits_in_200_bytes() {
    for violations in [0, 20] {
        let sizes = receipt_sizes(violations);
        assert!(sizes.len() > 100, "the demo makes receipts");
        let max = sizes[sizes.len() - 1];
        println!(
            "demo --people 40 --days 30 --seed 1 --violations {violations}: {} data receipts, \
             min {} B, median {} B, max {} B",
            sizes.len(),
            sizes[0],
            sizes[sizes.len() / 2],
            max
        );
        assert!(
            max <= MAX_RECEIPT,
            "largest demo receipt is {max} bytes, over {MAX_RECEIPT}"
        );
    }
}
