//! Deterministic sample parties and artifacts: a traffic app, its city
//! partner and one driver. Used by the docs, the tests, the benchmarks and
//! the FORMAT.md examples; handy for trying the API.
//!
//! The keys come from fixed seeds: never use them for anything real.

use crate::artifact::{
    Artifact, Benefit, BenefitKind, CollectionMethod, DataReceipt, Error, Grant, Limits, Notice,
    Offer, Recipient, Refusal, ValueEstimate, ValueRecord, Withdrawal,
};
use crate::keys::{KeyPair, Role, TrustSet};
use crate::privacy::{commit_with_salt, pseudonym};
use crate::time::Timestamp;
use crate::vocab::Term;

/// The sample controller's party id.
pub const CONTROLLER: &str = "traffic.example";
/// The sample partner's party id.
pub const PARTNER: &str = "city.example";
/// 2026-11-01T00:00:00Z.
pub const T0: Timestamp = Timestamp::from_secs(1_793_491_200);

fn seeded(tag: u8) -> Result<KeyPair, Error> {
    Ok(KeyPair::ed25519_from_seed(&[tag; 32])?)
}

/// The sample parties' keys.
pub struct Parties {
    /// The controller's key.
    pub controller: KeyPair,
    /// The partner's key.
    pub partner: KeyPair,
    /// The driver's device key.
    pub person: KeyPair,
    /// The driver's wallet secret.
    pub wallet_secret: [u8; 32],
}

impl Parties {
    /// The fixed sample parties (Ed25519 keys from seeds 0x01, 0x02, 0x03),
    /// each declaring its role (see [`KeyPair::with_role`]).
    pub fn new() -> Result<Parties, Error> {
        Ok(Parties {
            controller: seeded(1)?.with_role(Role::Controller),
            partner: seeded(2)?.with_role(Role::Partner),
            person: seeded(3)?.with_role(Role::Person),
            wallet_secret: [4; 32],
        })
    }

    /// A trust set with the controller and the partner.
    pub fn trust(&self) -> TrustSet {
        use crate::keys::Signer;
        let mut t = TrustSet::new();
        t.insert(self.controller.public_key(), Role::Controller, CONTROLLER);
        t.insert(self.partner.public_key(), Role::Partner, PARTNER);
        t
    }
}

fn t(s: &str) -> Result<Term, Error> {
    crate::artifact::term(s)
}

/// The sample offer: location for live routing, aggregated for the city.
pub fn offer() -> Result<Offer, Error> {
    Ok(Offer {
        controller: CONTROLLER.into(),
        name: "live-routing-2026".into(),
        issued_at: T0,
        valid_from: Some(T0),
        valid_until: Some(T0 + 365 * 86_400),
        purposes: vec![
            t("dpv:ServiceProvision")?,
            t("https://city.example/purpose#UrbanPlanning")?,
        ],
        categories: vec![t("pd:Location")?],
        recipients: vec![Recipient {
            party: PARTNER.into(),
            purposes: vec![t("https://city.example/purpose#UrbanPlanning")?],
            categories: vec![t("pd:Location")?],
        }],
        retention_secs: 30 * 86_400,
        limits: Limits {
            uses_per_day: Some(1_000),
            finest_precision: Some(10),
            use_by: None,
        },
        legal_basis: t("dpv:Consent")?,
        jurisdiction: "EU".into(),
        language: "en".into(),
        notice: Notice::for_text(
            "https://traffic.example/notice/v3",
            b"We use your location to route you around traffic.",
        ),
        value_offered: vec![Benefit {
            kind: BenefitKind::Service,
            amount: 1,
            unit: "month".into(),
            condition: Some("live routing for each month of sharing".into()),
            description: Some("Live traffic routing".into()),
        }],
        value_estimate: Some(ValueEstimate {
            amount: 120,
            currency: "EUR".into(),
            method: "average revenue per active user attributable to location data".into(),
        }),
        service_without_consent: true,
    })
}

/// The signed sample offer.
pub fn signed_offer(p: &Parties) -> Result<Artifact, Error> {
    offer()?.sign(&p.controller)
}

/// The sample grant (the whole offer), unsigned.
pub fn grant_body(p: &Parties, offer: &Artifact) -> Grant {
    let (purposes, categories) = match Offer::from_artifact(offer) {
        Ok(o) => (o.purposes.clone(), o.categories.clone()),
        Err(_) => (Vec::new(), Vec::new()),
    };
    Grant {
        subject: pseudonym(&p.wallet_secret, CONTROLLER),
        controller: CONTROLLER.into(),
        issued_at: T0 + 3_600,
        expires_at: Some(T0 + 180 * 86_400),
        offer: offer.digest(),
        purposes,
        categories,
        recipients: vec![PARTNER.into()],
        method: CollectionMethod::AppUi,
        supersedes: None,
        subject_key: None,
        imported: false,
        status: None,
    }
}

/// The sample grant (whole offer), signed by the person and the controller.
pub fn signed_grant(p: &Parties, offer: &Artifact) -> Result<Artifact, Error> {
    grant_body(p, offer).sign_both(offer, &p.person, &p.controller)
}

/// A sample refusal of the offer.
pub fn signed_refusal(p: &Parties, offer: &Artifact) -> Result<Artifact, Error> {
    Refusal {
        subject: pseudonym(&p.wallet_secret, CONTROLLER),
        controller: CONTROLLER.into(),
        issued_at: T0 + 3_600,
        offer: offer.digest(),
        method: CollectionMethod::AppUi,
        subject_key: None,
    }
    .sign_both(offer, &p.person, &p.controller)
}

/// A sample data receipt: the controller used one location (precision 10 m) for live routing.
pub fn receipt(grant: &Artifact) -> Result<DataReceipt, Error> {
    Ok(DataReceipt {
        grant: grant.id(),
        category: t("pd:Location")?.into(),
        purpose: t("dpv:ServiceProvision")?.into(),
        recipient: Some(CONTROLLER.into()),
        used_at: T0 + 7_200,
        quantity: 1,
        precision: Some(10),
        commitment: commit_with_salt(b"52.5200,13.4050", [9; 16]).value,
    })
}

/// The sample receipt signed by the controller.
pub fn signed_receipt(p: &Parties, grant: &Artifact) -> Result<Artifact, Error> {
    receipt(grant)?.sign(grant, &p.controller)
}

/// A sample value record: one month of live routing delivered.
pub fn signed_value_record(p: &Parties, grant: &Artifact) -> Result<Artifact, Error> {
    ValueRecord {
        grant: grant.id(),
        issued_at: T0 + 30 * 86_400,
        benefit: Benefit {
            kind: BenefitKind::Service,
            amount: 1,
            unit: "month".into(),
            condition: None,
            description: Some("Live traffic routing, November 2026".into()),
        },
    }
    .sign(&p.controller)
}

/// The person withdraws the sample grant.
pub fn signed_withdrawal(p: &Parties, grant: &Artifact) -> Result<Artifact, Error> {
    Withdrawal::by_person(grant.id(), T0 + 10 * 86_400, &p.person)
}

/// One of each artifact type, in lifecycle order: offer, grant, refusal,
/// receipt, value record, withdrawal.
pub fn all(p: &Parties) -> Result<Vec<Artifact>, Error> {
    let offer = signed_offer(p)?;
    let grant = signed_grant(p, &offer)?;
    let refusal = signed_refusal(p, &offer)?;
    let receipt = signed_receipt(p, &grant)?;
    let value = signed_value_record(p, &grant)?;
    let withdrawal = signed_withdrawal(p, &grant)?;
    Ok(vec![offer, grant, refusal, receipt, value, withdrawal])
}
