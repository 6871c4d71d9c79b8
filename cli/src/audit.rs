//! `consentkit audit`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use consentkit::audit::{
    audit_source_with_status, render_html, render_text, AuditOptions, LogView, LogViewError,
    Outcome, Report,
};

use crate::tools::NOTHING;
use crate::{read_trust, write, CliError, Format};

/// Bundles larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 8 * 1024 * 1024;

/// Earliest time accepted on the command line: 2000-01-01T00:00:00Z, the
/// core's rule for instants ([`consentkit::time::MIN_TIME`]).
pub const MIN_TIME: u64 = consentkit::time::MIN_TIME.secs();
/// Latest time accepted on the command line (exclusive): 2100-01-01T00:00:00Z
/// ([`consentkit::time::MAX_TIME`]). Milliseconds (13 digits) and
/// microseconds since the epoch are far beyond it.
pub const MAX_TIME: u64 = consentkit::time::MAX_TIME.secs();

/// Parses `--at`: seconds since the epoch, or RFC 3339 UTC
/// `YYYY-MM-DDTHH:MM:SSZ`, between 2000-01-01 (inclusive) and 2100-01-01
/// (exclusive). Anything else, milliseconds or microseconds since the
/// epoch included, is an error naming the value.
pub fn parse_time(s: &str) -> Result<consentkit::Timestamp, CliError> {
    let t = parse_time_any(s)?;
    if !(MIN_TIME..MAX_TIME).contains(&t) {
        let hint = if t >= MAX_TIME * 100 {
            " (it looks like milliseconds or microseconds: give seconds since the epoch)"
        } else {
            ""
        };
        return Err(CliError(format!(
            "--at {s:?}: {t} is not a time between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z in seconds since the epoch{hint}"
        )));
    }
    Ok(t.into())
}

fn parse_time_any(s: &str) -> Result<u64, CliError> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u64>().map_err(|_| {
            CliError(format!(
                "--at {s:?}: too large for seconds since the epoch (give seconds, not milliseconds or microseconds)"
            ))
        });
    }
    let bad = || {
        CliError(format!(
            "--at {s:?}: expected seconds since the epoch or YYYY-MM-DDTHH:MM:SSZ"
        ))
    };
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return Err(bad());
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i64>().ok()).ok_or_else(bad);
    let (y, m, d, hh, mm, ss) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 || y < 1970
    {
        return Err(bad());
    }
    // Days from civil (H. Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let t = days * 86_400 + hh * 3600 + mm * 60 + ss;
    if consentkit::audit::fmt_time((t as u64).into()) != s {
        return Err(bad());
    }
    Ok(t as u64)
}

/// Renders a report in a format.
pub fn render(report: &Report, format: Format) -> Result<String, CliError> {
    Ok(match format {
        Format::Text => render_text(report),
        Format::Json => serde_json::to_string_pretty(&report.to_json())? + "\n",
        Format::Html => render_html(report),
    })
}

/// What `consentkit audit` was asked.
pub struct AuditArgs<'a> {
    /// The bundle.
    pub bundle: &'a Path,
    /// The trust file.
    pub trust: &'a Path,
    /// The audit time.
    pub at: Option<&'a str>,
    /// Report format.
    pub format: Format,
    /// Output file.
    pub out: Option<&'a Path>,
    /// A transparency log directory.
    pub log: Option<&'a Path>,
    /// Older checkpoints the log must extend.
    pub checkpoints: &'a [std::path::PathBuf],
    /// Verify logged artifacts' signatures anyway.
    pub verify_logged: bool,
    /// A witness policy (C2SP tlog-policy) the log's checkpoint must meet.
    pub policy: Option<&'a Path>,
    /// The witness clock tolerance in seconds.
    pub witness_tolerance: Option<u64>,
    /// Status List Token files.
    pub status_lists: &'a [std::path::PathBuf],
}

pub fn run(a: &AuditArgs<'_>) -> Result<ExitCode, CliError> {
    let timings = crate::timings::Timings::from_env();
    let (bundle, format, out) = (a.bundle, a.format, a.out);
    let trust = read_trust(a.trust)?;
    let at = a.at.map(parse_time).transpose()?;
    let log = match a.log {
        None => None,
        Some(dir) => {
            let older = a
                .checkpoints
                .iter()
                .map(|p| crate::read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let policy = a.policy.map(crate::witness::read_policy).transpose()?;
            let opened = match &policy {
                None => LogView::open(dir, &trust, &older, !a.verify_logged),
                Some(p) => LogView::open_witnessed(
                    dir,
                    &trust,
                    &older,
                    !a.verify_logged,
                    p,
                    a.witness_tolerance
                        .unwrap_or(consentkit::audit::WITNESS_CLOCK_TOLERANCE),
                ),
            };
            Some(
                opened.map_err(|e| match e {
                    LogViewError::BadSuppliedCheckpoint { index, reason, .. } => CliError(format!(
                        "--checkpoint {}: not a checkpoint of this log signed by its trusted key: {reason}",
                        a.checkpoints
                            .get(index.wrapping_sub(1))
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    )),
                    e => CliError(format!("{}: {e}", dir.display())),
                })?,
            )
        }
    };
    timings.phase(if log.is_some() { "log open" } else { "start" });
    let size = std::fs::metadata(bundle)
        .map_err(|e| CliError(format!("{}: {e}", bundle.display())))?
        .len();
    let show = std::io::stderr().is_terminal() && size >= PROGRESS_MIN_BYTES;
    let second = std::sync::atomic::AtomicBool::new(false);
    let bar = |done: u64, pass: u8| {
        if pass == 2 && !second.swap(true, std::sync::atomic::Ordering::Relaxed) {
            timings.phase("pass 1");
        }
        if show {
            let pct = done.saturating_mul(100) / size.max(1);
            let filled = (pct / 4) as usize;
            eprint!(
                "\rpass {pass}/2 [{}{}] {pct:3}%",
                "#".repeat(filled),
                " ".repeat(25 - filled.min(25))
            );
        }
    };
    let open = || std::fs::File::open(bundle).map(std::io::BufReader::new);
    let status_lists = a
        .status_lists
        .iter()
        .map(|p| crate::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let report = audit_source_with_status(
        open,
        &trust,
        &AuditOptions { at },
        log.as_ref(),
        &status_lists,
        Some(&bar),
    )
    .map_err(|e| CliError(format!("{}: {e}", bundle.display())))?;
    timings.phase("pass 2");
    if show {
        eprintln!();
    }
    let text = render(&report, format)?;
    match out {
        Some(p) => write(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    timings.phase("report");
    Ok(match report.outcome {
        Outcome::Clean => ExitCode::SUCCESS,
        Outcome::Findings => ExitCode::from(1),
        Outcome::Empty => {
            eprintln!("consentkit: {}: {NOTHING}", bundle.display());
            ExitCode::from(3)
        }
    })
}
