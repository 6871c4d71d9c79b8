//! The wallet's app lifecycle for Kotlin, Swift and Python: a change
//! listener (a foreign trait), one purpose granted or withdrawn without UI,
//! and `needsDecision`. Every rule is the core's
//! (`consentkit::wallet::Wallet::{subscribe, grant_purpose, withdraw_purpose,
//! needs_decision}`); this file translates, and delivers the listener's
//! events once the wallet's lock is released.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use consentkit::wallet::{self as ck_wallet};

use crate::error::Result;
use crate::types::term;
use crate::wallet::Wallet;
use consentkit::Timestamp;

/// Told of every change to a wallet's artifacts (`Wallet.subscribe`).
/// Implemented by the app (Kotlin, Swift, Python).
///
/// `onChange` is called once at subscription with the current state
/// (`replay` true), then once per wallet call that kept artifacts
/// (`receive`, `accept`, `refuse`, `withdraw`, `grantPurpose`,
/// `withdrawPurpose`), after the call has released the wallet: the listener
/// may call the wallet. It runs on the thread that made the call. What it
/// throws is ignored (the change is already stored).
#[uniffi::export(with_foreign)]
pub trait WalletListener: Send + Sync {
    /// One change (or, first, the state at subscription).
    fn on_change(&self, event: WalletEvent) -> Result<()>;
}

// The core's event records, exported as they are (uniffi derives in core/,
// feature `uniffi`).
pub use consentkit::wallet::{AddedArtifact, WalletEvent};

/// Events the core sent while the wallet was locked, for delivery after.
#[derive(Default)]
pub(crate) struct Outbox {
    queue: Mutex<Vec<(Arc<dyn WalletListener>, ck_wallet::WalletEvent)>>,
}

impl Outbox {
    fn queue(&self) -> MutexGuard<'_, Vec<(Arc<dyn WalletListener>, ck_wallet::WalletEvent)>> {
        // A poisoned lock needs a panic while held; none of our code panics.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls the listeners with every queued event, in order. The queue is
    /// emptied first, so a listener that calls the wallet is safe.
    fn deliver(&self) {
        let events = std::mem::take(&mut *self.queue());
        for (listener, event) in events {
            // What a listener throws is its own business: the change is stored.
            let _ = listener.on_change(event);
        }
    }
}

/// The core's listener for a foreign one: queues each event in the wallet's outbox.
struct Queued {
    listener: Arc<dyn WalletListener>,
    outbox: Arc<Outbox>,
}

impl ck_wallet::WalletListener for Queued {
    fn on_change(&self, event: &ck_wallet::WalletEvent) {
        self.outbox
            .queue()
            .push((self.listener.clone(), event.clone()));
    }
}

/// Delivers the outbox when dropped.
pub(crate) struct Deliver<'a>(&'a Outbox);

impl Drop for Deliver<'_> {
    fn drop(&mut self) {
        self.0.deliver();
    }
}

/// The locked core wallet. Fields drop in order: the lock is released,
/// then the queued events are delivered.
pub(crate) struct Locked<'a> {
    guard: MutexGuard<'a, ck_wallet::Wallet>,
    _deliver: Deliver<'a>,
}

impl<'a> Locked<'a> {
    pub(crate) fn new(guard: MutexGuard<'a, ck_wallet::Wallet>, outbox: &'a Outbox) -> Self {
        Locked {
            guard,
            _deliver: Deliver(outbox),
        }
    }
}

impl Deref for Locked<'_> {
    type Target = ck_wallet::Wallet;
    fn deref(&self) -> &ck_wallet::Wallet {
        &self.guard
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut ck_wallet::Wallet {
        &mut self.guard
    }
}

#[uniffi::export]
impl Wallet {
    /// Subscribes `listener` to the wallet's changes: it is told at once of
    /// the state at `now` (`replay` true, every grant in `changed`), then of
    /// each call that keeps artifacts. Returns the id for `unsubscribe`.
    pub fn subscribe(&self, listener: Arc<dyn WalletListener>, now: Timestamp) -> Result<u64> {
        let now = now.check("now")?;
        let queued = Arc::new(Queued {
            listener,
            outbox: self.outbox.clone(),
        });
        Ok(self.get().subscribe(queued, now))
    }

    /// Ends a subscription; false if there was none with that id.
    pub fn unsubscribe(&self, id: u64) -> bool {
        self.get().unsubscribe(id)
    }

    /// Whether the app should ask the person about an offer (by id or
    /// digest) at `now`: false while a grant of it (or of a re-issue with
    /// the same terms) is in force, or if the person's latest decision on it
    /// is a refusal or a withdrawal; true if they never decided on these
    /// terms, or their grant expired, was revoked or was superseded by a
    /// grant of an offer with other terms.
    pub fn needs_decision(&self, offer: String, now: Timestamp) -> Result<bool> {
        let now = now.check("now")?;
        let w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.needs_decision(&d, now)?)
    }

    /// Grants one more purpose of an offer (by id or digest) at `at`,
    /// without UI: a grant of that purpose alone, or one that supersedes the
    /// grant in force with the purpose added. Returns the grant signed by
    /// the person, for the controller to countersign.
    pub fn grant_purpose(&self, offer: String, purpose: String, at: Timestamp) -> Result<Vec<u8>> {
        let at = at.check("at")?;
        let purpose = term(&purpose)?;
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.grant_purpose(&d, &purpose, at)?.as_bytes().to_vec())
    }

    /// Withdraws one purpose of the grant of an offer (by id or digest) in
    /// force at `at`, without UI. Returns, in order, the person's
    /// withdrawal of that grant and (unless it was its last purpose) a new
    /// grant of its other purposes, for the controller to countersign.
    pub fn withdraw_purpose(
        &self,
        offer: String,
        purpose: String,
        at: Timestamp,
    ) -> Result<Vec<Vec<u8>>> {
        let at = at.check("at")?;
        let purpose = term(&purpose)?;
        let mut w = self.get();
        let d = Wallet::offer_digest(&w, &offer)?;
        Ok(w.withdraw_purpose(&d, &purpose, at)?
            .iter()
            .map(|a| a.as_bytes().to_vec())
            .collect())
    }
}
