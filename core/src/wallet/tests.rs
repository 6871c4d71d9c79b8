use super::*;
use crate::audit::FindingKind;
use crate::keys::Algorithm;
use crate::sample::{self, Parties, CONTROLLER, PARTNER, T0};

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("consentkit-wallet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("wallet.ckw")
}

/// A wallet for the sample driver, trusting the sample controller and partner,
/// holding the sample offer.
fn setup(w: &mut Wallet, p: &Parties) -> Artifact {
    w.trust_key(p.controller.public_key(), Role::Controller, CONTROLLER)
        .unwrap();
    w.trust_key(p.partner.public_key(), Role::Partner, PARTNER)
        .unwrap();
    let offer = sample::signed_offer(p).unwrap();
    w.receive(offer.as_bytes(), T0).unwrap();
    offer
}

fn person_key(p: &Parties) -> WalletKey {
    WalletKey::InProcess(Arc::new(
        KeyPair::from_cose_key(&p.person.to_cose_key()).unwrap(),
    ))
}

/// The whole flow: accept, countersign, receipts, value, withdraw, a late receipt flagged.
#[test]
fn a_driver_accepts_shares_withdraws_and_catches_a_late_receipt() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let pending = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    assert!(!w.grants(T0 + 200)[0].countersigned);
    // The controller countersigns and sends it back.
    let grant = pending.countersign(&p.controller).unwrap();
    let (_, v) = w.receive(grant.as_bytes(), T0 + 200).unwrap();
    assert!(v.is_empty());
    assert!(w.grants(T0 + 200)[0].countersigned);
    // Receipts and value.
    for i in 0..3u64 {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = T0 + 1_000 + i;
        let (_, v) = w
            .receive(r.sign(&p.controller).unwrap().as_bytes(), T0 + 2_000)
            .unwrap();
        assert!(v.is_empty(), "{v:?}");
    }
    w.receive(
        sample::signed_value_record(&p, &grant).unwrap().as_bytes(),
        T0 + 40 * 86_400,
    )
    .unwrap();
    // Withdraw: one call.
    let wd = w.withdraw(grant.id(), T0 + 5_000).unwrap();
    assert_eq!(wd.kind(), ArtifactKind::Withdrawal);
    assert_eq!(
        w.grant_state(grant.id(), T0 + 5_000),
        Some(ConsentState::Withdrawn)
    );
    // A receipt after the withdrawal is flagged on the device.
    let mut late = sample::receipt(&grant).unwrap();
    late.used_at = T0 + 6_000;
    let late = late.sign(&p.controller).unwrap();
    let (_, v) = w.receive(late.as_bytes(), T0 + 7_000).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].kind, FindingKind::AfterWithdrawal);
    let s = w.summary(T0 + 40 * 86_400);
    assert_eq!(s.shared.len(), 1);
    assert_eq!(s.shared[0].uses, 4);
    assert_eq!(s.shared[0].recipient, CONTROLLER);
    assert_eq!(s.received[CONTROLLER]["month"], 1);
    assert_eq!(s.violations.len(), 1);
}

#[test]
fn granular_acceptance_and_refusal() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let choice = Choice {
        purposes: Some(vec![Term::new("dpv:ServiceProvision").unwrap()]),
        recipients: Some(vec![]),
        ..Choice::default()
    };
    let g = w.accept(&offer.digest(), &choice, T0 + 10).unwrap();
    let grant = Grant::from_artifact(&g).unwrap();
    assert_eq!(grant.purposes.len(), 1);
    assert!(grant.recipients.is_empty());
    assert_eq!(grant.subject, w.pseudonym(CONTROLLER));
    let bad = Choice {
        purposes: Some(vec![Term::new("dpv:Marketing").unwrap()]),
        ..Choice::default()
    };
    assert!(matches!(
        w.accept(&offer.digest(), &bad, T0),
        Err(WalletError::Invalid(_))
    ));
    let r = w.refuse(&offer.digest(), T0 + 20).unwrap();
    assert_eq!(r.kind(), ArtifactKind::Refusal);
    assert!(matches!(
        w.withdraw(ArtifactId([0; 16]), T0),
        Err(WalletError::NotFound(_))
    ));
}

#[test]
fn untrusted_or_foreign_artifacts_are_refused() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    // Not trusted yet.
    assert!(matches!(
        w.receive(offer.as_bytes(), T0),
        Err(WalletError::Artifact(Error::Verify(_)))
    ));
    setup(&mut w, &p);
    // Someone else's grant.
    let other = KeyPair::generate(Algorithm::EdDSA).unwrap();
    let foreign = sample::grant_body(&p, &offer)
        .sign_both(&other, &p.controller)
        .unwrap();
    assert!(matches!(
        w.receive(foreign.as_bytes(), T0),
        Err(WalletError::Invalid(_))
    ));
    assert!(matches!(
        w.receive(b"garbage", T0),
        Err(WalletError::Artifact(_))
    ));
}

/// Durability: truncate the file at every byte offset inside the last
/// record and reopen; every complete record is there, the partial one dropped.
#[test]
fn truncation_at_every_offset_of_the_last_record_loses_only_that_record() {
    let p = Parties::new().unwrap();
    let path = tmp("truncate");
    let mut w = Wallet::create(&path, person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let g = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let before_last = std::fs::read(&path).unwrap();
    let n_before = w.artifacts().len();
    w.withdraw(g.id(), T0 + 200).unwrap();
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > before_last.len());
    drop(w);
    // Reopening the full file gives everything.
    let w = Wallet::open(&path, None).unwrap();
    assert_eq!(w.artifacts().len(), n_before + 1);
    drop(w);
    for cut in before_last.len()..full.len() {
        std::fs::write(&path, &full[..cut]).unwrap();
        let w = Wallet::open(&path, None).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert_eq!(w.artifacts().len(), n_before, "cut at {cut}");
        assert_eq!(w.to_bytes(), before_last, "cut at {cut}: nothing else lost");
        drop(w);
        // The torn tail was truncated away: the file is exactly the complete records.
        assert_eq!(std::fs::read(&path).unwrap(), before_last, "cut at {cut}");
    }
    // After a torn write, appending works again.
    let mut w = Wallet::open(&path, None).unwrap();
    w.withdraw(g.id(), T0 + 300).unwrap();
    drop(w);
    assert_eq!(
        Wallet::open(&path, None).unwrap().artifacts().len(),
        n_before + 1
    );
}

#[test]
fn corruption_in_the_middle_is_an_error_not_silent_loss() {
    let p = Parties::new().unwrap();
    let path = tmp("corrupt");
    let mut w = Wallet::create(&path, person_key(&p)).unwrap();
    setup(&mut w, &p);
    drop(w);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[store::MAGIC.len() + 10] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        Wallet::open(&path, None),
        Err(WalletError::Corrupt(_))
    ));
    assert!(matches!(
        Wallet::from_bytes(b"nope", None),
        Err(WalletError::Corrupt(_))
    ));
}

#[test]
fn encrypted_backup_round_trips_byte_for_byte() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let g = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    w.withdraw(g.id(), T0 + 200).unwrap();
    w.add_checkpoint("log.example\n3\nAAAA\n\n— log.example abcd\n")
        .unwrap();
    let key = [42u8; 32];
    let backup = w.export_backup(&key).unwrap();
    let restored = Wallet::import_backup(&backup, &key, None).unwrap();
    assert_eq!(restored.to_bytes(), w.to_bytes());
    assert_eq!(
        restored
            .export_backup(&key)
            .map(|b| Wallet::import_backup(&b, &key, None).unwrap().to_bytes())
            .unwrap(),
        w.to_bytes()
    );
    // Wrong key, tampering, wrong format.
    assert!(matches!(
        Wallet::import_backup(&backup, &[1; 32], None),
        Err(WalletError::BackupAuthentication)
    ));
    let mut t = backup.clone();
    let n = t.len();
    t[n - 20] ^= 1;
    assert!(matches!(
        Wallet::import_backup(&t, &key, None),
        Err(WalletError::BackupAuthentication)
    ));
    assert!(matches!(
        Wallet::import_backup(b"CKWB1\nshort", &key, None),
        Err(WalletError::BackupFormat(_))
    ));
    // Saving a restored wallet to a file and reopening it gives the same bytes.
    let path = tmp("restore");
    let mut r = Wallet::import_backup(&backup, &key, None).unwrap();
    r.save_as(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), w.to_bytes());
}

/// A key that never leaves "the secure element": the wallet stores only its public key.
#[test]
fn external_signer_wallet() {
    struct Enclave(KeyPair);
    impl Signer for Enclave {
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, crate::keys::KeyError> {
            self.0.sign(msg)
        }
    }
    let p = Parties::new().unwrap();
    let enclave: Arc<dyn Signer> = Arc::new(Enclave(KeyPair::generate(Algorithm::ES256).unwrap()));
    let path = tmp("external");
    let mut w = Wallet::create(&path, WalletKey::External(enclave.clone())).unwrap();
    let offer = setup(&mut w, &p);
    let g = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let grant = g.countersign(&p.controller).unwrap();
    assert_eq!(grant.verify(&p.trust()).unwrap().len(), 2);
    drop(w);
    // The file holds no private key: opening needs the signer.
    assert!(matches!(
        Wallet::open(&path, None),
        Err(WalletError::SignerNeeded(_))
    ));
    let other: Arc<dyn Signer> = Arc::new(Enclave(KeyPair::generate(Algorithm::ES256).unwrap()));
    assert!(matches!(
        Wallet::open(&path, Some(other)),
        Err(WalletError::SignerNeeded(_))
    ));
    let w = Wallet::open(&path, Some(enclave)).unwrap();
    assert_eq!(w.artifacts().len(), 2);
}

/// The wallet checks inclusion proofs of its own artifacts and that the
/// checkpoints it has seen are consistent: a log rewritten to drop its
/// withdrawal is caught on the device.
#[test]
fn wallet_checks_log_proofs_and_catches_a_rewritten_log() {
    use crate::log::TileLog;
    let p = Parties::new().unwrap();
    let log_key = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
    let origin = "log.example/consent";
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    w.trust_key(log_key.public_key(), Role::Log, origin)
        .unwrap();
    let grant = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap()
        .countersign(&p.controller)
        .unwrap();
    w.receive(grant.as_bytes(), T0 + 200).unwrap();
    let dir = tmp("log").with_file_name("log");
    let mut log = TileLog::create(&dir, origin, &log_key).unwrap();
    log.append_artifact(&offer, &p.trust()).unwrap();
    let gi = log.append_artifact(&grant, &p.trust()).unwrap();
    log.publish(&log_key).unwrap();
    w.add_checkpoint(log.checkpoint_note()).unwrap();
    w.add_inclusion_proof(grant.id(), &log.inclusion_proof(gi, log.size()).unwrap())
        .unwrap();
    let wd = w.withdraw(grant.id(), T0 + 300).unwrap();
    let wi = log.append_artifact(&wd, &p.trust()).unwrap();
    let old = log.size();
    log.publish(&log_key).unwrap();
    w.add_checkpoint(log.checkpoint_note()).unwrap();
    w.add_consistency_proof(&log.consistency_proof(old, log.size()).unwrap())
        .unwrap();
    w.add_inclusion_proof(wd.id(), &log.inclusion_proof(wi, log.size()).unwrap())
        .unwrap();
    let checks = w.check_logs();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].checkpoints, vec![2, 3]);
    assert_eq!(checks[0].proven.len(), 2, "{:?}", checks[0]);
    assert!(checks[0].problems.is_empty(), "{:?}", checks[0].problems);
    // The controller rebuilds the log without the withdrawal and shows the wallet its new checkpoint.
    let dir2 = dir.with_file_name("log-rewritten");
    let _ = std::fs::remove_dir_all(&dir2);
    let mut forged = TileLog::create(&dir2, origin, &log_key).unwrap();
    forged.append_artifact(&offer, &p.trust()).unwrap();
    forged.append_artifact(&grant, &p.trust()).unwrap();
    let mut late = sample::receipt(&grant).unwrap();
    late.used_at = T0 + 400;
    forged
        .append_artifact(&late.sign(&p.controller).unwrap(), &p.trust())
        .unwrap();
    forged
        .append_artifact(&sample::signed_offer(&p).unwrap(), &p.trust())
        .ok();
    let mut r2 = sample::receipt(&grant).unwrap();
    r2.used_at = T0 + 500;
    forged
        .append_artifact(&r2.sign(&p.controller).unwrap(), &p.trust())
        .unwrap();
    forged.publish(&log_key).unwrap();
    w.add_checkpoint(forged.checkpoint_note()).unwrap();
    w.add_consistency_proof(&forged.consistency_proof(3, forged.size()).unwrap())
        .unwrap();
    let checks = w.check_logs();
    assert!(
        checks[0].problems.iter().any(|p| p.contains("rewritten")),
        "{:?}",
        checks[0].problems
    );
    // The state survives a round trip through bytes.
    let back = Wallet::from_bytes(&w.to_bytes(), None).unwrap();
    assert_eq!(back.check_logs(), checks);
}
