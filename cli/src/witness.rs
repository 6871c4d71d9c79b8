//! `consentkit witness`: a C2SP tlog-witness over HTTP. The rules
//! (request parsing, checks, cosigning, durable state) live in
//! `consentkit::log::witness`; this file reads files and carries HTTP.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use consentkit::log::witness::MAX_REQUEST_SIZE;
use consentkit::log::{CosignerVerifier, Policy, Witness};
use consentkit::{Algorithm, KeyPair, Signer};

use crate::http::{self, Request, Response};
use crate::{read, CliError};

#[derive(Subcommand)]
pub enum WitnessCmd {
    /// Serve the C2SP tlog-witness API over HTTP/1.1: `POST /add-checkpoint`
    /// and `GET /<sha256(origin) hex>/checkpoint`. Prints the witness's
    /// cosigner key and the address it listens on, then serves until killed.
    #[command(after_help = "Exit codes:
  0  never (serves until killed)
  2  unusable key, logs file or state, or the address cannot be bound (a message on stderr)")]
    Serve {
        /// The witness's Ed25519 private key (COSE_Key, as written by `consentkit keygen`).
        #[arg(long)]
        key: PathBuf,
        /// The witness's name (its cosigner key name, e.g. `witness.example/w1`).
        #[arg(long)]
        name: String,
        /// The logs it follows: a C2SP tlog-policy file whose `log` lines are used.
        #[arg(long)]
        logs: PathBuf,
        /// Directory of its state (the latest checkpoint cosigned per log).
        #[arg(long)]
        state: PathBuf,
        /// Address to listen on. Port 0: the system picks one (printed).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
    },
    /// Print the witness's cosigner verifier key (`name+id+base64(0x04 || key)`),
    /// for `witness` lines of a policy.
    #[command(after_help = "Exit codes:
  0  printed
  2  unusable key or name (a message on stderr)")]
    Vkey {
        /// The witness's Ed25519 private or public key (COSE_Key).
        #[arg(long)]
        key: PathBuf,
        /// The witness's name.
        #[arg(long)]
        name: String,
    },
}

pub fn run(cmd: &WitnessCmd) -> Result<ExitCode, CliError> {
    match cmd {
        WitnessCmd::Serve {
            key,
            name,
            logs,
            state,
            listen,
        } => serve(key, name, logs, state, listen),
        WitnessCmd::Vkey { key, name } => {
            let bytes = read(key)?;
            let public = match KeyPair::from_cose_key(&bytes) {
                Ok(k) => k.public_key(),
                Err(_) => consentkit::PublicKey::from_cose_key(&bytes)
                    .map_err(|e| CliError(format!("{}: {e}", key.display())))?,
            };
            let v = CosignerVerifier::ed25519(name, &public)
                .map_err(|e| CliError(format!("{}: {e}", key.display())))?;
            println!("{}", v.to_vkey());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads a policy file.
pub fn read_policy(path: &Path) -> Result<Policy, CliError> {
    Policy::parse(&read(path)?).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

fn serve(
    key: &Path,
    name: &str,
    logs: &Path,
    state: &Path,
    listen: &str,
) -> Result<ExitCode, CliError> {
    let k = KeyPair::from_cose_key(&read(key)?)
        .map_err(|e| CliError(format!("{}: {e}", key.display())))?;
    if k.algorithm() != Algorithm::Ed25519 {
        return Err(CliError(format!(
            "{}: a witness key must be Ed25519 (cosignature/v1), not {}",
            key.display(),
            k.algorithm()
        )));
    }
    let policy = read_policy(logs)?;
    if policy.logs().is_empty() {
        return Err(CliError(format!("{}: no `log` lines", logs.display())));
    }
    let witness = Witness::open(state, name, Box::new(k), &policy)
        .map_err(|e| CliError(format!("witness state {}: {e}", state.display())))?;
    let listener = TcpListener::bind(listen).map_err(|e| CliError(format!("{listen}: {e}")))?;
    let addr = listener.local_addr()?;
    println!("witness {}", witness.verifier().to_vkey());
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    let witness = Arc::new(witness);
    for conn in listener.incoming() {
        let Ok(stream) = conn else { continue };
        let w = Arc::clone(&witness);
        std::thread::spawn(move || {
            let _ = http::serve_connection(stream, MAX_REQUEST_SIZE, &|req| handle(&w, req));
        });
    }
    Ok(ExitCode::SUCCESS)
}

fn handle(w: &Witness, req: &Request) -> Response {
    if req.path == "/add-checkpoint" {
        if req.method != "POST" {
            return Response::text(405, "add-checkpoint takes POST\n");
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return match w.add_checkpoint(&req.body, now) {
            Ok(lines) => Response::text(200, lines),
            Err(e) => {
                let (content_type, body) = e.body();
                Response {
                    status: e.status(),
                    content_type,
                    body: body.into_bytes(),
                }
            }
        };
    }
    if let Some(hash) = req
        .path
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix("/checkpoint"))
    {
        if req.method != "GET" {
            return Response::text(405, "checkpoint takes GET\n");
        }
        return match w.latest(hash) {
            Some(note) => Response::text(200, note),
            None => Response::text(404, "no checkpoint cosigned for that origin\n"),
        };
    }
    Response::text(404, "not found\n")
}
