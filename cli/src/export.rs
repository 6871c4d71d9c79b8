//! `consentkit export`: a bundle's grants (and refusals) as Kantara
//! Consent Receipts v1.1 or ISO/IEC TS 27560 consent records (DPV JSON-LD).
//! The core does the work ([`consentkit::export::export_consents`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentkit::artifact::ArtifactId;
use consentkit::export::{controller_infos_from_json, export_consents, ExportFormat};

use crate::{read, write, CliError};

/// Exit codes of `export`.
pub const EXPORT_EXIT_CODES: &str = "Exit codes:
  0  exported (a JSON array, one document per grant or refusal)
  1  some grants or refusals could not be exported because of what they are
     (e.g. a grant taking more than its offer offered, or whose offer is not
     in the bundle): each is named on stderr; the others are written
  2  unusable input or usage error: a bundle item that is no artifact, a
     GRANT that is not a grant (or refusal) in the bundle, an incomplete
     --controllers file (a message on stderr names what is missing)
  3  nothing to export: no grant (or refusal) given at or before --at

Signatures are not verified: run `consentkit verify` or `consentkit audit`
on the bundle first. docs/EXPORTS.md describes both formats and the
--controllers file.";

/// `--format` of `export`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum ExportFormatArg {
    /// Kantara Consent Receipt v1.1.0 JSON (grants only).
    Kantara,
    /// ISO/IEC TS 27560 consent record in JSON-LD with W3C DPV (grants and refusals).
    Iso27560,
}

/// Arguments of `consentkit export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    /// The bundle (a CBOR sequence of artifacts).
    pub bundle: PathBuf,
    /// Grant (or refusal) ids to export, 32 hex digits each. Default: every
    /// grant (and, for iso27560, every refusal) given at or before --at.
    #[arg(value_name = "GRANT")]
    pub grants: Vec<String>,
    /// Status time: each export says whether the grant was in force,
    /// withdrawn, revoked, expired or replaced then. RFC 3339 UTC
    /// (2026-11-01T00:00:00Z) or seconds since the epoch, from 2000 to
    /// 2099. Default: now.
    #[arg(long)]
    pub at: Option<String>,
    /// What the artifacts do not carry: each controller's and recipient's
    /// name, contact and address, privacy policy, storage locations
    /// (JSON, docs/EXPORTS.md; `consentkit demo` writes one).
    #[arg(long)]
    pub controllers: PathBuf,
    /// Write the JSON here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `consentkit export`.
pub fn run(args: &ExportArgs) -> Result<ExitCode, CliError> {
    let at = match &args.at {
        Some(s) => crate::audit::parse_time(s)?,
        None => consentkit::audit::now(),
    };
    let ids = args
        .grants
        .iter()
        .map(|g| {
            ArtifactId::from_hex(g)
                .ok_or_else(|| CliError(format!("{g:?} is not a grant id (32 hex digits)")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let json = read(&args.controllers)?;
    let json = std::str::from_utf8(&json)
        .map_err(|_| CliError(format!("{}: not UTF-8 text", args.controllers.display())))?;
    let infos = controller_infos_from_json(json)
        .map_err(|e| CliError(format!("{}: {e}", args.controllers.display())))?;
    let bundle = read(&args.bundle)?;
    let format = match args.format {
        ExportFormatArg::Kantara => ExportFormat::Kantara,
        ExportFormatArg::Iso27560 => ExportFormat::Iso27560,
    };
    let export = export_consents(&bundle, format, &ids, at, &infos)
        .map_err(|e| CliError(format!("{}: {e}", args.bundle.display())))?;
    for (id, why) in &export.refused {
        eprintln!(
            "consentkit: {}: not exported: {id}: {why}",
            args.bundle.display()
        );
    }
    let docs = export.documents;
    if docs.is_empty() && export.refused.is_empty() {
        eprintln!(
            "consentkit: {}: nothing to export (no grant{} given at or before {})",
            args.bundle.display(),
            if format == ExportFormat::Iso27560 {
                " or refusal"
            } else {
                ""
            },
            consentkit::export::utc_datetime(at)
        );
        return Ok(ExitCode::from(3));
    }
    let text = serde_json::to_string_pretty(&serde_json::Value::Array(docs))? + "\n";
    match &args.out {
        Some(p) => write(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(if export.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes `path` only if it is given (used by the demo).
pub fn write_json(path: &Path, v: &serde_json::Value) -> Result<(), CliError> {
    write(path, (serde_json::to_string_pretty(v)? + "\n").as_bytes())
}
