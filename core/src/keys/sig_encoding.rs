//! Signatures handed over by signers outside consentkit, normalised to the
//! form COSE carries (RFC 9053 §2.1: ES256 is `r || s`, each 32 bytes
//! big-endian; Ed25519 is the 64-byte RFC 8032 signature).
//!
//! External ECDSA signers answer in one of two forms: the 64-byte `r || s`
//! (WebCrypto, IEEE P1363) or an ASN.1 DER `ECDSA-Sig-Value` (RFC 3279
//! §2.2.3: `SEQUENCE { r INTEGER, s INTEGER }`), which Android Keystore
//! (`SHA256withECDSA`) and Apple's Security framework
//! (`.ecdsaSignatureMessageX962SHA256`) return. Both are read strictly:
//! exactly 64 bytes is the raw form; anything else must be DER with
//! short-form lengths, minimal non-negative INTEGERs and nothing after
//! them (X.690 §8.3.2, §10.1); and `r`, `s` must lie in `[1, n − 1]` (SEC 1
//! §4.1.4 step 1). Each refusal is a [`SignatureEncodingError`] naming what
//! is wrong. A high `s` (above `n / 2`) is a valid ECDSA signature and is
//! kept as it is: COSE does not ask for low-`s` signatures, and platform
//! keys make them half the time.
//!
//! These are the signer's own outputs, so the errors say what is wrong; a
//! well-formed signature that does not verify stays opaque.

use super::Algorithm;

/// The order `n` of the P-256 group (SEC 2 §2.4.2), big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Length of a raw ES256 or Ed25519 signature.
pub const RAW_SIGNATURE_LEN: usize = 64;

/// The shortest DER `ECDSA-Sig-Value`: `30 06 02 01 r 02 01 s`.
const DER_MIN_LEN: usize = 8;

/// The longest DER `ECDSA-Sig-Value` for P-256: two 33-byte INTEGERs.
const DER_MAX_LEN: usize = 2 + 2 * (2 + 33);

/// Which integer of an ECDSA signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureInteger {
    /// The first integer, `r`.
    R,
    /// The second integer, `s`.
    S,
}

impl std::fmt::Display for SignatureInteger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignatureInteger::R => "r",
            SignatureInteger::S => "s",
        })
    }
}

/// What is wrong with a signature a signer returned, before any check of
/// what it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureEncodingError {
    /// An Ed25519 signature that is not 64 bytes.
    #[error("an Ed25519 signature is 64 bytes, got {0}")]
    Ed25519Length(usize),
    /// An ES256 signature that is neither 64 bytes (`r || s`) nor of a
    /// length a DER `ECDSA-Sig-Value` for P-256 can have (8 to 72 bytes).
    #[error(
        "an ES256 signature is 64 bytes (r || s) or an ASN.1 DER ECDSA-Sig-Value of 8 to 72 bytes, got {0} bytes"
    )]
    EcdsaLength(usize),
    /// Not a DER `SEQUENCE { r INTEGER, s INTEGER }`: a wrong tag, a length
    /// that does not match, a long-form length, bytes left over.
    #[error("ES256 signature is not DER: {0}")]
    NotDer(&'static str),
    /// A DER INTEGER with a leading zero byte it does not need (BER, not DER).
    #[error("ES256 signature: DER INTEGER {0} is not minimally encoded")]
    NonMinimalInteger(SignatureInteger),
    /// A DER INTEGER whose top bit is set: a negative number.
    #[error("ES256 signature: DER INTEGER {0} is negative")]
    NegativeInteger(SignatureInteger),
    /// `r` or `s` is zero.
    #[error("ES256 signature: {0} is zero")]
    Zero(SignatureInteger),
    /// `r` or `s` is not below the P-256 group order `n`.
    #[error("ES256 signature: {0} is not below the P-256 group order n")]
    OutOfRange(SignatureInteger),
}

/// Normalises a signature from an external signer to the COSE form for
/// `alg`: Ed25519 must be 64 bytes; ES256 may be `r || s` (exactly 64
/// bytes) or strict DER, and `r`, `s` must be in `[1, n − 1]`.
///
/// ```
/// use consentkit::keys::{normalize_signature, Algorithm, SignatureEncodingError};
/// // DER for r = 1, s = 2.
/// let raw = normalize_signature(Algorithm::ES256, &[0x30, 6, 2, 1, 1, 2, 1, 2]).unwrap();
/// assert_eq!((raw[31], raw[63], raw.len()), (1, 2, 64));
/// // A leading zero that is not needed is BER, not DER.
/// assert_eq!(
///     normalize_signature(Algorithm::ES256, &[0x30, 7, 2, 2, 0, 1, 2, 1, 2]),
///     Err(SignatureEncodingError::NonMinimalInteger(consentkit::keys::SignatureInteger::R))
/// );
/// ```
pub fn normalize_signature(alg: Algorithm, sig: &[u8]) -> Result<Vec<u8>, SignatureEncodingError> {
    match alg {
        Algorithm::Ed25519 if sig.len() == RAW_SIGNATURE_LEN => Ok(sig.to_vec()),
        Algorithm::Ed25519 => Err(SignatureEncodingError::Ed25519Length(sig.len())),
        Algorithm::ES256 if sig.len() == RAW_SIGNATURE_LEN => {
            check_range(&sig[..32], SignatureInteger::R)?;
            check_range(&sig[32..], SignatureInteger::S)?;
            Ok(sig.to_vec())
        }
        // Not 64 bytes and not even the start of a DER SEQUENCE: a raw
        // signature of the wrong length, most likely.
        Algorithm::ES256 if sig.first() != Some(&0x30) => {
            Err(SignatureEncodingError::EcdsaLength(sig.len()))
        }
        Algorithm::ES256 => ecdsa_der_to_raw(sig).map(|raw| raw.to_vec()),
    }
}

/// Reads a strict DER `ECDSA-Sig-Value` for P-256 into `r || s`.
pub fn ecdsa_der_to_raw(der: &[u8]) -> Result<[u8; 64], SignatureEncodingError> {
    use SignatureEncodingError::NotDer;
    if !(DER_MIN_LEN..=DER_MAX_LEN).contains(&der.len()) {
        return Err(SignatureEncodingError::EcdsaLength(der.len()));
    }
    let (&tag, rest) = der.split_first().ok_or(NotDer("empty"))?;
    if tag != 0x30 {
        return Err(NotDer("expected a SEQUENCE (tag 0x30)"));
    }
    let (&len, rest) = rest.split_first().ok_or(NotDer("truncated"))?;
    if len & 0x80 != 0 {
        return Err(NotDer(
            "long-form length (DER uses the short form below 128 bytes)",
        ));
    }
    if usize::from(len) != rest.len() {
        return Err(NotDer(
            "the SEQUENCE length does not match the bytes that follow",
        ));
    }
    let (r, rest) = der_integer(rest, SignatureInteger::R)?;
    let (s, rest) = der_integer(rest, SignatureInteger::S)?;
    if !rest.is_empty() {
        return Err(NotDer("bytes after the second INTEGER"));
    }
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    check_range(&out[..32], SignatureInteger::R)?;
    check_range(&out[32..], SignatureInteger::S)?;
    Ok(out)
}

/// One DER INTEGER: its magnitude (at most 32 bytes, no leading zero) and
/// the bytes after it.
fn der_integer(
    input: &[u8],
    which: SignatureInteger,
) -> Result<(&[u8], &[u8]), SignatureEncodingError> {
    use SignatureEncodingError::NotDer;
    let (&tag, rest) = input.split_first().ok_or(NotDer("an INTEGER is missing"))?;
    if tag != 0x02 {
        return Err(NotDer("expected an INTEGER (tag 0x02)"));
    }
    let (&len, rest) = rest.split_first().ok_or(NotDer("truncated INTEGER"))?;
    if len & 0x80 != 0 {
        return Err(NotDer(
            "long-form length (DER uses the short form below 128 bytes)",
        ));
    }
    let len = usize::from(len);
    if len == 0 {
        return Err(NotDer("an INTEGER with no content"));
    }
    if rest.len() < len {
        return Err(NotDer("truncated INTEGER"));
    }
    let (v, rest) = rest.split_at(len);
    if v[0] & 0x80 != 0 {
        return Err(SignatureEncodingError::NegativeInteger(which));
    }
    // A leading zero is allowed only to keep the next byte's top bit from
    // reading as a sign (X.690 §8.3.2).
    let v = match v {
        [0, next, ..] if next & 0x80 == 0 => {
            return Err(SignatureEncodingError::NonMinimalInteger(which))
        }
        [0, tail @ ..] if !tail.is_empty() => tail,
        _ => v,
    };
    if v.len() > 32 {
        return Err(SignatureEncodingError::OutOfRange(which));
    }
    Ok((v, rest))
}

/// `1 <= x < n` for a 32-byte big-endian `x`.
fn check_range(x: &[u8], which: SignatureInteger) -> Result<(), SignatureEncodingError> {
    if x.iter().all(|&b| b == 0) {
        return Err(SignatureEncodingError::Zero(which));
    }
    // Big-endian byte strings of equal length compare as the integers do.
    if x >= P256_N.as_slice() {
        return Err(SignatureEncodingError::OutOfRange(which));
    }
    Ok(())
}
