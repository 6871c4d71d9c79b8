//! What the uniffi skin (Kotlin, Swift, Python) needs from the core beyond
//! the derives on the core's types (feature `uniffi`, enabled only by
//! `bindings/`): the boundary's error type. See ARCHITECTURE.md, "The skins:
//! one definition per type".

mod error;

pub use error::ConsentKitError;

use crate::time::Timestamp;

// An instant crosses as its seconds (u64); each language shows it natively
// through the conversions in core/uniffi.toml: Kotlin `java.time.Instant`,
// Swift `Date`, Python an `int` (it also takes a `float` or a `datetime`).
// The range rule is the core's ([`crate::time::check`]), applied where the
// instant is used, so that the error names the field.
uniffi::custom_type!(Timestamp, u64, {
    lower: |t| t.secs(),
    try_lift: |v| Ok(Timestamp::from_secs(v)),
});
