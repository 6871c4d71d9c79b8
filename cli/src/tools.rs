//! keygen, inspect and verify.

use std::path::Path;
use std::process::ExitCode;

use consentkit::cbor;
use consentkit::{Algorithm, Artifact, KeyPair, Signer};

use crate::{read, read_trust, write, Alg, CliError};

/// Splits a CBOR sequence into items: (offset, bytes) or the reason it cannot be split further.
pub fn split(bytes: &[u8]) -> Vec<Result<(usize, &[u8]), String>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match cbor::well_formed_len(&bytes[pos..]) {
            Ok(n) => {
                out.push(Ok((pos, &bytes[pos..pos + n])));
                pos += n;
            }
            Err(e) => {
                out.push(Err(format!("byte {}: {}", pos + e.offset, e.kind)));
                break;
            }
        }
    }
    out
}

/// `consentkit keygen`: the private key is created 0600 on Unix; an
/// existing file is replaced only with `force` (through a new file and a rename).
pub fn keygen(
    alg: Alg,
    out: &Path,
    public: Option<&Path>,
    force: bool,
) -> Result<ExitCode, CliError> {
    use consentkit::wallet::store::{replace_secret_file, write_secret_file};
    for p in std::iter::once(out).chain(public) {
        if !force && p.exists() {
            return Err(CliError(format!(
                "{}: exists; not overwritten (use --force to replace it)",
                p.display()
            )));
        }
    }
    let kp = KeyPair::generate(match alg {
        Alg::Ed25519 => Algorithm::EdDSA,
        Alg::Es256 => Algorithm::ES256,
    })?;
    let private = kp.to_cose_key_zeroizing();
    if force {
        replace_secret_file(out, &private)
    } else {
        write_secret_file(out, &private)
    }
    .map_err(|e| CliError(format!("{}: {e}", out.display())))?;
    if let Some(p) = public {
        write(p, &kp.public_key().to_cose_key())?;
    }
    println!("{}", kp.kid());
    Ok(ExitCode::SUCCESS)
}

pub fn inspect(file: &Path) -> Result<ExitCode, CliError> {
    let bytes = read(file)?;
    let items = split(&bytes);
    let mut out = Vec::new();
    let mut bad = false;
    for item in &items {
        match item {
            Ok((offset, b)) => match Artifact::decode(b) {
                Ok(a) => out.push(a.to_json()),
                Err(e) => {
                    bad = true;
                    out.push(serde_json::json!({"offset": offset, "error": e.to_string()}));
                }
            },
            Err(e) => {
                bad = true;
                out.push(serde_json::json!({"error": e}));
            }
        }
    }
    let json = if out.len() == 1 {
        out.remove(0)
    } else {
        serde_json::Value::Array(out)
    };
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn verify(file: &Path, trust: &Path) -> Result<ExitCode, CliError> {
    let trust = read_trust(trust)?;
    let bytes = read(file)?;
    let (mut ok, mut failed, mut unusable) = (0u64, 0u64, 0u64);
    for item in split(&bytes) {
        match item {
            Ok((offset, b)) => match Artifact::decode(b) {
                Ok(a) => match a.verify(&trust) {
                    Ok(signers) => {
                        ok += 1;
                        let who: Vec<String> = signers
                            .iter()
                            .map(|s| match &s.signatory {
                                consentkit::Signatory::Trusted { role, party } => {
                                    format!("{party} ({role})")
                                }
                                consentkit::Signatory::Subject => {
                                    "the person (subject key)".to_owned()
                                }
                            })
                            .collect();
                        println!(
                            "ok      {} {} signed by {}",
                            a.kind(),
                            a.id(),
                            who.join(", ")
                        );
                    }
                    Err(e) => {
                        failed += 1;
                        println!("FAILED  {e}");
                    }
                },
                Err(e) => {
                    unusable += 1;
                    println!("BAD     item at byte {offset}: {e}");
                }
            },
            Err(e) => {
                unusable += 1;
                println!("BAD     bundle unreadable at {e}");
            }
        }
    }
    println!("{ok} verified, {failed} failed, {unusable} unreadable");
    Ok(if unusable > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
