//! Translating values between JavaScript and the core: JSON views, times,
//! hex ids and the input records callers build artifacts from.
//!
//! JavaScript sees camelCase field names (`issuedAt`), made from the core's
//! snake_case names by one rule, [`camel`], in both directions: returned
//! objects are the core's JSON views with their keys renamed
//! ([`camel_json`]; the keys of maps keyed by data, such as counts by
//! artifact kind, stay as they are), and input objects are read by the
//! camelCase of the core's field names. So what `inspect` returns for an
//! artifact has the same shape as what the issuing calls take.
//!
//! Input objects are read field by field ([`Obj`]) rather than through
//! serde: serde's deserializers would add about 23 KB (gzipped) to the module.

use consentkit::artifact::{term, Timestamp};
use consentkit::{Artifact, ArtifactId, Digest, Term};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{CkError, Code};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Bytes from JavaScript: a `Uint8Array` (a Node `Buffer` is one), an
    /// `ArrayBuffer`, or any other `ArrayBufferView` (`DataView`, typed
    /// arrays). Read with [`bytes`], which refuses anything else by name.
    #[wasm_bindgen(typescript_type = "BytesLike")]
    pub type BytesJs;
}

/// The bytes of a JavaScript bytes argument (see [`BytesJs`]), copied.
/// A `Uint8Array` is read as it is; an `ArrayBuffer` whole; another view as
/// the bytes it covers. Anything else is an `INVALID_INPUT` error naming
/// `what` (before this, an `ArrayBuffer` read as empty bytes).
pub fn bytes(v: &BytesJs, what: &str) -> Result<Vec<u8>, CkError> {
    let v: &JsValue = v.as_ref();
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(b).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        // Every ArrayBufferView has `buffer`, `byteOffset` and `byteLength`.
        let view = v.unchecked_ref::<js_sys::DataView>();
        return Ok(js_sys::Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
        .to_vec());
    }
    Err(CkError::invalid(format!(
        "{what} must be bytes (a Uint8Array, an ArrayBuffer or another ArrayBufferView such as a DataView or a Buffer), found {}",
        type_name(v)
    )))
}

/// A bytes argument for Rust callers (tests): a `Uint8Array` copy of `b`.
pub fn to_bytes_js(b: &[u8]) -> BytesJs {
    js_sys::Uint8Array::from(b).unchecked_into()
}

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The camelCase of a snake_case name: `issued_at` → `issuedAt`,
/// `value_offered` → `valueOffered` (the rule of serde's and ts-rs's
/// `rename_all = "camelCase"`). A name without `_` is unchanged.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Keys whose object is a map keyed by data (artifact kinds, finding kinds,
/// grant states, controllers, units, day numbers, `IABTCF_*` names): its keys are kept as
/// they are; the objects it maps to have their fields renamed as usual.
const DATA_MAPS: &[&str] = &[
    "counts",
    "controllers",
    "days",
    "finding_counts",
    "value_delivered",
    "grant_states",
    "in_app",
];

/// Keys whose object maps data to maps keyed by data (`received`:
/// controller → unit → amount): both levels kept.
const DATA_OF_DATA: &[&str] = &["received"];

/// Keys whose value is a document in another format (a Kantara or ISO/IEC
/// TS 27560 record): kept exactly.
const DOCUMENTS: &[&str] = &["documents"];

/// What the keys of an object are (or, for an array, of the objects in it).
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    /// Field names: renamed.
    Fields,
    /// Data (kept); the values are objects with fields.
    Data,
    /// Data (kept); the values are maps keyed by data.
    DataOfData,
    /// A document in another format: nothing in it renamed.
    Verbatim,
}

impl Keys {
    /// What the keys of the value under `key` are, in an object of `self`.
    fn child(self, key: &str) -> Keys {
        match self {
            Keys::Fields if DOCUMENTS.contains(&key) => Keys::Verbatim,
            Keys::Fields if DATA_MAPS.contains(&key) => Keys::Data,
            Keys::Fields if DATA_OF_DATA.contains(&key) => Keys::DataOfData,
            Keys::Fields | Keys::Data => Keys::Fields,
            Keys::DataOfData => Keys::Data,
            Keys::Verbatim => Keys::Verbatim,
        }
    }
}

/// JSON text (as serde_json writes it) with every field name in camelCase
/// ([`camel`]); see `DATA_MAPS`, `DATA_OF_DATA` and `DOCUMENTS` for
/// what is kept. Done on the text, in one pass: going through
/// `serde_json::Value` would instantiate a second serializer for every
/// type returned to JavaScript (kilobytes of module).
pub fn camel_json(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Open objects and arrays: (is an object, what its keys / items are).
    let mut stack: Vec<(bool, Keys)> = Vec::new();
    // What the next value opened is.
    let mut next = Keys::Fields;
    let mut key_next = false;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                stack.push((true, next));
                key_next = true;
            }
            b'[' => {
                let items = if next == Keys::Verbatim {
                    Keys::Verbatim
                } else {
                    Keys::Fields
                };
                stack.push((false, items));
                next = items;
            }
            b'}' | b']' => {
                stack.pop();
                key_next = false;
            }
            b',' => match stack.last() {
                Some((true, _)) => key_next = true,
                Some((false, items)) => next = *items,
                None => {}
            },
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                if key_next {
                    if let (Some((true, keys)), Some(key)) = (stack.last(), text.get(i + 1..end)) {
                        next = keys.child(key);
                        if *keys == Keys::Fields && key.contains('_') && !key.contains('\\') {
                            out.push_str(&text[copied..=i]);
                            out.push_str(&camel(key));
                            copied = end;
                        }
                    }
                    key_next = false;
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// What [`to_js`] and [`to_js_exact`] say when a value has no JSON form.
const NOT_JSON: &str = "cannot convert to JSON: the value has no JSON form";

/// A Rust value as a plain JavaScript object, through its JSON form, with
/// camelCase field names ([`camel_json`]).
///
/// serde_json's serialiser fails only where a `Serialize` impl does, which
/// none of the core's views do, so the error says so without serde_json's
/// own message: its message table and parser messages would otherwise stay
/// in the module (739 bytes gzipped, BENCHMARKS.md "Size cuts, fourth pass").
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, CkError> {
    let text = serde_json::to_string(v).map_err(|_| CkError::new(Code::InvalidInput, NOT_JSON))?;
    js_sys::JSON::parse(&camel_json(&text))
        .map_err(|_| CkError::invalid("cannot read JSON in JavaScript"))
}

/// A Rust value as a plain JavaScript object with its JSON field names
/// unchanged (a documented document format, such as the audit report).
pub fn to_js_exact<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, CkError> {
    let text = serde_json::to_string(v).map_err(|_| CkError::new(Code::InvalidInput, NOT_JSON))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| CkError::new(Code::InvalidInput, "cannot read JSON in JavaScript"))
}

/// The same, cast to a declared TypeScript type.
pub fn to_js_as<T: Serialize + ?Sized, J: JsCast>(v: &T) -> Result<J, CkError> {
    Ok(to_js(v)?.unchecked_into())
}

/// A time in seconds since the epoch, from a JavaScript number: seconds,
/// or milliseconds (`Date.now()`, or a `Date`, which JavaScript converts to
/// its milliseconds), read by the core's rule
/// ([`consentkit::time::from_seconds_or_millis`]); anything outside
/// 2000..2100 is refused naming the unit it looks like.
pub fn time(t: f64, what: &str) -> Result<Timestamp, CkError> {
    consentkit::time::from_seconds_or_millis(what, t).map_err(|e| CkError::invalid(e.to_string()))
}

/// An artifact id from 32 hex digits.
pub fn artifact_id(s: &str, what: &str) -> Result<ArtifactId, CkError> {
    ArtifactId::from_hex(s)
        .ok_or_else(|| CkError::invalid(format!("{what} must be 32 hex digits (an artifact id)")))
}

/// An artifact digest from 64 hex digits.
pub fn digest(s: &str, what: &str) -> Result<Digest, CkError> {
    Ok(Digest(hex32(s, what)?))
}

/// 32 bytes from 64 hex digits.
pub fn hex32(s: &str, what: &str) -> Result<[u8; 32], CkError> {
    hex::decode(s)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| CkError::invalid(format!("{what} must be 64 hex digits (32 bytes)")))
}

/// 32 bytes from a byte array.
pub fn bytes32(b: &[u8], what: &str) -> Result<[u8; 32], CkError> {
    <[u8; 32]>::try_from(b)
        .map_err(|_| CkError::invalid(format!("{what} must be 32 bytes, found {}", b.len())))
}

/// A DPV term (CURIE or IRI).
pub fn dpv(s: &str, what: &str) -> Result<Term, CkError> {
    term(s).map_err(|e| CkError::invalid(format!("{what}: {e}")))
}

/// A list of DPV terms.
pub fn dpv_list(v: &[String], what: &str) -> Result<Vec<Term>, CkError> {
    v.iter().map(|s| dpv(s, what)).collect()
}

/// Sets `obj.bytes` to a `Uint8Array` of `b` (the JSON form of an
/// [`consentkit::artifact::ArtifactInfo`]'s `bytes` is hex).
pub fn set_bytes(obj: &JsValue, b: &[u8]) -> Result<(), CkError> {
    js_sys::Reflect::set(
        obj,
        &JsValue::from_str("bytes"),
        &js_sys::Uint8Array::from(b),
    )
    .map(drop)
    .map_err(|_| CkError::invalid("cannot set an artifact's bytes in JavaScript"))
}

/// Sets `obj.artifact.bytes` ([`set_bytes`]): an outcome holding an artifact.
pub fn set_artifact_bytes(obj: &JsValue, b: &[u8]) -> Result<(), CkError> {
    let artifact = js_sys::Reflect::get(obj, &JsValue::from_str("artifact"))
        .map_err(|_| CkError::invalid("cannot read an artifact in JavaScript"))?;
    set_bytes(&artifact, b)
}

/// An artifact as JavaScript gets it: the core's
/// [`consentkit::artifact::ArtifactInfo`] (the
/// record of every skin), camelCased, its `bytes` a `Uint8Array`.
pub fn artifact_js(a: &Artifact) -> Result<JsValue, CkError> {
    let info = a.info();
    let v = to_js(&info)?;
    set_bytes(&v, &info.bytes)?;
    Ok(v)
}

/// A list of artifacts as JavaScript gets them ([`artifact_js`]).
pub fn artifacts_js<'a>(list: impl IntoIterator<Item = &'a Artifact>) -> Result<JsValue, CkError> {
    let out = js_sys::Array::new();
    for a in list {
        out.push(&artifact_js(a)?);
    }
    Ok(out.into())
}

/// A JavaScript input object, read field by field. Unknown fields are
/// refused (a misspelt optional field would otherwise be silently ignored).
pub struct Obj<'a> {
    v: &'a JsValue,
    what: String,
}

/// The JavaScript type of a value, for error messages.
fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_function() {
        "a function"
    } else {
        "an object"
    }
}

/// Whether a value is absent (`undefined` or `null`).
pub fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

impl<'a> Obj<'a> {
    /// Reads `v` as a plain object whose keys are all in `fields`.
    pub fn new(v: &'a JsValue, what: &str, fields: &[&str]) -> Result<Obj<'a>, CkError> {
        if !v.is_object() || js_sys::Array::is_array(v) || v.is_function() {
            return Err(CkError::invalid(format!(
                "{what} must be an object, found {}",
                type_name(v)
            )));
        }
        let fields: Vec<String> = fields.iter().map(|f| camel(f)).collect();
        for k in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
            let k = k.as_string().unwrap_or_default();
            if !fields.contains(&k) {
                return Err(CkError::invalid(format!(
                    "{what}: unknown field `{k}`, expected one of: {}",
                    fields.join(", ")
                )));
            }
        }
        Ok(Obj {
            v,
            what: what.to_owned(),
        })
    }

    /// `what.field`, the field in camelCase as JavaScript spells it.
    fn name(&self, k: &str) -> String {
        format!("{}.{}", self.what, camel(k))
    }

    fn wrong(&self, k: &str, expected: &str, v: &JsValue) -> CkError {
        CkError::invalid(format!(
            "{} must be {expected}, found {}",
            self.name(k),
            type_name(v)
        ))
    }

    /// The raw field (`undefined` if missing): `k` is the core's
    /// snake_case name, read as its camelCase.
    pub fn get(&self, k: &str) -> JsValue {
        js_sys::Reflect::get(self.v, &JsValue::from_str(&camel(k))).unwrap_or(JsValue::UNDEFINED)
    }

    fn required<T>(&self, k: &str, v: Option<T>) -> Result<T, CkError> {
        v.ok_or_else(|| CkError::invalid(format!("{} is missing", self.name(k))))
    }

    /// An optional string.
    pub fn opt_str(&self, k: &str) -> Result<Option<String>, CkError> {
        let v = self.get(k);
        if absent(&v) {
            return Ok(None);
        }
        v.as_string()
            .map(Some)
            .ok_or_else(|| self.wrong(k, "a string", &v))
    }

    /// A string.
    pub fn str(&self, k: &str) -> Result<String, CkError> {
        let v = self.opt_str(k)?;
        self.required(k, v)
    }

    /// An optional whole number (0 to 2^53-1).
    pub fn opt_u64(&self, k: &str) -> Result<Option<u64>, CkError> {
        let v = self.get(k);
        if absent(&v) {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE => {
                Ok(Some(n as u64))
            }
            _ => Err(self.wrong(k, "a whole number from 0 to 2^53-1", &v)),
        }
    }

    /// A whole number (0 to 2^53-1).
    pub fn u64(&self, k: &str) -> Result<u64, CkError> {
        let v = self.opt_u64(k)?;
        self.required(k, v)
    }

    /// An optional whole number that fits 32 bits.
    pub fn opt_u32(&self, k: &str) -> Result<Option<u32>, CkError> {
        self.opt_u64(k)?
            .map(|n| {
                u32::try_from(n)
                    .map_err(|_| CkError::invalid(format!("{} must be below 2^32", self.name(k))))
            })
            .transpose()
    }

    /// A whole number that fits 32 bits.
    pub fn u32(&self, k: &str) -> Result<u32, CkError> {
        let v = self.opt_u32(k)?;
        self.required(k, v)
    }

    /// A boolean.
    pub fn bool(&self, k: &str) -> Result<bool, CkError> {
        let v = self.get(k);
        if absent(&v) {
            return self.required(k, None);
        }
        v.as_bool().ok_or_else(|| self.wrong(k, "a boolean", &v))
    }

    /// An optional array, as its items.
    pub fn opt_list(&self, k: &str) -> Result<Option<Vec<JsValue>>, CkError> {
        let v = self.get(k);
        if absent(&v) {
            return Ok(None);
        }
        if !js_sys::Array::is_array(&v) {
            return Err(self.wrong(k, "an array", &v));
        }
        Ok(Some(js_sys::Array::from(&v).iter().collect()))
    }

    /// An array, as its items.
    pub fn list(&self, k: &str) -> Result<Vec<JsValue>, CkError> {
        let v = self.opt_list(k)?;
        self.required(k, v)
    }

    /// An optional array of strings.
    pub fn opt_strings(&self, k: &str) -> Result<Option<Vec<String>>, CkError> {
        self.opt_list(k)?
            .map(|items| {
                items
                    .iter()
                    .map(|s| {
                        s.as_string().ok_or_else(|| {
                            CkError::invalid(format!(
                                "{} must hold strings, found {}",
                                self.name(k),
                                type_name(s)
                            ))
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    /// An array of strings.
    pub fn strings(&self, k: &str) -> Result<Vec<String>, CkError> {
        let v = self.opt_strings(k)?;
        self.required(k, v)
    }

    /// An optional array of DPV terms.
    pub fn opt_terms(&self, k: &str) -> Result<Option<Vec<Term>>, CkError> {
        self.opt_strings(k)?
            .map(|v| dpv_list(&v, &self.name(k)))
            .transpose()
    }

    /// An array of DPV terms.
    pub fn terms(&self, k: &str) -> Result<Vec<Term>, CkError> {
        let v = self.opt_terms(k)?;
        self.required(k, v)
    }

    /// A DPV term.
    pub fn term(&self, k: &str) -> Result<Term, CkError> {
        dpv(&self.str(k)?, &self.name(k))
    }

    /// The name of a nested field, for nested readers.
    pub fn field(&self, k: &str) -> String {
        self.name(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_seconds_or_milliseconds_from_2000_to_2100() {
        assert_eq!(time(1_793_491_200.0, "at").unwrap().secs(), 1_793_491_200);
        // Date.now(): milliseconds, read as such.
        assert_eq!(
            time(1_793_491_200_999.0, "at").unwrap().secs(),
            1_793_491_200
        );
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
            1_793_491_200_000_000.0,
        ] {
            let e = time(bad, "at").unwrap_err();
            assert_eq!(e.code, Code::InvalidInput, "{bad}");
        }
        assert!(time(1_793_491_200_000_000.0, "now")
            .unwrap_err()
            .message
            .contains("microseconds"));
    }

    #[test]
    fn names_are_camel_cased_by_one_rule() {
        assert_eq!(camel("issued_at"), "issuedAt");
        assert_eq!(camel("service_without_consent"), "serviceWithoutConsent");
        assert_eq!(camel("kid"), "kid");
        assert_eq!(camel("finding_counts"), "findingCounts");
    }

    #[test]
    fn returned_fields_are_camel_cased_and_data_keys_kept() {
        let v = serde_json::json!({
            "issued_at": 1,
            "body": { "value_offered": [{ "data_kind": "x" }] },
            "counts": { "data_receipt": 2 },
            "controllers": { "acme_corp": { "value_records": 1, "grant_states": { "given": 1 },
                                            "value_delivered": { "loyalty_points": 3 } } },
            "finding_counts": { "after_withdrawal": 1 },
            "received": { "acme_corp": { "loyalty_points": 5 } },
            "documents": [{ "consent_receipt_id": "x" }],
            "findings": [{ "artifact_kind": "data_receipt", "message": "a \\\"quoted\\\" x_y: {[" }],
            "tcf": { "in_app": { "IABTCF_gdprApplies": 1 }, "tc_string": "x" },
        });
        let got: serde_json::Value = serde_json::from_str(&camel_json(&v.to_string())).unwrap();
        assert_eq!(
            got,
            serde_json::json!({
                "issuedAt": 1,
                "body": { "valueOffered": [{ "dataKind": "x" }] },
                "counts": { "data_receipt": 2 },
                "controllers": { "acme_corp": { "valueRecords": 1, "grantStates": { "given": 1 },
                                                "valueDelivered": { "loyalty_points": 3 } } },
                "findingCounts": { "after_withdrawal": 1 },
                "received": { "acme_corp": { "loyalty_points": 5 } },
                "documents": [{ "consent_receipt_id": "x" }],
                "findings": [{ "artifactKind": "data_receipt", "message": "a \\\"quoted\\\" x_y: {[" }],
                "tcf": { "inApp": { "IABTCF_gdprApplies": 1 }, "tcString": "x" },
            })
        );
    }

    #[test]
    fn ids_and_digests_are_checked() {
        assert!(artifact_id(&"ab".repeat(16), "grant").is_ok());
        assert!(artifact_id("abc", "grant").is_err());
        assert!(digest(&"00".repeat(32), "offer").is_ok());
        assert!(digest(&"zz".repeat(32), "offer").is_err());
        assert!(bytes32(&[0; 31], "key").is_err());
    }

    #[test]
    fn terms_are_read_by_the_core() {
        assert!(dpv("dpv:Marketing", "purpose").is_ok());
        assert_eq!(
            dpv("not a term", "purpose").unwrap_err().code,
            Code::InvalidInput
        );
    }
}
