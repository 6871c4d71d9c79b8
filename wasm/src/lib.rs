#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

//! # Layout
//!
//! - [`error`]: the one conversion of every error into a JS `ConsentKitError`.
//! - [`convert`]: JSON views, times, hex ids, input records.
//! - [`keys`]: `Key`, `PublicKey`, `TrustSet`.
//! - [`signer`]: `ExternalKey` (a JS callback signer, or a deferred key signing in two steps).
//! - [`async_signer`]: `AsyncExternalSigner` (a signer answering with a `Promise`),
//!   `Controller.withAsyncSigner`, `prepare…`/`complete`/`signAsync` on `Controller` and `Wallet`.
//! - [`wallet`]: the person's `Wallet`.
//! - [`wallet_lifecycle`]: `Wallet.subscribe`, `needsDecision`, `grantPurpose`, `withdrawPurpose`.
//! - [`issuer`]: the controller's `Controller`.
//! - [`tcf`]: IAB TCF v2.3 / GPP: `decodeTcString`, `decodeGpp`, `tcfForms`,
//!   `tcStringForGrant`, `Controller.importTcString`.
//! - [`status`]: `StatusRegistry`, `checkGrantStatus`, `auditWithStatusLists` (Token Status List).
//! - [`verify`]: `decode`, `inspect`, `verify`, `verifyBundle`, `audit`, `commit`.
//! - [`export`]: `exportConsents` (Kantara Consent Receipt 1.1, ISO/IEC TS 27560).
//! - `ts` (feature `ts`, never in the module): the generator of the data
//!   types' TypeScript declarations, `types.generated.d.ts`.

use wasm_bindgen::prelude::*;

pub mod async_signer;
pub mod convert;
pub mod error;
#[cfg(feature = "auditor")]
pub mod export;
pub mod issuer;
pub mod keys;
pub mod signer;
pub mod status;
#[cfg(feature = "auditor")]
pub mod tcf;
#[cfg(feature = "ts")]
pub mod ts;
pub mod verify;
pub mod wallet;
pub mod wallet_lifecycle;

pub use error::{CkError, Code};

/// The hand-written declarations: what has no Rust definition.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");

/// The data types, generated from their Rust definitions (`ts`,
/// `scripts/gen-ts-types`).
#[wasm_bindgen(typescript_custom_section)]
const TS_GENERATED: &str = include_str!("types.generated.d.ts");
