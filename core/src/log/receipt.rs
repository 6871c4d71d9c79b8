//! Proofs that travel: an artifact's inclusion proof as an RFC 9942 COSE
//! Receipt and as a C2SP `tlog-proof@v1` file.
//!
//! **COSE Receipt** (RFC 9942, draft-ietf-cose-merkle-tree-proofs-18), for
//! the verifiable data structure RFC9162_SHA256:
//!
//! ```cddl
//! receipt = #6.18([
//!   protected:   bstr .cbor { 1 => -8, 4 => bstr .size 32, 395 => 1 },  ; alg EdDSA, kid, vds RFC9162_SHA256
//!   unprotected: { 396 => { -1 => [ bstr .cbor [tree_size: uint, leaf_index: uint, inclusion_path: [* bstr .size 32]] ] } },
//!   payload:     nil,          ; detached: the Merkle tree root (RFC 9162) of tree_size leaves
//!   signature:   bstr .size 64 ; Ed25519 over ["Signature1", protected, h'', root]
//! ])
//! ```
//!
//! It is signed with the transparency log's key (the Ed25519 key that signs
//! its checkpoints, role `log` in the trust set); the leaf is the
//! artifact's exact bytes (leaf hash `SHA-256(0x00 || bytes)`). A tree of
//! one leaf has an empty inclusion path.
//!
//! **tlog-proof** (C2SP `tlog-proof@v1`): the text
//! `c2sp.org/tlog-proof@v1\n[extra <base64>\n]index <n>\n<base64 hash>\n…\n\n<checkpoint>`,
//! the checkpoint being the log's signed note, verbatim. It needs no new
//! signature, so anyone holding an inclusion proof with its checkpoint (a
//! wallet) can write one.

use crate::cbor::{self, Value};
use crate::cose::{self, CoseError, Headers, Sign1};
use crate::keys::{check_signature, KeyError, PublicKey, Signer};

use super::merkle::{leaf_hash, verify_inclusion, ProofError, MAX_PROOF_LEN};
use super::note::{b64_decode, b64_encode, Checkpoint, NoteError, NoteVerifier, MAX_NOTE_SIZE};
use super::{Hash, InclusionProof};

/// COSE header label `vds` (verifiable data structure), RFC 9942.
pub const HDR_VDS: i64 = 395;
/// COSE header label `vdp` (verifiable data structure proofs), RFC 9942.
pub const HDR_VDP: i64 = 396;
/// `vds` value: RFC9162_SHA256.
pub const VDS_RFC9162_SHA256: u64 = 1;
/// `vdp` map key of the inclusion proofs.
pub const VDP_INCLUSION: i64 = -1;
/// First line of a C2SP tlog-proof.
pub const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Largest receipt or tlog-proof accepted, in bytes.
pub const MAX_RECEIPT_SIZE: usize = MAX_NOTE_SIZE + MAX_PROOF_LEN * 48 + 4096;

/// What was wrong with a receipt or a tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// The structure is not a receipt / tlog-proof of the supported form.
    #[error("{what}: {reason}")]
    Malformed {
        /// Which format.
        what: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The COSE structure is unusable.
    #[error("COSE receipt: {0}")]
    Cose(#[from] CoseError),
    /// The inclusion proof does not hold.
    #[error("inclusion proof: {0}")]
    Proof(#[from] ProofError),
    /// The checkpoint does not verify.
    #[error("checkpoint: {0}")]
    Note(#[from] NoteError),
    /// The receipt's signature does not verify with the log key. Deliberately without detail.
    #[error("COSE receipt: signature invalid")]
    SignatureInvalid,
    /// The proof has no checkpoint (a tlog-proof needs one).
    #[error("the inclusion proof carries no checkpoint")]
    NoCheckpoint,
    /// The checkpoint is not for the proof's tree size or the expected origin.
    #[error("checkpoint does not fit: {0}")]
    CheckpointMismatch(String),
    /// Signing failed, or the signer is not the log's key.
    #[error("signing: {0}")]
    Key(#[from] KeyError),
}

fn malformed(what: &'static str, reason: impl Into<String>) -> ReceiptError {
    ReceiptError::Malformed {
        what,
        reason: reason.into(),
    }
}

/// The root of the tree of `size` leaves that `path` leads to from `leaf`
/// at `index` (RFC 9162 §2.1.3.2, every check but the final comparison).
pub use super::merkle::root_from_inclusion;

fn proof_value(proof: &InclusionProof) -> Vec<u8> {
    Value::Array(vec![
        Value::Unsigned(proof.tree_size),
        Value::Unsigned(proof.leaf_index),
        Value::Array(
            proof
                .path
                .iter()
                .map(|h| Value::bytes(h.to_vec()))
                .collect(),
        ),
    ])
    .to_vec()
}

/// Writes a COSE Receipt for `entry` (an artifact's bytes) with its
/// inclusion `proof` in the tree of `proof.tree_size` leaves whose root is
/// `root` ([`TileLog::root_at`](super::TileLog::root_at)), signed by the
/// log key `signer`. The proof is checked first (entry, path and root), so
/// a receipt is never signed for a proof that does not hold. When
/// `log_key` is given, the signer must be that key.
pub fn cose_receipt(
    entry: &[u8],
    proof: &InclusionProof,
    root: &Hash,
    signer: &dyn Signer,
    log_key: Option<&PublicKey>,
) -> Result<Vec<u8>, ReceiptError> {
    let public = signer.public_key();
    if let Some(k) = log_key {
        if *k != public {
            return Err(KeyError::Signer("the signer is not the log's key".into()).into());
        }
    }
    verify_inclusion(
        &leaf_hash(entry),
        proof.leaf_index,
        proof.tree_size,
        &proof.path,
        root,
    )?;
    let protected = vec![
        (
            Value::int(cose::HDR_ALG),
            Value::int(public.algorithm().cose_id()),
        ),
        (
            Value::int(cose::HDR_KID),
            Value::bytes(public.kid().as_bytes().to_vec()),
        ),
        (Value::int(HDR_VDS), Value::Unsigned(VDS_RFC9162_SHA256)),
    ];
    let protected_bytes = Value::Map(protected).to_vec();
    let tbs = cose::sig_structure1(&protected_bytes, &[], root);
    let sig = check_signature(&public, &tbs, signer.sign(&tbs)?)?;
    let unprotected = Value::Map(vec![(
        Value::int(HDR_VDP),
        Value::Map(vec![(
            Value::int(VDP_INCLUSION),
            Value::Array(vec![Value::Bytes(proof_value(proof))]),
        )]),
    )]);
    Ok(Value::Tag(
        cose::TAG_SIGN1,
        Box::new(Value::Array(vec![
            Value::Bytes(protected_bytes),
            unprotected,
            Value::Null,
            Value::Bytes(sig),
        ])),
    )
    .to_vec())
}

/// What a verified COSE Receipt or tlog-proof proves; `ReceiptCheck` in
/// the skins (bytes in Kotlin, Swift and Python, hex in JSON and JavaScript).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReceiptCheck"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "ReceiptCheck"))]
pub struct ReceiptClaims {
    /// The size of the tree the log signed.
    pub tree_size: u64,
    /// The artifact's leaf index in it.
    pub leaf_index: u64,
    /// The Merkle tree root the log signed (JSON: 64 hex digits).
    #[serde(with = "crate::artifact::hex32")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub root: Hash,
}

/// Verifies a COSE Receipt for `entry` with the log's key: one
/// RFC9162_SHA256 inclusion proof, a detached payload, and a signature over
/// the root the proof leads to.
pub fn verify_cose_receipt(
    receipt: &[u8],
    entry: &[u8],
    log_key: &PublicKey,
) -> Result<ReceiptClaims, ReceiptError> {
    const W: &str = "COSE receipt";
    if receipt.len() > MAX_RECEIPT_SIZE {
        return Err(malformed(W, "over the size limit"));
    }
    let Value::Tag(cose::TAG_SIGN1, inner) = cbor::decode(receipt).map_err(CoseError::from)? else {
        return Err(malformed(W, "not a tagged COSE_Sign1 (tag 18)"));
    };
    let Value::Array(items) = *inner else {
        return Err(malformed(W, "not an array"));
    };
    let [p, u, payload, sig] =
        <[Value; 4]>::try_from(items).map_err(|_| malformed(W, "a COSE_Sign1 has four items"))?;
    if payload != Value::Null {
        return Err(malformed(
            W,
            "the payload must be detached (nil): it is the root",
        ));
    }
    let Value::Bytes(signature) = sig else {
        return Err(malformed(W, "signature is not a byte string"));
    };
    let headers = Headers::parse(&p, &u, W)?;
    match headers.get_protected(HDR_VDS) {
        Some(Value::Unsigned(VDS_RFC9162_SHA256)) => {}
        Some(other) => {
            return Err(malformed(
                W,
                format!("vds is {other:?}, only 1 (RFC9162_SHA256) is supported"),
            ))
        }
        None => return Err(malformed(W, "no vds (395) in the protected header")),
    }
    let Some(Value::Map(vdp)) = headers
        .unprotected
        .iter()
        .find_map(|(k, v)| (k.as_i64() == Some(HDR_VDP)).then_some(v))
    else {
        return Err(malformed(W, "no vdp (396) map in the unprotected header"));
    };
    let proofs = match vdp.as_slice() {
        [(k, Value::Array(a))] if k.as_i64() == Some(VDP_INCLUSION) => a,
        _ => {
            return Err(malformed(
                W,
                "vdp must hold exactly the inclusion proofs (-1)",
            ))
        }
    };
    let [Value::Bytes(proof)] = proofs.as_slice() else {
        return Err(malformed(W, "exactly one inclusion proof is supported"));
    };
    let Value::Array(fields) = cbor::decode(proof).map_err(CoseError::from)? else {
        return Err(malformed(W, "inclusion proof is not an array"));
    };
    let [Value::Unsigned(tree_size), Value::Unsigned(leaf_index), Value::Array(path)] =
        fields.as_slice()
    else {
        return Err(malformed(
            W,
            "inclusion proof must be [tree_size, leaf_index, [hashes]]",
        ));
    };
    if path.len() > MAX_PROOF_LEN {
        return Err(ProofError::TooLong {
            len: path.len(),
            max: MAX_PROOF_LEN,
        }
        .into());
    }
    let path = path
        .iter()
        .map(|h| match h {
            Value::Bytes(b) => <Hash>::try_from(b.as_slice())
                .map_err(|_| malformed(W, "a path hash is not 32 bytes")),
            _ => Err(malformed(W, "a path hash is not a byte string")),
        })
        .collect::<Result<Vec<Hash>, _>>()?;
    let root = root_from_inclusion(&leaf_hash(entry), *leaf_index, *tree_size, &path)?;
    let msg = Sign1 {
        headers,
        payload: root.to_vec(),
        signature,
    };
    msg.verify(log_key, &[]).map_err(|e| match e {
        CoseError::SignatureInvalid => ReceiptError::SignatureInvalid,
        other => ReceiptError::Cose(other),
    })?;
    Ok(ReceiptClaims {
        tree_size: *tree_size,
        leaf_index: *leaf_index,
        root,
    })
}

/// Writes a C2SP `tlog-proof@v1` for an inclusion proof that carries its
/// checkpoint, with optional opaque `extra` data.
pub fn tlog_proof(proof: &InclusionProof, extra: Option<&[u8]>) -> Result<String, ReceiptError> {
    let note = proof
        .checkpoint
        .as_deref()
        .ok_or(ReceiptError::NoCheckpoint)?;
    let cp = Checkpoint::from_text(note_body(note))?;
    if cp.size != proof.tree_size {
        return Err(ReceiptError::CheckpointMismatch(format!(
            "checkpoint of size {}, proof for size {}",
            cp.size, proof.tree_size
        )));
    }
    let mut out = format!("{TLOG_PROOF_HEADER}\n");
    if let Some(e) = extra {
        out.push_str(&format!("extra {}\n", b64_encode(e)));
    }
    out.push_str(&format!("index {}\n", proof.leaf_index));
    for h in &proof.path {
        out.push_str(&b64_encode(h));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(note);
    Ok(out)
}

/// The checkpoint body of a signed note (everything before the blank line).
fn note_body(note: &str) -> &str {
    match note.find("\n\n") {
        Some(i) => &note[..=i],
        None => note,
    }
}

/// A parsed `tlog-proof@v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// The opaque extra data, if any (not authenticated).
    pub extra: Option<Vec<u8>>,
    /// The inclusion proof, with the checkpoint note.
    pub proof: InclusionProof,
}

/// Reads a `tlog-proof@v1` strictly: the header line, an optional `extra`
/// line, `index N` (decimal, no leading zeros), one base64 hash per line,
/// an empty line, then the checkpoint note (its tree size is the proof's).
pub fn parse_tlog_proof(text: &str) -> Result<TlogProof, ReceiptError> {
    const W: &str = "tlog-proof";
    if text.len() > MAX_RECEIPT_SIZE {
        return Err(malformed(W, "over the size limit"));
    }
    let (head, note) = text
        .split_once("\n\n")
        .ok_or_else(|| malformed(W, "no empty line before the checkpoint"))?;
    let mut lines = head.split('\n');
    if lines.next() != Some(TLOG_PROOF_HEADER) {
        return Err(malformed(
            W,
            format!("first line must be {TLOG_PROOF_HEADER}"),
        ));
    }
    let mut line = lines.next();
    let mut extra = None;
    if let Some(e) = line.and_then(|l| l.strip_prefix("extra ")) {
        extra = Some(b64_decode(e).ok_or_else(|| malformed(W, "extra is not base64"))?);
        line = lines.next();
    }
    let index = line
        .and_then(|l| l.strip_prefix("index "))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter(|n| *n == "0" || !n.starts_with('0'))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| malformed(W, "missing or malformed index line"))?;
    let mut path = Vec::new();
    for l in lines {
        let h = b64_decode(l)
            .and_then(|b| <Hash>::try_from(b.as_slice()).ok())
            .ok_or_else(|| malformed(W, format!("{l:?} is not a base64 SHA-256 hash")))?;
        if path.len() == MAX_PROOF_LEN {
            return Err(ProofError::TooLong {
                len: path.len() + 1,
                max: MAX_PROOF_LEN,
            }
            .into());
        }
        path.push(h);
    }
    let cp = Checkpoint::from_text(note_body(note))?;
    Ok(TlogProof {
        extra,
        proof: InclusionProof {
            leaf_index: index,
            tree_size: cp.size,
            path,
            checkpoint: Some(note.to_owned()),
        },
    })
}

/// Verifies a `tlog-proof@v1` for `entry`: the checkpoint must be signed
/// by `verifier` (origin = its key name) and the proof must lead from the
/// entry to the checkpoint's root. Returns the checkpoint.
pub fn verify_tlog_proof(
    text: &str,
    entry: &[u8],
    verifier: &NoteVerifier,
) -> Result<Checkpoint, ReceiptError> {
    let p = parse_tlog_proof(text)?;
    p.proof
        .verify_with_checkpoint(entry, verifier)
        .map_err(|e| ReceiptError::CheckpointMismatch(e.to_string()))
}
