//! Every report says what it checked and with what: tool, bundle hash,
//! trust set, log and checkpoints, and how signatures were accepted. Text,
//! JSON and HTML show the same facts.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use consentkit::audit::{
    audit_source_with_log, render_html, render_text, to_sequence, AuditOptions, FindingKind,
    LogView, LogViewError, Report,
};
use consentkit::log::TileLog;
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, KeyPair, Role, Signer, TrustSet};

const ORIGIN: &str = "log.example/provenance";

struct World {
    p: Parties,
    log_key: KeyPair,
    trust: TrustSet,
    items: Vec<Artifact>,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[7; 32]).unwrap();
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, ORIGIN);
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    World {
        p,
        log_key,
        trust,
        items: vec![offer, grant, receipt],
    }
}

fn make_log(w: &World, name: &str, items: &[Artifact]) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-provenance-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    let mut log = TileLog::create(&d, ORIGIN, &w.log_key).unwrap();
    for a in items {
        log.append_artifact(a, &w.p.trust()).unwrap();
    }
    log.publish(&w.log_key).unwrap();
    d
}

fn audit(w: &World, bundle: &[u8], log: Option<&LogView>) -> Report {
    audit_source_with_log(
        || Ok::<_, std::io::Error>(bundle),
        &w.trust,
        &AuditOptions {
            at: Some(T0 + 90 * 86_400),
        },
        log,
        None,
    )
    .unwrap()
}

#[test]
fn a_report_names_tool_bundle_trust_set_and_signatures() {
    let w = world();
    let bundle = to_sequence(w.items.iter());
    let rep = audit(&w, &bundle, None);
    let p = &rep.provenance;
    assert_eq!(p.tool, "consentkit");
    assert_eq!(p.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        p.bundle_sha256,
        hex::encode(consentkit::artifact::sha256(&bundle))
    );
    assert_eq!(p.trust.keys.len(), w.trust.len());
    let kids: Vec<String> = p.trust.keys.iter().map(|k| k.kid.to_string()).collect();
    let mut sorted = kids.clone();
    sorted.sort();
    assert_eq!(kids, sorted, "keys sorted by kid");
    assert!(p
        .trust
        .keys
        .iter()
        .any(|k| k.role == Role::Log && k.party == ORIGIN));
    // The same keys in another order give the same digest; another key set does not.
    let mut reversed = TrustSet::new();
    let keys: Vec<_> = w.trust.iter().cloned().collect();
    for k in keys.iter().rev() {
        reversed.insert(k.key.clone(), k.role, k.party.clone());
    }
    assert_eq!(
        consentkit::audit::trust_provenance(&reversed).sha256,
        p.trust.sha256
    );
    assert_ne!(
        consentkit::audit::trust_provenance(&w.p.trust()).sha256,
        p.trust.sha256
    );
    // Offer 1 + grant 2 + receipt 1 signatures, all checked; no log.
    assert_eq!((p.signatures.checked, p.signatures.admitted), (4, 0));
    assert!(p.log.is_none());
    let j = rep.to_json();
    assert_eq!(j["provenance"]["bundle_sha256"], p.bundle_sha256.as_str());
    assert_eq!(j["provenance"]["signatures"]["checked"], 4);
    assert_eq!(j["provenance"]["trust"]["keys"][0]["kid"], kids[0].as_str());
    assert!(j["provenance"]["log"].is_null());
    let text = render_text(&rep);
    assert!(text.contains(&p.bundle_sha256) && text.contains(&p.trust.sha256));
    assert!(text.contains("4 signature(s) checked against the trust set"));
}

#[test]
fn with_a_log_the_report_says_what_was_admitted_and_which_checkpoints_were_held() {
    let w = world();
    let bundle = to_sequence(w.items.iter());
    // The auditor kept the checkpoint of the log with the first two artifacts.
    let d0 = make_log(&w, "early", &w.items[..2]);
    let kept = TileLog::open(&d0)
        .unwrap()
        .checkpoint_note()
        .as_bytes()
        .to_vec();
    let d = make_log(&w, "full", &w.items);
    let plain = audit(&w, &bundle, None);
    let view = LogView::open(&d, &w.trust, std::slice::from_ref(&kept), true).unwrap();
    let rep = audit(&w, &bundle, Some(&view));
    assert!(rep.is_clean(), "{:?}", rep.findings);
    let l = rep.provenance.log.as_ref().unwrap();
    assert_eq!((l.origin.as_str(), l.size), (ORIGIN, 3));
    assert_eq!(l.root_hash.len(), 44, "base64 of 32 bytes");
    assert!(l.trust_admission);
    assert_eq!(l.checkpoints.len(), 1);
    assert_eq!(
        (l.checkpoints[0].size, l.checkpoints[0].consistent),
        (2, true)
    );
    assert_eq!(l.checkpoints[0].source, "auditor");
    assert_eq!(
        (
            rep.provenance.signatures.checked,
            rep.provenance.signatures.admitted
        ),
        (0, 4)
    );
    // Text with and without the log differ, and say so.
    let (t_log, t_plain) = (render_text(&rep), render_text(&plain));
    assert_ne!(t_log, t_plain);
    assert!(t_log.contains(&format!(
        "4 admitted without being checked again because they are in log {ORIGIN} at size 3"
    )));
    assert!(t_log.contains("checkpoint given by the auditor: size 2"));
    assert!(t_plain.contains("log: none"));
    // The HTML footer says only what happened.
    let html = render_html(&rep);
    assert!(!html.contains("Every signature was checked"));
    assert!(html.contains("0 signature(s) checked against the trust set, 4 admitted"));
    assert!(html.contains(&rep.provenance.bundle_sha256));
    // --verify-logged: every signature checked again.
    let view = LogView::open(&d, &w.trust, &[], false).unwrap();
    let rep = audit(&w, &bundle, Some(&view));
    assert_eq!(
        (
            rep.provenance.signatures.checked,
            rep.provenance.signatures.admitted
        ),
        (4, 0)
    );
}

#[test]
fn a_supplied_checkpoint_the_log_does_not_extend_is_a_finding_and_garbage_is_an_error() {
    let w = world();
    let honest = make_log(&w, "honest", &w.items);
    let kept = TileLog::open(&honest)
        .unwrap()
        .checkpoint_note()
        .as_bytes()
        .to_vec();
    // The log rebuilt without the receipt: it no longer extends the kept checkpoint.
    let mut other = sample::receipt(&w.items[1]).unwrap();
    other.used_at += 60;
    let other = other.sign(&w.items[1], &w.p.controller).unwrap();
    let rewritten = make_log(
        &w,
        "rewritten",
        &[w.items[0].clone(), w.items[1].clone(), other],
    );
    let view = LogView::open(&rewritten, &w.trust, std::slice::from_ref(&kept), true).unwrap();
    let rep = audit(&w, &to_sequence(w.items[..2].iter()), Some(&view));
    assert!(rep.finding_count(FindingKind::LogInconsistent) > 0);
    let l = rep.provenance.log.as_ref().unwrap();
    assert!(!l.checkpoints[0].consistent);
    // Garbage, or a note not signed by the log's key, is unusable input.
    for bad in [b"garbage".to_vec(), Vec::new()] {
        match LogView::open(&honest, &w.trust, &[bad], true) {
            Err(LogViewError::BadSuppliedCheckpoint { index: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}

/// Issue 12: the report names each trusted key's algorithm under the one
/// field name `algorithm`, with the one value name (`"Ed25519"` or
/// `"ES256"`, never the former `"EdDSA"`), in JSON, text and HTML alike.
#[test]
fn a_report_names_each_trusted_keys_algorithm_ed25519_or_es256() {
    let mut w = world();
    let p256 = KeyPair::generate(consentkit::Algorithm::ES256).unwrap();
    w.trust
        .insert(p256.public_key(), Role::Partner, "p256.example");
    let bundle = to_sequence(w.items.iter());
    let rep = audit(&w, &bundle, None);
    let j = rep.to_json();
    let keys = j["provenance"]["trust"]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), w.trust.len());
    for k in keys {
        assert!(k.get("alg").is_none(), "{k}");
        let want = if k["kid"] == p256.kid().to_string().as_str() {
            "ES256"
        } else {
            "Ed25519"
        };
        assert_eq!(k["algorithm"], want, "{k}");
    }
    let text = render_text(&rep);
    let html = render_html(&rep);
    for shown in [&text, &html] {
        assert!(
            shown.contains(" Ed25519 ") && shown.contains(" ES256 "),
            "{shown}"
        );
        assert!(!shown.contains("EdDSA"), "{shown}");
    }
}
