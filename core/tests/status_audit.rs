//! The audit holds Status List Tokens against withdrawals (`stale_status`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{audit_source_with_status, to_sequence, AuditOptions, FindingKind, Report};
use consentkit::sample::{self, Parties, T0};
use consentkit::status::{Status, StatusRegistry};
use consentkit::{Artifact, KeyPair, Timestamp};

const WITHDRAWN_AT: Timestamp = Timestamp::from_secs(T0.secs() + 10 * 86_400); // sample::signed_withdrawal
const TTL: u64 = 3_600;

struct World {
    p: Parties,
    bundle: Vec<u8>,
    registry: StatusRegistry,
    idx: u64,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut registry = StatusRegistry::new("https://traffic.example/status/1", 2, 1024).unwrap();
    let r = registry.assign().unwrap();
    let mut body = sample::grant_body(&p, &offer);
    body.status = Some(r.clone());
    let grant: Artifact = body.sign_both(&offer, &p.person, &p.controller).unwrap();
    let withdrawal = sample::signed_withdrawal(&p, &grant).unwrap();
    let bundle = to_sequence([&offer, &grant, &withdrawal]);
    World {
        p,
        bundle,
        registry,
        idx: r.idx,
    }
}

fn audit(w: &World, tokens: &[Vec<u8>]) -> Report {
    let opts = AuditOptions {
        at: Some(T0 + 100 * 86_400),
    };
    audit_source_with_status(
        || Ok::<_, std::io::Error>(&w.bundle[..]),
        &w.p.trust(),
        &opts,
        None,
        tokens,
        None,
    )
    .unwrap()
}

fn count(r: &Report, k: FindingKind) -> u64 {
    r.finding_count(k)
}

fn token_at(w: &World, iat: Timestamp, signer: &KeyPair) -> Vec<u8> {
    w.registry
        .token(iat, TTL, Some(iat + 86_400))
        .sign(signer)
        .unwrap()
}

#[test]
fn stale_status_list_still_valid_after_withdrawal_is_a_finding() {
    let w = world();
    let stale = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    let r = audit(&w, &[stale]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 1, "{:?}", r.findings);
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::StaleStatus)
        .unwrap();
    assert_eq!(f.controller.as_deref(), Some(sample::CONTROLLER));
    assert!(f.message.contains("still says VALID"), "{}", f.message);
    // Without the list, the same bundle has no such finding.
    assert_eq!(count(&audit(&w, &[]), FindingKind::StaleStatus), 0);
}

#[test]
fn status_list_within_ttl_of_the_withdrawal_is_not_stale() {
    let w = world();
    // Exactly ttl after the withdrawal: still within the grace.
    let r = audit(&w, &[token_at(&w, WITHDRAWN_AT + TTL, &w.p.controller)]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 0, "{:?}", r.findings);
    // Before the withdrawal: VALID is right.
    let r = audit(&w, &[token_at(&w, WITHDRAWN_AT - 1, &w.p.controller)]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 0);
}

#[test]
fn status_list_that_says_invalid_or_suspended_is_not_stale() {
    let mut w = world();
    for s in [Status::Invalid, Status::Suspended] {
        w.registry.set(w.idx, s).unwrap();
        let r = audit(&w, &[token_at(&w, WITHDRAWN_AT + 86_400, &w.p.controller)]);
        assert_eq!(count(&r, FindingKind::StaleStatus), 0, "{s}");
    }
}

#[test]
fn status_list_not_signed_by_a_trusted_controller_key_is_reported_not_judged() {
    let w = world();
    let stranger = KeyPair::ed25519_from_seed(&[5; 32]).unwrap();
    let r = audit(&w, &[token_at(&w, WITHDRAWN_AT + 86_400, &stranger)]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 0);
    assert_eq!(count(&r, FindingKind::UntrustedKey), 1);
    // The partner's key is trusted, but not as a controller.
    let r = audit(&w, &[token_at(&w, WITHDRAWN_AT + 86_400, &w.p.partner)]);
    assert_eq!(count(&r, FindingKind::UntrustedKey), 1);
    // Garbage is malformed, named by its position.
    let r = audit(&w, &[vec![0xd2, 0x84]]);
    assert_eq!(count(&r, FindingKind::Malformed), 1);
    assert!(r.findings[0].message.starts_with("status list token 1:"));
    // A tampered list: signature_invalid.
    let mut bad = token_at(&w, WITHDRAWN_AT + 86_400, &w.p.controller);
    let n = bad.len();
    bad[n - 1] ^= 1;
    let r = audit(&w, &[bad]);
    assert_eq!(count(&r, FindingKind::SignatureInvalid), 1);
}

#[test]
fn stale_status_findings_do_not_depend_on_token_order() {
    let w = world();
    let a = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    let b = token_at(&w, WITHDRAWN_AT + 5 * 86_400, &w.p.controller);
    let ab = audit(&w, &[a.clone(), b.clone()]);
    let ba = audit(&w, &[b, a]);
    assert_eq!(count(&ab, FindingKind::StaleStatus), 2);
    assert_eq!(ab.to_json(), ba.to_json());
}
