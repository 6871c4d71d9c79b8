//! Keys and signatures: Ed25519 (COSE alg -8) and ECDSA P-256 with SHA-256
//! (ES256, alg -7, 64-byte `r || s` signatures), all through `ring`.
//!
//! Keys travel as COSE_Key (RFC 9052 §7); a key's id is its COSE Key
//! Thumbprint (RFC 9679). A [`Signer`] may live outside the process (a
//! phone's Secure Enclave or StrongBox, a non-extractable WebCrypto key):
//! consentkit only needs its public key and a `sign` call.

use std::fmt;
use std::sync::Arc;

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};

use zeroize::{Zeroize, Zeroizing};

use crate::cbor::{self, Value};

mod hint;
mod kid_hash;
mod p256;
mod sig_encoding;
mod trust;
pub use hint::{HeaderKid, SHORT_KID_LEN};
pub use sig_encoding::{
    ecdsa_der_to_raw, normalize_signature, SignatureEncodingError, SignatureInteger,
    RAW_SIGNATURE_LEN,
};
pub use trust::{KeyMaterial, Role, TrustSet, TrustedKey};

/// COSE_Key label: key type.
const KTY: i64 = 1;
/// COSE_Key label: key id.
const KID: i64 = 2;
/// COSE_Key label: algorithm.
const ALG: i64 = 3;
/// OKP/EC2 label: curve.
const CRV: i64 = -1;
/// OKP/EC2 label: x coordinate (OKP: the public key).
const X: i64 = -2;
/// EC2 label: y coordinate.
const Y: i64 = -3;
/// OKP/EC2 label: private key.
const D: i64 = -4;

const KTY_OKP: i64 = 1;
const KTY_EC2: i64 = 2;
const CRV_P256: i64 = 1;
const CRV_ED25519: i64 = 6;

/// COSE algorithm identifier of ESP256 (RFC 9864): ECDSA using P-256 and
/// SHA-256, fully specified. Accepted wherever ES256 (-7) is.
pub const ESP256: i64 = -9;

/// A signature algorithm that consentkit signs and verifies with, named by
/// its key type: the same name in Rust, JSON and JavaScript (`"Ed25519"`,
/// `"ES256"`), Kotlin and Python (`ED25519`, `ES256`) and Swift
/// (`.ed25519`, `.es256`). On the wire it is a COSE algorithm identifier
/// (`cose_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Algorithm {
    /// EdDSA with an Ed25519 key (COSE -8, an OKP Ed25519 key). Public key:
    /// 32 bytes.
    Ed25519,
    /// ECDSA with P-256 and SHA-256, signature `r || s` (COSE -7; also
    /// read from ESP256, -9, RFC 9864): Secure Enclave, StrongBox,
    /// WebCrypto. Public key: the uncompressed point `04 || x || y`
    /// (65 bytes).
    ES256,
}

impl Algorithm {
    /// Every algorithm, in the order the names are listed in messages.
    pub const ALL: [Algorithm; 2] = [Algorithm::Ed25519, Algorithm::ES256];

    /// The COSE algorithm identifier.
    pub fn cose_id(self) -> i64 {
        match self {
            Algorithm::Ed25519 => -8,
            Algorithm::ES256 => -7,
        }
    }

    /// The algorithm for a COSE identifier, if supported.
    ///
    /// RFC 9864 registers ESP256 (-9), the fully-specified ECDSA with P-256
    /// and SHA-256; it verifies exactly as ES256 (-7) does with a P-256 key,
    /// so both identifiers name [`Algorithm::ES256`]. consentkit signs with
    /// -7 (the frozen wire format) and verifies either.
    pub fn from_cose_id(id: i64) -> Option<Algorithm> {
        match id {
            -8 => Some(Algorithm::Ed25519),
            -7 | ESP256 => Some(Algorithm::ES256),
            _ => None,
        }
    }

    /// The algorithm's name: `"Ed25519"` or `"ES256"`, as in JSON and
    /// JavaScript.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::ES256 => "ES256",
        }
    }

    /// The algorithm for its name ([`Algorithm::name`]); `None` for any
    /// other string, the former `"EdDSA"` included.
    pub fn parse(s: &str) -> Option<Algorithm> {
        match s {
            "Ed25519" => Some(Algorithm::Ed25519),
            "ES256" => Some(Algorithm::ES256),
            _ => None,
        }
    }

    /// Length of a signature in bytes (both algorithms: 64).
    pub fn signature_len(self) -> usize {
        64
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key id: the RFC 9679 COSE Key Thumbprint (SHA-256) of the public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct KeyId(pub [u8; 32]);

impl KeyId {
    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The id from bytes, if exactly 32.
    pub fn from_slice(b: &[u8]) -> Option<KeyId> {
        <[u8; 32]>::try_from(b).ok().map(KeyId)
    }

    /// The first 8 bytes in hex, for messages.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", hex::encode(self.0))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

/// What was wrong with a key, or with signing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The COSE_Key was not valid CBOR.
    #[error("COSE_Key: {0}")]
    Cbor(#[from] cbor::CborError),
    /// The COSE_Key is not a map, or a parameter has the wrong type.
    #[error("COSE_Key: {0}")]
    Malformed(String),
    /// A key type, curve or algorithm that consentkit does not support.
    #[error("COSE_Key: unsupported {0}")]
    Unsupported(String),
    /// The key's `alg` does not fit its key type and curve.
    #[error("COSE_Key: alg {alg} does not fit a {curve} key")]
    AlgorithmMismatch {
        /// The `alg` the key carried.
        alg: i64,
        /// The curve of the key.
        curve: &'static str,
    },
    /// The public key bytes are not a valid point or have the wrong length.
    #[error("COSE_Key: invalid public key")]
    InvalidPublicKey,
    /// The private key is invalid or does not belong to the public key.
    #[error("COSE_Key: invalid private key, or it does not match the public key")]
    InvalidPrivateKey,
    /// The key's `kid` is not its RFC 9679 thumbprint.
    #[error("COSE_Key: kid {found} is not the key's thumbprint {expected}")]
    KidMismatch {
        /// The kid carried.
        found: String,
        /// The thumbprint.
        expected: String,
    },
    /// A private key was expected but the COSE_Key has none.
    #[error("COSE_Key: no private key (parameter d)")]
    MissingPrivateKey,
    /// The system random generator failed.
    #[error("random number generator failed")]
    Rng,
    /// An external signer failed or returned a signature that does not verify.
    #[error("signer failed: {0}")]
    Signer(String),
    /// An external signer returned a signature in no form consentkit
    /// accepts (see [`normalize_signature`]): a wrong length, DER that is
    /// not strict, `r` or `s` zero or not below the group order.
    #[error("signer returned a malformed signature: {0}")]
    SignatureEncoding(#[from] SignatureEncodingError),
}

/// A public key that consentkit can verify signatures with.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    alg: Algorithm,
    /// Ed25519: 32 bytes. P-256: 65 bytes, `04 || x || y`.
    bytes: Vec<u8>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.alg, self.kid().short())
    }
}

impl PublicKey {
    /// An Ed25519 public key from its 32 bytes.
    pub fn ed25519(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        if bytes.len() != 32 {
            return Err(KeyError::InvalidPublicKey);
        }
        Ok(PublicKey {
            alg: Algorithm::Ed25519,
            bytes: bytes.to_vec(),
        })
    }

    /// A P-256 public key from its uncompressed point `04 || x || y`.
    /// The point is checked to be on the curve.
    pub fn p256_uncompressed(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        if bytes.len() != 65 || bytes[0] != 0x04 {
            return Err(KeyError::InvalidPublicKey);
        }
        // Reject points that are not on the curve now, not at first use.
        if !p256::point_valid(bytes) {
            return Err(KeyError::InvalidPublicKey);
        }
        Ok(PublicKey {
            alg: Algorithm::ES256,
            bytes: bytes.to_vec(),
        })
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The raw public key (Ed25519: 32 bytes; P-256: `04 || x || y`).
    pub fn raw(&self) -> &[u8] {
        &self.bytes
    }

    /// Verifies `sig` over `msg`. Errors are deliberately opaque.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), SignatureInvalid> {
        let alg: &dyn signature::VerificationAlgorithm = match self.alg {
            Algorithm::Ed25519 => &signature::ED25519,
            Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        };
        signature::UnparsedPublicKey::new(alg, &self.bytes)
            .verify(msg, sig)
            .map_err(|_| SignatureInvalid)
    }

    /// The RFC 9679 thumbprint: SHA-256 over the deterministic encoding of
    /// the required COSE_Key parameters only.
    pub fn kid(&self) -> KeyId {
        let v = Value::Map(self.required_params());
        let d = ring::digest::digest(&ring::digest::SHA256, &v.to_vec());
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        KeyId(out)
    }

    fn required_params(&self) -> Vec<(Value, Value)> {
        match self.alg {
            Algorithm::Ed25519 => vec![
                (Value::int(KTY), Value::int(KTY_OKP)),
                (Value::int(CRV), Value::int(CRV_ED25519)),
                (Value::int(X), Value::bytes(self.bytes.clone())),
            ],
            Algorithm::ES256 => vec![
                (Value::int(KTY), Value::int(KTY_EC2)),
                (Value::int(CRV), Value::int(CRV_P256)),
                (Value::int(X), Value::bytes(self.bytes[1..33].to_vec())),
                (Value::int(Y), Value::bytes(self.bytes[33..65].to_vec())),
            ],
        }
    }

    /// The key as a COSE_Key map (with kty, kid, alg, crv, x and, for
    /// P-256, y), plus any `extra` parameters.
    pub fn to_cose_key_value(&self, extra: Vec<(Value, Value)>) -> Value {
        let mut params = self.required_params();
        params.push((Value::int(KID), Value::bytes(self.kid().0.to_vec())));
        params.push((Value::int(ALG), Value::int(self.alg.cose_id())));
        params.extend(extra);
        Value::Map(params)
    }

    /// The key as an encoded COSE_Key.
    pub fn to_cose_key(&self) -> Vec<u8> {
        self.to_cose_key_value(Vec::new()).to_vec()
    }

    /// Reads a public COSE_Key. A private part, if present, is ignored.
    pub fn from_cose_key(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let v = cbor::decode(bytes)?;
        Ok(parse_cose_key(&v)?.public)
    }
}

/// The opaque result of a failed signature check: no detail that helps a forger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("signature invalid")]
pub struct SignatureInvalid;

/// A parsed COSE_Key: the public key, the private key if present, and the
/// map's other parameters (for roles in a trust set).
pub(crate) struct ParsedKey {
    pub public: PublicKey,
    pub private: Option<Zeroizing<Vec<u8>>>,
    pub extra: Vec<(Value, Value)>,
}

fn get(map: &[(Value, Value)], label: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| k.as_i64() == Some(label))
        .map(|(_, v)| v)
}

fn get_bytes(map: &[(Value, Value)], label: i64, name: &str) -> Result<Vec<u8>, KeyError> {
    match get(map, label) {
        Some(Value::Bytes(b)) => Ok(b.clone()),
        Some(other) => Err(KeyError::Malformed(format!(
            "parameter {name} must be a byte string, found {}",
            other.type_name()
        ))),
        None => Err(KeyError::Malformed(format!("parameter {name} is missing"))),
    }
}

fn get_int(map: &[(Value, Value)], label: i64, name: &str) -> Result<Option<i64>, KeyError> {
    match get(map, label) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            KeyError::Malformed(format!(
                "parameter {name} must be an integer, found {}",
                v.type_name()
            ))
        }),
    }
}

pub(crate) fn parse_cose_key(v: &Value) -> Result<ParsedKey, KeyError> {
    let Value::Map(map) = v else {
        return Err(KeyError::Malformed(format!(
            "expected a map, found {}",
            v.type_name()
        )));
    };
    let kty = get_int(map, KTY, "kty")?
        .ok_or_else(|| KeyError::Malformed("parameter kty is missing".into()))?;
    let crv = get_int(map, CRV, "crv")?
        .ok_or_else(|| KeyError::Malformed("parameter crv is missing".into()))?;
    let alg = get_int(map, ALG, "alg")?;
    let (public, curve) = match (kty, crv) {
        (KTY_OKP, CRV_ED25519) => {
            if get(map, Y).is_some() {
                return Err(KeyError::Malformed("an OKP key has no parameter y".into()));
            }
            (PublicKey::ed25519(&get_bytes(map, X, "x")?)?, "Ed25519")
        }
        (KTY_EC2, CRV_P256) => {
            let x = get_bytes(map, X, "x")?;
            let y = get_bytes(map, Y, "y")?;
            if x.len() != 32 || y.len() != 32 {
                return Err(KeyError::InvalidPublicKey);
            }
            let mut point = vec![0x04];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            (PublicKey::p256_uncompressed(&point)?, "P-256")
        }
        (KTY_OKP, c) | (KTY_EC2, c) => {
            return Err(KeyError::Unsupported(format!("curve {c}")));
        }
        (k, _) => return Err(KeyError::Unsupported(format!("key type {k}"))),
    };
    if let Some(a) = alg {
        // -7 (ES256) or -9 (ESP256, RFC 9864) for a P-256 key.
        if Algorithm::from_cose_id(a) != Some(public.alg) {
            return Err(KeyError::AlgorithmMismatch { alg: a, curve });
        }
    }
    if let Some(kid) = get(map, KID) {
        let expected = public.kid();
        match kid {
            Value::Bytes(b) if b.as_slice() == expected.0.as_slice() => {}
            Value::Bytes(b) => {
                return Err(KeyError::KidMismatch {
                    found: hex::encode(b),
                    expected: expected.to_string(),
                })
            }
            other => {
                return Err(KeyError::Malformed(format!(
                    "parameter kid must be a byte string, found {}",
                    other.type_name()
                )))
            }
        }
    }
    let private = match get(map, D) {
        None => None,
        Some(Value::Bytes(d)) => Some(Zeroizing::new(d.clone())),
        Some(other) => {
            return Err(KeyError::Malformed(format!(
                "parameter d must be a byte string, found {}",
                other.type_name()
            )))
        }
    };
    let known = [KTY, KID, ALG, CRV, X, Y, D];
    let extra = map
        .iter()
        .filter(|(k, _)| !k.as_i64().is_some_and(|l| known.contains(&l)))
        .cloned()
        .collect();
    Ok(ParsedKey {
        public,
        private,
        extra,
    })
}

/// Something that can sign: an in-process [`KeyPair`], or a key held
/// elsewhere (Secure Enclave, StrongBox, WebCrypto) behind a callback.
///
/// consentkit never hands a signer bytes it did not build itself: the
/// message is always a COSE `Sig_structure` carrying the artifact type in
/// its protected header. After signing, consentkit verifies the signature
/// with [`Signer::public_key`], so a misbehaving signer is caught at once.
pub trait Signer: Send + Sync {
    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> PublicKey;
    /// Signs `msg`. ES256 signers may return either the 64-byte `r || s`
    /// form or an ASN.1 DER `ECDSA-Sig-Value` (what Android Keystore and
    /// Apple's Security framework produce); consentkit converts DER, and
    /// refuses anything else with [`KeyError::SignatureEncoding`] (see
    /// [`normalize_signature`]).
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError>;
    /// The role this key signs in, if it declares one. A signer that
    /// declares a role is refused for any signature that role may not make
    /// (a controller's key signing a person's withdrawal, a person's key
    /// signing an offer). `None` (the default): not declared, not checked
    /// at signing; [`crate::Artifact::verify`] still checks roles against
    /// the trust set.
    fn role(&self) -> Option<Role> {
        None
    }
}

impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        (**self).sign(msg)
    }
    fn role(&self) -> Option<Role> {
        (**self).role()
    }
}

impl<S: Signer + ?Sized> Signer for &S {
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        (**self).sign(msg)
    }
    fn role(&self) -> Option<Role> {
        (**self).role()
    }
}

/// Signs with `signer`, normalises an ES256 DER signature to `r || s`, and
/// checks the result against the signer's public key.
#[cfg(test)]
pub(crate) fn sign_checked(signer: &dyn Signer, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
    let public = signer.public_key();
    let sig = signer.sign(msg)?;
    check_signature(&public, msg, sig)
}

/// Normalises a signature made outside consentkit (ES256: DER or `r || s`,
/// strictly; see [`normalize_signature`]) and checks it against `public`,
/// so that a wrong key or a broken signer is caught before anything is
/// assembled.
pub(crate) fn check_signature(
    public: &PublicKey,
    msg: &[u8],
    sig: Vec<u8>,
) -> Result<Vec<u8>, KeyError> {
    let sig = normalize_signature(public.alg, &sig)?;
    public.verify(msg, &sig).map_err(|_| {
        KeyError::Signer("signature does not verify with the signer's public key".into())
    })?;
    Ok(sig)
}

/// Converts a strict ASN.1 DER `ECDSA-Sig-Value` (SEQUENCE of two
/// INTEGERs) for P-256 to the 64-byte P1363 form `r || s`. Returns `None`
/// for anything else; [`ecdsa_der_to_raw`] says why.
pub fn der_to_p1363(der: &[u8]) -> Option<Vec<u8>> {
    ecdsa_der_to_raw(der).ok().map(|raw| raw.to_vec())
}

/// Zeroes every byte and text string inside a CBOR value (one that held a private key).
pub(crate) fn zeroize_value(v: &mut Value) {
    match v {
        Value::Bytes(b) => b.zeroize(),
        Value::Text(t) => t.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(zeroize_value),
        Value::Map(m) => m.iter_mut().for_each(|(k, x)| {
            zeroize_value(k);
            zeroize_value(x);
        }),
        Value::Tag(_, x) => zeroize_value(x),
        _ => {}
    }
}

enum Inner {
    Ed25519(Ed25519KeyPair),
    P256(EcdsaKeyPair),
}

/// A private key held in this process, with its public key.
///
/// The private key bytes this type keeps (the Ed25519 seed, the P-256
/// scalar) are zeroized on drop. ring's own key pair objects, which hold
/// the expanded key for signing, are opaque: consentkit cannot zero them.
pub struct KeyPair {
    inner: Inner,
    public: PublicKey,
    /// Ed25519: the 32-byte seed. P-256: the 32-byte scalar `d`.
    secret: Zeroizing<Vec<u8>>,
    /// The role it declares, if any (see [`Signer::role`]).
    role: Option<Role>,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({:?}, private key hidden)", self.public)
    }
}

/// ring's PKCS#8 v1 template for P-256 keys, up to the private scalar.
const P256_PKCS8_PREFIX: [u8; 36] = [
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20,
];

impl KeyPair {
    /// Generates a fresh key pair.
    pub fn generate(alg: Algorithm) -> Result<KeyPair, KeyError> {
        let rng = SystemRandom::new();
        match alg {
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rng.fill(seed.as_mut_slice()).map_err(|_| KeyError::Rng)?;
                KeyPair::ed25519_from_seed(seed.as_slice())
            }
            Algorithm::ES256 => {
                let pkcs8 =
                    EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                        .map_err(|_| KeyError::Rng)?;
                let doc = pkcs8.as_ref();
                // ring writes a fixed template: prefix, d, then the public key.
                if doc.len() < 36 + 32 || doc[..36] != P256_PKCS8_PREFIX {
                    return Err(KeyError::InvalidPrivateKey);
                }
                // ring's PKCS#8 document is opaque and not zeroized on drop.
                let d = Zeroizing::new(doc[36..68].to_vec());
                let kp = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    doc,
                    &rng,
                )
                .map_err(|_| KeyError::InvalidPrivateKey)?;
                let public = PublicKey {
                    alg: Algorithm::ES256,
                    bytes: kp.public_key().as_ref().to_vec(),
                };
                Ok(KeyPair {
                    inner: Inner::P256(kp),
                    public,
                    secret: d,
                    role: None,
                })
            }
        }
    }

    /// An Ed25519 key pair from its 32-byte seed (RFC 8032 secret key).
    pub fn ed25519_from_seed(seed: &[u8]) -> Result<KeyPair, KeyError> {
        let kp =
            Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| KeyError::InvalidPrivateKey)?;
        let public = PublicKey::ed25519(kp.public_key().as_ref())?;
        Ok(KeyPair {
            inner: Inner::Ed25519(kp),
            public,
            secret: Zeroizing::new(seed.to_vec()),
            role: None,
        })
    }

    /// A P-256 key pair from its scalar `d` and uncompressed public point.
    pub fn p256_from_parts(d: &[u8], public_point: &[u8]) -> Result<KeyPair, KeyError> {
        let public = PublicKey::p256_uncompressed(public_point)?;
        let kp = EcdsaKeyPair::from_private_key_and_public_key(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            d,
            public_point,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyError::InvalidPrivateKey)?;
        Ok(KeyPair {
            inner: Inner::P256(kp),
            public,
            secret: Zeroizing::new(d.to_vec()),
            role: None,
        })
    }

    /// Reads a private COSE_Key (with parameter `d`).
    pub fn from_cose_key(bytes: &[u8]) -> Result<KeyPair, KeyError> {
        let mut v = cbor::decode(bytes)?;
        let parsed = parse_cose_key(&v);
        zeroize_value(&mut v);
        let parsed = parsed?;
        let d = parsed.private.ok_or(KeyError::MissingPrivateKey)?;
        let kp = match parsed.public.alg {
            Algorithm::Ed25519 => KeyPair::ed25519_from_seed(&d)?,
            Algorithm::ES256 => KeyPair::p256_from_parts(&d, &parsed.public.bytes)?,
        };
        if kp.public != parsed.public {
            return Err(KeyError::InvalidPrivateKey);
        }
        Ok(kp)
    }

    /// The key pair as a COSE_Key including the private key `d`. Handle
    /// the result as a secret (see [`KeyPair::to_cose_key_zeroizing`]).
    pub fn to_cose_key(&self) -> Vec<u8> {
        let mut v = self.to_cose_key_value();
        let out = v.to_vec();
        zeroize_value(&mut v);
        out
    }

    /// [`KeyPair::to_cose_key`], zeroized when dropped.
    pub fn to_cose_key_zeroizing(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.to_cose_key())
    }

    /// The private COSE_Key as a CBOR value (zero it with [`zeroize_value`] after use).
    pub(crate) fn to_cose_key_value(&self) -> Value {
        self.public
            .to_cose_key_value(vec![(Value::int(D), Value::bytes(self.secret.to_vec()))])
    }

    /// The key id (RFC 9679 thumbprint).
    pub fn kid(&self) -> KeyId {
        self.public.kid()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.alg
    }

    /// The key pair declaring the role it signs in: signing anything that
    /// role may not sign is then refused before signing (see
    /// [`Signer::role`]). The role is not part of the key's COSE_Key.
    pub fn with_role(mut self, role: Role) -> KeyPair {
        self.role = Some(role);
        self
    }

    /// The role the key pair declares, if any.
    pub fn role(&self) -> Option<Role> {
        self.role
    }
}

impl Signer for KeyPair {
    fn role(&self) -> Option<Role> {
        self.role
    }

    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.inner {
            Inner::Ed25519(kp) => Ok(kp.sign(msg).as_ref().to_vec()),
            Inner::P256(kp) => kp
                .sign(&SystemRandom::new(), msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Signer("ECDSA signing failed".into())),
        }
    }
}

#[cfg(test)]
mod tests;
