//! `consentkit log`: a signed, append-only transparency log of artifacts
//! (C2SP tlog-tiles layout, C2SP checkpoints). The rules live in
//! `consentkit::log`; this file reads arguments and prints results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use consentkit::cbor::seq::Framed;
use consentkit::log::{witness, LogError, NoteVerifier, TileLog, CHECKPOINT_FILE};
use consentkit::{Algorithm, Artifact, KeyPair};

use crate::{read, read_trust, write, CliError};

/// Largest verifier key file read by `--vkey`.
const MAX_VKEY_FILE: u64 = 4096;

/// Exit codes of the `log` commands (each subcommand's `--help` says which apply).
pub const LOG_EXIT_CODES: &str = "Exit codes:
  0  done: appended, printed, proven, verified
  1  an artifact was rejected (append), is not in the log (prove), or the
     log failed verification (verify)
  2  unusable input or usage error (a message on stderr)";

#[derive(Subcommand)]
pub enum LogCmd {
    /// Verify artifacts against a trust file, append them to a log (created
    /// if absent) and publish a new signed checkpoint. Artifacts already in
    /// the log are skipped; if any artifact fails verification, nothing is
    /// appended (exit 1).
    #[command(after_help = "Exit codes:
  0  appended (or every artifact was already in the log)
  1  an artifact failed verification: nothing appended
  2  unusable input or usage error (a message on stderr)")]
    Append {
        /// The log directory.
        logdir: PathBuf,
        /// Artifact or bundle files (CBOR sequences of artifacts).
        #[arg(required_unless_present = "status_lists")]
        files: Vec<PathBuf>,
        /// A controller's Status List Token (CWT) to log after the
        /// artifacts: it must be signed by a key with role `controller` in
        /// the trust file. Repeatable. An audit with `--log` holds every
        /// logged list against the withdrawals.
        #[arg(long = "status-list")]
        status_lists: Vec<PathBuf>,
        /// The trust file (a COSE_KeySet with roles) artifacts must verify against.
        #[arg(long)]
        trust: PathBuf,
        /// The log's Ed25519 private key (COSE_Key, as written by `consentkit keygen`).
        #[arg(long)]
        key: PathBuf,
        /// The log's origin, also its key name (e.g. `example.com/consent-log`).
        /// Required when creating the log; if given later, it must match.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Print the log's current signed checkpoint.
    #[command(after_help = "Exit codes:
  0  printed
  2  unusable input: no readable log there (a message on stderr)")]
    Checkpoint {
        /// The log directory.
        logdir: PathBuf,
    },
    /// Print (and with --out, write as CBOR) the inclusion proof of an
    /// artifact, with the signed checkpoint it is proven against.
    #[command(after_help = "Exit codes:
  0  proven
  1  the artifact is not in the log (or not in the tree of --size)
  2  unusable input or usage error (a message on stderr)")]
    Prove {
        /// The log directory.
        logdir: PathBuf,
        /// The artifact file.
        artifact: PathBuf,
        /// Prove against the published checkpoint of this tree size (default: the latest).
        #[arg(long)]
        size: Option<u64>,
        /// Write the proof here (deterministic CBOR, see `consentkit::log`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Send the log's latest checkpoint to the witnesses of a C2SP
    /// tlog-policy file (its `witness` lines with a URL, the submission
    /// prefix) with C2SP tlog-witness `add-checkpoint`, each with a
    /// consistency proof from the size it last cosigned (starting from 0 and
    /// re-syncing on 409). Only when the valid cosignatures meet the policy's
    /// quorum are they written to the log (`checkpoint` and its archive
    /// copy, so inclusion proofs carry them).
    #[command(after_help = "Exit codes:
  0  the quorum is met: the cosigned checkpoint is published
  1  the quorum is not met (each witness's answer is printed); the log is unchanged
  2  unusable input or usage error (a message on stderr)")]
    Publish {
        /// The log directory.
        logdir: PathBuf,
        /// The witness policy (C2SP tlog-policy; must list the log).
        #[arg(long)]
        policy: PathBuf,
    },
    /// Verify the log: its files agree with each other and with the
    /// checkpoint, the checkpoint's signature verifies, and every archived
    /// checkpoint is consistent with the latest (the log only grew).
    #[command(after_help = "Exit codes:
  0  the log verified
  1  it failed verification (a line per problem on stdout)
  2  unusable input or usage error (a message on stderr)")]
    Verify {
        /// The log directory.
        logdir: PathBuf,
        /// The log's verifier key (`name+hash+base64`), or a file holding it.
        /// Default: the key stored in the log directory (self-asserted).
        #[arg(long)]
        vkey: Option<String>,
        /// A witness policy (C2SP tlog-policy): the latest checkpoint must be
        /// signed by a log of the policy and cosigned by its quorum.
        #[arg(long)]
        policy: Option<PathBuf>,
    },
}

pub fn run(cmd: &LogCmd) -> Result<ExitCode, CliError> {
    match cmd {
        LogCmd::Append {
            logdir,
            files,
            trust,
            key,
            origin,
            status_lists,
        } => append(logdir, files, status_lists, trust, key, origin.as_deref()),
        LogCmd::Checkpoint { logdir } => checkpoint(logdir),
        LogCmd::Prove {
            logdir,
            artifact,
            size,
            out,
        } => prove(logdir, artifact, *size, out.as_deref()),
        LogCmd::Publish { logdir, policy } => publish(logdir, policy),
        LogCmd::Verify {
            logdir,
            vkey,
            policy,
        } => verify(logdir, vkey.as_deref(), policy.as_deref()),
    }
}

fn log_err(logdir: &Path, e: LogError) -> CliError {
    CliError(format!("log {}: {e}", logdir.display()))
}

/// Reads artifact or bundle files; every item must decode.
fn read_artifacts(files: &[PathBuf]) -> Result<Vec<(String, Artifact)>, CliError> {
    let mut out = Vec::new();
    for f in files {
        let bytes = read(f)?;
        if bytes.is_empty() {
            return Err(CliError(format!("{}: empty file", f.display())));
        }
        for item in consentkit::cbor::seq::split(&bytes) {
            let (offset, b) = match item {
                Framed::Item { offset, bytes } => (offset, bytes),
                Framed::Oversize { offset, len } => {
                    return Err(CliError(format!(
                        "{} byte {offset}: an item of {len} bytes, over the {}-byte artifact limit",
                        f.display(),
                        consentkit::artifact::MAX_ARTIFACT_SIZE
                    )))
                }
                Framed::NotCbor(e) => return Err(CliError(format!("{}: {e}", f.display()))),
            };
            let a = Artifact::decode(&b)
                .map_err(|e| CliError(format!("{} byte {offset}: {e}", f.display())))?;
            out.push((format!("{} byte {offset}", f.display()), a));
        }
    }
    Ok(out)
}

fn append(
    logdir: &Path,
    files: &[PathBuf],
    status_lists: &[PathBuf],
    trust: &Path,
    key: &Path,
    origin: Option<&str>,
) -> Result<ExitCode, CliError> {
    let key = KeyPair::from_cose_key(&read(key)?)
        .map_err(|e| CliError(format!("{}: {e}", key.display())))?;
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(CliError(format!(
            "the log key must be Ed25519 (C2SP checkpoints), not {}",
            key.algorithm()
        )));
    }
    let trust = read_trust(trust)?;
    let artifacts = read_artifacts(files)?;

    // Verify everything first: a rejected artifact leaves the log untouched
    // (and does not create it).
    let mut rejected = 0usize;
    for (at, a) in &artifacts {
        if let Err(e) = a.verify(&trust) {
            eprintln!("rejected {at}: {e}");
            rejected += 1;
        }
    }
    let mut tokens = Vec::new();
    for f in status_lists {
        let bytes = read(f)?;
        match consentkit::log::check_status_list(&bytes, &trust) {
            Ok(t) => tokens.push((f, t.subject, bytes)),
            Err(e) => {
                eprintln!("rejected {}: {e}", f.display());
                rejected += 1;
            }
        }
    }
    if rejected > 0 {
        eprintln!(
            "consentkit: {rejected} artifact(s) or status list(s) rejected; nothing appended"
        );
        return Ok(ExitCode::from(1));
    }

    let mut log = if logdir.join(CHECKPOINT_FILE).exists() {
        let log = TileLog::open(logdir).map_err(|e| log_err(logdir, e))?;
        if let Some(o) = origin {
            if o != log.origin() {
                return Err(CliError(format!(
                    "log {}: its origin is {:?}, not {o:?}",
                    logdir.display(),
                    log.origin()
                )));
            }
        }
        log
    } else {
        let origin = origin.ok_or_else(|| {
            CliError(format!(
                "log {}: no log there; --origin NAME is required to create one",
                logdir.display()
            ))
        })?;
        let log = TileLog::create(logdir, origin, &key).map_err(|e| log_err(logdir, e))?;
        println!("created log {origin} in {}", logdir.display());
        log
    };

    let (mut appended, mut skipped) = (0u64, 0u64);
    for (at, a) in &artifacts {
        match log.append_artifact(a, &trust) {
            Ok(index) => {
                appended += 1;
                println!("appended {} at index {index}", a.label_str());
            }
            Err(LogError::Duplicate { index }) => {
                skipped += 1;
                eprintln!(
                    "skipped {at} ({}): already in the log at index {index}",
                    a.label_str()
                );
            }
            Err(e) => return Err(CliError(format!("{at}: {e}"))),
        }
    }
    for (f, subject, bytes) in &tokens {
        match log.append_status_list(bytes, &trust) {
            Ok(index) => {
                appended += 1;
                println!("appended status list {subject} at index {index}");
            }
            Err(LogError::Duplicate { index }) => {
                skipped += 1;
                eprintln!(
                    "skipped {}: already in the log at index {index}",
                    f.display()
                );
            }
            Err(e) => return Err(CliError(format!("{}: {e}", f.display()))),
        }
    }
    let cp = log.publish(&key).map_err(|e| log_err(logdir, e))?;
    println!(
        "log {}: appended {appended}, skipped {skipped} already logged; tree size {}, root {}",
        cp.origin,
        cp.size,
        hex::encode(cp.root)
    );
    Ok(ExitCode::SUCCESS)
}

fn checkpoint(logdir: &Path) -> Result<ExitCode, CliError> {
    let log = TileLog::open(logdir).map_err(|e| log_err(logdir, e))?;
    print!("{}", log.checkpoint_note());
    Ok(ExitCode::SUCCESS)
}

fn prove(
    logdir: &Path,
    artifact: &Path,
    size: Option<u64>,
    out: Option<&Path>,
) -> Result<ExitCode, CliError> {
    let log = TileLog::open(logdir).map_err(|e| log_err(logdir, e))?;
    let mut items = read_artifacts(&[artifact.to_path_buf()])?;
    let a = match (items.pop(), items.is_empty()) {
        (Some((_, a)), true) => a,
        _ => {
            return Err(CliError(format!(
                "{}: expected exactly one artifact",
                artifact.display()
            )))
        }
    };
    let size = size.unwrap_or(log.size());
    if size > log.size() {
        return Err(CliError(format!(
            "--size {size}: the log's tree size is {}",
            log.size()
        )));
    }
    let Some(index) = log.artifact_index(&a) else {
        eprintln!("consentkit: {} is not in the log", a.label_str());
        return Ok(ExitCode::from(1));
    };
    if index >= size {
        eprintln!(
            "consentkit: {} is at index {index}, not in the tree of size {size}",
            a.label_str()
        );
        return Ok(ExitCode::from(1));
    }
    let proof = log
        .inclusion_proof(index, size)
        .map_err(|e| log_err(logdir, e))?;
    let Some(note) = proof.checkpoint.as_deref() else {
        let sizes: Vec<String> = log
            .checkpoint_history()
            .map_err(|e| log_err(logdir, e))?
            .iter()
            .map(|(s, _)| s.to_string())
            .collect();
        return Err(CliError(format!(
            "--size {size}: no checkpoint was published at that size (published: {})",
            sizes.join(", ")
        )));
    };
    // Check what we hand out, with the log's own key.
    let cp = proof
        .verify_with_checkpoint(a.as_bytes(), log.verifier())
        .map_err(|e| log_err(logdir, e))?;
    if let Some(path) = out {
        write(path, &proof.to_cbor())?;
    }
    let json = serde_json::json!({
        "artifact": a.label_str(),
        "leaf_index": proof.leaf_index,
        "tree_size": proof.tree_size,
        "root": hex::encode(cp.root),
        "path": proof.path.iter().map(hex::encode).collect::<Vec<_>>(),
        "checkpoint": note,
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(ExitCode::SUCCESS)
}

/// Reads `--vkey`: the key text itself, or a file holding it.
fn read_vkey(arg: &str) -> Result<NoteVerifier, CliError> {
    let path = Path::new(arg);
    let text = if path.is_file() {
        let len = std::fs::metadata(path)
            .map_err(|e| CliError(format!("{}: {e}", path.display())))?
            .len();
        if len > MAX_VKEY_FILE {
            return Err(CliError(format!(
                "{}: too large for a verifier key",
                path.display()
            )));
        }
        String::from_utf8(read(path)?)
            .map_err(|_| CliError(format!("{}: not UTF-8", path.display())))?
    } else {
        arg.to_owned()
    };
    let text = text.strip_suffix('\n').unwrap_or(&text);
    NoteVerifier::from_vkey(text).map_err(|e| CliError(format!("--vkey: {e}")))
}

fn publish(logdir: &Path, policy_path: &Path) -> Result<ExitCode, CliError> {
    let policy = crate::witness::read_policy(policy_path)?;
    let mut log = TileLog::open(logdir).map_err(|e| log_err(logdir, e))?;
    if !policy
        .log_verifiers(log.origin())
        .iter()
        .any(|v| v == log.verifier())
    {
        return Err(CliError(format!(
            "{}: the log {} (key {}) is not one of its logs",
            policy_path.display(),
            log.origin(),
            log.verifier().to_vkey()
        )));
    }
    if !policy.witnesses().iter().any(|w| w.url.is_some()) {
        return Err(CliError(format!(
            "{}: no witness has a URL to send checkpoints to",
            policy_path.display()
        )));
    }
    let mut sizes = std::collections::HashMap::new();
    let mut post = |url: &str, body: &[u8]| {
        let url = format!("{}/add-checkpoint", url.trim_end_matches('/'));
        crate::http::post(&url, body).map(|r| witness::WitnessReply {
            status: r.status,
            content_type: r.content_type,
            body: r.body,
        })
    };
    let report = witness::witness_checkpoint(&mut log, &policy, &mut sizes, &mut post)
        .map_err(|e| log_err(logdir, e))?;
    let cp = log.checkpoint();
    println!("log {}: checkpoint of tree size {}", cp.origin, cp.size);
    for o in &report.outcomes {
        match o {
            witness::WitnessOutcome::Cosigned { witness, timestamp } => {
                println!("witness {witness}: cosigned at {timestamp}")
            }
            witness::WitnessOutcome::Failed { witness, reason } => {
                println!("witness {witness}: FAILED: {reason}")
            }
        }
    }
    match (&report.witnessed, &report.quorum_error) {
        (Some(_), _) => {
            println!(
                "quorum {} met: cosigned checkpoint published",
                policy.quorum_name()
            );
            Ok(ExitCode::SUCCESS)
        }
        (None, e) => {
            println!(
                "not published: {}",
                e.as_ref()
                    .map_or("the quorum is not met".to_owned(), ToString::to_string)
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn verify(logdir: &Path, vkey: Option<&str>, policy: Option<&Path>) -> Result<ExitCode, CliError> {
    let policy = policy.map(crate::witness::read_policy).transpose()?;
    let given = vkey.map(read_vkey).transpose()?;
    let log = match TileLog::open(logdir) {
        Ok(log) => log,
        Err(e) if e.is_verification_failure() => {
            println!("log {}: FAILED: {e}", logdir.display());
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(log_err(logdir, e)),
    };
    let verifier = match given {
        Some(v) => v,
        None => {
            eprintln!(
                "consentkit: warning: checking against the key stored in the log directory, \
                 which the log asserts itself; pass --vkey with a key you trust"
            );
            log.verifier().clone()
        }
    };
    let report = log
        .verify_checkpoint_history(&verifier)
        .map_err(|e| log_err(logdir, e))?;
    let cp = &report.latest;
    println!(
        "log {}: tree size {}, root {}",
        cp.origin,
        cp.size,
        hex::encode(cp.root)
    );
    println!("key: {}", verifier.to_vkey());
    let sizes: Vec<String> = report.consistent.iter().map(u64::to_string).collect();
    println!(
        "{} archived checkpoint(s) consistent with the latest: {}",
        report.consistent.len(),
        sizes.join(", ")
    );
    for p in &report.problems {
        println!("FAILED {p}");
    }
    let mut witness_ok = true;
    if let Some(policy) = &policy {
        match policy.verify_checkpoint(log.checkpoint_note().as_bytes()) {
            Ok(w) => {
                let names: Vec<String> = w
                    .cosignatures
                    .iter()
                    .map(|(n, c)| format!("{n} at {}", c.timestamp))
                    .collect();
                println!(
                    "witness quorum {} met; cosigned by: {}",
                    policy.quorum_name(),
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                );
            }
            Err(e) => {
                witness_ok = false;
                println!("FAILED witness policy: {e}");
            }
        }
    }
    if report.is_ok() && witness_ok {
        println!("ok");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} problem(s)",
            report.problems.len() + usize::from(!witness_ok)
        );
        Ok(ExitCode::from(1))
    }
}
