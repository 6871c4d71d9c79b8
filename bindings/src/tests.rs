//! Rust-side checks of the translation layer (the foreign tests in
//! `tests/kotlin` and `tests/python` exercise the generated glue).

use std::sync::Arc;

use super::*;

const T0: Timestamp = consentkit::sample::T0;

fn sample_offer(controller: &str, partner: &str) -> Offer {
    Offer {
        controller: controller.into(),
        name: "live-routing".into(),
        issued_at: T0,
        valid_from: Some(T0),
        valid_until: Some(T0 + 365 * 86_400),
        purposes: vec![consentkit::term("dpv:ServiceProvision").unwrap()],
        categories: vec![consentkit::term("pd:Location").unwrap()],
        recipients: vec![Recipient {
            party: partner.into(),
            purposes: vec![consentkit::term("dpv:ServiceProvision").unwrap()],
            categories: vec![consentkit::term("pd:Location").unwrap()],
        }],
        retention_secs: 86_400,
        limits: Limits::default(),
        legal_basis: consentkit::term("dpv:Consent").unwrap(),
        jurisdiction: "EU".into(),
        language: "en".into(),
        notice: notice_for_text("https://traffic.example/n".into(), b"notice".to_vec()),
        value_offered: vec![],
        value_estimate: None,
        service_without_consent: true,
    }
}

#[test]
fn flow_through_the_skin() {
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::ES256).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let got = wallet.receive(offer.clone(), T0).unwrap();
    assert_eq!(got.artifact.kind, ArtifactKind::Offer);
    let grant = wallet
        .accept(got.artifact.id.to_string(), Choice::default(), T0 + 10)
        .unwrap();
    let signed = controller.countersign(grant, offer.clone()).unwrap();
    let g = wallet.receive(signed.clone(), T0 + 20).unwrap().artifact;
    let receipt = controller
        .issue_receipt(
            DataReceipt {
                grant: artifact_id(&g.id.to_string()).unwrap(),
                category: consentkit::term("pd:Location").unwrap().into(),
                purpose: consentkit::term("dpv:ServiceProvision").unwrap().into(),
                recipient: None,
                used_at: T0 + 30,
                quantity: 1,
                precision: None,
                commitment: commit(b"52.1,4.3".to_vec()).unwrap().value,
            },
            signed,
        )
        .unwrap();
    assert!(wallet
        .receive(receipt, T0 + 40)
        .unwrap()
        .violations
        .is_empty());
    let views = wallet.grants(T0 + 50).unwrap();
    assert_eq!(views[0].state, ConsentState::Given);
    let trust = TrustSet::new();
    trust
        .add(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let report = Verifier::new(trust).audit(wallet.export_bundle(), Some(T0 + 60));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.items, 3);
}

#[test]
fn errors_map_to_the_variant_a_caller_acts_on() {
    assert!(matches!(
        decode_artifact(vec![0xff; 10]),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        decode_artifact(vec![0; 70_000]),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let offer = Controller::new(ck)
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let v = Verifier::new(TrustSet::new());
    assert!(matches!(
        v.verify(offer),
        Err(ConsentKitError::UntrustedKey { .. })
    ));
    let w = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    assert!(matches!(
        w.withdraw("00".repeat(16), T0),
        Err(ConsentKitError::NotFound { .. })
    ));
    assert!(matches!(
        Wallet::import_backup(w.export_backup(vec![1; 32]).unwrap(), vec![2; 32], None),
        Err(ConsentKitError::Backup { .. })
    ));
    assert!(matches!(
        Wallet::from_bytes(vec![1, 2, 3], None),
        Err(ConsentKitError::Storage { .. })
    ));
}

struct Failing;
impl ExternalSigner for Failing {
    fn public_key(&self) -> Result<RawPublicKey, ConsentKitError> {
        let k = consentkit::KeyPair::generate(consentkit::Algorithm::Ed25519).unwrap();
        Ok(RawPublicKey {
            algorithm: Algorithm::Ed25519,
            bytes: consentkit::Signer::public_key(&k).raw().to_vec(),
        })
    }
    fn sign(&self, _: Vec<u8>) -> Result<Vec<u8>, ConsentKitError> {
        Ok(vec![0; 64])
    }
}

#[test]
fn a_signer_whose_signature_does_not_verify_is_a_signer_error() {
    let c = Controller::with_signer(Arc::new(Failing)).unwrap();
    assert!(matches!(
        c.make_offer(sample_offer("traffic.example", "city.example")),
        Err(ConsentKitError::Signer { .. })
    ));
}

/// A platform key per controller: the app's provider is told the controller.
struct AppKey(consentkit::KeyPair);
impl ExternalSigner for AppKey {
    fn public_key(&self) -> std::result::Result<RawPublicKey, ConsentKitError> {
        use consentkit::Signer;
        Ok(RawPublicKey {
            algorithm: Algorithm::ES256,
            bytes: self.0.public_key().raw().to_vec(),
        })
    }
    fn sign(&self, message: Vec<u8>) -> std::result::Result<Vec<u8>, ConsentKitError> {
        use consentkit::Signer;
        Ok(self.0.sign(&message)?)
    }
}

#[derive(Default)]
struct AppProvider(std::sync::Mutex<std::collections::BTreeMap<String, Arc<AppKey>>>);
impl ExternalKeyProvider for AppProvider {
    fn signer_for(
        &self,
        controller: String,
    ) -> std::result::Result<Arc<dyn ExternalSigner>, ConsentKitError> {
        let mut m = self.0.lock().unwrap();
        let k = m.entry(controller).or_insert_with(|| {
            Arc::new(AppKey(
                consentkit::KeyPair::generate(consentkit::Algorithm::ES256).unwrap(),
            ))
        });
        Ok(k.clone())
    }
    fn legacy_signer(&self) -> Option<Arc<dyn ExternalSigner>> {
        None
    }
}

#[test]
fn a_foreign_provider_gives_one_key_per_controller() {
    let provider = Arc::new(AppProvider::default());
    let wallet = Wallet::in_memory_with_provider(provider.clone()).unwrap();
    let mut kids = Vec::new();
    for c in ["traffic.example", "music.example"] {
        let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
        wallet
            .trust_key(ck.public_key(), Role::Controller, c.into())
            .unwrap();
        let offer = Controller::new(ck)
            .make_offer(sample_offer(c, "city.example"))
            .unwrap();
        let got = wallet.receive(offer, T0).unwrap();
        assert!(wallet.public_key_for(c.into()).is_none());
        wallet
            .accept(got.artifact.id.to_string(), Choice::default(), T0 + 10)
            .unwrap();
        let info = wallet.public_key_for(c.into()).unwrap();
        assert_eq!(info.kid().unwrap(), {
            let m = provider.0.lock().unwrap();
            consentkit::Signer::public_key(&m[c].0).kid().to_string()
        });
        kids.push(info.kid().unwrap());
    }
    assert_ne!(kids[0], kids[1]);
    assert_eq!(wallet.version(), 2);
    assert!(wallet.problems().is_empty());
    // Without the provider the wallet still reads, and knows its keys.
    let back = Wallet::from_bytes(wallet.to_bytes(), None).unwrap();
    assert_eq!(
        back.public_key_for("music.example".into())
            .unwrap()
            .kid()
            .unwrap(),
        kids[1]
    );
}

/// Made by `@iabtechlabtcf/core` 1.5.21 (core/src/tcf/tests.rs).
const IAB_TC_STRING: &str =
    "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA";

#[test]
fn tcf_through_the_skin() {
    let tc = decode_tc_string(IAB_TC_STRING.into()).unwrap();
    assert_eq!(tc.purpose_consents, vec![1, 2, 3, 4, 7, 9, 10]);
    assert_eq!(tc.vendor_consents, vec![1, 3, 755]);
    let s = encode_tc_string(tc.clone()).unwrap();
    assert_eq!(decode_tc_string(s.clone()).unwrap(), tc);
    let m = in_app_values(tc.clone(), true).unwrap();
    assert_eq!(m["IABTCF_CmpSdkID"], InAppValue::Int { value: 300 });
    assert_eq!(m["IABTCF_TCString"], InAppValue::Text { value: s.clone() });
    let gpp = gpp_string(tc.clone()).unwrap();
    assert_eq!(decode_gpp(gpp).unwrap().tcf_eu_v2, Some(tc));
    assert!(matches!(
        decode_tc_string("CQuf10A".into()),
        Err(ConsentKitError::InvalidInput { .. })
    ));

    // Import under an offer, then export for the same vendors.
    let ck_key = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck_key);
    let offer = controller
        .make_offer(sample_offer("news.example", "ads.example"))
        .unwrap();
    let grant = controller
        .import_tc_string(
            IAB_TC_STRING.into(),
            offer.clone(),
            vec![5; 16],
            vec![],
            None,
        )
        .unwrap();
    let export = TcfExport {
        cmp_id: 300,
        cmp_version: 2,
        consent_screen: 1,
        consent_language: "EN".into(),
        vendor_list_version: 120,
        policy_version: 5,
        publisher_cc: "FR".into(),
        vendors: vec![1, 3, 755],
    };
    let out = tc_string_for_grant(grant, export.clone()).unwrap();
    assert_eq!(out.purpose_consents, vec![1, 2, 3, 4, 7, 9, 10]);
    assert_eq!(out.vendor_consents, vec![1, 3, 755]);
    // A short subject and an offer given as the grant are refused.
    assert!(matches!(
        controller.import_tc_string(
            IAB_TC_STRING.into(),
            offer.clone(),
            vec![5; 3],
            vec![],
            None
        ),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(tc_string_for_grant(offer, export).is_err());
}

#[test]
fn status_check_through_the_skin() {
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let oid = wallet.receive(offer.clone(), T0).unwrap().artifact.id;
    let registry = StatusRegistry::new("https://traffic.example/status/1".into(), 2, 256).unwrap();
    let reference = registry.assign().unwrap();
    let choice = Choice {
        status: Some(reference.clone()),
        ..Choice::default()
    };
    let grant = controller
        .countersign(
            wallet.accept(oid.to_string(), choice, T0 + 10).unwrap(),
            offer,
        )
        .unwrap();
    let trust = TrustSet::new();
    trust
        .add(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let verifier = Verifier::new(trust);
    registry
        .set_status(reference.idx, Status::Suspended)
        .unwrap();
    let token = registry
        .sign_token(controller.clone(), T0 + 100, 600, Some(T0 + 86_400))
        .unwrap();
    let a = verifier
        .check_grant_status(grant.clone(), token.clone(), Some(T0 + 200))
        .unwrap();
    assert_eq!(a.status, Status::Suspended);
    assert_eq!(a.max_age, 600);
    assert_eq!(a.index, reference.idx);
    assert!(matches!(
        verifier.check_grant_status(grant, token, Some(T0 + 86_400)),
        Err(ConsentKitError::VerificationFailed { .. })
    ));
    assert!(matches!(
        StatusRegistry::new("no uri".into(), 1, 8),
        Err(ConsentKitError::InvalidInput { .. })
    ));
}

#[test]
fn wallet_proofs_that_travel_through_the_skin() {
    use consentkit::log::receipt::cose_receipt;
    use consentkit::log::TileLog;
    use consentkit::Signer as _;
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let oid = wallet.receive(offer.clone(), T0).unwrap().artifact.id;
    let grant = controller
        .countersign(
            wallet
                .accept(oid.to_string(), Choice::default(), T0 + 10)
                .unwrap(),
            offer,
        )
        .unwrap();
    let gid = wallet.receive(grant.clone(), T0 + 20).unwrap().artifact.id;
    let dir = std::env::temp_dir().join(format!("ckffi-receipts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log_key = consentkit::KeyPair::ed25519_from_seed(&[8; 32]).unwrap();
    let mut trust = consentkit::TrustSet::new();
    trust.insert(
        ck.inner.public_key(),
        consentkit::Role::Controller,
        "traffic.example",
    );
    let g = consentkit::Artifact::decode(&grant).unwrap();
    let mut log = TileLog::create(&dir, "log.example/consent", &log_key).unwrap();
    log.append_artifact(&g, &trust).unwrap();
    log.publish(&log_key).unwrap();
    wallet
        .trust_key(
            (&log_key.public_key()).into(),
            Role::Log,
            "log.example/consent".into(),
        )
        .unwrap();
    wallet
        .add_checkpoint(log.checkpoint_note().to_owned())
        .unwrap();
    let proof = log.inclusion_proof(0, 1).unwrap();
    wallet
        .add_inclusion_proof(gid.to_string(), proof.to_cbor())
        .unwrap();
    let text = wallet.export_tlog_proof(gid.to_string()).unwrap();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nindex 0\n\n"));
    let r = cose_receipt(&grant, &proof, &log.root_at(1).unwrap(), &log_key, None).unwrap();
    // The core's `ReceiptClaims` itself (`ReceiptCheck`): the root is the
    // log's 32-byte root (bytes in the uniffi skins, hex in JSON).
    let check: consentkit::log::receipt::ReceiptClaims = wallet
        .verify_cose_receipt(gid.to_string(), r.clone())
        .unwrap();
    assert_eq!((check.tree_size, check.leaf_index), (1, 0));
    assert_eq!(check.root, log.root_at(1).unwrap());
    let tlog = wallet
        .verify_tlog_proof(gid.to_string(), text.clone())
        .unwrap();
    assert_eq!(tlog, check);
    let mut bad = r;
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert!(wallet.verify_cose_receipt(gid.to_string(), bad).is_err());
    assert!(matches!(
        wallet.export_tlog_proof("00".repeat(16)),
        Err(ConsentKitError::NotFound { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The controller info for the sample offer (traffic.example, city.example).
pub(crate) const CONTROLLERS_JSON: &str = r#"{"controllers": [{
  "party": "traffic.example", "name": "Traffic Example GmbH", "contact": "Data Protection Officer",
  "address": {"street_address": "1 Example Street", "country": "DE"},
  "email": "privacy@traffic.example", "phone": "+49 30 000000",
  "policy_url": "https://traffic.example/privacy", "storage_locations": ["DE"],
  "recipients": [{"party": "city.example", "name": "City of Example", "contact": "Mobility",
    "address": {"street_address": "2 Town Hall Square", "country": "DE"},
    "email": "mobility@city.example", "phone": "+49 30 111111"}]
}]}"#;

#[test]
fn export_consents_through_the_skin() {
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::ES256).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let got = wallet.receive(offer.clone(), T0).unwrap();
    let grant = wallet
        .accept(got.artifact.id.to_string(), Choice::default(), T0 + 10)
        .unwrap();
    let signed = controller.countersign(grant, offer).unwrap();
    let g = wallet.receive(signed, T0 + 20).unwrap().artifact;
    let bundle = wallet.export_bundle();

    let k = export_consents(
        bundle.clone(),
        "kantara".into(),
        vec![],
        T0 + 60,
        CONTROLLERS_JSON.into(),
    )
    .unwrap();
    assert_eq!(k.documents.len(), 1);
    assert!(k.refused.is_empty());
    let receipt: serde_json::Value = serde_json::from_str(&k.documents[0]).unwrap();
    assert_eq!(receipt["consentReceiptID"], g.id.to_string());
    assert_eq!(receipt["consentStatus"], "given");
    assert_eq!(
        receipt["services"][0]["purposes"][0]["thirdPartyName"],
        "City of Example"
    );

    wallet.withdraw(g.id.to_string(), T0 + 100).unwrap();
    let iso = export_consents(
        wallet.export_bundle(),
        "iso27560".into(),
        vec![g.id.to_string()],
        T0 + 200,
        CONTROLLERS_JSON.into(),
    )
    .unwrap();
    let record: serde_json::Value = serde_json::from_str(&iso.documents[0]).unwrap();
    assert_eq!(
        record["dpv:hasConsentStatus"][1]["@type"][0],
        "dpv:ConsentWithdrawn"
    );

    // Errors: the variant a caller acts on.
    assert!(matches!(
        export_consents(
            bundle.clone(),
            "pdf".into(),
            vec![],
            T0,
            CONTROLLERS_JSON.into()
        ),
        Err(ConsentKitError::Usage { .. })
    ));
    assert!(matches!(
        export_consents(
            bundle.clone(),
            "kantara".into(),
            vec!["xyz".into()],
            T0,
            CONTROLLERS_JSON.into()
        ),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        export_consents(
            bundle.clone(),
            "kantara".into(),
            vec![],
            T0 + 60,
            "{}".into()
        ),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        export_consents(
            vec![0xff, 0xff],
            "kantara".into(),
            vec![],
            T0,
            CONTROLLERS_JSON.into()
        ),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        export_consents(
            bundle,
            "kantara".into(),
            vec![],
            T0 + 60,
            r#"{"controllers": []}"#.into()
        ),
        Err(ConsentKitError::Usage { .. })
    ));
}

/// A listener that calls back into the wallet from `on_change` (as an app
/// does: "refresh the screen"): events are delivered after the wallet's
/// lock is released, so this neither deadlocks nor sees a half-done call.
struct Reentrant {
    wallet: std::sync::Mutex<Option<Arc<Wallet>>>,
    seen: std::sync::Mutex<Vec<(WalletEvent, usize)>>,
}

impl WalletListener for Reentrant {
    fn on_change(&self, event: WalletEvent) -> Result<(), ConsentKitError> {
        let grants = match &*self.wallet.lock().unwrap() {
            Some(w) => w.grants(event.at).unwrap().len(),
            None => 0,
        };
        self.seen.lock().unwrap().push((event, grants));
        Err(ConsentKitError::Usage {
            reason: "a listener's error is ignored".into(),
        })
    }
}

#[test]
fn a_listener_may_call_the_wallet_and_per_purpose_calls_work_through_the_skin() {
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let mut o = sample_offer("traffic.example", "city.example");
    o.purposes.push(consentkit::term("dpv:Marketing").unwrap());
    let offer = controller.make_offer(o).unwrap();
    let id = wallet.receive(offer.clone(), T0).unwrap().artifact.id;
    let listener = Arc::new(Reentrant {
        wallet: std::sync::Mutex::new(Some(wallet.clone())),
        seen: Default::default(),
    });
    let sub = wallet.subscribe(listener.clone(), T0 + 1).unwrap();
    assert!(wallet.needs_decision(id.to_string(), T0 + 1).unwrap());
    let g = wallet
        .grant_purpose(id.to_string(), "dpv:Marketing".into(), T0 + 10)
        .unwrap();
    assert!(!wallet.needs_decision(id.to_string(), T0 + 11).unwrap());
    let cs = controller.countersign(g, offer.clone()).unwrap();
    wallet.receive(cs, T0 + 20).unwrap();
    let out = wallet
        .withdraw_purpose(id.to_string(), "dpv:Marketing".into(), T0 + 30)
        .unwrap();
    assert_eq!(out.len(), 1, "the last purpose: a withdrawal alone");
    assert!(matches!(
        wallet.grant_purpose(id.to_string(), "not a term".into(), T0 + 40),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        wallet.grant_purpose(
            id.to_string(),
            "dpv:Marketing".into(),
            Timestamp::from_secs(T0.secs() * 1000)
        ),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    let seen = listener.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen[0].0.replay && seen[0].1 == 0);
    assert_eq!(seen[1].0.added[0].kind, ArtifactKind::Grant);
    assert_eq!(
        seen[1].1, 1,
        "the listener read the wallet after the change"
    );
    assert!(seen[2].0.changed[0].countersigned);
    assert_eq!(seen[3].0.changed[0].state, ConsentState::Withdrawn);
    assert!(wallet.unsubscribe(sub));
    *listener.wallet.lock().unwrap() = None;
}

/// A core record with a bad term fails its lift with the core's
/// `ConsentKitError::InvalidInput` naming the term: uniffi hands that error
/// to the function's own error type (not an internal error), because the
/// error type lives in the core with the custom type `Term`.
#[test]
fn a_bad_term_in_a_core_record_fails_its_lift_as_invalid_input() {
    use uniffi::{Lift, Lower};
    type Tag = consentkit::UniFfiTag;
    let mut buf = Vec::new();
    <String as Lower<Tag>>::write("city.example".to_owned(), &mut buf);
    <Vec<String> as Lower<Tag>>::write(vec!["not a term".to_owned()], &mut buf);
    <Vec<String> as Lower<Tag>>::write(vec!["pd:Location".to_owned()], &mut buf);
    let err = <Recipient as Lift<Tag>>::try_read(&mut buf.as_slice()).unwrap_err();
    match err.downcast::<ConsentKitError>() {
        Ok(ConsentKitError::InvalidInput { reason }) => {
            assert!(reason.contains("not a term"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // A good one lifts to the core's own type.
    let mut buf = Vec::new();
    <String as Lower<Tag>>::write("city.example".to_owned(), &mut buf);
    <Vec<String> as Lower<Tag>>::write(vec!["dpv:Marketing".to_owned()], &mut buf);
    <Vec<String> as Lower<Tag>>::write(vec![], &mut buf);
    let r = <Recipient as Lift<Tag>>::try_read(&mut buf.as_slice()).unwrap();
    assert_eq!(r.purposes, vec![consentkit::term("dpv:Marketing").unwrap()]);
}

/// An artifact id and a digest cross as hex; a wrong length is InvalidInput.
#[test]
fn ids_and_digests_lift_from_hex_or_fail_as_invalid_input() {
    use consentkit::artifact::{ArtifactId, Digest};
    use uniffi::{FfiConverter, Lift};
    type Tag = consentkit::UniFfiTag;
    let id =
        <ArtifactId as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower("ab".repeat(16)));
    assert_eq!(id.unwrap(), ArtifactId([0xab; 16]));
    let d = <Digest as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower("cd".repeat(32)));
    assert_eq!(d.unwrap(), Digest([0xcd; 32]));
    for bad in ["ab".repeat(15), "zz".repeat(16)] {
        let e =
            <ArtifactId as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(bad.clone()))
                .unwrap_err();
        assert!(matches!(
            e.downcast::<ConsentKitError>(),
            Ok(ConsentKitError::InvalidInput { reason }) if reason.contains(&bad)
        ));
    }
}

/// A header kid crosses as 64 or 16 hex digits and a body as JSON text;
/// anything else fails its lift as InvalidInput naming what is wrong.
#[test]
fn header_kids_and_bodies_lift_or_fail_as_invalid_input() {
    use consentkit::artifact::BodyJson;
    use consentkit::keys::HeaderKid;
    use uniffi::{FfiConverter, Lift};
    type Tag = consentkit::UniFfiTag;
    let lift_kid =
        |s: String| <HeaderKid as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(s));
    assert_eq!(
        lift_kid("ab".repeat(32)).unwrap().to_string(),
        "ab".repeat(32)
    );
    assert_eq!(
        lift_kid("cd".repeat(8)).unwrap().to_string(),
        "cd".repeat(8)
    );
    for bad in ["ab".repeat(9), "zz".repeat(32), String::new()] {
        assert!(matches!(
            lift_kid(bad.clone()).unwrap_err().downcast::<ConsentKitError>(),
            Ok(ConsentKitError::InvalidInput { reason }) if reason.contains("header kid") && reason.contains(&format!("{bad:?}"))
        ));
    }
    let lift_body =
        |s: &str| <BodyJson as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(s.into()));
    assert_eq!(lift_body(r#"{"a":1}"#).unwrap().0["a"], 1);
    assert!(matches!(
        lift_body("{not json").unwrap_err().downcast::<ConsentKitError>(),
        Ok(ConsentKitError::InvalidInput { reason }) if reason.contains("must be JSON")
    ));
    // And back: the body of a decoded offer is its payload's JSON text.
    let p = consentkit::sample::Parties::new().unwrap();
    let offer = consentkit::sample::signed_offer(&p).unwrap();
    let text = <BodyJson as FfiConverter<Tag>>::lower(offer.info().body);
    let back: String = <String as FfiConverter<Tag>>::try_lift(text).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&back).unwrap(),
        offer.to_json()["body"]
    );
}

/// Fixed-length bytes cross as bytes: a notice's SHA-256 of the wrong
/// length fails its lift as InvalidInput naming the length expected, the
/// right length lifts to the core's array.
#[test]
fn a_notice_hash_of_the_wrong_length_fails_its_lift_naming_32_bytes() {
    use uniffi::{Lift, Lower};
    type Tag = consentkit::UniFfiTag;
    let notice = |len: usize| {
        let mut buf = Vec::new();
        <String as Lower<Tag>>::write("https://traffic.example/n".to_owned(), &mut buf);
        <Vec<u8> as Lower<Tag>>::write(vec![7; len], &mut buf);
        <Notice as Lift<Tag>>::try_read(&mut buf.as_slice())
    };
    for len in [0, 31, 33] {
        match notice(len).unwrap_err().downcast::<ConsentKitError>() {
            Ok(ConsentKitError::InvalidInput { reason }) => assert!(
                reason.contains("must be 32 bytes") && reason.contains(&format!("found {len}")),
                "{reason}"
            ),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(notice(32).unwrap().sha256, [7; 32]);
    // A commitment's salt is 16 bytes.
    let mut buf = Vec::new();
    <Vec<u8> as Lower<Tag>>::write(vec![1; 32], &mut buf);
    <Vec<u8> as Lower<Tag>>::write(vec![2; 15], &mut buf);
    match <Commitment as Lift<Tag>>::try_read(&mut buf.as_slice())
        .unwrap_err()
        .downcast::<ConsentKitError>()
    {
        Ok(ConsentKitError::InvalidInput { reason }) => {
            assert!(reason.contains("must be 16 bytes"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

/// A receipt's purpose, category and recipient cross as strings: a term or
/// party in full, or `#i` for the grant's item i; both directions agree,
/// and a bad term is InvalidInput naming it.
#[test]
fn receipt_references_cross_as_strings_and_round_trip() {
    use consentkit::{PartyRef, TermRef};
    use uniffi::{FfiConverter, Lift, Lower};
    type Tag = consentkit::UniFfiTag;
    let term_ref = |s: &str| {
        <TermRef as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(s.to_owned()))
    };
    let party_ref = |s: &str| {
        <PartyRef as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(s.to_owned()))
    };
    assert_eq!(
        term_ref("pd:Location").unwrap(),
        TermRef::Term(consentkit::term("pd:Location").unwrap())
    );
    assert_eq!(term_ref("#3").unwrap(), TermRef::Granted(3));
    assert_eq!(party_ref("#0").unwrap(), PartyRef::Granted(0));
    assert_eq!(
        party_ref("city.example").unwrap(),
        PartyRef::Party("city.example".into())
    );
    for r in [TermRef::Granted(7), term_ref("dpv:Marketing").unwrap()] {
        let s = <String as Lift<Tag>>::try_lift(<TermRef as Lower<Tag>>::lower(r.clone()));
        assert_eq!(term_ref(&s.unwrap()).unwrap(), r);
    }
    for p in [PartyRef::Granted(2), PartyRef::Party("city.example".into())] {
        let s = <String as Lift<Tag>>::try_lift(<PartyRef as Lower<Tag>>::lower(p.clone()));
        assert_eq!(party_ref(&s.unwrap()).unwrap(), p);
    }
    for bad in ["not a term", "#", "#x", "#70000"] {
        assert!(
            matches!(
                term_ref(bad).unwrap_err().downcast::<ConsentKitError>(),
                Ok(ConsentKitError::InvalidInput { .. })
            ),
            "{bad}"
        );
    }
}

/// A key id crosses as its 64 hex digits; anything else is InvalidInput.
#[test]
fn key_ids_cross_as_64_hex_digits() {
    use consentkit::KeyId;
    use uniffi::{FfiConverter, Lift, Lower};
    type Tag = consentkit::UniFfiTag;
    let lift = |s: String| <KeyId as Lift<Tag>>::try_lift(<String as FfiConverter<Tag>>::lower(s));
    assert_eq!(lift("ab".repeat(32)).unwrap(), KeyId([0xab; 32]));
    let s = <String as Lift<Tag>>::try_lift(<KeyId as Lower<Tag>>::lower(KeyId([0xcd; 32])));
    assert_eq!(s.unwrap(), "cd".repeat(32));
    for bad in ["ab".repeat(8), "zz".repeat(32)] {
        assert!(matches!(
            lift(bad.clone()).unwrap_err().downcast::<ConsentKitError>(),
            Ok(ConsentKitError::InvalidInput { reason }) if reason.contains(&bad)
        ));
    }
}

/// A public key is one shape (`RawPublicKey`, as in JavaScript): what a key
/// pair, a controller and a wallet report, what a trust set and a wallet
/// take, with its kid and COSE_Key; bytes that are not a key are InvalidInput.
#[test]
fn a_public_key_is_a_raw_public_key_everywhere() {
    let key = KeyPair::generate(Algorithm::ES256).unwrap();
    let public = key.public_key();
    assert_eq!(public.algorithm, Algorithm::ES256);
    assert_eq!(public.bytes, key.public_key_raw());
    assert_eq!(public.kid().unwrap(), key.kid());
    assert_eq!(
        public_key_from_cose_key(public.to_cose_key().unwrap()).unwrap(),
        public
    );
    assert_eq!(Controller::new(key.clone()).public_key(), public);
    let trust = TrustSet::new();
    trust
        .add(public.clone(), Role::Controller, "traffic.example".into())
        .unwrap();
    assert_eq!(trust.keys()[0].kid.to_string(), public.kid().unwrap());
    let wallet = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    wallet
        .trust_key(public.clone(), Role::Controller, "traffic.example".into())
        .unwrap();
    let bad = RawPublicKey {
        algorithm: Algorithm::Ed25519,
        bytes: vec![1; 31],
    };
    assert!(matches!(
        trust.add(bad.clone(), Role::Partner, "x".into()),
        Err(ConsentKitError::InvalidInput { .. })
    ));
    assert!(matches!(
        bad.kid(),
        Err(ConsentKitError::InvalidInput { .. })
    ));
}

/// One definition per type (issue 12 item 1): the audit report and every
/// record in it are the core's own types (uniffi derives in core/), not
/// mirrors: `Verifier.audit` returns the core's `audit::Report` itself. Its
/// provenance is nested as in JavaScript and the JSON (`trust.sha256`,
/// `signatures.checked`; it was flattened to `trustSha256`,
/// `signaturesChecked`), and `isClean()` / `outcomeName()` are the core's
/// methods, exported (they were fields of the skin's record).
#[test]
fn the_audit_report_is_the_cores_record() {
    use consentkit::audit::{self as ck_audit, AuditOptions};
    let p = consentkit::sample::Parties::new().unwrap();
    let bundle: Vec<u8> = consentkit::sample::all(&p)
        .unwrap()
        .iter()
        .flat_map(|a| a.as_bytes().to_vec())
        .collect();
    let at = Some(T0 + 30 * 86_400);
    let core = ck_audit::audit_bytes(&bundle, &p.trust(), &AuditOptions { at });
    let trust = TrustSet::from_cose_key_set(p.trust().to_cose_key_set()).unwrap();
    let skin: ck_audit::Report = Verifier::new(trust).audit(bundle, at);
    assert_eq!(skin, core);
    let controllers: &Vec<ck_audit::ControllerStats> = &skin.controllers;
    assert_eq!(controllers[0].controller, consentkit::sample::CONTROLLER);
    assert_eq!(controllers[0].receipts, 1);
    let provenance: &ck_audit::Provenance = &skin.provenance;
    let trust_view: &ck_audit::TrustProvenance = &provenance.trust;
    assert_eq!(trust_view.sha256.len(), 64);
    assert!(trust_view
        .keys
        .iter()
        .any(|k| k.role == consentkit::keys::Role::Controller));
    let signatures: ck_audit::SignatureCounts = provenance.signatures;
    assert!(signatures.checked > 0);
    let log: &Option<ck_audit::LogProvenance> = &provenance.log;
    assert!(log.is_none());
    let outcome: ck_audit::Outcome = skin.outcome;
    assert_eq!(outcome, ck_audit::Outcome::Clean);
    assert_eq!(skin.outcome_name(), "clean");
    assert!(skin.is_clean());
    let empty = Verifier::new(TrustSet::new()).audit(Vec::new(), at);
    assert_eq!(
        (empty.outcome_name().as_str(), empty.is_clean()),
        ("empty", false)
    );
}

/// One shape for `TrustSet.keys()` in every skin (issue 12 item 1): the
/// core's `audit::TrustedKeyInfo` (`AuditTrustedKey`: kid, algorithm, role,
/// party), sorted by kid, exactly the report's `provenance.trust.keys` for
/// the same set (it was a record holding a `PublicKeyInfo`).
#[test]
fn trust_set_keys_are_the_reports_trusted_keys() {
    let a = KeyPair::generate(Algorithm::ES256).unwrap();
    let b = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let trust = TrustSet::new();
    trust
        .add(a.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    trust
        .add(b.public_key(), Role::Person, "person".into())
        .unwrap();
    let keys: Vec<consentkit::audit::TrustedKeyInfo> = trust.keys();
    let mut kids = vec![a.kid(), b.kid()];
    kids.sort();
    assert_eq!(
        keys.iter().map(|k| k.kid.to_string()).collect::<Vec<_>>(),
        kids
    );
    let of_a = keys.iter().find(|k| k.kid.to_string() == a.kid()).unwrap();
    assert_eq!(
        (of_a.algorithm, of_a.role, of_a.party.as_str()),
        (Algorithm::ES256, Role::Controller, "traffic.example")
    );
    let report = Verifier::new(trust.clone()).audit(Vec::new(), Some(T0));
    assert_eq!(report.provenance.trust.keys, keys);
}

/// One definition per type (issue 12 item 1): `Status`, `StatusReference` and
/// `StatusAnswer` are the core's own types (uniffi derives in core/).
#[test]
fn the_status_records_are_the_cores() {
    use consentkit::status as ck_status;
    let registry = StatusRegistry::new("https://traffic.example/status/1".into(), 2, 256).unwrap();
    let reference: ck_status::StatusReference = registry.assign().unwrap();
    assert_eq!(reference.uri, "https://traffic.example/status/1");
    let status: ck_status::Status = Status::Suspended;
    registry.set_status(reference.idx, status).unwrap();
    type CheckStatus = fn(
        &Verifier,
        Vec<u8>,
        Vec<u8>,
        Option<Timestamp>,
    ) -> Result<ck_status::StatusAnswer, ConsentKitError>;
    let check: CheckStatus = Verifier::check_grant_status;
    assert!(matches!(
        check(&Verifier::new(TrustSet::new()), vec![0xff], vec![], None),
        Err(ConsentKitError::InvalidInput { .. })
    ));
}

/// One definition per type (issue 12 item 1): the wallet's views, its change
/// events and its repair and log records are the core's own types (uniffi
/// derives in core/); the skin's summary holds what the core computed.
#[test]
fn the_wallet_records_are_the_cores() {
    use consentkit::wallet as ck_wallet;
    use std::sync::Mutex;
    struct Events(Mutex<Vec<ck_wallet::WalletEvent>>);
    impl WalletListener for Events {
        fn on_change(&self, event: ck_wallet::WalletEvent) -> Result<(), ConsentKitError> {
            self.0.lock().unwrap().push(event);
            Ok(())
        }
    }
    let ck = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(ck.clone());
    let wallet = Wallet::in_memory(Algorithm::Ed25519).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let events = Arc::new(Events(Mutex::new(Vec::new())));
    wallet.subscribe(events.clone(), T0).unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let id = wallet.receive(offer.clone(), T0).unwrap().artifact.id;
    let grant = wallet
        .accept(id.to_string(), Choice::default(), T0 + 10)
        .unwrap();
    let signed = controller.countersign(grant, offer).unwrap();
    let g = wallet.receive(signed, T0 + 20).unwrap().artifact;
    let value = controller
        .issue_value_record(ValueRecord {
            grant: consentkit::artifact::ArtifactId::from_hex(&g.id.to_string()).unwrap(),
            issued_at: T0 + 30,
            benefit: Benefit {
                kind: BenefitKind::Money,
                amount: 150,
                unit: "EUR".into(),
                condition: None,
                description: None,
            },
        })
        .unwrap();
    wallet.receive(value, T0 + 40).unwrap();

    // The summary is the core's `wallet::Summary` itself (`WalletSummary`,
    // its list of log checks `logs` in every language).
    let summary: ck_wallet::Summary = wallet.summary(T0 + 50).unwrap();
    let received: &Vec<ck_wallet::ValueReceived> = &summary.received;
    assert_eq!(
        *received,
        [ck_wallet::ValueReceived {
            controller: "traffic.example".into(),
            unit: "EUR".into(),
            amount: 150,
        }]
    );
    let grants: Vec<ck_wallet::GrantView> = wallet.grants(T0 + 50).unwrap();
    assert_eq!(grants, summary.grants);
    assert_eq!(grants[0].id.to_string(), g.id.to_string());
    let _: &Vec<ck_wallet::Shared> = &summary.shared;
    let logs: Vec<ck_wallet::LogCheck> = wallet.check_logs();
    assert_eq!(logs, summary.logs);
    let problems: Vec<ck_wallet::WalletProblem> = wallet.problems();
    assert!(problems.is_empty());
    let repair: fn(String) -> Result<ck_wallet::RepairReport, ConsentKitError> = repair_wallet;
    assert!(repair("/nonexistent/consentkit-wallet".into()).is_err());
    let witnessed: Vec<ck_wallet::WitnessedLogCheck> = wallet
        .check_logs_witnessed("".into(), 0)
        .unwrap_or_default();
    assert!(witnessed.is_empty());

    let events = events.0.lock().unwrap();
    assert!(events[0].replay);
    let last = events.last().unwrap();
    let added: &Vec<ck_wallet::AddedArtifact> = &last.added;
    assert_eq!(added[0].kind, ArtifactKind::ValueRecord);
    assert_eq!(last.grants, grants);
}
