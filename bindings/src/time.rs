//! Instants at the boundary: seconds since the epoch, checked by the core's
//! rule ([`consentkit::time::check`]: 2000..2100, and a wrong unit named).
//!
//! `Timestamp` is a uniffi custom type over `u64`: Kotlin and Swift see
//! `ULong` / `UInt64` (`typealias Timestamp`); Python also takes a `float`
//! (`time.time()`) or a `datetime`, turned into whole seconds by the
//! conversion in `uniffi.toml` (rounded down) before the core checks them.

use crate::error::{ConsentKitError, Result};

/// Seconds since 1970-01-01T00:00:00Z. In Python also a `float`
/// (`time.time()`) or a `datetime` (an aware one; a naive one is local time).
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
