//! Verdicts that cannot be gamed (issue 10): the person's word stands over
//! imported grants, a refusal ends earlier grants, every copy of an id is
//! checked on its own, and the report does not depend on the bundle's
//! order. Each bundle is built with the public API the way a controller
//! forging from docs/FORMAT.md would. Finding kinds are compared by their
//! stable names (the JSON report's).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions, Report, MAX_FINDINGS};
use consentkit::cbor::Value;
use consentkit::cose::sig_structure1;
use consentkit::lifecycle::ConsentState;
use consentkit::sample::{self, Parties, CONTROLLER, PARTNER, T0};
use consentkit::{
    pseudonym, Algorithm, Artifact, CollectionMethod, Grant, KeyPair, Offer, Refusal, Role, Signer,
    Term, Timestamp, TrustSet, ValueRecord, Withdrawal, WithdrawnBy,
};
use proptest::prelude::*;

const DAY: u64 = 86_400;
const MUSIC: &str = "music.example";

struct World {
    p: Parties,
    /// Another trusted controller.
    music: KeyPair,
    /// A second trusted key of the sample controller.
    controller2: KeyPair,
    /// The sample offer.
    offer: Artifact,
    /// A second offer of the same controller.
    offer2: Artifact,
    /// A person-signed grant of the sample offer (issued T0 + 1 h).
    grant: Artifact,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let music = KeyPair::ed25519_from_seed(&[7; 32]).unwrap();
    let controller2 = KeyPair::ed25519_from_seed(&[8; 32]).unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let offer2 = Offer {
        name: "newsletter-2026".into(),
        ..sample::offer().unwrap()
    }
    .sign(&p.controller)
    .unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    World {
        p,
        music,
        controller2,
        offer,
        offer2,
        grant,
    }
}

impl World {
    fn trust(&self) -> TrustSet {
        let mut t = self.p.trust();
        t.insert(self.music.public_key(), Role::Controller, MUSIC);
        t.insert(self.controller2.public_key(), Role::Controller, CONTROLLER);
        t
    }

    fn audit(&self, items: &[&Artifact]) -> Report {
        audit_bytes(&to_sequence(items.iter().copied()), &self.trust(), &opts())
    }

    /// The sample person's pseudonym at the controller.
    fn subject(&self) -> [u8; 16] {
        pseudonym(&self.p.wallet_secret, CONTROLLER)
    }

    /// An imported grant (controller-signed only) of `offer` for the sample person.
    fn imported(&self, offer: &Artifact, at: Timestamp, supersedes: Option<&Artifact>) -> Artifact {
        Grant {
            issued_at: at,
            method: CollectionMethod::Imported,
            imported: true,
            status: None,
            subject_key: None,
            supersedes: supersedes.map(Artifact::id),
            ..sample::grant_body(&self.p, offer)
        }
        .sign_imported(&self.p.controller)
        .unwrap()
    }

    /// The sample person's refusal of `offer` at `at`.
    fn refusal(&self, offer: &Artifact, at: Timestamp) -> Artifact {
        Refusal {
            subject: self.subject(),
            controller: CONTROLLER.into(),
            issued_at: at,
            offer: offer.digest(),
            method: CollectionMethod::AppUi,
            subject_key: None,
        }
        .sign_both(offer, &self.p.person, &self.p.controller)
        .unwrap()
    }

    /// A controller-signed receipt under `grant` at `at`.
    fn receipt(&self, grant: &Artifact, at: Timestamp) -> Artifact {
        let mut r = sample::receipt(grant).unwrap();
        r.used_at = at;
        // Some are findings, by design.
        r.sign_known_violation(
            &self.p.controller,
            &consentkit::KnownViolation::new("a violation for the audit to find"),
        )
        .unwrap()
    }
}

fn opts() -> AuditOptions {
    AuditOptions {
        at: Some(T0 + 400 * DAY),
    }
}

fn kinds(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.kind.name()).collect()
}

fn messages(r: &Report, kind: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.kind.name() == kind)
        .map(|f| f.message.clone())
        .collect()
}

/// The report as JSON without what may depend on the order: byte offsets
/// and the bundle's hash (other keys are kept, whatever they are).
fn normalised(r: &Report) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("offset");
                m.remove("bundle_sha256");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = r.to_json();
    strip(&mut v);
    v
}

// ---- 1. The person's word stands ----

#[test]
fn imported_grant_after_the_persons_refusal_is_void_and_its_receipts_flagged() {
    let w = world();
    let refusal = w.refusal(&w.offer, T0 + 3_600);
    let imported = w.imported(&w.offer, T0 + DAY, None);
    let r1 = w.receipt(&imported, T0 + 2 * DAY);
    let r2 = w.receipt(&imported, T0 + 3 * DAY);
    let rep = w.audit(&[&w.offer, &refusal, &imported, &r1, &r2]);
    assert_eq!(
        kinds(&rep),
        vec!["imported_over_person", "void_grant_used", "void_grant_used"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    let f = &rep.findings[0];
    assert_eq!(f.artifact, Some(imported.id()));
    assert_eq!(f.controller.as_deref(), Some(CONTROLLER));
    assert!(
        f.message.contains(&refusal.id().to_string()),
        "{}",
        f.message
    );
    for m in messages(&rep, "void_grant_used") {
        assert!(
            m.contains("void") && m.contains(&refusal.id().to_string()),
            "{m}"
        );
    }
    // A void grant gave no consent: it has no state.
    assert!(rep.controller(CONTROLLER).unwrap().grant_states.is_empty());
}

#[test]
fn imported_grant_after_the_persons_withdrawal_is_void() {
    let w = world();
    let wd = Withdrawal::by_person(w.grant.id(), T0 + 10 * DAY, &w.p.person).unwrap();
    let imported = w.imported(&w.offer, T0 + 11 * DAY, None);
    let r = w.receipt(&imported, T0 + 12 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &wd, &imported, &r]);
    assert_eq!(
        kinds(&rep),
        vec!["imported_over_person", "void_grant_used"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
}

#[test]
fn imported_grant_at_the_instant_of_the_persons_grant_is_void() {
    let w = world();
    // Same issue time as the person's grant: "at or after" voids it.
    let imported = w.imported(&w.offer2, T0 + 3_600, None);
    let r = w.receipt(&imported, T0 + DAY);
    let ok = w.receipt(&w.grant, T0 + DAY);
    let rep = w.audit(&[&w.offer, &w.offer2, &w.grant, &imported, &r, &ok]);
    assert_eq!(
        kinds(&rep),
        vec!["imported_over_person", "void_grant_used"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    assert!(rep.findings[0].message.contains("at or after"));
}

#[test]
fn imported_grant_cannot_supersede_or_widen_a_persons_grant() {
    let w = world();
    // The person grants only service provision, not urban planning.
    let partial = Grant {
        purposes: vec![Term::new("dpv:ServiceProvision").unwrap()],
        recipients: vec![],
        ..sample::grant_body(&w.p, &w.offer)
    }
    .sign_both(&w.offer, &w.p.person, &w.p.controller)
    .unwrap();
    // An imported grant of the whole offer claims to replace it; dated
    // before the person's grant so that only the supersession voids it.
    let wide = w.imported(&w.offer, T0 + 1_800, Some(&partial));
    let under_partial = w.receipt(&partial, T0 + DAY);
    let mut u = sample::receipt(&wide).unwrap();
    u.used_at = T0 + DAY;
    u.purpose = Term::new("https://city.example/purpose#UrbanPlanning")
        .unwrap()
        .into();
    let under_wide = u.sign(&wide, &w.p.controller).unwrap();
    let rep = w.audit(&[&w.offer, &partial, &wide, &under_partial, &under_wide]);
    // The person's grant stays in force (no after_supersession).
    assert_eq!(
        kinds(&rep),
        vec!["imported_over_person", "void_grant_used"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    assert!(rep.findings[0].message.contains(&partial.id().to_string()));
    // At the audit time the person's grant has expired, not been superseded.
    let c = rep.controller(CONTROLLER).unwrap();
    assert_eq!(c.grants_in(ConsentState::Expired), 1);
    assert_eq!(c.grants_in(ConsentState::Superseded), 0);
    assert_eq!(c.grant_states.len(), 1);
}

#[test]
fn imported_grant_before_the_persons_first_decision_stays_valid() {
    let w = world();
    let imported = w.imported(&w.offer2, T0 + 60, None);
    let r = w.receipt(&imported, T0 + 2 * DAY);
    let rep = w.audit(&[&w.offer, &w.offer2, &w.grant, &imported, &r]);
    assert_eq!(kinds(&rep), Vec::<&str>::new());
}

#[test]
fn a_refusal_after_a_grant_ends_it_at_the_refusal() {
    let w = world();
    let refusal = w.refusal(&w.offer, T0 + 5 * DAY);
    let before = w.receipt(&w.grant, T0 + 4 * DAY);
    let at = w.receipt(&w.grant, T0 + 5 * DAY);
    let after = w.receipt(&w.grant, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &refusal, &before, &at, &after]);
    assert_eq!(
        kinds(&rep),
        vec!["after_withdrawal", "after_withdrawal"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    let ids: Vec<_> = rep.findings.iter().map(|f| f.artifact).collect();
    assert!(ids.contains(&Some(at.id())) && ids.contains(&Some(after.id())));
    for m in messages(&rep, "after_withdrawal") {
        assert!(
            m.contains("at or after the person refused the offer at")
                && m.contains(&refusal.id().to_string()),
            "{m}"
        );
    }
    assert_eq!(
        rep.controller(CONTROLLER)
            .unwrap()
            .grants_in(ConsentState::Withdrawn),
        1
    );
}

#[test]
fn a_refusal_after_an_imported_grant_ends_it() {
    let w = world();
    let imported = w.imported(&w.offer, T0 + 60, None);
    let refusal = w.refusal(&w.offer, T0 + 5 * DAY);
    let ok = w.receipt(&imported, T0 + 4 * DAY);
    let late = w.receipt(&imported, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &imported, &refusal, &ok, &late]);
    assert_eq!(kinds(&rep), vec!["after_withdrawal"]);
    assert_eq!(rep.findings[0].artifact, Some(late.id()));
}

#[test]
fn a_refusal_of_another_offer_leaves_the_grant_in_force() {
    let w = world();
    let refusal = w.refusal(&w.offer2, T0 + 5 * DAY);
    let r = w.receipt(&w.grant, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &w.offer2, &w.grant, &refusal, &r]);
    assert_eq!(kinds(&rep), Vec::<&str>::new());
}

#[test]
fn the_person_withdraws_an_imported_grant_with_a_bound_key() {
    let w = world();
    let imported = w.imported(&w.offer, T0 + 60, None);
    // The person's refusal of another offer binds their key to the pseudonym.
    let refusal = w.refusal(&w.offer2, T0 + 3_600);
    let wd = Withdrawal::by_person(imported.id(), T0 + 5 * DAY, &w.p.person).unwrap();
    let ok = w.receipt(&imported, T0 + 4 * DAY);
    let late = w.receipt(&imported, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &w.offer2, &imported, &refusal, &wd, &ok, &late]);
    assert_eq!(
        kinds(&rep),
        vec!["after_withdrawal"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    assert_eq!(rep.findings[0].artifact, Some(late.id()));
    assert_eq!(rep.controller(CONTROLLER).unwrap().withdrawals, 1);
}

#[test]
fn the_person_withdraws_an_imported_grant_when_no_key_is_bound() {
    let w = world();
    let imported = w.imported(&w.offer, T0 + 60, None);
    let device = KeyPair::ed25519_from_seed(&[42; 32]).unwrap();
    let wd = Withdrawal::by_person(imported.id(), T0 + 5 * DAY, &device).unwrap();
    let late = w.receipt(&imported, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &imported, &wd, &late]);
    assert_eq!(kinds(&rep), vec!["after_withdrawal"]);
}

#[test]
fn a_key_not_bound_to_the_person_cannot_withdraw_their_imported_grant() {
    let w = world();
    let imported = w.imported(&w.offer, T0 + 60, None);
    let refusal = w.refusal(&w.offer2, T0 + 3_600);
    let mallory = KeyPair::ed25519_from_seed(&[66; 32]).unwrap();
    let wd = Withdrawal::by_person(imported.id(), T0 + 5 * DAY, &mallory).unwrap();
    let r = w.receipt(&imported, T0 + 6 * DAY);
    let rep = w.audit(&[&w.offer, &w.offer2, &imported, &refusal, &wd, &r]);
    assert_eq!(kinds(&rep), vec!["wrong_signer"]);
    assert_eq!(rep.findings[0].artifact, Some(wd.id()));
}

// ---- 3. Findings say exactly what happened ----

/// A person's withdrawal naming the person's subject key, signed with
/// another key under that key's kid (a correct signature).
#[test]
fn an_unknown_kid_on_a_persons_withdrawal_is_untrusted_key() {
    let w = world();
    let mallory = KeyPair::ed25519_from_seed(&[66; 32]).unwrap();
    let genuine = Withdrawal::by_person(w.grant.id(), T0 + 5 * DAY, &w.p.person).unwrap();
    let protected = Value::Map(vec![
        (Value::int(1), Value::int(Algorithm::Ed25519.cose_id())),
        (
            Value::int(4),
            Value::bytes(mallory.public_key().kid().0.to_vec()),
        ),
        (Value::int(16), Value::Unsigned(65004)),
    ])
    .to_vec();
    let payload = genuine.payload().to_vec();
    let sig = mallory
        .sign(&sig_structure1(&protected, &[], &payload))
        .unwrap();
    let forged = Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(payload),
            Value::Bytes(sig),
        ])),
    )
    .to_vec();
    let mut bundle = to_sequence([&w.offer, &w.grant]);
    bundle.extend_from_slice(&forged);
    let rep = audit_bytes(&bundle, &w.trust(), &opts());
    assert_eq!(kinds(&rep), vec!["untrusted_key"]);
}

#[test]
fn a_grant_superseding_another_persons_grant_is_supersedes_other_person() {
    let w = world();
    let other = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
    let theirs = Grant {
        subject: pseudonym(&[5; 32], CONTROLLER),
        supersedes: Some(w.grant.id()),
        issued_at: T0 + DAY,
        ..sample::grant_body(&w.p, &w.offer)
    }
    .sign_both(&w.offer, &other, &w.p.controller)
    .unwrap();
    let r = w.receipt(&w.grant, T0 + 2 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &theirs, &r]);
    // The first person's grant is not superseded.
    assert_eq!(kinds(&rep), vec!["supersedes_other_person"]);
    assert_eq!(rep.findings[0].artifact, Some(theirs.id()));
}

#[test]
fn messages_say_at_or_after_for_a_use_at_the_instant() {
    let w = world();
    let wd = Withdrawal::by_person(w.grant.id(), T0 + 10 * DAY, &w.p.person).unwrap();
    let at = w.receipt(&w.grant, T0 + 10 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &wd, &at]);
    assert_eq!(kinds(&rep), vec!["after_withdrawal"]);
    let m = &rep.findings[0].message;
    assert!(
        m.contains("used at 2026-11-11T00:00:00Z, at or after the grant was withdrawn at 2026-11-11T00:00:00Z"),
        "{m}"
    );
    // Expiry (the grant expires at T0 + 180 days).
    let exp = w.receipt(&w.grant, T0 + 180 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &exp]);
    assert_eq!(kinds(&rep), vec!["after_expiry"]);
    assert!(rep.findings[0]
        .message
        .contains("at or after the grant expired at"));
    // Supersession at the instant.
    let newer = Grant {
        supersedes: Some(w.grant.id()),
        issued_at: T0 + 20 * DAY,
        ..sample::grant_body(&w.p, &w.offer)
    }
    .sign_both(&w.offer, &w.p.person, &w.p.controller)
    .unwrap();
    let sup = w.receipt(&w.grant, T0 + 20 * DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &newer, &sup]);
    assert_eq!(kinds(&rep), vec!["after_supersession"]);
    assert!(rep.findings[0]
        .message
        .contains("at or after the grant was superseded"));
}

// ---- 2. Order never matters: every copy is checked ----

/// One receipt payload for service provision with the recipient left to
/// the signer, signed by the partner (service provision is not granted to
/// the partner: a violation) and by the controller (covered).
fn partner_and_controller_copies(w: &World) -> (Artifact, Artifact) {
    let mut r = sample::receipt(&w.grant).unwrap();
    r.recipient = None;
    r.used_at = T0 + DAY;
    (
        r.sign(&w.grant, &w.p.partner).unwrap(),
        r.sign(&w.grant, &w.p.controller).unwrap(),
    )
}

#[test]
fn a_partners_violating_receipt_keeps_its_finding_beside_the_controllers_copy() {
    let w = world();
    let (partner, controller) = partner_and_controller_copies(&w);
    assert_eq!(partner.id(), controller.id());
    for items in [
        [&w.offer, &w.grant, &controller, &partner],
        [&w.offer, &w.grant, &partner, &controller],
    ] {
        let rep = w.audit(&items);
        assert_eq!(
            kinds(&rep),
            vec!["purpose_not_granted", "conflicting_copies"],
            "{}",
            consentkit::audit::render_text(&rep)
        );
        let m = &messages(&rep, "conflicting_copies")[0];
        assert!(
            m.contains("2 distinct copies") && m.contains(CONTROLLER) && m.contains(PARTNER),
            "{m}"
        );
        assert_eq!(rep.controller(CONTROLLER).unwrap().receipts, 1);
    }
}

fn revocations(w: &World) -> (Artifact, Artifact) {
    let body = Withdrawal {
        grant: w.grant.id(),
        issued_at: T0 + 5 * DAY,
        effective_at: T0 + 5 * DAY,
        by: WithdrawnBy::Controller,
        reason: Some("account closed".into()),
        subject_key: None,
    };
    (
        body.sign(&w.p.controller).unwrap(),
        body.sign(&w.music).unwrap(),
    )
}

#[test]
fn a_revocation_signed_by_another_controller_does_not_cancel_the_genuine_copy() {
    let w = world();
    let (genuine, forged) = revocations(&w);
    assert_eq!(genuine.id(), forged.id());
    let late: Vec<Artifact> = (6..9).map(|d| w.receipt(&w.grant, T0 + d * DAY)).collect();
    for first in [&forged, &genuine] {
        let second = if std::ptr::eq(first, &forged) {
            &genuine
        } else {
            &forged
        };
        let mut items = vec![&w.offer, &w.grant, first, second];
        items.extend(late.iter());
        let rep = w.audit(&items);
        assert_eq!(
            kinds(&rep),
            vec![
                "wrong_signer",
                "after_withdrawal",
                "after_withdrawal",
                "after_withdrawal",
                "conflicting_copies"
            ],
            "{}",
            consentkit::audit::render_text(&rep)
        );
        assert_eq!(rep.controller(CONTROLLER).unwrap().revocations, 1);
    }
}

#[test]
fn a_genuine_value_record_is_counted_beside_a_wrong_copy() {
    let w = world();
    let v = value_body(&w);
    let genuine = v.sign(&w.p.controller).unwrap();
    let wrong = v.sign(&w.music).unwrap();
    for items in [
        [&w.offer, &w.grant, &wrong, &genuine],
        [&w.offer, &w.grant, &genuine, &wrong],
    ] {
        let rep = w.audit(&items);
        assert_eq!(kinds(&rep), vec!["wrong_signer", "conflicting_copies"]);
        let c = &rep.controller(CONTROLLER).unwrap();
        assert_eq!(c.value_records, 1);
        assert_eq!(c.delivered("month"), 1);
    }
}

#[test]
fn byte_identical_repeats_are_duplicate_id_and_counted_once() {
    let w = world();
    let r = w.receipt(&w.grant, T0 + DAY);
    let rep = w.audit(&[&w.offer, &w.grant, &r, &r, &w.grant]);
    assert_eq!(kinds(&rep), vec!["duplicate_id", "duplicate_id"]);
    let c = &rep.controller(CONTROLLER).unwrap();
    assert_eq!((c.grants, c.receipts), (1, 1));
}

#[test]
fn every_valid_copy_counts_once_per_id() {
    let w = world();
    // Urban planning is granted to the controller and to the partner: both copies are covered.
    let mut r = sample::receipt(&w.grant).unwrap();
    r.recipient = None;
    r.purpose = Term::new("https://city.example/purpose#UrbanPlanning")
        .unwrap()
        .into();
    r.quantity = 600;
    let by_partner = r.sign(&w.grant, &w.p.partner).unwrap();
    let by_controller = r.sign(&w.grant, &w.p.controller).unwrap();
    r.used_at += 1;
    let another = r.sign(&w.grant, &w.p.controller).unwrap();
    let rep = w.audit(&[&w.offer, &w.grant, &by_partner, &by_controller, &another]);
    // 600 + 600 uses on one day exceed the offer's 1,000; the second copy is not counted again.
    assert_eq!(
        kinds(&rep),
        vec!["limit_exceeded", "conflicting_copies"],
        "{}",
        consentkit::audit::render_text(&rep)
    );
    assert!(rep.findings[0].message.contains("1200 uses"));
    assert_eq!(rep.controller(CONTROLLER).unwrap().receipts, 2);
}

/// Past MAX_FINDINGS, the listed findings are the smallest by the report's
/// order, wherever they sit in the bundle.
#[test]
fn the_findings_cap_keeps_the_same_findings_whatever_the_order() {
    let w = world();
    let mallory = KeyPair::ed25519_from_seed(&[66; 32]).unwrap();
    let stray = sample::receipt(&w.grant)
        .unwrap()
        .sign(&w.grant, &mallory)
        .unwrap();
    let zeros = vec![0u8; MAX_FINDINGS + 3];
    let mut front = to_sequence([&stray]);
    front.extend_from_slice(&zeros);
    let mut back = zeros.clone();
    back.extend_from_slice(stray.as_bytes());
    let a = audit_bytes(&front, &w.trust(), &opts());
    let b = audit_bytes(&back, &w.trust(), &opts());
    // (Malformed messages name their byte offset, so they differ by order;
    // which findings are kept does not.)
    for rep in [&a, &b] {
        assert_eq!(rep.findings.len(), MAX_FINDINGS);
        assert_eq!(rep.findings_omitted, 4);
        assert_eq!(rep.findings[0].kind.name(), "untrusted_key");
        assert_eq!(rep.findings[0].artifact, Some(stray.id()));
    }
    assert_eq!(a.finding_counts, b.finding_counts);
}

// ---- The property: every permutation gives the same report ----

/// A bundle with adversarial copies: re-signed receipts, a revocation also
/// signed by another controller, duplicate value records, exact repeats,
/// a grant countersigned by two keys of its controller, a refusal also
/// countersigned by another controller, a receipt copy with a broken
/// signature, and an imported grant over a refusal.
fn adversarial_items() -> Vec<Artifact> {
    let w = world();
    let (partner, controller) = partner_and_controller_copies(&w);
    let (genuine, forged) = revocations(&w);
    let v = value_body(&w);
    let refusal = w.refusal(&w.offer2, T0 + 3_600);
    let imported = w.imported(&w.offer2, T0 + DAY, None);
    let grant2 = sample::grant_body(&w.p, &w.offer)
        .sign_as_person(&w.p.person)
        .unwrap()
        .countersign(&w.offer, &w.controller2)
        .unwrap();
    assert_eq!(grant2.id(), w.grant.id());
    let refusal2 = Refusal {
        subject: w.subject(),
        controller: CONTROLLER.into(),
        issued_at: T0 + 3_600,
        offer: w.offer2.digest(),
        method: CollectionMethod::AppUi,
        subject_key: None,
    }
    .sign_both(&w.offer2, &w.p.person, &w.music)
    .unwrap();
    assert_eq!(refusal2.id(), refusal.id());
    let broken = {
        let mut b = w.receipt(&w.grant, T0 + 3 * DAY).as_bytes().to_vec();
        let last = b.len() - 1;
        b[last] ^= 1;
        Artifact::decode(&b).unwrap()
    };
    let mut items = vec![
        grant2,
        refusal2,
        broken,
        w.offer.clone(),
        w.offer2.clone(),
        w.grant.clone(),
        w.grant.clone(),
        partner,
        controller.clone(),
        controller,
        genuine,
        forged.clone(),
        forged,
        v.sign(&w.p.controller).unwrap(),
        v.sign(&w.music).unwrap(),
        refusal,
        w.receipt(&imported, T0 + 2 * DAY),
        imported,
    ];
    items.extend((3..8).map(|d| w.receipt(&w.grant, T0 + d * DAY)));
    items
}

/// The sample value record's payload, to sign with any key.
fn value_body(w: &World) -> ValueRecord {
    match sample::signed_value_record(&w.p, &w.grant).unwrap().body() {
        consentkit::Body::ValueRecord(v) => v.clone(),
        _ => panic!("not a value record"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_order_of_adversarial_copies_gives_the_same_report(
        order in Just((0..23usize).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let w = world();
        let items = adversarial_items();
        prop_assert_eq!(items.len(), 23);
        let reference = audit_bytes(&to_sequence(items.iter()), &w.trust(), &opts());
        let shuffled: Vec<&Artifact> = order.iter().map(|&i| &items[i]).collect();
        let rep = audit_bytes(&to_sequence(shuffled), &w.trust(), &opts());
        prop_assert_eq!(normalised(&reference), normalised(&rep));
        // And the verdict is the one expected.
        let mut k = kinds(&rep);
        k.dedup();
        prop_assert_eq!(k, vec![
            "signature_invalid", "wrong_signer", "purpose_not_granted", "after_withdrawal", "duplicate_id",
            "imported_over_person", "void_grant_used", "conflicting_copies",
        ]);
    }
}

/// Many copies of one id with different (broken) signatures: each is
/// checked, one `conflicting_copies` finding counts them, and repeats of
/// any of them are `duplicate_id`.
#[test]
fn many_distinct_copies_of_one_id_give_one_conflicting_copies_finding() {
    let w = world();
    let r = w.receipt(&w.grant, T0 + DAY);
    let mut bundle = to_sequence([&w.offer, &w.grant, &r]);
    let n = 2_000usize;
    for i in 0..n {
        let mut b = r.as_bytes().to_vec();
        let len = b.len();
        b[len - 1] ^= (i % 255 + 1) as u8;
        b[len - 2] ^= (i / 255) as u8;
        bundle.extend_from_slice(&b);
        if i % 500 == 0 {
            bundle.extend_from_slice(&b); // an exact repeat
        }
    }
    let rep = audit_bytes(&bundle, &w.trust(), &opts());
    assert_eq!(rep.finding_counts.len(), 3, "{:?}", rep.finding_counts);
    let counts: Vec<(&str, u64)> = rep
        .finding_counts
        .iter()
        .map(|c| (c.kind.name(), c.count))
        .collect();
    assert!(counts.contains(&("signature_invalid", n as u64)));
    assert!(counts.contains(&("duplicate_id", 4)));
    assert!(counts.contains(&("conflicting_copies", 1)));
    let m = &messages(&rep, "conflicting_copies")[0];
    assert!(m.contains(&format!("{} distinct copies", n + 1)), "{m}");
    assert_eq!(rep.controller(CONTROLLER).unwrap().receipts, 1);
}
