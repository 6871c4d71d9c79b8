//! `consentkit`: the command line for auditors and integrators.
//!
//! Exit codes (every command that checks artifacts): 0 checked, no
//! findings; 1 findings or failed verification; 2 unusable input or usage
//! error (message on stderr); 3 nothing to check (no artifact at all).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod audit;
mod demo;
mod export;
mod http;
mod log;
mod proof;
mod rng;
mod tcf;
mod timings;
mod tools;
mod trust;
mod wallet;
mod witness;

/// Exit codes of the commands that check artifacts (`audit`, `verify`, `inspect`).
/// Commands that only read or write keys, logs or wallets use the same
/// numbers where they apply (see each command's `--help`).
pub const EXIT_CODES: &str = "Exit codes:
  0  checked, no findings
  1  findings or failed verification (an item that is no valid artifact counts)
  2  unusable input or usage error (a message on stderr)
  3  nothing to check: the input holds no artifact at all";

/// Signed, verifiable proof of data-sharing deals.
#[derive(Parser)]
#[command(name = "consentkit", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Output format of an audit report.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A readable summary table.
    Text,
    /// Machine-readable JSON (schema: docs/AUDIT-REPORT.md).
    Json,
    /// One self-contained HTML file.
    Html,
}

/// Output format of a wallet summary (no HTML: a person's summary is read
/// in the app or the terminal; `audit --format html` writes the auditor's page).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SummaryFormat {
    /// A readable summary.
    Text,
    /// Machine-readable JSON (the wallet's `Summary`, plus `problems`).
    Json,
}

/// Exit codes of `keygen`.
const KEYGEN_EXIT_CODES: &str = "Exit codes:
  0  written (the key id is printed)
  2  usage error, an existing file without --force, or a file that cannot be
     written (a message on stderr)";

/// Output format of `verify`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum VerifyFormat {
    /// A line per artifact and a summary line.
    Text,
    /// One JSON object: file, outcome, counts and items.
    Json,
}

/// Key algorithm.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Alg {
    /// Ed25519 (COSE -8).
    Ed25519,
    /// ECDSA P-256 / SHA-256 (COSE -7).
    Es256,
}

#[derive(Subcommand)]
enum Cmd {
    /// Generate a key pair: the private COSE_Key to --out, the public one to --public.
    #[command(after_help = KEYGEN_EXIT_CODES)]
    Keygen {
        /// Algorithm.
        #[arg(long, value_enum, default_value = "ed25519")]
        alg: Alg,
        /// Where to write the private key (COSE_Key, CBOR).
        #[arg(long)]
        out: PathBuf,
        /// Where to write the public key (COSE_Key, CBOR).
        #[arg(long)]
        public: Option<PathBuf>,
        /// Replace --out and --public if they exist (otherwise an existing file is an error, exit 2).
        #[arg(long)]
        force: bool,
    },
    /// Show an artifact, or a CBOR sequence of them, as JSON. A key file
    /// (COSE_Key), a trust file (COSE_KeySet) or a log's verifier key is
    /// recognised and shown as `consentkit trust inspect` shows it (exit 0).
    #[command(after_help = EXIT_CODES)]
    Inspect {
        /// The artifact or bundle file.
        file: PathBuf,
    },
    /// Verify each artifact in a file against a trust file (a COSE_KeySet with roles).
    #[command(after_help = EXIT_CODES)]
    Verify {
        /// The artifact or bundle file.
        file: PathBuf,
        /// The trust file.
        #[arg(long)]
        trust: PathBuf,
        /// Output format: `text` (a line per artifact and a summary line) or
        /// `json` (one object: file, outcome, counts, items).
        #[arg(long, value_enum, default_value = "text")]
        format: VerifyFormat,
        /// Show only the items that failed or could not be read (the
        /// summary and counts still cover every item).
        #[arg(long)]
        failures_only: bool,
    },
    /// Audit a bundle: signatures, lifecycle, scope, limits.
    #[command(after_help = EXIT_CODES)]
    Audit {
        /// The bundle (a CBOR sequence of artifacts).
        bundle: PathBuf,
        /// The trust file (a COSE_KeySet with roles).
        #[arg(long)]
        trust: PathBuf,
        /// Audit time: RFC 3339 UTC (2026-11-01T00:00:00Z) or seconds since the
        /// epoch, from 2000 to 2099 (milliseconds are refused). Default: now.
        #[arg(long)]
        at: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write the report here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A transparency log directory: every artifact must be in it, and
        /// its history consistent. Its key must be in the trust file (role "log",
        /// party = the log's origin: `consentkit trust add TRUST --log-vkey LOGDIR/vkey`).
        #[arg(long)]
        log: Option<PathBuf>,
        /// An older signed checkpoint of the log (kept by an auditor or a wallet)
        /// that the log must still extend (if not: a `log_inconsistent` finding).
        /// A file that is not a checkpoint signed by the log's key is unusable
        /// input (exit 2). Repeatable.
        #[arg(long = "checkpoint", requires = "log")]
        checkpoints: Vec<PathBuf>,
        /// Check logged artifacts' signatures anyway, instead of relying on
        /// the log's admission checks.
        #[arg(long, requires = "log")]
        verify_logged: bool,
        /// A witness policy (C2SP tlog-policy): the log's checkpoint must carry
        /// its quorum of cosignatures (if not: a `not_witnessed` finding), and
        /// witnessed checkpoints date what the log held (`witnessed_backdated`).
        #[arg(long, requires = "log")]
        policy: Option<PathBuf>,
        /// With --policy: how many seconds an artifact may be dated before a
        /// witnessed checkpoint that does not contain it (default 86400).
        #[arg(long, requires = "policy")]
        witness_tolerance: Option<u64>,
        /// A controller's Status List Token (IETF Token Status List, CWT):
        /// a list still VALID for a grant withdrawn more than its `ttl` before
        /// the list was issued is a `stale_status` finding. Repeatable. With
        /// --log, the lists logged in it are held the same way (a list both
        /// given and logged counts once).
        #[arg(long = "status-list")]
        status_lists: Vec<PathBuf>,
    },
    /// Inclusion proofs that travel: export an artifact's proof as an RFC 9942
    /// COSE Receipt or a C2SP tlog-proof, or check one.
    Proof {
        #[command(subcommand)]
        cmd: proof::ProofCmd,
    },
    /// A signed, append-only transparency log of artifacts (C2SP tiles and checkpoints).
    #[command(after_help = log::LOG_EXIT_CODES)]
    Log {
        #[command(subcommand)]
        cmd: log::LogCmd,
    },
    /// Trust files: add keys (every role, a log's verifier key included), list, inspect.
    #[command(after_help = "Exit codes: 0 done; 2 unusable input or usage error \
        (a message on stderr). See each subcommand's --help.")]
    Trust {
        #[command(subcommand)]
        cmd: trust::TrustCmd,
    },
    /// A person's wallet.
    #[command(after_help = "Exit codes: see `consentkit wallet summary --help` and \
        `consentkit wallet repair --help`.")]
    Wallet {
        #[command(subcommand)]
        cmd: WalletCmd,
    },
    /// A transparency log witness (C2SP tlog-witness): serve add-checkpoint,
    /// print its cosigner key.
    #[command(after_help = "Exit codes: see each subcommand's --help.")]
    Witness {
        #[command(subcommand)]
        cmd: witness::WitnessCmd,
    },
    /// Simulate a small ecosystem (traffic app, music service, expert
    /// marketplace), write its artifacts, keys and trust file, and audit it.
    #[command(after_help = "Exit codes:
  0  the audit found exactly the injected violations (none without --violations)
  1  it found others, or missed some
  2  usage error, or the output directory cannot be written (a message on stderr)")]
    Demo(demo::DemoArgs),
    /// IAB TCF v2.3 TC strings and GPP strings: decode, encode, import a TC
    /// string as an imported grant, export a grant as a TC string, GPP
    /// string and in-app values (docs/TCF.md).
    #[command(after_help = tcf::TCF_EXIT_CODES)]
    Tcf {
        #[command(subcommand)]
        cmd: tcf::TcfCmd,
    },
    /// Export a bundle's grants (and refusals) as Kantara Consent Receipts
    /// v1.1 or ISO/IEC TS 27560 consent records (W3C DPV JSON-LD), each with
    /// its status at --at.
    #[command(after_help = export::EXPORT_EXIT_CODES)]
    Export(export::ExportArgs),
}

#[derive(Subcommand)]
enum WalletCmd {
    /// What I shared, with whom, for what, under which grant; what I received; violations.
    ///
    /// Reading never writes the wallet file. Damaged records are skipped and
    /// listed (on stderr, and under "problems" in JSON); the rest is read.
    #[command(after_help = "Exit codes:
  0  no violations and no problems
  1  violations, log problems, damaged records skipped, or (with --policy) a
     checkpoint without the policy's quorum or an artifact logged after a
     witnessed checkpoint that does not contain it (backdated)
  2  unusable wallet or policy, or usage error (a message on stderr)
  3  nothing to check: the wallet holds no artifact")]
    Summary {
        /// The wallet file.
        wallet: PathBuf,
        /// Time of the summary (RFC 3339 UTC or seconds since the epoch). Default: now.
        #[arg(long)]
        at: Option<String>,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value = "text")]
        format: SummaryFormat,
        /// A witness policy (C2SP tlog-policy): the wallet accepts a log's
        /// checkpoint only with the policy's quorum of cosignatures, proves
        /// its artifacts only against such checkpoints, and names artifacts
        /// dated more than --witness-tolerance before a witnessed checkpoint
        /// that does not contain them (backdated). JSON: `witnessed`.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// With --policy: seconds an artifact may be dated before a witnessed
        /// checkpoint that does not contain it (default 86400).
        #[arg(long, requires = "policy")]
        witness_tolerance: Option<u64>,
    },
    /// Rewrite a damaged wallet file without what cannot be read (a torn
    /// last record, records whose checksum or content is bad), and say what was dropped.
    ///
    /// The only wallet command that rewrites the file: through a new file
    /// (mode 0600) and a rename. A wallet with nothing to drop is left as it is.
    #[command(after_help = "Exit codes:
  0  repaired, or nothing to repair
  2  unusable wallet (not a readable wallet: bad magic or header), a file
     that cannot be written, or usage error (a message on stderr)")]
    Repair {
        /// The wallet file.
        wallet: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Keygen {
            alg,
            out,
            public,
            force,
        } => tools::keygen(alg, &out, public.as_deref(), force),
        Cmd::Inspect { file } => tools::inspect(&file),
        Cmd::Verify {
            file,
            trust,
            format,
            failures_only,
        } => tools::verify(&file, &trust, format, failures_only),
        Cmd::Audit {
            bundle,
            trust,
            at,
            format,
            out,
            log,
            checkpoints,
            verify_logged,
            policy,
            witness_tolerance,
            status_lists,
        } => audit::run(&audit::AuditArgs {
            bundle: &bundle,
            trust: &trust,
            at: at.as_deref(),
            format,
            out: out.as_deref(),
            log: log.as_deref(),
            checkpoints: &checkpoints,
            verify_logged,
            policy: policy.as_deref(),
            witness_tolerance,
            status_lists: &status_lists,
        }),
        Cmd::Log { cmd } => log::run(&cmd),
        Cmd::Proof { cmd } => proof::run(&cmd),
        Cmd::Trust { cmd } => trust::run(&cmd),
        Cmd::Wallet {
            cmd:
                WalletCmd::Summary {
                    wallet,
                    at,
                    format,
                    policy,
                    witness_tolerance,
                },
        } => wallet::summary(
            &wallet,
            at.as_deref(),
            format,
            policy.as_deref(),
            witness_tolerance.unwrap_or(consentkit::audit::WITNESS_CLOCK_TOLERANCE),
        ),
        Cmd::Wallet {
            cmd: WalletCmd::Repair { wallet },
        } => wallet::repair(&wallet),
        Cmd::Witness { cmd } => witness::run(&cmd),
        Cmd::Demo(args) => demo::run(&args),
        Cmd::Tcf { cmd } => tcf::run(&cmd),
        Cmd::Export(args) => export::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("consentkit: {e}");
            ExitCode::from(2)
        }
    }
}

/// A CLI error: unusable input, with a message.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// Reads a file, naming it in the error.
pub fn read(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Writes a file, naming it in the error.
pub fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Reads a trust file.
pub fn read_trust(path: &std::path::Path) -> Result<consentkit::TrustSet, CliError> {
    consentkit::TrustSet::from_cose_key_set(&read(path)?)
        .map_err(|e| CliError(format!("{}: {e}", path.display())))
}
