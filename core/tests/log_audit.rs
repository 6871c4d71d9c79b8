//! Auditing with a transparency log: a withdrawal missing from the log,
//! and a log rewritten to drop one, are both caught.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use consentkit::audit::{
    audit_source_with_log, to_sequence, AuditOptions, FindingKind, LogView, LogViewError, Report,
};
use consentkit::log::TileLog;
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, KeyPair, Role, Signer, TrustSet};

const ORIGIN: &str = "log.example/consent";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-log-audit-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

struct World {
    p: Parties,
    log_key: KeyPair,
    trust: TrustSet,
    offer: Artifact,
    grant: Artifact,
    receipt: Artifact,
    withdrawal: Artifact,
    late: Artifact,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, ORIGIN);
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let withdrawal = sample::signed_withdrawal(&p, &grant).unwrap();
    let mut r = sample::receipt(&grant).unwrap();
    r.used_at = T0 + 20 * 86_400; // after the withdrawal
    let late = r.sign(&grant, &p.controller).unwrap();
    World {
        p,
        log_key,
        trust,
        offer,
        grant,
        receipt,
        withdrawal,
        late,
    }
}

fn make_log(w: &World, name: &str, items: &[&Artifact]) -> PathBuf {
    let d = dir(name);
    let mut log = TileLog::create(&d, ORIGIN, &w.log_key).unwrap();
    for a in items {
        log.append_artifact(a, &w.p.trust()).unwrap();
    }
    log.publish(&w.log_key).unwrap();
    d
}

fn audit(w: &World, bundle: &[&Artifact], log: &LogView) -> Report {
    let bytes = to_sequence(bundle.iter().copied());
    audit_source_with_log(
        || Ok::<_, std::io::Error>(bytes.as_slice()),
        &w.trust,
        &AuditOptions {
            at: Some(T0 + 90 * 86_400),
        },
        Some(log),
        None,
    )
    .unwrap()
}

fn kinds(r: &Report) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn a_fully_logged_bundle_audits_clean_with_and_without_trusting_admission() {
    let w = world();
    let all = [&w.offer, &w.grant, &w.receipt, &w.withdrawal];
    let d = make_log(&w, "clean", &all);
    for trust_admission in [false, true] {
        let view = LogView::open(&d, &w.trust, &[], trust_admission).unwrap();
        assert_eq!(view.len(), 4);
        let rep = audit(&w, &all, &view);
        assert!(rep.is_clean(), "{:?}", rep.findings);
    }
}

#[test]
fn a_withdrawal_missing_from_the_log_is_caught() {
    let w = world();
    let d = make_log(&w, "missing", &[&w.offer, &w.grant, &w.receipt]);
    let view = LogView::open(&d, &w.trust, &[], true).unwrap();
    let rep = audit(&w, &[&w.offer, &w.grant, &w.receipt, &w.withdrawal], &view);
    assert_eq!(kinds(&rep), vec![FindingKind::NotInLog]);
    assert_eq!(rep.findings[0].artifact, Some(w.withdrawal.id()));
}

#[test]
fn a_log_rewritten_to_drop_a_withdrawal_is_caught() {
    let w = world();
    // The honest log, and the checkpoint an auditor (or the person's wallet) kept.
    let honest = make_log(
        &w,
        "honest",
        &[&w.offer, &w.grant, &w.receipt, &w.withdrawal],
    );
    let kept = TileLog::open(&honest)
        .unwrap()
        .checkpoint_note()
        .as_bytes()
        .to_vec();
    // The controller rebuilds the log without the withdrawal, to cover a late use.
    let rewritten = make_log(&w, "rewritten", &[&w.offer, &w.grant, &w.receipt, &w.late]);
    let view = LogView::open(&rewritten, &w.trust, &[kept], true).unwrap();
    let rep = audit(&w, &[&w.offer, &w.grant, &w.receipt, &w.late], &view);
    assert_eq!(
        kinds(&rep),
        vec![FindingKind::LogInconsistent],
        "{:?}",
        rep.findings
    );
    // With the withdrawal shown to the auditor anyway, it is not in the log, and the late use is flagged.
    let rep = audit(
        &w,
        &[&w.offer, &w.grant, &w.receipt, &w.late, &w.withdrawal],
        &view,
    );
    let mut k = kinds(&rep);
    k.sort();
    assert_eq!(
        k,
        vec![
            FindingKind::AfterWithdrawal,
            FindingKind::NotInLog,
            FindingKind::LogInconsistent
        ]
    );
}

#[test]
fn an_archive_that_shrank_is_caught() {
    let w = world();
    // Publish 4, then rebuild the same directory's log with 3 and keep the old archive file.
    let d = make_log(
        &w,
        "shrank",
        &[&w.offer, &w.grant, &w.receipt, &w.withdrawal],
    );
    let archive = std::fs::read_dir(d.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    let saved: Vec<(PathBuf, Vec<u8>)> = archive
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).unwrap()))
        .collect();
    std::fs::remove_dir_all(&d).unwrap();
    let mut log = TileLog::create(&d, ORIGIN, &w.log_key).unwrap();
    for a in [&w.offer, &w.grant, &w.receipt] {
        log.append_artifact(a, &w.p.trust()).unwrap();
    }
    log.publish(&w.log_key).unwrap();
    for (p, b) in saved {
        std::fs::write(p, b).unwrap();
    }
    let view = LogView::open(&d, &w.trust, &[], true).unwrap();
    assert!(!view.problems.is_empty());
    let rep = audit(&w, &[&w.offer, &w.grant, &w.receipt], &view);
    assert!(kinds(&rep).contains(&FindingKind::LogInconsistent));
}

#[test]
fn forged_artifacts_outside_the_log_are_still_verified() {
    let w = world();
    let d = make_log(&w, "forged", &[&w.offer, &w.grant]);
    let view = LogView::open(&d, &w.trust, &[], true).unwrap();
    let mut bad = w.receipt.as_bytes().to_vec();
    let n = bad.len();
    bad[n - 1] ^= 1;
    let forged = Artifact::decode(&bad).unwrap();
    let rep = audit(&w, &[&w.offer, &w.grant, &forged], &view);
    let mut k = kinds(&rep);
    k.sort();
    assert_eq!(k, vec![FindingKind::SignatureInvalid]);
}

#[test]
fn a_log_whose_key_is_not_trusted_is_refused() {
    let w = world();
    let d = make_log(&w, "untrusted", &[&w.offer]);
    assert!(matches!(
        LogView::open(&d, &w.p.trust(), &[], true),
        Err(LogViewError::UntrustedLog(_))
    ));
    let mut other = w.p.trust();
    other.insert(
        KeyPair::ed25519_from_seed(&[8; 32]).unwrap().public_key(),
        Role::Log,
        ORIGIN,
    );
    assert!(matches!(
        LogView::open(&d, &other, &[], true),
        Err(LogViewError::BadCheckpoint { .. })
    ));
}

/// A withdrawal created after uses were logged, but dated before them,
/// tries to turn lawful uses into violations: the log's order shows it.
#[test]
fn a_withdrawal_backdated_after_the_log_checkpoint_is_caught() {
    let w = world();
    // The late receipt (day 20) is logged and checkpointed first...
    let d = dir("backdated");
    let mut log = TileLog::create(&d, ORIGIN, &w.log_key).unwrap();
    for a in [&w.offer, &w.grant, &w.receipt, &w.late] {
        log.append_artifact(a, &w.p.trust()).unwrap();
    }
    log.publish(&w.log_key).unwrap();
    // ...then a withdrawal dated day 10 appears in the next checkpoint.
    log.append_artifact(&w.withdrawal, &w.p.trust()).unwrap();
    log.publish(&w.log_key).unwrap();
    let view = LogView::open(&d, &w.trust, &[], true).unwrap();
    let rep = audit(
        &w,
        &[&w.offer, &w.grant, &w.receipt, &w.late, &w.withdrawal],
        &view,
    );
    assert_eq!(
        kinds(&rep),
        vec![FindingKind::WithdrawalBackdated],
        "{:?}",
        rep.findings
    );
    assert_eq!(rep.findings[0].artifact, Some(w.late.id()));
    // Logged in the honest order, the same use is a use after withdrawal.
    let d2 = make_log(
        &w,
        "honest-order",
        &[&w.offer, &w.grant, &w.receipt, &w.withdrawal, &w.late],
    );
    let view = LogView::open(&d2, &w.trust, &[], true).unwrap();
    let rep = audit(
        &w,
        &[&w.offer, &w.grant, &w.receipt, &w.late, &w.withdrawal],
        &view,
    );
    assert_eq!(kinds(&rep), vec![FindingKind::AfterWithdrawal]);
}

/// The audit's view of a log reads the leaf hashes from the hash tiles
/// (core/src/log/view.rs), and still checks every entry of the entry
/// bundles against them: an artifact's bytes altered in its bundle make
/// the log unusable, as `TileLog::open` (`consentkit log verify`) has it.
#[test]
fn an_entry_altered_in_its_bundle_makes_the_log_unusable() {
    let w = world();
    let d = make_log(&w, "entries", &[&w.offer, &w.grant, &w.receipt]);
    let view = LogView::open(&d, &w.trust, &[], true).unwrap();
    let rep = audit(&w, &[&w.offer, &w.grant, &w.receipt], &view);
    assert!(rep.findings.is_empty(), "{:?}", rep.findings);
    assert_eq!(rep.provenance.signatures.admitted, 4);
    let bundle = d.join("tile/entries/000.p/3");
    let mut b = std::fs::read(&bundle).unwrap();
    let n = b.len();
    b[n - 1] ^= 1;
    std::fs::write(&bundle, &b).unwrap();
    assert!(TileLog::open(&d).is_err());
    let err = LogView::open(&d, &w.trust, &[], true).unwrap_err();
    assert!(
        err.to_string()
            .contains("entry 2 is not the leaf its hash tile holds"),
        "{err}"
    );
}

/// A leaf hash changed in its tile gives another tree: the signed
/// checkpoint's root no longer matches, and the log is not used.
#[test]
fn a_leaf_hash_changed_in_its_tile_makes_the_log_unusable() {
    let w = world();
    let d = make_log(&w, "leaf-tile", &[&w.offer, &w.grant, &w.receipt]);
    let tile = d.join("tile/0/000.p/3");
    let mut b = std::fs::read(&tile).unwrap();
    b[40] ^= 1;
    std::fs::write(&tile, &b).unwrap();
    let err = LogView::open(&d, &w.trust, &[], true).unwrap_err();
    assert!(
        matches!(
            err,
            LogViewError::Log(consentkit::log::LogError::RootMismatch { size: 3 })
        ),
        "{err}"
    );
    // A truncated tile is not a tile.
    std::fs::write(&tile, &b[..50]).unwrap();
    let err = LogView::open(&d, &w.trust, &[], true).unwrap_err();
    assert!(
        matches!(
            err,
            LogViewError::Log(consentkit::log::LogError::Corrupt { .. })
        ),
        "{err}"
    );
}

/// A checkpoint signed over leaves that repeat one entry: an entry is
/// logged once, so the log is refused, as `TileLog::open` refuses it.
#[test]
fn a_signed_tree_that_repeats_a_leaf_makes_the_log_unusable() {
    use consentkit::log::{leaf_hash, Checkpoint, MemoryTree};
    let w = world();
    let d = make_log(&w, "repeat", &[&w.offer, &w.grant, &w.receipt]);
    let leaves = [
        leaf_hash(w.offer.as_bytes()),
        leaf_hash(w.grant.as_bytes()),
        leaf_hash(w.offer.as_bytes()),
    ];
    std::fs::write(d.join("tile/0/000.p/3"), leaves.concat()).unwrap();
    let entries = [w.offer.as_bytes(), w.grant.as_bytes(), w.offer.as_bytes()];
    std::fs::write(
        d.join("tile/entries/000.p/3"),
        consentkit::log::tiles::encode_bundle(&entries).unwrap(),
    )
    .unwrap();
    let mut tree = MemoryTree::new();
    for l in leaves {
        tree.push_leaf_hash(l);
    }
    let note = Checkpoint {
        origin: ORIGIN.into(),
        size: 3,
        root: tree.root(),
        extensions: Vec::new(),
    }
    .sign(&w.log_key)
    .unwrap();
    std::fs::write(d.join("checkpoint"), note).unwrap();
    let err = LogView::open(&d, &w.trust, &[], true).unwrap_err();
    assert!(
        err.to_string().contains("leaf 2 duplicates leaf 0"),
        "{err}"
    );
}
