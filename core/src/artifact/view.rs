//! The JSON view of an artifact ([`Artifact::to_json`]): a human-readable
//! view for tools and the JavaScript package, not a wire format. Its shape
//! is these types, so the TypeScript declarations derived from them
//! (feature `ts`) are the shape of the JSON.

use serde::Serialize;

use super::{Artifact, ArtifactId, ArtifactKind, Body, Digest, VerifiedSigner};
use crate::keys::{Algorithm, HeaderKid};

/// An artifact as JSON: its id, its type and body (`"type"`, `"body"`),
/// who signed it (as the headers say; nothing verified) and its size.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArtifactView<'a> {
    /// The artifact id (32 hex digits).
    pub id: ArtifactId,
    /// `"type"` (the artifact kind) and `"body"` (its payload).
    #[serde(flatten)]
    pub body: &'a Body,
    /// The signatures' key ids and algorithms, as their headers give them.
    pub signers: Vec<SignerView>,
    /// Encoded size in bytes.
    pub size: usize,
}

/// One signature of an artifact, as its header gives it (nothing verified).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignerView {
    /// The key id (hex): 64 digits, or 16 for a short kid.
    pub kid: HeaderKid,
    /// The signature algorithm.
    pub algorithm: Algorithm,
}

/// A decoded artifact as every skin hands it out (`decodeArtifact`,
/// `Wallet.artifacts`, `Wallet.receive`, ...): what it is, who signed it as
/// its headers say, its payload, and its exact bytes. Decoding checks the
/// encoding, not the signatures (`verify` does).
///
/// One record in every language: a uniffi record in Kotlin, Swift and
/// Python, and these fields camelCased in JavaScript, where `body` is the
/// payload object (JSON text in the uniffi skins) and `bytes` a
/// `Uint8Array` (hex in JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArtifactInfo {
    /// The kind.
    pub kind: ArtifactKind,
    /// The artifact id (32 hex digits): what receipts and withdrawals reference.
    pub id: ArtifactId,
    /// The digest (64 hex digits): what a grant references its offer by.
    #[serde(serialize_with = "hex_digest")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub digest: Digest,
    /// Its signatures' key ids and algorithms as their headers give them,
    /// in order (a data receipt's kid: the thumbprint's first 8 bytes).
    pub signers: Vec<SignerView>,
    /// Encoded size in bytes.
    pub size: u64,
    /// The payload (the fields of the [`ArtifactInfo::kind`]'s record, as
    /// `consentkit inspect` prints its `"body"`).
    #[cfg_attr(
        feature = "ts",
        ts(type = "Offer | Grant | Refusal | Withdrawal | DataReceipt | ValueRecord")
    )]
    pub body: BodyJson,
    /// The exact encoded bytes.
    #[serde(with = "hex_bytes")]
    #[cfg_attr(feature = "ts", ts(type = "Uint8Array"))]
    pub bytes: Vec<u8>,
}

/// An artifact whose every signature verified against a trust set
/// (`verify` in every skin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifiedArtifact {
    /// The artifact.
    pub artifact: ArtifactInfo,
    /// Its signatures and who made them, in order.
    pub signers: Vec<VerifiedSigner>,
}

/// An artifact's payload as JSON: an object in JavaScript, its JSON text in
/// the uniffi skins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BodyJson(pub serde_json::Value);

fn hex_digest<S: serde::Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(d.0))
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }
}

impl Body {
    /// The payload alone as JSON (the `"body"` of the JSON view).
    fn payload_json(&self) -> serde_json::Value {
        let v = match self {
            Body::Offer(b) => serde_json::to_value(b),
            Body::Grant(b) => serde_json::to_value(b),
            Body::Refusal(b) => serde_json::to_value(b),
            Body::Withdrawal(b) => serde_json::to_value(b),
            Body::DataReceipt(b) => serde_json::to_value(b),
            Body::ValueRecord(b) => serde_json::to_value(b),
        };
        // The payloads' serialisers write strings, numbers, lists and maps
        // with string keys: nothing serde_json refuses.
        v.unwrap_or(serde_json::Value::Null)
    }
}

impl Artifact {
    /// The artifact as every skin hands it out ([`ArtifactInfo`]).
    pub fn info(&self) -> ArtifactInfo {
        ArtifactInfo {
            kind: self.kind(),
            id: self.id(),
            digest: self.digest(),
            signers: self.signer_views(),
            size: self.len as u64,
            body: BodyJson(self.body.payload_json()),
            bytes: self.as_bytes().to_vec(),
        }
    }

    fn signer_views(&self) -> Vec<SignerView> {
        self.signatures
            .iter()
            .map(|s| SignerView {
                kid: s.kid,
                algorithm: s.alg,
            })
            .collect()
    }

    /// The artifact's JSON view (see [`Artifact::to_json`]).
    pub fn view(&self) -> ArtifactView<'_> {
        ArtifactView {
            id: self.id(),
            body: &self.body,
            signers: self.signer_views(),
            size: self.len,
        }
    }
}
