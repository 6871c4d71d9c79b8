//! Rendering an audit report for people: a text summary for terminals and
//! one self-contained HTML file (no scripts, no external resources) that an
//! auditor can open offline.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Serialize, Serializer};

use super::{fmt_day, fmt_time, Finding, FindingKind, Outcome, Provenance};
use crate::artifact::ArtifactKind;
use crate::lifecycle::ConsentState;
use crate::time::Timestamp;

/// A count of artifacts of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct KindCount {
    /// The kind.
    pub kind: ArtifactKind,
    /// How many.
    pub count: u64,
}

/// A count of grants in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StateCount {
    /// The state.
    pub state: ConsentState,
    /// How many grants.
    pub count: u64,
}

/// An amount in one unit.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UnitAmount {
    /// The unit (a currency in minor units, "points", "month", ...).
    pub unit: String,
    /// The amount, summed.
    pub amount: u64,
}

/// A count of findings of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FindingCount {
    /// The kind.
    pub kind: FindingKind,
    /// How many (listed or omitted).
    pub count: u64,
}

/// Counts for one controller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ControllerStats {
    /// The controller's party id (the key of `controllers` in the JSON report).
    #[serde(skip)]
    pub controller: String,
    /// Offers.
    pub offers: u64,
    /// Grants.
    pub grants: u64,
    /// Refusals.
    pub refusals: u64,
    /// Withdrawals by people.
    pub withdrawals: u64,
    /// Revocations by the controller.
    pub revocations: u64,
    /// Data receipts under its grants.
    pub receipts: u64,
    /// Value records.
    pub value_records: u64,
    /// Findings concerning it.
    pub findings: u64,
    /// Value delivered, summed per unit (currency, "points", "month", ...),
    /// sorted by unit.
    #[serde(serialize_with = "unit_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in string]: number }"))]
    pub value_delivered: Vec<UnitAmount>,
    /// Grants per state at the audit time, in the order of [`ConsentState`].
    #[serde(serialize_with = "state_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in ConsentState]?: number }"))]
    pub grant_states: Vec<StateCount>,
}

impl ControllerStats {
    /// The value delivered in `unit` (0 if none).
    pub fn delivered(&self, unit: &str) -> u64 {
        self.value_delivered
            .iter()
            .find(|v| v.unit == unit)
            .map_or(0, |v| v.amount)
    }

    /// The number of grants in `state` at the audit time.
    pub fn grants_in(&self, state: ConsentState) -> u64 {
        self.grant_states
            .iter()
            .find(|s| s.state == state)
            .map_or(0, |s| s.count)
    }
}

/// Activity on one UTC day, for the report's chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DayActivity {
    /// The day: days since the epoch (the key of `days` in the JSON report).
    #[serde(skip)]
    pub day: u64,
    /// Grants given.
    pub grants: u64,
    /// Withdrawals and revocations taking effect.
    pub withdrawals: u64,
    /// Data receipts.
    pub receipts: u64,
}

/// The audit's result.
///
/// Its lists are sorted by their key (kind, party id, day, unit, state),
/// each key once; the JSON report writes each as an object keyed the
/// same way (docs/AUDIT-REPORT.md).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AuditReportJson"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "AuditReport"))]
pub struct Report {
    /// The audit time (seconds since the epoch).
    pub at: Timestamp,
    /// Bytes read.
    pub bundle_bytes: u64,
    /// Items read.
    pub items: u64,
    /// Artifacts per type (valid or not, as far as their type is known),
    /// in the order of [`ArtifactKind`].
    #[serde(serialize_with = "kind_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in ArtifactKind]?: number }"))]
    pub counts: Vec<KindCount>,
    /// Items whose type could not be determined.
    pub unreadable: u64,
    /// Per controller, sorted by party id.
    #[serde(serialize_with = "controller_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in string]: ControllerStats }"))]
    pub controllers: Vec<ControllerStats>,
    /// Activity per UTC day, in day order.
    #[serde(serialize_with = "day_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in number]: DayActivity }"))]
    pub days: Vec<DayActivity>,
    /// The findings, sorted by kind, artifact and message (at most
    /// [`MAX_FINDINGS`](super::MAX_FINDINGS); the rest are counted in
    /// `findings_omitted`).
    pub findings: Vec<Finding>,
    /// Findings per kind, all of them (including omitted ones), in the
    /// order of [`FindingKind`].
    #[serde(serialize_with = "finding_map")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in FindingKind]?: number }"))]
    pub finding_counts: Vec<FindingCount>,
    /// Findings counted but not listed, beyond
    /// [`MAX_FINDINGS`](super::MAX_FINDINGS).
    pub findings_omitted: u64,
    /// The verdict: clean, findings, or empty (nothing to audit). Set by
    /// the audit from the findings and counts ([`Report::compute_outcome`]).
    pub outcome: Outcome,
    /// What the audit rests on: tool, bundle hash, trust set, log, signatures.
    pub provenance: Provenance,
}

/// The verdict in the two forms every skin shows, as methods (uniffi:
/// Kotlin `isClean()`, `outcomeName()`; Python `is_clean()`,
/// `outcome_name()`; JavaScript: the getters `isClean`, `outcomeName`).
#[cfg_attr(feature = "uniffi", uniffi::export(name = "AuditReport"))]
impl Report {
    /// Whether the audit read artifacts and found nothing. An empty bundle
    /// is not clean: see [`Outcome::Empty`].
    pub fn is_clean(&self) -> bool {
        self.outcome == Outcome::Clean
    }

    /// The outcome's stable name, as in the JSON report (`"clean"`,
    /// `"findings"`, `"empty"`).
    pub fn outcome_name(&self) -> String {
        self.outcome.name().to_owned()
    }
}

impl Report {
    /// The outcome the report's findings and counts imply: any finding
    /// makes it [`Outcome::Findings`]; otherwise no artifact at all makes
    /// it [`Outcome::Empty`] (every item that is not an artifact is a
    /// `malformed` finding, so this is a bundle with no item); otherwise
    /// [`Outcome::Clean`].
    pub fn compute_outcome(&self) -> Outcome {
        if !self.finding_counts.is_empty() {
            Outcome::Findings
        } else if self.counts.iter().map(|c| c.count).sum::<u64>() == 0 && self.unreadable == 0 {
            Outcome::Empty
        } else {
            Outcome::Clean
        }
    }

    /// The total number of findings, listed or omitted.
    pub fn total_findings(&self) -> u64 {
        self.finding_counts.iter().map(|c| c.count).sum()
    }

    /// The number of artifacts of `kind` read (0 if none).
    pub fn count(&self, kind: ArtifactKind) -> u64 {
        self.counts
            .iter()
            .find(|c| c.kind == kind)
            .map_or(0, |c| c.count)
    }

    /// The number of findings of `kind` (0 if none).
    pub fn finding_count(&self, kind: FindingKind) -> u64 {
        self.finding_counts
            .iter()
            .find(|c| c.kind == kind)
            .map_or(0, |c| c.count)
    }

    /// The statistics of one controller, by party id.
    pub fn controller(&self, party: &str) -> Option<&ControllerStats> {
        self.controllers
            .binary_search_by(|c| c.controller.as_str().cmp(party))
            .ok()
            .and_then(|i| self.controllers.get(i))
    }

    /// The report as JSON (schema: docs/AUDIT-REPORT.md).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

// The JSON report writes each list as an object keyed by the list's key,
// in the list's order (the shape of the maps the report held before).

fn kind_map<S: Serializer>(v: &[KindCount], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (c.kind, c.count)))
}

fn state_map<S: Serializer>(v: &[StateCount], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (c.state, c.count)))
}

fn unit_map<S: Serializer>(v: &[UnitAmount], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|u| (&u.unit, u.amount)))
}

fn finding_map<S: Serializer>(v: &[FindingCount], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (c.kind, c.count)))
}

fn controller_map<S: Serializer>(v: &[ControllerStats], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (&c.controller, c)))
}

fn day_map<S: Serializer>(v: &[DayActivity], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|d| (d.day, d)))
}

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
        let _ = writeln!(o, "  {} {} {} {}", k.kid, k.algorithm, k.role, k.party);
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
    for c in &r.counts {
        let _ = writeln!(o, "{}{}", pad(c.kind.name(), 16), c.count);
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
    for s in &r.controllers {
        let _ = writeln!(
            o,
            "{}{}{}{}{}{}{}{}",
            pad(&s.controller, 22),
            pad(&s.offers.to_string(), 8),
            pad(&s.grants.to_string(), 8),
            pad(&s.refusals.to_string(), 9),
            pad(&s.withdrawals.to_string(), 11),
            pad(&s.revocations.to_string(), 9),
            pad(&s.receipts.to_string(), 10),
            s.findings
        );
    }
    for s in &r.controllers {
        if !s.value_delivered.is_empty() {
            let v: Vec<String> = s
                .value_delivered
                .iter()
                .map(|u| fmt_amount(u.amount, &u.unit))
                .collect();
            let _ = writeln!(o, "value delivered by {}: {}", s.controller, v.join(", "));
        }
    }
    let _ = writeln!(o);
    if r.outcome != Outcome::Findings {
        let _ = writeln!(o, "{}", verdict_sentence(r));
    } else {
        let _ = writeln!(o, "{}:", verdict_sentence(r));
        for c in &r.finding_counts {
            let _ = writeln!(o, "  {}{}", pad(c.kind.name(), 26), c.count);
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
    let days = &r.days;
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
    let max_receipts = days.iter().map(|d| d.receipts).max().unwrap_or(0).max(1);
    let max_r = max_receipts as f64;
    let max_g = days
        .iter()
        .map(|d| d.grants.max(d.withdrawals))
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
    for (i, d) in days.iter().enumerate() {
        let x = left + i as f64 * bw;
        let bh = d.receipts as f64 / max_r * plot_h;
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#9ecae1"><title>{}: {} receipts, {} grants, {} withdrawals</title></rect>"##,
            Tenths(x),
            Tenths(h - bottom - bh),
            Tenths((bw * 0.8).max(0.5)),
            Tenths(bh),
            fmt_day(d.day),
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
    let first = days.first().map(|d| fmt_day(d.day)).unwrap_or_default();
    let last = days.last().map(|d| fmt_day(d.day)).unwrap_or_default();
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
        // q <= 10m < 2^61: printed as a u64 (no u128 printing in the npm module).
        let q = u64::try_from(q).unwrap_or(u64::MAX);
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
    for c in &r.counts {
        let _ = write!(
            o,
            "<div class=\"card\"><b>{}</b>{}</div>",
            c.count,
            esc(c.kind.name())
        );
    }
    let _ = write!(
        o,
        "<div class=\"card\"><b>{}</b>findings</div></div>",
        r.total_findings()
    );
    o.push_str("<h2>Activity over time</h2>");
    o.push_str(&chart(r));
    o.push_str("<h2>Per controller</h2><table><tr><th>controller</th><th>offers</th><th>grants</th><th>refusals</th><th>withdrawals</th><th>revocations</th><th>receipts</th><th>value records</th><th>value delivered</th><th>grant states now</th><th>findings</th></tr>");
    for s in &r.controllers {
        let value: Vec<String> = s
            .value_delivered
            .iter()
            .map(|u| esc(&fmt_amount(u.amount, &u.unit)))
            .collect();
        let states: Vec<String> = s
            .grant_states
            .iter()
            .map(|c| format!("{}: {}", c.state.name(), c.count))
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td><td>{}</td><td class=num>{}</td></tr>",
            esc(&s.controller),
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
                "<code>{}</code> {} {} {}",
                k.kid,
                k.algorithm,
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

/// Counts under a few keys (an enum's variants), in first-seen order until
/// built: a linear scan, cheaper than a map for so few keys and a few bytes
/// of code in the npm module.
pub(super) struct Few<K, V>(Vec<(K, V)>);

impl<K, V> Default for Few<K, V> {
    fn default() -> Self {
        Few(Vec::new())
    }
}

/// A key's place in a [`Few`], as a map's entry.
pub(super) struct FewEntry<'a, K, V> {
    list: &'a mut Vec<(K, V)>,
    key: K,
    at: Option<usize>,
}

impl<'a, K, V> FewEntry<'a, K, V> {
    /// The key's value, `v` if it had none.
    pub(super) fn or_insert(self, v: V) -> &'a mut V {
        let i = match self.at {
            Some(i) => i,
            None => {
                self.list.push((self.key, v));
                self.list.len() - 1
            }
        };
        &mut self.list[i].1
    }
}

impl<K: Ord, V> Few<K, V> {
    /// The entry of `k`.
    pub(super) fn entry(&mut self, k: K) -> FewEntry<'_, K, V> {
        let at = self.0.iter().position(|(x, _)| *x == k);
        FewEntry {
            list: &mut self.0,
            key: k,
            at,
        }
    }

    fn into_sorted(self) -> Vec<(K, V)> {
        let mut v = self.0;
        crate::sort::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        v
    }
}

/// The entries of a map, sorted by key (each key is there once).
fn sorted<K: Ord, V>(m: HashMap<K, V>) -> Vec<(K, V)> {
    let mut v: Vec<(K, V)> = m.into_iter().collect();
    crate::sort::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
    v
}

/// One controller's counts while the audit runs.
#[derive(Default)]
pub(super) struct ControllerTally {
    pub(super) offers: u64,
    pub(super) grants: u64,
    pub(super) refusals: u64,
    pub(super) withdrawals: u64,
    pub(super) revocations: u64,
    pub(super) receipts: u64,
    pub(super) value_records: u64,
    pub(super) findings: u64,
    pub(super) value_delivered: HashMap<String, u64>,
    pub(super) grant_states: Few<ConsentState, u64>,
}

/// The report while the audit runs: counts under keys in the order they
/// come, sorted once by [`ReportBuilder::build`] (the report is the same
/// for every order of the bundle's items).
#[derive(Default)]
pub(super) struct ReportBuilder {
    pub(super) at: Timestamp,
    pub(super) items: u64,
    pub(super) unreadable: u64,
    pub(super) counts: Few<ArtifactKind, u64>,
    pub(super) controllers: HashMap<String, ControllerTally>,
    pub(super) days: HashMap<u64, DayActivity>,
    pub(super) findings: Vec<Finding>,
    pub(super) finding_counts: Few<FindingKind, u64>,
    pub(super) findings_omitted: u64,
}

impl ReportBuilder {
    pub(super) fn new(at: Timestamp) -> Self {
        ReportBuilder {
            at,
            ..ReportBuilder::default()
        }
    }

    /// The report, its lists sorted; the bundle's size, the outcome and the
    /// provenance are set by the caller.
    pub(super) fn build(self) -> Report {
        Report {
            at: self.at,
            items: self.items,
            unreadable: self.unreadable,
            counts: self
                .counts
                .into_sorted()
                .into_iter()
                .map(|(kind, count)| KindCount { kind, count })
                .collect(),
            controllers: sorted(self.controllers)
                .into_iter()
                .map(|(controller, t)| ControllerStats {
                    controller,
                    offers: t.offers,
                    grants: t.grants,
                    refusals: t.refusals,
                    withdrawals: t.withdrawals,
                    revocations: t.revocations,
                    receipts: t.receipts,
                    value_records: t.value_records,
                    findings: t.findings,
                    value_delivered: sorted(t.value_delivered)
                        .into_iter()
                        .map(|(unit, amount)| UnitAmount { unit, amount })
                        .collect(),
                    grant_states: t
                        .grant_states
                        .into_sorted()
                        .into_iter()
                        .map(|(state, count)| StateCount { state, count })
                        .collect(),
                })
                .collect(),
            days: sorted(self.days)
                .into_iter()
                .map(|(day, d)| DayActivity { day, ..d })
                .collect(),
            findings: self.findings,
            finding_counts: self
                .finding_counts
                .into_sorted()
                .into_iter()
                .map(|(kind, count)| FindingCount { kind, count })
                .collect(),
            findings_omitted: self.findings_omitted,
            ..Report::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report built from counts that came in no particular order, several
    /// under each key of every list.
    fn several() -> Report {
        let mut b = ReportBuilder::new(1_700_000_000.into());
        b.items = 7;
        b.unreadable = 1;
        for (k, n) in [
            (ArtifactKind::DataReceipt, 3),
            (ArtifactKind::Offer, 1),
            (ArtifactKind::Grant, 2),
        ] {
            *b.counts.entry(k).or_insert(0) += n;
        }
        let t = b.controllers.entry("b.example".into()).or_default();
        (t.offers, t.grants, t.value_records, t.findings) = (1, 2, 2, 1);
        *t.value_delivered.entry("points".into()).or_insert(0) += 7;
        *t.value_delivered.entry("EUR".into()).or_insert(0) += 250;
        *t.grant_states.entry(ConsentState::Withdrawn).or_insert(0) += 1;
        *t.grant_states.entry(ConsentState::Given).or_insert(0) += 1;
        b.controllers
            .entry("a.example".into())
            .or_default()
            .receipts = 5;
        b.days.entry(20_001).or_default().withdrawals = 1;
        b.days.entry(20_001).or_default().receipts = 2;
        b.days.entry(9).or_default().receipts = 1;
        b.days.entry(20_000).or_default().grants = 1;
        *b.finding_counts
            .entry(FindingKind::AfterExpiry)
            .or_insert(0) += 1;
        *b.finding_counts.entry(FindingKind::Malformed).or_insert(0) += 2;
        b.build()
    }

    /// The maps of the JSON report as they were written when the report held
    /// `BTreeMap`s: keys in the order of the key type (enum order, strings
    /// by bytes, days by number), each an object.
    const SEVERAL_JSON: &str = concat!(
        r#"{"at":1700000000,"bundle_bytes":0,"items":7,"#,
        r#""counts":{"offer":1,"grant":2,"data_receipt":3},"unreadable":1,"#,
        r#""controllers":{"#,
        r#""a.example":{"offers":0,"grants":0,"refusals":0,"withdrawals":0,"revocations":0,"receipts":5,"value_records":0,"findings":0,"value_delivered":{},"grant_states":{}},"#,
        r#""b.example":{"offers":1,"grants":2,"refusals":0,"withdrawals":0,"revocations":0,"receipts":0,"value_records":2,"findings":1,"value_delivered":{"EUR":250,"points":7},"grant_states":{"given":1,"withdrawn":1}}},"#,
        r#""days":{"9":{"grants":0,"withdrawals":0,"receipts":1},"20000":{"grants":1,"withdrawals":0,"receipts":0},"20001":{"grants":0,"withdrawals":1,"receipts":2}},"#,
        r#""findings":[],"finding_counts":{"malformed":2,"after_expiry":1},"findings_omitted":0,"#,
    );

    #[test]
    fn the_json_of_a_report_with_several_entries_per_list_keeps_the_maps_order_and_shape() {
        let r = several();
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.starts_with(SEVERAL_JSON), "{text}");
        // `to_json` (what the CLI, the bindings and the npm module write):
        // the same content.
        let rest = &text[SEVERAL_JSON.len()..];
        let expected: serde_json::Value =
            serde_json::from_str(&format!("{SEVERAL_JSON}{rest}")).unwrap();
        assert_eq!(r.to_json(), expected);
        assert!(
            rest.starts_with(r#""outcome":"empty","provenance":{"#),
            "{rest}"
        );
    }

    #[test]
    fn the_lists_are_sorted_by_key_and_looked_up_by_it() {
        let r = several();
        assert_eq!(r.count(ArtifactKind::Grant), 2);
        assert_eq!(r.count(ArtifactKind::Withdrawal), 0);
        assert_eq!(r.finding_count(FindingKind::Malformed), 2);
        assert_eq!(r.finding_count(FindingKind::DuplicateId), 0);
        assert_eq!(r.total_findings(), 3);
        let names: Vec<&str> = r
            .controllers
            .iter()
            .map(|c| c.controller.as_str())
            .collect();
        assert_eq!(names, ["a.example", "b.example"]);
        let b = r.controller("b.example").unwrap();
        assert!(r.controller("c.example").is_none());
        assert_eq!(
            (
                b.delivered("EUR"),
                b.delivered("points"),
                b.delivered("USD")
            ),
            (250, 7, 0)
        );
        assert_eq!(b.grants_in(ConsentState::Given), 1);
        assert_eq!(b.grants_in(ConsentState::Expired), 0);
        let days: Vec<u64> = r.days.iter().map(|d| d.day).collect();
        assert_eq!(days, [9, 20_000, 20_001]);
    }
}
