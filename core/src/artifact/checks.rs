//! Mistakes refused before anything is signed: an instant in the wrong
//! unit, a key signing in a role it does not have, a grant accepting more
//! than its offer asked for, a receipt for a use its grant does not cover.
//!
//! A caller that deliberately makes an artifact its counterpart's checks
//! will flag (a simulation, a test of an auditor) says so with a
//! [`KnownViolation`] and the `*_known_violation` methods; nothing else
//! skips these checks.

use std::fmt;

use super::{ArtifactId, ArtifactKind, Body, DataReceipt, Grant, Offer, Timestamp};
use crate::keys::Role;
use crate::lifecycle::{DataUse, Denial, GrantRecord};
use crate::time::{self, TimeError};
use crate::vocab::Term;

/// A caller's explicit statement that the artifact it signs breaks a
/// rule consentkit would otherwise refuse (e.g. a receipt for a use its
/// grant does not cover), with the reason. Only the `*_known_violation`
/// methods take one; a simulation that injects violations for an auditor
/// to find is the intended user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownViolation {
    reason: String,
}

impl KnownViolation {
    /// Records that the caller knows the artifact breaks a rule, and why.
    pub fn new(reason: impl Into<String>) -> KnownViolation {
        KnownViolation {
            reason: reason.into(),
        }
    }

    /// The reason given.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// One way a grant accepts more than its offer, or outside it. The audit
/// reports the same (finding `grant_exceeds_offer`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfferMismatch {
    /// The grant names another controller than the offer's.
    Controller {
        /// The controller the grant names.
        grant: String,
        /// The offer's controller.
        offer: String,
    },
    /// A purpose the offer does not request.
    Purpose(Term),
    /// A data category the offer does not request.
    Category(Term),
    /// A recipient the offer does not name.
    Recipient(String),
    /// Given after the offer's validity ended.
    AfterValidity {
        /// When the grant was given.
        at: Timestamp,
        /// The offer's `valid_until`.
        until: Timestamp,
    },
    /// Given before the offer was valid.
    BeforeValidity {
        /// When the grant was given.
        at: Timestamp,
        /// The offer's `valid_from`.
        from: Timestamp,
    },
}

impl fmt::Display for OfferMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = crate::audit::fmt_time;
        match self {
            OfferMismatch::Controller { grant, offer } => {
                write!(
                    f,
                    "grant names controller {grant}, the offer is from {offer}"
                )
            }
            OfferMismatch::Purpose(p) => write!(f, "purpose {p} was not offered"),
            OfferMismatch::Category(c) => write!(f, "category {c} was not offered"),
            OfferMismatch::Recipient(r) => write!(f, "recipient {r} was not offered"),
            OfferMismatch::AfterValidity { at, until } => write!(
                f,
                "given at {}, after the offer's validity ended at {}",
                t(*at),
                t(*until)
            ),
            OfferMismatch::BeforeValidity { at, from } => write!(
                f,
                "given at {}, before the offer was valid from {}",
                t(*at),
                t(*from)
            ),
        }
    }
}

/// Every way `grant` does not fit `offer` (the offer digest aside), in a fixed order.
pub fn offer_mismatches(grant: &Grant, offer: &Offer) -> Vec<OfferMismatch> {
    let mut out = Vec::new();
    if grant.controller != offer.controller {
        out.push(OfferMismatch::Controller {
            grant: grant.controller.clone(),
            offer: offer.controller.clone(),
        });
    }
    for p in grant
        .purposes
        .iter()
        .filter(|p| !offer.purposes.contains(p))
    {
        out.push(OfferMismatch::Purpose(p.clone()));
    }
    for c in grant
        .categories
        .iter()
        .filter(|c| !offer.categories.contains(c))
    {
        out.push(OfferMismatch::Category(c.clone()));
    }
    for r in grant
        .recipients
        .iter()
        .filter(|r| offer.recipient(r).is_none())
    {
        out.push(OfferMismatch::Recipient(r.clone()));
    }
    if let Some(v) = offer.valid_until {
        if grant.issued_at > v {
            out.push(OfferMismatch::AfterValidity {
                at: grant.issued_at,
                until: v,
            });
        }
    }
    if let Some(v) = offer.valid_from {
        if grant.issued_at < v {
            out.push(OfferMismatch::BeforeValidity {
                at: grant.issued_at,
                from: v,
            });
        }
    }
    out
}

/// A mistake refused before signing. Each variant names what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Mistake {
    /// An instant outside 2000..2100 in seconds (milliseconds, microseconds, a missing epoch).
    #[error("{0}")]
    Time(#[from] TimeError),
    /// The signing key says it has a role that may not make this signature
    /// (e.g. a controller's key signing a person's withdrawal).
    #[error("a {role} key may not sign {what}; it needs a {expected} key")]
    WrongRole {
        /// What was being signed, e.g. "a person's withdrawal".
        what: &'static str,
        /// The signer's role.
        role: Role,
        /// The role(s) that may sign it, e.g. "person".
        expected: &'static str,
    },
    /// The artifact given as the grant's offer is not the offer the grant accepts.
    #[error("the grant accepts offer {grant_offer}…, but the artifact given is {given}")]
    NotTheOffer {
        /// The offer digest the grant names (first 8 hex digits).
        grant_offer: String,
        /// What was given instead ("kind id").
        given: String,
    },
    /// The grant accepts something its offer does not ask for.
    #[error("the grant does not fit its offer: {0}")]
    ExceedsOffer(OfferMismatch),
    /// The artifact given as the receipt's grant is not a grant.
    #[error("a receipt is checked against its grant, but a {found} was given{hint}")]
    NotAGrant {
        /// The kind given.
        found: ArtifactKind,
        /// A hint, e.g. that the receipt cites the offer's id.
        hint: String,
    },
    /// The receipt cites another grant than the one given.
    #[error("the receipt cites grant {cited}, but grant {given} was given")]
    NotTheGrant {
        /// The grant id the receipt cites.
        cited: ArtifactId,
        /// The grant given.
        given: ArtifactId,
    },
    /// The receipt names an item by index that its grant does not list.
    #[error(transparent)]
    Reference(#[from] super::ReferenceError),
    /// The use the receipt records is not covered by its grant.
    #[error("grant {grant} does not cover this use: {denial}")]
    NotCovered {
        /// The grant.
        grant: ArtifactId,
        /// Why not.
        denial: Denial,
    },
}

/// Which signature is being made, and so which roles may make it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Controller(&'static str),
    Person(&'static str),
    ControllerOrPartner(&'static str),
}

impl Slot {
    pub(crate) fn for_body(body: &Body) -> Slot {
        match body {
            Body::Offer(_) => Slot::Controller("an offer"),
            Body::Grant(g) if g.imported => Slot::Controller("an imported grant"),
            Body::Grant(_) => Slot::Person("a grant"),
            Body::Refusal(_) => Slot::Person("a refusal"),
            Body::Withdrawal(w) if w.subject_key.is_some() => Slot::Person("a person's withdrawal"),
            Body::Withdrawal(_) => Slot::Controller("a revocation"),
            Body::DataReceipt(_) => Slot::ControllerOrPartner("a data receipt"),
            Body::ValueRecord(_) => Slot::Controller("a value record"),
        }
    }

    /// Checks a signer's declared role (none declared: any).
    pub(crate) fn check(self, role: Option<Role>) -> Result<(), Mistake> {
        let Some(role) = role else {
            return Ok(());
        };
        let (what, ok, expected) = match self {
            Slot::Controller(w) => (w, role == Role::Controller, "controller"),
            Slot::Person(w) => (w, role == Role::Person, "person"),
            Slot::ControllerOrPartner(w) => (
                w,
                matches!(role, Role::Controller | Role::Partner),
                "controller or partner",
            ),
        };
        if ok {
            Ok(())
        } else {
            Err(Mistake::WrongRole {
                what,
                role,
                expected,
            })
        }
    }
}

fn at(kind: ArtifactKind, field: &str, t: Timestamp) -> Result<(), TimeError> {
    time::check(&format!("{kind}.{field}"), t).map(|_| ())
}

fn opt(kind: ArtifactKind, field: &str, t: Option<Timestamp>) -> Result<(), TimeError> {
    t.map_or(Ok(()), |t| at(kind, field, t))
}

/// Every instant in a payload must be in the signed range ([`crate::time::check`]).
pub(crate) fn check_times(body: &Body) -> Result<(), TimeError> {
    let k = body.kind();
    match body {
        Body::Offer(o) => {
            at(k, "issued_at", o.issued_at)?;
            opt(k, "valid_from", o.valid_from)?;
            opt(k, "valid_until", o.valid_until)?;
            opt(k, "limits.use_by", o.limits.use_by)
        }
        Body::Grant(g) => {
            at(k, "issued_at", g.issued_at)?;
            opt(k, "expires_at", g.expires_at)
        }
        Body::Refusal(r) => at(k, "issued_at", r.issued_at),
        Body::Withdrawal(w) => {
            at(k, "issued_at", w.issued_at)?;
            at(k, "effective_at", w.effective_at)
        }
        Body::DataReceipt(r) => at(k, "used_at", r.used_at),
        Body::ValueRecord(v) => at(k, "issued_at", v.issued_at),
    }
}

/// The first way `grant` (accepting the offer with digest `grant_offer`)
/// does not fit `offer`, the artifact given as its offer.
pub(crate) fn grant_fits_offer(grant: &Grant, offer: &super::Artifact) -> Result<(), Mistake> {
    let not_the_offer = || Mistake::NotTheOffer {
        grant_offer: hex::encode(&grant.offer.0[..4]),
        given: offer.label_str(),
    };
    let Body::Offer(o) = offer.body() else {
        return Err(not_the_offer());
    };
    if offer.digest() != grant.offer {
        return Err(not_the_offer());
    }
    match offer_mismatches(grant, o).into_iter().next() {
        Some(m) => Err(Mistake::ExceedsOffer(m)),
        None => Ok(()),
    }
}

/// Whether `receipt` records a use `grant` (the artifact given as its grant) covers.
pub(crate) fn receipt_fits_grant(
    receipt: &DataReceipt,
    grant: &super::Artifact,
) -> Result<(), Mistake> {
    let g = match grant.body() {
        Body::Grant(g) => g,
        other => {
            let hint = if grant.id() == receipt.grant {
                format!(
                    " (the receipt cites this {}'s id {}: cite the grant's id instead)",
                    other.kind(),
                    receipt.grant
                )
            } else {
                String::new()
            };
            return Err(Mistake::NotAGrant {
                found: other.kind(),
                hint,
            });
        }
    };
    if grant.id() != receipt.grant {
        return Err(Mistake::NotTheGrant {
            cited: receipt.grant,
            given: grant.id(),
        });
    }
    let named = receipt.resolve(g).map_err(Mistake::Reference)?;
    let recipient = named.recipient.unwrap_or_else(|| g.controller.clone());
    let record = GrantRecord::new(grant.id(), g.clone());
    record
        .permits(&DataUse {
            category: named.category,
            purpose: named.purpose,
            recipient,
            signer: g.controller.clone(),
            at: receipt.used_at,
            precision: receipt.precision,
        })
        .map_err(|denial| Mistake::NotCovered {
            grant: grant.id(),
            denial,
        })
}
