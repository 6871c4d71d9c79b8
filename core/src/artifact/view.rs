//! The JSON view of an artifact ([`Artifact::to_json`]): a human-readable
//! view for tools and the JavaScript package, not a wire format. Its shape
//! is these types, so the TypeScript declarations derived from them
//! (feature `ts`) are the shape of the JSON.

use serde::Serialize;

use super::{Artifact, ArtifactId, Body};
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

/// One signature of an [`ArtifactView`], as its header gives it.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignerView {
    /// The key id (hex): 64 digits, or 16 for a short kid.
    pub kid: HeaderKid,
    /// The signature algorithm.
    pub algorithm: Algorithm,
}

impl Artifact {
    /// The artifact's JSON view (see [`Artifact::to_json`]).
    pub fn view(&self) -> ArtifactView<'_> {
        ArtifactView {
            id: self.id(),
            body: &self.body,
            signers: self
                .signatures
                .iter()
                .map(|s| SignerView {
                    kid: s.kid,
                    algorithm: s.alg,
                })
                .collect(),
            size: self.len,
        }
    }
}
