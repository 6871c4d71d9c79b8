//! keygen, inspect and verify.

use std::path::Path;
use std::process::ExitCode;

use std::fs::File;
use std::io::BufReader;

use consentkit::artifact::MAX_ARTIFACT_SIZE;
use consentkit::audit::identify;
use consentkit::cbor::seq::{Framed, SeqReader};
use consentkit::{Algorithm, Artifact, KeyPair, Signer};

use crate::{read_trust, write, Alg, CliError, VerifyFormat};

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
        Alg::Ed25519 => Algorithm::Ed25519,
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

/// A key, trust or vkey file shown as `trust inspect` shows it, if `file`
/// is one: small enough, starting like one (an untagged map or array, or
/// text; artifacts are tagged), and readable as one.
fn key_material(file: &Path) -> Result<Option<serde_json::Value>, CliError> {
    use std::io::Read;
    let f = File::open(file).map_err(|e| CliError(format!("{}: {e}", file.display())))?;
    let len = f
        .metadata()
        .map_err(|e| CliError(format!("{}: {e}", file.display())))?
        .len();
    let mut first = [0u8; 1];
    if len == 0 || len > crate::trust::MAX_KEY_FILE {
        return Ok(None);
    }
    let mut f = f;
    f.read_exact(&mut first)
        .map_err(|e| CliError(format!("{}: {e}", file.display())))?;
    if !crate::trust::looks_like_key_material(first[0]) {
        return Ok(None);
    }
    let bytes = crate::trust::read_bounded(file)?;
    match crate::trust::describe(&bytes) {
        Ok(j) => Ok(Some(j)),
        Err(e) => {
            if matches!(first[0] >> 5, 4 | 5) {
                eprintln!(
                    "consentkit: {}: no artifact, and no key or trust file either: {e}",
                    file.display()
                );
            }
            Ok(None)
        }
    }
}

pub fn inspect(file: &Path) -> Result<ExitCode, CliError> {
    if let Some(json) = key_material(file)? {
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
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

/// One line of `verify`'s text output and its JSON item.
struct Item {
    failed: bool,
    line: String,
    json: serde_json::Value,
}

pub fn verify(
    file: &Path,
    trust: &Path,
    format: VerifyFormat,
    failures_only: bool,
) -> Result<ExitCode, CliError> {
    let trust = read_trust(trust)?;
    let mut r = open_seq(file)?;
    let (mut ok, mut failed, mut unusable) = (0u64, 0u64, 0u64);
    let mut items = Vec::new();
    while let Some(framed) = next(&mut r, file)? {
        let item = match framed {
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
                        Item {
                            failed: false,
                            line: format!(
                                "ok      {} {} signed by {}",
                                a.kind(),
                                a.id(),
                                who.join(", ")
                            ),
                            json: serde_json::json!({
                                "offset": offset, "status": "verified",
                                "kind": a.kind().to_string(), "id": a.id().to_string(),
                                "signers": serde_json::to_value(&signers)?,
                            }),
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        Item {
                            failed: true,
                            line: format!("FAILED  {} {} at byte {offset}: {e}", a.kind(), a.id()),
                            json: serde_json::json!({
                                "offset": offset, "status": "failed",
                                "kind": a.kind().to_string(), "id": a.id().to_string(),
                                "error": e.to_string(),
                            }),
                        }
                    }
                },
                Err(e) => {
                    unusable += 1;
                    let (kind, id) = identify(&bytes);
                    Item {
                        failed: true,
                        line: format!("BAD     item at byte {offset}{}: {e}", named(&bytes)),
                        json: serde_json::json!({
                            "offset": offset, "status": "unreadable",
                            "kind": kind, "id": id, "error": e.to_string(),
                        }),
                    }
                }
            },
            Framed::Oversize { offset, len } => {
                unusable += 1;
                Item {
                    failed: true,
                    line: format!("BAD     item at byte {offset}: {}", oversize(len)),
                    json: serde_json::json!({
                        "offset": offset, "status": "unreadable", "size": len,
                        "error": oversize(len),
                    }),
                }
            }
            Framed::NotCbor(e) => {
                unusable += 1;
                Item {
                    failed: true,
                    line: format!(
                        "BAD     bundle unreadable: {e}; the rest of the file was not read"
                    ),
                    json: serde_json::json!({
                        "offset": e.item_offset, "status": "unreadable",
                        "error": format!("{e}; the rest of the file was not read"),
                    }),
                }
            }
        };
        if failures_only && !item.failed {
            continue;
        }
        match format {
            VerifyFormat::Text => println!("{}", item.line),
            VerifyFormat::Json => items.push(item.json),
        }
    }
    let total = ok + failed + unusable;
    let outcome = if total == 0 {
        "nothing_to_check"
    } else if failed + unusable > 0 {
        "failed"
    } else {
        "verified"
    };
    match format {
        VerifyFormat::Text => println!("{ok} verified, {failed} failed, {unusable} unreadable"),
        VerifyFormat::Json => {
            let json = serde_json::json!({
                "file": file.display().to_string(),
                "outcome": outcome,
                "failures_only": failures_only,
                "counts": {
                    "items": total, "verified": ok, "failed": failed, "unreadable": unusable,
                },
                "items": items,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
    }
    if total == 0 {
        eprintln!("consentkit: {}: {NOTHING}", file.display());
        return Ok(ExitCode::from(3));
    }
    Ok(if failed + unusable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
