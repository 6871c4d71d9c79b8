//! Rendering an audit report for people: a text summary for terminals and
//! one self-contained HTML file (no scripts, no external resources) that an
//! auditor can open offline.

use std::fmt::Write as _;

use super::{fmt_day, fmt_time, FindingKind, Outcome, Report};

/// What happened to the signatures, in one sentence without a final
/// period: how many were checked, and how many were admitted through the
/// log (never "every signature was checked" when some were admitted).
pub fn signature_sentence(r: &Report) -> String {
    let p = &r.provenance;
    let mut s = format!(
        "{} signature(s) checked against the trust set",
        p.signatures.checked
    );
    match &p.log {
        Some(l) if p.signatures.admitted > 0 || l.trust_admission => {
            let _ = write!(
                s,
                ", {} admitted without being checked again because they are in log {} at size {}",
                p.signatures.admitted, l.origin, l.size
            );
        }
        _ => {}
    }
    s
}

/// The verdict in one sentence.
fn verdict_sentence(r: &Report) -> String {
    match r.outcome {
        Outcome::Empty => "nothing to audit: the bundle holds no artifact".to_owned(),
        Outcome::Clean => format!(
            "no findings: {}; every data use was covered by a grant",
            signature_sentence(r)
        ),
        Outcome::Findings => format!("{} finding(s)", r.total_findings()),
    }
}

/// The provenance lines of the text report.
fn provenance_text(r: &Report, o: &mut String) {
    let p = &r.provenance;
    let _ = writeln!(o, "tool: {} {}", p.tool, p.version);
    let _ = writeln!(o, "bundle SHA-256: {}", p.bundle_sha256);
    let _ = writeln!(
        o,
        "trust set: {} key(s), SHA-256 {}",
        p.trust.keys.len(),
        p.trust.sha256
    );
    for k in &p.trust.keys {
        let _ = writeln!(o, "  {} {:?} {} {}", k.kid, k.alg, k.role, k.party);
    }
    match &p.log {
        None => {
            let _ = writeln!(
                o,
                "log: none (every signature checked against the trust set)"
            );
        }
        Some(l) => {
            let _ = writeln!(
                o,
                "log: {} at size {}, root {} ({})",
                l.origin,
                l.size,
                l.root_hash,
                if l.trust_admission {
                    "logged artifacts admitted without checking their signatures again"
                } else {
                    "logged artifacts' signatures checked anyway"
                }
            );
            let _ = writeln!(
                o,
                "  archived checkpoints: {} consistent, {} failed",
                l.archived_consistent, l.archived_problems
            );
            if let Some(w) = &l.witnesses {
                let _ = writeln!(o, "  {}", witness_line(w));
            }
            for c in &l.checkpoints {
                let _ = writeln!(
                    o,
                    "  checkpoint given by the {}: size {}, root {}: {}",
                    c.source,
                    c.size,
                    c.root_hash,
                    if c.consistent {
                        "consistent"
                    } else {
                        "NOT consistent"
                    }
                );
            }
        }
    }
    let _ = writeln!(o, "signatures: {}", signature_sentence(r));
}

/// Formats an amount in a unit for people: ISO 4217 currencies are in
/// minor units (two decimals, none for JPY, KRW and similar), other units
/// are counts ("100 points", "1 month").
pub fn fmt_amount(amount: u64, unit: &str) -> String {
    let is_currency = unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase());
    if !is_currency {
        return format!("{amount} {unit}");
    }
    const NO_DECIMALS: [&str; 8] = ["JPY", "KRW", "ISK", "CLP", "VND", "XOF", "XAF", "UGX"];
    if NO_DECIMALS.contains(&unit) {
        format!("{amount} {unit}")
    } else {
        format!("{}.{:02} {unit}", amount / 100, amount % 100)
    }
}

fn pad(s: &str, n: usize) -> String {
    let len = s.chars().count();
    if len >= n {
        s.to_owned()
    } else {
        format!("{s}{}", " ".repeat(n - len))
    }
}

/// A readable summary table for a terminal.
pub fn render_text(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "consentkit audit at {}", fmt_time(r.at));
    let _ = writeln!(o, "bundle: {} items, {} bytes", r.items, r.bundle_bytes);
    provenance_text(r, &mut o);
    let _ = writeln!(o, "outcome: {}", r.outcome);
    let _ = writeln!(o);
    let _ = writeln!(o, "{}count", pad("artifact type", 16));
    for (k, n) in &r.counts {
        let _ = writeln!(o, "{}{n}", pad(k.name(), 16));
    }
    if r.unreadable > 0 {
        let _ = writeln!(o, "{}{}", pad("unreadable", 16), r.unreadable);
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{}{}{}{}{}{}{}findings",
        pad("controller", 22),
        pad("offers", 8),
        pad("grants", 8),
        pad("refused", 9),
        pad("withdrawn", 11),
        pad("revoked", 9),
        pad("receipts", 10),
    );
    for (c, s) in &r.controllers {
        let _ = writeln!(
            o,
            "{}{}{}{}{}{}{}{}",
            pad(c, 22),
            pad(&s.offers.to_string(), 8),
            pad(&s.grants.to_string(), 8),
            pad(&s.refusals.to_string(), 9),
            pad(&s.withdrawals.to_string(), 11),
            pad(&s.revocations.to_string(), 9),
            pad(&s.receipts.to_string(), 10),
            s.findings
        );
    }
    for (c, s) in &r.controllers {
        if !s.value_delivered.is_empty() {
            let v: Vec<String> = s
                .value_delivered
                .iter()
                .map(|(u, n)| fmt_amount(*n, u))
                .collect();
            let _ = writeln!(o, "value delivered by {c}: {}", v.join(", "));
        }
    }
    let _ = writeln!(o);
    if r.outcome != Outcome::Findings {
        let _ = writeln!(o, "{}", verdict_sentence(r));
    } else {
        let _ = writeln!(o, "{}:", verdict_sentence(r));
        for (k, n) in &r.finding_counts {
            let _ = writeln!(o, "  {}{n}", pad(k.name(), 26));
        }
        let _ = writeln!(o);
        for f in &r.findings {
            let _ = writeln!(o, "[{}] {}", f.kind, f.message);
        }
        if r.findings_omitted > 0 {
            let _ = writeln!(
                o,
                "... and {} more finding(s), counted above but not listed",
                r.findings_omitted
            );
        }
    }
    o
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn severity(k: FindingKind) -> &'static str {
    match k {
        FindingKind::SignatureInvalid
        | FindingKind::UntrustedKey
        | FindingKind::WrongSigner
        | FindingKind::Malformed => "integrity",
        FindingKind::DuplicateId
        | FindingKind::UnknownGrant
        | FindingKind::UnknownOffer
        | FindingKind::ValueForUnknownGrant
        | FindingKind::FutureDated => "completeness",
        _ => "consent",
    }
}

/// A chart of grants, withdrawals and receipts per day, as inline SVG.
///
/// Coordinates are written by [`Tenths`] (the text of `{:.1}`) and the
/// whole-number constants as integers: no `f64` formatting, which would add
/// about 14 KB of float-printing code to the npm module (BENCHMARKS.md).
fn chart(r: &Report) -> String {
    let days: Vec<(&u64, &super::DayActivity)> = r.days.iter().collect();
    if days.is_empty() {
        return "<p>No dated activity.</p>".into();
    }
    // The same numbers as integers (for the text) and as f64 (for the maths).
    const W: u32 = 900;
    const H: u32 = 260;
    const LEFT: u32 = 50;
    const BOTTOM: u32 = 30;
    let (w, h, left, bottom) = (
        f64::from(W),
        f64::from(H),
        f64::from(LEFT),
        f64::from(BOTTOM),
    );
    let n = days.len() as f64;
    let max_receipts = days
        .iter()
        .map(|(_, d)| d.receipts)
        .max()
        .unwrap_or(0)
        .max(1);
    let max_r = max_receipts as f64;
    let max_g = days
        .iter()
        .map(|(_, d)| d.grants.max(d.withdrawals))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bw = ((w - left) / n).max(1.0);
    let plot_h = h - bottom - 10.0;
    let mut s = format!(
        r#"<svg viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="Grants, withdrawals and receipts per day">"#
    );
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{y}" x2="{W}" y2="{y}" stroke="#999"/>"##,
        y = H - BOTTOM
    );
    let mut grants_pts = Vec::new();
    let mut wd_pts = Vec::new();
    for (i, (day, d)) in days.iter().enumerate() {
        let x = left + i as f64 * bw;
        let bh = d.receipts as f64 / max_r * plot_h;
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#9ecae1"><title>{}: {} receipts, {} grants, {} withdrawals</title></rect>"##,
            Tenths(x),
            Tenths(h - bottom - bh),
            Tenths((bw * 0.8).max(0.5)),
            Tenths(bh),
            fmt_day(**day),
            d.receipts,
            d.grants,
            d.withdrawals
        );
        let cx = Tenths(x + bw * 0.4);
        grants_pts.push(format!(
            "{cx},{}",
            Tenths(h - bottom - d.grants as f64 / max_g * plot_h)
        ));
        wd_pts.push(format!(
            "{cx},{}",
            Tenths(h - bottom - d.withdrawals as f64 / max_g * plot_h)
        ));
    }
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#2ca02c" stroke-width="2"/>"##,
        grants_pts.join(" ")
    );
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#d62728" stroke-width="2"/>"##,
        wd_pts.join(" ")
    );
    let first = days.first().map(|(d, _)| fmt_day(**d)).unwrap_or_default();
    let last = days.last().map(|(d, _)| fmt_day(**d)).unwrap_or_default();
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="{}" font-size="12">{first}</text>"##,
        H - 10
    );
    let _ = write!(
        s,
        r##"<text x="{W}" y="{}" font-size="12" text-anchor="end">{last}</text>"##,
        H - 10
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="14" font-size="12">max {max_receipts} receipts/day</text>"##,
        LEFT + 4
    );
    s.push_str("</svg>");
    s.push_str(r##"<p class="legend"><span style="color:#6baed6">&#9632;</span> receipts per day &nbsp; <span style="color:#2ca02c">&#9473;</span> grants given &nbsp; <span style="color:#d62728">&#9473;</span> withdrawals and revocations</p>"##);
    s
}

/// An `f64` written with one decimal, exactly as `format!("{:.1}", x)`
/// writes it (the exact binary value rounded half to even; `NaN`, `inf`,
/// `-inf`; `-0.0` keeps its sign), with integer arithmetic only.
pub(crate) struct Tenths(pub(crate) f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        // |x| = m * 2^e exactly.
        let (m, e) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), biased - 1075)
        };
        if e >= 0 {
            // A whole number, possibly far beyond u128: decimal digits
            // (least significant first) doubled e times.
            let mut digits: Vec<u8> = Vec::new();
            let mut v = m;
            while v > 0 {
                digits.push((v % 10) as u8);
                v /= 10;
            }
            for _ in 0..e {
                let mut carry = 0;
                for d in digits.iter_mut() {
                    let t = *d * 2 + carry;
                    *d = t % 10;
                    carry = t / 10;
                }
                if carry > 0 {
                    digits.push(carry);
                }
            }
            for d in digits.iter().rev() {
                f.write_char(char::from(b'0' + d))?;
            }
            return f.write_str(".0");
        }
        // 10|x| = 10m / 2^s, rounded half to even.
        let s = e.unsigned_abs();
        let num = u128::from(m) * 10;
        let q = if s >= 64 {
            // 10m < 2^57: below a half.
            0
        } else {
            let q = num >> s;
            let rem = num & ((1u128 << s) - 1);
            let half = 1u128 << (s - 1);
            if rem > half || (rem == half && q % 2 == 1) {
                q + 1
            } else {
                q
            }
        };
        write!(f, "{}.{}", q / 10, q % 10)
    }
}

/// One self-contained HTML page: summary, findings table, per-controller
/// breakdown and an activity chart.
pub fn render_html(r: &Report) -> String {
    let mut o = String::new();
    let verdict = match r.outcome {
        Outcome::Clean => format!(
            "<p class=\"ok\">{}.</p>",
            esc(&capitalise(&verdict_sentence(r)))
        ),
        Outcome::Empty => format!(
            "<p class=\"bad\">{}.</p>",
            esc(&capitalise(&verdict_sentence(r)))
        ),
        Outcome::Findings => format!(
            "<p class=\"bad\">{} finding(s) need attention.</p>",
            r.total_findings()
        ),
    };
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>consentkit audit report</title>
<style>
body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}}
h1{{font-size:1.6rem}} h2{{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}}
table{{border-collapse:collapse;width:100%;font-size:.9rem}} table.findings{{table-layout:fixed}} table.findings td{{overflow-wrap:anywhere}} th,td{{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f4f4f4}} td.num{{text-align:right}} .ok{{color:#1a7f37;font-weight:600}} .bad{{color:#b42318;font-weight:600}}
.tag{{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.8rem;background:#eee}} .integrity{{background:#fde2e1}} .consent{{background:#fff1c2}} .completeness{{background:#e3ecfd}}
.cards{{display:flex;gap:1rem;flex-wrap:wrap}} .card{{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;min-width:9rem}} .card b{{display:block;font-size:1.4rem}}
code{{font-size:.8rem}} .legend{{font-size:.85rem}}
</style></head><body>
<h1>consentkit audit report</h1>
<p>Audit time {at} &middot; bundle of {items} items ({bytes} bytes)</p>
{verdict}
<h2>Summary</h2><div class="cards">"#,
        at = fmt_time(r.at),
        items = r.items,
        bytes = r.bundle_bytes,
    );
    for (k, n) in &r.counts {
        let _ = write!(o, "<div class=\"card\"><b>{n}</b>{}</div>", esc(k.name()));
    }
    let _ = write!(
        o,
        "<div class=\"card\"><b>{}</b>findings</div></div>",
        r.total_findings()
    );
    o.push_str("<h2>Activity over time</h2>");
    o.push_str(&chart(r));
    o.push_str("<h2>Per controller</h2><table><tr><th>controller</th><th>offers</th><th>grants</th><th>refusals</th><th>withdrawals</th><th>revocations</th><th>receipts</th><th>value records</th><th>value delivered</th><th>grant states now</th><th>findings</th></tr>");
    for (c, s) in &r.controllers {
        let value: Vec<String> = s
            .value_delivered
            .iter()
            .map(|(u, n)| esc(&fmt_amount(*n, u)))
            .collect();
        let states: Vec<String> = s
            .grant_states
            .iter()
            .map(|(st, n)| format!("{}: {n}", st.name()))
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td><td>{}</td><td class=num>{}</td></tr>",
            esc(c),
            s.offers,
            s.grants,
            s.refusals,
            s.withdrawals,
            s.revocations,
            s.receipts,
            s.value_records,
            value.join("<br>"),
            states.join("<br>"),
            s.findings
        );
    }
    o.push_str("</table>");
    o.push_str("<h2>Findings</h2>");
    if r.findings.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        o.push_str("<table class=\"findings\"><colgroup><col style=\"width:3rem\"><col style=\"width:11rem\"><col style=\"width:12rem\"><col style=\"width:9rem\"><col style=\"width:6rem\"><col></colgroup><tr><th>#</th><th>kind</th><th>artifact</th><th>controller</th><th>byte offset</th><th>what is wrong</th></tr>");
        for (i, f) in r.findings.iter().enumerate() {
            let _ = write!(
                o,
                "<tr><td class=num>{}</td><td><span class=\"tag {}\">{}</span></td><td><code>{}</code><br>{}</td><td>{}</td><td class=num>{}</td><td>{}</td></tr>",
                i + 1,
                severity(f.kind),
                f.kind,
                f.artifact.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
                f.artifact_kind.map(|k| k.name()).unwrap_or(""),
                esc(f.controller.as_deref().unwrap_or("-")),
                f.offset,
                esc(&f.message)
            );
        }
        o.push_str("</table>");
    }
    o.push_str(&provenance_html(r));
    let _ = writeln!(
        o,
        "<p style=\"margin-top:2rem;font-size:.8rem;color:#666\">Generated by {} {}. {}. See docs/AUDIT-REPORT.md for the meaning of each finding kind.</p></body></html>",
        esc(&r.provenance.tool),
        esc(&r.provenance.version),
        esc(&capitalise(&signature_sentence(r)))
    );
    o
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The provenance section of the HTML report: the same facts as the text.
fn provenance_html(r: &Report) -> String {
    let p = &r.provenance;
    let mut o = String::from("<h2>Provenance</h2><table>");
    let row = |o: &mut String, k: &str, v: &str| {
        let _ = write!(o, "<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
    };
    row(&mut o, "tool", &esc(&format!("{} {}", p.tool, p.version)));
    row(&mut o, "outcome", r.outcome.name());
    row(&mut o, "audit time", &fmt_time(r.at));
    row(
        &mut o,
        "bundle",
        &format!(
            "{} items, {} bytes, SHA-256 <code>{}</code>",
            r.items,
            r.bundle_bytes,
            esc(&p.bundle_sha256)
        ),
    );
    let keys: Vec<String> = p
        .trust
        .keys
        .iter()
        .map(|k| {
            format!(
                "<code>{}</code> {:?} {} {}",
                k.kid,
                k.alg,
                k.role,
                esc(&k.party)
            )
        })
        .collect();
    row(
        &mut o,
        "trust set",
        &format!(
            "{} key(s), SHA-256 <code>{}</code><br>{}",
            p.trust.keys.len(),
            esc(&p.trust.sha256),
            keys.join("<br>")
        ),
    );
    match &p.log {
        None => row(
            &mut o,
            "log",
            "none (every signature checked against the trust set)",
        ),
        Some(l) => {
            let mut v = format!(
                "{} at size {}, root <code>{}</code> ({})<br>archived checkpoints: {} consistent, {} failed",
                esc(&l.origin),
                l.size,
                esc(&l.root_hash),
                if l.trust_admission {
                    "logged artifacts admitted without checking their signatures again"
                } else {
                    "logged artifacts' signatures checked anyway"
                },
                l.archived_consistent,
                l.archived_problems
            );
            if let Some(w) = &l.witnesses {
                let _ = write!(v, "<br>{}", esc(&witness_line(w)));
            }
            for c in &l.checkpoints {
                let _ = write!(
                    v,
                    "<br>checkpoint given by the {}: size {}, root <code>{}</code>: {}",
                    esc(&c.source),
                    c.size,
                    esc(&c.root_hash),
                    if c.consistent {
                        "consistent"
                    } else {
                        "NOT consistent"
                    }
                );
            }
            row(&mut o, "log", &v);
        }
    }
    row(&mut o, "signatures", &esc(&signature_sentence(r)));
    o.push_str("</table>");
    o
}

/// One line naming the witness quorum and who cosigned.
fn witness_line(w: &super::witnessed::WitnessView) -> String {
    let who: Vec<String> = w
        .cosigners
        .iter()
        .map(|c| format!("{} ({}) at {}", c.witness, c.key_name, c.timestamp))
        .collect();
    format!(
        "witness quorum {}: {}; cosigned by: {}; {} witnessed checkpoint(s) as clock, tolerance {} s",
        w.quorum,
        if w.quorum_met { "met" } else { "NOT met" },
        if who.is_empty() { "none".to_owned() } else { who.join(", ") },
        w.witnessed_checkpoints,
        w.tolerance
    )
}
