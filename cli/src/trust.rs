//! `consentkit trust`: build, list and inspect trust files (COSE_KeySets
//! whose keys carry a role and a party, docs/FORMAT.md). The rules live in
//! `consentkit::keys`; this file reads arguments, writes the file and prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use consentkit::audit::trust_provenance;
use consentkit::keys::{KeyMaterial, TrustedKey};
use consentkit::log::NoteVerifier;
use consentkit::{Algorithm, PublicKey, Role, TrustSet};

use zeroize::Zeroizing;

use crate::CliError;

/// Largest key, trust or vkey file read (a trust set of 65,533 keys is
/// under 10 MiB).
pub const MAX_KEY_FILE: u64 = 16 << 20;

/// Exit codes of `trust add`.
pub const ADD_EXIT_CODES: &str = "Exit codes:
  0  the key was added, or was already there with the same role and party
  2  unusable input or usage error (a message on stderr): an unreadable key
     or trust file, a missing --role/--party, a key already present with
     another role or party, a second log key for the same origin";

/// Exit codes of `trust list` and `trust inspect`.
pub const READ_EXIT_CODES: &str = "Exit codes:
  0  shown
  2  unusable input: not a key, trust file or log verifier key, or
     unreadable (a message on stderr)";

/// A role on the command line.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RoleArg {
    /// A data controller (offers, grants, revocations, receipts, value records).
    Controller,
    /// A partner (recipient) that issues receipts for its use.
    Partner,
    /// An empowered person.
    Person,
    /// A transparency log (signs checkpoints; Ed25519 only; its party is the log's origin).
    Log,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Controller => Role::Controller,
            RoleArg::Partner => Role::Partner,
            RoleArg::Person => Role::Person,
            RoleArg::Log => Role::Log,
        }
    }
}

/// Output format of `trust list`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    /// A readable table.
    Text,
    /// One JSON object: file, sha256, keys.
    Json,
}

#[derive(Subcommand)]
pub enum TrustCmd {
    /// Add a public key to a trust file (created if missing), with its role
    /// and party.
    ///
    /// The key is a COSE_Key file (`consentkit keygen --public`; from a
    /// private key file only the public part is taken), or a transparency
    /// log's verifier key (C2SP vkey text `origin+hash+base64`, the `vkey`
    /// file of a log directory), which is added with role `log` and party
    /// = the log's origin, as `audit --log` looks it up. A key already in
    /// the file (same kid) with the same role and party is left alone; with
    /// another role or party it is refused. The file is replaced atomically
    /// (a new file in the same directory, fsync, rename) and holds public
    /// keys only.
    #[command(after_help = ADD_EXIT_CODES)]
    Add {
        /// The trust file (a COSE_KeySet with roles).
        trustfile: PathBuf,
        /// The key: a COSE_Key file (public or private), or a log's vkey file.
        #[arg(
            long,
            required_unless_present = "log_vkey",
            conflicts_with = "log_vkey"
        )]
        key: Option<PathBuf>,
        /// A transparency log's verifier key file (`LOGDIR/vkey`): role
        /// `log`, party = the log's origin.
        #[arg(long)]
        log_vkey: Option<PathBuf>,
        /// The role the key signs in (for a vkey: `log`, the default).
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// The party the key belongs to, e.g. `traffic.example` (for a vkey:
        /// the log's origin, the default).
        #[arg(long)]
        party: Option<String>,
    },
    /// List every key of a trust file (kid, algorithm, role, party, sorted
    /// by kid) and the trust set's SHA-256, the digest an audit report
    /// names under `provenance.trust.sha256`.
    #[command(after_help = READ_EXIT_CODES)]
    List {
        /// The trust file.
        trustfile: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Say what a key or trust file is and show it as JSON: a single
    /// COSE_Key (private or public), a trust file (COSE_KeySet), or a log's
    /// verifier key. Private key material is never printed.
    #[command(after_help = READ_EXIT_CODES)]
    Inspect {
        /// The file.
        file: PathBuf,
    },
}

pub fn run(cmd: &TrustCmd) -> Result<ExitCode, CliError> {
    match cmd {
        TrustCmd::Add {
            trustfile,
            key,
            log_vkey,
            role,
            party,
        } => add(
            trustfile,
            key.as_deref().or(log_vkey.as_deref()),
            log_vkey.is_some(),
            role.map(Role::from),
            party.as_deref(),
        ),
        TrustCmd::List { trustfile, format } => list(trustfile, *format),
        TrustCmd::Inspect { file } => {
            let bytes = read_bounded(file)?;
            let json =
                describe(&bytes).map_err(|e| CliError(format!("{}: {e}", file.display())))?;
            println!("{}", serde_json::to_string_pretty(&json)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What a key file holds, for the commands here.
pub enum Material {
    /// A COSE_Key or a trust set.
    Cose(KeyMaterial),
    /// A transparency log's verifier key.
    Vkey(NoteVerifier),
}

/// Reads a file of at most [`MAX_KEY_FILE`] bytes, zeroed when dropped (it
/// may be a private key).
pub fn read_bounded(path: &Path) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let len = std::fs::metadata(path)
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?
        .len();
    if len > MAX_KEY_FILE {
        return Err(CliError(format!(
            "{}: {len} bytes, too large for a key or trust file (limit {MAX_KEY_FILE})",
            path.display()
        )));
    }
    crate::read(path).map(Zeroizing::new)
}

/// A log verifier key, if `bytes` is one (UTF-8 `name+hash+base64`, one
/// optional final newline).
fn as_vkey(bytes: &[u8]) -> Option<Result<NoteVerifier, String>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    if !text.contains('+') || text.contains('\n') || text.chars().any(char::is_control) {
        return None;
    }
    Some(NoteVerifier::from_vkey(text).map_err(|e| format!("log verifier key: {e}")))
}

/// Reads key material: a log vkey (text), or a COSE_Key / COSE_KeySet (CBOR).
pub fn material(bytes: &[u8]) -> Result<Material, String> {
    if let Some(v) = as_vkey(bytes) {
        return v.map(Material::Vkey);
    }
    KeyMaterial::decode(bytes)
        .map(Material::Cose)
        .map_err(|e| e.to_string())
}

/// Whether a file's first byte could start key material rather than an
/// artifact: an untagged CBOR map or array (artifacts are tagged COSE
/// messages), or text.
pub fn looks_like_key_material(first: u8) -> bool {
    matches!(first >> 5, 4 | 5) || first.is_ascii_alphanumeric()
}

fn trust_json(set: &TrustSet) -> Result<serde_json::Value, CliError> {
    let p = trust_provenance(set);
    Ok(serde_json::json!({
        "type": "trust_set",
        "count": p.keys.len(),
        "sha256": p.sha256,
        "keys": serde_json::to_value(&p.keys)?,
    }))
}

/// JSON describing a key, trust or vkey file (`type`: `cose_key`,
/// `trust_set`, `log_vkey`).
pub fn describe(bytes: &[u8]) -> Result<serde_json::Value, CliError> {
    Ok(match material(bytes).map_err(CliError)? {
        Material::Vkey(v) => serde_json::json!({
            "type": "log_vkey",
            "name": v.name(),
            "note_key_id": format!("{:08x}", v.key_id()),
            "kid": v.public_key().kid(),
            "algorithm": v.public_key().algorithm(),
            "vkey": v.to_vkey(),
            "trust_as": {"role": "log", "party": v.name()},
        }),
        Material::Cose(KeyMaterial::TrustSet(set)) => trust_json(&set)?,
        Material::Cose(KeyMaterial::Key {
            key,
            private,
            role,
            party,
        }) => {
            let mut o = serde_json::json!({
                "type": "cose_key",
                "private": private,
                "kid": key.kid(),
                "algorithm": key.algorithm(),
            });
            if let Some(r) = role {
                o["role"] = serde_json::json!(r);
            }
            if let Some(p) = party {
                o["party"] = serde_json::json!(p);
            }
            o
        }
        Material::Cose(_) => return Err(CliError("unsupported key material".into())),
    })
}

fn add(
    trustfile: &Path,
    keyfile: Option<&Path>,
    as_vkey: bool,
    role: Option<Role>,
    party: Option<&str>,
) -> Result<ExitCode, CliError> {
    let keyfile = keyfile.ok_or_else(|| CliError("--key or --log-vkey is required".into()))?;
    let bytes = read_bounded(keyfile)?;
    let named = |e: String| CliError(format!("{}: {e}", keyfile.display()));
    let (key, role, party): (PublicKey, Role, String) = match material(&bytes).map_err(named)? {
        Material::Vkey(v) => {
            if role.is_some_and(|r| r != Role::Log) {
                return Err(named(
                    "a log verifier key can only be trusted with role log".into(),
                ));
            }
            if party.is_some_and(|p| p != v.name()) {
                return Err(named(format!(
                    "the log's origin is {:?}; its key's party must be that origin \
                     (audit --log looks it up by origin)",
                    v.name()
                )));
            }
            (v.public_key().clone(), Role::Log, v.name().to_owned())
        }
        Material::Cose(_) if as_vkey => {
            return Err(named(
                "not a log verifier key (C2SP vkey text); use --key for a COSE_Key".into(),
            ))
        }
        Material::Cose(KeyMaterial::Key {
            key,
            role: r0,
            party: p0,
            ..
        }) => {
            let role = role.or(r0).ok_or_else(|| {
                CliError("--role is required (controller, partner, person or log)".into())
            })?;
            let party = party
                .map(str::to_owned)
                .or(p0)
                .ok_or_else(|| CliError("--party is required".into()))?;
            (key, role, party)
        }
        Material::Cose(KeyMaterial::TrustSet(_)) => {
            return Err(named(
                "a trust file, not a single key: add its keys one at a time".into(),
            ))
        }
        Material::Cose(_) => return Err(named("unsupported key material".into())),
    };
    if party.is_empty() || party.chars().any(char::is_control) {
        return Err(CliError(format!(
            "--party {party:?}: must be non-empty, without control characters"
        )));
    }
    if role == Role::Log && key.algorithm() != Algorithm::Ed25519 {
        return Err(CliError(format!(
            "a log key must be Ed25519 (C2SP checkpoints), not {}",
            key.algorithm()
        )));
    }
    let mut set = if trustfile.exists() {
        TrustSet::from_cose_key_set(&read_bounded(trustfile)?)
            .map_err(|e| CliError(format!("{}: {e}", trustfile.display())))?
    } else {
        TrustSet::new()
    };
    let kid = key.kid();
    if let Some(TrustedKey {
        role: r, party: p, ..
    }) = set.get(&kid)
    {
        if *r == role && *p == party {
            println!("{kid} already trusted as {role} of {party}; unchanged");
            return Ok(ExitCode::SUCCESS);
        }
        return Err(CliError(format!(
            "{}: key {kid} is already trusted as {r} of {p}; refusing to add it as {role} of {party}",
            trustfile.display()
        )));
    }
    if role == Role::Log {
        if let Some(other) = set.iter().find(|t| t.role == Role::Log && t.party == party) {
            return Err(CliError(format!(
                "{}: a log key for origin {party:?} is already trusted (kid {}); \
                 an audit would use only one of them",
                trustfile.display(),
                other.key.kid()
            )));
        }
    }
    set.insert(key, role, party.clone());
    let out = set.to_cose_key_set();
    // The encoding must read back as the same set: public keys only.
    let back = TrustSet::from_cose_key_set(&out).map_err(|e| {
        CliError(format!(
            "internal: the new trust set does not read back: {e}"
        ))
    })?;
    if back.len() != set.len() {
        return Err(CliError(
            "internal: the new trust set does not read back".into(),
        ));
    }
    write_atomic(trustfile, &out)?;
    println!(
        "added {kid} as {role} of {party}: {} now holds {} key(s), sha256 {}",
        trustfile.display(),
        set.len(),
        trust_provenance(&set).sha256
    );
    Ok(ExitCode::SUCCESS)
}

/// Replaces `path` with `bytes`: a new file in the same directory, fsync,
/// rename, then (on Unix) fsync the directory.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let err = |p: &Path, e: std::io::Error| CliError(format!("{}: {e}", p.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| CliError(format!("{}: not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| err(&tmp, e))?;
        f.write_all(bytes).map_err(|e| err(&tmp, e))?;
        f.sync_all().map_err(|e| err(&tmp, e))?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| err(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn list(trustfile: &Path, format: ListFormat) -> Result<ExitCode, CliError> {
    let set = TrustSet::from_cose_key_set(&read_bounded(trustfile)?)
        .map_err(|e| CliError(format!("{}: {e}", trustfile.display())))?;
    match format {
        ListFormat::Json => {
            let mut j = trust_json(&set)?;
            j["file"] = serde_json::json!(trustfile.display().to_string());
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
        ListFormat::Text => {
            let p = trust_provenance(&set);
            println!(
                "trust set {}: {} key(s), sha256 {}",
                trustfile.display(),
                p.keys.len(),
                p.sha256
            );
            for k in &p.keys {
                println!(
                    "{}  {:<7} {:<10} {}",
                    k.kid,
                    k.algorithm,
                    k.role.as_str(),
                    k.party
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
