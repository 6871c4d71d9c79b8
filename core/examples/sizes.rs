//! Prints the encoded size (payload and whole artifact, in bytes) of every sample artifact, signed with Ed25519
//! and with ES256 keys, as a markdown table (used in BENCHMARKS.md).
//!
//! ```text
//! cargo run -q --release -p consentkit --example sizes
//! ```
//!
//! The sample artifacts are those of `consentkit::sample` (one of each
//! kind). The ES256 parties use fresh P-256 keys; sizes do not depend on
//! the key, since ES256 signatures are always 64 bytes (`r || s`) and a
//! P-256 subject key always 65 bytes.

use consentkit::sample::{self, Parties};
use consentkit::{Algorithm, Error, KeyPair};

fn main() -> Result<(), Error> {
    let ed = Parties::new()?;
    let es = Parties {
        controller: KeyPair::generate(Algorithm::ES256)?,
        partner: KeyPair::generate(Algorithm::ES256)?,
        person: KeyPair::generate(Algorithm::ES256)?,
        wallet_secret: [4; 32],
    };
    let ed_all = sample::all(&ed)?;
    let es_all = sample::all(&es)?;
    println!(
        "| artifact | COSE | signatures | Ed25519 payload | Ed25519 total | ES256 payload | ES256 total |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (a, b) in ed_all.iter().zip(&es_all) {
        let cose = if a.kind().is_multi_signed() {
            "COSE_Sign (98)"
        } else {
            "COSE_Sign1 (18)"
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            a.kind(),
            cose,
            a.signatures().len(),
            a.payload().len(),
            a.as_bytes().len(),
            b.payload().len(),
            b.as_bytes().len()
        );
    }
    Ok(())
}
