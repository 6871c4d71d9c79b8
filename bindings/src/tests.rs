//! Rust-side checks of the translation layer (the foreign tests in
//! `tests/kotlin` and `tests/python` exercise the generated glue).

use std::sync::Arc;

use super::*;

const T0: u64 = consentkit::sample::T0;

fn sample_offer(controller: &str, partner: &str) -> Offer {
    Offer {
        controller: controller.into(),
        name: "live-routing".into(),
        issued_at: T0,
        valid_from: Some(T0),
        valid_until: Some(T0 + 365 * 86_400),
        purposes: vec!["dpv:ServiceProvision".into()],
        categories: vec!["pd:Location".into()],
        recipients: vec![Recipient {
            party: partner.into(),
            purposes: vec!["dpv:ServiceProvision".into()],
            categories: vec!["pd:Location".into()],
        }],
        retention_secs: 86_400,
        limits: Limits::default(),
        legal_basis: "dpv:Consent".into(),
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
    let wallet = Wallet::in_memory(Algorithm::Es256).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let got = wallet.receive(offer.clone(), T0).unwrap();
    assert_eq!(got.artifact.kind, ArtifactKind::Offer);
    let grant = wallet
        .accept(got.artifact.id, Choice::default(), T0 + 10)
        .unwrap();
    let signed = controller.countersign(grant).unwrap();
    let g = wallet.receive(signed, T0 + 20).unwrap().artifact;
    let receipt = controller
        .issue_receipt(DataReceipt {
            grant: g.id.clone(),
            category: "pd:Location".into(),
            purpose: "dpv:ServiceProvision".into(),
            recipient: None,
            used_at: T0 + 30,
            quantity: 1,
            precision: None,
            commitment: commit(b"52.1,4.3".to_vec()).unwrap().value,
        })
        .unwrap();
    assert!(wallet
        .receive(receipt, T0 + 40)
        .unwrap()
        .violations
        .is_empty());
    let views = wallet.grants(T0 + 50);
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
        let k = consentkit::KeyPair::generate(consentkit::Algorithm::EdDSA).unwrap();
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
            algorithm: Algorithm::Es256,
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
            .accept(got.artifact.id, Choice::default(), T0 + 10)
            .unwrap();
        let info = wallet.public_key_for(c.into()).unwrap();
        assert_eq!(info.kid, {
            let m = provider.0.lock().unwrap();
            consentkit::Signer::public_key(&m[c].0).kid().to_string()
        });
        kids.push(info.kid);
    }
    assert_ne!(kids[0], kids[1]);
    assert_eq!(wallet.version(), 2);
    assert!(wallet.problems().is_empty());
    // Without the provider the wallet still reads, and knows its keys.
    let back = Wallet::from_bytes(wallet.to_bytes(), None).unwrap();
    assert_eq!(
        back.public_key_for("music.example".into()).unwrap().kid,
        kids[1]
    );
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
    let wallet = Wallet::in_memory(Algorithm::Es256).unwrap();
    wallet
        .trust_key(ck.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let offer = controller
        .make_offer(sample_offer("traffic.example", "city.example"))
        .unwrap();
    let got = wallet.receive(offer, T0).unwrap();
    let grant = wallet
        .accept(got.artifact.id, Choice::default(), T0 + 10)
        .unwrap();
    let signed = controller.countersign(grant).unwrap();
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
    assert_eq!(receipt["consentReceiptID"], g.id);
    assert_eq!(receipt["consentStatus"], "given");
    assert_eq!(
        receipt["services"][0]["purposes"][0]["thirdPartyName"],
        "City of Example"
    );

    wallet.withdraw(g.id.clone(), T0 + 100).unwrap();
    let iso = export_consents(
        wallet.export_bundle(),
        "iso27560".into(),
        vec![g.id.clone()],
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
