//! `consentkit proof`: an artifact's inclusion proof as a file that travels,
//! an RFC 9942 COSE Receipt or a C2SP tlog-proof, and checking one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentkit::log::receipt::{cose_receipt, tlog_proof, verify_cose_receipt, verify_tlog_proof};
use consentkit::log::{NoteVerifier, TileLog};
use consentkit::{Artifact, KeyPair, PublicKey, Signer};

use crate::{read, write, CliError};

/// Exit codes of `proof export`.
pub const EXPORT_EXIT_CODES: &str = "Exit codes:
  0  written
  1  the artifact is not in the log
  2  unusable input or usage error (a message on stderr)";

/// Exit codes of `proof verify`.
pub const VERIFY_EXIT_CODES: &str = "Exit codes:
  0  the proof holds: the artifact is in the log (the checkpoint or receipt is signed by the log key)
  1  failed verification
  2  unusable input or usage error (a message on stderr)";

/// Which format.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum ProofFormat {
    /// RFC 9942 COSE Receipt (RFC9162_SHA256, detached root), signed with the log key.
    Cose,
    /// C2SP tlog-proof@v1 text (index, path, the log's signed checkpoint).
    TlogProof,
}

/// `consentkit proof …`.
#[derive(clap::Subcommand)]
pub enum ProofCmd {
    /// Export an artifact's inclusion proof under the log's latest checkpoint.
    #[command(after_help = EXPORT_EXIT_CODES)]
    Export {
        /// The log directory.
        #[arg(long)]
        log: PathBuf,
        /// The artifact (its exact bytes are the log entry).
        #[arg(long)]
        artifact: PathBuf,
        /// `cose` (needs --key) or `tlog-proof`.
        #[arg(long, value_enum)]
        format: ProofFormat,
        /// The log's private key (COSE_Key): a COSE Receipt is signed with it.
        #[arg(long)]
        key: Option<PathBuf>,
        /// Where to write the proof.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a COSE Receipt or tlog-proof for an artifact.
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify {
        /// The proof file.
        file: PathBuf,
        /// The artifact.
        #[arg(long)]
        artifact: PathBuf,
        /// `cose` or `tlog-proof`.
        #[arg(long, value_enum)]
        format: ProofFormat,
        /// The log directory, to take its key from (or give --log-key / --vkey).
        #[arg(long)]
        log: Option<PathBuf>,
        /// The log's public (or private) COSE_Key, for a COSE Receipt.
        #[arg(long)]
        log_key: Option<PathBuf>,
        /// The log's verifier key (`name+hash+key`, or a file holding it), for a tlog-proof.
        #[arg(long)]
        vkey: Option<String>,
    },
}

fn artifact(path: &Path) -> Result<Artifact, CliError> {
    Artifact::decode(&read(path)?).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

fn open_log(dir: &Path) -> Result<TileLog, CliError> {
    TileLog::open(dir).map_err(|e| CliError(format!("{}: {e}", dir.display())))
}

/// Runs `consentkit proof …`.
pub fn run(cmd: &ProofCmd) -> Result<ExitCode, CliError> {
    match cmd {
        ProofCmd::Export {
            log,
            artifact: a,
            format,
            key,
            out,
        } => {
            let tlog = open_log(log)?;
            let art = artifact(a)?;
            let Some(index) = tlog.artifact_index(&art) else {
                eprintln!("{}: not in the log {}", a.display(), log.display());
                return Ok(ExitCode::from(1));
            };
            let proof = tlog.inclusion_proof(index, tlog.size())?;
            let bytes = match format {
                ProofFormat::TlogProof => tlog_proof(&proof, None)?.into_bytes(),
                ProofFormat::Cose => {
                    let key = key.as_ref().ok_or_else(|| {
                        CliError("--format cose needs --key (the log's private key)".into())
                    })?;
                    let kp = KeyPair::from_cose_key(&read(key)?)
                        .map_err(|e| CliError(format!("{}: {e}", key.display())))?;
                    let root = tlog.root_at(proof.tree_size)?;
                    cose_receipt(
                        art.as_bytes(),
                        &proof,
                        &root,
                        &kp,
                        Some(tlog.verifier().public_key()),
                    )?
                }
            };
            write(out, &bytes)?;
            println!(
                "{}: entry {index} of {} in {}",
                out.display(),
                proof.tree_size,
                tlog.origin()
            );
            Ok(ExitCode::SUCCESS)
        }
        ProofCmd::Verify {
            file,
            artifact: a,
            format,
            log,
            log_key,
            vkey,
        } => {
            let art = artifact(a)?;
            let bytes = read(file)?;
            let from_log = log.as_deref().map(open_log).transpose()?;
            let outcome = match format {
                ProofFormat::Cose => {
                    let key: PublicKey = match (log_key, &from_log) {
                        (Some(k), _) => key_of(k)?,
                        (None, Some(l)) => l.verifier().public_key().clone(),
                        (None, None) => {
                            return Err(CliError("give --log or --log-key".into()));
                        }
                    };
                    verify_cose_receipt(&bytes, art.as_bytes(), &key).map(|c| {
                        format!(
                            "entry {} of {} (root {})",
                            c.leaf_index,
                            c.tree_size,
                            hex::encode(c.root)
                        )
                    })
                }
                ProofFormat::TlogProof => {
                    let v: NoteVerifier = match (vkey, &from_log) {
                        (Some(v), _) => read_vkey(v)?,
                        (None, Some(l)) => l.verifier().clone(),
                        (None, None) => return Err(CliError("give --log or --vkey".into())),
                    };
                    let text = String::from_utf8(bytes)
                        .map_err(|_| CliError(format!("{}: not UTF-8", file.display())))?;
                    verify_tlog_proof(&text, art.as_bytes(), &v)
                        .map(|cp| format!("in {} at size {}", cp.origin, cp.size))
                }
            };
            match outcome {
                Ok(what) => {
                    println!("{}: verified, {what}", file.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("{}: FAILED: {e}", file.display());
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn key_of(path: &Path) -> Result<PublicKey, CliError> {
    let b = read(path)?;
    PublicKey::from_cose_key(&b)
        .or_else(|_| KeyPair::from_cose_key(&b).map(|k| k.public_key()))
        .map_err(|e| CliError(format!("{}: {e}", path.display())))
}

fn read_vkey(arg: &str) -> Result<NoteVerifier, CliError> {
    let path = Path::new(arg);
    let text = if path.is_file() {
        String::from_utf8(read(path)?)
            .map_err(|_| CliError(format!("{}: not UTF-8", path.display())))?
    } else {
        arg.to_owned()
    };
    NoteVerifier::from_vkey(text.trim_end_matches('\n'))
        .map_err(|e| CliError(format!("--vkey: {e}")))
}
