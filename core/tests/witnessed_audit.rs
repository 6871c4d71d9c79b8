//! Auditing with a witness policy: the log's checkpoint must carry the
//! quorum (`not_witnessed`), the report names the witnesses that
//! cosigned, a cosigned checkpoint the log does not extend is a finding
//! (a split view), and cosignature times date what the log held
//! (`witnessed_backdated`).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use consentkit::audit::{
    audit_source_with_log, to_sequence, AuditOptions, FindingKind, LogView, Report,
    WITNESS_CLOCK_TOLERANCE,
};
use consentkit::log::{AddCheckpointRequest, Policy, TileLog, Witness};
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, KeyPair, Role, Signer, TrustSet, Withdrawal};

const ORIGIN: &str = "log.example/witnessed";
const DAY: u64 = 86_400;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "consentkit-witnessed-audit-{}-{name}",
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
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
    let mut trust = p.trust();
    trust.insert(log_key.public_key(), Role::Log, ORIGIN);
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    World {
        p,
        log_key,
        trust,
        offer,
        grant,
        receipt,
    }
}

fn witness(d: &Path, log: &TileLog) -> Witness {
    let logs = Policy::parse(format!("log {}\nquorum none\n", log.verifier().to_vkey()).as_bytes())
        .unwrap();
    Witness::open(
        d,
        "witness.example/w1",
        Box::new(KeyPair::ed25519_from_seed(&[7; 32]).unwrap()),
        &logs,
    )
    .unwrap()
}

fn policy(log: &TileLog, w: &Witness) -> Policy {
    Policy::parse(
        format!(
            "log {}\nwitness W {}\nquorum W\n",
            log.verifier().to_vkey(),
            w.verifier().to_vkey()
        )
        .as_bytes(),
    )
    .unwrap()
}

/// Sends the log's checkpoint to the witness at `now` (old size `old`) and
/// stores the cosigned checkpoint in the log.
fn witness_now(log: &mut TileLog, w: &Witness, old: u64, now: u64) {
    let proof = if old == 0 || old == log.size() {
        vec![]
    } else {
        log.consistency_proof(old, log.size()).unwrap().path
    };
    let body = AddCheckpointRequest {
        old_size: old,
        proof,
        checkpoint: log.checkpoint_note().to_owned(),
    }
    .to_body();
    let line = w.add_checkpoint(body.as_bytes(), now).unwrap();
    let cosigned = format!("{}{line}", log.checkpoint_note());
    log.add_cosignatures(&cosigned).unwrap();
}

fn audit(w: &World, bundle: &[&Artifact], log: &LogView) -> Report {
    let bytes = to_sequence(bundle.iter().copied());
    audit_source_with_log(
        || Ok::<_, std::io::Error>(bytes.as_slice()),
        &w.trust,
        &AuditOptions {
            at: Some(T0 + 90 * DAY),
        },
        Some(log),
        None,
    )
    .unwrap()
}

fn kinds(r: &Report) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

/// A log of offer, grant and receipt, cosigned on day 30; then a
/// withdrawal dated `withdrawn_at` appended and cosigned on day 31.
fn logged_withdrawal(
    name: &str,
    withdrawn_at: consentkit::Timestamp,
) -> (World, PathBuf, Policy, Artifact) {
    let w = world();
    let d = dir(name);
    let mut log = TileLog::create(&d.join("log"), ORIGIN, &w.log_key).unwrap();
    for a in [&w.offer, &w.grant, &w.receipt] {
        log.append_artifact(a, &w.p.trust()).unwrap();
    }
    log.publish(&w.log_key).unwrap();
    let wit = witness(&d.join("witness"), &log);
    witness_now(&mut log, &wit, 0, (T0 + 30 * DAY).secs());
    let withdrawal = Withdrawal::by_person(w.grant.id(), withdrawn_at, &w.p.person).unwrap();
    log.append_artifact(&withdrawal, &w.p.trust()).unwrap();
    log.publish(&w.log_key).unwrap();
    witness_now(&mut log, &wit, 3, (T0 + 31 * DAY).secs());
    let p = policy(&log, &wit);
    (w, d.join("log"), p, withdrawal)
}

#[test]
fn withdrawal_dated_before_a_witnessed_checkpoint_without_it_is_witnessed_backdated() {
    let (w, logdir, policy, withdrawal) = logged_withdrawal("backdated", T0 + 10 * DAY);
    let view = LogView::open_witnessed(
        &logdir,
        &w.trust,
        &[],
        true,
        &policy,
        WITNESS_CLOCK_TOLERANCE,
    )
    .unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &view);
    assert_eq!(
        kinds(&r),
        vec![FindingKind::WitnessedBackdated],
        "{:?}",
        r.findings
    );
    let f = &r.findings[0];
    assert_eq!(f.artifact, Some(withdrawal.id()));
    assert!(f.message.contains("size 3"), "{}", f.message);
    // Without the policy, the log alone cannot tell.
    let plain = LogView::open(&logdir, &w.trust, &[], true).unwrap();
    assert!(
        audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &plain)
            .findings
            .is_empty()
    );
}

#[test]
fn withdrawal_within_the_tolerance_of_the_witness_clock_is_no_finding() {
    // Dated 23 hours before the day-30 cosignature: within 24 hours.
    let (w, logdir, policy, withdrawal) = logged_withdrawal("tolerance", T0 + 30 * DAY - 23 * 3600);
    let view = LogView::open_witnessed(
        &logdir,
        &w.trust,
        &[],
        true,
        &policy,
        WITNESS_CLOCK_TOLERANCE,
    )
    .unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &view);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    // A tolerance of one hour makes it a finding.
    let strict = LogView::open_witnessed(&logdir, &w.trust, &[], true, &policy, 3600).unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &strict);
    assert_eq!(kinds(&r), vec![FindingKind::WitnessedBackdated]);
}

#[test]
fn audit_names_the_witnesses_and_requires_the_quorum() {
    let (w, logdir, policy, withdrawal) = logged_withdrawal("quorum", T0 + 31 * DAY);
    let view = LogView::open_witnessed(
        &logdir,
        &w.trust,
        &[],
        true,
        &policy,
        WITNESS_CLOCK_TOLERANCE,
    )
    .unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &view);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let wv = r
        .provenance
        .log
        .as_ref()
        .unwrap()
        .witnesses
        .as_ref()
        .unwrap();
    assert!(wv.quorum_met);
    assert_eq!(wv.quorum, "W");
    assert_eq!(wv.cosigners.len(), 1);
    assert_eq!(wv.cosigners[0].witness, "W");
    assert_eq!(wv.cosigners[0].key_name, "witness.example/w1");
    assert_eq!(wv.cosigners[0].timestamp, (T0 + 31 * DAY).secs());
    assert_eq!(wv.witnessed_checkpoints, 3); // latest, and the archive's 3 and 4
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["provenance"]["log"]["witnesses"]["cosigners"][0]["witness"],
        "W"
    );

    // The log grows without being witnessed again: not_witnessed.
    let mut log = TileLog::open(&logdir).unwrap();
    let late = sample::signed_refusal(&w.p, &w.offer).unwrap();
    log.append_artifact(&late, &w.p.trust()).unwrap();
    log.publish(&w.log_key).unwrap();
    let view = LogView::open_witnessed(
        &logdir,
        &w.trust,
        &[],
        true,
        &policy,
        WITNESS_CLOCK_TOLERANCE,
    )
    .unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &withdrawal], &view);
    assert_eq!(
        kinds(&r),
        vec![FindingKind::NotWitnessed],
        "{:?}",
        r.findings
    );
    assert!(!r.provenance.log.unwrap().witnesses.unwrap().quorum_met);
}

/// Split view: the person holds a checkpoint cosigned by the witness; the
/// controller shows the auditor another log with the same origin and key.
/// The auditor's log cannot carry the quorum (the witness refuses it), and
/// the person's cosigned checkpoint held against it is a finding.
#[test]
fn split_view_cosigned_checkpoint_that_disagrees_with_the_log_is_a_finding() {
    let w = world();
    let d = dir("split");
    let mut person_view = TileLog::create(&d.join("person"), ORIGIN, &w.log_key).unwrap();
    let mut auditor_view = TileLog::create(&d.join("auditor"), ORIGIN, &w.log_key).unwrap();
    let withdrawal = sample::signed_withdrawal(&w.p, &w.grant).unwrap();
    for a in [&w.offer, &w.grant, &w.receipt, &withdrawal] {
        person_view.append_artifact(a, &w.p.trust()).unwrap();
    }
    // The auditor's view leaves out the withdrawal.
    for a in [&w.offer, &w.grant, &w.receipt] {
        auditor_view.append_artifact(a, &w.p.trust()).unwrap();
    }
    let refusal = sample::signed_refusal(&w.p, &w.offer).unwrap();
    auditor_view
        .append_artifact(&refusal, &w.p.trust())
        .unwrap();
    person_view.publish(&w.log_key).unwrap();
    auditor_view.publish(&w.log_key).unwrap();
    let wit = witness(&d.join("witness"), &person_view);
    witness_now(&mut person_view, &wit, 0, (T0 + 30 * DAY).secs());
    // The witness refuses the auditor's view: 409 (it is at 4), then 422.
    let body = |old: u64| {
        AddCheckpointRequest {
            old_size: old,
            proof: vec![],
            checkpoint: auditor_view.checkpoint_note().to_owned(),
        }
        .to_body()
    };
    assert_eq!(
        wit.add_checkpoint(body(0).as_bytes(), (T0 + 30 * DAY).secs())
            .unwrap_err()
            .status(),
        409
    );
    assert_eq!(
        wit.add_checkpoint(body(4).as_bytes(), (T0 + 30 * DAY).secs())
            .unwrap_err()
            .status(),
        422
    );
    let policy = policy(&person_view, &wit);
    let persons_checkpoint = person_view.checkpoint_note().as_bytes().to_vec();
    assert!(policy.verify_checkpoint(&persons_checkpoint).is_ok());
    let view = LogView::open_witnessed(
        &d.join("auditor"),
        &w.trust,
        &[persons_checkpoint],
        true,
        &policy,
        WITNESS_CLOCK_TOLERANCE,
    )
    .unwrap();
    let r = audit(&w, &[&w.offer, &w.grant, &w.receipt, &refusal], &view);
    let k = kinds(&r);
    assert!(
        k.contains(&FindingKind::LogInconsistent),
        "{:?}",
        r.findings
    );
    assert!(k.contains(&FindingKind::NotWitnessed), "{:?}", r.findings);
}
