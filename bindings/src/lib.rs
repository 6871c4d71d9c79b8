#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod controller;
mod error;
mod export;
mod keys;
mod listener;
mod signer;
mod status;
mod tcf;
mod types;
mod verify;
mod wallet;

pub use consentkit::Timestamp;
pub use controller::{read_offer, Controller};
pub use error::ConsentKitError;
pub use export::{export_consents, ConsentExport, RefusedExport};
pub use keys::{
    public_key_from_cose_key, public_key_info, ExternalKeyProvider, ExternalSigner, KeyPair,
    PublicKeyInfo, RawPublicKey, TrustSet,
};
pub use listener::{AddedArtifact, WalletEvent, WalletListener};
pub use signer::{AsyncExternalSigner, PendingSignature};
pub use status::{Status, StatusAnswer, StatusReference, StatusRegistry};
pub use tcf::{
    decode_gpp, decode_tc_string, encode_tc_string, gpp_string, in_app_values, tc_string_for_grant,
    GppString, InAppValue, PublisherRestriction, PublisherTc, TcString, TcfExport,
};
pub use types::*;
pub use verify::{commit, decode_artifact, inspect, make_bundle, notice_for_text, Verifier};
pub use wallet::{repair_wallet, ReceiptCheck, RepairReport, Wallet, WalletProblem};

uniffi::setup_scaffolding!("consentkit");

#[cfg(test)]
mod tests;
