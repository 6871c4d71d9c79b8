//! COSE (RFC 9052) structures: COSE_Sign1 (tag 18) and COSE_Sign (tag 98),
//! their header maps and `Sig_structure`s.
//!
//! This layer is generic: it parses and verifies any COSE_Sign1/COSE_Sign
//! with an Ed25519 or ES256 signature (the COSE WG examples run through
//! it). The stricter profile that consentkit artifacts must follow (kid and
//! typ in the protected header, empty unprotected header) is enforced in
//! [`crate::artifact`].
//!
//! Decisions, each tested:
//! - An empty protected header must be the zero-length byte string (RFC 9052
//!   §3); `h'A0'` (an encoded empty map) is rejected as
//!   [`CoseError::EmptyProtectedNotZeroLength`]. This is why the COSE WG
//!   vector `sign-pass-01` does not verify here.
//! - A detached payload (`nil`) is rejected: consentkit never signs one.
//! - `crit` may only name labels this layer understands (alg, crit,
//!   content type, kid, typ) and that are present in the protected header.

use crate::cbor::{self, Value};
use crate::keys::{Algorithm, PublicKey};

/// CBOR tag of COSE_Sign1.
pub const TAG_SIGN1: u64 = 18;
/// CBOR tag of COSE_Sign.
pub const TAG_SIGN: u64 = 98;

/// Header label: algorithm.
pub const HDR_ALG: i64 = 1;
/// Header label: critical headers.
pub const HDR_CRIT: i64 = 2;
/// Header label: content type.
pub const HDR_CONTENT_TYPE: i64 = 3;
/// Header label: key id.
pub const HDR_KID: i64 = 4;
/// Header label: type (RFC 9596).
pub const HDR_TYP: i64 = 16;

/// What was wrong with a COSE structure or header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoseError {
    /// Not valid deterministic CBOR.
    #[error("{0}")]
    Cbor(#[from] cbor::CborError),
    /// The message has no CBOR tag but one is required.
    #[error("COSE message is not tagged (expected tag {expected})")]
    MissingTag {
        /// The tag expected.
        expected: u64,
    },
    /// The message carries the wrong CBOR tag.
    #[error("COSE message has tag {found}, expected {expected}")]
    WrongTag {
        /// The tag expected.
        expected: u64,
        /// The tag found.
        found: u64,
    },
    /// The message's shape is not that of the COSE structure.
    #[error("not a {structure}: {reason}")]
    Structure {
        /// Which structure was expected.
        structure: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// An empty protected header encoded as `h'A0'` rather than `h''`.
    #[error("empty protected header must be a zero-length byte string, not an encoded empty map")]
    EmptyProtectedNotZeroLength,
    /// The same label in both the protected and the unprotected header.
    #[error("header label {0} appears in both protected and unprotected headers")]
    DuplicateHeader(String),
    /// `crit` lists a label this implementation does not understand.
    #[error("critical header {0} is not understood")]
    UnknownCriticalHeader(String),
    /// `crit` is malformed (not a non-empty array of labels present in the protected header).
    #[error("crit header is malformed: {0}")]
    MalformedCrit(String),
    /// No `alg` header.
    #[error("no alg header")]
    MissingAlgorithm,
    /// An `alg` value consentkit does not support (none of -7, -8 and -9).
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The header's algorithm does not fit the verifying key.
    #[error("header alg {header} does not fit the key ({key})")]
    AlgorithmMismatch {
        /// The header's algorithm.
        header: Algorithm,
        /// The key's algorithm.
        key: Algorithm,
    },
    /// The payload is detached (`nil`).
    #[error("detached payload (nil) is not accepted")]
    DetachedPayload,
    /// The signature is not valid. Deliberately without detail.
    #[error("signature invalid")]
    SignatureInvalid,
}

/// A decoded header map: protected bytes as received, and both maps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The protected header's bstr contents, exactly as received.
    pub protected_bytes: Vec<u8>,
    /// The protected header map.
    pub protected: Vec<(Value, Value)>,
    /// The unprotected header map.
    pub unprotected: Vec<(Value, Value)>,
}

fn label_name(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("\"{t}\""),
        other => other
            .as_i64()
            .map(|i| i.to_string())
            .unwrap_or_else(|| other.type_name().to_owned()),
    }
}

fn lookup(map: &[(Value, Value)], label: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| k.as_i64() == Some(label))
        .map(|(_, v)| v)
}

impl Headers {
    /// Parses a protected bstr and an unprotected map and checks the
    /// generic rules (zero-length empty header, no duplicates, crit).
    pub fn parse(
        protected: &Value,
        unprotected: &Value,
        structure: &'static str,
    ) -> Result<Headers, CoseError> {
        let Value::Bytes(protected_bytes) = protected else {
            return Err(CoseError::Structure {
                structure,
                reason: format!(
                    "protected header must be a byte string, found {}",
                    protected.type_name()
                ),
            });
        };
        let protected_map = if protected_bytes.is_empty() {
            Vec::new()
        } else {
            match cbor::decode(protected_bytes)? {
                Value::Map(m) if m.is_empty() => {
                    return Err(CoseError::EmptyProtectedNotZeroLength)
                }
                Value::Map(m) => m,
                other => {
                    return Err(CoseError::Structure {
                        structure,
                        reason: format!(
                            "protected header must encode a map, found {}",
                            other.type_name()
                        ),
                    })
                }
            }
        };
        let Value::Map(unprotected_map) = unprotected else {
            return Err(CoseError::Structure {
                structure,
                reason: format!(
                    "unprotected header must be a map, found {}",
                    unprotected.type_name()
                ),
            });
        };
        for (k, _) in unprotected_map {
            if protected_map.iter().any(|(pk, _)| pk == k) {
                return Err(CoseError::DuplicateHeader(label_name(k)));
            }
        }
        if lookup(unprotected_map, HDR_CRIT).is_some() {
            return Err(CoseError::MalformedCrit(
                "crit must be in the protected header".into(),
            ));
        }
        if let Some(crit) = lookup(&protected_map, HDR_CRIT) {
            let Value::Array(labels) = crit else {
                return Err(CoseError::MalformedCrit("not an array".into()));
            };
            if labels.is_empty() {
                return Err(CoseError::MalformedCrit("empty array".into()));
            }
            let understood = [HDR_ALG, HDR_CRIT, HDR_CONTENT_TYPE, HDR_KID, HDR_TYP];
            for l in labels {
                if !l.as_i64().is_some_and(|i| understood.contains(&i)) {
                    return Err(CoseError::UnknownCriticalHeader(label_name(l)));
                }
                if !protected_map.iter().any(|(k, _)| k == l) {
                    return Err(CoseError::MalformedCrit(format!(
                        "label {} is not in the protected header",
                        label_name(l)
                    )));
                }
            }
        }
        Ok(Headers {
            protected_bytes: protected_bytes.clone(),
            protected: protected_map,
            unprotected: unprotected_map.clone(),
        })
    }

    /// A header value, from the protected map first, then the unprotected one.
    pub fn get(&self, label: i64) -> Option<&Value> {
        lookup(&self.protected, label).or_else(|| lookup(&self.unprotected, label))
    }

    /// A header value from the protected map only.
    pub fn get_protected(&self, label: i64) -> Option<&Value> {
        lookup(&self.protected, label)
    }

    /// The algorithm (protected or unprotected), if supported.
    pub fn algorithm(&self) -> Result<Algorithm, CoseError> {
        algorithm_of(self.get(HDR_ALG))
    }
}

/// Reads an `alg` header value.
pub fn algorithm_of(v: Option<&Value>) -> Result<Algorithm, CoseError> {
    let v = v.ok_or(CoseError::MissingAlgorithm)?;
    match v.as_i64() {
        Some(id) => Algorithm::from_cose_id(id)
            .ok_or_else(|| CoseError::UnsupportedAlgorithm(id.to_string())),
        None => Err(CoseError::UnsupportedAlgorithm(label_name(v))),
    }
}

/// Whether a CBOR tag is required, optional, or must be absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// The message must carry its tag (consentkit artifacts).
    Required,
    /// The tag may be omitted (RFC 9052 §2 allows untagged use by context).
    Optional,
}

fn untag(v: Value, tag: u64, tagging: Tagging) -> Result<Value, CoseError> {
    match v {
        Value::Tag(t, inner) if t == tag => Ok(*inner),
        Value::Tag(t, _) => Err(CoseError::WrongTag {
            expected: tag,
            found: t,
        }),
        other if tagging == Tagging::Optional => Ok(other),
        _ => Err(CoseError::MissingTag { expected: tag }),
    }
}

fn payload_of(v: Value, structure: &'static str) -> Result<Vec<u8>, CoseError> {
    match v {
        Value::Bytes(b) => Ok(b),
        Value::Null => Err(CoseError::DetachedPayload),
        other => Err(CoseError::Structure {
            structure,
            reason: format!("payload must be a byte string, found {}", other.type_name()),
        }),
    }
}

fn signature_of(v: Value, structure: &'static str) -> Result<Vec<u8>, CoseError> {
    match v {
        Value::Bytes(b) => Ok(b),
        other => Err(CoseError::Structure {
            structure,
            reason: format!(
                "signature must be a byte string, found {}",
                other.type_name()
            ),
        }),
    }
}

fn array_of(v: Value, n: usize, structure: &'static str) -> Result<Vec<Value>, CoseError> {
    match v {
        Value::Array(a) if a.len() == n => Ok(a),
        Value::Array(a) => Err(CoseError::Structure {
            structure,
            reason: format!("expected an array of {n}, found {}", a.len()),
        }),
        other => Err(CoseError::Structure {
            structure,
            reason: format!("expected an array, found {}", other.type_name()),
        }),
    }
}

/// Verifies `signature` over `tbs` with `key`, checking the header
/// algorithm against the key first.
pub fn verify_with(
    alg: Algorithm,
    key: &PublicKey,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), CoseError> {
    if alg != key.algorithm() {
        return Err(CoseError::AlgorithmMismatch {
            header: alg,
            key: key.algorithm(),
        });
    }
    key.verify(tbs, signature)
        .map_err(|_| CoseError::SignatureInvalid)
}

/// A COSE_Sign1 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sign1 {
    /// The headers.
    pub headers: Headers,
    /// The payload.
    pub payload: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
}

impl Sign1 {
    /// Decodes a COSE_Sign1 from bytes (one item, no trailing bytes).
    pub fn from_slice(bytes: &[u8], tagging: Tagging) -> Result<Sign1, CoseError> {
        Sign1::from_value(cbor::decode(bytes)?, tagging)
    }

    /// Decodes a COSE_Sign1 from a CBOR value.
    pub fn from_value(v: Value, tagging: Tagging) -> Result<Sign1, CoseError> {
        const S: &str = "COSE_Sign1";
        let mut a = array_of(untag(v, TAG_SIGN1, tagging)?, 4, S)?.into_iter();
        let (p, u, pl, sig) = match (a.next(), a.next(), a.next(), a.next()) {
            (Some(p), Some(u), Some(pl), Some(sig)) => (p, u, pl, sig),
            _ => {
                return Err(CoseError::Structure {
                    structure: S,
                    reason: "expected 4 items".into(),
                })
            }
        };
        Ok(Sign1 {
            headers: Headers::parse(&p, &u, S)?,
            payload: payload_of(pl, S)?,
            signature: signature_of(sig, S)?,
        })
    }

    /// The `Sig_structure` for this message: `["Signature1", protected, aad, payload]`.
    pub fn tbs(&self, external_aad: &[u8]) -> Vec<u8> {
        sig_structure1(&self.headers.protected_bytes, external_aad, &self.payload)
    }

    /// Verifies the signature with `key` (the header's alg must fit the key).
    pub fn verify(&self, key: &PublicKey, external_aad: &[u8]) -> Result<(), CoseError> {
        let alg = self.headers.algorithm()?;
        verify_with(alg, key, &self.tbs(external_aad), &self.signature)
    }

    /// Encodes the message (tagged).
    pub fn to_vec(&self) -> Vec<u8> {
        Value::Tag(
            TAG_SIGN1,
            Box::new(Value::Array(vec![
                Value::Bytes(self.headers.protected_bytes.clone()),
                Value::Map(self.headers.unprotected.clone()),
                Value::Bytes(self.payload.clone()),
                Value::Bytes(self.signature.clone()),
            ])),
        )
        .to_vec()
    }
}

/// Encodes the array `[context, byte strings...]` deterministically, into
/// one buffer of its exact size (what [`Value::to_vec`] of the same array
/// gives, without building it).
fn tbs_array(context: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    tbs_array_into(&mut out, context, parts);
    out
}

/// [`tbs_array`] appended to `out` (reserving what it needs first).
fn tbs_array_into(out: &mut Vec<u8>, context: &str, parts: &[&[u8]]) {
    // A head is at most 9 bytes.
    let size = 9 * (2 + parts.len()) + context.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    out.reserve(size);
    cbor::head(out, 4, 1 + parts.len() as u64);
    cbor::head(out, 3, context.len() as u64);
    out.extend_from_slice(context.as_bytes());
    for p in parts {
        cbor::head(out, 2, p.len() as u64);
        out.extend_from_slice(p);
    }
}

/// Builds `["Signature1", protected, external_aad, payload]`.
pub fn sig_structure1(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    tbs_array("Signature1", &[protected, external_aad, payload])
}

/// [`sig_structure1`] appended to `out`.
pub(crate) fn sig_structure1_into(
    out: &mut Vec<u8>,
    protected: &[u8],
    external_aad: &[u8],
    payload: &[u8],
) {
    tbs_array_into(out, "Signature1", &[protected, external_aad, payload]);
}

/// [`sig_structure`] appended to `out`.
pub(crate) fn sig_structure_into(
    out: &mut Vec<u8>,
    body_protected: &[u8],
    sign_protected: &[u8],
    external_aad: &[u8],
    payload: &[u8],
) {
    tbs_array_into(
        out,
        "Signature",
        &[body_protected, sign_protected, external_aad, payload],
    );
}

/// Builds `["Signature", body_protected, sign_protected, external_aad, payload]`.
pub fn sig_structure(
    body_protected: &[u8],
    sign_protected: &[u8],
    external_aad: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    tbs_array(
        "Signature",
        &[body_protected, sign_protected, external_aad, payload],
    )
}

/// One COSE_Signature inside a COSE_Sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSignature {
    /// The signer's headers.
    pub headers: Headers,
    /// The signature.
    pub signature: Vec<u8>,
}

/// A COSE_Sign message (one or more signers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sign {
    /// The body headers.
    pub headers: Headers,
    /// The payload.
    pub payload: Vec<u8>,
    /// The signatures, in order.
    pub signatures: Vec<CoseSignature>,
}

impl Sign {
    /// Decodes a COSE_Sign from bytes.
    pub fn from_slice(bytes: &[u8], tagging: Tagging) -> Result<Sign, CoseError> {
        Sign::from_value(cbor::decode(bytes)?, tagging)
    }

    /// Decodes a COSE_Sign from a CBOR value.
    pub fn from_value(v: Value, tagging: Tagging) -> Result<Sign, CoseError> {
        const S: &str = "COSE_Sign";
        let mut a = array_of(untag(v, TAG_SIGN, tagging)?, 4, S)?.into_iter();
        let (p, u, pl, sigs) = match (a.next(), a.next(), a.next(), a.next()) {
            (Some(p), Some(u), Some(pl), Some(s)) => (p, u, pl, s),
            _ => {
                return Err(CoseError::Structure {
                    structure: S,
                    reason: "expected 4 items".into(),
                })
            }
        };
        let headers = Headers::parse(&p, &u, S)?;
        let payload = payload_of(pl, S)?;
        let Value::Array(sigs) = sigs else {
            return Err(CoseError::Structure {
                structure: S,
                reason: "signatures must be an array".into(),
            });
        };
        if sigs.is_empty() {
            return Err(CoseError::Structure {
                structure: S,
                reason: "no signatures".into(),
            });
        }
        let mut signatures = Vec::with_capacity(sigs.len());
        for s in sigs {
            const SS: &str = "COSE_Signature";
            let mut a = array_of(s, 3, SS)?.into_iter();
            let (p, u, sig) = match (a.next(), a.next(), a.next()) {
                (Some(p), Some(u), Some(s)) => (p, u, s),
                _ => {
                    return Err(CoseError::Structure {
                        structure: SS,
                        reason: "expected 3 items".into(),
                    })
                }
            };
            signatures.push(CoseSignature {
                headers: Headers::parse(&p, &u, SS)?,
                signature: signature_of(sig, SS)?,
            });
        }
        Ok(Sign {
            headers,
            payload,
            signatures,
        })
    }

    /// The `Sig_structure` for signer `i`.
    pub fn tbs(&self, i: usize, external_aad: &[u8]) -> Option<Vec<u8>> {
        let s = self.signatures.get(i)?;
        Some(sig_structure(
            &self.headers.protected_bytes,
            &s.headers.protected_bytes,
            external_aad,
            &self.payload,
        ))
    }

    /// Verifies signer `i` with `key`.
    pub fn verify(&self, i: usize, key: &PublicKey, external_aad: &[u8]) -> Result<(), CoseError> {
        let s = self.signatures.get(i).ok_or(CoseError::Structure {
            structure: "COSE_Sign",
            reason: format!("no signature {i}"),
        })?;
        let alg = s.headers.algorithm()?;
        let tbs = self.tbs(i, external_aad).unwrap_or_default();
        verify_with(alg, key, &tbs, &s.signature)
    }

    /// Encodes the message (tagged).
    pub fn to_vec(&self) -> Vec<u8> {
        Value::Tag(
            TAG_SIGN,
            Box::new(Value::Array(vec![
                Value::Bytes(self.headers.protected_bytes.clone()),
                Value::Map(self.headers.unprotected.clone()),
                Value::Bytes(self.payload.clone()),
                Value::Array(
                    self.signatures
                        .iter()
                        .map(|s| {
                            Value::Array(vec![
                                Value::Bytes(s.headers.protected_bytes.clone()),
                                Value::Map(s.headers.unprotected.clone()),
                                Value::Bytes(s.signature.clone()),
                            ])
                        })
                        .collect(),
                ),
            ])),
        )
        .to_vec()
    }
}

#[cfg(test)]
mod tests;
