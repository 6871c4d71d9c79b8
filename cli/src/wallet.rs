//! `consentkit wallet`: a person's view of their own deals.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use consentkit::audit::{fmt_amount, fmt_time, now};
use consentkit::wallet::{Summary, Wallet, WitnessedLogCheck};

use crate::{CliError, SummaryFormat};

fn pad(s: &str, n: usize) -> String {
    format!("{s:<n$}")
}

/// Renders a wallet summary for a terminal.
pub fn render_summary(s: &Summary, at: consentkit::Timestamp) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "My data deals at {}", fmt_time(at));
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Grants ({}; {} offer(s) refused)",
        s.grants.len(),
        s.refusals
    );
    for g in &s.grants {
        let to = if g.recipients.is_empty() {
            String::new()
        } else {
            format!(", shared with {}", g.recipients.join(", "))
        };
        let _ = writeln!(
            o,
            "  {} {} {}: {} of {}{to}{}",
            pad(&g.controller, 18),
            pad(g.state.name(), 11),
            &g.id.to_string()[..8],
            g.purposes.join(", "),
            g.categories.join(", "),
            if g.countersigned {
                ""
            } else {
                " (awaiting countersignature)"
            }
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "What I shared, with whom, for what");
    let _ = writeln!(
        o,
        "  {}{}{}{}{}period",
        pad("controller", 18),
        pad("received by", 18),
        pad("data", 20),
        pad("purpose", 44),
        pad("uses", 7)
    );
    for x in &s.shared {
        let _ = writeln!(
            o,
            "  {}{}{}{}{}{} .. {}",
            pad(&x.controller, 18),
            pad(&x.recipient, 18),
            pad(&x.category, 20),
            pad(&x.purpose, 44),
            pad(&x.uses.to_string(), 7),
            &fmt_time(x.first)[..10],
            &fmt_time(x.last)[..10]
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "What I received");
    if s.received.is_empty() {
        let _ = writeln!(o, "  nothing yet");
    }
    // One line per controller: `received` is sorted by controller, then unit.
    for units in s.received.chunk_by(|a, b| a.controller == b.controller) {
        let v: Vec<String> = units
            .iter()
            .map(|r| fmt_amount(r.amount, &r.unit))
            .collect();
        let c = units.first().map_or("", |r| r.controller.as_str());
        let _ = writeln!(o, "  {}{}", pad(c, 18), v.join(", "));
    }
    let _ = writeln!(o);
    for l in &s.logs {
        let _ = writeln!(
            o,
            "Transparency log {}: {} of my grants, refusals and withdrawals proven in it (checkpoints seen: {})",
            l.origin,
            l.proven.len(),
            l.checkpoints.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
        );
        for id in &l.not_proven {
            let _ = writeln!(o, "  not proven in the log: {id}");
        }
        for p in &l.problems {
            let _ = writeln!(o, "  LOG PROBLEM: {p}");
        }
    }
    if !s.logs.is_empty() {
        let _ = writeln!(o);
    }
    if s.violations.is_empty() {
        let _ = writeln!(
            o,
            "No violations: every use of my data was covered by my grants."
        );
    } else {
        let _ = writeln!(o, "{} violation(s) of my grants:", s.violations.len());
        for f in &s.violations {
            let _ = writeln!(o, "  [{}] {}", f.kind, f.message);
        }
    }
    o
}

/// The witness section of the text summary (`--policy`).
fn render_witnessed(checks: &[WitnessedLogCheck], tolerance: u64) -> String {
    let mut o = String::new();
    let _ = writeln!(o);
    let _ = writeln!(o, "Witnessed logs (the policy's quorum of cosignatures):");
    if checks.is_empty() {
        let _ = writeln!(o, "  the policy names no log");
    }
    for c in checks {
        let _ = writeln!(
            o,
            "  {}: {} witnessed checkpoint(s), {} without the quorum (not accepted); {} artifact(s) proven in a witnessed checkpoint",
            c.origin,
            c.witnessed.len(),
            c.not_witnessed.len(),
            c.proven.len()
        );
        for id in &c.backdated {
            let _ = writeln!(
                o,
                "    backdated: {id} is dated more than {tolerance} s before a witnessed checkpoint that does not contain it"
            );
        }
        for p in &c.problems {
            let _ = writeln!(o, "    problem: {p}");
        }
    }
    o
}

/// `consentkit wallet summary`. Opens the wallet read-only (nothing is written).
pub fn summary(
    path: &Path,
    at: Option<&str>,
    format: SummaryFormat,
    policy: Option<&Path>,
    tolerance: u64,
) -> Result<ExitCode, CliError> {
    let at = at
        .map(crate::audit::parse_time)
        .transpose()?
        .unwrap_or_else(now);
    let policy = policy.map(crate::witness::read_policy).transpose()?;
    let w = Wallet::open(path, None).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let s = w.summary(at);
    let witnessed = policy
        .as_ref()
        .map(|p| w.check_logs_witnessed(p, tolerance));
    for p in w.problems() {
        eprintln!("consentkit: {}: {}", path.display(), p.message);
    }
    match format {
        SummaryFormat::Json => {
            let mut v = serde_json::to_value(&s)?;
            if let serde_json::Value::Object(m) = &mut v {
                m.insert("problems".into(), serde_json::to_value(w.problems())?);
                if let Some(checks) = &witnessed {
                    m.insert("witnessed".into(), serde_json::to_value(checks)?);
                }
            }
            println!("{}", serde_json::to_string_pretty(&v)?)
        }
        SummaryFormat::Text => {
            print!("{}", render_summary(&s, at));
            if let Some(checks) = &witnessed {
                print!("{}", render_witnessed(checks, tolerance));
            }
            if !w.problems().is_empty() {
                println!();
                println!(
                    "{} damaged record(s) skipped (the file was not changed; `consentkit wallet repair {}` drops them):",
                    w.problems().len(),
                    path.display()
                );
                for p in w.problems() {
                    println!("  {}", p.message);
                }
            }
        }
    }
    let log_ok =
        s.logs
            .iter()
            .all(|l| l.problems.is_empty() && l.not_proven.is_empty())
            && witnessed.iter().flatten().all(|c| {
                c.not_witnessed.is_empty() && c.backdated.is_empty() && c.problems.is_empty()
            });
    Ok(if w.artifacts().is_empty() && w.problems().is_empty() {
        ExitCode::from(3)
    } else if s.violations.is_empty() && log_ok && w.problems().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `consentkit wallet repair`: the only command that rewrites a wallet file.
pub fn repair(path: &Path) -> Result<ExitCode, CliError> {
    let r = Wallet::repair(path).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    if r.dropped.is_empty() {
        println!(
            "{}: nothing to repair ({} bytes)",
            path.display(),
            r.bytes_before
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: dropped {} bytes ({} -> {} bytes):",
        path.display(),
        r.bytes_before - r.bytes_after,
        r.bytes_before,
        r.bytes_after
    );
    for d in &r.dropped {
        println!("  {}", d.message);
    }
    Ok(ExitCode::SUCCESS)
}
