//! Issue 12, "Mistakes are refused before signing": each mistake a new
//! user made is a named test here, built through the public API without
//! the `sample` module where the test is about building.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions, FindingKind};
use consentkit::lifecycle::Denial;
use consentkit::sample::{self, Parties, T0};
use consentkit::wallet::{Wallet, WalletKey};
use consentkit::Timestamp;
use consentkit::{
    pseudonym, term, Algorithm, Artifact, DataReceipt, Error, Grant, KeyPair, KnownViolation,
    Mistake, Notice, Offer, OfferMismatch, Role, Signer, Term, TimeError, TimeUnit, TrustSet,
    VerifyError, Withdrawal,
};

const DAY: u64 = 86_400;

fn t(s: &str) -> Term {
    Term::new(s).unwrap()
}

fn mistake(r: Result<Artifact, Error>) -> Mistake {
    match r {
        Err(Error::Mistake(m)) => m,
        other => panic!("expected a mistake refused before signing, got {other:?}"),
    }
}

/// The parties of the sample, with keys that declare no role (as
/// `KeyPair::generate` makes them).
fn plain() -> (KeyPair, KeyPair, KeyPair) {
    (
        KeyPair::ed25519_from_seed(&[1; 32]).unwrap(),
        KeyPair::ed25519_from_seed(&[2; 32]).unwrap(),
        KeyPair::ed25519_from_seed(&[3; 32]).unwrap(),
    )
}

// --- Building without `sample` -------------------------------------------

/// An offer, grant, receipt and withdrawal built from the defaults, in a
/// dozen lines (the sample offer alone takes 45), audit clean.
#[test]
fn an_offer_grant_receipt_and_withdrawal_are_built_without_sample() -> Result<(), Error> {
    let shop = KeyPair::generate(Algorithm::Ed25519)?.with_role(Role::Controller);
    let me = KeyPair::generate(Algorithm::ES256)?.with_role(Role::Person);
    let now = UNIX_EPOCH + Duration::from_secs(T0.secs());

    let offer = Offer {
        purposes: vec![term("dpv:Marketing")?],
        categories: vec![term("pd:EmailAddress")?],
        notice: Notice::for_text("https://shop.example/privacy", b"We email you offers."),
        ..Offer::new("shop.example", "newsletter", now)?
    }
    .sign(&shop)?;
    let grant = Grant::accepting(&offer, pseudonym(&[7; 32], "shop.example"), T0 + 60)?
        .sign_both(&offer, &me, &shop)?;
    let receipt = DataReceipt {
        commitment: consentkit::commit(b"me@example.org")?.value,
        ..DataReceipt::under(&grant, t("pd:EmailAddress"), t("dpv:Marketing"), T0 + 120)?
    }
    .sign(&grant, &shop)?;
    let withdrawal = Withdrawal::by_person(grant.id(), now + Duration::from_secs(DAY), &me)?;

    let mut trust = TrustSet::new();
    trust.insert(shop.public_key(), Role::Controller, "shop.example");
    for a in [&offer, &grant, &receipt, &withdrawal] {
        a.verify(&trust)?;
    }
    let report = audit_bytes(
        &to_sequence([&offer, &grant, &receipt, &withdrawal]),
        &trust,
        &AuditOptions {
            at: Some(T0 + 2 * DAY),
        },
    );
    assert_eq!(report.findings, vec![]);
    Ok(())
}

#[test]
fn an_offer_left_at_its_defaults_is_refused_naming_the_field() {
    let p = Parties::new().unwrap();
    let o = Offer::new("shop.example", "newsletter", T0).unwrap();
    let e = o.sign(&p.controller).unwrap_err().to_string();
    assert!(e.contains("purposes"), "{e}");
    assert_eq!(Offer::default().legal_basis.as_str(), "dpv:Consent");
}

// --- Countersigning checks the grant against its offer --------------------

#[test]
fn sign_both_refuses_a_grant_accepting_a_purpose_the_offer_never_asked_for() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.purposes.push(t("dpv:Marketing"));
    let m = mistake(g.sign_both(&offer, &p.person, &p.controller));
    assert_eq!(
        m,
        Mistake::ExceedsOffer(OfferMismatch::Purpose(t("dpv:Marketing")))
    );
    assert!(m.to_string().contains("dpv:Marketing"), "{m}");
}

#[test]
fn countersign_refuses_a_grant_accepting_a_category_the_offer_never_asked_for() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.categories.push(t("pd:Health"));
    let pending = g.sign_as_person(&p.person).unwrap();
    let m = mistake(pending.countersign(&offer, &p.controller));
    assert_eq!(
        m,
        Mistake::ExceedsOffer(OfferMismatch::Category(t("pd:Health")))
    );
    // The prepare/complete flow refuses it too.
    assert!(matches!(
        pending.prepare_countersign(&offer, &p.controller.public_key()),
        Err(Error::Mistake(Mistake::ExceedsOffer(_)))
    ));
}

#[test]
fn countersign_refuses_a_recipient_or_controller_the_offer_does_not_name() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.recipients.push("broker.example".into());
    assert_eq!(
        mistake(g.sign_both(&offer, &p.person, &p.controller)),
        Mistake::ExceedsOffer(OfferMismatch::Recipient("broker.example".into()))
    );
    let mut g = sample::grant_body(&p, &offer);
    g.controller = "other.example".into();
    assert!(matches!(
        mistake(g.sign_both(&offer, &p.person, &p.controller)),
        Mistake::ExceedsOffer(OfferMismatch::Controller { .. })
    ));
}

#[test]
fn countersign_refuses_a_grant_given_outside_the_offers_validity() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.issued_at = T0 + 400 * DAY;
    g.expires_at = None;
    assert!(matches!(
        mistake(g.sign_both(&offer, &p.person, &p.controller)),
        Mistake::ExceedsOffer(OfferMismatch::AfterValidity { .. })
    ));
}

#[test]
fn countersign_refuses_an_artifact_that_is_not_the_grants_offer() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let other = Offer {
        name: "another".into(),
        ..sample::offer().unwrap()
    }
    .sign(&p.controller)
    .unwrap();
    let g = sample::grant_body(&p, &offer);
    assert!(matches!(
        mistake(g.sign_both(&other, &p.person, &p.controller)),
        Mistake::NotTheOffer { .. }
    ));
    let refusal = sample::signed_refusal(&p, &offer).unwrap();
    // A refusal is checked against its offer too, before the person signs.
    let r = consentkit::Refusal::of(&offer, [1; 16], T0 + 60).unwrap();
    assert!(matches!(
        mistake(r.sign_both(&other, &p.person, &p.controller)),
        Mistake::NotTheOffer { .. }
    ));
    assert!(r.sign_both(&offer, &p.person, &p.controller).is_ok());
    // A grant is not an offer either.
    let pending = g.sign_as_person(&p.person).unwrap();
    assert!(matches!(
        mistake(pending.countersign(&refusal, &p.controller)),
        Mistake::NotTheOffer { .. }
    ));
}

#[test]
fn a_grant_beyond_its_offer_is_signed_only_as_a_known_violation_and_audited() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.purposes.push(t("dpv:Marketing"));
    let a = g
        .sign_both_known_violation(
            &p.person,
            &p.controller,
            &KnownViolation::new("simulated over-wide grant"),
        )
        .unwrap();
    let report = audit_bytes(
        &to_sequence([&offer, &a]),
        &p.trust(),
        &AuditOptions {
            at: Some(T0 + 2 * DAY),
        },
    );
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FindingKind::GrantExceedsOffer]);
}

// --- Receipts are checked against their grant -------------------------------

fn receipt_world() -> (Parties, Artifact, Artifact) {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    (p, offer, grant)
}

#[test]
fn a_receipt_for_a_purpose_not_granted_is_refused_at_signing() {
    let (p, _, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.purpose = t("dpv:Marketing").into();
    let m = mistake(r.sign(&grant, &p.controller));
    assert!(matches!(
        &m,
        Mistake::NotCovered { denial: Denial::PurposeNotGranted { purpose, .. }, .. } if *purpose == t("dpv:Marketing")
    ));
    assert!(m.to_string().contains("dpv:Marketing"), "{m}");
}

#[test]
fn a_receipt_for_a_category_not_granted_is_refused_at_signing() {
    let (p, _, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.category = t("pd:Health").into();
    assert!(matches!(
        mistake(r.sign(&grant, &p.controller)),
        Mistake::NotCovered {
            denial: Denial::CategoryNotGranted { .. },
            ..
        }
    ));
}

#[test]
fn a_receipt_for_a_recipient_not_granted_is_refused_at_signing() {
    let (p, _, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.recipient = Some("broker.example".into());
    assert!(matches!(
        mistake(r.sign(&grant, &p.controller)),
        Mistake::NotCovered {
            denial: Denial::RecipientNotGranted { .. },
            ..
        }
    ));
}

#[test]
fn a_receipt_outside_the_grants_time_is_refused_at_signing() {
    let (p, _, grant) = receipt_world();
    let g = Grant::from_artifact(&grant).unwrap().clone();
    for (at, before) in [(g.issued_at - 1, true), (g.expires_at.unwrap(), false)] {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = at;
        let m = mistake(r.sign(&grant, &p.controller));
        match m {
            Mistake::NotCovered {
                denial: Denial::BeforeGrant { .. },
                ..
            } => assert!(before),
            Mistake::NotCovered {
                denial: Denial::AfterExpiry { .. },
                ..
            } => assert!(!before),
            other => panic!("{other:?}"),
        }
    }
    // The prepare flow checks it too.
    let mut r = sample::receipt(&grant).unwrap();
    r.used_at = g.issued_at - 1;
    assert!(r.prepare(&grant, &p.controller.public_key()).is_err());
}

#[test]
fn a_receipt_citing_the_offer_id_is_refused_with_a_hint() {
    let (p, offer, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.grant = offer.id();
    let m = mistake(r.sign(&offer, &p.controller));
    assert!(matches!(
        m,
        Mistake::NotAGrant {
            found: consentkit::ArtifactKind::Offer,
            ..
        }
    ));
    assert!(m.to_string().contains("cite the grant's id"), "{m}");
    // Checked against the grant, it cites another id.
    assert!(matches!(
        mistake(r.sign(&grant, &p.controller)),
        Mistake::NotTheGrant { .. }
    ));
}

#[test]
fn a_receipt_the_grant_does_not_cover_is_signed_only_as_a_known_violation() {
    let (p, offer, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.purpose = t("dpv:Marketing").into();
    let a = r
        .sign_known_violation(
            &p.controller,
            &KnownViolation::new("injected for the audit"),
        )
        .unwrap();
    let report = audit_bytes(
        &to_sequence([&offer, &grant, &a]),
        &p.trust(),
        &AuditOptions {
            at: Some(T0 + 2 * DAY),
        },
    );
    let kinds: Vec<FindingKind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FindingKind::PurposeNotGranted]);
}

#[test]
fn the_audit_hints_that_a_receipt_cites_an_offer_id() {
    let (p, offer, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.grant = offer.id();
    let a = r
        .sign_known_violation(&p.controller, &KnownViolation::new("the offer's id"))
        .unwrap();
    let report = audit_bytes(
        &to_sequence([&offer, &grant, &a]),
        &p.trust(),
        &AuditOptions {
            at: Some(T0 + 2 * DAY),
        },
    );
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(f.kind, FindingKind::UnknownGrant);
    assert!(f.message.contains("that id is an offer's"), "{}", f.message);
    // A receipt citing an id nobody has gets no such hint.
    r.grant = consentkit::ArtifactId([9; 16]);
    let a = r
        .sign_known_violation(&p.controller, &KnownViolation::new("unknown"))
        .unwrap();
    let report = audit_bytes(
        &to_sequence([&offer, &grant, &a]),
        &p.trust(),
        &AuditOptions {
            at: Some(T0 + 2 * DAY),
        },
    );
    assert!(!report.findings[0].message.contains("offer's"));
}

// --- Keys that cannot sign the role ----------------------------------------

#[test]
fn a_withdrawal_by_person_with_the_controllers_key_is_refused_at_signing() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let m = mistake(Withdrawal::by_person(grant.id(), T0 + DAY, &p.controller));
    assert_eq!(
        m,
        Mistake::WrongRole {
            what: "a person's withdrawal",
            role: Role::Controller,
            expected: "person",
        }
    );
    assert!(m.to_string().contains("controller key may not sign"), "{m}");
}

#[test]
fn a_withdrawal_by_person_with_a_trusted_controller_key_does_not_verify() {
    // A key that declares no role signs; verification knows the key.
    let p = Parties::new().unwrap();
    let (controller, _, _) = plain();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let w = Withdrawal::by_person(grant.id(), T0 + DAY, &controller).unwrap();
    assert!(matches!(
        w.verify(&p.trust()),
        Err(VerifyError::WrongRole {
            role: Role::Controller,
            ..
        })
    ));
    // The same for a grant the controller "signs as the person".
    let g = sample::grant_body(&p, &offer)
        .sign_as_person(&controller)
        .unwrap()
        .countersign(&offer, &p.controller)
        .unwrap();
    assert!(matches!(
        g.verify(&p.trust()),
        Err(VerifyError::WrongRole { .. })
    ));
}

#[test]
fn keys_declaring_a_role_sign_only_what_that_role_signs() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    // A person's key signing an offer, a partner's key countersigning, a
    // person's key signing a receipt, a controller's key signing as the person.
    assert!(matches!(
        mistake(sample::offer().unwrap().sign(&p.person)),
        Mistake::WrongRole {
            role: Role::Person,
            ..
        }
    ));
    assert!(matches!(
        mistake(sample::grant_body(&p, &offer).sign_both(&offer, &p.person, &p.partner)),
        Mistake::WrongRole {
            role: Role::Partner,
            ..
        }
    ));
    assert!(matches!(
        mistake(sample::receipt(&grant).unwrap().sign(&grant, &p.person)),
        Mistake::WrongRole {
            role: Role::Person,
            ..
        }
    ));
    assert!(matches!(
        mistake(sample::grant_body(&p, &offer).sign_as_person(&p.controller)),
        Mistake::WrongRole {
            role: Role::Controller,
            ..
        }
    ));
    assert!(matches!(
        mistake(Withdrawal::revoke(
            grant.id(),
            T0 + DAY,
            "closed",
            &p.person
        )),
        Mistake::WrongRole {
            role: Role::Person,
            ..
        }
    ));
    // A partner's receipt is fine.
    let mut r = sample::receipt(&grant).unwrap();
    r.recipient = None;
    assert!(r.sign(&grant, &p.partner).is_ok());
}

// --- Instants in the wrong unit ---------------------------------------------

fn unit_of(r: Result<Artifact, Error>) -> (TimeUnit, String) {
    match mistake(r) {
        Mistake::Time(e @ TimeError::OutOfRange { looks_like, .. }) => (looks_like, e.to_string()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_offer_dated_in_milliseconds_is_refused_naming_the_unit() {
    let p = Parties::new().unwrap();
    let mut o = sample::offer().unwrap();
    o.issued_at = Timestamp::from_secs(T0.secs() * 1000);
    let (unit, msg) = unit_of(o.sign(&p.controller));
    assert_eq!(unit, TimeUnit::Milliseconds);
    assert!(msg.contains("offer.issued_at"), "{msg}");
    assert!(msg.contains("milliseconds"), "{msg}");
    // The builder refuses it before there is anything to sign.
    assert!(matches!(
        Offer::new("shop.example", "n", T0.secs() * 1000),
        Err(Error::Mistake(Mistake::Time(_)))
    ));
}

#[test]
fn a_receipt_dated_in_microseconds_is_refused_naming_the_unit() {
    let (p, _, grant) = receipt_world();
    let mut r = sample::receipt(&grant).unwrap();
    r.used_at = Timestamp::from_secs((T0.secs() + 7_200) * 1_000_000);
    let (unit, msg) = unit_of(r.sign(&grant, &p.controller));
    assert_eq!(unit, TimeUnit::Microseconds);
    assert!(msg.contains("data_receipt.used_at"), "{msg}");
    // Even as a known violation: the unit rule is not a violation to record.
    assert!(r
        .sign_known_violation(&p.controller, &KnownViolation::new("x"))
        .is_err());
}

#[test]
fn a_grant_dated_before_2000_is_refused() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.expires_at = Some(3_600.into()); // seconds from now, not since the epoch
    g.issued_at = 60.into();
    let (unit, msg) = unit_of(g.sign_as_person(&p.person));
    assert_eq!(unit, TimeUnit::BeforeYear2000);
    assert!(msg.contains("grant.issued_at"), "{msg}");
}

#[test]
fn a_withdrawal_dated_after_2100_or_in_milliseconds_is_refused() {
    let p = Parties::new().unwrap();
    let id = consentkit::ArtifactId([1; 16]);
    let (unit, _) = unit_of(Withdrawal::by_person(
        id,
        consentkit::time::MAX_TIME,
        &p.person,
    ));
    assert_eq!(unit, TimeUnit::AfterYear2100);
    let (unit, _) = unit_of(Withdrawal::by_person(id, T0.secs() * 1000, &p.person));
    assert_eq!(unit, TimeUnit::Milliseconds);
}

#[test]
fn system_time_is_accepted_alongside_seconds() {
    let p = Parties::new().unwrap();
    let id = consentkit::ArtifactId([1; 16]);
    let st = UNIX_EPOCH + Duration::from_millis(T0.secs() * 1000 + 999);
    let a = Withdrawal::by_person(id, st, &p.person).unwrap();
    let b = Withdrawal::by_person(id, T0, &p.person).unwrap();
    assert_eq!(a.as_bytes(), b.as_bytes());
    assert!(Withdrawal::by_person(id, SystemTime::now(), &p.person).is_ok());
    assert!(Withdrawal::by_person(id, UNIX_EPOCH, &p.person).is_err());
}

// --- One error type ----------------------------------------------------------

/// Every `?` of the README's programs converts into `consentkit::Error`:
/// terms, keys, wallets, logs, signed notes, audits, decoding.
#[test]
fn every_question_mark_converts_into_consentkit_error() {
    fn run(dir: &std::path::Path) -> Result<(), Error> {
        let _ = Term::new("dpv:Marketing")?;
        let mut w = Wallet::new(WalletKey::Ed25519)?;
        let p = Parties::new()?;
        w.trust_key(
            p.controller.public_key(),
            Role::Controller,
            "traffic.example",
        )?;
        let log_key = KeyPair::generate(Algorithm::Ed25519)?;
        let _log = consentkit::log::TileLog::create(dir, "log.example/test", &log_key)?;
        let _ = consentkit::log::TileLog::open(&dir.join("missing"))?;
        Ok(())
    }
    let dir = std::env::temp_dir().join(format!("ck-mistakes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let e = run(&dir).unwrap_err();
    assert!(matches!(e, Error::Log(_)), "{e:?}");
    let _ = std::fs::remove_dir_all(&dir);

    fn wallet_err() -> Result<(), Error> {
        let mut w = Wallet::new(WalletKey::Ed25519)?;
        w.receive(b"not an artifact", T0)?;
        Ok(())
    }
    assert!(wallet_err().is_err());
    fn note_err() -> Result<(), Error> {
        consentkit::log::Checkpoint::open(b"garbage", &[])?;
        Ok(())
    }
    assert!(matches!(note_err(), Err(Error::Log(_))));
}
