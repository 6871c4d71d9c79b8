//! Status List Tokens as transparency-log entries (issue 14): the log admits
//! a controller's token only with a trusted controller signature, keeps it
//! across reopening, and the audit with the log holds every logged token
//! against the withdrawals (`stale_status`), so a controller cannot hide a
//! stale list it published; deduplicated with the tokens given as files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use consentkit::audit::{
    audit_source_with_status, to_sequence, AuditOptions, FindingKind, LogView, Report,
};
use consentkit::log::{LogError, TileLog};
use consentkit::sample::{self, Parties, T0};
use consentkit::status::{StatusError, StatusRegistry};
use consentkit::{Artifact, KeyPair, Role, Signer, Timestamp, TrustSet};

const WITHDRAWN_AT: Timestamp = Timestamp::from_secs(T0.secs() + 10 * 86_400); // sample::signed_withdrawal
const TTL: u64 = 3_600;
const ORIGIN: &str = "log.example/status";

struct World {
    p: Parties,
    arts: Vec<Artifact>,
    registry: StatusRegistry,
    log_key: KeyPair,
    trust: TrustSet,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut registry = StatusRegistry::new("https://traffic.example/status/1", 2, 1024).unwrap();
    let r = registry.assign().unwrap();
    let mut body = sample::grant_body(&p, &offer);
    body.status = Some(r);
    let grant: Artifact = body.sign_both(&offer, &p.person, &p.controller).unwrap();
    let withdrawal = sample::signed_withdrawal(&p, &grant).unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[21; 32]).unwrap();
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, ORIGIN);
    World {
        p,
        arts: vec![offer, grant, withdrawal],
        registry,
        log_key,
        trust,
    }
}

fn token_at(w: &World, iat: Timestamp, signer: &KeyPair) -> Vec<u8> {
    w.registry
        .token(iat, TTL, Some(iat + 86_400))
        .sign(signer)
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-status-logged-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// A log holding `entries` in order: artifacts (by index into `w.arts`)
/// and tokens.
enum Entry<'a> {
    Art(usize),
    Token(&'a [u8]),
}

fn log_with(w: &World, dir: &Path, entries: &[Entry<'_>]) {
    let mut log = TileLog::create(dir, ORIGIN, &w.log_key).unwrap();
    for e in entries {
        match e {
            Entry::Art(i) => log.append_artifact(&w.arts[*i], &w.trust).unwrap(),
            Entry::Token(t) => log.append_status_list(t, &w.trust).unwrap(),
        };
    }
    log.publish(&w.log_key).unwrap();
}

fn audit(w: &World, order: &[usize], dir: &Path, tokens: &[Vec<u8>]) -> Report {
    let bundle = to_sequence(order.iter().map(|&i| &w.arts[i]));
    let view = LogView::open(dir, &w.trust, &[], true).unwrap();
    audit_source_with_status(
        || Ok::<_, std::io::Error>(&bundle[..]),
        &w.trust,
        &AuditOptions {
            at: Some(T0 + 100 * 86_400),
        },
        Some(&view),
        tokens,
        None,
    )
    .unwrap()
}

fn count(r: &Report, k: FindingKind) -> u64 {
    r.finding_count(k)
}

fn stale(r: &Report) -> Vec<(Option<String>, String)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::StaleStatus)
        .map(|f| (f.controller.clone(), f.message.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn stale_status_list_found_from_the_log_alone() {
    let w = world();
    let stale_token = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    let dir = tmp("alone");
    log_with(
        &w,
        &dir,
        &[
            Entry::Art(0),
            Entry::Art(1),
            Entry::Art(2),
            Entry::Token(&stale_token),
        ],
    );
    // No token given: the audit finds the one the controller logged.
    let r = audit(&w, &[0, 1, 2], &dir, &[]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 1, "{:?}", r.findings);
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::StaleStatus)
        .unwrap();
    assert_eq!(f.controller.as_deref(), Some(sample::CONTROLLER));
    assert!(f.message.contains("still says VALID"), "{}", f.message);
    assert_eq!(count(&r, FindingKind::NotInLog), 0, "{:?}", r.findings);
    // The same log with a list published in time: nothing to find.
    let fresh = token_at(&w, WITHDRAWN_AT + TTL, &w.p.controller);
    let dir2 = tmp("alone-fresh");
    log_with(
        &w,
        &dir2,
        &[
            Entry::Art(0),
            Entry::Art(1),
            Entry::Art(2),
            Entry::Token(&fresh),
        ],
    );
    assert_eq!(
        count(&audit(&w, &[0, 1, 2], &dir2, &[]), FindingKind::StaleStatus),
        0
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&dir2);
}

#[test]
fn logged_and_given_status_lists_are_held_once() {
    let w = world();
    let a = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    let b = token_at(&w, WITHDRAWN_AT + 5 * 86_400, &w.p.controller);
    let dir = tmp("once");
    log_with(
        &w,
        &dir,
        &[
            Entry::Art(0),
            Entry::Art(1),
            Entry::Token(&a),
            Entry::Art(2),
        ],
    );
    // `a` logged and given, `b` given only: two findings, not three.
    let r = audit(&w, &[0, 1, 2], &dir, &[a.clone(), b.clone()]);
    assert_eq!(count(&r, FindingKind::StaleStatus), 2, "{:?}", r.findings);
    let given_only = audit(&w, &[0, 1, 2], &dir, &[b]);
    assert_eq!(count(&given_only, FindingKind::StaleStatus), 2);
    assert_eq!(stale(&r), stale(&given_only));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn logged_status_list_findings_do_not_depend_on_order() {
    let w = world();
    let a = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    let b = token_at(&w, WITHDRAWN_AT + 5 * 86_400, &w.p.controller);
    // The same entries in two log orders, the bundle in every order.
    let d1 = tmp("order-1");
    log_with(
        &w,
        &d1,
        &[
            Entry::Art(0),
            Entry::Art(1),
            Entry::Art(2),
            Entry::Token(&a),
            Entry::Token(&b),
        ],
    );
    let d2 = tmp("order-2");
    log_with(
        &w,
        &d2,
        &[
            Entry::Token(&b),
            Entry::Art(0),
            Entry::Token(&a),
            Entry::Art(1),
            Entry::Art(2),
        ],
    );
    let first = audit(&w, &[0, 1, 2], &d1, &[]);
    assert_eq!(
        count(&first, FindingKind::StaleStatus),
        2,
        "{:?}",
        first.findings
    );
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
        for (dir, given) in [
            (&d1, vec![]),
            (&d2, vec![]),
            (&d2, vec![b.clone(), a.clone()]),
        ] {
            let r = audit(&w, &order, dir, &given);
            assert_eq!(stale(&r), stale(&first), "{order:?} {}", dir.display());
            assert_eq!(r.finding_counts, first.finding_counts, "{order:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&d1);
    let _ = std::fs::remove_dir_all(&d2);
}

#[test]
fn log_admits_only_status_lists_signed_by_a_trusted_controller_and_keeps_them() {
    let w = world();
    let dir = tmp("admit");
    let mut log = TileLog::create(&dir, ORIGIN, &w.log_key).unwrap();
    let stranger = KeyPair::ed25519_from_seed(&[5; 32]).unwrap();
    let good = token_at(&w, WITHDRAWN_AT + TTL + 1, &w.p.controller);
    // A stranger's list, the partner's (trusted, but not as a controller),
    // a tampered list, an artifact and garbage are all refused.
    assert!(matches!(
        log.append_status_list(&token_at(&w, T0, &stranger), &w.trust),
        Err(LogError::StatusList(StatusError::UntrustedKey(_)))
    ));
    assert!(matches!(
        log.append_status_list(&token_at(&w, T0, &w.p.partner), &w.trust),
        Err(LogError::StatusList(StatusError::UntrustedKey(_)))
    ));
    let mut bent = good.clone();
    let n = bent.len();
    bent[n - 1] ^= 1;
    assert!(matches!(
        log.append_status_list(&bent, &w.trust),
        Err(LogError::StatusList(StatusError::SignatureInvalid))
    ));
    assert!(matches!(
        log.append_status_list(w.arts[0].as_bytes(), &w.trust),
        Err(LogError::StatusList(_))
    ));
    assert!(log.append_status_list(&[0xd2, 0x84], &w.trust).is_err());
    assert_eq!(log.size(), 0);
    log.append_artifact(&w.arts[0], &w.trust).unwrap();
    let i = log.append_status_list(&good, &w.trust).unwrap();
    assert_eq!(i, 1);
    assert!(matches!(
        log.append_status_list(&good, &w.trust),
        Err(LogError::Duplicate { index: 1 })
    ));
    // Committed (journal), then published: reopening finds it both times.
    log.commit().unwrap();
    assert_eq!(
        TileLog::open(&dir).unwrap().status_lists(),
        &[(1, good.clone())]
    );
    log.publish(&w.log_key).unwrap();
    let reopened = TileLog::open(&dir).unwrap();
    assert_eq!(reopened.status_lists(), &[(1, good.clone())]);
    // An artifact is never taken for a status list.
    assert_eq!(reopened.status_lists().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
