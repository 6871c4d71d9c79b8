//! The consent lifecycle: a grant's state at any instant, computed from the
//! artifacts, and whether one data use was covered by a grant.
//!
//! States follow W3C DPV consent statuses: requested (offer only), given,
//! refused, withdrawn (by the person), revoked (by the controller),
//! expired, superseded.

use serde::Serialize;

use crate::artifact::{ArtifactId, Digest, Grant, Offer, Timestamp, WithdrawnBy};
use crate::vocab::Term;

/// Seconds in a day; usage limits count per UTC day.
pub const DAY: u64 = 86_400;

/// A grant's state (W3C DPV consent status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ConsentState {
    /// Only the offer exists (`dpv:ConsentRequested`); before the grant was given.
    Requested,
    /// Given and in force (`dpv:ConsentGiven`).
    Given,
    /// Refused (`dpv:ConsentRefused`).
    Refused,
    /// Withdrawn by the person (`dpv:ConsentWithdrawn`).
    Withdrawn,
    /// Revoked by the controller (`dpv:ConsentRevoked`).
    Revoked,
    /// Expired (`dpv:ConsentExpired`).
    Expired,
    /// Replaced by a newer grant (renewal or change).
    Superseded,
}

impl ConsentState {
    /// The DPV term for the state.
    pub fn dpv(self) -> &'static str {
        match self {
            ConsentState::Requested => "dpv:ConsentRequested",
            ConsentState::Given => "dpv:ConsentGiven",
            ConsentState::Refused => "dpv:ConsentRefused",
            ConsentState::Withdrawn => "dpv:ConsentWithdrawn",
            ConsentState::Revoked => "dpv:ConsentRevoked",
            ConsentState::Expired => "dpv:ConsentExpired",
            ConsentState::Superseded => "dpv:RenewedConsentGiven",
        }
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            ConsentState::Requested => "requested",
            ConsentState::Given => "given",
            ConsentState::Refused => "refused",
            ConsentState::Withdrawn => "withdrawn",
            ConsentState::Revoked => "revoked",
            ConsentState::Expired => "expired",
            ConsentState::Superseded => "superseded",
        }
    }
}

/// A grant with everything that bears on its state: its offer (if known),
/// the earliest withdrawal, and the grant that superseded it.
#[derive(Clone, Debug)]
pub struct GrantRecord {
    /// The grant's id.
    pub id: ArtifactId,
    /// The grant.
    pub grant: Grant,
    /// The offer it accepts, if known.
    pub offer: Option<Offer>,
    /// The earliest withdrawal or revocation: (effective time, by whom, withdrawal id).
    pub ended: Option<(Timestamp, WithdrawnBy, ArtifactId)>,
    /// The earliest grant superseding this one: (its issue time, its id).
    pub superseded: Option<(Timestamp, ArtifactId)>,
    /// The earliest refusal by the person, at the same controller, of the
    /// same offer, issued after this grant was given: (its issue time, its
    /// id). It ends the grant like the person's withdrawal effective then.
    pub refused: Option<(Timestamp, ArtifactId)>,
}

/// One data use to check against a grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataUse {
    /// The data category.
    pub category: Term,
    /// The purpose.
    pub purpose: Term,
    /// Who received the data.
    pub recipient: String,
    /// Who signed the receipt (controller or partner party id).
    pub signer: String,
    /// When.
    pub at: Timestamp,
    /// Precision of the data, if given.
    pub precision: Option<u32>,
}

/// A [`DataUse`] with borrowed fields: what the audit judges for every
/// receipt, without copying its terms and parties.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UseBorrowed<'a> {
    pub(crate) category: &'a Term,
    pub(crate) purpose: &'a Term,
    pub(crate) recipient: &'a str,
    pub(crate) signer: &'a str,
    pub(crate) at: Timestamp,
    pub(crate) precision: Option<u32>,
}

impl DataUse {
    fn borrowed(&self) -> UseBorrowed<'_> {
        UseBorrowed {
            category: &self.category,
            purpose: &self.purpose,
            recipient: &self.recipient,
            signer: &self.signer,
            at: self.at,
            precision: self.precision,
        }
    }
}

/// Why a data use was not covered. Each maps to an audit finding kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Denial {
    /// Used before the grant was given.
    #[error("used at {}, before the grant was given at {}", t(*at), t(*given))]
    BeforeGrant {
        /// Use time.
        at: Timestamp,
        /// Grant time.
        given: Timestamp,
    },
    /// Used at or after the grant was withdrawn or revoked.
    #[error("used at {}, at or after the grant was {} at {} (withdrawal {by_artifact})", t(*at), if *by == WithdrawnBy::Person { "withdrawn" } else { "revoked" }, t(*ended))]
    AfterWithdrawal {
        /// Use time.
        at: Timestamp,
        /// When the withdrawal took effect.
        ended: Timestamp,
        /// Who ended it.
        by: WithdrawnBy,
        /// The withdrawal's id.
        by_artifact: ArtifactId,
    },
    /// Used at or after the person refused the grant's offer (a refusal
    /// issued after the grant ends it, like a withdrawal).
    #[error("used at {}, at or after the person refused the offer at {} (refusal {by_artifact}), which ended the grant", t(*at), t(*refused))]
    AfterRefusal {
        /// Use time.
        at: Timestamp,
        /// When the refusal was issued.
        refused: Timestamp,
        /// The refusal's id.
        by_artifact: ArtifactId,
    },
    /// Used at or after the grant expired (its own expiry or the offer's use-by date).
    #[error("used at {}, at or after the grant expired at {}", t(*at), t(*expired))]
    AfterExpiry {
        /// Use time.
        at: Timestamp,
        /// Expiry.
        expired: Timestamp,
    },
    /// Used under a grant already replaced by a newer one.
    #[error("used at {}, at or after the grant was superseded by grant {by} at {}", t(*at), t(*since))]
    Superseded {
        /// Use time.
        at: Timestamp,
        /// When the newer grant was given.
        since: Timestamp,
        /// The newer grant.
        by: ArtifactId,
    },
    /// The purpose was not granted (to this recipient).
    #[error("purpose {purpose} not granted{}", recipient_note(recipient))]
    PurposeNotGranted {
        /// The purpose.
        purpose: Term,
        /// The recipient, if a partner.
        recipient: Option<String>,
    },
    /// The category was not granted (to this recipient).
    #[error("category {category} not granted{}", recipient_note(recipient))]
    CategoryNotGranted {
        /// The category.
        category: Term,
        /// The recipient, if a partner.
        recipient: Option<String>,
    },
    /// The recipient (or the signer passing data on) is not granted.
    #[error("{party} is not a recipient under this grant")]
    RecipientNotGranted {
        /// The party.
        party: String,
    },
    /// Data finer than the offer's finest precision.
    #[error("precision {precision} is finer than the allowed {finest}")]
    PrecisionExceeded {
        /// The use's precision.
        precision: u32,
        /// The finest allowed.
        finest: u32,
    },
}

fn t(secs: Timestamp) -> String {
    crate::audit::fmt_time(secs)
}

fn recipient_note(r: &Option<String>) -> String {
    match r {
        Some(p) => format!(" to recipient {p}"),
        None => String::new(),
    }
}

impl GrantRecord {
    /// A record for a grant with nothing else known yet.
    pub fn new(id: ArtifactId, grant: Grant) -> GrantRecord {
        GrantRecord {
            id,
            grant,
            offer: None,
            ended: None,
            superseded: None,
            refused: None,
        }
    }

    /// Whether a refusal ends this grant (docs/FORMAT.md §11.1): the same
    /// person (pseudonym) at the same controller refused the same offer
    /// after the grant was given. The audit and the wallet both use this.
    /// The refusal's controller, pseudonym, offer and issue time are given.
    pub fn is_ended_by_refusal(
        &self,
        controller: &str,
        subject: &crate::artifact::Pseudonym,
        offer: &Digest,
        refused_at: Timestamp,
    ) -> bool {
        self.grant.controller == controller
            && &self.grant.subject == subject
            && &self.grant.offer == offer
            && self.grant.issued_at < refused_at
    }

    /// Records a refusal that ends the grant; the earliest counts.
    pub fn add_refusal(&mut self, at: Timestamp, by: ArtifactId) {
        if self.refused.is_none_or(|(t, b)| (at, by) < (t, b)) {
            self.refused = Some((at, by));
        }
    }

    /// Records a withdrawal; the earliest effective one counts.
    pub fn add_withdrawal(&mut self, effective: Timestamp, by: WithdrawnBy, id: ArtifactId) {
        if self
            .ended
            .is_none_or(|(t, _, wid)| (effective, id) < (t, wid))
        {
            self.ended = Some((effective, by, id));
        }
    }

    /// Records a superseding grant; the earliest counts.
    pub fn add_superseded(&mut self, at: Timestamp, by: ArtifactId) {
        if self.superseded.is_none_or(|(t, b)| (at, by) < (t, b)) {
            self.superseded = Some((at, by));
        }
    }

    /// When the grant stops covering uses by expiry: its own expiry or the
    /// offer's use-by date, whichever is earlier.
    pub fn expiry(&self) -> Option<Timestamp> {
        let use_by = self.offer.as_ref().and_then(|o| o.limits.use_by);
        match (self.grant.expires_at, use_by) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The state at instant `t`.
    pub fn state_at(&self, t: Timestamp) -> ConsentState {
        if t < self.grant.issued_at {
            return ConsentState::Requested;
        }
        let refused = self.refused.filter(|(r, _)| t >= *r);
        match self.ended.filter(|(e, _, _)| t >= *e) {
            // The earlier end decides (a withdrawal on a tie).
            Some((e, by, _)) if refused.is_none_or(|(r, _)| e <= r) => {
                return match by {
                    WithdrawnBy::Person => ConsentState::Withdrawn,
                    WithdrawnBy::Controller => ConsentState::Revoked,
                };
            }
            _ if refused.is_some() => return ConsentState::Withdrawn,
            _ => {}
        }
        if let Some((s, _)) = self.superseded {
            if t >= s {
                return ConsentState::Superseded;
            }
        }
        if self.expiry().is_some_and(|x| t >= x) {
            return ConsentState::Expired;
        }
        ConsentState::Given
    }

    /// Whether one data use was covered by this grant; if not, why. Usage
    /// counts per day are checked by the caller (the audit engine counts
    /// them across the whole bundle, whatever the order).
    pub fn permits(&self, u: &DataUse) -> Result<(), Denial> {
        self.permits_borrowed(u.borrowed())
    }

    /// [`GrantRecord::permits`] of a borrowed use (copies only to say why not).
    pub(crate) fn permits_borrowed(&self, u: UseBorrowed<'_>) -> Result<(), Denial> {
        let g = &self.grant;
        if u.at < g.issued_at {
            return Err(Denial::BeforeGrant {
                at: u.at,
                given: g.issued_at,
            });
        }
        let refused = self.refused.filter(|(r, _)| u.at >= *r);
        match self.ended.filter(|(e, _, _)| u.at >= *e) {
            // The earlier end decides (a withdrawal on a tie).
            Some((e, by, id)) if refused.is_none_or(|(r, _)| e <= r) => {
                return Err(Denial::AfterWithdrawal {
                    at: u.at,
                    ended: e,
                    by,
                    by_artifact: id,
                });
            }
            _ => {}
        }
        if let Some((r, id)) = refused {
            return Err(Denial::AfterRefusal {
                at: u.at,
                refused: r,
                by_artifact: id,
            });
        }
        if let Some((s, by)) = self.superseded {
            if u.at >= s {
                return Err(Denial::Superseded {
                    at: u.at,
                    since: s,
                    by,
                });
            }
        }
        if let Some(x) = self.expiry() {
            if u.at >= x {
                return Err(Denial::AfterExpiry {
                    at: u.at,
                    expired: x,
                });
            }
        }
        let granted_party = |p: &str| p == g.controller || g.recipients.iter().any(|r| r == p);
        if !granted_party(u.signer) {
            return Err(Denial::RecipientNotGranted {
                party: u.signer.to_owned(),
            });
        }
        if !granted_party(u.recipient) {
            return Err(Denial::RecipientNotGranted {
                party: u.recipient.to_owned(),
            });
        }
        let partner = (u.recipient != g.controller).then_some(u.recipient);
        if !g.purposes.contains(u.purpose) {
            return Err(Denial::PurposeNotGranted {
                purpose: u.purpose.clone(),
                recipient: None,
            });
        }
        if !g.categories.contains(u.category) {
            return Err(Denial::CategoryNotGranted {
                category: u.category.clone(),
                recipient: None,
            });
        }
        if let (Some(p), Some(o)) = (&partner, &self.offer) {
            match o.recipient(p) {
                None => {
                    return Err(Denial::RecipientNotGranted {
                        party: (*p).to_owned(),
                    })
                }
                Some(r) => {
                    if !r.purposes.contains(u.purpose) {
                        return Err(Denial::PurposeNotGranted {
                            purpose: u.purpose.clone(),
                            recipient: partner.map(str::to_owned),
                        });
                    }
                    if !r.categories.contains(u.category) {
                        return Err(Denial::CategoryNotGranted {
                            category: u.category.clone(),
                            recipient: partner.map(str::to_owned),
                        });
                    }
                }
            }
        }
        if let (Some(prec), Some(finest)) = (
            u.precision,
            self.offer.as_ref().and_then(|o| o.limits.finest_precision),
        ) {
            if prec < finest {
                return Err(Denial::PrecisionExceeded {
                    precision: prec,
                    finest,
                });
            }
        }
        Ok(())
    }

    /// The usage limit per day, if the offer sets one.
    pub fn uses_per_day(&self) -> Option<u32> {
        self.offer.as_ref().and_then(|o| o.limits.uses_per_day)
    }
}

/// Ways a grant accepts more than its offer allowed.
pub fn grant_exceeds_offer(
    grant: &Grant,
    offer: &Offer,
    offer_digest: &Digest,
    grant_offer: &Digest,
) -> Vec<String> {
    let mut out = Vec::new();
    if offer_digest != grant_offer {
        out.push("the grant references a different offer".to_owned());
        return out;
    }
    out.extend(
        crate::artifact::offer_mismatches(grant, offer)
            .iter()
            .map(ToString::to_string),
    );
    out
}

#[cfg(test)]
mod tests;
