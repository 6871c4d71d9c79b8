#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod controller;
mod error;
mod export;
mod keys;
mod types;
mod verify;
mod wallet;

pub use controller::{read_offer, Controller};
pub use error::ConsentKitError;
pub use export::{export_consents, ConsentExport, RefusedExport};
pub use keys::{
    public_key_info, ExternalKeyProvider, ExternalSigner, KeyPair, PublicKeyInfo, RawPublicKey,
    TrustSet, TrustedKey,
};
pub use types::*;
pub use verify::{commit, decode_artifact, inspect, make_bundle, notice_for_text, Verifier};
pub use wallet::{repair_wallet, RepairReport, Wallet, WalletProblem};

uniffi::setup_scaffolding!("consentkit");

#[cfg(test)]
mod tests;
