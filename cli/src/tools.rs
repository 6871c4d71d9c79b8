//! keygen, inspect and verify.

use std::path::Path;
use std::process::ExitCode;

use std::fs::File;
use std::io::BufReader;

use consentkit::artifact::MAX_ARTIFACT_SIZE;
use consentkit::audit::identify;
use consentkit::cbor::seq::{Framed, SeqReader};
use consentkit::{Algorithm, Artifact, KeyPair, Signer};

use crate::{read_trust, write, Alg, CliError};

/// Opens a file for streaming through the core's sequence reader.
fn open_seq(path: &Path) -> Result<SeqReader<BufReader<File>>, CliError> {
    let f = File::open(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    Ok(SeqReader::new(BufReader::new(f)))
}

/// The next framed item, naming the file on a read error.
fn next(r: &mut SeqReader<BufReader<File>>, path: &Path) -> Result<Option<Framed>, CliError> {
    r.next_item()
        .map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// " (data_receipt 0f1e…)" for an item that is no valid artifact, when its
/// type and id can be read from its COSE structure.
fn named(bytes: &[u8]) -> String {
    match identify(bytes) {
        (Some(k), Some(id)) => format!(" ({k} {id})"),
        (Some(k), None) => format!(" ({k})"),
        _ => String::new(),
    }
}

fn oversize(len: u64) -> String {
    format!("{len} bytes, over the {MAX_ARTIFACT_SIZE}-byte artifact limit (skipped)")
}

/// Said on standard error when a file holds nothing (exit 3).
pub const NOTHING: &str = "nothing to audit: the bundle holds no artifact";

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
    let mut r = open_seq(file)?;
    let mut out = Vec::new();
    let mut bad = false;
    while let Some(item) = next(&mut r, file)? {
        match item {
            Framed::Item { offset, bytes } => match Artifact::decode(&bytes) {
                Ok(a) => out.push(a.to_json()),
                Err(e) => {
                    bad = true;
                    let (kind, id) = identify(&bytes);
                    out.push(serde_json::json!({
                        "offset": offset, "type": kind, "id": id, "error": e.to_string()
                    }));
                }
            },
            Framed::Oversize { offset, len } => {
                bad = true;
                out.push(
                    serde_json::json!({"offset": offset, "size": len, "error": oversize(len)}),
                );
            }
            Framed::NotCbor(e) => {
                bad = true;
                out.push(serde_json::json!({"offset": e.item_offset, "error": e.to_string()}));
            }
        }
    }
    if out.is_empty() {
        eprintln!("consentkit: {}: {NOTHING}", file.display());
        return Ok(ExitCode::from(3));
    }
    let json = if out.len() == 1 {
        out.remove(0)
    } else {
        serde_json::Value::Array(out)
    };
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(if bad {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn verify(file: &Path, trust: &Path) -> Result<ExitCode, CliError> {
    let trust = read_trust(trust)?;
    let mut r = open_seq(file)?;
    let (mut ok, mut failed, mut unusable) = (0u64, 0u64, 0u64);
    while let Some(item) = next(&mut r, file)? {
        match item {
            Framed::Item { offset, bytes } => match Artifact::decode(&bytes) {
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
                        println!("FAILED  {} {} at byte {offset}: {e}", a.kind(), a.id());
                    }
                },
                Err(e) => {
                    unusable += 1;
                    println!("BAD     item at byte {offset}{}: {e}", named(&bytes));
                }
            },
            Framed::Oversize { offset, len } => {
                unusable += 1;
                println!("BAD     item at byte {offset}: {}", oversize(len));
            }
            Framed::NotCbor(e) => {
                unusable += 1;
                println!("BAD     bundle unreadable: {e}; the rest of the file was not read");
            }
        }
    }
    println!("{ok} verified, {failed} failed, {unusable} unreadable");
    if ok + failed + unusable == 0 {
        eprintln!("consentkit: {}: {NOTHING}", file.display());
        return Ok(ExitCode::from(3));
    }
    Ok(if failed + unusable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
