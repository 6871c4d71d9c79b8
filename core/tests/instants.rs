//! docs/FORMAT.md §4.9: every instant in the table, checked at its edge
//! (the last second inside a window and the first second outside it).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions, FindingKind, Report};
use consentkit::lifecycle::ConsentState;
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, Body, Grant, Offer, Refusal, Timestamp, Withdrawal, WithdrawnBy};

const DAY: u64 = 86_400;

fn parties() -> Parties {
    Parties::new().unwrap()
}

fn report(items: &[&Artifact], at: Timestamp) -> Report {
    audit_bytes(
        &to_sequence(items.iter().copied()),
        &parties().trust(),
        &AuditOptions { at: Some(at) },
    )
}

fn kinds(items: &[&Artifact], at: Timestamp) -> Vec<FindingKind> {
    report(items, at).findings.iter().map(|f| f.kind).collect()
}

fn receipt_at(p: &Parties, grant: &Artifact, t: Timestamp) -> Artifact {
    let mut r = sample::receipt(grant).unwrap();
    r.used_at = t;
    // At the edges of what the grant covers: some are findings, by design.
    r.sign_known_violation(
        &p.controller,
        &consentkit::KnownViolation::new("a violation for the audit to find"),
    )
    .unwrap()
}

fn grant_at(p: &Parties, offer: &Artifact, t: Timestamp) -> Artifact {
    let mut g = sample::grant_body(p, offer);
    g.issued_at = t;
    g.expires_at = Some(t + 30 * DAY);
    // At the edges of the offer's validity: some are findings, by design.
    g.sign_both_known_violation(
        &p.person,
        &p.controller,
        &consentkit::KnownViolation::new("a violation for the audit to find"),
    )
    .unwrap()
}

const LATE: Timestamp = Timestamp::from_secs(T0.secs() + 400 * DAY);

#[test]
fn offer_validity_is_inclusive_at_both_ends() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let o = Offer::from_artifact(&offer).unwrap();
    let (from, until) = (o.valid_from.unwrap(), o.valid_until.unwrap());
    for (t, expected) in [
        (from - 1, vec![FindingKind::GrantExceedsOffer]),
        (from, vec![]),
        (until, vec![]),
        (until + 1, vec![FindingKind::GrantExceedsOffer]),
    ] {
        let g = grant_at(&p, &offer, t);
        assert_eq!(kinds(&[&offer, &g], LATE), expected, "grant given at {t}");
    }
}

#[test]
fn a_grant_covers_uses_from_its_issue_time() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let given = Grant::from_artifact(&grant).unwrap().issued_at;
    let before = receipt_at(&p, &grant, given - 1);
    let at = receipt_at(&p, &grant, given);
    assert_eq!(
        kinds(&[&offer, &grant, &before], LATE),
        vec![FindingKind::BeforeGrant]
    );
    assert_eq!(kinds(&[&offer, &grant, &at], LATE), vec![]);
}

#[test]
fn grant_expiry_is_exclusive() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let exp = Grant::from_artifact(&grant).unwrap().expires_at.unwrap();
    assert_eq!(
        kinds(&[&offer, &grant, &receipt_at(&p, &grant, exp - 1)], LATE),
        vec![]
    );
    assert_eq!(
        kinds(&[&offer, &grant, &receipt_at(&p, &grant, exp)], LATE),
        vec![FindingKind::AfterExpiry]
    );
    // The grant's state at the audit time follows the same window.
    let states = |at| {
        report(&[&offer, &grant], at)
            .controller(sample::CONTROLLER)
            .unwrap()
            .clone()
    };
    assert_eq!(states(exp - 1).grants_in(ConsentState::Given), 1);
    assert_eq!(states(exp).grants_in(ConsentState::Expired), 1);
}

#[test]
fn the_offers_use_by_date_is_exclusive_whatever_the_grant_says() {
    let p = parties();
    let use_by = T0 + 20 * DAY; // before the grant's own expiry (T0 + 180 days)
    let mut o = sample::offer().unwrap();
    o.limits.use_by = Some(use_by);
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    assert_eq!(
        kinds(&[&offer, &grant, &receipt_at(&p, &grant, use_by - 1)], LATE),
        vec![]
    );
    assert_eq!(
        kinds(&[&offer, &grant, &receipt_at(&p, &grant, use_by)], LATE),
        vec![FindingKind::AfterExpiry]
    );
}

#[test]
fn supersession_takes_effect_at_the_new_grants_issue_time() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let old = sample::signed_grant(&p, &offer).unwrap();
    let since = T0 + 5 * DAY;
    let mut g = sample::grant_body(&p, &offer);
    g.issued_at = since;
    g.supersedes = Some(old.id());
    let new = g.sign_both(&offer, &p.person, &p.controller).unwrap();
    assert_eq!(
        kinds(
            &[&offer, &old, &new, &receipt_at(&p, &old, since - 1)],
            LATE
        ),
        vec![]
    );
    assert_eq!(
        kinds(&[&offer, &old, &new, &receipt_at(&p, &old, since)], LATE),
        vec![FindingKind::AfterSupersession]
    );
    // The new grant covers a use at the same instant.
    assert_eq!(
        kinds(&[&offer, &old, &new, &receipt_at(&p, &new, since)], LATE),
        vec![]
    );
}

#[test]
fn a_withdrawal_is_effective_at_its_effective_time() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let effective = T0 + 10 * DAY;
    let person = Withdrawal::by_person(grant.id(), effective, &p.person).unwrap();
    assert!(matches!(person.body(), Body::Withdrawal(w) if w.by == WithdrawnBy::Person));
    let revocation =
        Withdrawal::revoke(grant.id(), effective, "fraud investigation", &p.controller).unwrap();
    for w in [&person, &revocation] {
        assert_eq!(
            kinds(
                &[&offer, &grant, w, &receipt_at(&p, &grant, effective - 1)],
                LATE
            ),
            vec![]
        );
        let r = report(
            &[&offer, &grant, w, &receipt_at(&p, &grant, effective)],
            LATE,
        );
        assert_eq!(
            r.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
            vec![FindingKind::AfterWithdrawal]
        );
        // The message must not read as if the use were strictly later.
        assert!(
            r.findings[0].message.contains("at or after"),
            "{}",
            r.findings[0].message
        );
    }
    let states = |at| {
        report(&[&offer, &grant, &person], at)
            .controller(sample::CONTROLLER)
            .unwrap()
            .clone()
    };
    assert_eq!(states(effective - 1).grants_in(ConsentState::Given), 1);
    assert_eq!(states(effective).grants_in(ConsentState::Withdrawn), 1);
}

#[test]
fn usage_limits_count_per_utc_day() {
    let p = parties();
    let mut o = sample::offer().unwrap();
    o.limits.uses_per_day = Some(2);
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    // A UTC midnight inside the grant's life.
    let midnight = Timestamp::from_secs((T0.secs() / DAY + 3) * DAY);
    let a = receipt_at(&p, &grant, midnight - 2);
    let b = receipt_at(&p, &grant, midnight - 1);
    let c = receipt_at(&p, &grant, midnight);
    let d = receipt_at(&p, &grant, midnight - 3);
    // Two uses before midnight and one at midnight: within the limit.
    assert_eq!(kinds(&[&offer, &grant, &a, &b, &c], LATE), vec![]);
    // Three uses on the same day: one finding for that grant and day.
    assert_eq!(
        kinds(&[&offer, &grant, &a, &b, &d], LATE),
        vec![FindingKind::LimitExceeded]
    );
}

#[test]
fn future_dating_allows_exactly_the_clock_skew() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let used = T0 + 2 * DAY;
    let r = receipt_at(&p, &grant, used);
    assert_eq!(kinds(&[&offer, &grant, &r], used - 300), vec![]);
    assert_eq!(
        kinds(&[&offer, &grant, &r], used - 301),
        vec![FindingKind::FutureDated]
    );
}

#[test]
fn a_withdrawal_is_never_retroactive() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let (meant, made) = (T0 + 5 * DAY, T0 + 10 * DAY);
    for by in [WithdrawnBy::Person, WithdrawnBy::Controller] {
        let body = Withdrawal {
            grant: grant.id(),
            issued_at: made,
            effective_at: meant,
            by,
            reason: (by == WithdrawnBy::Controller).then(|| "account closed".to_owned()),
            subject_key: (by == WithdrawnBy::Person)
                .then(|| consentkit::Signer::public_key(&p.person)),
        };
        assert_eq!(body.takes_effect(), made);
        let w = match by {
            WithdrawnBy::Person => body.sign(&p.person).unwrap(),
            _ => body.sign(&p.controller).unwrap(),
        };
        // A use between the claimed and the real time of the withdrawal is covered...
        assert_eq!(
            kinds(
                &[&offer, &grant, &w, &receipt_at(&p, &grant, made - 1)],
                LATE
            ),
            vec![],
            "{by:?}"
        );
        // ...and a use from the moment it was made is not.
        assert_eq!(
            kinds(&[&offer, &grant, &w, &receipt_at(&p, &grant, made)], LATE),
            vec![FindingKind::AfterWithdrawal],
            "{by:?}"
        );
    }
}

#[test]
fn a_refusal_after_a_grant_ends_it_at_the_refusals_issue_time() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let refused = T0 + 7 * DAY;
    let refusal = Refusal {
        subject: consentkit::pseudonym(&p.wallet_secret, sample::CONTROLLER),
        controller: sample::CONTROLLER.into(),
        issued_at: refused,
        offer: offer.digest(),
        method: consentkit::CollectionMethod::AppUi,
        subject_key: None,
    }
    .sign_both(&offer, &p.person, &p.controller)
    .unwrap();
    assert_eq!(
        kinds(
            &[
                &offer,
                &grant,
                &refusal,
                &receipt_at(&p, &grant, refused - 1)
            ],
            LATE
        ),
        vec![]
    );
    assert_eq!(
        kinds(
            &[&offer, &grant, &refusal, &receipt_at(&p, &grant, refused)],
            LATE
        ),
        vec![FindingKind::AfterWithdrawal]
    );
}
