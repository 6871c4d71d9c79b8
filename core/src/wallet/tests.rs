use super::*;
use crate::audit::FindingKind;
use crate::keys::Algorithm;
use crate::sample::{self, Parties, CONTROLLER, PARTNER, T0};
use std::collections::{BTreeMap, BTreeSet};

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

fn person_key(_p: &Parties) -> WalletKey {
    WalletKey::Ed25519
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
    let grant = pending.countersign(&offer, &p.controller).unwrap();
    let (_, v) = w.receive(grant.as_bytes(), T0 + 200).unwrap();
    assert!(v.is_empty());
    assert!(w.grants(T0 + 200)[0].countersigned);
    // Receipts and value.
    for i in 0..3u64 {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = T0 + 1_000 + i;
        let (_, v) = w
            .receive(
                r.sign(&grant, &p.controller).unwrap().as_bytes(),
                T0 + 2_000,
            )
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
    let late = late.sign(&grant, &p.controller).unwrap();
    let (_, v) = w.receive(late.as_bytes(), T0 + 7_000).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].kind, FindingKind::AfterWithdrawal);
    let s = w.summary(T0 + 40 * 86_400);
    assert_eq!(s.shared.len(), 1);
    assert_eq!(s.shared[0].uses, 4);
    assert_eq!(s.shared[0].recipient, CONTROLLER);
    assert_eq!(s.received_from(CONTROLLER, "month"), 1);
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
fn the_wallets_trusted_keys_are_its_trust_sets_sorted_by_kid() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    assert!(w.trusted_keys().is_empty());
    setup(&mut w, &p);
    let keys = w.trusted_keys();
    let mut kids: Vec<String> = [&p.controller, &p.partner]
        .iter()
        .map(|k| k.kid().to_string())
        .collect();
    kids.sort();
    assert_eq!(
        keys.iter().map(|k| k.kid.to_string()).collect::<Vec<_>>(),
        kids
    );
    let c = keys
        .iter()
        .find(|k| k.kid.to_string() == p.controller.kid().to_string())
        .unwrap();
    assert_eq!((c.role, c.party.as_str()), (Role::Controller, CONTROLLER));
    assert_eq!(keys, crate::audit::trusted_keys(w.trust()));
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
    let other = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let foreign = sample::grant_body(&p, &offer)
        .sign_both(&offer, &other, &p.controller)
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
/// record and reopen; every complete record is there, the partial one left
/// out; reading never writes the file, appending waits for a repair.
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
    assert!(w.problems().is_empty());
    drop(w);
    for cut in before_last.len() + 1..full.len() {
        std::fs::write(&path, &full[..cut]).unwrap();
        let mut w = Wallet::open(&path, None).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert_eq!(w.artifacts().len(), n_before, "cut at {cut}");
        assert_eq!(w.to_bytes(), before_last, "cut at {cut}: nothing else lost");
        assert_eq!(w.problems().len(), 1, "cut at {cut}");
        assert_eq!(w.problems()[0].offset, Some(before_last.len() as u64));
        // Appending after the torn bytes is refused until the file is repaired.
        assert!(matches!(
            w.add_checkpoint("x"),
            Err(WalletError::NeedsRepair(_))
        ));
        drop(w);
        // Reading never writes: the torn tail is still in the file.
        assert_eq!(std::fs::read(&path).unwrap(), &full[..cut], "cut at {cut}");
    }
    // An explicit repair drops the torn tail and says so; then appending works again.
    let report = Wallet::repair(&path).unwrap();
    assert_eq!(report.bytes_before, full.len() as u64 - 1);
    assert_eq!(report.bytes_after, before_last.len() as u64);
    assert_eq!(report.dropped.len(), 1);
    assert!(report.dropped[0].message.contains("torn"));
    assert_eq!(std::fs::read(&path).unwrap(), before_last);
    let mut w = Wallet::open(&path, None).unwrap();
    assert!(w.problems().is_empty());
    w.withdraw(g.id(), T0 + 300).unwrap();
    drop(w);
    assert_eq!(
        Wallet::open(&path, None).unwrap().artifacts().len(),
        n_before + 1
    );
}

/// `consentkit wallet summary` once truncated a damaged wallet it was only
/// asked to read (26,594 to 25,910 bytes): opening must leave every byte.
#[test]
fn opening_a_damaged_wallet_never_writes_it() {
    let p = Parties::new().unwrap();
    let path = tmp("readonly");
    let mut w = Wallet::create(&path, person_key(&p)).unwrap();
    setup(&mut w, &p);
    drop(w);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0, 0, 1, 0, 9, 9, 9, 9, 1, 2, 3]); // a torn frame
    std::fs::write(&path, &bytes).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    for _ in 0..2 {
        let w = Wallet::open(&path, None).unwrap();
        let _ = w.summary(T0);
        drop(w);
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

/// The header holds the wallet secret: without it nothing can be read, so a damaged header is an error.
#[test]
fn a_damaged_header_is_an_error_not_silent_loss() {
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

/// A record that frames fine but whose content is invalid (an artifact that
/// fails the profile, an unknown record), or a frame whose checksum fails, is
/// skipped and reported; every record after it is read. The same in a file,
/// in bytes and in a backup; repair drops exactly those records.
#[test]
fn a_damaged_record_is_skipped_reported_and_the_rest_read() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    w.trust_key(p.controller.public_key(), Role::Controller, CONTROLLER)
        .unwrap();
    w.trust_key(p.partner.public_key(), Role::Partner, PARTNER)
        .unwrap();
    let good = w.to_bytes();
    // An artifact record whose artifact is not an artifact (well-formed CBOR, fails the profile).
    let bad_artifact = Value::Array(vec![
        Value::Unsigned(REC_ARTIFACT),
        Value::bytes(Value::Array(vec![Value::Unsigned(1)]).to_vec()),
    ])
    .to_vec();
    let unknown = Value::Array(vec![Value::Unsigned(99)]).to_vec();
    let offer = sample::signed_offer(&p).unwrap();
    let mut image = good.clone();
    image.extend(store::frame(&bad_artifact));
    image.extend(store::frame(&unknown));
    let mut broken = store::frame(&artifact_record(&offer));
    broken[12] ^= 1; // the checksum fails
    let broken_at = image.len();
    image.extend(&broken);
    image.extend(store::frame(&artifact_record(&offer)));
    image.extend(store::frame(
        &Value::Array(vec![Value::Unsigned(REC_CHECKPOINT), Value::text("cp")]).to_vec(),
    ));
    let check = |w: &Wallet| {
        assert_eq!(w.artifacts().len(), 1, "the offer after the damage is read");
        assert_eq!(w.checkpoints(), ["cp"]);
        let probs = w.problems();
        assert_eq!(probs.len(), 3, "{probs:?}");
        assert_eq!(probs[0].record, Some(3));
        assert!(probs[0].message.contains("stored artifact"), "{probs:?}");
        assert_eq!(probs[1].record, Some(4));
        assert!(probs[1].message.contains("unknown record"));
        assert_eq!(probs[2].offset, Some(broken_at as u64));
        assert!(probs[2].message.contains("checksum"));
    };
    let w = Wallet::from_bytes(&image, None).unwrap();
    check(&w);
    // The damaged records stay as they were in the bytes.
    assert_eq!(w.to_bytes(), image);
    // A backup holds what the wallet read, without the damaged records (it
    // kept them until issue 12's restore, which verifies every record).
    let key = [5u8; 32];
    let restored = Wallet::import_backup(&w.export_backup(&key).unwrap(), &key, None).unwrap();
    assert!(restored.problems().is_empty());
    assert_eq!(restored.artifacts().len(), 1);
    assert_eq!(restored.checkpoints(), ["cp"]);
    // A file: read, reported, appendable (framing is intact), repaired on request.
    let path = tmp("damaged-record");
    std::fs::write(&path, &image).unwrap();
    let mut w = Wallet::open(&path, None).unwrap();
    check(&w);
    w.add_checkpoint("cp2").unwrap();
    drop(w);
    let report = Wallet::repair(&path).unwrap();
    assert_eq!(report.dropped.len(), 3);
    let w = Wallet::open(&path, None).unwrap();
    assert!(w.problems().is_empty());
    assert_eq!(w.artifacts().len(), 1);
    assert_eq!(w.checkpoints(), ["cp", "cp2"]);
    // A second repair has nothing to drop and leaves the file alone.
    let again = Wallet::repair(&path).unwrap();
    assert!(again.dropped.is_empty());
    assert_eq!(again.bytes_before, again.bytes_after);
}

#[cfg(unix)]
#[test]
fn wallet_files_are_created_0600() {
    use std::os::unix::fs::PermissionsExt;
    let p = Parties::new().unwrap();
    let path = tmp("mode");
    let mut w = Wallet::create(&path, person_key(&p)).unwrap();
    setup(&mut w, &p);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    let copy = path.with_file_name("copy.ckw");
    w.save_as(&copy).unwrap();
    assert_eq!(mode(&copy), 0o600);
    // Repair writes a new file: 0600 too.
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes.push(7);
    std::fs::write(&copy, &bytes).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
    Wallet::repair(&copy).unwrap();
    assert_eq!(mode(&copy), 0o600);
    // save_as never overwrites.
    assert!(matches!(w.save_as(&copy), Err(WalletError::Io(_))));
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

/// A platform that holds one key per controller (an alias per controller),
/// and the single key of a version-1 wallet.
struct Platform {
    alg: Algorithm,
    keys: std::sync::Mutex<BTreeMap<String, Arc<KeyPair>>>,
    asked: std::sync::Mutex<Vec<String>>,
    legacy: Option<Arc<KeyPair>>,
}

impl Platform {
    fn new(alg: Algorithm, legacy: Option<KeyPair>) -> Arc<Platform> {
        Arc::new(Platform {
            alg,
            keys: Default::default(),
            asked: Default::default(),
            legacy: legacy.map(Arc::new),
        })
    }
}

impl SignerProvider for Platform {
    fn signer_for(&self, controller: &str) -> Result<Arc<dyn Signer>, crate::keys::KeyError> {
        self.asked.lock().unwrap().push(controller.to_owned());
        let mut keys = self.keys.lock().unwrap();
        if !keys.contains_key(controller) {
            keys.insert(
                controller.to_owned(),
                Arc::new(KeyPair::generate(self.alg)?),
            );
        }
        Ok(keys[controller].clone())
    }
    fn legacy_signer(&self) -> Option<Arc<dyn Signer>> {
        self.legacy.clone().map(|k| k as Arc<dyn Signer>)
    }
}

const OTHER: &str = "music.example";

/// A second controller, trusted by `w`, with its own signed offer.
fn second_controller(w: &mut Wallet) -> (KeyPair, Artifact) {
    let k = KeyPair::generate(Algorithm::Ed25519).unwrap();
    w.trust_key(k.public_key(), Role::Controller, OTHER)
        .unwrap();
    let mut o = sample::offer().unwrap();
    o.controller = OTHER.into();
    o.name = "music-2026".into();
    let a = o.sign(&k).unwrap();
    w.receive(a.as_bytes(), T0).unwrap();
    (k, a)
}

fn subject_key(a: &Artifact) -> Option<PublicKey> {
    match a.body() {
        Body::Grant(g) => g.subject_key.clone(),
        Body::Refusal(r) => r.subject_key.clone(),
        Body::Withdrawal(w) => w.subject_key.clone(),
        _ => None,
    }
}

/// In-process wallets (Ed25519 derived, ES256 stored) sign for each
/// controller with its own key, and keep it across a reopen.
#[test]
fn each_controller_gets_its_own_person_key() {
    for key in [WalletKey::Ed25519, WalletKey::Es256] {
        let p = Parties::new().unwrap();
        let path = tmp(&format!("per-controller-{}", key.source()));
        let mut w = Wallet::create(&path, key).unwrap();
        assert_eq!(w.version(), 2);
        let offer_a = setup(&mut w, &p);
        let (_, offer_b) = second_controller(&mut w);
        let ga = w
            .accept(&offer_a.digest(), &Choice::default(), T0 + 100)
            .unwrap();
        let gb = w
            .accept(&offer_b.digest(), &Choice::default(), T0 + 100)
            .unwrap();
        let (ka, kb) = (subject_key(&ga).unwrap(), subject_key(&gb).unwrap());
        assert_ne!(ka, kb);
        assert_eq!(w.public_key_for(CONTROLLER), Some(ka.clone()));
        assert_eq!(w.public_key_for(OTHER), Some(kb.clone()));
        // A refusal and a withdrawal at a controller use that controller's key.
        let r = w.refuse(&offer_b.digest(), T0 + 150).unwrap();
        assert_eq!(subject_key(&r), Some(kb.clone()));
        let wd = w.withdraw(ga.id(), T0 + 200).unwrap();
        assert_eq!(subject_key(&wd), Some(ka.clone()));
        drop(w);
        let w = Wallet::open(&path, None).unwrap();
        assert!(w.problems().is_empty());
        assert_eq!(w.public_key_for(CONTROLLER), Some(ka));
        assert_eq!(w.public_key_for(OTHER), Some(kb));
        // The pseudonyms are as before: HMAC of the wallet secret and the controller.
        assert_eq!(
            Grant::from_artifact(&gb).unwrap().subject,
            crate::privacy::pseudonym(&w.secret, OTHER)
        );
    }
}

/// The maximal common substrings (of at least `min` bytes) of `a` and `b`.
fn common_substrings(a: &[u8], b: &[u8], min: usize) -> Vec<Vec<u8>> {
    let mut prev = vec![0usize; b.len() + 1];
    let mut out = BTreeSet::new();
    for i in 0..a.len() {
        let mut cur = vec![0usize; b.len() + 1];
        for j in 0..b.len() {
            if a[i] == b[j] {
                cur[j + 1] = prev[j] + 1;
            }
        }
        for j in 0..b.len() {
            let l = cur[j + 1];
            // Maximal: cannot be extended to the right.
            let ends = i + 1 == a.len() || j + 1 == b.len() || a[i + 1] != b[j + 1];
            if l >= min && ends {
                out.insert(a[i + 1 - l..=i].to_vec());
            }
        }
        prev = cur;
    }
    out.into_iter().collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether `s` is a string of `fixed` extended by at most 3 bytes on each
/// side. The margins absorb chance equalities (2^-8 per byte) between
/// random bytes next to a fixed label; they never hide 8 contiguous bytes
/// that are not in `fixed`.
fn fixed_up_to_margins(fixed: &[u8], s: &[u8]) -> bool {
    (0..=3.min(s.len())).any(|i| {
        (0..=3.min(s.len() - i)).any(|j| i + j < s.len() && contains(fixed, &s[i..s.len() - j]))
    })
}

/// Issue 10: two grants from one wallet to two controllers share no byte
/// string of 8 or more bytes apart from fixed labels and vocabulary codes.
///
/// Precisely: every maximal common substring (>= 8 bytes) of the person's
/// grant A (to traffic.example, at T0+100) and grant B (to music.example, at
/// T0+200, a second offer with the same terms) must also occur in grant C:
/// a grant of *another* wallet (another secret, another key) to
/// music.example at the same instant with the same choice. What A, B and a
/// stranger's C all contain is the COSE structure and protected-header
/// labels, the field labels, and the offer's terms (purpose, category and
/// recipient codes), identical for everyone who accepts those terms; the
/// person's pseudonyms, keys, key ids and signatures are not among them.
/// A common substring may extend such a fixed string by at most 3 bytes on
/// each side (random bytes that happen to be equal next to a label: with
/// 256 values per byte this happens in about one run in a hundred), so no
/// 8 contiguous bytes outside the fixed parts are ever allowed.
#[test]
fn two_grants_to_two_controllers_share_no_8_byte_string() {
    for key in [WalletKey::Ed25519, WalletKey::Es256] {
        let p = Parties::new().unwrap();
        let mut w = Wallet::new(key.clone()).unwrap();
        let offer_a = setup(&mut w, &p);
        let (k_b, offer_b) = second_controller(&mut w);
        let a = w
            .accept(&offer_a.digest(), &Choice::default(), T0 + 100)
            .unwrap();
        let b = w
            .accept(&offer_b.digest(), &Choice::default(), T0 + 200)
            .unwrap();
        let mut stranger = Wallet::new(key).unwrap();
        stranger
            .trust_key(k_b.public_key(), Role::Controller, OTHER)
            .unwrap();
        stranger.receive(offer_b.as_bytes(), T0).unwrap();
        let c = stranger
            .accept(&offer_b.digest(), &Choice::default(), T0 + 200)
            .unwrap();
        let shared = common_substrings(a.as_bytes(), b.as_bytes(), 8);
        let personal: Vec<String> = shared
            .iter()
            .filter(|s| !fixed_up_to_margins(c.as_bytes(), s))
            .map(hex::encode)
            .collect();
        assert!(
            personal.is_empty(),
            "person-specific bytes shared: {personal:?}"
        );
        // What they do share is fixed: e.g. the offer's purpose code and recipient, the COSE
        // and field labels, the expiry taken from the offers' common `valid_until`.
        assert!(shared.iter().any(|s| contains(s, b"purpose#UrbanPlanning")));
        // And explicitly: nothing of the person's key, key id or pseudonym at A appears in B.
        let ka = subject_key(&a).unwrap();
        for secretish in [
            ka.raw().to_vec(),
            ka.kid().0.to_vec(),
            w.pseudonym(CONTROLLER).to_vec(),
        ] {
            for part in secretish.windows(8) {
                assert!(!contains(b.as_bytes(), part));
            }
        }
        // Countersigned by each controller, the grants still share nothing personal.
        let ac = a.countersign(&offer_a, &p.controller).unwrap();
        let bc = b.countersign(&offer_b, &k_b).unwrap();
        let cc = c.countersign(&offer_b, &k_b).unwrap();
        for s in common_substrings(ac.as_bytes(), bc.as_bytes(), 8) {
            assert!(
                fixed_up_to_margins(cc.as_bytes(), &s),
                "{}",
                hex::encode(&s)
            );
        }
    }
}

/// A person withdraws an imported grant (no subject key) that names their
/// pseudonym: signed with their key at that controller.
#[test]
fn an_imported_grant_can_be_withdrawn_by_the_person() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(WalletKey::Ed25519).unwrap();
    let offer = setup(&mut w, &p);
    let mut g = sample::grant_body(&p, &offer);
    g.subject = w.pseudonym(CONTROLLER);
    g.imported = true;
    g.method = CollectionMethod::Imported;
    let imported = g.sign_imported(&p.controller).unwrap();
    w.receive(imported.as_bytes(), T0 + 4_000).unwrap();
    let wd = w.withdraw(imported.id(), T0 + 5_000).unwrap();
    assert_eq!(subject_key(&wd), w.public_key_for(CONTROLLER));
    assert_eq!(wd.verify(w.trust()).unwrap().len(), 1);
    assert_eq!(
        w.grant_state(imported.id(), T0 + 5_000),
        Some(ConsentState::Withdrawn)
    );
    // An imported grant for someone else's pseudonym is not taken in.
    let mut other = sample::grant_body(&p, &offer);
    other.subject = [3; 16];
    other.imported = true;
    other.method = CollectionMethod::Imported;
    let other = other.sign_imported(&p.controller).unwrap();
    assert!(matches!(
        w.receive(other.as_bytes(), T0 + 4_000),
        Err(WalletError::Invalid(_))
    ));
}

/// External signers are told which controller they sign for: one platform
/// key per controller; the wallet file keeps only public keys.
#[test]
fn an_external_provider_is_asked_for_each_controllers_key() {
    let p = Parties::new().unwrap();
    let platform = Platform::new(Algorithm::ES256, None);
    let path = tmp("external");
    let mut w = Wallet::create(&path, WalletKey::External(platform.clone())).unwrap();
    let offer_a = setup(&mut w, &p);
    let (_, offer_b) = second_controller(&mut w);
    let ga = w
        .accept(&offer_a.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let gb = w
        .accept(&offer_b.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    assert_eq!(
        subject_key(&ga),
        Some(platform.keys.lock().unwrap()[CONTROLLER].public_key())
    );
    assert_eq!(
        subject_key(&gb),
        Some(platform.keys.lock().unwrap()[OTHER].public_key())
    );
    assert!(platform.asked.lock().unwrap().contains(&OTHER.to_owned()));
    let grant = ga.countersign(&offer_a, &p.controller).unwrap();
    assert_eq!(grant.verify(&p.trust()).unwrap().len(), 2);
    drop(w);
    // The file holds no private key: without the platform it opens for reading and prepare/complete.
    let file = std::fs::read(&path).unwrap();
    for k in platform.keys.lock().unwrap().values() {
        let d = &cbor::decode(&k.to_cose_key()).unwrap();
        let Value::Map(m) = d else { unreachable!() };
        let Some((_, Value::Bytes(priv_d))) = m.iter().find(|(k, _)| k.as_i64() == Some(-4)) else {
            unreachable!()
        };
        assert!(!contains(&file, priv_d));
    }
    let mut ro = Wallet::open(&path, None).unwrap();
    assert!(matches!(
        ro.withdraw(ga.id(), T0 + 200),
        Err(WalletError::SignerNeeded(_))
    ));
    let prepared = ro.prepare_withdraw(ga.id(), T0 + 200).unwrap();
    assert_eq!(Some(prepared.public_key().clone()), subject_key(&ga));
    // A platform that returns another key for a controller is caught.
    let wrong = Platform::new(Algorithm::ES256, None);
    let mut w = Wallet::open(&path, Some(wrong)).unwrap();
    assert!(matches!(
        w.withdraw(ga.id(), T0 + 200),
        Err(WalletError::SignerNeeded(_))
    ));
    drop(w);
    let mut w = Wallet::open(&path, Some(platform.clone())).unwrap();
    assert_eq!(w.artifacts().len(), 4);
    let wd = w.withdraw(gb.id(), T0 + 200).unwrap();
    assert_eq!(subject_key(&wd), subject_key(&gb));
}

/// A provider that hands out one key for two controllers would make the
/// person linkable: refused.
#[test]
fn one_key_for_two_controllers_is_refused() {
    struct Same(Arc<KeyPair>);
    impl SignerProvider for Same {
        fn signer_for(&self, _: &str) -> Result<Arc<dyn Signer>, crate::keys::KeyError> {
            Ok(self.0.clone())
        }
    }
    let p = Parties::new().unwrap();
    let same = Arc::new(Same(Arc::new(
        KeyPair::generate(Algorithm::Ed25519).unwrap(),
    )));
    let mut w = Wallet::new(WalletKey::External(same)).unwrap();
    let offer_a = setup(&mut w, &p);
    let (_, offer_b) = second_controller(&mut w);
    w.accept(&offer_a.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    assert!(matches!(
        w.accept(&offer_b.digest(), &Choice::default(), T0 + 100),
        Err(WalletError::Invalid(_))
    ));
}

/// An asynchronous external key (WebCrypto): the host binds each
/// controller's public key, signs what `prepare_*` returns, and completes.
#[test]
fn public_only_wallet_binds_a_key_per_controller() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(WalletKey::PublicOnly).unwrap();
    let offer_a = setup(&mut w, &p);
    assert!(matches!(
        w.prepare_accept(&offer_a.digest(), &Choice::default(), T0 + 100),
        Err(WalletError::SignerNeeded(m)) if m.contains(CONTROLLER)
    ));
    let host = KeyPair::generate(Algorithm::ES256).unwrap();
    w.bind_key(CONTROLLER, host.public_key()).unwrap();
    w.bind_key(CONTROLLER, host.public_key()).unwrap(); // idempotent
    let (_, offer_b) = second_controller(&mut w);
    assert!(matches!(
        w.bind_key(OTHER, host.public_key()),
        Err(WalletError::Invalid(_))
    ));
    let prepared = w
        .prepare_accept(&offer_a.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    assert_eq!(*prepared.public_key(), host.public_key());
    let g = w
        .complete(&prepared, &host.sign(prepared.to_be_signed()).unwrap())
        .unwrap();
    assert_eq!(subject_key(&g), Some(host.public_key()));
    let back = Wallet::from_bytes(&w.to_bytes(), None).unwrap();
    assert_eq!(back.public_key_for(CONTROLLER), Some(host.public_key()));
    assert_eq!(back.public_key_for(OTHER), None);
    // In-process wallets have no keys to bind.
    let mut inproc = Wallet::new(WalletKey::Ed25519).unwrap();
    assert!(inproc.bind_key(OTHER, host.public_key()).is_err());
    let _ = offer_b;
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/wallet-v1")
            .join(name),
    )
    .unwrap()
}

/// A version-1 wallet written by the old code (tests/vectors/wallet-v1)
/// opens; its single key stays the person's key at the controller it
/// already signed for (so the grant there can still be withdrawn), and a
/// new controller gets its own key.
#[test]
fn a_v1_wallet_opens_and_keeps_its_key_where_it_signed() {
    let controller = KeyPair::from_cose_key(&fixture("controller.cose")).unwrap();
    let path = tmp("v1");
    std::fs::write(&path, fixture("v1-ed25519.ckw")).unwrap();
    let mut w = Wallet::open(&path, None).unwrap();
    assert_eq!(w.version(), 1);
    assert!(w.problems().is_empty());
    let legacy = w.legacy_key().unwrap();
    let grants = w.grants(T0 + 300);
    assert_eq!(grants.len(), 1);
    assert!(grants[0].countersigned);
    let gid = grants[0].id;
    let held = w
        .artifacts()
        .iter()
        .find(|a| a.id() == gid)
        .unwrap()
        .clone();
    assert_eq!(subject_key(&held), Some(legacy.clone()));
    assert_eq!(
        Grant::from_artifact(&held).unwrap().subject,
        w.pseudonym(CONTROLLER),
        "pseudonyms are unchanged"
    );
    assert_eq!(w.public_key_for(CONTROLLER), Some(legacy.clone()));
    let wd = w.withdraw(gid, T0 + 400).unwrap();
    assert_eq!(subject_key(&wd), Some(legacy.clone()));
    assert!(wd.verify(w.trust()).is_ok());
    // A new controller: its own derived key, not the version-1 key.
    let (_, offer_b) = second_controller(&mut w);
    let gb = w
        .accept(&offer_b.digest(), &Choice::default(), T0 + 500)
        .unwrap();
    let kb = subject_key(&gb).unwrap();
    assert_ne!(kb, legacy);
    assert_eq!(
        kb,
        KeyPair::ed25519_from_seed(&*crate::privacy::person_key_seed(&[0x11; 32], OTHER))
            .unwrap()
            .public_key()
    );
    let _ = controller;
    drop(w);
    // Appended to in place: the header stays version 1 and everything reads back.
    let w = Wallet::open(&path, None).unwrap();
    assert_eq!(w.version(), 1);
    assert!(w.problems().is_empty());
    assert_eq!(w.public_key_for(CONTROLLER), Some(legacy));
    assert_eq!(w.public_key_for(OTHER), Some(kb));
    assert_eq!(w.grant_state(gid, T0 + 500), Some(ConsentState::Withdrawn));
}

/// A version-1 wallet with an external key: the provider gives the old key
/// back for the controllers it signed for, and new keys for new controllers.
#[test]
fn a_v1_external_wallet_opens_with_a_provider() {
    let old = KeyPair::from_cose_key(&fixture("person-es256.cose")).unwrap();
    let bytes = fixture("v1-external-es256.ckw");
    // Without a provider: readable, and it knows its keys.
    let ro = Wallet::from_bytes(&bytes, None).unwrap();
    assert_eq!(ro.version(), 1);
    assert_eq!(ro.legacy_key(), Some(old.public_key()));
    assert_eq!(ro.public_key_for(CONTROLLER), Some(old.public_key()));
    let platform = Platform::new(Algorithm::ES256, Some(old));
    let mut w = Wallet::from_bytes(&bytes, Some(platform.clone())).unwrap();
    let gid = w.grants(T0 + 300)[0].id;
    let wd = w.withdraw(gid, T0 + 400).unwrap();
    assert_eq!(subject_key(&wd), ro.legacy_key());
    assert!(
        platform.asked.lock().unwrap().is_empty(),
        "the old key, not a new alias"
    );
    let (_, offer_b) = second_controller(&mut w);
    let gb = w
        .accept(&offer_b.digest(), &Choice::default(), T0 + 500)
        .unwrap();
    assert_eq!(*platform.asked.lock().unwrap(), [OTHER]);
    assert_ne!(subject_key(&gb), ro.legacy_key());
    // Round trip through bytes.
    let back = Wallet::from_bytes(&w.to_bytes(), None).unwrap();
    assert!(back.problems().is_empty());
    assert_eq!(back.public_key_for(OTHER), subject_key(&gb));
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
        .countersign(&offer, &p.controller)
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
        .append_artifact(&late.sign(&grant, &p.controller).unwrap(), &p.trust())
        .unwrap();
    forged
        .append_artifact(&sample::signed_offer(&p).unwrap(), &p.trust())
        .ok();
    let mut r2 = sample::receipt(&grant).unwrap();
    r2.used_at = T0 + 500;
    forged
        .append_artifact(&r2.sign(&grant, &p.controller).unwrap(), &p.trust())
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

// --- App lifecycle: listener, per-purpose decisions, needs_decision, restore ---

/// A listener that keeps every event it is told.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<WalletEvent>>);

impl WalletListener for Recorder {
    fn on_change(&self, event: &WalletEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Recorder {
    fn take(&self) -> Vec<WalletEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn term(s: &str) -> Term {
    Term::new(s).unwrap()
}

const SERVICE: &str = "dpv:ServiceProvision";
const PLANNING: &str = "https://city.example/purpose#UrbanPlanning";

/// The sample offer, changed by `edit`, signed by the sample controller.
fn offer_with(p: &Parties, edit: impl FnOnce(&mut Offer)) -> Artifact {
    let mut o = sample::offer().unwrap();
    edit(&mut o);
    o.sign(&p.controller).unwrap()
}

#[test]
fn subscribe_replays_the_current_state_then_reports_each_change() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let pending = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let rec = Arc::new(Recorder::default());
    let id = w.subscribe(rec.clone(), T0 + 150);
    // The replay: the state as it is, nothing added, every grant "changed".
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert!(e[0].replay);
    assert_eq!(e[0].at, T0 + 150);
    assert!(e[0].added.is_empty());
    assert_eq!(e[0].grants, w.grants(T0 + 150));
    assert_eq!(e[0].changed, e[0].grants);
    assert!(!e[0].grants[0].countersigned);
    // The countersigned grant: one event naming it, the grant changed.
    let grant = pending.countersign(&offer, &p.controller).unwrap();
    w.receive(grant.as_bytes(), T0 + 200).unwrap();
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert!(!e[0].replay);
    assert_eq!(e[0].at, T0 + 200);
    assert_eq!(
        e[0].added,
        [AddedArtifact {
            id: grant.id(),
            kind: ArtifactKind::Grant
        }]
    );
    assert_eq!(e[0].changed.len(), 1);
    assert!(e[0].changed[0].countersigned);
    // A receipt: an event, no grant changed.
    let r = sample::signed_receipt(&p, &grant).unwrap();
    w.receive(r.as_bytes(), T0 + 7_300).unwrap();
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].added[0].kind, ArtifactKind::DataReceipt);
    assert!(e[0].changed.is_empty());
    // Nothing kept, nothing told: the same receipt again, a refused artifact, a trusted key, a checkpoint.
    w.receive(r.as_bytes(), T0 + 7_400).unwrap();
    assert!(w.receive(b"garbage", T0 + 7_400).is_err());
    w.trust_key(
        KeyPair::generate(Algorithm::Ed25519).unwrap().public_key(),
        Role::Partner,
        "other.example",
    )
    .unwrap();
    w.add_checkpoint("cp").unwrap();
    assert!(rec.take().is_empty());
    // A batch: one event for everything it kept.
    let v = sample::signed_value_record(&p, &grant).unwrap();
    let mut r2 = sample::receipt(&grant).unwrap();
    r2.used_at = T0 + 7_500;
    let r2 = r2.sign(&grant, &p.controller).unwrap();
    w.receive_batch(
        &[v.as_bytes().to_vec(), r2.as_bytes().to_vec()],
        T0 + 40 * 86_400,
    )
    .unwrap();
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].added.len(), 2);
    // Withdrawing: the grant's new state.
    w.withdraw(grant.id(), T0 + 50 * 86_400).unwrap();
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].added[0].kind, ArtifactKind::Withdrawal);
    assert_eq!(e[0].changed.len(), 1);
    assert_eq!(e[0].changed[0].state, ConsentState::Withdrawn);
    // A second listener gets its own replay; after unsubscribing, nothing.
    let other = Arc::new(Recorder::default());
    let id2 = w.subscribe(other.clone(), T0 + 50 * 86_400);
    assert_ne!(id, id2);
    assert!(other.take()[0].replay);
    assert!(w.unsubscribe(id));
    assert!(!w.unsubscribe(id));
    w.refuse(&offer.digest(), T0 + 51 * 86_400).unwrap();
    assert!(rec.take().is_empty());
    let e = other.take();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].added[0].kind, ArtifactKind::Refusal);
}

#[test]
fn complete_tells_listeners_at_the_artifacts_own_time() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(WalletKey::PublicOnly).unwrap();
    let offer = setup(&mut w, &p);
    let key = KeyPair::generate(Algorithm::ES256).unwrap();
    w.bind_key(CONTROLLER, key.public_key()).unwrap();
    let rec = Arc::new(Recorder::default());
    w.subscribe(rec.clone(), T0 + 10);
    let prepared = w
        .prepare_accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    assert!(rec.take()[0].replay);
    let sig = key.sign(prepared.to_be_signed()).unwrap();
    let g = w.complete(&prepared, &sig).unwrap();
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].at, T0 + 100);
    assert_eq!(e[0].added[0].id, g.id());
    assert_eq!(e[0].changed[0].state, ConsentState::Given);
}

#[test]
fn grant_purpose_adds_one_purpose_by_superseding_the_grant_in_force() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let d = offer.digest();
    // Nothing granted yet: a grant of that purpose alone, every category and recipient of the offer.
    let g1 = w.grant_purpose(&d, &term(SERVICE), T0 + 100).unwrap();
    let b1 = Grant::from_artifact(&g1).unwrap().clone();
    assert_eq!(b1.purposes, [term(SERVICE)]);
    assert_eq!(b1.categories, [term("pd:Location")]);
    assert_eq!(b1.recipients, [PARTNER.to_owned()]);
    assert_eq!(b1.expires_at, Some(T0 + 365 * 86_400));
    assert_eq!(b1.supersedes, None);
    assert_eq!(b1.method, CollectionMethod::Api);
    assert_eq!(b1.subject_key, w.public_key_for(CONTROLLER));
    // The controller countersigns it (its check against the offer passes).
    let g1 = g1.countersign(&offer, &p.controller).unwrap();
    w.receive(g1.as_bytes(), T0 + 110).unwrap();
    // A second purpose: a new grant with both, superseding the first.
    let g2 = w.grant_purpose(&d, &term(PLANNING), T0 + 200).unwrap();
    let b2 = Grant::from_artifact(&g2).unwrap();
    assert_eq!(b2.purposes, [term(SERVICE), term(PLANNING)]);
    assert_eq!(b2.supersedes, Some(g1.id()));
    assert_eq!(b2.categories, b1.categories);
    assert_eq!(b2.expires_at, b1.expires_at);
    assert_eq!(
        w.grant_state(g1.id(), T0 + 200),
        Some(ConsentState::Superseded)
    );
    assert_eq!(w.grant_state(g2.id(), T0 + 200), Some(ConsentState::Given));
    let g2 = g2.countersign(&offer, &p.controller).unwrap();
    let (_, v) = w.receive(g2.as_bytes(), T0 + 210).unwrap();
    assert!(v.is_empty(), "{v:?}");
    assert!(w.violations(T0 + 300).is_empty());
    // Mistakes: a purpose already granted, a purpose the offer does not list, an unknown offer.
    assert!(matches!(
        w.grant_purpose(&d, &term(SERVICE), T0 + 300),
        Err(WalletError::Invalid(m)) if m.contains("already granted")
    ));
    assert!(matches!(
        w.grant_purpose(&d, &term("dpv:Marketing"), T0 + 300),
        Err(WalletError::Invalid(m)) if m.contains("not in the offer")
    ));
    assert!(matches!(
        w.grant_purpose(&Digest([7; 32]), &term(SERVICE), T0 + 300),
        Err(WalletError::NotFound(_))
    ));
}

#[test]
fn withdraw_purpose_withdraws_the_grant_and_regrants_the_other_purposes() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let d = offer.digest();
    let rec = Arc::new(Recorder::default());
    let g = w
        .accept(&d, &Choice::default(), T0 + 100)
        .unwrap()
        .countersign(&offer, &p.controller)
        .unwrap();
    w.receive(g.as_bytes(), T0 + 110).unwrap();
    w.subscribe(rec.clone(), T0 + 120);
    rec.take();
    // Withdrawing one of two purposes: the withdrawal (person only), then a grant of the other.
    let out = w.withdraw_purpose(&d, &term(PLANNING), T0 + 1_000).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].kind(), ArtifactKind::Withdrawal);
    assert_eq!(out[0].signatures().len(), 1);
    let rest = Grant::from_artifact(&out[1]).unwrap().clone();
    assert_eq!(rest.purposes, [term(SERVICE)]);
    assert_eq!(rest.supersedes, Some(g.id()));
    assert_eq!(rest.recipients, [PARTNER.to_owned()]);
    assert_eq!(
        w.grant_state(g.id(), T0 + 1_000),
        Some(ConsentState::Withdrawn)
    );
    // One event for the call, naming both artifacts.
    let e = rec.take();
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].added.iter().map(|a| a.kind).collect::<Vec<_>>(),
        [ArtifactKind::Withdrawal, ArtifactKind::Grant]
    );
    // The controller countersigns the rest; a use for the withdrawn purpose is a finding.
    let rest_cs = out[1].countersign(&offer, &p.controller).unwrap();
    w.receive(rest_cs.as_bytes(), T0 + 1_100).unwrap();
    let mut planning = sample::receipt(&rest_cs).unwrap();
    planning.purpose = term(PLANNING).into();
    planning.recipient = Some(PARTNER.into());
    planning.used_at = T0 + 2_000;
    let (_, v) = w
        .receive(
            planning
                .sign_known_violation(
                    &p.partner,
                    &crate::artifact::KnownViolation::new("a withdrawn purpose"),
                )
                .unwrap()
                .as_bytes(),
            T0 + 2_100,
        )
        .unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].kind, FindingKind::PurposeNotGranted);
    // Under the old grant, any use after the withdrawal is a finding.
    let mut old = sample::receipt(&g).unwrap();
    old.used_at = T0 + 2_000;
    let (_, v) = w
        .receive(
            old.sign_known_violation(
                &p.controller,
                &crate::artifact::KnownViolation::new("a withdrawn grant"),
            )
            .unwrap()
            .as_bytes(),
            T0 + 2_100,
        )
        .unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].kind, FindingKind::AfterWithdrawal);
    // A purpose not granted; then the last purpose: a withdrawal alone; then nothing in force.
    assert!(matches!(
        w.withdraw_purpose(&d, &term(PLANNING), T0 + 3_000),
        Err(WalletError::Invalid(m)) if m.contains("not granted")
    ));
    let out = w.withdraw_purpose(&d, &term(SERVICE), T0 + 3_000).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].kind(), ArtifactKind::Withdrawal);
    assert_eq!(
        w.grant_state(rest_cs.id(), T0 + 3_000),
        Some(ConsentState::Withdrawn)
    );
    assert!(matches!(
        w.withdraw_purpose(&d, &term(SERVICE), T0 + 4_000),
        Err(WalletError::Invalid(m)) if m.contains("nothing to withdraw")
    ));
}

#[test]
fn needs_decision_until_the_person_decides_on_these_terms() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let d = offer.digest();
    // Never decided.
    assert!(w.needs_decision(&d, T0 + 10).unwrap());
    // A grant waiting for the countersignature is the person's decision.
    let g = w.accept(&d, &Choice::default(), T0 + 100).unwrap();
    assert!(!w.needs_decision(&d, T0 + 100).unwrap());
    // ...from its issue time on.
    assert!(w.needs_decision(&d, T0 + 99).unwrap());
    // A granular grant (one purpose) is a decision on the whole offer.
    let mut w2 = Wallet::new(person_key(&p)).unwrap();
    setup(&mut w2, &p);
    w2.grant_purpose(&d, &term(SERVICE), T0 + 100).unwrap();
    assert!(!w2.needs_decision(&d, T0 + 200).unwrap());
    // The offer re-issued with the same terms (new dates): no new decision.
    let reissued = offer_with(&p, |o| {
        o.issued_at = T0 + 500;
        o.valid_from = Some(T0 + 500);
        o.valid_until = Some(T0 + 400 * 86_400);
    });
    w.receive(reissued.as_bytes(), T0 + 500).unwrap();
    assert!(!w.needs_decision(&reissued.digest(), T0 + 600).unwrap());
    // The notice changed (new hash), or a purpose was added: a new decision is needed.
    let new_notice = offer_with(&p, |o| {
        o.issued_at = T0 + 500;
        o.notice =
            crate::artifact::Notice::for_text("https://traffic.example/notice/v3", b"New text.");
    });
    let new_purpose = offer_with(&p, |o| {
        o.purposes.push(term("dpv:Marketing"));
    });
    w.receive(new_notice.as_bytes(), T0 + 500).unwrap();
    w.receive(new_purpose.as_bytes(), T0 + 500).unwrap();
    assert!(w.needs_decision(&new_notice.digest(), T0 + 600).unwrap());
    assert!(w.needs_decision(&new_purpose.digest(), T0 + 600).unwrap());
    assert!(!w.needs_decision(&d, T0 + 600).unwrap());
    // The grant expires (the offer's valid_until): needed again.
    assert!(w.needs_decision(&d, T0 + 365 * 86_400).unwrap());
    // Superseded by a grant of the changed offer: needed for the old terms, not the new.
    let seed = crate::privacy::person_key_seed(&w.secret, CONTROLLER);
    let person = KeyPair::ed25519_from_seed(seed.as_slice()).unwrap();
    let newer = Grant {
        subject: w.pseudonym(CONTROLLER),
        issued_at: T0 + 700,
        supersedes: Some(g.id()),
        ..sample::grant_body(&p, &new_notice)
    }
    .sign_both(&new_notice, &person, &p.controller)
    .unwrap();
    w.receive(newer.as_bytes(), T0 + 700).unwrap();
    assert_eq!(
        w.grant_state(g.id(), T0 + 800),
        Some(ConsentState::Superseded)
    );
    assert!(w.needs_decision(&d, T0 + 800).unwrap());
    assert!(w.needs_decision(&reissued.digest(), T0 + 800).unwrap());
    assert!(!w.needs_decision(&new_notice.digest(), T0 + 800).unwrap());
    // Unknown offer.
    assert!(matches!(
        w.needs_decision(&Digest([1; 32]), T0),
        Err(WalletError::NotFound(_))
    ));
}

#[test]
fn needs_decision_after_a_no_a_withdrawal_or_a_revocation() {
    let p = Parties::new().unwrap();
    // A refusal is a decision that stands.
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let d = offer.digest();
    w.refuse(&d, T0 + 100).unwrap();
    assert!(!w.needs_decision(&d, T0 + 200).unwrap());
    // A grant after the refusal is the latest decision; once it expires, ask again.
    let choice = Choice {
        expires_at: Some(T0 + 1_000),
        ..Choice::default()
    };
    w.accept(&d, &choice, T0 + 300).unwrap();
    assert!(!w.needs_decision(&d, T0 + 400).unwrap());
    assert!(w.needs_decision(&d, T0 + 1_000).unwrap());
    // The person's withdrawal stands too.
    let mut w = Wallet::new(person_key(&p)).unwrap();
    setup(&mut w, &p);
    let g = w.accept(&d, &Choice::default(), T0 + 100).unwrap();
    w.withdraw(g.id(), T0 + 200).unwrap();
    assert!(!w.needs_decision(&d, T0 + 300).unwrap());
    // A revocation by the controller does not: the person is asked again.
    let mut w = Wallet::new(person_key(&p)).unwrap();
    setup(&mut w, &p);
    let g = w
        .accept(&d, &Choice::default(), T0 + 100)
        .unwrap()
        .countersign(&offer, &p.controller)
        .unwrap();
    w.receive(g.as_bytes(), T0 + 110).unwrap();
    let revoked = Withdrawal::revoke(g.id(), T0 + 200, "service closed", &p.controller).unwrap();
    w.receive(revoked.as_bytes(), T0 + 200).unwrap();
    assert_eq!(w.grant_state(g.id(), T0 + 300), Some(ConsentState::Revoked));
    assert!(w.needs_decision(&d, T0 + 300).unwrap());
    // Decisions of another offer of the same controller with other terms do not count.
    let other = offer_with(&p, |o| o.name = "another-offer".into());
    w.receive(other.as_bytes(), T0 + 300).unwrap();
    w.accept(&other.digest(), &Choice::default(), T0 + 400)
        .unwrap();
    assert!(w.needs_decision(&d, T0 + 500).unwrap());
    assert!(!w.needs_decision(&other.digest(), T0 + 500).unwrap());
}

/// A sealed backup of any wallet image (what export_backup does with the wallet's).
fn sealed(image: &[u8], key: &[u8; 32]) -> Vec<u8> {
    let sealing =
        aead::LessSafeKey::new(aead::UnboundKey::new(&aead::CHACHA20_POLY1305, key).unwrap());
    let nonce = [3u8; aead::NONCE_LEN];
    let mut data = image.to_vec();
    sealing
        .seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(BACKUP_MAGIC),
            &mut data,
        )
        .unwrap();
    [BACKUP_MAGIC.as_slice(), &nonce, &data].concat()
}

#[test]
fn a_restored_backup_is_verified_and_its_fresh_wallet_works() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(WalletKey::Es256).unwrap();
    let offer = setup(&mut w, &p);
    let d = offer.digest();
    // A countersigned grant, a pending one-purpose grant, a refusal, a receipt, a withdrawal.
    let g = w
        .accept(&d, &Choice::default(), T0 + 100)
        .unwrap()
        .countersign(&offer, &p.controller)
        .unwrap();
    w.receive(g.as_bytes(), T0 + 110).unwrap();
    w.receive(
        sample::signed_receipt(&p, &g).unwrap().as_bytes(),
        T0 + 7_300,
    )
    .unwrap();
    w.withdraw_purpose(&d, &term(PLANNING), T0 + 8_000).unwrap();
    let key = [9u8; 32];
    let backup = w.export_backup(&key).unwrap();
    // A fresh wallet from the backup: the same bytes, the same answers, and it signs as the person.
    let mut r = Wallet::import_backup(&backup, &key, None).unwrap();
    assert_eq!(r.to_bytes(), w.to_bytes());
    assert_eq!(r.grants(T0 + 9_000), w.grants(T0 + 9_000));
    assert_eq!(r.public_key_for(CONTROLLER), w.public_key_for(CONTROLLER));
    assert!(!r.needs_decision(&d, T0 + 9_000).unwrap());
    let out = r.withdraw_purpose(&d, &term(SERVICE), T0 + 9_000).unwrap();
    assert_eq!(out[0].kind(), ArtifactKind::Withdrawal);
    assert!(r.needs_decision(&d, T0 + 9_000).is_ok_and(|n| !n));
    // A wallet with a damaged record backs up what it holds: the backup restores without it.
    let mut image = w.to_bytes();
    image.extend(store::frame(
        &Value::Array(vec![Value::Unsigned(99)]).to_vec(),
    ));
    let damaged = Wallet::from_bytes(&image, None).unwrap();
    assert_eq!(damaged.problems().len(), 1);
    let r = Wallet::import_backup(&damaged.export_backup(&key).unwrap(), &key, None).unwrap();
    assert!(r.problems().is_empty());
    assert_eq!(r.to_bytes(), w.to_bytes());
}

#[test]
fn a_corrupted_or_foreign_backup_is_a_typed_error() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let pending = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let key = [9u8; 32];
    let good = w.to_bytes();
    assert!(Wallet::import_backup(&sealed(&good, &key), &key, None).is_ok());
    let content = |image: &[u8]| Wallet::import_backup(&sealed(image, &key), &key, None);
    // Not a backup at all: a wallet file, or nothing.
    assert!(matches!(
        Wallet::import_backup(&good, &key, None),
        Err(WalletError::BackupFormat(_))
    ));
    assert!(matches!(
        Wallet::import_backup(b"", &key, None),
        Err(WalletError::BackupFormat(_))
    ));
    // Another wallet's backup (another key), or one altered byte.
    let other = Wallet::new(WalletKey::Ed25519).unwrap();
    assert!(matches!(
        Wallet::import_backup(&other.export_backup(&[8; 32]).unwrap(), &key, None),
        Err(WalletError::BackupAuthentication)
    ));
    let mut altered = w.export_backup(&key).unwrap();
    altered[10] ^= 0x40;
    assert!(matches!(
        Wallet::import_backup(&altered, &key, None),
        Err(WalletError::BackupAuthentication)
    ));
    // Authentic but not a wallet image.
    assert!(matches!(
        content(b"not a wallet"),
        Err(WalletError::BackupContent(m)) if m.contains("wallet image")
    ));
    // A damaged record is refused, not skipped.
    let mut image = good.clone();
    image.extend(store::frame(
        &Value::Array(vec![Value::Unsigned(99)]).to_vec(),
    ));
    assert!(matches!(
        content(&image),
        Err(WalletError::BackupContent(m)) if m.contains("unknown record")
    ));
    // An artifact signed by a key the backup does not trust.
    let stranger = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let mut o = sample::offer().unwrap();
    o.controller = "stranger.example".into();
    let untrusted = o.sign(&stranger.with_role(Role::Controller)).unwrap();
    let mut image = good.clone();
    image.extend(store::frame(&artifact_record(&untrusted)));
    assert!(matches!(
        content(&image),
        Err(WalletError::BackupContent(m)) if m.contains("offer")
    ));
    // Another person's grant, countersigned by the trusted controller.
    let someone = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let theirs = sample::grant_body(&p, &offer)
        .sign_both(&offer, &someone, &p.controller)
        .unwrap();
    let mut image = good.clone();
    image.extend(store::frame(&artifact_record(&theirs)));
    assert!(matches!(
        content(&image),
        Err(WalletError::BackupContent(m)) if m.contains("not a grant of this wallet's person")
    ));
    // A pending grant whose signature was altered.
    let mut bytes = pending.as_bytes().to_vec();
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    let forged = Artifact::decode(&bytes).unwrap();
    let mut image = good.clone();
    image.extend(store::frame(&artifact_record(&forged)));
    assert!(matches!(
        content(&image),
        Err(WalletError::BackupContent(m)) if m.contains("signature")
    ));
}

/// The summary's `received` is a list of named totals sorted by controller
/// then unit (what the uniffi skins show as `ValueReceived`); its JSON view
/// is still the object controller → unit → amount.
#[test]
fn received_is_sorted_totals_and_a_map_in_json() {
    let p = Parties::new().unwrap();
    let mut w = Wallet::new(person_key(&p)).unwrap();
    let offer = setup(&mut w, &p);
    let pending = w
        .accept(&offer.digest(), &Choice::default(), T0 + 100)
        .unwrap();
    let grant = pending.countersign(&offer, &p.controller).unwrap();
    w.receive(grant.as_bytes(), T0 + 200).unwrap();
    let value = |unit: &str, amount: u64, t: u64| {
        crate::ValueRecord {
            grant: grant.id(),
            issued_at: T0 + t,
            benefit: crate::Benefit {
                kind: crate::BenefitKind::Service,
                amount,
                unit: unit.into(),
                condition: None,
                description: None,
            },
        }
        .sign(&p.controller)
        .unwrap()
    };
    for (unit, amount, t) in [("month", 1, 300), ("EUR", 150, 400), ("month", 2, 500)] {
        w.receive(value(unit, amount, t).as_bytes(), T0 + 1_000)
            .unwrap();
    }
    let s = w.summary(T0 + 1_000);
    let totals: Vec<(&str, &str, u64)> = s
        .received
        .iter()
        .map(|v| (v.controller.as_str(), v.unit.as_str(), v.amount))
        .collect();
    assert_eq!(totals, [(CONTROLLER, "EUR", 150), (CONTROLLER, "month", 3)]);
    assert_eq!(s.received_from(CONTROLLER, "month"), 3);
    assert_eq!(s.received_from(CONTROLLER, "points"), 0);
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json["received"],
        serde_json::json!({ CONTROLLER: { "EUR": 150, "month": 3 } })
    );
}

/// The JSON of `received` is the object a map controller → unit → amount
/// made (it was written through a `BTreeMap`): keys in byte order at both
/// levels, and of a pair given twice the last amount, even for a summary
/// built by hand whose list is neither sorted nor unique.
#[test]
fn received_json_of_an_unsorted_list_is_the_map_a_btreemap_made() {
    let entry = |controller: &str, unit: &str, amount: u64| ValueReceived {
        controller: controller.into(),
        unit: unit.into(),
        amount,
    };
    let received = vec![
        entry("zeta", "month", 1),
        entry("acme", "points", 2),
        entry("Acme", "EUR", 3),
        entry("acme", "EUR", 4),
        entry("zeta", "month", 5),
        entry("acme", "points", 6),
        entry("acme", "", 7),
    ];
    let mut expected: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for v in &received {
        expected
            .entry(v.controller.clone())
            .or_default()
            .insert(v.unit.clone(), v.amount);
    }
    let s = Summary {
        grants: Vec::new(),
        shared: Vec::new(),
        received,
        refusals: 0,
        violations: Vec::new(),
        logs: Vec::new(),
    };
    let text = serde_json::to_string(&s).unwrap();
    let want = format!("\"received\":{}", serde_json::to_string(&expected).unwrap());
    assert!(text.contains(&want), "{text}\nwants {want}");
    assert!(
        want.contains(r#"{"Acme":{"EUR":3},"acme":{"":7,"EUR":4,"points":6},"zeta":{"month":5}}"#)
    );
}
