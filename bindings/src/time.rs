//! Instants at the boundary: seconds since the epoch, checked by the core's
//! rule ([`consentkit::time::check`]: 2000..2100, and a wrong unit named).
//!
//! `Timestamp` is a uniffi custom type over `u64`, native in each language
//! through the conversions in `uniffi.toml` (whole seconds, rounded down,
//! before the core checks them): Kotlin `java.time.Instant`, Swift `Date`,
//! Python an `int` (seconds), a `float` (`time.time()`) or a `datetime`
//! (given back as an `int`). Every instant the skin takes or gives is one.

use crate::error::{ConsentKitError, Result};

/// An instant: seconds since 1970-01-01T00:00:00Z. Kotlin `java.time.Instant`,
/// Swift `Date`; in Python an `int`, a `float` (`time.time()`) or a
/// `datetime` (an aware one; a naive one is local time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(pub u64);

uniffi::custom_type!(Timestamp, u64, {
    lower: |t| t.0,
    try_lift: |v| Ok(Timestamp(v)),
});

impl Timestamp {
    /// The instant, checked by the core's rule; `what` names it in the error.
    pub(crate) fn check(self, what: &str) -> Result<u64> {
        consentkit::time::check(what, self.0).map_err(|e| ConsentKitError::InvalidInput {
            reason: e.to_string(),
        })
    }
}
