//! Tests of cosignatures, policies and the witness (issue 14 item 1).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ring::digest::{digest, SHA256};

use super::cosignature::{cosignature_message, COSIGNATURE_V1_ED25519};
use super::note::{b64_encode, NoteSignature, SignedNote};
use super::witness::{witness_checkpoint, WitnessOutcome, WitnessReply};
use super::*;
use crate::keys::{KeyPair, Signer};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!(
            "consentkit-witness-unit-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        TempDir(d)
    }
    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ORIGIN: &str = "log.example/witnessed";
const WITNESS: &str = "witness.example/w1";
const NOW: u64 = 1_790_000_000;

fn log_key() -> KeyPair {
    KeyPair::ed25519_from_seed(&[0x42; 32]).unwrap()
}

fn witness_key(n: u8) -> KeyPair {
    KeyPair::ed25519_from_seed(&[n; 32]).unwrap()
}

fn cosigner(name: &str, k: &KeyPair) -> CosignerVerifier {
    CosignerVerifier::ed25519(name, &k.public_key()).unwrap()
}

/// A log in `dir` with `n` entries of `tag`, published in one batch.
fn log_with(dir: &Path, n: usize, tag: &str) -> TileLog {
    let key = log_key();
    let mut log = TileLog::create(dir, ORIGIN, &key).unwrap();
    grow(&mut log, n, tag);
    log
}

fn grow(log: &mut TileLog, n: usize, tag: &str) {
    let start = log.size();
    for i in 0..n {
        log.append_entry(format!("{tag} entry {}", start as usize + i).as_bytes())
            .unwrap();
    }
    log.publish(&log_key()).unwrap();
}

fn log_policy_line(log: &TileLog) -> String {
    format!("log {}\n", log.verifier().to_vkey())
}

fn open_witness(dir: &Path, log: &TileLog) -> Witness {
    let policy =
        Policy::parse(format!("{}quorum none\n", log_policy_line(log)).as_bytes()).unwrap();
    Witness::open(dir, WITNESS, Box::new(witness_key(7)), &policy).unwrap()
}

fn request(old: u64, proof: Vec<Hash>, checkpoint: &str) -> Vec<u8> {
    AddCheckpointRequest {
        old_size: old,
        proof,
        checkpoint: checkpoint.to_owned(),
    }
    .to_body()
    .into_bytes()
}

// ------------------------------------------------------------ cosignatures

#[test]
fn cosignature_key_id_uses_type_byte_0x04() {
    let k = witness_key(7);
    let v = cosigner(WITNESS, &k);
    let mut pre = format!("{WITNESS}\n").into_bytes();
    pre.push(0x04);
    pre.extend_from_slice(k.public_key().raw());
    let d = digest(&SHA256, &pre);
    assert_eq!(v.key_id().to_be_bytes(), d.as_ref()[..4]);
    // Not the note (0x01) key ID of the same key.
    assert_ne!(
        v.key_id(),
        NoteVerifier::ed25519(WITNESS, &k.public_key())
            .unwrap()
            .key_id()
    );
    let vkey = v.to_vkey();
    assert!(vkey.starts_with(&format!("{WITNESS}+{:08x}+", v.key_id())));
    let key = super::note::b64_decode(vkey.rsplit('+').next().unwrap()).unwrap();
    assert_eq!(key[0], 0x04);
    assert_eq!(&key[1..], k.public_key().raw());
    assert_eq!(CosignerVerifier::from_vkey(&vkey).unwrap(), v);
    // A note key (type 0x01) is no cosigner key, and the reverse.
    let note_vkey = NoteVerifier::ed25519(WITNESS, &k.public_key())
        .unwrap()
        .to_vkey();
    assert_eq!(
        CosignerVerifier::from_vkey(&note_vkey),
        Err(NoteError::UnsupportedKeyType(0x01))
    );
    assert_eq!(
        NoteVerifier::from_vkey(&vkey).unwrap_err(),
        NoteError::UnsupportedKeyType(COSIGNATURE_V1_ED25519)
    );
}

#[test]
fn cosignature_signs_the_spec_message_with_a_timestamp() {
    let cp = Checkpoint {
        origin: ORIGIN.into(),
        size: 20852163,
        root: [3; 32],
        extensions: vec!["ext line".into()],
    };
    let k = witness_key(7);
    let sig = cosign(&cp, WITNESS, &k, 1679315147).unwrap();
    assert_eq!(sig.signature.len(), 72);
    assert_eq!(sig.signature[..8], 1679315147u64.to_be_bytes());
    // The message is exactly the spec's: header, time line, whole note text.
    let msg = format!(
        "cosignature/v1\ntime 1679315147\n{ORIGIN}\n20852163\n{}\next line\n",
        b64_encode(&[3; 32])
    );
    assert_eq!(cosignature_message(1679315147, &cp.to_text()), msg);
    k.public_key()
        .verify(msg.as_bytes(), &sig.signature[8..])
        .unwrap();
    let v = cosigner(WITNESS, &k);
    let ok = v.verify(&cp.to_text(), &sig).unwrap().unwrap();
    assert_eq!(ok.timestamp, 1679315147);
    assert_eq!(ok.name, WITNESS);
}

#[test]
fn cosignature_rejects_a_changed_timestamp_text_or_length() {
    let cp = Checkpoint {
        origin: ORIGIN.into(),
        size: 5,
        root: [1; 32],
        extensions: vec![],
    };
    let k = witness_key(7);
    let v = cosigner(WITNESS, &k);
    let sig = cosign(&cp, WITNESS, &k, 1000).unwrap();
    let mut later = sig.clone();
    later.signature[7] ^= 1;
    assert!(matches!(
        v.verify(&cp.to_text(), &later),
        Err(NoteError::SignatureInvalid { .. })
    ));
    let other = Checkpoint {
        size: 6,
        ..cp.clone()
    };
    assert!(v.verify(&other.to_text(), &sig).is_err());
    let mut short = sig.clone();
    short.signature.pop();
    assert!(v.verify(&cp.to_text(), &short).is_err());
    let mut huge = sig.clone();
    huge.signature[0] = 0x80;
    assert!(v.verify(&cp.to_text(), &huge).is_err());
    // A line by another key is ignored, not an error.
    let stranger = cosign(&cp, "other.example/w", &witness_key(8), 1000).unwrap();
    assert_eq!(v.verify(&cp.to_text(), &stranger), Ok(None));
    // Timestamps 0 and above 2^63 - 1 are not signed.
    assert!(cosign(&cp, WITNESS, &k, 0).is_err());
    assert!(cosign(&cp, WITNESS, &k, 1 << 63).is_err());
}

// ------------------------------------------------------------ policies

fn spec_policy(log: &str, keys: &[CosignerVerifier]) -> String {
    format!(
        "# the spec's example, two levels of groups\n\
         log {log}\n\n\
         witness X1 {}\nwitness X2 {}\n\twitness X3 {}  \n\
         group X-witnesses 2 X1 X2 X3\n\
         witness Y1 {}\nwitness Y2 {}\nwitness Y3 {}\n\
         group Y-witnesses any Y1 Y2 Y3\n\
         group X-and-Y all X-witnesses Y-witnesses\n\
         quorum X-and-Y\n",
        keys[0].to_vkey(),
        keys[1].to_vkey(),
        keys[2].to_vkey(),
        keys[3].to_vkey(),
        keys[4].to_vkey(),
        keys[5].to_vkey()
    )
}

#[test]
fn policy_parses_the_spec_example_and_evaluates_its_quorum() {
    let keys: Vec<CosignerVerifier> = (1..=6)
        .map(|i| cosigner(&format!("w{i}.example"), &witness_key(i)))
        .collect();
    let logv = NoteVerifier::ed25519(ORIGIN, &log_key().public_key()).unwrap();
    let p = Policy::parse(spec_policy(&logv.to_vkey(), &keys).as_bytes()).unwrap();
    assert_eq!(p.logs().len(), 1);
    assert_eq!(p.witnesses().len(), 6);
    assert_eq!(p.quorum_name(), "X-and-Y");
    // Indices: X1..X3 = 0..2, Y1..Y3 = 3..5.
    assert!(p.quorum_met(&[0, 1, 3]));
    assert!(p.quorum_met(&[0, 2, 5]));
    assert!(!p.quorum_met(&[0, 3, 4, 5])); // one X only
    assert!(!p.quorum_met(&[0, 1, 2])); // no Y
    assert!(!p.quorum_met(&[]));
}

#[test]
fn policy_rejects_malformed_files_naming_the_line() {
    let w = cosigner(WITNESS, &witness_key(7)).to_vkey();
    let l = NoteVerifier::ed25519(ORIGIN, &log_key().public_key())
        .unwrap()
        .to_vkey();
    let cases: Vec<(String, usize, &str)> = vec![
        (format!("witness A {w}\n"), 0, "no quorum line"),
        ("quorum X\n".into(), 1, "not defined"),
        (
            format!("witness A {w}\nquorum A\nquorum A\n"),
            3,
            "second quorum",
        ),
        (
            format!("witness A {w}\ngroup G 2 A\nquorum G\n"),
            2,
            "larger than",
        ),
        (
            format!("witness A {w}\ngroup G 0 A\nquorum G\n"),
            2,
            "threshold",
        ),
        (
            format!("witness A {w}\ngroup G 01 A\nquorum G\n"),
            2,
            "threshold",
        ),
        (
            format!("witness A {w}\ngroup G any A A\nquorum G\n"),
            2,
            "twice",
        ),
        (
            format!("witness A {w}\ngroup G any B\nquorum G\n"),
            2,
            "not defined",
        ),
        (
            format!("witness A {w}\ngroup G any\nquorum G\n"),
            2,
            "at least one",
        ),
        (format!("witness none {w}\nquorum none\n"), 1, "reserved"),
        (
            format!("witness A {w}\nwitness A {w}\nquorum A\n"),
            2,
            "already defined",
        ),
        (
            format!("witness A {w}\nwitness B {w}\nquorum A\n"),
            2,
            "duplicate witness key",
        ),
        (
            format!("log {l}\nlog {l}\nquorum none\n"),
            2,
            "duplicate log key",
        ),
        (format!("witness A {l}\nquorum A\n"), 1, "type 0x01"),
        (format!("log {w}\nquorum none\n"), 1, "log key"),
        ("quorum none\nfrobnicate\n".into(), 2, "unknown keyword"),
        ("quorum none\r\n".into(), 1, "control character"),
    ];
    for (text, line, what) in cases {
        match Policy::parse(text.as_bytes()) {
            Err(PolicyError::Syntax { line: l, reason }) => {
                assert_eq!(l, line, "{text:?}: {reason}");
                assert!(reason.contains(what), "{text:?}: {reason}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    assert!(Policy::parse(b"quorum none\n").is_ok());
}

// ------------------------------------------------------------ the witness

#[test]
fn witness_cosigns_a_new_log_and_persists_its_state_before_answering() {
    let d = TempDir::new("cosigns");
    let mut log = log_with(&d.join("log"), 5, "a");
    let w = open_witness(&d.join("w"), &log);
    let lines = w
        .add_checkpoint(&request(0, vec![], log.checkpoint_note()), NOW)
        .unwrap();
    let sig = SignedNote::parse(format!("{}\n{lines}", log.checkpoint().to_text()).as_bytes())
        .unwrap()
        .signatures()[0]
        .clone();
    let c = w
        .verifier()
        .verify(&log.checkpoint().to_text(), &sig)
        .unwrap()
        .unwrap();
    assert_eq!(c.timestamp, NOW);
    // Persisted: a witness reopened from the directory knows size 5.
    let state = std::fs::read_to_string(d.join("w").join(witness::origin_hash(ORIGIN))).unwrap();
    assert!(state.starts_with(&log.checkpoint().to_text()));
    assert!(state.contains(&lines));
    drop(w);
    let w = open_witness(&d.join("w"), &log);
    grow(&mut log, 3, "a");
    let refusal = w
        .add_checkpoint(&request(0, vec![], log.checkpoint_note()), NOW)
        .unwrap_err();
    assert_eq!(refusal, WitnessRefusal::Conflict { size: 5 });
    assert_eq!(refusal.status(), 409);
    assert_eq!(refusal.body(), ("text/x.tlog.size", "5\n".to_owned()));
    let proof = log.consistency_proof(5, 8).unwrap().path;
    assert!(w
        .add_checkpoint(&request(5, proof, log.checkpoint_note()), NOW + 1)
        .is_ok());
    // The same checkpoint again: old size 8, same root, empty proof.
    assert!(w
        .add_checkpoint(&request(8, vec![], log.checkpoint_note()), NOW + 2)
        .is_ok());
}

#[test]
fn witness_answers_each_refusal_with_the_spec_status() {
    let d = TempDir::new("statuses");
    let log = log_with(&d.join("log"), 6, "a");
    let w = open_witness(&d.join("w"), &log);
    let note = log.checkpoint_note();
    let status = |body: &[u8]| w.add_checkpoint(body, NOW).map_err(|e| e.status());

    // 400: malformed bodies, and an old size above the checkpoint's.
    for body in [
        b"".to_vec(),
        b"old 01\n\n".to_vec(),
        format!("old 0\n{note}").into_bytes(),
        format!("old 0\nnot base64!\n\n{note}").into_bytes(),
        format!("old 0\n\n{}", log.checkpoint().to_text()).into_bytes(),
        format!("new 0\n\n{note}").into_bytes(),
    ] {
        assert_eq!(
            status(&body),
            Err(400),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
    assert_eq!(status(&request(7, vec![], note)), Err(400));
    let too_many = vec![[0u8; 32]; 64];
    assert_eq!(status(&request(0, too_many, note)), Err(400));

    // 404: an origin the witness does not follow.
    let other_key = witness_key(9);
    let stranger = Checkpoint {
        origin: "other.example/log".into(),
        ..log.checkpoint().clone()
    }
    .sign(&other_key)
    .unwrap();
    assert_eq!(status(&request(0, vec![], &stranger)), Err(404));

    // 403: the right origin signed by another key; and a bad signature by the right key.
    let forged = log
        .checkpoint()
        .sign(&KeyPair::ed25519_from_seed(&[1; 32]).unwrap());
    // Signed with another key under the origin's name: not a trusted key.
    let forged = forged.unwrap_or_default();
    assert_eq!(status(&request(0, vec![], &forged)), Err(403));
    let mut parsed = SignedNote::parse(note.as_bytes()).unwrap();
    let mut sigs = parsed.signatures().to_vec();
    sigs[0].signature[0] ^= 1;
    parsed = SignedNote::new(parsed.text(), sigs).unwrap();
    assert_eq!(status(&request(0, vec![], &parsed.to_text())), Err(403));

    // 422: a proof from size 0; an empty tree with another root.
    assert_eq!(status(&request(0, vec![[0; 32]], note)), Err(422));
    let bad_empty = Checkpoint {
        size: 0,
        ..log.checkpoint().clone()
    }
    .sign(&log_key())
    .unwrap();
    assert_eq!(status(&request(0, vec![], &bad_empty)), Err(422));

    // Nothing above changed the state: size 0 is still expected.
    assert!(w.add_checkpoint(&request(0, vec![], note), NOW).is_ok());
    // 422: same size, another root.
    let other_root = Checkpoint {
        root: [9; 32],
        ..log.checkpoint().clone()
    }
    .sign(&log_key())
    .unwrap();
    assert_eq!(status(&request(6, vec![], &other_root)), Err(422));
}

/// Two logs with the same origin and key that diverge (a split view): the
/// witness cosigns the first and refuses the second (409, then 422), so
/// the second view can never carry the witness's cosignature.
#[test]
fn split_view_two_diverging_logs_one_witness_refuses_the_second() {
    let d = TempDir::new("split");
    let mut shown_to_person = log_with(&d.join("a"), 4, "a");
    let mut shown_to_auditor = log_with(&d.join("b"), 4, "a");
    grow(&mut shown_to_person, 2, "person");
    grow(&mut shown_to_auditor, 2, "auditor");
    assert_ne!(
        shown_to_person.checkpoint().root,
        shown_to_auditor.checkpoint().root
    );
    let w = open_witness(&d.join("w"), &shown_to_person);
    let policy = Policy::parse(
        format!(
            "{}witness W {} http://witness.invalid\nquorum W\n",
            log_policy_line(&shown_to_person),
            w.verifier().to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut post =
        |_: &str, body: &[u8]| -> Result<WitnessReply, String> { Ok(w.reply(body, NOW)) };
    let mut sizes = HashMap::new();
    let first = witness_checkpoint(&mut shown_to_person, &policy, &mut sizes, &mut post).unwrap();
    assert!(first.witnessed.is_some(), "{:?}", first.outcomes);
    // The person's view now carries the quorum.
    assert!(policy
        .verify_checkpoint(shown_to_person.checkpoint_note().as_bytes())
        .is_ok());

    // The auditor's view: the log starts from size 0 (409 -> resync to 6),
    // then sends old 6 with no proof but another root: 422.
    let mut sizes = HashMap::new();
    let second = witness_checkpoint(&mut shown_to_auditor, &policy, &mut sizes, &mut post).unwrap();
    assert!(second.witnessed.is_none());
    match &second.outcomes[..] {
        [WitnessOutcome::Failed { reason, .. }] => {
            assert!(reason.starts_with("HTTP 422"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        second.quorum_error,
        Some(PolicyError::QuorumNotMet { .. })
    ));
    assert!(matches!(
        policy.verify_checkpoint(shown_to_auditor.checkpoint_note().as_bytes()),
        Err(PolicyError::QuorumNotMet { .. })
    ));
    // The auditor's log grows past the witness's size: still refused (422).
    grow(&mut shown_to_auditor, 3, "auditor");
    let third = witness_checkpoint(&mut shown_to_auditor, &policy, &mut sizes, &mut post).unwrap();
    assert!(third.witnessed.is_none(), "{:?}", third.outcomes);
}

#[test]
fn publish_resyncs_on_409_and_writes_the_cosigned_checkpoint_into_the_log() {
    let d = TempDir::new("publish");
    let mut log = log_with(&d.join("log"), 3, "a");
    let w = open_witness(&d.join("w"), &log);
    // The witness already saw size 3 (from another publisher run).
    w.add_checkpoint(&request(0, vec![], log.checkpoint_note()), NOW)
        .unwrap();
    grow(&mut log, 300, "a");
    let policy = Policy::parse(
        format!(
            "{}witness W {} http://witness.invalid\nquorum W\n",
            log_policy_line(&log),
            w.verifier().to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut calls = Vec::new();
    let mut post = |url: &str, body: &[u8]| -> Result<WitnessReply, String> {
        calls.push((
            url.to_owned(),
            String::from_utf8_lossy(body)
                .lines()
                .next()
                .map(str::to_owned),
        ));
        Ok(w.reply(body, NOW + 10))
    };
    let mut sizes = HashMap::new();
    let r = witness_checkpoint(&mut log, &policy, &mut sizes, &mut post).unwrap();
    assert_eq!(
        calls,
        vec![
            (
                "http://witness.invalid".to_owned(),
                Some("old 0".to_owned())
            ),
            (
                "http://witness.invalid".to_owned(),
                Some("old 3".to_owned())
            )
        ]
    );
    let witnessed = r.witnessed.unwrap();
    assert_eq!(witnessed.cosignatures[0].0, "W");
    assert_eq!(witnessed.latest_cosignature_time(), Some(NOW + 10));
    assert_eq!(sizes.get("W"), Some(&303));
    // The log's checkpoint and its archive copy carry the cosignature, and
    // so does every inclusion proof made against it.
    let reopened = TileLog::open(log.dir()).unwrap();
    assert!(policy
        .verify_checkpoint(reopened.checkpoint_note().as_bytes())
        .is_ok());
    let proof = reopened.inclusion_proof(0, 303).unwrap();
    assert!(policy
        .verify_checkpoint(proof.checkpoint.unwrap().as_bytes())
        .is_ok());
    assert!(reopened
        .verify_checkpoint_history(reopened.verifier())
        .unwrap()
        .is_ok());
    // The log keeps growing and publishing after it.
    let mut reopened = reopened;
    grow(&mut reopened, 1, "a");
    assert_eq!(reopened.size(), 304);
}

#[test]
fn witness_checkpoint_without_quorum_leaves_the_log_unchanged() {
    let d = TempDir::new("noquorum");
    let mut log = log_with(&d.join("log"), 2, "a");
    let before = log.checkpoint_note().to_owned();
    let k2 = cosigner("w2.example", &witness_key(8));
    let w = open_witness(&d.join("w"), &log);
    let policy = Policy::parse(
        format!(
            "{}witness A {} http://a.invalid\nwitness B {} http://b.invalid\ngroup both all A B\nquorum both\n",
            log_policy_line(&log),
            w.verifier().to_vkey(),
            k2.to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut post = |url: &str, body: &[u8]| -> Result<WitnessReply, String> {
        if url.contains("b.invalid") {
            return Err("connection refused".into());
        }
        let lines = w.add_checkpoint(body, NOW).map_err(|e| e.to_string())?;
        Ok(WitnessReply {
            status: 200,
            content_type: None,
            body: lines.into_bytes(),
        })
    };
    let r = witness_checkpoint(&mut log, &policy, &mut HashMap::new(), &mut post).unwrap();
    assert!(r.witnessed.is_none());
    match r.quorum_error {
        Some(PolicyError::QuorumNotMet { quorum, cosigners }) => {
            assert_eq!(quorum, "both");
            assert_eq!(cosigners, vec!["A".to_owned()]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(log.checkpoint_note(), before);
    assert_eq!(
        std::fs::read_to_string(log.dir().join(CHECKPOINT_FILE)).unwrap(),
        before
    );
}

#[test]
fn policy_rejects_a_checkpoint_with_a_forged_cosignature() {
    let d = TempDir::new("forged");
    let log = log_with(&d.join("log"), 2, "a");
    let k = witness_key(7);
    let v = cosigner(WITNESS, &k);
    let policy = Policy::parse(
        format!(
            "{}witness W {}\nquorum W\n",
            log_policy_line(&log),
            v.to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut sig = cosign(log.checkpoint(), WITNESS, &k, NOW).unwrap();
    sig.signature[70] ^= 1;
    let note = SignedNote::parse(log.checkpoint_note().as_bytes()).unwrap();
    let mut sigs: Vec<NoteSignature> = note.signatures().to_vec();
    sigs.push(sig);
    let forged = SignedNote::new(note.text(), sigs).unwrap().to_text();
    assert!(matches!(
        policy.verify_checkpoint(forged.as_bytes()),
        Err(PolicyError::Note(NoteError::SignatureInvalid { .. }))
    ));
    // A checkpoint of a log not in the policy.
    let other = Checkpoint {
        origin: "elsewhere.example/log".into(),
        ..log.checkpoint().clone()
    }
    .sign(&witness_key(3))
    .unwrap();
    assert!(matches!(
        policy.verify_checkpoint(other.as_bytes()),
        Err(PolicyError::UnknownLog { .. })
    ));
}

/// Whatever algorithm the artifacts use, the log signs its checkpoints
/// with Ed25519 (signed-note type 0x01), the only kind witnesses accept:
/// an ES256 log key is refused.
#[test]
fn checkpoints_carry_an_ed25519_log_signature_only() {
    let d = TempDir::new("ed25519-only");
    let es256 = KeyPair::generate(crate::keys::Algorithm::ES256).unwrap();
    assert!(matches!(
        TileLog::create(&d.join("es"), ORIGIN, &es256),
        Err(LogError::Note(NoteError::NotEd25519(_)))
    ));
    let log = log_with(&d.join("ed"), 2, "a");
    let note = SignedNote::parse(log.checkpoint_note().as_bytes()).unwrap();
    let sig = &note.signatures()[0];
    assert_eq!(sig.signature.len(), 64);
    let mut pre = format!("{ORIGIN}\n").into_bytes();
    pre.push(0x01);
    pre.extend_from_slice(log_key().public_key().raw());
    assert_eq!(
        sig.key_id.to_be_bytes(),
        digest(&SHA256, &pre).as_ref()[..4]
    );
}

/// A witness that has cosigned a larger tree than the log now shows has
/// seen another view: the log side reports it and does not retry.
#[test]
fn publish_reports_a_witness_that_saw_a_larger_tree() {
    let d = TempDir::new("larger");
    let mut big = log_with(&d.join("big"), 6, "a");
    let mut small = log_with(&d.join("small"), 4, "b");
    let w = open_witness(&d.join("w"), &big);
    let policy = Policy::parse(
        format!(
            "{}witness W {} http://w.invalid\nquorum W\n",
            log_policy_line(&big),
            w.verifier().to_vkey()
        )
        .as_bytes(),
    )
    .unwrap();
    let mut calls = 0;
    let mut post = |_: &str, body: &[u8]| -> Result<WitnessReply, String> {
        calls += 1;
        Ok(match w.add_checkpoint(body, NOW) {
            Ok(l) => WitnessReply {
                status: 200,
                content_type: None,
                body: l.into_bytes(),
            },
            Err(e) => WitnessReply {
                status: e.status(),
                content_type: Some(e.body().0.into()),
                body: e.body().1.into_bytes(),
            },
        })
    };
    assert!(
        witness_checkpoint(&mut big, &policy, &mut HashMap::new(), &mut post)
            .unwrap()
            .witnessed
            .is_some()
    );
    let r = witness_checkpoint(&mut small, &policy, &mut HashMap::new(), &mut post).unwrap();
    match &r.outcomes[..] {
        [WitnessOutcome::Failed { reason, .. }] => {
            assert!(reason.contains("larger than the log's 4"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls, 2); // one for `big`, one 409 for `small`, no retry
}

/// Arbitrary bytes never panic the policy parser, the request parser or
/// the witness; every refusal has a spec status.
#[test]
fn arbitrary_input_never_panics_the_parsers_or_the_witness() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let d = TempDir::new("prop");
    let log = log_with(&d.join("log"), 1, "a");
    let w = open_witness(&d.join("w"), &log);
    let strategy = (
        proptest::collection::vec(any::<u8>(), 0..512),
        "(old (0|5|01|x)\n)?(AAAA\n)?\n?",
    );
    let mut runner = TestRunner::new(Config::with_cases(512));
    runner
        .run(&strategy, |(bytes, prefix)| {
            let _ = Policy::parse(&bytes);
            let _ = AddCheckpointRequest::parse(&bytes);
            let mut body = prefix.into_bytes();
            body.extend_from_slice(&bytes);
            if let Err(e) = w.add_checkpoint(&body, NOW) {
                prop_assert!([400, 403, 404, 409, 422].contains(&e.status()), "{e:?}");
            }
            Ok(())
        })
        .unwrap();
}
