//! Proofs that travel: COSE Receipts (RFC 9942, RFC9162_SHA256) and C2SP
//! tlog-proof files for artifacts in a consentkit log.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::cbor::{self, Value};
use consentkit::log::receipt::{
    cose_receipt, parse_tlog_proof, tlog_proof, verify_cose_receipt, verify_tlog_proof,
    ReceiptError, TLOG_PROOF_HEADER,
};
use consentkit::log::{ProofError, TileLog};
use consentkit::sample::{self, Parties};
use consentkit::{Artifact, KeyPair, Signer};

struct Fixture {
    dir: std::path::PathBuf,
    log: TileLog,
    key: KeyPair,
    arts: Vec<Artifact>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(name: &str, n: usize) -> Fixture {
    let dir = std::env::temp_dir().join(format!("ck-receipts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = KeyPair::ed25519_from_seed(&[42; 32]).unwrap();
    let p = Parties::new().unwrap();
    let mut log = TileLog::create(&dir, "log.example/consent", &key).unwrap();
    let mut arts = sample::all(&p).unwrap();
    arts.truncate(n);
    for a in &arts {
        log.append_artifact(a, &p.trust()).unwrap();
    }
    log.publish(&key).unwrap();
    Fixture {
        dir,
        log,
        key,
        arts,
    }
}

#[test]
fn cose_receipt_verifies_for_every_entry_and_only_for_it() {
    let f = fixture("all", 6);
    let size = f.log.size();
    for (i, a) in f.arts.iter().enumerate() {
        let proof = f.log.inclusion_proof(i as u64, size).unwrap();
        let r = cose_receipt(
            a.as_bytes(),
            &proof,
            &f.log.root_at(size).unwrap(),
            &f.key,
            Some(&f.key.public_key()),
        )
        .unwrap();
        let claims = verify_cose_receipt(&r, a.as_bytes(), &f.key.public_key()).unwrap();
        assert_eq!((claims.tree_size, claims.leaf_index), (size, i as u64));
        assert_eq!(claims.root, f.log.checkpoint().root);
        // Another entry: the root differs, the signature does not cover it.
        let other = f.arts[(i + 1) % f.arts.len()].as_bytes();
        assert_eq!(
            verify_cose_receipt(&r, other, &f.key.public_key()),
            Err(ReceiptError::SignatureInvalid)
        );
        // Another key.
        let stranger = KeyPair::ed25519_from_seed(&[1; 32]).unwrap();
        assert_eq!(
            verify_cose_receipt(&r, a.as_bytes(), &stranger.public_key()),
            Err(ReceiptError::SignatureInvalid)
        );
    }
}

#[test]
fn cose_receipt_has_the_rfc9942_layout() {
    let f = fixture("layout", 5);
    let proof = f.log.inclusion_proof(3, 5).unwrap();
    let r = cose_receipt(
        f.arts[3].as_bytes(),
        &proof,
        &f.log.root_at(5).unwrap(),
        &f.key,
        None,
    )
    .unwrap();
    let Value::Tag(18, inner) = cbor::decode(&r).unwrap() else {
        panic!("not tag 18")
    };
    let Value::Array(items) = *inner else {
        panic!()
    };
    let Value::Bytes(p) = &items[0] else { panic!() };
    assert_eq!(
        cbor::decode(p).unwrap(),
        Value::Map(vec![
            (Value::int(1), Value::int(-8)),
            (
                Value::int(4),
                Value::bytes(f.key.public_key().kid().as_bytes().to_vec())
            ),
            (Value::int(395), Value::int(1)),
        ])
    );
    assert_eq!(items[2], Value::Null, "detached payload");
    let Value::Map(u) = &items[1] else { panic!() };
    let Value::Map(vdp) = &u[0].1 else { panic!() };
    assert_eq!(u[0].0, Value::int(396));
    assert_eq!(vdp[0].0, Value::int(-1));
    let Value::Array(proofs) = &vdp[0].1 else {
        panic!()
    };
    let Value::Bytes(one) = &proofs[0] else {
        panic!()
    };
    let path: Vec<Value> = proof
        .path
        .iter()
        .map(|h| Value::bytes(h.to_vec()))
        .collect();
    assert_eq!(
        cbor::decode(one).unwrap(),
        Value::Array(vec![Value::int(5), Value::int(3), Value::Array(path)])
    );
}

#[test]
fn cose_receipt_for_a_one_leaf_tree_has_an_empty_path() {
    let f = fixture("one", 1);
    let proof = f.log.inclusion_proof(0, 1).unwrap();
    assert!(proof.path.is_empty());
    let r = cose_receipt(
        f.arts[0].as_bytes(),
        &proof,
        &f.log.root_at(1).unwrap(),
        &f.key,
        None,
    )
    .unwrap();
    verify_cose_receipt(&r, f.arts[0].as_bytes(), &f.key.public_key()).unwrap();
}

#[test]
fn cose_receipt_is_never_signed_for_a_wrong_proof_or_by_another_key() {
    let f = fixture("wrong", 4);
    let proof = f.log.inclusion_proof(1, 4).unwrap();
    assert!(matches!(
        cose_receipt(
            f.arts[2].as_bytes(),
            &proof,
            &f.log.root_at(4).unwrap(),
            &f.key,
            None
        ),
        Err(ReceiptError::Proof(_))
    ));
    // A right entry with another tree's root.
    assert!(matches!(
        cose_receipt(f.arts[1].as_bytes(), &proof, &[7; 32], &f.key, None),
        Err(ReceiptError::Proof(ProofError::RootMismatch))
    ));
    let other = KeyPair::ed25519_from_seed(&[3; 32]).unwrap();
    assert!(matches!(
        cose_receipt(
            f.arts[1].as_bytes(),
            &proof,
            &f.log.root_at(4).unwrap(),
            &other,
            Some(&f.key.public_key())
        ),
        Err(ReceiptError::Key(_))
    ));
}

#[test]
fn cose_receipt_decoder_refuses_what_rfc9942_does_not_allow() {
    let f = fixture("strict", 3);
    let proof = f.log.inclusion_proof(0, 3).unwrap();
    let entry = f.arts[0].as_bytes();
    let good = cose_receipt(entry, &proof, &f.log.root_at(3).unwrap(), &f.key, None).unwrap();
    let Value::Tag(18, inner) = cbor::decode(&good).unwrap() else {
        panic!()
    };
    let Value::Array(items) = *inner else {
        panic!()
    };
    let rebuild = |f: &dyn Fn(&mut Vec<Value>)| {
        let mut it = items.clone();
        f(&mut it);
        Value::Tag(18, Box::new(Value::Array(it))).to_vec()
    };
    // An attached payload.
    let attached = rebuild(&|it| it[2] = Value::bytes(vec![0; 32]));
    assert!(matches!(
        verify_cose_receipt(&attached, entry, &f.key.public_key()),
        Err(ReceiptError::Malformed { .. })
    ));
    // Another vds.
    let vds2 = rebuild(&|it| {
        it[0] = Value::bytes(
            Value::Map(vec![
                (Value::int(1), Value::int(-8)),
                (Value::int(395), Value::int(2)),
            ])
            .to_vec(),
        )
    });
    assert!(matches!(
        verify_cose_receipt(&vds2, entry, &f.key.public_key()),
        Err(ReceiptError::Malformed { .. })
    ));
    // No proofs.
    let empty = rebuild(&|it| it[1] = Value::Map(vec![]));
    assert!(matches!(
        verify_cose_receipt(&empty, entry, &f.key.public_key()),
        Err(ReceiptError::Malformed { .. })
    ));
    // Untagged.
    assert!(matches!(
        verify_cose_receipt(&good[1..], entry, &f.key.public_key()),
        Err(ReceiptError::Malformed { .. })
    ));
    // A leaf index past the tree.
    let past = rebuild(&|it| {
        it[1] = Value::Map(vec![(
            Value::int(396),
            Value::Map(vec![(
                Value::int(-1),
                Value::Array(vec![Value::bytes(
                    Value::Array(vec![Value::int(3), Value::int(3), Value::Array(vec![])]).to_vec(),
                )]),
            )]),
        )])
    });
    assert_eq!(
        verify_cose_receipt(&past, entry, &f.key.public_key()),
        Err(ReceiptError::Proof(ProofError::IndexOutOfRange {
            index: 3,
            size: 3
        }))
    );
}

#[test]
fn tlog_proof_writes_the_c2sp_format_and_verifies() {
    let f = fixture("tlog", 6);
    let proof = f.log.inclusion_proof(4, 6).unwrap();
    let text = tlog_proof(&proof, None).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(TLOG_PROOF_HEADER));
    assert_eq!(lines.next(), Some("index 4"));
    assert!(text.ends_with(f.log.checkpoint_note()));
    assert!(text.contains(&format!("\n\n{}", f.log.checkpoint_note())));
    let back = parse_tlog_proof(&text).unwrap();
    assert_eq!(back.proof, proof);
    assert_eq!(back.extra, None);
    let cp = verify_tlog_proof(&text, f.arts[4].as_bytes(), f.log.verifier()).unwrap();
    assert_eq!(cp.size, 6);
    assert!(verify_tlog_proof(&text, f.arts[3].as_bytes(), f.log.verifier()).is_err());
    // Extra data round-trips (it is not authenticated).
    let with_extra = tlog_proof(&proof, Some(b"wallet export")).unwrap();
    assert!(with_extra.starts_with(&format!("{TLOG_PROOF_HEADER}\nextra ")));
    assert_eq!(
        parse_tlog_proof(&with_extra).unwrap().extra.as_deref(),
        Some(&b"wallet export"[..])
    );
}

#[test]
fn tlog_proof_parser_is_strict() {
    let f = fixture("tlogstrict", 5);
    let text = tlog_proof(&f.log.inclusion_proof(2, 5).unwrap(), None).unwrap();
    for bad in [
        text.replacen(TLOG_PROOF_HEADER, "c2sp.org/tlog-proof@v2", 1),
        text.replacen("index 2", "index 02", 1),
        text.replacen("index 2", "index", 1),
        text.replacen("\n\n", "\n", 1),
        text.replacen("index 2\n", "index 2\nnot base64!\n", 1),
    ] {
        assert!(parse_tlog_proof(&bad).is_err(), "{bad}");
    }
    // A changed hash: parses, does not verify.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    let changed = lines.join("\n") + "\n";
    assert!(verify_tlog_proof(&changed, f.arts[2].as_bytes(), f.log.verifier()).is_err());
    // A proof without checkpoint cannot be written as a tlog-proof.
    let mut bare = f.log.inclusion_proof(2, 5).unwrap();
    bare.checkpoint = None;
    assert_eq!(tlog_proof(&bare, None), Err(ReceiptError::NoCheckpoint));
}

#[test]
fn wallet_exports_a_tlog_proof_and_checks_cose_receipts() {
    use consentkit::wallet::{Choice, Wallet, WalletKey};
    use consentkit::Role;
    let dir = std::env::temp_dir().join(format!("ck-receipts-wallet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[42; 32]).unwrap();
    let mut w = Wallet::new(WalletKey::Ed25519).unwrap();
    w.trust_key(
        p.controller.public_key(),
        Role::Controller,
        sample::CONTROLLER,
    )
    .unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    w.receive(offer.as_bytes(), sample::T0).unwrap();
    let pending = w
        .accept(&offer.digest(), &Choice::default(), sample::T0 + 10)
        .unwrap();
    let grant = pending.countersign(&offer, &p.controller).unwrap();
    w.receive(grant.as_bytes(), sample::T0 + 20).unwrap();
    let trust = p.trust();
    let mut log = TileLog::create(&dir, "log.example/consent", &log_key).unwrap();
    log.append_artifact(&offer, &trust).unwrap();
    log.append_artifact(&grant, &p.trust()).unwrap();
    log.publish(&log_key).unwrap();
    // No log trusted, no proof yet.
    assert!(w.export_tlog_proof(grant.id()).is_err());
    w.trust_key(log_key.public_key(), Role::Log, "log.example/consent")
        .unwrap();
    w.add_checkpoint(log.checkpoint_note()).unwrap();
    let mut proof = log.inclusion_proof(1, 2).unwrap();
    proof.checkpoint = None; // the wallet finds the checkpoint it holds
    w.add_inclusion_proof(grant.id(), &proof).unwrap();
    let text = w.export_tlog_proof(grant.id()).unwrap();
    verify_tlog_proof(&text, grant.as_bytes(), log.verifier()).unwrap();
    // The wallet checks it too (Wallet::verify_tlog_proof), and refuses a
    // bent one and one for another artifact.
    let c = w.verify_tlog_proof(grant.id(), &text).unwrap();
    assert_eq!((c.leaf_index, c.tree_size), (1, 2));
    assert_eq!(c.root, log.root_at(2).unwrap());
    let bent = text.replacen("index 1", "index 0", 1);
    assert!(w.verify_tlog_proof(grant.id(), &bent).is_err());
    assert!(w.verify_tlog_proof(offer.id(), &text).is_err());
    // A COSE receipt from the log checks in the wallet; one for the offer does not fit the grant.
    let r = cose_receipt(
        grant.as_bytes(),
        &proof,
        &log.root_at(2).unwrap(),
        &log_key,
        None,
    )
    .unwrap();
    assert_eq!(w.verify_cose_receipt(grant.id(), &r).unwrap().leaf_index, 1);
    let p0 = log.inclusion_proof(0, 2).unwrap();
    let r0 = cose_receipt(
        offer.as_bytes(),
        &p0,
        &log.root_at(2).unwrap(),
        &log_key,
        None,
    )
    .unwrap();
    assert!(w.verify_cose_receipt(grant.id(), &r0).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
