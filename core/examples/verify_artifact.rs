//! Decodes and verifies one consentkit artifact against a trust set, for
//! checking artifacts made by other implementations (see docs/FORMAT.md).
//!
//! ```text
//! cargo run -q -p consentkit --example verify_artifact -- ARTIFACT TRUST
//! ```
//!
//! `ARTIFACT` is the encoded artifact (raw CBOR bytes) and `TRUST` the
//! trust set as a COSE_KeySet (raw CBOR bytes). On success prints
//! `{"kind", "id", "digest", "signers"}` as one line of JSON and exits 0;
//! on any failure prints the error on stderr and exits 1.

use std::process::ExitCode;

use consentkit::{Artifact, TrustSet};

fn run(artifact_path: &str, trust_path: &str) -> Result<serde_json::Value, String> {
    let bytes = std::fs::read(artifact_path).map_err(|e| format!("{artifact_path}: {e}"))?;
    let trust_bytes = std::fs::read(trust_path).map_err(|e| format!("{trust_path}: {e}"))?;
    let trust =
        TrustSet::from_cose_key_set(&trust_bytes).map_err(|e| format!("{trust_path}: {e}"))?;
    let artifact = Artifact::decode(&bytes).map_err(|e| format!("{artifact_path}: {e}"))?;
    let signers = artifact
        .verify(&trust)
        .map_err(|e| format!("{artifact_path}: {e}"))?;
    Ok(serde_json::json!({
        "kind": artifact.kind(),
        "id": artifact.id(),
        "digest": hex::encode(artifact.digest().0),
        "signers": signers,
    }))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [artifact_path, trust_path] = args.as_slice() else {
        eprintln!("usage: verify_artifact ARTIFACT TRUST");
        return ExitCode::FAILURE;
    };
    match run(artifact_path, trust_path) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
