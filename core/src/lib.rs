#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod artifact;
pub mod audit;
pub mod cbor;
pub mod cose;
pub mod export;
#[cfg(feature = "uniffi")]
pub mod ffi;
pub mod keys;
pub mod lifecycle;
pub mod log;
pub mod privacy;
pub mod sample;
mod sort;
mod sorted;
pub mod status;
pub mod tcf;
pub mod time;
pub mod vocab;
pub mod wallet;

// The uniffi component of the core's own types (feature `uniffi`, enabled
// only by bindings/): records and enums derived where the types are defined,
// generated as the module `consentkit_core` beside the bindings' `consentkit`.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("consentkit_core");

pub use artifact::{
    term, Artifact, ArtifactError, ArtifactId, ArtifactKind, Benefit, BenefitKind, Body,
    CollectionMethod, DataReceipt, Digest, Error, Grant, KnownViolation, Limits, Mistake, Notice,
    Offer, OfferMismatch, PendingSignature, Recipient, Refusal, Signatory, ValueEstimate,
    ValueRecord, VerifiedSigner, VerifyError, Withdrawal, WithdrawnBy,
};
pub use artifact::{PartyRef, ReferenceError, ResolvedReceipt, TermRef};
pub use keys::HeaderKid;
pub use keys::{Algorithm, KeyError, KeyId, KeyPair, PublicKey, Role, Signer, TrustSet};
pub use privacy::{commit, pseudonym, Commitment};
pub use time::{IntoTime, TimeError, TimeUnit, Timestamp};
pub use vocab::{Term, TermError};

#[cfg(feature = "uniffi")]
pub use ffi::ConsentKitError;

/// The workspace README's code examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
