//! `consentkit tcf`: IAB TCF v2.3 TC strings and GPP strings in and out
//! (docs/TCF.md). Every rule lives in `consentkit::tcf`; this is glue.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use consentkit::tcf::{self, TcString, TcfExport, TcfImport};
use consentkit::{Artifact, Grant, KeyPair, Offer, Term};

use crate::{read, write, CliError};

/// Exit codes of the `tcf` commands.
pub const TCF_EXIT_CODES: &str = "Exit codes:
  0  done (the string decoded, or the output was written)
  2  unusable input (a malformed TC or GPP string, a file that is not the
     artifact or key expected, consents that cannot be mapped) or usage
     error (a message on stderr)";

#[derive(Subcommand)]
pub enum TcfCmd {
    /// Decode a TC string (or, with --gpp, a GPP string) and print it as
    /// JSON (the snake_case fields of docs/TCF.md). Strict: bad base64url,
    /// another version, a truncated field or a missing Disclosed Vendors
    /// segment is an error (exit 2).
    #[command(after_help = TCF_EXIT_CODES)]
    Decode {
        /// The TC string (or GPP string).
        string: String,
        /// The string is a GPP string (header `DBA...`, sections after `~`).
        #[arg(long)]
        gpp: bool,
    },
    /// Encode a TC string from its JSON fields (as `decode` prints them;
    /// `-` reads standard input) and print JSON: `tc_string`, `gpp_string`
    /// and `in_app` (the IABTCF_* in-app values).
    #[command(after_help = TCF_EXIT_CODES)]
    Encode {
        /// The JSON file, or `-`.
        json: PathBuf,
        /// IABTCF_gdprApplies: 1 (true) or 0 (false).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        gdpr_applies: bool,
    },
    /// Import a TC string as an imported grant (signed by the controller
    /// only) under an offer: TCF purposes become DPV purposes, consented
    /// vendors become recipients `tcf-vendor:ID`. Prints the grant's id.
    #[command(after_help = TCF_EXIT_CODES)]
    Import {
        /// The TC string.
        string: String,
        /// The controller's offer the consents answer (an artifact file).
        #[arg(long)]
        offer: PathBuf,
        /// The person's pairwise pseudonym at the controller (32 hex digits).
        #[arg(long)]
        subject: String,
        /// The controller's private key (COSE_Key) to sign the grant with.
        #[arg(long)]
        key: PathBuf,
        /// Personal-data categories granted (DPV terms); default: the offer's.
        #[arg(long = "category")]
        categories: Vec<String>,
        /// Where to write the signed grant.
        #[arg(long)]
        out: PathBuf,
    },
    /// Express a grant (an artifact file) as a TC string for a CMP and a
    /// vendor list, with its GPP string and in-app values (JSON).
    #[command(after_help = TCF_EXIT_CODES)]
    Export {
        /// The grant artifact file.
        grant: PathBuf,
        /// The vendors that get consent, comma-separated ids (e.g. 1,3,755).
        #[arg(long, value_delimiter = ',', required = true)]
        vendors: Vec<u16>,
        /// The CMP's id.
        #[arg(long)]
        cmp_id: u16,
        /// The CMP's version.
        #[arg(long, default_value_t = 1)]
        cmp_version: u16,
        /// The consent screen number.
        #[arg(long, default_value_t = 0)]
        consent_screen: u8,
        /// Consent language, two letters.
        #[arg(long, default_value = "EN")]
        consent_language: String,
        /// Global Vendor List version.
        #[arg(long)]
        vendor_list_version: u16,
        /// TCF policy version.
        #[arg(long, default_value_t = tcf::TCF_POLICY_VERSION)]
        policy_version: u8,
        /// Publisher country code, two letters (AA = unknown).
        #[arg(long, default_value = "AA")]
        publisher_cc: String,
        /// IABTCF_gdprApplies: 1 (true) or 0 (false).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        gdpr_applies: bool,
    },
}

pub fn run(cmd: &TcfCmd) -> Result<ExitCode, CliError> {
    match cmd {
        TcfCmd::Decode { string, gpp } => {
            let json = if *gpp {
                serde_json::to_value(tcf::decode_gpp(string.trim())?)?
            } else {
                serde_json::to_value(TcString::decode(string.trim())?)?
            };
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        TcfCmd::Encode { json, gdpr_applies } => {
            let text = if json.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                String::from_utf8(read(json)?)
                    .map_err(|_| CliError(format!("{}: not UTF-8", json.display())))?
            };
            let tc: TcString = serde_json::from_str(&text)
                .map_err(|e| CliError(format!("{}: {e}", json.display())))?;
            print_forms(&tc, *gdpr_applies)?;
        }
        TcfCmd::Import {
            string,
            offer,
            subject,
            key,
            categories,
            out,
        } => {
            let tc = TcString::decode(string.trim())?;
            let offer_art = artifact(offer)?;
            let o = Offer::from_artifact(&offer_art)
                .map_err(|e| CliError(format!("{}: {e}", offer.display())))?;
            let subject: [u8; 16] = hex::decode(subject)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| CliError("--subject: expected 32 hex digits".into()))?;
            let categories = if categories.is_empty() {
                o.categories.clone()
            } else {
                categories
                    .iter()
                    .map(|c| Term::new(c))
                    .collect::<Result<Vec<_>, _>>()?
            };
            let ctx = TcfImport {
                subject,
                controller: o.controller.clone(),
                offer: offer_art.digest(),
                categories,
                expires_at: None,
            };
            let grant = tcf::import_tc_string(&tc, &ctx)?;
            let controller = KeyPair::from_cose_key(&read(key)?)
                .map_err(|e| CliError(format!("{}: {e}", key.display())))?;
            let signed = grant.sign_imported(&controller)?;
            write(out, signed.as_bytes())?;
            println!("{}", signed.id());
        }
        TcfCmd::Export {
            grant,
            vendors,
            cmp_id,
            cmp_version,
            consent_screen,
            consent_language,
            vendor_list_version,
            policy_version,
            publisher_cc,
            gdpr_applies,
        } => {
            let art = artifact(grant)?;
            let g = Grant::from_artifact(&art)
                .map_err(|e| CliError(format!("{}: {e}", grant.display())))?;
            let opts = TcfExport {
                cmp_id: *cmp_id,
                cmp_version: *cmp_version,
                consent_screen: *consent_screen,
                consent_language: consent_language.clone(),
                vendor_list_version: *vendor_list_version,
                policy_version: *policy_version,
                publisher_cc: publisher_cc.clone(),
                vendors: vendors.clone(),
            };
            let tc = tcf::tc_string_for_grant(g, &opts)?;
            print_forms(&tc, *gdpr_applies)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn artifact(path: &Path) -> Result<Artifact, CliError> {
    Artifact::decode(&read(path)?).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

fn print_forms(tc: &TcString, gdpr_applies: bool) -> Result<(), CliError> {
    let json = serde_json::json!({
        "tc_string": tc.encode()?,
        "gpp_string": tcf::gpp_string(tc)?,
        "in_app": tc.in_app_values(gdpr_applies)?,
    });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}
