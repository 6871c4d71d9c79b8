//! C2SP signed notes (`c2sp.org/signed-note`), Ed25519 verifier keys in the
//! vkey text form, and tlog checkpoints (`c2sp.org/tlog-checkpoint`).
//!
//! A signed note is a text ending in a newline, a blank line, and one or
//! more signature lines `— <key name> <base64(key ID || signature)>`. The
//! parser is strict: valid UTF-8, no control characters other than newline,
//! at most [`MAX_NOTE_SIZE`] bytes and [`MAX_NOTE_SIGNATURES`] signature
//! lines, canonical base64 (standard alphabet, padded).

use std::fmt;

use ring::digest::{Context, SHA256};

use crate::keys::{Algorithm, KeyError, PublicKey, Signer};

use super::Hash;

/// Largest signed note accepted, in bytes (1 MiB).
pub const MAX_NOTE_SIZE: usize = 1024 * 1024;

/// Most signature lines accepted in one note (the spec asks for at least 16).
pub const MAX_NOTE_SIGNATURES: usize = 100;

/// Signature type byte of Ed25519 note signatures (C2SP signed-note).
pub const NOTE_ED25519: u8 = 0x01;

/// The em dash and space that start every signature line.
const SIG_PREFIX: &str = "\u{2014} ";

/// What was wrong with a signed note, a verifier key or a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// The note is larger than [`MAX_NOTE_SIZE`].
    #[error("note is {size} bytes, over the {max}-byte limit")]
    TooLarge {
        /// The note's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The note is not valid UTF-8.
    #[error("note is not valid UTF-8 (byte {offset})")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The note contains an ASCII control character other than newline.
    #[error("note contains control character {byte:#04x} at byte {offset}")]
    ControlCharacter {
        /// The character.
        byte: u8,
        /// Its offset.
        offset: usize,
    },
    /// No blank line separates the text from the signatures.
    #[error("note has no blank line before its signatures")]
    MissingBlankLine,
    /// The blank line is not followed by any signature line.
    #[error("note has no signature lines")]
    NoSignatures,
    /// The note (or its text) does not end with a newline.
    #[error("note does not end with a newline")]
    MissingFinalNewline,
    /// A signature line is malformed.
    #[error("signature line {line}: {reason}")]
    MalformedSignature {
        /// The 1-based number of the signature line.
        line: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// More than [`MAX_NOTE_SIGNATURES`] signature lines.
    #[error("note has more than {max} signature lines")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
    /// A key name that is empty or contains whitespace or `+`.
    #[error("key name {0:?} is empty or contains whitespace or '+'")]
    InvalidKeyName(String),
    /// A verifier key (`name+hash+key`) that does not have that form.
    #[error("verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    /// A verifier key of a signature type other than Ed25519 (0x01).
    #[error("verifier key: unsupported signature type {0:#04x} (only Ed25519, 0x01)")]
    UnsupportedKeyType(u8),
    /// The key hash in a verifier key is not the hash of its name and key.
    #[error(
        "verifier key: key hash {found:08x} is not {expected:08x}, the hash of the name and key"
    )]
    KeyHashMismatch {
        /// The hash written in the key.
        found: u32,
        /// The hash of the name and key.
        expected: u32,
    },
    /// A signature by a known key does not verify. Deliberately without detail.
    #[error("signature by {name} is invalid")]
    SignatureInvalid {
        /// The key name.
        name: String,
    },
    /// No signature by any of the given keys.
    #[error("note has no signature by a known key (signed by: {signers})")]
    NoKnownSignature {
        /// The key names that did sign, comma-separated.
        signers: String,
    },
    /// Notes are signed with Ed25519 keys only.
    #[error("note signing needs an Ed25519 key, not {0}")]
    NotEd25519(Algorithm),
    /// The signer failed.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// A checkpoint text with fewer than three lines.
    #[error("checkpoint: {found} lines, at least 3 required (origin, size, root hash)")]
    CheckpointTooShort {
        /// The number of lines found.
        found: usize,
    },
    /// A checkpoint line that is empty (the origin, or an extension line).
    #[error("checkpoint line {line} is empty")]
    CheckpointEmptyLine {
        /// The 1-based line number.
        line: usize,
    },
    /// The tree size line is not a decimal number without leading zeros.
    #[error("checkpoint tree size {0:?} is not a decimal number without leading zeros")]
    CheckpointSize(String),
    /// A checkpoint to sign whose origin or an extension line contains a
    /// line break (or is empty), so its text would not parse back to it.
    #[error("checkpoint origin or extension line is empty or contains a line break")]
    CheckpointLineBreak,
    /// The root hash line is not the base64 of 32 bytes.
    #[error("checkpoint root hash {0:?} is not the base64 of 32 bytes")]
    CheckpointRoot(String),
}

// ------------------------------------------------------------------ base64

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4).
pub(crate) fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict standard base64: padded, standard alphabet, no whitespace, zero
/// trailing bits. `None` for anything else.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    }
    let bytes = s.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let quads = bytes.len() / 4;
    for (qi, quad) in bytes.chunks_exact(4).enumerate() {
        let last = qi + 1 == quads;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let b = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        match pad {
            0 => out.extend_from_slice(&b),
            1 => {
                if b[2] != 0 {
                    return None;
                }
                out.extend_from_slice(&b[..2]);
            }
            _ => {
                if b[1] != 0 || b[2] != 0 {
                    return None;
                }
                out.push(b[0]);
            }
        }
    }
    Some(out)
}

// ------------------------------------------------------------------ keys

/// Whether `name` is a valid key name: non-empty, no Unicode whitespace, no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// The note key ID: the first 4 bytes (big-endian) of
/// SHA-256(key name || 0x0A || signature type || public key).
pub fn note_key_id(name: &str, sig_type: u8, public_key: &[u8]) -> u32 {
    let mut ctx = Context::new(&SHA256);
    ctx.update(name.as_bytes());
    ctx.update(b"\n");
    ctx.update(&[sig_type]);
    ctx.update(public_key);
    let d = ctx.finish();
    let b = d.as_ref();
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// An Ed25519 note verifier key: a key name, its key ID and the public key.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: PublicKey,
}

impl fmt::Debug for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteVerifier({})", self.to_vkey())
    }
}

impl NoteVerifier {
    /// The verifier for an Ed25519 public key under `name`.
    pub fn ed25519(name: &str, key: &PublicKey) -> Result<NoteVerifier, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::InvalidKeyName(name.to_owned()));
        }
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(NoteError::NotEd25519(key.algorithm()));
        }
        Ok(NoteVerifier {
            name: name.to_owned(),
            key_id: note_key_id(name, NOTE_ED25519, key.raw()),
            key: key.clone(),
        })
    }

    /// Parses a verifier key `<name>+<8 lowercase hex key ID>+<base64(0x01 || key)>`.
    pub fn from_vkey(vkey: &str) -> Result<NoteVerifier, NoteError> {
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(hash), Some(key64)) = (parts.next(), parts.next(), parts.next())
        else {
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
        let found = u32::from_str_radix(hash, 16)
            .map_err(|_| NoteError::MalformedVerifierKey("key hash is not hex"))?;
        let key = b64_decode(key64).ok_or(NoteError::MalformedVerifierKey(
            "key is not canonical base64",
        ))?;
        let (&ty, raw) = key
            .split_first()
            .ok_or(NoteError::MalformedVerifierKey("key is empty"))?;
        if ty != NOTE_ED25519 {
            return Err(NoteError::UnsupportedKeyType(ty));
        }
        if raw.len() != 32 {
            return Err(NoteError::MalformedVerifierKey(
                "Ed25519 key is not 32 bytes",
            ));
        }
        let expected = note_key_id(name, ty, raw);
        if found != expected {
            return Err(NoteError::KeyHashMismatch { found, expected });
        }
        Ok(NoteVerifier {
            name: name.to_owned(),
            key_id: expected,
            key: PublicKey::ed25519(raw)?,
        })
    }

    /// The verifier key text `<name>+<key ID>+<base64(0x01 || key)>`.
    pub fn to_vkey(&self) -> String {
        let mut k = vec![NOTE_ED25519];
        k.extend_from_slice(self.key.raw());
        format!("{}+{:08x}+{}", self.name, self.key_id, b64_encode(&k))
    }

    /// The key name.
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

    fn verify(&self, text: &[u8], sig: &[u8]) -> bool {
        self.key.verify(text, sig).is_ok()
    }
}

// ------------------------------------------------------------------ notes

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (the first 4 bytes of the decoded signature field).
    pub key_id: u32,
    /// The signature bytes (after the key ID).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line `— <name> <base64(key ID || signature)>\n`.
    pub fn to_line(&self) -> String {
        let mut raw = self.key_id.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, b64_encode(&raw))
    }
}

/// A signed note: its text (ending in a newline) and its signature lines.
/// Parsing checks structure only; [`SignedNote::verify`] checks signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedNote {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// Checks the size, UTF-8 and control-character rules of a whole note.
fn check_note_bytes(note: &[u8]) -> Result<&str, NoteError> {
    if note.len() > MAX_NOTE_SIZE {
        return Err(NoteError::TooLarge {
            size: note.len(),
            max: MAX_NOTE_SIZE,
        });
    }
    let s = std::str::from_utf8(note).map_err(|e| NoteError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    if let Some(offset) = note.iter().position(|&b| b < 0x20 && b != b'\n') {
        return Err(NoteError::ControlCharacter {
            byte: note[offset],
            offset,
        });
    }
    Ok(s)
}

impl SignedNote {
    /// Parses a signed note strictly (see the module docs). Signatures by
    /// any key are kept; nothing is verified yet.
    pub fn parse(note: &[u8]) -> Result<SignedNote, NoteError> {
        let s = check_note_bytes(note)?;
        if !s.ends_with('\n') {
            return Err(NoteError::MissingFinalNewline);
        }
        // The text is separated from the signatures by the last blank line.
        let split = s.rfind("\n\n").ok_or(NoteError::MissingBlankLine)?;
        let (text, sigs) = (&s[..split + 1], &s[split + 2..]);
        if sigs.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        let mut signatures = Vec::new();
        // sigs ends with '\n', so the last piece of the split is empty.
        let lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
        if lines.len() > MAX_NOTE_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                max: MAX_NOTE_SIGNATURES,
            });
        }
        for (i, line) in lines.iter().enumerate() {
            signatures.push(parse_signature_line(line, i + 1)?);
        }
        Ok(SignedNote {
            text: text.to_owned(),
            signatures,
        })
    }

    /// A note from a text and signature lines made elsewhere. The text must
    /// end with a newline and follow the note character rules.
    pub fn new(text: &str, signatures: Vec<NoteSignature>) -> Result<SignedNote, NoteError> {
        check_text(text)?;
        if signatures.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        if signatures.len() > MAX_NOTE_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                max: MAX_NOTE_SIGNATURES,
            });
        }
        for s in &signatures {
            if !is_valid_key_name(&s.name) {
                return Err(NoteError::InvalidKeyName(s.name.clone()));
            }
        }
        let note = SignedNote {
            text: text.to_owned(),
            signatures,
        };
        // Re-parse the encoding so that what we emit is what we accept.
        SignedNote::parse(note.to_text().as_bytes())
    }

    /// The note text (what the signatures cover), ending in a newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// The encoded note: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.to_line());
        }
        out
    }

    /// Verifies the note against `verifiers` (C2SP signed-note rules):
    /// signatures by unknown keys (no verifier with the same name and key
    /// ID) are ignored; a signature by a known key that does not verify
    /// rejects the whole note; at least one known key must have signed.
    /// Returns the verifiers whose signatures verified.
    pub fn verify<'a>(
        &self,
        verifiers: &'a [NoteVerifier],
    ) -> Result<Vec<&'a NoteVerifier>, NoteError> {
        let mut ok: Vec<&NoteVerifier> = Vec::new();
        for sig in &self.signatures {
            let Some(v) = verifiers
                .iter()
                .find(|v| v.name == sig.name && v.key_id == sig.key_id)
            else {
                continue;
            };
            if ok.iter().any(|seen| std::ptr::eq(*seen, v)) {
                // A repeated signature by the same key is ignored.
                continue;
            }
            if !v.verify(self.text.as_bytes(), &sig.signature) {
                return Err(NoteError::SignatureInvalid {
                    name: sig.name.clone(),
                });
            }
            ok.push(v);
        }
        if ok.is_empty() {
            let signers: Vec<&str> = self.signatures.iter().map(|s| s.name.as_str()).collect();
            return Err(NoteError::NoKnownSignature {
                signers: signers.join(", "),
            });
        }
        Ok(ok)
    }
}

/// Checks a note text: size, characters, final newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    check_note_bytes(text.as_bytes())?;
    if !text.ends_with('\n') {
        return Err(NoteError::MissingFinalNewline);
    }
    Ok(())
}

fn parse_signature_line(line: &str, n: usize) -> Result<NoteSignature, NoteError> {
    let bad = |reason| NoteError::MalformedSignature { line: n, reason };
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or_else(|| bad("does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or_else(|| bad("no space between key name and signature"))?;
    if !is_valid_key_name(name) {
        return Err(bad("key name is empty or contains whitespace or '+'"));
    }
    if b64.is_empty() {
        return Err(bad("signature is empty"));
    }
    let raw = b64_decode(b64).ok_or_else(|| bad("signature is not canonical base64"))?;
    if raw.len() < 5 {
        return Err(bad("signature is shorter than a key ID and one byte"));
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
        signature: raw[4..].to_vec(),
    })
}

/// Signs a note text with an Ed25519 signer under `name` and returns the
/// signature line. Private: consentkit signs only texts it built itself
/// (checkpoints), never caller-supplied bytes.
fn sign_text(text: &str, name: &str, signer: &dyn Signer) -> Result<NoteSignature, NoteError> {
    check_text(text)?;
    let public = signer.public_key();
    let verifier = NoteVerifier::ed25519(name, &public)?;
    let signature = signer.sign(text.as_bytes())?;
    // A signer that returns a wrong signature is caught here, not by
    // whoever verifies the checkpoint later.
    if public.verify(text.as_bytes(), &signature).is_err() {
        return Err(NoteError::Key(KeyError::Signer(
            "signature does not verify with the signer's public key".into(),
        )));
    }
    Ok(NoteSignature {
        name: verifier.name,
        key_id: verifier.key_id,
        signature,
    })
}

// ------------------------------------------------------------------ checkpoints

/// A transparency log checkpoint (C2SP tlog-checkpoint): the note text
/// `origin\nsize\nbase64(root)\n` plus optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin (its identity; consentkit logs sign with a key of
    /// the same name).
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash of the tree of that size.
    pub root: Hash,
    /// Extension lines (opaque, each non-empty; not recommended).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text of the checkpoint.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            b64_encode(&self.root)
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint note text (the part the signatures cover).
    pub fn from_text(text: &str) -> Result<Checkpoint, NoteError> {
        check_text(text)?;
        let body = &text[..text.len() - 1];
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 {
            return Err(NoteError::CheckpointTooShort { found: lines.len() });
        }
        if let Some(i) = lines.iter().position(|l| l.is_empty()) {
            return Err(NoteError::CheckpointEmptyLine { line: i + 1 });
        }
        let size_line = lines[1];
        let size_ok = size_line.bytes().all(|c| c.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'));
        let size = size_ok
            .then(|| size_line.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| NoteError::CheckpointSize(size_line.to_owned()))?;
        let root: Hash = b64_decode(lines[2])
            .and_then(|r| <[u8; 32]>::try_from(r.as_slice()).ok())
            .ok_or_else(|| NoteError::CheckpointRoot(lines[2].to_owned()))?;
        Ok(Checkpoint {
            origin: lines[0].to_owned(),
            size,
            root,
            extensions: lines[3..].iter().map(|l| (*l).to_owned()).collect(),
        })
    }

    /// Signs the checkpoint with an Ed25519 signer whose key name is the
    /// origin, and returns the signed note text.
    pub fn sign(&self, signer: &dyn Signer) -> Result<String, NoteError> {
        let text = self.to_text();
        // What we sign must parse back to the same checkpoint.
        if Checkpoint::from_text(&text)? != *self {
            return Err(NoteError::CheckpointLineBreak);
        }
        let sig = sign_text(&text, &self.origin, signer)?;
        Ok(SignedNote {
            text,
            signatures: vec![sig],
        }
        .to_text())
    }

    /// Parses a signed checkpoint, verifies it against `verifiers` (see
    /// [`SignedNote::verify`]) and parses its text.
    pub fn open(note: &[u8], verifiers: &[NoteVerifier]) -> Result<Checkpoint, NoteError> {
        let n = SignedNote::parse(note)?;
        n.verify(verifiers)?;
        Checkpoint::from_text(n.text())
    }
}
