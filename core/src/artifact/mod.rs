//! The six signed artifacts: offer, grant, refusal, withdrawal, data
//! receipt and value record.
//!
//! Each is a tagged COSE message over a deterministic-CBOR payload. The
//! protected header carries `alg`, `kid` (RFC 9679 thumbprint) and `typ`
//! (RFC 9596), so no artifact can be accepted as another kind. Grants and
//! refusals are COSE_Sign (tag 98) carrying the person's signature and the
//! controller's countersignature; the rest are COSE_Sign1 (tag 18).
//!
//! The library owns the bytes that get signed: callers build a payload
//! struct and call `sign`; they never hand raw bytes to a signer.

use std::fmt;

use serde::Serialize;

use crate::cbor::{self, Value};
use crate::cose::{
    self, CoseError, Headers, Sign, Sign1, Tagging, HDR_ALG, HDR_CRIT, HDR_KID, HDR_TYP, TAG_SIGN,
    TAG_SIGN1,
};
use crate::keys::{
    check_signature, Algorithm, HeaderKid, KeyError, KeyId, PublicKey, Role, Signer, TrustSet,
};
use crate::time::IntoTime;
use crate::vocab::Term;

mod build;
mod checks;
mod fast;
mod fields;
mod payload;
pub(crate) use payload::{hex16, hex32};
mod refs;
mod view;

use checks::Slot;
pub use checks::{offer_mismatches, KnownViolation, Mistake, OfferMismatch};

pub use fields::{MAX_LIST_LEN, MAX_TEXT_LEN};
pub use payload::{
    Benefit, BenefitKind, CollectionMethod, DataReceipt, Grant, Limits, Notice, Offer, Pseudonym,
    Recipient, Refusal, Timestamp, ValueEstimate, ValueRecord, Withdrawal, WithdrawnBy,
};
pub use refs::{PartyRef, ReferenceError, ResolvedReceipt, TermRef};
pub use view::{ArtifactInfo, ArtifactView, BodyJson, SignerView, VerifiedArtifact};

/// Largest encoded artifact accepted, in bytes (64 KiB).
pub const MAX_ARTIFACT_SIZE: usize = 64 * 1024;

/// The kind of an artifact, carried in the protected `typ` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ArtifactKind {
    /// A controller's offer.
    Offer,
    /// A person's grant.
    Grant,
    /// A person's refusal.
    Refusal,
    /// A withdrawal or revocation.
    Withdrawal,
    /// A data receipt.
    DataReceipt,
    /// A value record.
    ValueRecord,
}

impl ArtifactKind {
    /// All kinds.
    pub const ALL: [ArtifactKind; 6] = [
        ArtifactKind::Offer,
        ArtifactKind::Grant,
        ArtifactKind::Refusal,
        ArtifactKind::Withdrawal,
        ArtifactKind::DataReceipt,
        ArtifactKind::ValueRecord,
    ];

    /// The `typ` value: a CoAP Content-Format number from the
    /// experimental range (65000-65535), chosen to keep receipts small.
    pub fn typ(self) -> u64 {
        match self {
            ArtifactKind::Offer => 65001,
            ArtifactKind::Grant => 65002,
            ArtifactKind::Refusal => 65003,
            ArtifactKind::Withdrawal => 65004,
            ArtifactKind::DataReceipt => 65005,
            ArtifactKind::ValueRecord => 65006,
        }
    }

    /// The kind for a `typ` value.
    pub fn from_typ(t: u64) -> Option<ArtifactKind> {
        ArtifactKind::ALL.into_iter().find(|k| k.typ() == t)
    }

    /// The snake_case name, also used in the digest's domain separation.
    pub fn name(self) -> &'static str {
        match self {
            ArtifactKind::Offer => "offer",
            ArtifactKind::Grant => "grant",
            ArtifactKind::Refusal => "refusal",
            ArtifactKind::Withdrawal => "withdrawal",
            ArtifactKind::DataReceipt => "data_receipt",
            ArtifactKind::ValueRecord => "value_record",
        }
    }

    /// Whether this kind is a COSE_Sign (person + controller) rather than a COSE_Sign1.
    pub fn is_multi_signed(self) -> bool {
        matches!(self, ArtifactKind::Grant | ArtifactKind::Refusal)
    }
}

impl fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// An artifact digest: SHA-256 over `"consentkit/" || kind || 0x00 || payload`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The digest of a payload of a given kind.
    pub fn of(kind: ArtifactKind, payload: &[u8]) -> Digest {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        // The prefix in one update (at most 11 + 12 + 1 bytes).
        let mut prefix = [0u8; 32];
        let name = kind.name().as_bytes();
        let n = 11 + name.len();
        prefix[..11].copy_from_slice(b"consentkit/");
        prefix[11..n].copy_from_slice(name);
        ctx.update(&prefix[..=n]);
        ctx.update(payload);
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        Digest(out)
    }

    /// The artifact id: the digest's first 16 bytes.
    pub fn id(&self) -> ArtifactId {
        let mut id = [0u8; 16];
        id.copy_from_slice(&self.0[..16]);
        ArtifactId(id)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", hex::encode(self.0))
    }
}

/// An artifact id: the first 16 bytes of its [`Digest`]. References between
/// artifacts (receipt → grant, withdrawal → grant) use it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct ArtifactId(pub [u8; 16]);

impl ArtifactId {
    /// Parses 32 hex digits.
    pub fn from_hex(s: &str) -> Option<ArtifactId> {
        let b = hex::decode(s).ok()?;
        <[u8; 16]>::try_from(b.as_slice()).ok().map(ArtifactId)
    }
    /// The first 4 bytes in hex, for short messages.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..4])
    }
}

impl fmt::Display for ArtifactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for ArtifactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArtifactId({})", hex::encode(self.0))
    }
}

impl Serialize for ArtifactId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

/// What was wrong with an artifact's encoding or content. Every variant
/// names the problem and, where known, the artifact kind and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArtifactError {
    /// Larger than [`MAX_ARTIFACT_SIZE`].
    #[error("artifact is {size} bytes, over the {max}-byte limit")]
    TooLarge {
        /// The size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not valid deterministic CBOR.
    #[error("{0}")]
    Cbor(#[from] cbor::CborError),
    /// Not a valid COSE message.
    #[error("{0}")]
    Cose(#[from] CoseError),
    /// The `typ` header names no consentkit artifact.
    #[error("unknown artifact type {0}")]
    UnknownType(String),
    /// The header does not follow the consentkit profile.
    #[error("{kind}: {reason}")]
    Header {
        /// The artifact kind, if known.
        kind: ArtifactKind,
        /// What was wrong.
        reason: String,
    },
    /// A header without `typ`, or a message of the wrong COSE structure for its type.
    #[error("{0}")]
    Profile(String),
    /// A required payload field is missing.
    #[error("{kind}: field {field} is missing")]
    MissingField {
        /// Artifact kind.
        kind: ArtifactKind,
        /// Field name.
        field: &'static str,
    },
    /// A payload field has the wrong CBOR type.
    #[error("{kind}: field {field} must be {expected}, found {found}")]
    WrongType {
        /// Artifact kind.
        kind: ArtifactKind,
        /// Field name.
        field: &'static str,
        /// Expected type.
        expected: &'static str,
        /// Found type.
        found: &'static str,
    },
    /// A payload field has an invalid value.
    #[error("{kind}: field {field}: {reason}")]
    InvalidField {
        /// Artifact kind.
        kind: ArtifactKind,
        /// Field name.
        field: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A payload key consentkit does not define.
    #[error("{kind}: unknown field key {key}")]
    UnknownField {
        /// Artifact kind.
        kind: ArtifactKind,
        /// The key.
        key: i64,
    },
    /// The payload decodes but is not in the one canonical form
    /// (e.g. a default written out, or sets out of order).
    #[error("{0}: payload is not in canonical form")]
    NonCanonicalPayload(ArtifactKind),
    /// Signing failed.
    #[error("{0}")]
    Key(#[from] KeyError),
}

/// A signature in an artifact, with what it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureSlot {
    /// The header algorithm.
    pub alg: Algorithm,
    /// The header key id: the whole thumbprint, or (data receipts) its
    /// first 8 bytes; [`Artifact::verify`] names the key that signed.
    pub kid: HeaderKid,
    /// The signature bytes: 64 for both algorithms
    /// ([`Algorithm::signature_len`]; both decoders refuse any other
    /// length), kept inline.
    pub signature: [u8; SIGNATURE_LEN],
    /// Where the protected header bytes of this signature (COSE_Sign) or
    /// the message (COSE_Sign1) lie in the artifact's buffer.
    protected: Span,
}

/// An artifact's signatures, kept inline: a consentkit artifact carries one
/// or two (both decoders refuse more), so they need no allocation of their own.
#[derive(Clone, Debug, Default)]
enum Slots {
    #[default]
    None,
    One([SignatureSlot; 1]),
    Two([SignatureSlot; 2]),
}

impl Slots {
    /// These signatures and `s` after them; `None` past two.
    fn push(self, s: SignatureSlot) -> Option<Slots> {
        match self {
            Slots::None => Some(Slots::One([s])),
            Slots::One([a]) => Some(Slots::Two([a, s])),
            Slots::Two(_) => None,
        }
    }
}

impl std::ops::Deref for Slots {
    type Target = [SignatureSlot];
    fn deref(&self) -> &[SignatureSlot] {
        match self {
            Slots::None => &[],
            Slots::One(s) => s,
            Slots::Two(s) => s,
        }
    }
}

impl std::ops::DerefMut for Slots {
    fn deref_mut(&mut self) -> &mut [SignatureSlot] {
        match self {
            Slots::None => &mut [],
            Slots::One(s) => s,
            Slots::Two(s) => s,
        }
    }
}

/// Where a part of an artifact (its payload, a protected header) lies in
/// the artifact's buffer: the part is kept where it is, not copied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The `len` bytes that end at `end`.
    fn ending_at(end: usize, len: usize) -> Span {
        Span {
            start: end.saturating_sub(len),
            end,
        }
    }

    /// Appends `part` to `buf` and says where it is.
    fn push(buf: &mut Vec<u8>, part: &[u8]) -> Span {
        let start = buf.len();
        buf.extend_from_slice(part);
        Span {
            start,
            end: buf.len(),
        }
    }

    fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// The part in `buf` (empty if it is not there, which never happens:
    /// every span is made for its buffer).
    fn of(self, buf: &[u8]) -> &[u8] {
        buf.get(self.start..self.end).unwrap_or_default()
    }
}

/// The decoded content of an artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Body {
    /// An offer.
    Offer(Offer),
    /// A grant.
    Grant(Grant),
    /// A refusal.
    Refusal(Refusal),
    /// A withdrawal or revocation.
    Withdrawal(Withdrawal),
    /// A data receipt.
    DataReceipt(DataReceipt),
    /// A value record.
    ValueRecord(ValueRecord),
}

impl Body {
    /// The kind.
    pub fn kind(&self) -> ArtifactKind {
        match self {
            Body::Offer(_) => ArtifactKind::Offer,
            Body::Grant(_) => ArtifactKind::Grant,
            Body::Refusal(_) => ArtifactKind::Refusal,
            Body::Withdrawal(_) => ArtifactKind::Withdrawal,
            Body::DataReceipt(_) => ArtifactKind::DataReceipt,
            Body::ValueRecord(_) => ArtifactKind::ValueRecord,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Body::Offer(x) => x.to_value(),
            Body::Grant(x) => x.to_value(),
            Body::Refusal(x) => x.to_value(),
            Body::Withdrawal(x) => x.to_value(),
            Body::DataReceipt(x) => x.to_value(),
            Body::ValueRecord(x) => x.to_value(),
        }
    }

    fn from_value(kind: ArtifactKind, v: Value) -> Result<Body, ArtifactError> {
        Ok(match kind {
            ArtifactKind::Offer => Body::Offer(Offer::from_value(v)?),
            ArtifactKind::Grant => Body::Grant(Grant::from_value(v)?),
            ArtifactKind::Refusal => Body::Refusal(Refusal::from_value(v)?),
            ArtifactKind::Withdrawal => Body::Withdrawal(Withdrawal::from_value(v)?),
            ArtifactKind::DataReceipt => Body::DataReceipt(DataReceipt::from_value(v)?),
            ArtifactKind::ValueRecord => Body::ValueRecord(ValueRecord::from_value(v)?),
        })
    }
}

/// The length of every artifact signature (Ed25519, and ES256 as r || s).
const SIGNATURE_LEN: usize = 64;

/// `["Signature1", ` as a COSE_Sign1 `Sig_structure` begins (RFC 9052 §4.4).
const SIG1_PREFIX: &[u8] = b"\x84\x6aSignature1";

thread_local! {
    /// The `Sig_structure` being verified on this thread, kept between
    /// verifications so that none allocates one ([`Artifact::verify`]).
    static TBS_SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The largest scratch buffer kept between verifications (a larger one,
/// for a rare large artifact, is freed after use).
const TBS_SCRATCH_KEEP: usize = 16 * 1024;

/// A signed artifact: its decoded body, its exact bytes and its signatures.
///
/// Obtain one by signing a payload struct (e.g. [`Offer::sign`]) or by
/// [`Artifact::decode`]. Decoding checks structure and canonical form, not
/// signatures: call [`Artifact::verify`] for that.
#[derive(Clone, Debug)]
pub struct Artifact {
    body: Body,
    /// The exact encoded bytes, `buf[..len]`, where the payload and the
    /// protected headers are found; after them, for an artifact read by the
    /// general decoder only, copies of those parts.
    buf: Vec<u8>,
    len: usize,
    payload: Span,
    digest: Digest,
    /// COSE_Sign body protected header (empty for COSE_Sign1).
    body_protected: Span,
    signatures: Slots,
    /// The thumbprint of the subject key the payload carries (grant,
    /// refusal, person's withdrawal), computed once when decoding.
    subject_kid: Option<KeyId>,
}

/// Equal artifacts have the same bytes, and everything read from them is
/// the same: body, digest, payload, protected headers and signatures
/// (whichever decoder read them, and wherever the parts are kept).
impl PartialEq for Artifact {
    fn eq(&self, other: &Artifact) -> bool {
        let slots = |a: &Artifact| {
            a.signatures
                .iter()
                .map(|s| (s.alg, s.kid, s.signature, s.protected.of(&a.buf).to_vec()))
                .collect::<Vec<_>>()
        };
        self.as_bytes() == other.as_bytes()
            && self.body == other.body
            && self.digest == other.digest
            && self.payload() == other.payload()
            && self.body_protected() == other.body_protected()
            && self.subject_kid == other.subject_kid
            && slots(self) == slots(other)
    }
}

impl Eq for Artifact {}

/// Who made a signature, as established by [`Artifact::verify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Signatory {
    /// A key in the trust set.
    Trusted {
        /// Its role.
        role: Role,
        /// Its party.
        party: String,
    },
    /// The person's own key, carried in the artifact (grant, refusal, person's withdrawal).
    Subject,
}

/// One verified signature. Its JSON (JavaScript's object) is flat: `kid`,
/// `by` (`"trusted"` or `"subject"`) and, for a trusted key, `role` and
/// `party`; the uniffi record nests the same as `signatory`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VerifiedSigner {
    /// The key id.
    pub kid: KeyId,
    /// Who signed.
    #[serde(flatten)]
    pub signatory: Signatory,
}

/// Why an artifact did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A signature is invalid. Deliberately without detail.
    #[error("{artifact}: signature invalid")]
    SignatureInvalid {
        /// The artifact, as "kind id".
        artifact: String,
    },
    /// The signing key is not in the trust set.
    #[error("{artifact}: key {kid} is not trusted")]
    UntrustedKey {
        /// The artifact.
        artifact: String,
        /// The key id (hex).
        kid: String,
    },
    /// The key is trusted, but not in a role allowed to sign this.
    #[error("{artifact}: key {kid} has role {role}, which may not sign a {kind}")]
    WrongRole {
        /// The artifact.
        artifact: String,
        /// The key id.
        kid: String,
        /// Its role.
        role: Role,
        /// The artifact kind.
        kind: ArtifactKind,
    },
    /// The key belongs to a different party than the artifact names.
    #[error("{artifact}: signed by a key of {signer}, but the artifact belongs to {expected}")]
    WrongParty {
        /// The artifact.
        artifact: String,
        /// The signer's party.
        signer: String,
        /// The party named in the artifact.
        expected: String,
    },
    /// The header algorithm does not fit the key.
    #[error("{artifact}: header alg {header} does not fit key {kid} ({key})")]
    AlgorithmMismatch {
        /// The artifact.
        artifact: String,
        /// The key id.
        kid: String,
        /// Header alg.
        header: Algorithm,
        /// Key alg.
        key: Algorithm,
    },
    /// A person-signed artifact whose first signature is not by the subject key in its payload.
    #[error(
        "{artifact}: the person's signature is not made with the subject key the artifact names"
    )]
    SubjectKeyMismatch {
        /// The artifact.
        artifact: String,
    },
    /// A grant or refusal without the controller's countersignature.
    #[error("{artifact}: not countersigned by the controller")]
    MissingCountersignature {
        /// The artifact.
        artifact: String,
    },
    /// The number of signatures does not fit the artifact.
    #[error("{artifact}: {reason}")]
    SignatureCount {
        /// The artifact.
        artifact: String,
        /// What was wrong.
        reason: String,
    },
}

/// Any consentkit error: what the bindings convert at the boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad encoding or content.
    #[error(transparent)]
    Artifact(#[from] ArtifactError),
    /// Verification failed.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A key problem.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Invalid use of the API (e.g. countersigning an offer).
    #[error("{0}")]
    Usage(String),
    /// A term that is not a valid CURIE or IRI, or a DPV term that DPV does
    /// not define (see [`Term::new`]).
    #[error(transparent)]
    Term(#[from] crate::vocab::TermError),
    /// A mistake refused before signing (see [`Mistake`]).
    #[error(transparent)]
    Mistake(#[from] Mistake),
    /// A wallet error.
    #[error(transparent)]
    Wallet(Box<crate::wallet::WalletError>),
    /// A transparency log, proof or checkpoint error (also signed notes and Merkle proofs).
    #[error("{0}")]
    Log(Shared<crate::log::LogError>),
    /// An audit that could not run (its input could not be read).
    #[error("{0}")]
    Audit(Shared<crate::audit::AuditError>),
    /// A transparency log that could not be used for an audit.
    #[error("{0}")]
    LogView(Shared<crate::audit::LogViewError>),
    /// An export that does not fit its format.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}

/// A cause that can be neither cloned nor compared (it holds an I/O
/// error), shared so that [`Error`] stays `Clone` and `Eq`. Two are equal
/// when they are the same error.
#[derive(Debug)]
pub struct Shared<E>(pub std::sync::Arc<E>);

impl<E> Clone for Shared<E> {
    fn clone(&self) -> Shared<E> {
        Shared(std::sync::Arc::clone(&self.0))
    }
}

impl<E> PartialEq for Shared<E> {
    fn eq(&self, other: &Shared<E>) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<E> Eq for Shared<E> {}

impl<E: fmt::Display> fmt::Display for Shared<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<crate::wallet::WalletError> for Error {
    fn from(e: crate::wallet::WalletError) -> Error {
        match e {
            // A wallet error that only wraps an artifact error is that error.
            crate::wallet::WalletError::Artifact(inner) => inner,
            other => Error::Wallet(Box::new(other)),
        }
    }
}

impl From<crate::log::LogError> for Error {
    fn from(e: crate::log::LogError) -> Error {
        Error::Log(Shared(std::sync::Arc::new(e)))
    }
}

impl From<crate::log::NoteError> for Error {
    fn from(e: crate::log::NoteError) -> Error {
        crate::log::LogError::from(e).into()
    }
}

impl From<crate::log::ProofError> for Error {
    fn from(e: crate::log::ProofError) -> Error {
        crate::log::LogError::from(e).into()
    }
}

impl From<crate::audit::AuditError> for Error {
    fn from(e: crate::audit::AuditError) -> Error {
        Error::Audit(Shared(std::sync::Arc::new(e)))
    }
}

impl From<crate::audit::LogViewError> for Error {
    fn from(e: crate::audit::LogViewError) -> Error {
        Error::LogView(Shared(std::sync::Arc::new(e)))
    }
}

impl From<CoseError> for Error {
    fn from(e: CoseError) -> Error {
        Error::Artifact(e.into())
    }
}

impl From<cbor::CborError> for Error {
    fn from(e: cbor::CborError) -> Error {
        Error::Artifact(e.into())
    }
}

impl From<crate::time::TimeError> for Error {
    fn from(e: crate::time::TimeError) -> Error {
        Error::Mistake(Mistake::Time(e))
    }
}

fn protected_sign1(kind: ArtifactKind, alg: Algorithm, kid: &KeyId) -> Vec<u8> {
    // A data receipt names its signer by the thumbprint's first 8 bytes (FORMAT.md §3.2).
    let kid = HeaderKid::of(kid, kind == ArtifactKind::DataReceipt);
    Value::Map(vec![
        (Value::int(HDR_ALG), Value::int(alg.cose_id())),
        (Value::int(HDR_KID), Value::bytes(kid.as_bytes().to_vec())),
        (Value::int(HDR_TYP), Value::Unsigned(kind.typ())),
    ])
    .to_vec()
}

fn protected_signer(alg: Algorithm, kid: &KeyId) -> Vec<u8> {
    Value::Map(vec![
        (Value::int(HDR_ALG), Value::int(alg.cose_id())),
        (Value::int(HDR_KID), Value::bytes(kid.0.to_vec())),
    ])
    .to_vec()
}

fn protected_body(kind: ArtifactKind) -> Vec<u8> {
    Value::Map(vec![(Value::int(HDR_TYP), Value::Unsigned(kind.typ()))]).to_vec()
}

impl Artifact {
    fn label(kind: ArtifactKind, digest: &Digest) -> String {
        format!("{kind} {}", digest.id())
    }

    /// The decoded body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The kind.
    pub fn kind(&self) -> ArtifactKind {
        self.body.kind()
    }

    /// The id (first 16 bytes of the digest).
    pub fn id(&self) -> ArtifactId {
        self.digest.id()
    }

    /// The digest (what a grant uses to reference its offer).
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The payload bytes.
    pub fn payload(&self) -> &[u8] {
        self.payload.of(&self.buf)
    }

    /// The COSE_Sign body protected header (empty for COSE_Sign1).
    fn body_protected(&self) -> &[u8] {
        self.body_protected.of(&self.buf)
    }

    /// The signatures, in order.
    pub fn signatures(&self) -> &[SignatureSlot] {
        &self.signatures
    }

    /// The key ids the signatures' headers name, in order (a data
    /// receipt's is the first 8 bytes of the thumbprint).
    pub fn signer_kids(&self) -> Vec<HeaderKid> {
        self.signatures.iter().map(|s| s.kid).collect()
    }

    /// A short label, "kind id", for messages.
    pub fn label_str(&self) -> String {
        Artifact::label(self.kind(), &self.digest)
    }

    /// The message a signature covers.
    #[cfg(test)]
    fn tbs(&self, slot: &SignatureSlot) -> Vec<u8> {
        let mut out = Vec::new();
        self.tbs_into(slot, &mut out);
        out
    }

    /// [`Artifact::tbs`] appended to `out`.
    fn tbs_into(&self, slot: &SignatureSlot, out: &mut Vec<u8>) {
        let protected = slot.protected.of(&self.buf);
        if self.kind().is_multi_signed() {
            cose::sig_structure_into(out, self.body_protected(), protected, &[], self.payload())
        } else if !self.sig_structure1_in_place(slot.protected, out) {
            cose::sig_structure1_into(out, protected, &[], self.payload())
        }
    }

    /// The COSE_Sign1 `Sig_structure` (`["Signature1", protected, h'',
    /// payload]`, RFC 9052 §4.4) in one copy from the artifact's bytes,
    /// where the protected header and the payload, each after its
    /// byte-string head, are one byte apart: the empty unprotected map
    /// (`0xa0`), which becomes the empty external_aad (`0x40`). `None` if
    /// the buffer is not laid out so (the general decoder's copies); every
    /// byte taken is checked, so the result is the `Sig_structure` exactly
    /// (test `sig_structure1_in_place_is_the_sig_structure`). Appends it
    /// to `out` and says whether it did.
    fn sig_structure1_in_place(&self, protected: Span, out: &mut Vec<u8>) -> bool {
        self.sig_structure1_region(protected)
            .is_some_and(|(region, gap)| {
                let at = out.len() + SIG1_PREFIX.len() + gap;
                out.reserve(SIG1_PREFIX.len() + region.len());
                out.extend_from_slice(SIG1_PREFIX);
                out.extend_from_slice(region);
                out.get_mut(at).map(|b| *b = 0x40).is_some()
            })
    }

    /// The bytes from the protected header's head to the payload's end,
    /// and where in them the unprotected map's byte is; see
    /// [`Artifact::sig_structure1_in_place`].
    fn sig_structure1_region(&self, protected: Span) -> Option<(&[u8], usize)> {
        // Where the byte string whose contents are `s` begins (its head checked).
        let bstr_at = |s: Span| -> Option<usize> {
            let (head, n) = cbor::head_bytes(2, s.len() as u64);
            let start = s.start.checked_sub(n)?;
            (self.buf.get(start..s.start)? == head.get(..n)?).then_some(start)
        };
        let from = bstr_at(protected)?;
        let gap = protected.end;
        if self.buf.get(gap) != Some(&0xa0) || bstr_at(self.payload)? != gap + 1 {
            return None;
        }
        Some((self.buf.get(from..self.payload.end)?, gap - from))
    }

    /// Prepares the controller's countersignature of a grant or refusal
    /// carrying only the person's signature (checked first), for a key
    /// that signs elsewhere; see [`PendingSignature`]. `offer` is the offer the
    /// grant or refusal answers: a grant that accepts anything the offer
    /// does not ask for is refused ([`Mistake::ExceedsOffer`], naming it).
    pub fn prepare_countersign(
        &self,
        offer: &Artifact,
        controller: &PublicKey,
    ) -> Result<PendingSignature, Error> {
        match &self.body {
            Body::Grant(g) => checks::grant_fits_offer(g, offer)?,
            Body::Refusal(r)
                if offer.digest() != r.offer || offer.kind() != ArtifactKind::Offer =>
            {
                return Err(Mistake::NotTheOffer {
                    grant_offer: hex::encode(&r.offer.0[..4]),
                    given: offer.label_str(),
                }
                .into())
            }
            _ => {}
        }
        self.prepare_countersign_unchecked(controller)
    }

    /// [`Artifact::prepare_countersign`] for a grant the caller knows does
    /// not fit its offer (a simulation injecting violations for an
    /// auditor): the grant is not checked against any offer.
    pub fn prepare_countersign_known_violation(
        &self,
        controller: &PublicKey,
        _known: &KnownViolation,
    ) -> Result<PendingSignature, Error> {
        self.prepare_countersign_unchecked(controller)
    }

    fn prepare_countersign_unchecked(
        &self,
        controller: &PublicKey,
    ) -> Result<PendingSignature, Error> {
        if !self.kind().is_multi_signed() {
            return Err(Error::Usage(format!(
                "a {} is not countersigned",
                self.kind()
            )));
        }
        if self.signatures.len() != 1 || self.is_imported() {
            return Err(Error::Usage(format!(
                "{}: expected exactly the person's signature before countersigning",
                self.label_str()
            )));
        }
        self.verify_subject_signature()?;
        let protected = protected_signer(controller.algorithm(), &controller.kid());
        let tbs = cose::sig_structure(self.body_protected(), &protected, &[], self.payload());
        Ok(PendingSignature {
            kind: self.kind(),
            payload: self.payload().to_vec(),
            body_protected: self.body_protected().to_vec(),
            protected,
            public: controller.clone(),
            tbs,
            base: Some(self.as_bytes().to_vec()),
            slot: Slot::Controller("a countersignature"),
        })
    }

    /// Adds the controller's countersignature to a grant or refusal that
    /// carries only the person's signature. The person's signature is
    /// checked first: a controller never countersigns a forgery. The grant
    /// is checked against `offer`, the offer it accepts: a purpose,
    /// category or recipient the offer does not ask for, another
    /// controller, or a time outside the offer's validity is refused
    /// ([`Mistake::ExceedsOffer`]).
    pub fn countersign(
        &self,
        offer: &Artifact,
        controller: &dyn Signer,
    ) -> Result<Artifact, Error> {
        self.prepare_countersign(offer, &controller.public_key())?
            .sign_with(controller)
    }

    /// Countersigns a grant the caller knows does not fit its offer,
    /// without checking it against the offer. For simulations and tests
    /// that make violations for an auditor to find; see [`KnownViolation`].
    pub fn countersign_known_violation(
        &self,
        controller: &dyn Signer,
        known: &KnownViolation,
    ) -> Result<Artifact, Error> {
        self.prepare_countersign_known_violation(&controller.public_key(), known)?
            .sign_with(controller)
    }

    fn is_imported(&self) -> bool {
        matches!(&self.body, Body::Grant(g) if g.imported)
    }

    fn subject_key(&self) -> Option<&PublicKey> {
        match &self.body {
            Body::Grant(g) => g.subject_key.as_ref(),
            Body::Refusal(r) => r.subject_key.as_ref(),
            Body::Withdrawal(w) => w.subject_key.as_ref(),
            _ => None,
        }
    }

    /// Verifies the person's signature (first signature of a grant or
    /// refusal, or a person's withdrawal) against the subject key the
    /// artifact carries. Used by a controller before countersigning.
    pub fn verify_subject_signature(&self) -> Result<VerifiedSigner, VerifyError> {
        self.subject_signer(true)
    }

    fn subject_signer(&self, crypto: bool) -> Result<VerifiedSigner, VerifyError> {
        // Formatted only for an error.
        let label = || self.label_str();
        let (key, kid) = match (self.subject_key(), self.subject_kid) {
            (Some(key), Some(kid)) => (key, kid),
            _ => return Err(VerifyError::SubjectKeyMismatch { artifact: label() }),
        };
        let slot = self
            .signatures
            .first()
            .ok_or_else(|| VerifyError::SignatureCount {
                artifact: label(),
                reason: "no signature".into(),
            })?;
        if !slot.kid.matches(&kid) {
            return Err(VerifyError::SubjectKeyMismatch { artifact: label() });
        }
        self.check_slot(slot, key, crypto)?;
        Ok(VerifiedSigner {
            kid,
            signatory: Signatory::Subject,
        })
    }

    fn check_slot(
        &self,
        slot: &SignatureSlot,
        key: &PublicKey,
        crypto: bool,
    ) -> Result<(), VerifyError> {
        if slot.alg != key.algorithm() {
            return Err(VerifyError::AlgorithmMismatch {
                artifact: self.label_str(),
                kid: slot.kid.short(),
                header: slot.alg,
                key: key.algorithm(),
            });
        }
        if !crypto {
            return Ok(());
        }
        let verify = |tbs: &mut Vec<u8>| {
            tbs.clear();
            self.tbs_into(slot, tbs);
            key.verify(tbs, &slot.signature)
        };
        // The Sig_structure is written into this thread's scratch buffer:
        // no allocation per verification (a fresh one if it is in use,
        // which nothing here does).
        TBS_SCRATCH
            .with(|cell| match cell.try_borrow_mut() {
                Ok(mut tbs) => {
                    let r = verify(&mut tbs);
                    if tbs.capacity() > TBS_SCRATCH_KEEP {
                        *tbs = Vec::new();
                    }
                    r
                }
                Err(_) => verify(&mut Vec::new()),
            })
            .map_err(|_| VerifyError::SignatureInvalid {
                artifact: self.label_str(),
            })
    }

    fn verify_trusted(
        &self,
        slot: &SignatureSlot,
        trust: &TrustSet,
        roles: &[Role],
        party: Option<&str>,
        crypto: bool,
    ) -> Result<VerifiedSigner, VerifyError> {
        // A whole thumbprint names at most one trusted key, by that id.
        if let Some(kid) = slot.kid.full() {
            let Some(t) = trust.get(&kid) else {
                return Err(VerifyError::UntrustedKey {
                    artifact: self.label_str(),
                    kid: slot.kid.to_string(),
                });
            };
            self.check_slot(slot, &t.key, crypto)?;
            return self.trusted_signer(slot, kid, t, roles, party);
        }
        // A kid is a hint (RFC 9052 §3.1): a short one may match several
        // trusted keys; the one whose signature verifies signed.
        // The set holds each key's id: no thumbprint is recomputed here.
        let mut matching = trust.matching_ids(&slot.kid);
        let Some(first) = matching.next() else {
            return Err(VerifyError::UntrustedKey {
                artifact: self.label_str(),
                kid: slot.kid.to_string(),
            });
        };
        let (kid, t) = match matching.next() {
            None => {
                self.check_slot(slot, &first.1.key, crypto)?;
                first
            }
            Some(second) => [first, second]
                .into_iter()
                .chain(matching)
                .find(|(_, t)| self.check_slot(slot, &t.key, true).is_ok())
                .ok_or_else(|| VerifyError::SignatureInvalid {
                    artifact: self.label_str(),
                })?,
        };
        self.trusted_signer(slot, *kid, t, roles, party)
    }

    /// The signer `t` (whose thumbprint is `kid`), if its role and party fit.
    fn trusted_signer(
        &self,
        slot: &SignatureSlot,
        kid: KeyId,
        t: &crate::keys::TrustedKey,
        roles: &[Role],
        party: Option<&str>,
    ) -> Result<VerifiedSigner, VerifyError> {
        if !roles.contains(&t.role) {
            return Err(VerifyError::WrongRole {
                artifact: self.label_str(),
                kid: slot.kid.short(),
                role: t.role,
                kind: self.kind(),
            });
        }
        if let Some(p) = party {
            if t.party != p {
                return Err(VerifyError::WrongParty {
                    artifact: self.label_str(),
                    signer: t.party.clone(),
                    expected: p.to_owned(),
                });
            }
        }
        Ok(VerifiedSigner {
            kid,
            signatory: Signatory::Trusted {
                role: t.role,
                party: t.party.clone(),
            },
        })
    }

    /// A person's signature made with a key the trust set holds in another
    /// role (a controller's, a partner's or a log's key) is not a person's.
    fn not_a_trusted_party(
        &self,
        person: &VerifiedSigner,
        trust: &TrustSet,
    ) -> Result<(), VerifyError> {
        match trust.get(&person.kid) {
            Some(t) if t.role != Role::Person => Err(VerifyError::WrongRole {
                artifact: self.label_str(),
                kid: person.kid.short(),
                role: t.role,
                kind: self.kind(),
            }),
            _ => Ok(()),
        }
    }

    /// Verifies every signature and who made it:
    /// - offer, value record: a trusted controller key (of the offer's controller);
    /// - grant, refusal: the person's subject key, then the controller named
    ///   in the payload (an imported grant: the controller only);
    /// - withdrawal: the subject key it carries (person), or a trusted
    ///   controller key (revocation);
    /// - a person's signature (grant, refusal, person's withdrawal) made
    ///   with a key the trust set holds as a controller's, partner's or
    ///   log's key is refused ([`VerifyError::WrongRole`]);
    /// - data receipt: a trusted controller or partner key.
    ///
    /// Whether a withdrawal's subject key is the grant's, and whether a
    /// receipt's signer may use the grant, needs the grant: the audit
    /// engine checks that.
    pub fn verify(&self, trust: &TrustSet) -> Result<Vec<VerifiedSigner>, VerifyError> {
        self.verify_inner(trust, true)
    }

    /// Everything [`Artifact::verify`] checks except the signatures' cryptography:
    /// who signed, in which role, for which party, with which algorithm. For an
    /// artifact shown with an inclusion proof in a transparency log whose
    /// admission checks are trusted (the log verified it on entry).
    pub fn verify_admitted(&self, trust: &TrustSet) -> Result<Vec<VerifiedSigner>, VerifyError> {
        self.verify_inner(trust, false)
    }

    fn verify_inner(
        &self,
        trust: &TrustSet,
        crypto: bool,
    ) -> Result<Vec<VerifiedSigner>, VerifyError> {
        // Formatted only for an error: verifying costs no allocation for it.
        let label = || self.label_str();
        let count = |n: usize| {
            if self.signatures.len() == n {
                Ok(())
            } else {
                Err(VerifyError::SignatureCount {
                    artifact: label(),
                    reason: format!("expected {n} signature(s), found {}", self.signatures.len()),
                })
            }
        };
        // One signature, by a trusted key in one of `roles` (of `party`, if given).
        let single =
            |roles: &[Role], party: Option<&str>| -> Result<Vec<VerifiedSigner>, VerifyError> {
                count(1)?;
                let s = self
                    .signatures
                    .first()
                    .ok_or_else(|| VerifyError::SignatureCount {
                        artifact: label(),
                        reason: "no signature".into(),
                    })?;
                Ok(vec![self.verify_trusted(s, trust, roles, party, crypto)?])
            };
        match &self.body {
            Body::Offer(o) => single(&[Role::Controller], Some(&o.controller)),
            Body::Grant(Grant {
                imported: true,
                controller,
                ..
            }) => single(&[Role::Controller], Some(controller)),
            Body::Grant(Grant { controller, .. }) | Body::Refusal(Refusal { controller, .. }) => {
                if self.signatures.len() == 1 {
                    return Err(VerifyError::MissingCountersignature { artifact: label() });
                }
                count(2)?;
                let person = self.subject_signer(crypto)?;
                self.not_a_trusted_party(&person, trust)?;
                let c = self.verify_trusted(
                    &self.signatures[1],
                    trust,
                    &[Role::Controller],
                    Some(controller),
                    crypto,
                )?;
                Ok(vec![person, c])
            }
            Body::Withdrawal(w) => match w.by {
                WithdrawnBy::Person => {
                    count(1)?;
                    let person = self.subject_signer(crypto)?;
                    self.not_a_trusted_party(&person, trust)?;
                    Ok(vec![person])
                }
                WithdrawnBy::Controller => single(&[Role::Controller], None),
            },
            Body::DataReceipt(_) => single(&[Role::Controller, Role::Partner], None),
            Body::ValueRecord(_) => single(&[Role::Controller], None),
        }
    }

    /// Decodes an artifact strictly: size limit, deterministic CBOR, the
    /// tag, the consentkit header profile, and the payload schema.
    /// Signatures are not checked here; see [`Artifact::verify`].
    pub fn decode(bytes: &[u8]) -> Result<Artifact, ArtifactError> {
        if bytes.len() > MAX_ARTIFACT_SIZE {
            return Err(ArtifactError::TooLarge {
                size: bytes.len(),
                max: MAX_ARTIFACT_SIZE,
            });
        }
        // An artifact in its one canonical form is read straight into the
        // typed artifact; anything else gets the general strict decoder
        // below, which accepts it as the same artifact or names what is wrong.
        if let Some(a) = fast::decode(bytes) {
            return Ok(a);
        }
        Artifact::decode_general(bytes)
    }

    /// [`Artifact::decode`] through the generic CBOR and COSE layers: a
    /// [`Value`] tree, then the typed artifact, then its re-encoding
    /// compared with the payload.
    fn decode_general(bytes: &[u8]) -> Result<Artifact, ArtifactError> {
        let v = cbor::decode(bytes)?;
        let tag = match &v {
            Value::Tag(t, _) => *t,
            _ => {
                return Err(CoseError::MissingTag {
                    expected: TAG_SIGN1,
                }
                .into())
            }
        };
        let (kind, payload, body_protected, mut signatures, protected) = match tag {
            TAG_SIGN1 => {
                let m = Sign1::from_value(v, Tagging::Required)?;
                let kind = profile_sign1(&m.headers)?;
                if kind.is_multi_signed() {
                    return Err(ArtifactError::Profile(format!(
                        "a {kind} must be a COSE_Sign (tag 98), not a COSE_Sign1"
                    )));
                }
                let slot = slot_of(kind, &m.headers, m.signature)?;
                let protected = vec![m.headers.protected_bytes];
                (kind, m.payload, Vec::new(), Slots::One([slot]), protected)
            }
            TAG_SIGN => {
                let m = Sign::from_value(v, Tagging::Required)?;
                let kind = profile_body(&m.headers)?;
                if !kind.is_multi_signed() {
                    return Err(ArtifactError::Profile(format!(
                        "a {kind} must be a COSE_Sign1 (tag 18), not a COSE_Sign"
                    )));
                }
                if m.signatures.len() > 2 {
                    return Err(ArtifactError::Profile(format!(
                        "{kind}: {} signatures, at most 2 allowed",
                        m.signatures.len()
                    )));
                }
                let mut slots = Slots::None;
                let mut protected = Vec::new();
                for s in m.signatures {
                    profile_signer(kind, &s.headers)?;
                    let slot = slot_of(kind, &s.headers, s.signature)?;
                    // At most two, checked above.
                    slots = slots.push(slot).ok_or_else(|| {
                        ArtifactError::Profile(format!("{kind}: at most 2 signatures allowed"))
                    })?;
                    protected.push(s.headers.protected_bytes);
                }
                let body_protected = m.headers.protected_bytes;
                (kind, m.payload, body_protected, slots, protected)
            }
            other => {
                return Err(CoseError::WrongTag {
                    expected: TAG_SIGN1,
                    found: other,
                }
                .into())
            }
        };
        let value = cbor::decode(&payload)?;
        let body = Body::from_value(kind, value)?;
        let mut canonical = Vec::with_capacity(payload.len());
        body.to_value().encode_into(&mut canonical);
        if canonical != payload {
            return Err(ArtifactError::NonCanonicalPayload(kind));
        }
        if let (Body::Grant(Grant { imported: true, .. }), n) = (&body, signatures.len()) {
            if n != 1 {
                return Err(ArtifactError::Profile(
                    "an imported grant carries only the controller's signature".into(),
                ));
            }
        }
        let subject_kid = match &body {
            Body::Grant(Grant { subject_key, .. })
            | Body::Refusal(Refusal { subject_key, .. })
            | Body::Withdrawal(Withdrawal { subject_key, .. }) => {
                subject_key.as_ref().map(PublicKey::kid)
            }
            _ => None,
        };
        // The parts after the artifact's bytes (the general decoder reads
        // them into values, not where they lie in the bytes).
        let parts =
            payload.len() + body_protected.len() + protected.iter().map(Vec::len).sum::<usize>();
        let mut buf = Vec::with_capacity(bytes.len() + parts);
        buf.extend_from_slice(bytes);
        let payload_span = Span::push(&mut buf, &payload);
        let body_protected = Span::push(&mut buf, &body_protected);
        for (slot, p) in signatures.iter_mut().zip(&protected) {
            slot.protected = Span::push(&mut buf, p);
        }
        Ok(Artifact {
            digest: Digest::of(kind, &payload),
            body,
            buf,
            len: bytes.len(),
            payload: payload_span,
            body_protected,
            signatures,
            subject_kid,
        })
    }

    /// The body as JSON (a human-readable view; not a wire format): the
    /// [`ArtifactView`] of [`Artifact::view`].
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.view()).unwrap_or(serde_json::Value::Null)
    }
}

/// An artifact built by the library and waiting for one signature made
/// elsewhere: by an asynchronous signer such as a non-extractable WebCrypto
/// key, or a remote HSM. The host signs [`PendingSignature::to_be_signed`] (the
/// COSE `Sig_structure`, domain-separated by the artifact type) and hands
/// the signature to [`PendingSignature::complete`], which checks it before
/// assembling the artifact. ES256 signatures may be DER or `r || s`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignature {
    kind: ArtifactKind,
    payload: Vec<u8>,
    /// COSE_Sign body header (empty for COSE_Sign1).
    body_protected: Vec<u8>,
    /// The signer's protected header (COSE_Sign1: the message's).
    protected: Vec<u8>,
    public: PublicKey,
    tbs: Vec<u8>,
    /// For a countersignature: the message the signature is added to.
    base: Option<Vec<u8>>,
    /// Which roles may make this signature.
    slot: Slot,
}

impl PendingSignature {
    /// Checks the payload's instants, then prepares it.
    fn checked(body: Body, public: &PublicKey) -> Result<PendingSignature, Error> {
        checks::check_times(&body)?;
        Ok(PendingSignature::new(body, public))
    }

    fn new(body: Body, public: &PublicKey) -> PendingSignature {
        let kind = body.kind();
        let slot = Slot::for_body(&body);
        let payload = body.to_value().to_vec();
        if kind.is_multi_signed() {
            let body_protected = protected_body(kind);
            let protected = protected_signer(public.algorithm(), &public.kid());
            let tbs = cose::sig_structure(&body_protected, &protected, &[], &payload);
            PendingSignature {
                kind,
                payload,
                body_protected,
                protected,
                public: public.clone(),
                tbs,
                base: None,
                slot,
            }
        } else {
            let protected = protected_sign1(kind, public.algorithm(), &public.kid());
            let tbs = cose::sig_structure1(&protected, &[], &payload);
            PendingSignature {
                kind,
                payload,
                body_protected: Vec::new(),
                protected,
                public: public.clone(),
                tbs,
                base: None,
                slot,
            }
        }
    }

    /// The exact bytes to sign.
    pub fn to_be_signed(&self) -> &[u8] {
        &self.tbs
    }

    /// The artifact kind being signed.
    pub fn kind(&self) -> ArtifactKind {
        self.kind
    }

    /// The key expected to sign.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign_with(&self, signer: &dyn Signer) -> Result<Artifact, Error> {
        self.slot.check(signer.role())?;
        let sig = signer.sign(&self.tbs)?;
        self.complete(&sig)
    }

    /// Checks `signature` over [`PendingSignature::to_be_signed`] with the expected
    /// key and assembles the signed artifact.
    pub fn complete(&self, signature: &[u8]) -> Result<Artifact, Error> {
        let signature = check_signature(&self.public, &self.tbs, signature.to_vec())?;
        let headers = |protected: &[u8]| Headers {
            protected_bytes: protected.to_vec(),
            protected: Vec::new(),
            unprotected: Vec::new(),
        };
        let bytes = if let Some(base) = &self.base {
            let mut msg = Sign::from_slice(base, Tagging::Required).map_err(ArtifactError::from)?;
            msg.signatures.push(cose::CoseSignature {
                headers: headers(&self.protected),
                signature,
            });
            msg.to_vec()
        } else if self.kind.is_multi_signed() {
            Sign {
                headers: headers(&self.body_protected),
                payload: self.payload.clone(),
                signatures: vec![cose::CoseSignature {
                    headers: headers(&self.protected),
                    signature,
                }],
            }
            .to_vec()
        } else {
            Sign1 {
                headers: headers(&self.protected),
                payload: self.payload.clone(),
                signature,
            }
            .to_vec()
        };
        Ok(Artifact::decode(&bytes)?)
    }
}

fn header_err(kind: ArtifactKind, reason: impl Into<String>) -> ArtifactError {
    ArtifactError::Header {
        kind,
        reason: reason.into(),
    }
}

fn typ_of(h: &Headers) -> Result<ArtifactKind, ArtifactError> {
    match h.get_protected(HDR_TYP) {
        None => Err(ArtifactError::Profile(
            "no typ in the protected header".into(),
        )),
        Some(Value::Unsigned(t)) => {
            ArtifactKind::from_typ(*t).ok_or_else(|| ArtifactError::UnknownType(t.to_string()))
        }
        Some(Value::Text(t)) => Err(ArtifactError::UnknownType(format!("\"{t}\""))),
        Some(other) => Err(ArtifactError::UnknownType(other.type_name().to_owned())),
    }
}

fn only_labels(
    kind: ArtifactKind,
    h: &Headers,
    allowed: &[i64],
    what: &str,
) -> Result<(), ArtifactError> {
    if !h.unprotected.is_empty() {
        return Err(header_err(
            kind,
            format!("{what}: unprotected header must be empty"),
        ));
    }
    for (k, _) in &h.protected {
        if !k
            .as_i64()
            .is_some_and(|l| allowed.contains(&l) || l == HDR_CRIT)
        {
            let name = k
                .as_i64()
                .map(|i| i.to_string())
                .unwrap_or_else(|| format!("{k:?}"));
            return Err(header_err(
                kind,
                format!("{what}: unexpected protected header {name}"),
            ));
        }
    }
    Ok(())
}

fn profile_sign1(h: &Headers) -> Result<ArtifactKind, ArtifactError> {
    let kind = typ_of(h)?;
    only_labels(kind, h, &[HDR_ALG, HDR_KID, HDR_TYP], "COSE_Sign1")?;
    Ok(kind)
}

fn profile_body(h: &Headers) -> Result<ArtifactKind, ArtifactError> {
    let kind = typ_of(h)?;
    only_labels(kind, h, &[HDR_TYP], "COSE_Sign body")?;
    Ok(kind)
}

fn profile_signer(kind: ArtifactKind, h: &Headers) -> Result<(), ArtifactError> {
    if h.get_protected(HDR_TYP).is_some() {
        return Err(header_err(
            kind,
            "typ belongs in the body header, not a signer's",
        ));
    }
    only_labels(kind, h, &[HDR_ALG, HDR_KID], "COSE_Signature")
}

fn slot_of(
    kind: ArtifactKind,
    h: &Headers,
    signature: Vec<u8>,
) -> Result<SignatureSlot, ArtifactError> {
    let alg = cose::algorithm_of(h.get_protected(HDR_ALG))?;
    let kid = match h.get_protected(HDR_KID) {
        Some(Value::Bytes(b)) => {
            let receipt = kind == ArtifactKind::DataReceipt;
            HeaderKid::from_slice(b, receipt).ok_or_else(|| {
                header_err(
                    kind,
                    format!(
                        "kid must be a 32-byte key thumbprint{}, found {} bytes",
                        if receipt { " or its first 8 bytes" } else { "" },
                        b.len()
                    ),
                )
            })?
        }
        Some(other) => {
            return Err(header_err(
                kind,
                format!("kid must be a byte string, found {}", other.type_name()),
            ))
        }
        None => return Err(header_err(kind, "no kid in the protected header")),
    };
    if signature.len() != alg.signature_len() {
        return Err(header_err(
            kind,
            format!(
                "{alg} signature must be {} bytes, found {}",
                alg.signature_len(),
                signature.len()
            ),
        ));
    }
    // The length was checked just above.
    let signature = <[u8; SIGNATURE_LEN]>::try_from(signature.as_slice())
        .map_err(|_| header_err(kind, "signature length"))?;
    Ok(SignatureSlot {
        alg,
        kid,
        signature,
        // Set by the caller, which keeps the bytes.
        protected: Span::default(),
    })
}

fn kind_mismatch<T>(want: ArtifactKind, got: &Artifact) -> Result<T, Error> {
    Err(Error::Usage(format!(
        "expected a {want}, found a {}",
        got.kind()
    )))
}

impl Offer {
    /// Signs the offer as its controller. Sets are put in canonical order.
    pub fn sign(&self, controller: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare(&controller.public_key())?
            .sign_with(controller)
    }

    /// Prepares the offer for a controller key that signs elsewhere; see [`PendingSignature`].
    pub fn prepare(&self, controller: &PublicKey) -> Result<PendingSignature, Error> {
        let mut o = self.clone();
        o.normalise();
        o.validate()?;
        PendingSignature::checked(Body::Offer(o), controller)
    }

    /// The offer inside an artifact.
    pub fn from_artifact(a: &Artifact) -> Result<&Offer, Error> {
        match a.body() {
            Body::Offer(o) => Ok(o),
            _ => kind_mismatch(ArtifactKind::Offer, a),
        }
    }
}

impl Grant {
    /// Signs the grant as the person. If `subject_key` is unset it is set
    /// to the signer's key; if set, it must be the signer's key. The result
    /// carries one signature; the controller adds the second with
    /// [`Artifact::countersign`].
    pub fn sign_as_person(&self, person: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare_as_person(&person.public_key())?
            .sign_with(person)
    }

    /// Prepares the person's signature for a key that signs elsewhere
    /// (e.g. a non-extractable WebCrypto key); see [`PendingSignature`].
    pub fn prepare_as_person(&self, person: &PublicKey) -> Result<PendingSignature, Error> {
        let mut g = self.clone();
        g.normalise();
        match &g.subject_key {
            None => g.subject_key = Some(person.clone()),
            Some(k) if k == person => {}
            Some(_) => {
                return Err(Error::Usage(
                    "the grant's subject key is not the signer's key".into(),
                ))
            }
        }
        g.validate()?;
        PendingSignature::checked(Body::Grant(g), person)
    }

    /// Signs an imported grant (no person signature) as the controller.
    /// The grant must say `imported` and carry no subject key.
    pub fn sign_imported(&self, controller: &dyn Signer) -> Result<Artifact, Error> {
        let mut g = self.clone();
        g.normalise();
        g.validate()?;
        if !g.imported {
            return Err(Error::Usage(
                "only a grant marked imported may lack the person's signature".into(),
            ));
        }
        PendingSignature::checked(Body::Grant(g), &controller.public_key())?.sign_with(controller)
    }

    /// Signs as the person and countersigns as the controller in one step
    /// (both keys at hand, e.g. in tests and simulations). The grant is
    /// checked against `offer` first, as [`Artifact::countersign`] does.
    pub fn sign_both(
        &self,
        offer: &Artifact,
        person: &dyn Signer,
        controller: &dyn Signer,
    ) -> Result<Artifact, Error> {
        let mut g = self.clone();
        g.normalise();
        checks::check_times(&Body::Grant(g.clone()))?;
        checks::grant_fits_offer(&g, offer)?;
        self.sign_as_person(person)?.countersign(offer, controller)
    }

    /// [`Grant::sign_both`] for a grant the caller knows does not fit its
    /// offer (a simulation injecting violations for an auditor); see
    /// [`KnownViolation`].
    pub fn sign_both_known_violation(
        &self,
        person: &dyn Signer,
        controller: &dyn Signer,
        known: &KnownViolation,
    ) -> Result<Artifact, Error> {
        self.sign_as_person(person)?
            .countersign_known_violation(controller, known)
    }

    /// The grant inside an artifact.
    pub fn from_artifact(a: &Artifact) -> Result<&Grant, Error> {
        match a.body() {
            Body::Grant(g) => Ok(g),
            _ => kind_mismatch(ArtifactKind::Grant, a),
        }
    }
}

impl Refusal {
    /// Signs the refusal as the person (sets `subject_key` like [`Grant::sign_as_person`]).
    pub fn sign_as_person(&self, person: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare_as_person(&person.public_key())?
            .sign_with(person)
    }

    /// Prepares the person's signature for a key that signs elsewhere; see [`PendingSignature`].
    pub fn prepare_as_person(&self, person: &PublicKey) -> Result<PendingSignature, Error> {
        if self.method == CollectionMethod::Imported {
            return Err(Error::Usage(
                "a refusal is always signed by the person; it cannot be imported".into(),
            ));
        }
        let mut r = self.clone();
        match &r.subject_key {
            None => r.subject_key = Some(person.clone()),
            Some(k) if k == person => {}
            Some(_) => {
                return Err(Error::Usage(
                    "the refusal's subject key is not the signer's key".into(),
                ))
            }
        }
        PendingSignature::checked(Body::Refusal(r), person)
    }

    /// Signs as the person and countersigns as the controller; `offer` is
    /// the offer refused (checked against the refusal's offer digest).
    pub fn sign_both(
        &self,
        offer: &Artifact,
        person: &dyn Signer,
        controller: &dyn Signer,
    ) -> Result<Artifact, Error> {
        if offer.kind() != ArtifactKind::Offer || offer.digest() != self.offer {
            return Err(Mistake::NotTheOffer {
                grant_offer: hex::encode(&self.offer.0[..4]),
                given: offer.label_str(),
            }
            .into());
        }
        self.sign_as_person(person)?.countersign(offer, controller)
    }
}

impl Withdrawal {
    /// The person withdraws a grant: one call. The withdrawal takes effect
    /// at `at` (seconds since the epoch, or a [`std::time::SystemTime`]). A
    /// key that declares a role other than [`Role::Person`] is refused
    /// ([`Mistake::WrongRole`]).
    pub fn by_person(
        grant: ArtifactId,
        at: impl IntoTime,
        person: &dyn Signer,
    ) -> Result<Artifact, Error> {
        Withdrawal::prepare_by_person(grant, at, &person.public_key())?.sign_with(person)
    }

    /// A person's withdrawal of `grant`, effective at `at`, prepared for a key that signs elsewhere.
    pub fn prepare_by_person(
        grant: ArtifactId,
        at: impl IntoTime,
        person: &PublicKey,
    ) -> Result<PendingSignature, Error> {
        let at = at.into_time()?;
        Withdrawal {
            grant,
            issued_at: at,
            effective_at: at,
            by: WithdrawnBy::Person,
            reason: None,
            subject_key: Some(person.clone()),
        }
        .prepare(person)
    }

    /// The controller revokes a grant, with a reason.
    pub fn revoke(
        grant: ArtifactId,
        at: impl IntoTime,
        reason: impl Into<String>,
        controller: &dyn Signer,
    ) -> Result<Artifact, Error> {
        let at = at.into_time()?;
        Withdrawal {
            grant,
            issued_at: at,
            effective_at: at,
            by: WithdrawnBy::Controller,
            reason: Some(reason.into()),
            subject_key: None,
        }
        .sign(controller)
    }

    /// Signs the withdrawal (by the person with their subject key, or by the controller).
    pub fn sign(&self, signer: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare(&signer.public_key())?.sign_with(signer)
    }

    /// Prepares the withdrawal for a key that signs elsewhere; see [`PendingSignature`].
    pub fn prepare(&self, signer: &PublicKey) -> Result<PendingSignature, Error> {
        self.validate()?;
        if let Some(k) = &self.subject_key {
            if k != signer {
                return Err(Error::Usage(
                    "a person's withdrawal must be signed with the subject key it names".into(),
                ));
            }
        }
        PendingSignature::checked(Body::Withdrawal(self.clone()), signer)
    }
}

impl DataReceipt {
    /// Signs the receipt (controller or partner) after checking it against
    /// `grant`, the grant it cites: the purpose, category and recipient
    /// must be granted and the use inside the grant's time (from when it
    /// was given until it expires). A use the grant does not cover is
    /// refused ([`Mistake::NotCovered`]), and so is a receipt citing
    /// another artifact's id. To record a use the grant does not cover,
    /// say so: [`DataReceipt::sign_known_violation`]. The purpose, category
    /// and recipient are written as their index in the grant's lists
    /// ([`DataReceipt::compact`]), which keeps the receipt small.
    pub fn sign(&self, grant: &Artifact, signer: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare(grant, &signer.public_key())?.sign_with(signer)
    }

    /// Prepares the receipt for a key that signs elsewhere, checked against
    /// `grant` as [`DataReceipt::sign`] does; see [`PendingSignature`].
    pub fn prepare(&self, grant: &Artifact, signer: &PublicKey) -> Result<PendingSignature, Error> {
        // An instant in the wrong unit is named as such, before it reads as out of the grant.
        checks::check_times(&Body::DataReceipt(self.clone()))?;
        checks::receipt_fits_grant(self, grant)?;
        // The grant is known here: name what it lists by index (FORMAT.md §4.7.1).
        self.compact(Grant::from_artifact(grant)?)
            .prepare_unchecked(signer)
    }

    /// Signs a receipt the caller knows its grant does not cover (a
    /// simulation injecting violations, a controller recording a breach it
    /// must disclose), without checking it against any grant. The instants
    /// and the signer's role are still checked.
    pub fn sign_known_violation(
        &self,
        signer: &dyn Signer,
        known: &KnownViolation,
    ) -> Result<Artifact, Error> {
        self.prepare_known_violation(&signer.public_key(), known)?
            .sign_with(signer)
    }

    /// [`DataReceipt::sign_known_violation`] for a key that signs elsewhere.
    pub fn prepare_known_violation(
        &self,
        signer: &PublicKey,
        _known: &KnownViolation,
    ) -> Result<PendingSignature, Error> {
        self.prepare_unchecked(signer)
    }

    fn prepare_unchecked(&self, signer: &PublicKey) -> Result<PendingSignature, Error> {
        if self.quantity == 0 {
            return Err(ArtifactError::InvalidField {
                kind: ArtifactKind::DataReceipt,
                field: "quantity",
                reason: "zero".into(),
            }
            .into());
        }
        PendingSignature::checked(Body::DataReceipt(self.clone()), signer)
    }
}

impl ValueRecord {
    /// Signs the value record as the controller.
    pub fn sign(&self, controller: &dyn Signer) -> Result<Artifact, Error> {
        self.prepare(&controller.public_key())?
            .sign_with(controller)
    }

    /// Prepares the value record for a key that signs elsewhere; see [`PendingSignature`].
    pub fn prepare(&self, controller: &PublicKey) -> Result<PendingSignature, Error> {
        PendingSignature::checked(Body::ValueRecord(self.clone()), controller)
    }
}

/// Reads a term, for callers building payloads from strings: [`Term::new`],
/// its refusal as [`Error::Term`].
pub fn term(s: &str) -> Result<Term, Error> {
    Ok(Term::new(s)?)
}

#[cfg(test)]
mod tests;
