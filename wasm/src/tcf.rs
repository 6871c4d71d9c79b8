//! IAB TCF v2.3 TC strings and GPP strings for JavaScript: the core's
//! `consentkit::tcf`, with JSON views in camelCase (see `convert`).

use consentkit::tcf::{self as ck, TcString, TcfError, TcfExport, TcfImport};
use consentkit::{Artifact, Grant, Offer};
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

use crate::convert::{dpv_list, to_js_as, Obj};
use crate::error::{CkError, Code};
use crate::issuer::Issuer;

#[wasm_bindgen]
extern "C" {
    /// `TcString`.
    #[wasm_bindgen(typescript_type = "TcString")]
    pub type TcStringJs;
    /// `GppString`.
    #[wasm_bindgen(typescript_type = "GppString")]
    pub type GppStringJs;
    /// `TcfExportInput`.
    #[wasm_bindgen(typescript_type = "TcfExportInput")]
    pub type TcfExportInputJs;
    /// `TcfForms`.
    #[wasm_bindgen(typescript_type = "TcfForms")]
    pub type TcfFormsJs;
}

impl From<TcfError> for CkError {
    fn from(e: TcfError) -> CkError {
        let code = match &e {
            TcfError::Mapping(_) => Code::Usage,
            _ => Code::InvalidInput,
        };
        CkError::new(code, e.to_string())
    }
}

/// Decodes a TC string strictly (TCF v2.3: the Disclosed Vendors segment is required).
#[wasm_bindgen(js_name = decodeTcString)]
pub fn decode_tc_string(
    #[wasm_bindgen(js_name = tcString)] tc_string: &str,
) -> Result<TcStringJs, CkError> {
    to_js_as(&TcString::decode(tc_string)?)
}

/// Decodes a GPP string; its TCF EU v2 section is decoded strictly.
#[wasm_bindgen(js_name = decodeGpp)]
pub fn decode_gpp(
    #[wasm_bindgen(js_name = gppString)] gpp_string: &str,
) -> Result<GppStringJs, CkError> {
    to_js_as(&ck::decode_gpp(gpp_string)?)
}

/// A TC string in its three forms.
#[derive(serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub(crate) struct TcfForms<'a> {
    /// The decoded string.
    tc: &'a TcString,
    /// The TC string, re-encoded.
    tc_string: String,
    /// GPP header + section 2 (TCF EU v2).
    gpp_string: String,
    /// The IABTCF_* in-app values (numbers and strings).
    in_app: std::collections::BTreeMap<String, ck::InAppValue>,
}

fn forms(tc: &TcString, gdpr_applies: bool) -> Result<TcfFormsJs, CkError> {
    to_js_as(&TcfForms {
        tc,
        tc_string: tc.encode()?,
        gpp_string: ck::gpp_string(tc)?,
        in_app: tc.in_app_values(gdpr_applies)?,
    })
}

/// A TC string in its three forms: re-encoded, as a GPP string, and as
/// the IABTCF_* in-app values.
#[wasm_bindgen(js_name = tcfForms)]
pub fn tcf_forms(
    #[wasm_bindgen(js_name = tcString)] tc_string: &str,
    #[wasm_bindgen(js_name = gdprApplies)] gdpr_applies: bool,
) -> Result<TcfFormsJs, CkError> {
    forms(&TcString::decode(tc_string)?, gdpr_applies)
}

fn small(v: &JsValue, what: &str, max: u32) -> Result<u32, CkError> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= 0.0 && n <= f64::from(max) => Ok(n as u32),
        _ => Err(CkError::invalid(format!(
            "{what} must be a whole number from 0 to {max}"
        ))),
    }
}

/// The TC string a grant (artifact bytes) amounts to for a CMP and
/// vendors, in its three forms.
#[wasm_bindgen(js_name = tcStringForGrant)]
pub fn tc_string_for_grant(
    grant: BytesJs,
    export: TcfExportInputJs,
) -> Result<TcfFormsJs, CkError> {
    let grant: &[u8] = &crate::convert::bytes(&grant, "grant")?;
    const FIELDS: &[&str] = &[
        "cmp_id",
        "cmp_version",
        "consent_screen",
        "consent_language",
        "vendor_list_version",
        "policy_version",
        "publisher_cc",
        "vendors",
        "gdpr_applies",
    ];
    let o = Obj::new(&export, "export", FIELDS)?;
    let num = |k: &str, default: Option<u32>, max: u32| -> Result<u32, CkError> {
        let v = o.get(k);
        match default {
            Some(d) if crate::convert::absent(&v) => Ok(d),
            _ => small(&v, &o.field(k), max),
        }
    };
    let vendors = o
        .list("vendors")?
        .iter()
        .map(|v| small(v, "export.vendors[]", u32::from(u16::MAX)).map(|n| n as u16))
        .collect::<Result<Vec<u16>, CkError>>()?;
    let gdpr = o.get("gdpr_applies");
    let gdpr_applies = if crate::convert::absent(&gdpr) {
        true
    } else {
        o.bool("gdpr_applies")?
    };
    let opts = TcfExport {
        cmp_id: num("cmp_id", None, 4095)? as u16,
        cmp_version: num("cmp_version", Some(1), 4095)? as u16,
        consent_screen: num("consent_screen", Some(0), 63)? as u8,
        consent_language: o
            .opt_str("consent_language")?
            .unwrap_or_else(|| "EN".into()),
        vendor_list_version: num("vendor_list_version", None, 4095)? as u16,
        policy_version: num(
            "policy_version",
            Some(u32::from(ck::TCF_POLICY_VERSION)),
            63,
        )? as u8,
        publisher_cc: o.opt_str("publisher_cc")?.unwrap_or_else(|| "AA".into()),
        vendors,
    };
    let a = Artifact::decode(grant)?;
    let g = Grant::from_artifact(&a)?;
    forms(&ck::tc_string_for_grant(g, &opts)?, gdpr_applies)
}

#[wasm_bindgen(js_class = Controller)]
impl Issuer {
    /// Imports a TC string as an imported grant under `offer` (artifact
    /// bytes) for the person with pseudonym `subject` (16 bytes), signed by
    /// this issuer only. `categories` absent or empty = the offer's.
    /// Returns the grant's bytes.
    #[wasm_bindgen(js_name = importTcString)]
    pub fn import_tc_string(
        &self,
        #[wasm_bindgen(js_name = tcString)] tc_string: &str,
        offer: BytesJs,
        subject: BytesJs,
        categories: Option<Vec<String>>,
    ) -> Result<Vec<u8>, CkError> {
        let offer: &[u8] = &crate::convert::bytes(&offer, "offer")?;
        let subject: &[u8] = &crate::convert::bytes(&subject, "subject")?;
        let tc = TcString::decode(tc_string)?;
        let a = Artifact::decode(offer)?;
        let o = Offer::from_artifact(&a)?;
        let subject = <[u8; 16]>::try_from(subject)
            .map_err(|_| CkError::invalid("subject must be 16 bytes (a pairwise pseudonym)"))?;
        let categories = match categories {
            Some(c) if !c.is_empty() => dpv_list(&c, "categories")?,
            _ => o.categories.clone(),
        };
        let ctx = TcfImport {
            subject,
            controller: o.controller.clone(),
            offer: a.digest(),
            categories,
            expires_at: None,
        };
        let g = ck::import_tc_string(&tc, &ctx)?;
        Ok(g.sign_imported(self.signer.as_ref())?.as_bytes().to_vec())
    }
}
