//! Live withdrawal status: the IETF Token Status List (draft-ietf-oauth-status-list-20),
//! in its CBOR/CWT form.
//!
//! - [`StatusList`]: one status of 1, 2, 4 or 8 bits per grant, packed from
//!   the least significant bit, ZLIB-compressed (`lst`).
//! - [`StatusListToken`]: the controller's signed list, a COSE_Sign1 with
//!   `typ` (16) `"application/statuslist+cwt"` and the claims `sub` (2, the
//!   list's URI), `iat` (6), `exp` (4), `ttl` (65534) and `status_list` (65533).
//! - [`StatusReference`]: the status claim (65535) a grant carries,
//!   `{"status_list": {"idx": n, "uri": "…"}}`.
//! - [`StatusRegistry`]: the controller's side: random indices and decoys
//!   (herd privacy, docs/FORMAT.md §15).
//! - [`check_grant_status`]: the partner's side: one call that checks a grant
//!   against a cached Status List Token and says whether the grant is
//!   valid, invalid (withdrawn or revoked) or suspended, and for how long
//!   the answer may be cached.
//!
//! The draft's published examples do not sort their map keys, so tokens are
//! written in the draft's order (claims 2, 6, 4, 65534, 65533; `bits` before
//! `lst`) and read with [`cbor::decode_any_key_order`]: every other rule of
//! deterministic CBOR still applies. The grant's status claim is part of
//! the grant's deterministic payload like every other field.
//!
//! ```
//! use consentkit::status::{Status, StatusList};
//! let mut list = StatusList::new(1, 16)?;
//! for i in [0, 3, 4, 5, 7, 8, 9, 13, 15] {
//!     list.set(i, 1)?;
//! }
//! assert_eq!(list.bytes(), &[0xb9, 0xa3]);
//! assert_eq!(list.status(3)?, Status::Invalid);
//! # Ok::<(), consentkit::status::StatusError>(())
//! ```

use serde::Serialize;

use crate::artifact::{Artifact, ArtifactKind, Grant};
use crate::cbor::{self, Value};
use crate::cose::{self, CoseError, Headers, Sign1, Tagging};
use crate::keys::{check_signature, KeyError, KeyId, PublicKey, Role, Signer, TrustSet};

use crate::time::Timestamp;

/// The `typ` (COSE header 16) of a Status List Token in CWT form.
pub const TYP: &str = "application/statuslist+cwt";
/// CWT claim key of the status claim in a referenced token (a grant).
pub const CLAIM_STATUS: u64 = 65535;
/// CWT claim key of the time to live, in seconds.
pub const CLAIM_TTL: u64 = 65534;
/// CWT claim key of the status list.
pub const CLAIM_STATUS_LIST: u64 = 65533;
/// CWT claim key `sub`.
const CLAIM_SUB: u64 = 2;
/// CWT claim key `exp`.
const CLAIM_EXP: u64 = 4;
/// CWT claim key `nbf`.
const CLAIM_NBF: u64 = 5;
/// CWT claim key `iat`.
const CLAIM_IAT: u64 = 6;
/// Largest decompressed status list accepted, in bytes (2^24: 16,777,216
/// one-bit entries per byte times 8; the draft's examples hold 2^20
/// entries). A larger `lst` is rejected before it is inflated further.
pub const MAX_LIST_BYTES: usize = 1 << 24;
/// Largest Status List Token accepted, in bytes.
pub const MAX_TOKEN_SIZE: usize = 1 << 22;
/// Largest `uri`, in bytes.
pub const MAX_URI_LEN: usize = 2048;
/// How far in the future a token's `iat` (or `nbf`) may lie and still be
/// accepted, in seconds (the audit's clock skew).
pub const CLOCK_SKEW: u64 = crate::audit::CLOCK_SKEW;

/// What was wrong with a status list, a Status List Token, a status
/// reference or a status check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// `bits` is not 1, 2, 4 or 8.
    #[error("status list: bits must be 1, 2, 4 or 8, found {0}")]
    BadBits(u64),
    /// The index is not in the list: no statement can be made (the draft
    /// says the grant MUST then be rejected).
    #[error("status list: index {index} is out of range (the list holds {len} entries)")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// How many entries the list holds.
        len: u64,
    },
    /// A status value does not fit in `bits`.
    #[error("status list: value {value} does not fit in {bits} bits")]
    ValueTooWide {
        /// The value.
        value: u8,
        /// The list's bits per entry.
        bits: u8,
    },
    /// The status value is not one this implementation understands (only
    /// 0 VALID, 1 INVALID and 2 SUSPENDED are).
    #[error("status list: entry {index} holds status {value}, neither VALID (0), INVALID (1) nor SUSPENDED (2)")]
    UnknownStatus {
        /// The index.
        index: u64,
        /// The value found.
        value: u8,
    },
    /// `lst` is not valid ZLIB data, or inflates to more than [`MAX_LIST_BYTES`].
    #[error("status list: lst is not usable ZLIB data: {0}")]
    Compression(String),
    /// A field is missing, of the wrong type, or invalid.
    #[error("{what}: {reason}")]
    Malformed {
        /// Which structure or field.
        what: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The COSE structure is not usable.
    #[error("status list token: {0}")]
    Cose(#[from] CoseError),
    /// The token's signature does not verify. Deliberately without detail.
    #[error("status list token: signature invalid")]
    SignatureInvalid,
    /// The token is not signed by a trusted controller key of the party
    /// whose grant refers to it.
    #[error("status list token: not signed by a trusted controller key of {0:?}")]
    UntrustedKey(String),
    /// The token's `sub` is not the grant's status `uri`.
    #[error("status list token is for {found:?}, the grant's status list is {expected:?}")]
    SubjectMismatch {
        /// The grant's `uri`.
        expected: String,
        /// The token's `sub`.
        found: String,
    },
    /// The token expired (`exp` at or before the check time).
    #[error("status list token expired at {exp} (checked at {at}): fetch a fresh one")]
    TokenExpired {
        /// The token's `exp`.
        exp: Timestamp,
        /// The check time.
        at: Timestamp,
    },
    /// The token is dated (`iat` or `nbf`) after the check time, beyond [`CLOCK_SKEW`].
    #[error("status list token is dated {iat}, after the check time {at}")]
    TokenFromFuture {
        /// The token's `iat` or `nbf`.
        iat: Timestamp,
        /// The check time.
        at: Timestamp,
    },
    /// The artifact checked is not a grant.
    #[error("a status check needs a grant, this is a {0}")]
    NotAGrant(ArtifactKind),
    /// The grant itself does not verify: its status is not looked up.
    #[error("grant does not verify: {0}")]
    GrantInvalid(String),
    /// The grant expired: its status is not looked up (the draft: the
    /// referenced token's own rules come first).
    #[error("grant expired at {exp} (checked at {at})")]
    GrantExpired {
        /// The grant's `exp`.
        exp: Timestamp,
        /// The check time.
        at: Timestamp,
    },
    /// The grant carries no status claim.
    #[error("grant carries no status claim (65535): its withdrawal status cannot be looked up")]
    NoStatusReference,
    /// The controller's list has no free index left (or is more than half
    /// allocated: see [`StatusRegistry::assign`]).
    #[error("status list {0:?} is full: start a new list")]
    ListFull(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Key(#[from] KeyError),
}

fn malformed(what: &'static str, reason: impl Into<String>) -> StatusError {
    StatusError::Malformed {
        what,
        reason: reason.into(),
    }
}

/// A grant's status, as a status list states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "GrantStatus"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Status {
    /// 0x00: the grant stands.
    Valid,
    /// 0x01: the grant was withdrawn or revoked.
    Invalid,
    /// 0x02: the grant is suspended.
    Suspended,
}

impl Status {
    /// The value in a status list.
    pub fn value(self) -> u8 {
        match self {
            Status::Valid => 0,
            Status::Invalid => 1,
            Status::Suspended => 2,
        }
    }

    /// The status with this value, if it is one of the three.
    pub fn from_value(v: u8) -> Option<Status> {
        match v {
            0 => Some(Status::Valid),
            1 => Some(Status::Invalid),
            2 => Some(Status::Suspended),
            _ => None,
        }
    }

    /// The snake_case name: `valid`, `invalid`, `suspended`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Suspended => "suspended",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A status list: `bits` bits per entry, entry `i` in the bits of byte
/// `i * bits / 8` starting at bit `(i * bits) % 8` (least significant first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
    aggregation_uri: Option<String>,
}

fn check_bits(bits: u64) -> Result<u8, StatusError> {
    match bits {
        1 | 2 | 4 | 8 => Ok(bits as u8),
        other => Err(StatusError::BadBits(other)),
    }
}

impl StatusList {
    /// A list of `entries` entries (rounded up to whole bytes), all VALID.
    pub fn new(bits: u8, entries: u64) -> Result<StatusList, StatusError> {
        let bits = check_bits(u64::from(bits))?;
        let len = entries
            .checked_mul(u64::from(bits))
            .map(|b| b.div_ceil(8))
            .and_then(|b| usize::try_from(b).ok())
            .filter(|&b| b <= MAX_LIST_BYTES)
            .ok_or_else(|| {
                malformed(
                    "status list",
                    format!("{entries} entries is over the {MAX_LIST_BYTES}-byte limit"),
                )
            })?;
        Ok(StatusList {
            bits,
            bytes: vec![0; len],
            aggregation_uri: None,
        })
    }

    /// A list over the uncompressed byte array.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<StatusList, StatusError> {
        let bits = check_bits(u64::from(bits))?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(malformed("status list", "over the size limit"));
        }
        Ok(StatusList {
            bits,
            bytes,
            aggregation_uri: None,
        })
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The uncompressed byte array.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of entries.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The `aggregation_uri`, if any.
    pub fn aggregation_uri(&self) -> Option<&str> {
        self.aggregation_uri.as_deref()
    }

    fn locate(&self, index: u64) -> Result<(usize, u32), StatusError> {
        if index >= self.len() {
            return Err(StatusError::IndexOutOfRange {
                index,
                len: self.len(),
            });
        }
        let bit = index * u64::from(self.bits);
        // safe: index < len, so bit / 8 < bytes.len() (a usize).
        Ok(((bit / 8) as usize, (bit % 8) as u32))
    }

    fn mask(&self) -> u8 {
        ((1u16 << self.bits) - 1) as u8
    }

    /// The raw value of entry `index`.
    pub fn get(&self, index: u64) -> Result<u8, StatusError> {
        let (byte, shift) = self.locate(index)?;
        let b = self.bytes.get(byte).copied().unwrap_or(0);
        Ok((b >> shift) & self.mask())
    }

    /// The status of entry `index`: VALID, INVALID or SUSPENDED, or
    /// [`StatusError::UnknownStatus`] for any other value.
    pub fn status(&self, index: u64) -> Result<Status, StatusError> {
        let value = self.get(index)?;
        Status::from_value(value).ok_or(StatusError::UnknownStatus { index, value })
    }

    /// Sets entry `index` to `value`.
    pub fn set(&mut self, index: u64, value: u8) -> Result<(), StatusError> {
        if u16::from(value) >> self.bits != 0 {
            return Err(StatusError::ValueTooWide {
                value,
                bits: self.bits,
            });
        }
        let (byte, shift) = self.locate(index)?;
        let mask = self.mask() << shift;
        if let Some(b) = self.bytes.get_mut(byte) {
            *b = (*b & !mask) | (value << shift);
        }
        Ok(())
    }

    /// Sets entry `index` to `status`.
    pub fn set_status(&mut self, index: u64, status: Status) -> Result<(), StatusError> {
        self.set(index, status.value())
    }

    /// The compressed byte array `lst`: DEFLATE in the ZLIB format, at the
    /// highest compression level (miniz_oxide level 9, as the draft recommends).
    pub fn compress(&self) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, 9)
    }

    /// The list from a compressed `lst`.
    pub fn decompress(bits: u8, lst: &[u8]) -> Result<StatusList, StatusError> {
        let bits = check_bits(u64::from(bits))?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(lst, MAX_LIST_BYTES)
            .map_err(|e| StatusError::Compression(format!("{:?}", e.status)))?;
        Ok(StatusList {
            bits,
            bytes,
            aggregation_uri: None,
        })
    }

    /// The CBOR `StatusList` map, `{"bits": n, "lst": h'…'(, "aggregation_uri": "…")}`,
    /// in that order (the draft's).
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut entries = vec![
            (Value::text("bits"), Value::Unsigned(u64::from(self.bits))),
            (Value::text("lst"), Value::Bytes(self.compress())),
        ];
        if let Some(u) = &self.aggregation_uri {
            entries.push((Value::text("aggregation_uri"), Value::text(u.clone())));
        }
        ordered_map(&entries)
    }

    /// Reads a CBOR `StatusList` map (keys in any order; no other keys).
    pub fn from_cbor(bytes: &[u8]) -> Result<StatusList, StatusError> {
        let v = cbor::decode_any_key_order(bytes)
            .map_err(|e| malformed("status list", e.to_string()))?;
        StatusList::from_value(v)
    }

    fn from_value(v: Value) -> Result<StatusList, StatusError> {
        const W: &str = "status list";
        let Value::Map(m) = v else {
            return Err(malformed(
                W,
                format!("expected a map, found {}", v.type_name()),
            ));
        };
        let (mut bits, mut lst, mut agg) = (None, None, None);
        for (k, v) in m {
            match (k, v) {
                (Value::Text(k), Value::Unsigned(b)) if k == "bits" => bits = Some(b),
                (Value::Text(k), Value::Bytes(l)) if k == "lst" => lst = Some(l),
                (Value::Text(k), Value::Text(u)) if k == "aggregation_uri" => {
                    check_uri(&u, "status list aggregation_uri")?;
                    agg = Some(u);
                }
                (Value::Text(k), v) if ["bits", "lst", "aggregation_uri"].contains(&k.as_str()) => {
                    return Err(malformed(
                        W,
                        format!("{k} has the wrong type ({})", v.type_name()),
                    ))
                }
                (k, _) => {
                    return Err(malformed(W, format!("unknown key {}", key_name(&k))));
                }
            }
        }
        let bits = bits.ok_or_else(|| malformed(W, "no bits"))?;
        let lst = lst.ok_or_else(|| malformed(W, "no lst"))?;
        let bits = check_bits(bits)?;
        let mut list = StatusList::decompress(bits, &lst)?;
        list.aggregation_uri = agg;
        Ok(list)
    }
}

fn key_name(k: &Value) -> String {
    match k {
        Value::Text(t) => format!("{t:?}"),
        other => other
            .as_i64()
            .map(|i| i.to_string())
            .unwrap_or_else(|| other.type_name().into()),
    }
}

/// Encodes a map with its entries in the given order (not sorted); each
/// value is given already encoded.
fn ordered_map_raw(entries: &[(Value, Vec<u8>)]) -> Vec<u8> {
    let n = entries.len() as u64;
    // Map heads: 0xa0 + n below 24, else 0xb8 n (no status map needs more).
    let mut out = if n < 24 {
        vec![0xa0 | n as u8]
    } else {
        vec![0xb8, n.min(255) as u8]
    };
    for (k, v) in entries {
        k.encode_into(&mut out);
        out.extend_from_slice(v);
    }
    out
}

/// Encodes a map with its entries in the given order (not sorted).
fn ordered_map(entries: &[(Value, Value)]) -> Vec<u8> {
    let raw: Vec<(Value, Vec<u8>)> = entries
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect();
    ordered_map_raw(&raw)
}

fn check_uri(u: &str, what: &'static str) -> Result<(), StatusError> {
    if u.is_empty() || u.len() > MAX_URI_LEN {
        return Err(malformed(what, format!("must be 1 to {MAX_URI_LEN} bytes")));
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed(
            what,
            "contains whitespace or a control character",
        ));
    }
    match u.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            Ok(())
        }
        _ => Err(malformed(what, format!("{u:?} is not an absolute URI"))),
    }
}

/// The status claim a grant carries (CWT claim 65535):
/// `{"status_list": {"idx": idx, "uri": uri}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StatusReference {
    /// The grant's index in the list.
    pub idx: u64,
    /// The URI of the Status List Token (its `sub`).
    pub uri: String,
}

impl StatusReference {
    /// The claim's value (deterministic: the keys `idx` < `uri` are in order).
    pub fn to_value(&self) -> Value {
        Value::Map(vec![(
            Value::text("status_list"),
            Value::Map(vec![
                (Value::text("idx"), Value::Unsigned(self.idx)),
                (Value::text("uri"), Value::text(self.uri.clone())),
            ]),
        )])
    }

    /// Reads the claim's value: exactly one mechanism, `status_list`, with
    /// exactly `idx` (unsigned) and `uri` (an absolute URI).
    pub fn from_value(v: &Value) -> Result<StatusReference, StatusError> {
        const W: &str = "status claim";
        let Value::Map(m) = v else {
            return Err(malformed(
                W,
                format!("expected a map, found {}", v.type_name()),
            ));
        };
        let [(Value::Text(mech), inner)] = m.as_slice() else {
            return Err(malformed(
                W,
                "must hold exactly one mechanism, \"status_list\"",
            ));
        };
        if mech != "status_list" {
            return Err(malformed(W, format!("unknown status mechanism {mech:?}")));
        }
        let Value::Map(f) = inner else {
            return Err(malformed(W, "status_list must be a map"));
        };
        let (mut idx, mut uri) = (None, None);
        for (k, v) in f {
            match (k, v) {
                (Value::Text(k), Value::Unsigned(i)) if k == "idx" && idx.is_none() => {
                    idx = Some(*i)
                }
                (Value::Text(k), Value::Text(u)) if k == "uri" && uri.is_none() => {
                    uri = Some(u.clone())
                }
                (k, v) => {
                    return Err(malformed(
                        W,
                        format!(
                            "unexpected entry {} ({}): status_list holds exactly idx (unsigned) and uri (text)",
                            key_name(k),
                            v.type_name()
                        ),
                    ))
                }
            }
        }
        let idx = idx.ok_or_else(|| malformed(W, "no idx"))?;
        let uri = uri.ok_or_else(|| malformed(W, "no uri"))?;
        check_uri(&uri, "status claim uri")?;
        Ok(StatusReference { idx, uri })
    }
}

/// A Status List Token's claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// `sub` (2): the list's URI, the `uri` grants refer to.
    pub subject: String,
    /// `iat` (6): when the list was issued; it states each grant's status at this time.
    pub issued_at: Timestamp,
    /// `exp` (4): after this the list must not be relied on.
    pub expires_at: Option<Timestamp>,
    /// `nbf` (5): not to be used before (consentkit never writes it; a
    /// token carrying it is checked against it).
    pub not_before: Option<Timestamp>,
    /// `ttl` (65534): how long, in seconds, a copy may be cached.
    pub ttl: Option<u64>,
    /// `status_list` (65533).
    pub list: StatusList,
}

/// A Status List Token read from bytes, with the key id that signed it.
#[derive(Debug, Clone)]
pub struct DecodedToken {
    /// The claims.
    pub token: StatusListToken,
    /// The COSE message.
    pub sign1: Sign1,
    /// The key id from the protected header (or, failing that, the
    /// unprotected header), if any.
    pub kid: Option<Vec<u8>>,
}

impl StatusListToken {
    /// The CWT claims set, in the draft's order: 2, 6, 4, 65534, 65533.
    pub fn claims(&self) -> Vec<u8> {
        let mut entries = vec![
            (
                Value::Unsigned(CLAIM_SUB),
                Value::text(self.subject.clone()).to_vec(),
            ),
            (
                Value::Unsigned(CLAIM_IAT),
                Value::Unsigned(self.issued_at.secs()).to_vec(),
            ),
        ];
        if let Some(e) = self.expires_at {
            entries.push((
                Value::Unsigned(CLAIM_EXP),
                Value::Unsigned(e.secs()).to_vec(),
            ));
        }
        if let Some(n) = self.not_before {
            entries.push((
                Value::Unsigned(CLAIM_NBF),
                Value::Unsigned(n.secs()).to_vec(),
            ));
        }
        if let Some(t) = self.ttl {
            entries.push((Value::Unsigned(CLAIM_TTL), Value::Unsigned(t).to_vec()));
        }
        entries.push((Value::Unsigned(CLAIM_STATUS_LIST), self.list.to_cbor()));
        ordered_map_raw(&entries)
    }

    /// Reads a claims set (keys in any order). Other claims are ignored,
    /// as the draft allows; the ones above must have their types.
    pub fn from_claims(bytes: &[u8]) -> Result<StatusListToken, StatusError> {
        const W: &str = "status list token claims";
        let v = cbor::decode_any_key_order(bytes).map_err(|e| malformed(W, e.to_string()))?;
        let Value::Map(m) = v else {
            return Err(malformed(W, "not a map"));
        };
        let (mut sub, mut iat, mut exp, mut nbf, mut ttl, mut list) =
            (None, None, None, None, None, None);
        for (k, v) in m {
            let Value::Unsigned(key) = k else { continue };
            match (key, v) {
                (CLAIM_SUB, Value::Text(s)) => sub = Some(s),
                (CLAIM_IAT, Value::Unsigned(t)) => iat = Some(t),
                (CLAIM_EXP, Value::Unsigned(t)) => exp = Some(t),
                (CLAIM_NBF, Value::Unsigned(t)) => nbf = Some(t),
                (CLAIM_TTL, Value::Unsigned(0)) => {
                    return Err(malformed(W, "ttl (65534) must be positive"))
                }
                (CLAIM_TTL, Value::Unsigned(t)) => ttl = Some(t),
                (CLAIM_STATUS_LIST, v @ Value::Map(_)) => list = Some(StatusList::from_value(v)?),
                (
                    CLAIM_SUB | CLAIM_IAT | CLAIM_EXP | CLAIM_NBF | CLAIM_TTL | CLAIM_STATUS_LIST,
                    v,
                ) => {
                    return Err(malformed(
                        W,
                        format!("claim {key} has the wrong type ({})", v.type_name()),
                    ))
                }
                _ => {}
            }
        }
        let subject = sub.ok_or_else(|| malformed(W, "no sub (2)"))?;
        check_uri(&subject, "status list token sub")?;
        Ok(StatusListToken {
            subject,
            issued_at: iat.ok_or_else(|| malformed(W, "no iat (6)"))?.into(),
            expires_at: exp.map(Timestamp::from),
            not_before: nbf.map(Timestamp::from),
            ttl,
            list: list.ok_or_else(|| malformed(W, "no status_list (65533)"))?,
        })
    }

    /// Signs the token: a COSE_Sign1 (tag 18) with protected header
    /// `{1: alg, 4: kid, 16: "application/statuslist+cwt"}` and an empty
    /// unprotected header.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Vec<u8>, StatusError> {
        check_uri(&self.subject, "status list token sub")?;
        if self.ttl == Some(0) {
            return Err(malformed("status list token", "ttl must be positive"));
        }
        let public = signer.public_key();
        let protected = vec![
            (
                Value::int(cose::HDR_ALG),
                Value::int(public.algorithm().cose_id()),
            ),
            (
                Value::int(cose::HDR_KID),
                Value::bytes(public.kid().as_bytes().to_vec()),
            ),
            (Value::int(cose::HDR_TYP), Value::text(TYP)),
        ];
        let protected_bytes = Value::Map(protected.clone()).to_vec();
        let payload = self.claims();
        let tbs = cose::sig_structure1(&protected_bytes, &[], &payload);
        let sig = check_signature(&public, &tbs, signer.sign(&tbs)?)?;
        Ok(Sign1 {
            headers: Headers {
                protected_bytes,
                protected,
                unprotected: Vec::new(),
            },
            payload,
            signature: sig,
        }
        .to_vec())
    }

    /// Reads a token without checking its signature: the COSE_Sign1 must be
    /// tagged 18, its protected `typ` must be `"application/statuslist+cwt"`.
    pub fn decode(bytes: &[u8]) -> Result<DecodedToken, StatusError> {
        if bytes.len() > MAX_TOKEN_SIZE {
            return Err(malformed(
                "status list token",
                format!(
                    "{} bytes, over the {MAX_TOKEN_SIZE}-byte limit",
                    bytes.len()
                ),
            ));
        }
        let sign1 = Sign1::from_slice(bytes, Tagging::Required)?;
        match sign1.headers.get_protected(cose::HDR_TYP) {
            Some(Value::Text(t)) if t == TYP => {}
            Some(other) => {
                return Err(malformed(
                    "status list token",
                    format!("typ is {other:?}, expected {TYP:?}"),
                ))
            }
            None => {
                return Err(malformed(
                    "status list token",
                    "no typ (16) in the protected header",
                ))
            }
        }
        let kid = match sign1.headers.get(cose::HDR_KID) {
            Some(Value::Bytes(k)) => Some(k.clone()),
            Some(_) => return Err(malformed("status list token", "kid is not a byte string")),
            None => None,
        };
        let token = StatusListToken::from_claims(&sign1.payload)?;
        Ok(DecodedToken { token, sign1, kid })
    }

    /// Reads a token and checks its signature with `key`.
    pub fn verify(bytes: &[u8], key: &PublicKey) -> Result<StatusListToken, StatusError> {
        let d = StatusListToken::decode(bytes)?;
        d.sign1.verify(key, &[]).map_err(|e| match e {
            CoseError::SignatureInvalid => StatusError::SignatureInvalid,
            other => StatusError::Cose(other),
        })?;
        Ok(d.token)
    }

    /// Reads a token and checks that a trusted key with role `controller`
    /// and party `controller` signed it (found by its 32-byte `kid`).
    pub fn verify_trusted(
        bytes: &[u8],
        trust: &TrustSet,
        controller: &str,
    ) -> Result<StatusListToken, StatusError> {
        let d = StatusListToken::decode(bytes)?;
        let key = d
            .kid
            .as_deref()
            .and_then(KeyId::from_slice)
            .and_then(|k| trust.get(&k))
            .filter(|t| t.role == Role::Controller && t.party == controller)
            .ok_or_else(|| StatusError::UntrustedKey(controller.to_owned()))?;
        d.sign1.verify(&key.key, &[]).map_err(|e| match e {
            CoseError::SignatureInvalid => StatusError::SignatureInvalid,
            other => StatusError::Cose(other),
        })?;
        Ok(d.token)
    }

    /// Checks the token's times at `at`: not expired, not dated in the future.
    pub fn check_time(&self, at: Timestamp) -> Result<(), StatusError> {
        if let Some(exp) = self.expires_at {
            if exp <= at {
                return Err(StatusError::TokenExpired { exp, at });
            }
        }
        let dated = self.issued_at.max(self.not_before.unwrap_or_default());
        if dated > at.saturating_add(CLOCK_SKEW) {
            return Err(StatusError::TokenFromFuture { iat: dated, at });
        }
        Ok(())
    }

    /// How long, from `at`, an answer drawn from this token may be cached:
    /// `ttl`, but never past `exp`; 0 when the token has neither.
    pub fn max_age(&self, at: Timestamp) -> u64 {
        let to_exp = self.expires_at.map(|e| e.saturating_since(at));
        match (self.ttl, to_exp) {
            (Some(t), Some(e)) => t.min(e),
            (Some(t), None) => t,
            (None, Some(e)) => e,
            (None, None) => 0,
        }
    }
}

/// A partner's answer about one grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StatusAnswer {
    /// Valid, invalid (withdrawn or revoked) or suspended.
    pub status: Status,
    /// How long, in seconds from the check time, this answer may be cached
    /// ([`StatusListToken::max_age`]).
    pub max_age: u64,
    /// The list's `iat`: the answer describes the grant at this time.
    pub list_issued_at: Timestamp,
    /// The grant's index in the list.
    pub index: u64,
    /// The list's URI.
    pub uri: String,
}

/// Checks a grant against a (cached) Status List Token, at time `at`.
///
/// In the draft's order: the grant must verify against `trust` and not be
/// expired; it must carry a status claim; the token must be signed by a
/// trusted controller key of the grant's controller, not be expired or
/// future-dated, and have `sub` equal to the grant's `uri`; the index must
/// be in the list and hold 0, 1 or 2. Any failure is an error: no
/// statement about the grant can be made.
pub fn check_grant_status(
    grant: &Artifact,
    token: &[u8],
    trust: &TrustSet,
    at: Timestamp,
) -> Result<StatusAnswer, StatusError> {
    if grant.kind() != ArtifactKind::Grant {
        return Err(StatusError::NotAGrant(grant.kind()));
    }
    grant
        .verify(trust)
        .map_err(|e| StatusError::GrantInvalid(e.to_string()))?;
    let g = Grant::from_artifact(grant).map_err(|e| StatusError::GrantInvalid(e.to_string()))?;
    if let Some(exp) = g.expires_at {
        if exp <= at {
            return Err(StatusError::GrantExpired { exp, at });
        }
    }
    let reference = g.status.as_ref().ok_or(StatusError::NoStatusReference)?;
    let t = StatusListToken::verify_trusted(token, trust, &g.controller)?;
    t.check_time(at)?;
    if t.subject != reference.uri {
        return Err(StatusError::SubjectMismatch {
            expected: reference.uri.clone(),
            found: t.subject,
        });
    }
    let status = t.list.status(reference.idx)?;
    Ok(StatusAnswer {
        status,
        max_age: t.max_age(at),
        list_issued_at: t.issued_at,
        index: reference.idx,
        uri: t.subject.clone(),
    })
}

/// The controller's status list with herd privacy: random indices, decoys.
///
/// - Every grant gets an index drawn uniformly at random among the free
///   ones, so an index says nothing about when or in which order a grant
///   was given, and neighbouring indices are unrelated grants.
/// - The list is much larger than the number of grants (the capacity is
///   chosen up front; unassigned entries are VALID, indistinguishable from
///   live grants), and [`StatusRegistry::assign`] refuses once half of it is
///   allocated, so the draw stays uniform and cheap.
/// - Decoys: [`StatusRegistry::add_decoys`] allocates random free indices
///   that belong to no grant and sets them INVALID. Adding a few in each
///   epoch makes the number of INVALID entries, and the entries that
///   change between two epochs, overstate the withdrawals by an amount only
///   the controller knows: an observer comparing lists cannot tell a
///   withdrawal from a decoy.
#[derive(Debug, Clone)]
pub struct StatusRegistry {
    uri: String,
    list: StatusList,
    allocated: Vec<u8>,
    used: u64,
}

impl StatusRegistry {
    /// A registry for the list at `uri` with `capacity` entries of `bits` bits.
    pub fn new(
        uri: impl Into<String>,
        bits: u8,
        capacity: u64,
    ) -> Result<StatusRegistry, StatusError> {
        let uri = uri.into();
        check_uri(&uri, "status list uri")?;
        let list = StatusList::new(bits, capacity)?;
        let allocated = vec![0; usize::try_from(list.len().div_ceil(8)).unwrap_or(0)];
        Ok(StatusRegistry {
            uri,
            list,
            allocated,
            used: 0,
        })
    }

    /// The list's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The list.
    pub fn list(&self) -> &StatusList {
        &self.list
    }

    /// Indices allocated so far (grants and decoys).
    pub fn allocated(&self) -> u64 {
        self.used
    }

    fn is_allocated(&self, i: u64) -> bool {
        let byte = (i / 8) as usize;
        self.allocated
            .get(byte)
            .is_some_and(|b| b & (1 << (i % 8)) != 0)
    }

    fn draw(
        &mut self,
        random: &mut dyn FnMut() -> Result<u64, StatusError>,
    ) -> Result<u64, StatusError> {
        let n = self.list.len();
        if self.used >= n / 2 {
            return Err(StatusError::ListFull(self.uri.clone()));
        }
        // Uniform in 0..n (multiply-shift; the bias is below 2^-37 for any
        // list within MAX_LIST_BYTES). At most half the list is allocated,
        // so each draw is free with probability >= 1/2; after 128 misses
        // (a broken random source) take the next free index instead of
        // looping on.
        let mut i = 0;
        for _ in 0..128 {
            i = ((u128::from(random()?) * u128::from(n)) >> 64) as u64;
            if !self.is_allocated(i) {
                break;
            }
        }
        while self.is_allocated(i) {
            i = (i + 1) % n;
        }
        if let Some(b) = self.allocated.get_mut((i / 8) as usize) {
            *b |= 1 << (i % 8);
        }
        self.used += 1;
        Ok(i)
    }

    /// Allocates a random free index for a new grant, with `random` as the
    /// source of uniformly random 64-bit numbers.
    pub fn assign_with(
        &mut self,
        random: &mut dyn FnMut() -> u64,
    ) -> Result<StatusReference, StatusError> {
        let idx = self.draw(&mut || Ok(random()))?;
        Ok(StatusReference {
            idx,
            uri: self.uri.clone(),
        })
    }

    /// Allocates a random free index for a new grant (system randomness).
    pub fn assign(&mut self) -> Result<StatusReference, StatusError> {
        let idx = self.draw(&mut system_random)?;
        Ok(StatusReference {
            idx,
            uri: self.uri.clone(),
        })
    }

    /// Sets the status of an allocated index.
    pub fn set(&mut self, idx: u64, status: Status) -> Result<(), StatusError> {
        self.list.set_status(idx, status)
    }

    /// Allocates `n` random free indices that belong to no grant and sets
    /// them INVALID.
    pub fn add_decoys_with(
        &mut self,
        n: u64,
        random: &mut dyn FnMut() -> u64,
    ) -> Result<(), StatusError> {
        for _ in 0..n {
            let i = self.draw(&mut || Ok(random()))?;
            self.list.set_status(i, Status::Invalid)?;
        }
        Ok(())
    }

    /// [`StatusRegistry::add_decoys_with`] with system randomness.
    pub fn add_decoys(&mut self, n: u64) -> Result<(), StatusError> {
        for _ in 0..n {
            let i = self.draw(&mut system_random)?;
            self.list.set_status(i, Status::Invalid)?;
        }
        Ok(())
    }

    /// The token for this epoch (to be signed with [`StatusListToken::sign`]).
    pub fn token(
        &self,
        issued_at: Timestamp,
        ttl: u64,
        expires_at: Option<Timestamp>,
    ) -> StatusListToken {
        StatusListToken {
            subject: self.uri.clone(),
            issued_at,
            expires_at,
            not_before: None,
            ttl: Some(ttl),
            list: self.list.clone(),
        }
    }
}

fn system_random() -> Result<u64, StatusError> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 8];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| StatusError::Key(KeyError::Rng))?;
    Ok(u64::from_le_bytes(b))
}

#[cfg(test)]
mod tests;
