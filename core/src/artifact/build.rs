//! Defaults and short constructors, so that an artifact is built without
//! the `sample` module: only what differs from the defaults is written.
//!
//! ```
//! use consentkit::{pseudonym, term, DataReceipt, Grant, KeyPair, Notice, Offer, Role, Withdrawal};
//! # fn main() -> Result<(), consentkit::Error> {
//! let shop = KeyPair::generate(consentkit::Algorithm::Ed25519)?.with_role(Role::Controller);
//! let me = KeyPair::generate(consentkit::Algorithm::Ed25519)?.with_role(Role::Person);
//! let now = std::time::SystemTime::now();
//!
//! let offer = Offer {
//!     purposes: vec![term("dpv:Marketing")?],
//!     categories: vec![term("pd:EmailAddress")?],
//!     notice: Notice::for_text("https://shop.example/privacy", b"We email you offers."),
//!     ..Offer::new("shop.example", "newsletter", now)?
//! }
//! .sign(&shop)?;
//! let grant = Grant::accepting(&offer, pseudonym(&[7; 32], "shop.example"), now)?
//!     .sign_both(&offer, &me, &shop)?;
//! let receipt = DataReceipt::under(&grant, term("pd:EmailAddress")?, term("dpv:Marketing")?, now)?
//!     .sign(&grant, &shop)?;
//! let withdrawal = Withdrawal::by_person(grant.id(), now, &me)?;
//! # let _ = (receipt, withdrawal);
//! # Ok(())
//! # }
//! ```

use super::{
    Artifact, ArtifactId, Benefit, BenefitKind, CollectionMethod, DataReceipt, Error, Grant,
    Limits, Notice, Offer, Pseudonym, Refusal, ValueRecord,
};
use crate::time::{IntoTime, Timestamp};
use crate::vocab::Term;

impl Default for Notice {
    /// No notice: an empty URL (refused at signing) and a zero hash.
    fn default() -> Notice {
        Notice {
            url: String::new(),
            sha256: [0; 32],
        }
    }
}

impl Default for Offer {
    /// An offer with nothing requested yet: empty controller, name,
    /// purposes, categories and notice (each refused at signing until
    /// set), `issued_at` 0 (refused at signing), legal basis
    /// `dpv:Consent`, jurisdiction `"EU"`, language `"en"`, no recipients,
    /// no limits, no retention, no value offered, and the service not
    /// claimed to work without consent. Prefer [`Offer::new`].
    fn default() -> Offer {
        Offer {
            controller: String::new(),
            name: String::new(),
            issued_at: Timestamp::default(),
            valid_from: None,
            valid_until: None,
            purposes: Vec::new(),
            categories: Vec::new(),
            recipients: Vec::new(),
            retention_secs: 0,
            limits: Limits::default(),
            legal_basis: Term::consent(),
            jurisdiction: "EU".into(),
            language: "en".into(),
            notice: Notice::default(),
            value_offered: Vec::new(),
            value_estimate: None,
            service_without_consent: false,
        }
    }
}

impl Offer {
    /// An offer by `controller` named `name`, made at `at` (seconds since
    /// the epoch or a [`std::time::SystemTime`], checked), with the
    /// defaults of [`Offer::default`]. Set the purposes, categories and
    /// notice with struct update syntax (`Offer { purposes, ..Offer::new(..)? }`).
    pub fn new(
        controller: impl Into<String>,
        name: impl Into<String>,
        at: impl IntoTime,
    ) -> Result<Offer, Error> {
        Ok(Offer {
            controller: controller.into(),
            name: name.into(),
            issued_at: at.into_time()?,
            ..Offer::default()
        })
    }
}

impl Grant {
    /// The person's grant of the whole of `offer` (every purpose, category
    /// and recipient it asks for), given at `at` through an app's
    /// interface, with no expiry. `subject` is the person's pairwise
    /// pseudonym for the controller ([`crate::pseudonym`]). Narrow it with
    /// struct update syntax before signing.
    pub fn accepting(
        offer: &Artifact,
        subject: Pseudonym,
        at: impl IntoTime,
    ) -> Result<Grant, Error> {
        let o = Offer::from_artifact(offer)?;
        Ok(Grant {
            subject,
            controller: o.controller.clone(),
            issued_at: at.into_time()?,
            expires_at: None,
            offer: offer.digest(),
            purposes: o.purposes.clone(),
            categories: o.categories.clone(),
            recipients: o.recipients.iter().map(|r| r.party.clone()).collect(),
            method: CollectionMethod::AppUi,
            supersedes: None,
            subject_key: None,
            imported: false,
            status: None,
        })
    }
}

impl Refusal {
    /// The person's refusal of `offer` at `at`, through an app's interface.
    pub fn of(offer: &Artifact, subject: Pseudonym, at: impl IntoTime) -> Result<Refusal, Error> {
        let o = Offer::from_artifact(offer)?;
        Ok(Refusal {
            subject,
            controller: o.controller.clone(),
            issued_at: at.into_time()?,
            offer: offer.digest(),
            method: CollectionMethod::AppUi,
            subject_key: None,
        })
    }
}

impl DataReceipt {
    /// A receipt for one use of `category` for `purpose` under `grant` at
    /// `at`, by the signer's own party (`recipient: None`), quantity 1, no
    /// precision, and a zero commitment: set `commitment` to
    /// `commit(data)?.value` ([`crate::commit`]) to commit to the data used.
    pub fn under(
        grant: &Artifact,
        category: Term,
        purpose: Term,
        at: impl IntoTime,
    ) -> Result<DataReceipt, Error> {
        Grant::from_artifact(grant)?;
        Ok(DataReceipt {
            grant: grant.id(),
            category: category.into(),
            purpose: purpose.into(),
            recipient: None,
            used_at: at.into_time()?,
            quantity: 1,
            precision: None,
            commitment: [0; 32],
        })
    }
}

impl ValueRecord {
    /// A record that `benefit` was delivered under grant `grant` at `at`.
    pub fn new(
        grant: ArtifactId,
        benefit: Benefit,
        at: impl IntoTime,
    ) -> Result<ValueRecord, Error> {
        Ok(ValueRecord {
            grant,
            issued_at: at.into_time()?,
            benefit,
        })
    }
}

impl Benefit {
    /// A benefit of `amount` `unit`s, with no condition or description.
    pub fn new(kind: BenefitKind, amount: u64, unit: impl Into<String>) -> Benefit {
        Benefit {
            kind,
            amount,
            unit: unit.into(),
            condition: None,
            description: None,
        }
    }
}
