//! IAB TCF v2.3 TC strings and GPP strings (`consentkit::tcf`): the core's
//! records, and thin calls into it. Every rule is the core's.

use std::collections::HashMap;

use consentkit::tcf as ck;
use consentkit::{Artifact, Grant, Offer};

use crate::controller::Controller;
use crate::error::Result;
use crate::types::{fixed, terms};
use consentkit::Timestamp;

// The core's own TCF records, exported as they are (uniffi derives in core/,
// feature `uniffi`): id lists are lists of numbers (`Vec<u16>`), and
// `InAppValue`'s variants carry a named `value`.
pub use consentkit::tcf::{
    GppString, InAppValue, PublisherRestriction, PublisherTc, TcString, TcfExport,
};

/// Decodes a TC string strictly (TCF v2.3: the Disclosed Vendors segment is required).
#[uniffi::export]
pub fn decode_tc_string(tc_string: String) -> Result<TcString> {
    Ok(TcString::decode(&tc_string)?)
}

/// Encodes a TC string (core, Disclosed Vendors, and Publisher TC if present).
#[uniffi::export]
pub fn encode_tc_string(tc: TcString) -> Result<String> {
    Ok(tc.encode()?)
}

/// The IAB in-app values (`IABTCF_*` keys) for a TC string.
#[uniffi::export]
pub fn in_app_values(tc: TcString, gdpr_applies: bool) -> Result<HashMap<String, InAppValue>> {
    Ok(tc.in_app_values(gdpr_applies)?.into_iter().collect())
}

/// A GPP string holding the TC string as section 2 (TCF EU v2).
#[uniffi::export]
pub fn gpp_string(tc: TcString) -> Result<String> {
    Ok(ck::gpp_string(&tc)?)
}

/// Decodes a GPP string; its TCF EU v2 section is decoded strictly.
#[uniffi::export]
pub fn decode_gpp(gpp_string: String) -> Result<GppString> {
    Ok(ck::decode_gpp(&gpp_string)?)
}

/// The TC string a grant (artifact bytes) amounts to for a CMP and vendors.
#[uniffi::export]
pub fn tc_string_for_grant(grant: Vec<u8>, export: TcfExport) -> Result<TcString> {
    let a = Artifact::decode(&grant)?;
    let g = Grant::from_artifact(&a)?;
    Ok(ck::tc_string_for_grant(g, &export)?)
}

#[uniffi::export]
impl Controller {
    /// Imports a TC string as an imported grant under `offer` (artifact
    /// bytes) for the person with pseudonym `subject` (16 bytes), signed by
    /// this controller only. `categories` empty = the offer's categories.
    /// Returns the grant's bytes.
    pub fn import_tc_string(
        &self,
        tc_string: String,
        offer: Vec<u8>,
        subject: Vec<u8>,
        categories: Vec<String>,
        expires_at: Option<Timestamp>,
    ) -> Result<Vec<u8>> {
        let tc = ck::TcString::decode(&tc_string)?;
        let a = Artifact::decode(&offer)?;
        let o = Offer::from_artifact(&a)?;
        let ctx = ck::TcfImport {
            subject: fixed::<16>(&subject, "subject")?,
            controller: o.controller.clone(),
            offer: a.digest(),
            categories: if categories.is_empty() {
                o.categories.clone()
            } else {
                terms(&categories)?
            },
            expires_at,
        };
        let g = ck::import_tc_string(&tc, &ctx)?;
        Ok(g.sign_imported(self.signer())?.as_bytes().to_vec())
    }
}
