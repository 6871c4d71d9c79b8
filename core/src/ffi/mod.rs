//! What the uniffi skin (Kotlin, Swift, Python) needs from the core beyond
//! the derives on the core's types (feature `uniffi`, enabled only by
//! `bindings/`): the boundary's error type, and the custom types that let
//! the core's records cross as they are (instants, terms, ids, digests). See ARCHITECTURE.md, "The skins:
//! one definition per type".

mod error;

pub use error::ConsentKitError;

use crate::artifact::{ArtifactId, BodyJson, Digest, PartyRef, TermRef};
use crate::keys::{HeaderKid, KeyId};
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

// Fixed-length bytes (a SHA-256, a commitment, a salt) cross as bytes: the
// core's fields stay plain arrays (`Notice::sha256: [u8; 32]`,
// `DataReceipt::commitment`, `Commitment::{value, salt}`), and these
// aliases name the arrays for uniffi (a `remote` custom type: the impl is
// for the core's own tag, so it is allowed on a foreign type). Kotlin
// `ByteArray`, Swift `Data`, Python `bytes`. A wrong length is refused
// while it is lifted, as `InvalidInput` naming the length expected.

/// 32 bytes (a SHA-256 or a commitment): bytes in every language.
pub type Bytes32 = [u8; 32];

/// 16 bytes (a commitment's salt): bytes in every language.
pub type Bytes16 = [u8; 16];

fn fixed<const N: usize>(b: Vec<u8>) -> uniffi::Result<[u8; N]> {
    let found = b.len();
    <[u8; N]>::try_from(b).map_err(|_| {
        ConsentKitError::invalid(format!("must be {N} bytes, found {found} bytes")).into()
    })
}

uniffi::custom_type!(Bytes32, Vec<u8>, {
    remote,
    lower: |b| b.to_vec(),
    try_lift: |v| fixed::<32>(v),
});

uniffi::custom_type!(Bytes16, Vec<u8>, {
    remote,
    lower: |b| b.to_vec(),
    try_lift: |v| fixed::<16>(v),
});

// A key id (an RFC 9679 thumbprint) crosses as its 64 hex digits.
uniffi::custom_type!(KeyId, String, {
    lower: |k| k.to_string(),
    try_lift: |s| {
        let bytes = hex::decode(&s).ok();
        bytes
            .as_deref()
            .and_then(KeyId::from_slice)
            .ok_or_else(|| {
                ConsentKitError::invalid(format!("key id must be 64 hex digits, found {s:?}"))
                    .into()
            })
    },
});

// A `kid` as a header carries it crosses as its hex: 64 digits, or 16 for
// a data receipt's short kid.
uniffi::custom_type!(HeaderKid, String, {
    lower: |k| k.to_string(),
    try_lift: |s| {
        let bytes = hex::decode(&s).ok();
        bytes
            .as_deref()
            .and_then(|b| HeaderKid::from_slice(b, true))
            .ok_or_else(|| {
                ConsentKitError::invalid(format!(
                    "header kid must be 64 or 16 hex digits, found {s:?}"
                ))
                .into()
            })
    },
});

// An artifact's payload crosses as its JSON text (Kotlin and Swift have
// no JSON value type of their own; Python reads it with `json.loads`).
uniffi::custom_type!(BodyJson, String, {
    lower: |b| b.0.to_string(),
    try_lift: |s| {
        serde_json::from_str(&s).map(BodyJson).map_err(|e| {
            ConsentKitError::invalid(format!("an artifact body must be JSON: {e}")).into()
        })
    },
});

/// How a receipt's index into its grant's list is written as a string:
/// `#` and the index (`"#0"`), which is never a term or a party id the core
/// accepts in a receipt (a term is a CURIE or IRI). A receipt built by the
/// caller names terms in full; the core writes the index itself when it signs.
fn granted_index(s: &str) -> Option<u16> {
    let digits = s.strip_prefix('#')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

// A receipt's purpose or category crosses as a string: the term's CURIE or
// IRI, or `#i` for item i of the grant's list.
uniffi::custom_type!(TermRef, String, {
    lower: |t| match t {
        TermRef::Term(t) => t.to_string(),
        TermRef::Granted(i) => format!("#{i}"),
    },
    try_lift: |s| match granted_index(&s) {
        Some(i) => Ok(TermRef::Granted(i)),
        None => Term::new(&s)
            .map(TermRef::Term)
            .map_err(|e| ConsentKitError::from(e).into()),
    },
});

// A receipt's recipient crosses as a string: the party id, or `#i` for the
// grant's party i (0: its controller).
uniffi::custom_type!(PartyRef, String, {
    lower: |p| match p {
        PartyRef::Party(p) => p,
        PartyRef::Granted(i) => format!("#{i}"),
    },
    try_lift: |s| Ok(match granted_index(&s) {
        Some(i) => PartyRef::Granted(i),
        None => PartyRef::Party(s),
    }),
});
