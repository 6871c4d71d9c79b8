//! Timestamped Ed25519 checkpoint cosignatures (`c2sp.org/tlog-cosignature`,
//! `cosignature/v1`).
//!
//! A cosignature is a note signature line by a witness (a *cosigner*) on a
//! checkpoint: `— <cosigner name> base64(key ID || timestamp || signature)`,
//! where
//!
//! - the key ID is the first 4 bytes of
//!   SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key),
//! - the timestamp is a big-endian `u64` (POSIX seconds, at most 2^63 − 1),
//! - the signature is Ed25519 over the message
//!   `cosignature/v1\ntime <timestamp>\n` followed by the whole checkpoint
//!   note text (extension lines included, signature lines excluded).
//!
//! Cosigner verifier keys use the vkey text form with signature type 0x04:
//! `<name>+<hex key ID>+base64(0x04 || public key)`.
//!
//! The ML-DSA-44 `subtree/v1` cosignatures of the same specification are
//! not supported (see SECURITY.md): their signature lines are ignored like
//! those of any unknown key.

use std::fmt;

use crate::keys::{Algorithm, KeyError, PublicKey, Signer};

use super::note::{
    b64_decode, b64_encode, is_valid_key_name, note_key_id, Checkpoint, NoteError, NoteSignature,
};

/// Signature type byte of Ed25519 `cosignature/v1` keys.
pub const COSIGNATURE_V1_ED25519: u8 = 0x04;

/// The header line of the `cosignature/v1` signed message.
pub const COSIGNATURE_V1_HEADER: &str = "cosignature/v1";

/// The largest timestamp a cosignature may carry (2^63 − 1).
pub const MAX_COSIGNATURE_TIME: u64 = i64::MAX as u64;

/// Bytes of a `cosignature/v1` signature field after the key ID: an 8-byte
/// timestamp and a 64-byte Ed25519 signature.
const TIMESTAMPED_LEN: usize = 8 + 64;

/// The message an Ed25519 `cosignature/v1` signs: the header line, the
/// timestamp line and the checkpoint's note text.
pub fn cosignature_message(timestamp: u64, checkpoint_text: &str) -> String {
    format!("{COSIGNATURE_V1_HEADER}\ntime {timestamp}\n{checkpoint_text}")
}

/// A witness's `cosignature/v1` verifier key: a cosigner name, its key ID
/// (type byte 0x04) and an Ed25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct CosignerVerifier {
    name: String,
    key_id: u32,
    key: PublicKey,
}

impl fmt::Debug for CosignerVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignerVerifier({})", self.to_vkey())
    }
}

/// A verified cosignature: who cosigned and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCosignature {
    /// The cosigner's name (its key name).
    pub name: String,
    /// The cosigner's key ID.
    pub key_id: u32,
    /// When it cosigned (POSIX seconds).
    pub timestamp: u64,
}

impl CosignerVerifier {
    /// The verifier for an Ed25519 public key under the cosigner name `name`.
    pub fn ed25519(name: &str, key: &PublicKey) -> Result<CosignerVerifier, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKeyName(name.to_owned()));
        }
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(NoteError::NotEd25519(key.algorithm()));
        }
        Ok(CosignerVerifier {
            name: name.to_owned(),
            key_id: note_key_id(name, COSIGNATURE_V1_ED25519, key.raw()),
            key: key.clone(),
        })
    }

    /// Parses a cosigner verifier key
    /// `<name>+<8 lowercase hex key ID>+<base64(0x04 || key)>`.
    pub fn from_vkey(vkey: &str) -> Result<CosignerVerifier, NoteError> {
        let (name, ty, raw) = parse_vkey(vkey)?;
        if ty != COSIGNATURE_V1_ED25519 {
            return Err(NoteError::UnsupportedKeyType(ty));
        }
        if raw.len() != 32 {
            return Err(NoteError::MalformedVerifierKey(
                "Ed25519 key is not 32 bytes",
            ));
        }
        Ok(CosignerVerifier {
            name,
            key_id: note_key_id_checked(vkey, ty, &raw)?,
            key: PublicKey::ed25519(&raw)?,
        })
    }

    /// The verifier key text `<name>+<key ID>+<base64(0x04 || key)>`.
    pub fn to_vkey(&self) -> String {
        let mut k = vec![COSIGNATURE_V1_ED25519];
        k.extend_from_slice(self.key.raw());
        format!("{}+{:08x}+{}", self.name, self.key_id, b64_encode(&k))
    }

    /// The cosigner name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// Whether a signature line names this cosigner (same name and key ID).
    pub fn matches(&self, sig: &NoteSignature) -> bool {
        sig.name == self.name && sig.key_id == self.key_id
    }

    /// Verifies a signature line on a checkpoint note text. `Ok(None)` when
    /// the line is by another key (to be ignored); an error when it is by
    /// this key but malformed or invalid; otherwise the verified cosignature.
    pub fn verify(
        &self,
        checkpoint_text: &str,
        sig: &NoteSignature,
    ) -> Result<Option<VerifiedCosignature>, NoteError> {
        if !self.matches(sig) {
            return Ok(None);
        }
        let invalid = || NoteError::SignatureInvalid {
            name: sig.name.clone(),
        };
        if sig.signature.len() != TIMESTAMPED_LEN {
            return Err(invalid());
        }
        let mut t = [0u8; 8];
        t.copy_from_slice(&sig.signature[..8]);
        let timestamp = u64::from_be_bytes(t);
        if timestamp > MAX_COSIGNATURE_TIME {
            return Err(invalid());
        }
        let msg = cosignature_message(timestamp, checkpoint_text);
        self.key
            .verify(msg.as_bytes(), &sig.signature[8..])
            .map_err(|_| invalid())?;
        Ok(Some(VerifiedCosignature {
            name: self.name.clone(),
            key_id: self.key_id,
            timestamp,
        }))
    }
}

/// Parses `<name>+<hex key ID>+<base64(type || key)>` into the name, the
/// type byte and the key bytes; the key ID is checked by the caller.
pub(crate) fn parse_vkey(vkey: &str) -> Result<(String, u8, Vec<u8>), NoteError> {
    let mut parts = vkey.splitn(3, '+');
    let (Some(name), Some(hash), Some(key64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::MalformedVerifierKey(
            "expected <name>+<key hash>+<base64 key>",
        ));
    };
    if !is_valid_key_name(name) {
        return Err(NoteError::InvalidKeyName(name.to_owned()));
    }
    if hash.len() != 8 || !hash.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(NoteError::MalformedVerifierKey(
            "key hash is not 8 lowercase hex digits",
        ));
    }
    let key = b64_decode(key64).ok_or(NoteError::MalformedVerifierKey(
        "key is not canonical base64",
    ))?;
    let (&ty, raw) = key
        .split_first()
        .ok_or(NoteError::MalformedVerifierKey("key is empty"))?;
    Ok((name.to_owned(), ty, raw.to_vec()))
}

/// The key ID of a vkey, checked against the one written in it.
fn note_key_id_checked(vkey: &str, ty: u8, raw: &[u8]) -> Result<u32, NoteError> {
    let mut parts = vkey.splitn(3, '+');
    let name = parts.next().unwrap_or_default();
    let hash = parts.next().unwrap_or_default();
    let found = u32::from_str_radix(hash, 16)
        .map_err(|_| NoteError::MalformedVerifierKey("key hash is not hex"))?;
    let expected = note_key_id(name, ty, raw);
    if found != expected {
        return Err(NoteError::KeyHashMismatch { found, expected });
    }
    Ok(expected)
}

/// Cosigns a checkpoint as cosigner `name` at `timestamp` (POSIX seconds,
/// 1 ..= 2^63 − 1) with an Ed25519 signer. Returns the signature line.
///
/// Whoever calls this states that the checkpoint is the largest consistent
/// tree it has seen for the origin (see [`super::witness`]).
pub fn cosign(
    checkpoint: &Checkpoint,
    name: &str,
    signer: &dyn Signer,
    timestamp: u64,
) -> Result<NoteSignature, NoteError> {
    if timestamp == 0 || timestamp > MAX_COSIGNATURE_TIME {
        return Err(NoteError::Key(KeyError::Signer(format!(
            "cosignature timestamp {timestamp} is outside 1 ..= 2^63 - 1"
        ))));
    }
    let text = checkpoint.to_text();
    if Checkpoint::from_text(&text)? != *checkpoint {
        return Err(NoteError::CheckpointLineBreak);
    }
    let public = signer.public_key();
    let verifier = CosignerVerifier::ed25519(name, &public)?;
    let msg = cosignature_message(timestamp, &text);
    let signature = signer.sign(msg.as_bytes())?;
    if public.verify(msg.as_bytes(), &signature).is_err() {
        return Err(NoteError::Key(KeyError::Signer(
            "signature does not verify with the signer's public key".into(),
        )));
    }
    let mut field = timestamp.to_be_bytes().to_vec();
    field.extend_from_slice(&signature);
    Ok(NoteSignature {
        name: verifier.name,
        key_id: verifier.key_id,
        signature: field,
    })
}
