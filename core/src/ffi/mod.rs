//! What the uniffi skin (Kotlin, Swift, Python) needs from the core beyond
//! the derives on the core's types (feature `uniffi`, enabled only by
//! `bindings/`): the boundary's error type, and the custom types that let
//! the core's records cross as they are (instants, terms, ids, digests). See ARCHITECTURE.md, "The skins:
//! one definition per type".

mod error;

pub use error::ConsentKitError;

use crate::artifact::{ArtifactId, Digest};
use crate::time::Timestamp;
use crate::vocab::Term;

// An instant crosses as its seconds (u64); each language shows it natively
// through the conversions in core/uniffi.toml: Kotlin `java.time.Instant`,
// Swift `Date`, Python an `int` (it also takes a `float` or a `datetime`).
// The range rule is the core's ([`crate::time::check`]), applied where the
// instant is used, so that the error names the field.
uniffi::custom_type!(Timestamp, u64, {
    lower: |t| t.secs(),
    try_lift: |v| Ok(Timestamp::from_secs(v)),
});

// A term crosses as its CURIE (`"dpv:Marketing"`) or IRI; a bad one is
// refused while it is lifted, as `InvalidInput` naming it (uniffi hands a
// failed lift to the function's own error type, `ConsentKitError`).
uniffi::custom_type!(Term, String, {
    lower: |t| t.to_string(),
    try_lift: |s| Term::new(&s).map_err(|e| ConsentKitError::from(e).into()),
});

// An artifact id crosses as its 32 hex digits.
uniffi::custom_type!(ArtifactId, String, {
    lower: |id| id.to_string(),
    try_lift: |s| {
        ArtifactId::from_hex(&s).ok_or_else(|| {
            ConsentKitError::invalid(format!("artifact id must be 32 hex digits, found {s:?}"))
                .into()
        })
    },
});

// A digest (an offer's SHA-256, what a grant references) crosses as its 64 hex digits.
uniffi::custom_type!(Digest, String, {
    lower: |d| hex::encode(d.0),
    try_lift: |s| {
        let bytes = hex::decode(&s).ok();
        bytes
            .as_deref()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(Digest)
            .ok_or_else(|| {
                ConsentKitError::invalid(format!("digest must be 64 hex digits, found {s:?}"))
                    .into()
            })
    },
});
