//! The app's side of the person's decisions, as consent SDKs offer it: a
//! change listener that replays the current state and then reports each
//! change, one purpose granted or withdrawn without any UI, whether an
//! offer needs the person's decision, and the check of a restored backup.
//!
//! Every artifact made here goes through the same rules as
//! [`Wallet::accept`] and [`Wallet::withdraw`]: the wallet builds it, the
//! person's key at the controller signs it, and the signing rules of
//! [`crate::artifact`] apply.

use std::sync::Arc;

use serde::Serialize;

use super::{GrantView, Wallet, WalletError};
use crate::artifact::{
    Artifact, ArtifactId, ArtifactKind, Body, CollectionMethod, Digest, Grant, Offer, Timestamp,
};
use crate::lifecycle::{ConsentState, GrantRecord};
use crate::vocab::Term;

/// Told of every change to a wallet's artifacts ([`Wallet::subscribe`]).
///
/// The wallet calls [`WalletListener::on_change`] synchronously, inside the
/// call that changed it, after the change is stored. The listener must not
/// call back into the wallet from there (with the wallet behind a lock,
/// that call would wait for itself): note the event and act on it after
/// the call returns. The Kotlin, Swift, Python and JavaScript skins do that
/// for their listeners: they deliver each event after the wallet call.
pub trait WalletListener: Send + Sync {
    /// One change (or, first, the state at subscription).
    fn on_change(&self, event: &WalletEvent);
}

/// An artifact a change added to the wallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AddedArtifact {
    /// Its id.
    pub id: ArtifactId,
    /// Its kind.
    pub kind: ArtifactKind,
}

/// What a [`WalletListener`] is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WalletEvent {
    /// `true` for the event [`Wallet::subscribe`] sends at once: the state
    /// as it is, nothing added. `false` for every change after it.
    pub replay: bool,
    /// The instant the states are computed at: `now` of the subscription or
    /// of [`Wallet::receive`] / [`Wallet::receive_batch`], `at` of
    /// [`Wallet::accept`], [`Wallet::refuse`], [`Wallet::withdraw`],
    /// [`Wallet::grant_purpose`] and [`Wallet::withdraw_purpose`], and the
    /// artifact's own `iat` for [`Wallet::complete`].
    pub at: Timestamp,
    /// The artifacts the change added, in the order kept (empty in the replay).
    pub added: Vec<AddedArtifact>,
    /// Every grant and its state at `at`, as [`Wallet::grants`] gives them.
    pub grants: Vec<GrantView>,
    /// The grants that are new, or whose state or countersignature differs,
    /// since the previous event this listener was sent (in the replay: all of them).
    pub changed: Vec<GrantView>,
}

/// One listener and the grants it was last told of.
pub(super) struct Subscriber {
    id: u64,
    listener: Arc<dyn WalletListener>,
    last: Vec<GrantView>,
}

/// Artifacts kept since the last announcement, and the next listener id.
#[derive(Default)]
pub(super) struct Announcer {
    pending: Vec<AddedArtifact>,
    next_id: u64,
}

impl Announcer {
    /// Notes an artifact the wallet just kept.
    pub(super) fn kept(&mut self, a: &Artifact) {
        self.pending.push(AddedArtifact {
            id: a.id(),
            kind: a.kind(),
        });
    }
}

/// The instant a person's decision was made (its `iat`); `None` for the
/// controller's artifacts.
pub(super) fn decision_time(a: &Artifact) -> Option<Timestamp> {
    match a.body() {
        Body::Grant(g) => Some(g.issued_at),
        Body::Refusal(r) => Some(r.issued_at),
        Body::Withdrawal(w) => Some(w.issued_at),
        _ => None,
    }
}

/// Whether two offers propose the same terms: equal in every field except
/// when they were made and when they may be accepted (`iat`, `nbf`, `exp`).
/// A re-issued offer with the same terms needs no new decision; any other
/// change (purposes, categories, recipients, retention, limits, legal
/// basis, jurisdiction, language, the notice's URL or hash, the value
/// offered or estimated, the name, service without consent) does.
pub fn same_terms(a: &Offer, b: &Offer) -> bool {
    let undated = |o: &Offer| Offer {
        issued_at: Timestamp::default(),
        valid_from: None,
        valid_until: None,
        ..o.clone()
    };
    undated(a) == undated(b)
}

/// The person's decisions on one offer's terms at its controller.
struct Decisions {
    /// The offer asked about.
    offer: Offer,
    /// Grants of an offer with the same terms, issued at or before the instant.
    grants: Vec<GrantRecord>,
    /// Refusals of such offers: (issue time, id).
    refusals: Vec<(Timestamp, ArtifactId)>,
}

impl Decisions {
    /// The latest grant in force (state `given`) at `t`.
    fn in_force(&self, t: Timestamp) -> Option<&GrantRecord> {
        self.grants
            .iter()
            .filter(|r| r.state_at(t) == ConsentState::Given)
            .max_by_key(|r| (r.grant.issued_at, r.id))
    }
}

impl Wallet {
    /// Subscribes `listener` to the wallet's changes. It is told at once
    /// of the state at `now` (an event with `replay` set, every grant in
    /// `changed`), then of each change to the wallet's artifacts: every
    /// call that keeps artifacts ([`Wallet::receive`],
    /// [`Wallet::receive_batch`], [`Wallet::accept`], [`Wallet::refuse`],
    /// [`Wallet::withdraw`], [`Wallet::complete`], [`Wallet::grant_purpose`],
    /// [`Wallet::withdraw_purpose`]) sends one event naming what it added,
    /// even if it then fails (what was kept stays kept). Calls that keep
    /// nothing (trusting a key, a checkpoint, a proof, a refused artifact,
    /// one already held) send none. Returns the subscription's id, for
    /// [`Wallet::unsubscribe`].
    pub fn subscribe(&mut self, listener: Arc<dyn WalletListener>, now: Timestamp) -> u64 {
        let id = self.announcer.next_id;
        self.announcer.next_id += 1;
        let grants = self.grants(now);
        let event = WalletEvent {
            replay: true,
            at: now,
            added: Vec::new(),
            grants: grants.clone(),
            changed: grants.clone(),
        };
        listener.on_change(&event);
        self.listeners.push(Subscriber {
            id,
            listener,
            last: grants,
        });
        id
    }

    /// Ends a subscription; `false` if there was none with that id.
    pub fn unsubscribe(&mut self, id: u64) -> bool {
        let before = self.listeners.len();
        self.listeners.retain(|s| s.id != id);
        self.listeners.len() != before
    }

    /// Tells every listener of the artifacts kept since the last
    /// announcement, with the grants' states at `at`.
    pub(super) fn announce(&mut self, at: Timestamp) {
        let added = std::mem::take(&mut self.announcer.pending);
        if added.is_empty() || self.listeners.is_empty() {
            return;
        }
        let grants = self.grants(at);
        for s in &mut self.listeners {
            let changed = grants
                .iter()
                .filter(|g| !s.last.contains(g))
                .cloned()
                .collect();
            let event = WalletEvent {
                replay: false,
                at,
                added: added.clone(),
                grants: grants.clone(),
                changed,
            };
            s.last = grants.clone();
            s.listener.on_change(&event);
        }
    }

    /// The person's decisions on the terms of the offer with digest `offer`
    /// (held in the wallet) at its controller, made at or before `t`.
    fn decisions(&self, offer: &Digest, t: Timestamp) -> Result<Decisions, WalletError> {
        let o = self.offer(offer)?.clone();
        // The offers with the same terms: a few at most, so a list.
        let mut same: Vec<Digest> = vec![*offer];
        for a in &self.artifacts {
            if let Body::Offer(other) = a.body() {
                if same_terms(&o, other) {
                    same.push(a.digest());
                }
            }
        }
        let subject = self.pseudonym(&o.controller);
        let grants = self
            .grant_records()
            .into_values()
            .filter(|r| {
                r.grant.controller == o.controller
                    && r.grant.subject == subject
                    && same.contains(&r.grant.offer)
                    && r.grant.issued_at <= t
            })
            .collect();
        let refusals = self
            .artifacts
            .iter()
            .filter_map(|a| match a.body() {
                Body::Refusal(f)
                    if f.controller == o.controller
                        && f.subject == subject
                        && same.contains(&f.offer)
                        && f.issued_at <= t =>
                {
                    Some((f.issued_at, a.id()))
                }
                _ => None,
            })
            .collect();
        Ok(Decisions {
            offer: o,
            grants,
            refusals,
        })
    }

    /// Whether the app should ask the person about the offer with digest
    /// `offer` (held in the wallet; [`WalletError::NotFound`] otherwise) at
    /// `now`.
    ///
    /// The person's decisions on an offer are their grants (their own, or
    /// imported naming their pseudonym; countersigned or still waiting for
    /// the controller) and refusals at the offer's controller, of that
    /// offer or of any offer in the wallet with the same terms
    /// ([`same_terms`]: a re-issued offer that changed only its dates), made
    /// at or before `now`. It is `false` when
    ///
    /// - one of those grants is in force at `now` (state `given`, whichever
    ///   of the offer's purposes it grants), or
    /// - the latest of those decisions is a refusal, or a grant the person
    ///   withdrew (the person said no; that answer stands).
    ///
    /// It is `true` otherwise: the person never decided on these terms
    /// (among them: the offer changed its purposes, its notice's hash or
    /// any other term since they decided), or their latest grant expired
    /// (its own expiry, the offer's `valid_until` it took, or the offer's
    /// use-by date), was revoked by the controller, or was superseded by a
    /// grant of an offer with other terms. Whether the offer itself may
    /// still be accepted (its `nbf` and `exp`) is not considered.
    pub fn needs_decision(&self, offer: &Digest, now: Timestamp) -> Result<bool, WalletError> {
        let d = self.decisions(offer, now)?;
        if d.in_force(now).is_some() {
            return Ok(false);
        }
        // The latest decision; on a tie a grant (a refusal ends only grants issued before it).
        let latest_grant = d.grants.iter().max_by_key(|r| (r.grant.issued_at, r.id));
        let latest_refusal = d.refusals.iter().max();
        Ok(match (latest_grant, latest_refusal) {
            (None, None) => true,
            (Some(g), Some((r, _))) if *r > g.grant.issued_at => false,
            (None, Some(_)) => false,
            (Some(g), _) => g.state_at(now) != ConsentState::Withdrawn,
        })
    }

    /// Grants one more purpose of the offer with digest `offer` at `at`,
    /// without any UI, and returns the grant signed by the person, for the
    /// controller to countersign (it comes back through [`Wallet::receive`]).
    ///
    /// If a grant of that offer (or of one with the same terms) is in force
    /// at `at`, the new grant supersedes it: its purposes plus `purpose`,
    /// the same categories, recipients and expiry. Otherwise the new grant
    /// grants `purpose` alone, with every category and recipient of the
    /// offer and the offer's `valid_until` as its expiry (as
    /// [`Wallet::accept`] with only that purpose chosen). A purpose the offer
    /// does not list, or one the grant in force already grants, is
    /// [`WalletError::Invalid`].
    pub fn grant_purpose(
        &mut self,
        offer: &Digest,
        purpose: &Term,
        at: Timestamp,
    ) -> Result<Artifact, WalletError> {
        let a = self.grant_purpose_quietly(offer, purpose, at);
        self.announce(at);
        a
    }

    fn grant_purpose_quietly(
        &mut self,
        offer: &Digest,
        purpose: &Term,
        at: Timestamp,
    ) -> Result<Artifact, WalletError> {
        let d = self.decisions(offer, at)?;
        let o = &d.offer;
        if !o.purposes.contains(purpose) {
            return Err(WalletError::Invalid(format!(
                "purpose {purpose} is not in the offer"
            )));
        }
        let g = match d.in_force(at) {
            Some(r) => {
                if r.grant.purposes.contains(purpose) {
                    return Err(WalletError::Invalid(format!(
                        "purpose {purpose} is already granted by grant {}",
                        r.id
                    )));
                }
                let mut purposes = r.grant.purposes.clone();
                purposes.push(purpose.clone());
                self.superseding(r, *offer, purposes, at)
            }
            None => Grant {
                subject: self.pseudonym(&o.controller),
                controller: o.controller.clone(),
                issued_at: at,
                expires_at: o.valid_until,
                offer: *offer,
                purposes: vec![purpose.clone()],
                categories: o.categories.clone(),
                recipients: o.recipients.iter().map(|r| r.party.clone()).collect(),
                method: CollectionMethod::Api,
                supersedes: None,
                subject_key: None,
                imported: false,
                status: None,
            },
        };
        self.sign_grant(g)
    }

    /// Withdraws one purpose of the grant of the offer with digest `offer`
    /// in force at `at`, without any UI. Returns what to send to the
    /// controller, in order:
    ///
    /// 1. the person's withdrawal of that grant, effective at `at` (it needs
    ///    no countersignature: from `at` the grant covers no use, for any
    ///    of its purposes);
    /// 2. unless `purpose` was its last purpose, a new grant signed by the
    ///    person that supersedes it, with its other purposes and the same
    ///    categories, recipients and expiry, for the controller to countersign.
    ///
    /// No grant of the offer (or of one with the same terms) in force at
    /// `at`, or a purpose it does not grant, is [`WalletError::Invalid`]. If
    /// the new grant cannot be signed, the withdrawal stands and the error
    /// is returned.
    pub fn withdraw_purpose(
        &mut self,
        offer: &Digest,
        purpose: &Term,
        at: Timestamp,
    ) -> Result<Vec<Artifact>, WalletError> {
        let a = self.withdraw_purpose_quietly(offer, purpose, at);
        self.announce(at);
        a
    }

    fn withdraw_purpose_quietly(
        &mut self,
        offer: &Digest,
        purpose: &Term,
        at: Timestamp,
    ) -> Result<Vec<Artifact>, WalletError> {
        let d = self.decisions(offer, at)?;
        let r = d.in_force(at).ok_or_else(|| {
            WalletError::Invalid(format!(
                "no grant of offer {} is in force at {}: nothing to withdraw",
                hex::encode(&offer.0[..8]),
                crate::audit::fmt_time(at)
            ))
        })?;
        if !r.grant.purposes.contains(purpose) {
            return Err(WalletError::Invalid(format!(
                "purpose {purpose} is not granted by grant {}",
                r.id
            )));
        }
        let rest: Vec<Term> = r
            .grant
            .purposes
            .iter()
            .filter(|p| *p != purpose)
            .cloned()
            .collect();
        let next = (!rest.is_empty()).then(|| self.superseding(r, *offer, rest, at));
        let mut out = vec![self.withdraw_quietly(r.id, at)?];
        if let Some(g) = next {
            out.push(self.sign_grant(g)?);
        }
        Ok(out)
    }

    /// A grant that supersedes `old` at `at`, for `offer`, with `purposes`
    /// and `old`'s categories, recipients and expiry.
    fn superseding(
        &self,
        old: &GrantRecord,
        offer: Digest,
        purposes: Vec<Term>,
        at: Timestamp,
    ) -> Grant {
        Grant {
            subject: old.grant.subject,
            controller: old.grant.controller.clone(),
            issued_at: at,
            expires_at: old.grant.expires_at,
            offer,
            purposes,
            categories: old.grant.categories.clone(),
            recipients: old.grant.recipients.clone(),
            method: CollectionMethod::Api,
            supersedes: Some(old.id),
            subject_key: None,
            imported: false,
            status: None,
        }
    }

    /// Signs a grant with the person's key at its controller and keeps it.
    fn sign_grant(&mut self, g: Grant) -> Result<Artifact, WalletError> {
        let controller = g.controller.clone();
        let key = self.ensure_key(&controller)?;
        let p = g.prepare_as_person(&key.public)?;
        self.sign_and_keep(&p, &controller)
    }

    /// Checks what a backup restored: every artifact as [`Wallet::receive`]
    /// checks it (a grant or refusal waiting for its countersignature: the
    /// person's signature, made with their key at that controller).
    pub(super) fn verify_restored(&self) -> Result<(), WalletError> {
        for a in &self.artifacts {
            let pending = a.kind().is_multi_signed()
                && a.signatures().len() == 1
                && !matches!(a.body(), Body::Grant(g) if g.imported);
            let checked = if pending {
                self.check_pending(a)
            } else {
                a.verify(&self.trust)
                    .map_err(WalletError::from)
                    .and_then(|_| self.check_theirs(a))
            };
            checked.map_err(|e| WalletError::BackupContent(format!("{}: {e}", a.label_str())))?;
        }
        Ok(())
    }

    /// A grant or refusal made by the wallet and not yet countersigned: the
    /// person's signature verifies, with their key at that controller.
    fn check_pending(&self, a: &Artifact) -> Result<(), WalletError> {
        a.verify_subject_signature()?;
        let (key, controller) = match a.body() {
            Body::Grant(g) => (g.subject_key.as_ref(), g.controller.as_str()),
            Body::Refusal(r) => (r.subject_key.as_ref(), r.controller.as_str()),
            _ => (None, ""),
        };
        match key {
            Some(k) if self.is_person_key(k, controller) => Ok(()),
            _ => Err(WalletError::Invalid(format!(
                "{} is not signed with the person's key at {controller}",
                a.label_str()
            ))),
        }
    }
}
