use super::*;
use crate::artifact::{DataReceipt, Grant, KnownViolation, Offer, ValueRecord, Withdrawal};
use crate::keys::{Algorithm, KeyPair, Role, Signer};
use crate::sample::{self, Parties, CONTROLLER, T0};
use crate::vocab::Term;

struct World {
    p: Parties,
    offer: Artifact,
    grant: Artifact,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    World { p, offer, grant }
}

fn opts() -> AuditOptions {
    AuditOptions {
        at: Some(T0 + 400 * 86_400),
    }
}

fn run(w: &World, extra: &[&Artifact]) -> Report {
    let mut all: Vec<&Artifact> = vec![&w.offer, &w.grant];
    all.extend_from_slice(extra);
    audit_bytes(&to_sequence(all), &w.p.trust(), &opts())
}

fn kinds(r: &Report) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

fn receipt(w: &World, edit: impl FnOnce(&mut DataReceipt)) -> Artifact {
    let mut r = sample::receipt(&w.grant).unwrap();
    edit(&mut r);
    // Many tests here make receipts the grant does not cover, for the audit to find.
    r.sign_known_violation(&w.p.controller, &known()).unwrap()
}

fn known() -> KnownViolation {
    KnownViolation::new("a violation for the audit to find")
}

#[test]
fn a_valid_history_gives_no_finding() {
    let w = world();
    let r1 = receipt(&w, |_| {});
    let r2 = {
        let mut r = sample::receipt(&w.grant).unwrap();
        r.recipient = None;
        r.purpose = Term::new("https://city.example/purpose#UrbanPlanning")
            .unwrap()
            .into();
        r.sign(&w.grant, &w.p.partner).unwrap()
    };
    let v = sample::signed_value_record(&w.p, &w.grant).unwrap();
    let wd = sample::signed_withdrawal(&w.p, &w.grant).unwrap();
    let refusal = sample::signed_refusal(&w.p, &w.offer).unwrap();
    let report = run(&w, &[&r1, &r2, &v, &wd, &refusal]);
    assert_eq!(report.findings, vec![], "{}", render_text(&report));
    assert_eq!(report.count(ArtifactKind::DataReceipt), 2);
    let c = &report.controller(CONTROLLER).unwrap();
    assert_eq!(
        (
            c.offers,
            c.grants,
            c.refusals,
            c.withdrawals,
            c.receipts,
            c.value_records
        ),
        (1, 1, 1, 1, 2, 1)
    );
    assert_eq!(c.delivered("month"), 1);
    assert_eq!(c.grants_in(ConsentState::Withdrawn), 1);
}

/// Each finding kind, from a minimal history.
#[test]
fn each_finding_kind_from_a_minimal_history() {
    let w = world();
    let trust = w.p.trust();
    let stranger = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let t = |s: &str| Term::new(s).unwrap();
    let given = Grant::from_artifact(&w.grant).unwrap().issued_at;

    let mut cases: Vec<(FindingKind, Vec<u8>)> = Vec::new();
    let seq = |items: &[&Artifact]| to_sequence(items.iter().copied());

    // signature_invalid: flip a bit inside the receipt's signature.
    let mut bad_sig = receipt(&w, |_| {}).as_bytes().to_vec();
    let n = bad_sig.len();
    bad_sig[n - 1] ^= 1;
    let mut b = seq(&[&w.offer, &w.grant]);
    b.extend(&bad_sig);
    cases.push((FindingKind::SignatureInvalid, b));
    // untrusted_key
    let forged = sample::receipt(&w.grant)
        .unwrap()
        .sign(&w.grant, &stranger)
        .unwrap();
    cases.push((
        FindingKind::UntrustedKey,
        seq(&[&w.offer, &w.grant, &forged]),
    ));
    // wrong_signer: a partner signs a value record.
    let v = ValueRecord {
        grant: w.grant.id(),
        issued_at: given,
        benefit: Offer::from_artifact(&w.offer).unwrap().value_offered[0].clone(),
    };
    // The partner's key without its declared role: signing would refuse it.
    let partner = KeyPair::ed25519_from_seed(&[2; 32]).unwrap();
    let v_partner = v.sign(&partner).unwrap();
    cases.push((
        FindingKind::WrongSigner,
        seq(&[&w.offer, &w.grant, &v_partner]),
    ));
    // malformed: garbage that is well-formed CBOR but no artifact.
    let mut b = seq(&[&w.offer, &w.grant]);
    b.extend([0x82, 0x01, 0x02]);
    cases.push((FindingKind::Malformed, b));
    // unknown_grant: a receipt whose grant is not in the bundle.
    let r = receipt(&w, |_| {});
    cases.push((FindingKind::UnknownGrant, seq(&[&w.offer, &r])));
    // unknown_offer
    cases.push((FindingKind::UnknownOffer, seq(&[&w.grant])));
    // purpose / category / recipient not granted
    let r = receipt(&w, |r| r.purpose = t("dpv:Marketing").into());
    cases.push((
        FindingKind::PurposeNotGranted,
        seq(&[&w.offer, &w.grant, &r]),
    ));
    let r = receipt(&w, |r| r.category = t("pd:Health").into());
    cases.push((
        FindingKind::CategoryNotGranted,
        seq(&[&w.offer, &w.grant, &r]),
    ));
    let r = receipt(&w, |r| r.recipient = Some("broker.example".into()));
    cases.push((
        FindingKind::RecipientNotGranted,
        seq(&[&w.offer, &w.grant, &r]),
    ));
    // before_grant
    let r = receipt(&w, |r| r.used_at = given - 1);
    cases.push((FindingKind::BeforeGrant, seq(&[&w.offer, &w.grant, &r])));
    // after_withdrawal
    let wd = sample::signed_withdrawal(&w.p, &w.grant).unwrap();
    let r = receipt(&w, |r| r.used_at = T0 + 11 * 86_400);
    cases.push((
        FindingKind::AfterWithdrawal,
        seq(&[&w.offer, &w.grant, &wd, &r]),
    ));
    // after_expiry
    let r = receipt(&w, |r| r.used_at = T0 + 200 * 86_400);
    cases.push((FindingKind::AfterExpiry, seq(&[&w.offer, &w.grant, &r])));
    // after_supersession
    let mut g2 = sample::grant_body(&w.p, &w.offer);
    g2.issued_at = given + 86_400;
    g2.supersedes = Some(w.grant.id());
    let g2 = g2
        .sign_both(&w.offer, &w.p.person, &w.p.controller)
        .unwrap();
    let r = receipt(&w, |r| r.used_at = given + 2 * 86_400);
    cases.push((
        FindingKind::AfterSupersession,
        seq(&[&w.offer, &w.grant, &g2, &r]),
    ));
    // limit_exceeded: 1001 uses in one day (limit 1000), in one receipt's quantity.
    let r = receipt(&w, |r| r.quantity = 1001);
    cases.push((FindingKind::LimitExceeded, seq(&[&w.offer, &w.grant, &r])));
    // precision_exceeded
    let r = receipt(&w, |r| r.precision = Some(1));
    cases.push((
        FindingKind::PrecisionExceeded,
        seq(&[&w.offer, &w.grant, &r]),
    ));
    // duplicate_id
    let r = receipt(&w, |_| {});
    cases.push((FindingKind::DuplicateId, seq(&[&w.offer, &w.grant, &r, &r])));
    // value_for_unknown_grant
    let v = sample::signed_value_record(&w.p, &w.grant).unwrap();
    cases.push((FindingKind::ValueForUnknownGrant, seq(&[&w.offer, &v])));
    // grant_exceeds_offer
    let mut g = sample::grant_body(&w.p, &w.offer);
    g.purposes.push(t("dpv:Marketing"));
    let g = g
        .sign_both_known_violation(&w.p.person, &w.p.controller, &known())
        .unwrap();
    cases.push((FindingKind::GrantExceedsOffer, seq(&[&w.offer, &g])));
    // future_dated
    let r = receipt(&w, |r| r.used_at = T0 + 100 * 86_400);
    let early = AuditOptions {
        at: Some(T0 + 50 * 86_400),
    };
    let b = seq(&[&w.offer, &w.grant, &r]);
    let rep = audit_bytes(&b, &trust, &early);
    assert_eq!(
        kinds(&rep),
        vec![FindingKind::FutureDated],
        "{}",
        render_text(&rep)
    );

    for (kind, bundle) in cases {
        let rep = audit_bytes(&bundle, &trust, &opts());
        assert_eq!(
            kinds(&rep),
            vec![kind],
            "expected exactly one {kind}:\n{}",
            render_text(&rep)
        );
        let f = &rep.findings[0];
        assert!(!f.message.is_empty());
    }
}

#[test]
fn a_withdrawal_signed_by_someone_else_does_not_end_the_grant() {
    let w = world();
    let mallory = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let fake = Withdrawal::by_person(w.grant.id(), T0 + 86_400, &mallory).unwrap();
    let r = receipt(&w, |r| r.used_at = T0 + 2 * 86_400);
    let rep = run(&w, &[&fake, &r]);
    assert_eq!(kinds(&rep), vec![FindingKind::WrongSigner]);
}

#[test]
fn a_grant_countersigned_by_another_controller_is_flagged() {
    let w = world();
    let music = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let mut trust = w.p.trust();
    trust.insert(
        crate::keys::Signer::public_key(&music),
        Role::Controller,
        "music.example",
    );
    let g = sample::grant_body(&w.p, &w.offer)
        .sign_both(&w.offer, &w.p.person, &music)
        .unwrap();
    let r = receipt(&w, |r| r.grant = g.id());
    let rep = audit_bytes(&to_sequence([&w.offer, &g, &r]), &trust, &opts());
    assert_eq!(
        kinds(&rep),
        vec![FindingKind::WrongSigner, FindingKind::UnknownGrant],
        "{}",
        render_text(&rep)
    );
    assert!(rep.findings[1].message.contains("failed its checks"));
}

#[test]
fn order_does_not_matter() {
    let w = world();
    let receipts: Vec<Artifact> = (0..5)
        .map(|i| receipt(&w, |r| r.used_at = T0 + 3_599 + i * 86_400))
        .collect();
    let wd = sample::signed_withdrawal(&w.p, &w.grant).unwrap();
    let late = receipt(&w, |r| r.used_at = T0 + 20 * 86_400);
    let mut items: Vec<&Artifact> = vec![&w.offer, &w.grant, &wd, &late];
    items.extend(receipts.iter());
    let forward = audit_bytes(&to_sequence(items.iter().copied()), &w.p.trust(), &opts());
    items.reverse();
    let backward = audit_bytes(&to_sequence(items.iter().copied()), &w.p.trust(), &opts());
    let strip = |r: &Report| {
        r.findings
            .iter()
            .map(|f| (f.kind, f.artifact, f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&forward), strip(&backward));
    assert_eq!(
        kinds(&forward),
        vec![FindingKind::BeforeGrant, FindingKind::AfterWithdrawal]
    );
    assert_eq!(forward.controllers, backward.controllers);
}

#[test]
fn a_broken_tail_is_reported_and_the_rest_audited() {
    let w = world();
    let r = receipt(&w, |_| {});
    let mut b = to_sequence([&w.offer, &w.grant, &r]);
    b.extend([0x5f, 0x41]); // indefinite-length bstr: the sequence cannot be split further
    let rep = audit_bytes(&b, &w.p.trust(), &opts());
    assert_eq!(kinds(&rep), vec![FindingKind::Malformed]);
    assert_eq!(rep.count(ArtifactKind::DataReceipt), 1);
    // Truncated last item.
    let mut t = to_sequence([&w.offer, &w.grant, &r]);
    t.truncate(t.len() - 3);
    let rep = audit_bytes(&t, &w.p.trust(), &opts());
    assert_eq!(kinds(&rep), vec![FindingKind::Malformed]);
}

#[test]
fn reports_render() {
    let w = world();
    let r = receipt(&w, |r| {
        r.purpose = Term::new("dpv:Marketing").unwrap().into()
    });
    let rep = run(&w, &[&r]);
    let text = render_text(&rep);
    assert!(text.contains("purpose_not_granted"), "{text}");
    let html = render_html(&rep);
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("<svg")
            && html.contains("purpose_not_granted")
    );
    assert!(!html.contains("<script"));
    let json = rep.to_json();
    assert_eq!(json["findings"][0]["kind"], "purpose_not_granted");
}

/// A hostile bundle cannot grow the report without bound: past
/// MAX_FINDINGS, findings are counted, not listed.
#[test]
fn findings_are_capped_but_counted() {
    let p = Parties::new().unwrap();
    let bundle = vec![0u8; MAX_FINDINGS + 5]; // each 0x00 is a well-formed item that is no artifact
    let rep = audit_bytes(&bundle, &p.trust(), &opts());
    assert_eq!(rep.findings.len(), MAX_FINDINGS);
    assert_eq!(rep.findings_omitted, 5);
    assert_eq!(
        rep.finding_count(FindingKind::Malformed),
        MAX_FINDINGS as u64 + 5
    );
    assert_eq!(rep.total_findings(), MAX_FINDINGS as u64 + 5);
    assert!(render_text(&rep).contains("5 more finding(s)"));
}

#[test]
fn amounts_for_people() {
    assert_eq!(fmt_amount(7_550, "EUR"), "75.50 EUR");
    assert_eq!(fmt_amount(5, "EUR"), "0.05 EUR");
    assert_eq!(fmt_amount(300, "JPY"), "300 JPY");
    assert_eq!(fmt_amount(100, "points"), "100 points");
}

#[test]
fn time_formatting() {
    assert_eq!(fmt_time(0.into()), "1970-01-01T00:00:00Z");
    assert_eq!(fmt_time(T0), "2026-11-01T00:00:00Z");
    assert_eq!(fmt_time(951_782_400.into()), "2000-02-29T00:00:00Z");
    assert_eq!(fmt_day(T0.secs() / 86_400), "2026-11-01");
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Random valid histories (grant, receipts within limits and scope,
        /// maybe a withdrawal after the last receipt) give no finding.
        #[test]
        fn random_valid_histories_give_no_findings(
            uses in proptest::collection::vec((0u64..150 * 86_400, any::<bool>(), 10u32..1000, 1u32..5), 0..25),
            withdraw in any::<bool>(),
            shuffle in any::<u64>(),
        ) {
            let w = world();
            let given = Grant::from_artifact(&w.grant).unwrap().issued_at;
            let mut items: Vec<Artifact> = vec![w.offer.clone(), w.grant.clone()];
            let mut last = given;
            for (dt, to_partner, prec, qty) in &uses {
                let at = given + *dt;
                last = last.max(at);
                let a = if *to_partner {
                    let mut r = sample::receipt(&w.grant).unwrap();
                    r.recipient = None;
                    r.purpose = Term::new("https://city.example/purpose#UrbanPlanning").unwrap().into();
                    r.used_at = at; r.precision = Some(*prec); r.quantity = *qty;
                    r.sign_known_violation(&w.p.partner, &known()).unwrap()
                } else {
                    receipt(&w, |r| { r.used_at = at; r.precision = Some(*prec); r.quantity = *qty; })
                };
                items.push(a);
            }
            if withdraw {
                items.push(Withdrawal::by_person(w.grant.id(), last + 1, &w.p.person).unwrap());
            }
            // A deterministic shuffle.
            let n = items.len();
            for i in (1..n).rev() {
                let j = (shuffle.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                items.swap(i, j);
            }
            let rep = audit_bytes(&to_sequence(items.iter()), &w.p.trust(), &opts());
            prop_assert!(rep.findings.is_empty(), "{}", render_text(&rep));
            prop_assert_eq!(rep.count(ArtifactKind::DataReceipt), uses.len() as u64);
        }
    }
}

/// Memory per artifact id stays small: the id (16 bytes) plus the first
/// copy's 128-bit hash, a two-byte signer code and a flag.
#[test]
fn per_id_state_is_small() {
    assert!(std::mem::size_of::<Sight>() <= 20);
    assert!(std::mem::size_of::<(ArtifactId, Sight)>() <= 36);
}

/// The chart's coordinates are written without float formatting (a
/// smaller npm module) and read exactly as `{:.1}` wrote them: ties
/// rounded half to even, signs, zeros, subnormals, huge values.
#[test]
fn chart_numbers_are_written_as_format_wrote_them() {
    use super::report::Tenths;
    let mut xs = vec![
        0.0,
        -0.0,
        0.05,
        0.25,
        0.75,
        1.25,
        2.5,
        0.35,
        0.04999,
        0.95,
        9.95,
        99.95,
        229.75,
        -0.04,
        -1.25,
        5e-324,
        1e-300,
        0.5,
        1e15 + 0.3,
        4503599627370495.5,
        9e15,
        1e20,
        1.7976931348623157e308,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Every chart-sized value on a fine grid, and the grid's neighbours.
    for i in 0..20_000u32 {
        let x = f64::from(i) / 16.0 + f64::from(i % 7) / 100.0;
        xs.extend([x, f64::from_bits(x.to_bits() + 1), 900.0 - x / 7.0]);
    }
    for x in xs {
        assert_eq!(Tenths(x).to_string(), format!("{x:.1}"), "{x:e}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
    #[test]
    fn chart_numbers_match_format_for_any_f64(bits in proptest::prelude::any::<u64>()) {
        let x = f64::from_bits(bits);
        proptest::prop_assert_eq!(super::report::Tenths(x).to_string(), format!("{x:.1}"));
    }
}

/// The whole chart is byte for byte what the float-formatting version wrote
/// (golden text from commit 34f3946's `render_html`).
#[test]
fn chart_is_unchanged_by_integer_formatting() {
    let w = world();
    let mut extra = Vec::new();
    // Seven days (bars 121.4... wide) with 1, 3, 2, 7, 1, 5, 3 receipts.
    for (i, n) in [1u64, 3, 2, 7, 1, 5, 3].into_iter().enumerate() {
        for j in 0..n {
            extra.push(receipt(&w, |r| {
                r.used_at = T0 + 3_600 + i as u64 * 86_400 * 2 + 7;
                r.quantity = 1 + j as u32;
            }));
        }
    }
    let refs: Vec<&Artifact> = extra.iter().collect();
    let html = render_html(&run(&w, &refs));
    let start = html.find("<svg").unwrap();
    let end = html.find("</svg>").unwrap() + "</svg>".len();
    let svg = &html[start..end];
    assert_eq!(svg, CHART_GOLDEN);
}

const CHART_GOLDEN: &str = r##"<svg viewBox="0 0 900 260" width="100%" role="img" aria-label="Grants, withdrawals and receipts per day"><line x1="50" y1="230" x2="900" y2="230" stroke="#999"/><rect x="50.0" y="198.6" width="97.1" height="31.4" fill="#9ecae1"><title>2026-11-01: 1 receipts, 1 grants, 0 withdrawals</title></rect><rect x="171.4" y="135.7" width="97.1" height="94.3" fill="#9ecae1"><title>2026-11-03: 3 receipts, 0 grants, 0 withdrawals</title></rect><rect x="292.9" y="167.1" width="97.1" height="62.9" fill="#9ecae1"><title>2026-11-05: 2 receipts, 0 grants, 0 withdrawals</title></rect><rect x="414.3" y="10.0" width="97.1" height="220.0" fill="#9ecae1"><title>2026-11-07: 7 receipts, 0 grants, 0 withdrawals</title></rect><rect x="535.7" y="198.6" width="97.1" height="31.4" fill="#9ecae1"><title>2026-11-09: 1 receipts, 0 grants, 0 withdrawals</title></rect><rect x="657.1" y="72.9" width="97.1" height="157.1" fill="#9ecae1"><title>2026-11-11: 5 receipts, 0 grants, 0 withdrawals</title></rect><rect x="778.6" y="135.7" width="97.1" height="94.3" fill="#9ecae1"><title>2026-11-13: 3 receipts, 0 grants, 0 withdrawals</title></rect><polyline points="98.6,10.0 220.0,230.0 341.4,230.0 462.9,230.0 584.3,230.0 705.7,230.0 827.1,230.0" fill="none" stroke="#2ca02c" stroke-width="2"/><polyline points="98.6,230.0 220.0,230.0 341.4,230.0 462.9,230.0 584.3,230.0 705.7,230.0 827.1,230.0" fill="none" stroke="#d62728" stroke-width="2"/><text x="50" y="250" font-size="12">2026-11-01</text><text x="900" y="250" font-size="12" text-anchor="end">2026-11-13</text><text x="54" y="14" font-size="12">max 7 receipts/day</text></svg>"##;

/// The allocation-free `peek_kind` reads the kind the general decoder
/// reads, for every kind, and for every byte of the head changed to any
/// value it either agrees or leaves the item to the general decoder.
#[test]
fn peek_kind_fast_path_agrees_with_the_decoder() {
    let p = Parties::new().unwrap();
    let all = sample::all(&p).unwrap();
    let mut fast_reads = 0;
    for a in &all {
        let b = a.as_bytes();
        assert_eq!(peek_kind_fast(b), Some(Some(a.kind())), "{}", a.kind());
        assert_eq!(peek_kind(b), Some(a.kind()));
        for i in 0..b.len().min(48) {
            for v in 0..=255u8 {
                let mut m = b.to_vec();
                m[i] = v;
                if let Some(k) = peek_kind_fast(&m) {
                    fast_reads += 1;
                    assert_eq!(k, peek_kind_slow(&m), "{} byte {i} = {v:#04x}", a.kind());
                }
            }
        }
    }
    // The fast path read most mutated items itself (it is not always falling back).
    assert!(fast_reads > 10_000, "{fast_reads}");
}

/// A bundle whose context artifacts and receipts span many parallel
/// batches audits like the same bundle in another order (the pipeline
/// evaluates each batch in the bundle's order, and the verdict does not
/// depend on it).
#[test]
fn audit_across_many_batches_is_order_independent() {
    let w = world();
    let mut items: Vec<Artifact> = vec![w.offer.clone(), w.grant.clone()];
    for i in 0..(2 * BATCH as u64 + 17) {
        items.push(receipt(&w, |r| {
            r.used_at = T0 + 86_400 + i;
        }));
    }
    // A withdrawal, so some receipts are after it.
    items.push(sample::signed_withdrawal(&w.p, &w.grant).unwrap());
    let forward = audit_bytes(&to_sequence(&items), &w.p.trust(), &opts());
    items.reverse();
    let backward = audit_bytes(&to_sequence(&items), &w.p.trust(), &opts());
    let strip = |r: &Report| {
        let mut f: Vec<(FindingKind, Option<ArtifactId>, String)> = r
            .findings
            .iter()
            .map(|f| (f.kind, f.artifact, f.message.clone()))
            .collect();
        f.sort();
        (
            f,
            r.counts.clone(),
            r.finding_counts.clone(),
            r.controllers.clone(),
        )
    };
    assert_eq!(forward.items, 2 * BATCH as u64 + 20);
    assert_eq!(strip(&forward), strip(&backward));
    assert_eq!(
        forward.count(ArtifactKind::DataReceipt),
        2 * BATCH as u64 + 17
    );
}

/// A source that yields the first `ok` bytes of `bytes`, then fails.
struct FailingAfter<'a> {
    bytes: &'a [u8],
    ok: usize,
}

impl Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::other("disk gone"));
        }
        let n = buf.len().min(self.ok).min(self.bytes.len());
        if n == 0 {
            return Ok(0);
        }
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn a_read_error_in_either_pass_ends_the_audit_with_that_error() {
    // The reading runs on a thread of its own, batches ahead of the
    // evaluation: its error must end the audit (no hang, no report).
    let w = world();
    let mut items: Vec<Artifact> = vec![w.offer.clone(), w.grant.clone()];
    for i in 0..(3 * BATCH as u64) {
        items.push(receipt(&w, |r| r.used_at = T0 + 86_400 + i));
    }
    let bundle = to_sequence(&items);
    let half = bundle.len() / 2;
    for failing_pass in [1, 2] {
        let mut opened = 0;
        let r = audit_source(
            || {
                opened += 1;
                let ok = if opened == failing_pass {
                    half
                } else {
                    usize::MAX
                };
                Ok::<_, io::Error>(FailingAfter { bytes: &bundle, ok })
            },
            &w.p.trust(),
            &opts(),
            None,
        );
        match r {
            Err(AuditError::Io(e)) => assert_eq!(e.to_string(), "disk gone"),
            other => panic!("pass {failing_pass}: {other:?}"),
        }
    }
}

#[test]
fn receipts_of_more_controllers_than_the_tally_holds_count_as_a_map_would() {
    // More controllers than `ReceiptTally`'s list holds, their receipts
    // interleaved and spread over several days, in both orders: each
    // controller's and each day's receipts are what a map counting every
    // receipt on the spot gives (the counts below), whether the controller
    // is counted in the list or in the report's map.
    let p = Parties::new().unwrap();
    let mut trust = p.trust();
    let mut items = Vec::new();
    let mut parties = Vec::new();
    for i in 0..RECENT_CONTROLLERS + 5 {
        let name = format!("controller-{i}.example");
        let key = KeyPair::generate(Algorithm::Ed25519)
            .unwrap()
            .with_role(Role::Controller);
        trust.insert(key.public_key(), Role::Controller, name.as_str());
        let mut o = sample::offer().unwrap();
        o.controller = name.clone();
        o.recipients.clear();
        let offer = o.sign(&key).unwrap();
        let mut g = sample::grant_body(&p, &offer);
        g.controller = name.clone();
        g.recipients.clear();
        let grant = g.sign_both(&offer, &p.person, &key).unwrap();
        items.push(offer);
        items.push(grant.clone());
        parties.push((name, key, grant));
    }
    let mut per_controller = std::collections::BTreeMap::new();
    let mut per_day = std::collections::BTreeMap::new();
    for round in 0..4u64 {
        for (j, (name, key, grant)) in parties.iter().enumerate() {
            // Controller j has j % 3 + 1 receipts in each round, on days
            // 3 * round + 1 to 3 * round + 3 after T0, one after another.
            for k in 0..(j as u64 % 3 + 1) {
                let day = 3 * round + 1 + (j as u64 + k) % 3;
                let mut r = sample::receipt(grant).unwrap();
                r.recipient = None;
                r.used_at = T0 + day * 86_400 + k;
                items.push(r.sign(grant, key).unwrap());
                *per_controller.entry(name.clone()).or_insert(0u64) += 1;
                *per_day
                    .entry((T0 + day * 86_400).secs() / DAY)
                    .or_insert(0u64) += 1;
            }
        }
    }
    let receipts_of = |r: &Report| {
        let c: std::collections::BTreeMap<String, u64> = r
            .controllers
            .iter()
            .filter(|c| c.receipts > 0)
            .map(|c| (c.controller.clone(), c.receipts))
            .collect();
        let d: std::collections::BTreeMap<u64, u64> = r
            .days
            .iter()
            .filter(|d| d.receipts > 0)
            .map(|d| (d.day, d.receipts))
            .collect();
        (c, d)
    };
    let forward = audit_bytes(&to_sequence(&items), &trust, &opts());
    assert_eq!(kinds(&forward), Vec::<FindingKind>::new());
    assert_eq!(receipts_of(&forward), (per_controller, per_day));
    items.reverse();
    let backward = audit_bytes(&to_sequence(&items), &trust, &opts());
    assert_eq!(forward.controllers, backward.controllers);
    assert_eq!(forward.days, backward.days);
}
