//! A transparency log witness (`c2sp.org/tlog-witness`, `add-checkpoint`)
//! and the log side of the protocol, without the HTTP transport (the CLI's
//! `consentkit witness serve` and `consentkit log publish` carry it).
//!
//! [`Witness::add_checkpoint`] takes an `add-checkpoint` request body and
//! answers exactly as the specification says:
//!
//! | outcome | status |
//! |---|---|
//! | malformed body, or old size larger than the checkpoint's | 400 |
//! | no log signature by a key the witness trusts for the origin, or an invalid one | 403 |
//! | origin not followed | 404 |
//! | old size is not the size the witness last cosigned (body: that size, `text/x.tlog.size`) | 409 |
//! | size 0 with another root than the empty tree's; a proof from old size 0; a consistency proof that does not verify; same size, other root | 422 |
//! | cosigned: the new state is written durably first (temporary file, fsync, rename, directory fsync) | 200, `cosignature/v1` lines |
//!
//! The check against the stored state and the write of the new state hold
//! one lock, so two requests cannot roll the state back.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ring::digest::{digest, SHA256};

use crate::keys::Signer;

use super::cosignature::{cosign, CosignerVerifier};
use super::merkle::{verify_consistency, EMPTY_ROOT, MAX_PROOF_LEN};
use super::note::{
    b64_decode, b64_encode, Checkpoint, NoteError, NoteSignature, NoteVerifier, SignedNote,
    MAX_NOTE_SIZE,
};
use super::policy::{Policy, PolicyError, WitnessedCheckpoint};
use super::store::TileLog;
use super::{Hash, LogError};

/// Most consistency proof lines in a request (the spec's limit).
pub const MAX_REQUEST_PROOF_LINES: usize = 63;

/// Largest `add-checkpoint` request body accepted.
pub const MAX_REQUEST_SIZE: usize = MAX_NOTE_SIZE + 64 * 46 + 32;

/// The content type of a 409 answer's body.
pub const TLOG_SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// An `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    /// The size of the checkpoint the witness last cosigned, as the client believes.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

impl AddCheckpointRequest {
    /// The request body: `old <size>\n`, a base64 hash per line, a blank
    /// line, the signed checkpoint.
    pub fn to_body(&self) -> String {
        let mut out = format!("old {}\n", self.old_size);
        for h in &self.proof {
            out.push_str(&b64_encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a request body strictly; every error is a 400.
    pub fn parse(body: &[u8]) -> Result<AddCheckpointRequest, WitnessRefusal> {
        let bad = |r: &str| WitnessRefusal::Malformed(r.to_owned());
        if body.len() > MAX_REQUEST_SIZE {
            return Err(bad("request body too large"));
        }
        let s = std::str::from_utf8(body).map_err(|_| bad("body is not UTF-8"))?;
        let (first, mut rest) = s.split_once('\n').ok_or_else(|| bad("no old size line"))?;
        let old = first
            .strip_prefix("old ")
            .ok_or_else(|| bad("first line is not `old <size>`"))?;
        let old_size = parse_decimal(old)
            .ok_or_else(|| bad("old size is not a decimal number without leading zeros"))?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest
                .split_once('\n')
                .ok_or_else(|| bad("no blank line before the checkpoint"))?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_REQUEST_PROOF_LINES {
                return Err(bad("more than 63 consistency proof lines"));
            }
            let h = b64_decode(line)
                .and_then(|h| <Hash>::try_from(h.as_slice()).ok())
                .ok_or_else(|| bad("a proof line is not the base64 of 32 bytes"))?;
            proof.push(h);
        }
        SignedNote::parse(rest.as_bytes())
            .map_err(|e| WitnessRefusal::Malformed(format!("checkpoint: {e}")))?;
        Ok(AddCheckpointRequest {
            old_size,
            proof,
            checkpoint: rest.to_owned(),
        })
    }
}

fn parse_decimal(s: &str) -> Option<u64> {
    let ok =
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

/// Why a witness did not cosign; [`WitnessRefusal::status`] is the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessRefusal {
    /// The request is malformed, or its old size is larger than the checkpoint's (400).
    #[error("malformed request: {0}")]
    Malformed(String),
    /// No valid signature by a key the witness trusts for the origin (403).
    #[error("no valid signature by a key trusted for origin {origin:?}")]
    BadSignature {
        /// The checkpoint's origin.
        origin: String,
    },
    /// The witness does not follow the origin (404).
    #[error("unknown origin {origin:?}")]
    UnknownOrigin {
        /// The checkpoint's origin.
        origin: String,
    },
    /// The old size is not the size the witness last cosigned (409).
    #[error("the witness last cosigned tree size {size}")]
    Conflict {
        /// The size the witness last cosigned (0 if never).
        size: u64,
    },
    /// The checkpoint is not consistent with what the witness saw (422).
    #[error("inconsistent: {0}")]
    Inconsistent(String),
    /// The witness could not persist its state (500; nothing was cosigned).
    #[error("witness storage: {0}")]
    Storage(String),
}

impl WitnessRefusal {
    /// The HTTP status code of the refusal.
    pub fn status(&self) -> u16 {
        match self {
            WitnessRefusal::Malformed(_) => 400,
            WitnessRefusal::BadSignature { .. } => 403,
            WitnessRefusal::UnknownOrigin { .. } => 404,
            WitnessRefusal::Conflict { .. } => 409,
            WitnessRefusal::Inconsistent(_) => 422,
            WitnessRefusal::Storage(_) => 500,
        }
    }

    /// The content type and body of the HTTP answer.
    pub fn body(&self) -> (&'static str, String) {
        match self {
            WitnessRefusal::Conflict { size } => (TLOG_SIZE_CONTENT_TYPE, format!("{size}\n")),
            other => ("text/plain; charset=utf-8", format!("{other}\n")),
        }
    }
}

/// A witness: its name and key, the logs it follows, and the latest
/// checkpoint it cosigned for each, kept in a state directory (one file per
/// origin, named by the SHA-256 of the origin in lowercase hex, holding the
/// cosigned checkpoint note).
pub struct Witness {
    name: String,
    signer: Box<dyn Signer>,
    verifier: CosignerVerifier,
    logs: HashMap<String, Vec<NoteVerifier>>,
    dir: PathBuf,
    state: Mutex<HashMap<String, (Checkpoint, String)>>,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Witness({})", self.verifier.to_vkey())
    }
}

/// The state file of an origin, relative to the state directory.
pub fn origin_hash(origin: &str) -> String {
    hex::encode(digest(&SHA256, origin.as_bytes()))
}

impl Witness {
    /// A witness named `name` (its cosigner key name) signing with an
    /// Ed25519 `signer`, following the `log` lines of `logs` (a tlog-policy;
    /// its witnesses and quorum are not used), keeping its state in `dir`
    /// (created if absent). State files are checked on opening: each must
    /// hold a checkpoint of a followed origin, signed by its log and
    /// cosigned by this witness.
    pub fn open(
        dir: &Path,
        name: &str,
        signer: Box<dyn Signer>,
        logs: &Policy,
    ) -> Result<Witness, LogError> {
        let verifier = CosignerVerifier::ed25519(name, &signer.public_key())?;
        let mut map: HashMap<String, Vec<NoteVerifier>> = HashMap::new();
        for l in logs.logs() {
            map.entry(l.verifier.name().to_owned())
                .or_default()
                .push(l.verifier.clone());
        }
        fs::create_dir_all(dir).map_err(|e| LogError::io(dir, e))?;
        let mut state = HashMap::new();
        for (origin, keys) in &map {
            let path = dir.join(origin_hash(origin));
            if !path.is_file() {
                continue;
            }
            let bytes = super::tiles::read_bounded(&path, MAX_NOTE_SIZE)?;
            let bad = |reason: String| LogError::Corrupt {
                path: path.clone(),
                reason,
            };
            let note = SignedNote::parse(&bytes).map_err(|e| bad(e.to_string()))?;
            note.verify(keys).map_err(|e| bad(e.to_string()))?;
            let cp = Checkpoint::from_text(note.text()).map_err(|e| bad(e.to_string()))?;
            let mine = note
                .signatures()
                .iter()
                .any(|s| matches!(verifier.verify(note.text(), s), Ok(Some(_))));
            if cp.origin != *origin || !mine {
                return Err(bad(
                    "not a checkpoint of this origin cosigned by this witness".into(),
                ));
            }
            state.insert(origin.clone(), (cp, note.to_text()));
        }
        Ok(Witness {
            name: name.to_owned(),
            signer,
            verifier,
            logs: map,
            dir: dir.to_path_buf(),
            state: Mutex::new(state),
        })
    }

    /// The witness's cosigner verifier key.
    pub fn verifier(&self) -> &CosignerVerifier {
        &self.verifier
    }

    /// The latest cosigned checkpoint of an origin (log signatures and this
    /// witness's cosignature), for the monitoring endpoint.
    pub fn latest(&self, origin_hash_hex: &str) -> Option<String> {
        let state = self.state.lock().ok()?;
        state
            .iter()
            .find(|(o, _)| origin_hash(o) == origin_hash_hex)
            .map(|(_, (_, note))| note.clone())
    }

    /// [`Witness::add_checkpoint`] answered as the HTTP endpoint answers it
    /// (`consentkit witness serve`): 200 with the cosignature lines as
    /// `text/plain`, or the refusal's status, content type and body. What
    /// [`witness_checkpoint`]'s `post` returns when the witness runs in
    /// process (tests, fixtures).
    pub fn reply(&self, body: &[u8], now: u64) -> WitnessReply {
        match self.add_checkpoint(body, now) {
            Ok(lines) => WitnessReply {
                status: 200,
                content_type: Some("text/plain".into()),
                body: lines.into_bytes(),
            },
            Err(e) => {
                let (content_type, body) = e.body();
                WitnessReply {
                    status: e.status(),
                    content_type: Some(content_type.into()),
                    body: body.into_bytes(),
                }
            }
        }
    }

    /// Handles an `add-checkpoint` request body at time `now` (POSIX
    /// seconds). Returns the cosignature lines, or why it refused.
    pub fn add_checkpoint(&self, body: &[u8], now: u64) -> Result<String, WitnessRefusal> {
        let req = AddCheckpointRequest::parse(body)?;
        let note = SignedNote::parse(req.checkpoint.as_bytes())
            .map_err(|e| WitnessRefusal::Malformed(format!("checkpoint: {e}")))?;
        let cp = Checkpoint::from_text(note.text())
            .map_err(|e| WitnessRefusal::Malformed(format!("checkpoint: {e}")))?;
        let keys = self
            .logs
            .get(&cp.origin)
            .ok_or_else(|| WitnessRefusal::UnknownOrigin {
                origin: cp.origin.clone(),
            })?;
        let verified = note
            .verify(keys)
            .map_err(|_| WitnessRefusal::BadSignature {
                origin: cp.origin.clone(),
            })?;
        if req.old_size > cp.size {
            return Err(WitnessRefusal::Malformed(format!(
                "old size {} is larger than the checkpoint's size {}",
                req.old_size, cp.size
            )));
        }
        let mut state = self
            .state
            .lock()
            .map_err(|_| WitnessRefusal::Storage("state lock poisoned".into()))?;
        let stored = state.get(&cp.origin).map(|(c, _)| c.clone());
        let stored_size = stored.as_ref().map_or(0, |c| c.size);
        if req.old_size != stored_size {
            return Err(WitnessRefusal::Conflict { size: stored_size });
        }
        if cp.size == 0 && cp.root != EMPTY_ROOT {
            return Err(WitnessRefusal::Inconsistent(
                "a checkpoint of size 0 must have the empty tree's root".into(),
            ));
        }
        match &stored {
            None | Some(Checkpoint { size: 0, .. }) if !req.proof.is_empty() => {
                return Err(WitnessRefusal::Inconsistent(
                    "a consistency proof from size 0 must be empty".into(),
                ))
            }
            None | Some(Checkpoint { size: 0, .. }) => {}
            Some(old) => {
                if req.proof.len() > MAX_PROOF_LEN {
                    return Err(WitnessRefusal::Inconsistent("proof too long".into()));
                }
                verify_consistency(old.size, cp.size, &old.root, &cp.root, &req.proof)
                    .map_err(|e| WitnessRefusal::Inconsistent(e.to_string()))?;
            }
        }
        let sig = cosign(&cp, &self.name, self.signer.as_ref(), now)
            .map_err(|e| WitnessRefusal::Storage(format!("cosigning failed: {e}")))?;
        // Keep the log signatures that verified, then ours.
        let mut sigs: Vec<NoteSignature> = note
            .signatures()
            .iter()
            .filter(|s| {
                verified
                    .iter()
                    .any(|v| v.name() == s.name && v.key_id() == s.key_id)
            })
            .cloned()
            .collect();
        sigs.push(sig.clone());
        let cosigned = SignedNote::new(note.text(), sigs)
            .map_err(|e| WitnessRefusal::Storage(e.to_string()))?
            .to_text();
        write_durably(&self.dir.join(origin_hash(&cp.origin)), cosigned.as_bytes())
            .map_err(|e| WitnessRefusal::Storage(e.to_string()))?;
        state.insert(cp.origin.clone(), (cp, cosigned));
        Ok(sig.to_line())
    }
}

/// Writes a file durably: temporary name, fsync, rename, fsync of the directory.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        // Written and synced, then closed (at the end of this block) before the rename.
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    #[cfg(unix)]
    File::open(parent)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = parent;
    Ok(())
}

// ------------------------------------------------------------------ log side

/// A witness's answer to an `add-checkpoint` request, as the log sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessReply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Carries an `add-checkpoint` request body to a witness's submission
/// prefix URL and returns its answer, or why it could not be reached.
pub type PostFn<'a> = dyn FnMut(&str, &[u8]) -> Result<WitnessReply, String> + 'a;

/// What happened with one witness during [`witness_checkpoint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WitnessOutcome {
    /// The witness cosigned (verified with its policy key); the time it gave.
    Cosigned {
        /// The witness's policy name.
        witness: String,
        /// Its cosignature time.
        timestamp: u64,
    },
    /// The witness refused or could not be reached.
    Failed {
        /// The witness's policy name.
        witness: String,
        /// Why.
        reason: String,
    },
}

/// The result of [`witness_checkpoint`].
#[derive(Clone, Debug)]
pub struct PublishReport {
    /// One outcome per witness of the policy that has a URL.
    pub outcomes: Vec<WitnessOutcome>,
    /// The cosigned checkpoint, when the quorum is met (and then written to
    /// the log: `checkpoint` and its archive copy).
    pub witnessed: Option<WitnessedCheckpoint>,
    /// Why the quorum was not met, otherwise.
    pub quorum_error: Option<PolicyError>,
}

/// Sends the log's latest checkpoint to every witness of `policy` that has
/// a URL, with a consistency proof from the size each witness last
/// cosigned (remembered in `known_sizes`, by witness policy name, updated
/// here; on a 409 the size the witness names is taken and the request is
/// sent once more). `post(url, body)` carries the request to
/// `<url>/add-checkpoint`. Cosignatures are verified with the policy's
/// keys; when they meet the quorum, the checkpoint with the cosignatures is
/// written to the log ([`TileLog::add_cosignatures`]).
pub fn witness_checkpoint(
    log: &mut TileLog,
    policy: &Policy,
    known_sizes: &mut HashMap<String, u64>,
    post: &mut PostFn<'_>,
) -> Result<PublishReport, LogError> {
    let note = log.checkpoint_note().to_owned();
    let parsed = SignedNote::parse(note.as_bytes())?;
    let cp = log.checkpoint().clone();
    let mut outcomes = Vec::new();
    let mut cosigs: Vec<NoteSignature> = Vec::new();
    for w in policy.witnesses() {
        let Some(url) = &w.url else { continue };
        let mut old = known_sizes.get(&w.name).copied().unwrap_or(0);
        let mut outcome = None;
        for _attempt in 0..2 {
            if old > cp.size {
                outcome = Some(Err(format!(
                    "the witness has cosigned tree size {old}, larger than the log's {}: it saw another view of the log",
                    cp.size
                )));
                break;
            }
            let proof = if old == 0 || old == cp.size {
                Vec::new()
            } else {
                log.consistency_proof(old, cp.size)?.path
            };
            let body = AddCheckpointRequest {
                old_size: old,
                proof,
                checkpoint: note.clone(),
            }
            .to_body();
            let reply = match post(url, body.as_bytes()) {
                Ok(r) => r,
                Err(e) => {
                    outcome = Some(Err(e));
                    break;
                }
            };
            match reply.status {
                200 => {
                    outcome = Some(parse_cosignatures(&parsed, w, &reply.body));
                    break;
                }
                409 => {
                    let size = (reply.content_type.as_deref() == Some(TLOG_SIZE_CONTENT_TYPE))
                        .then(|| std::str::from_utf8(&reply.body).ok())
                        .flatten()
                        .and_then(|b| b.strip_suffix('\n'))
                        .and_then(parse_decimal);
                    match size {
                        Some(s) if s != old => old = s,
                        _ => {
                            outcome =
                                Some(Err("409 without a usable text/x.tlog.size body".into()));
                            break;
                        }
                    }
                }
                status => {
                    let text = String::from_utf8_lossy(&reply.body);
                    outcome = Some(Err(format!("HTTP {status}: {}", text.trim_end())));
                    break;
                }
            }
        }
        match outcome.unwrap_or_else(|| Err("the witness answered 409 twice".into())) {
            Ok((sig, timestamp)) => {
                known_sizes.insert(w.name.clone(), cp.size);
                cosigs.push(sig);
                outcomes.push(WitnessOutcome::Cosigned {
                    witness: w.name.clone(),
                    timestamp,
                });
            }
            Err(reason) => {
                if let Some(s) = Some(old).filter(|&s| s != 0) {
                    known_sizes.insert(w.name.clone(), s);
                }
                outcomes.push(WitnessOutcome::Failed {
                    witness: w.name.clone(),
                    reason,
                })
            }
        }
    }
    let mut sigs = parsed.signatures().to_vec();
    for s in cosigs {
        if !sigs.contains(&s) {
            sigs.push(s);
        }
    }
    let candidate = SignedNote::new(parsed.text(), sigs)?.to_text();
    match policy.verify_checkpoint(candidate.as_bytes()) {
        Ok(witnessed) => {
            log.add_cosignatures(&candidate)?;
            Ok(PublishReport {
                outcomes,
                witnessed: Some(witnessed),
                quorum_error: None,
            })
        }
        Err(e) => Ok(PublishReport {
            outcomes,
            witnessed: None,
            quorum_error: Some(e),
        }),
    }
}

/// Parses a 200 body: signature lines; keeps the one by `w`, verified.
fn parse_cosignatures(
    note: &SignedNote,
    w: &super::policy::PolicyWitness,
    body: &[u8],
) -> Result<(NoteSignature, u64), String> {
    // Per the spec: concatenate the lines to the checkpoint and parse as a note.
    let mut text = note.text().to_owned();
    text.push('\n');
    let body =
        std::str::from_utf8(body).map_err(|_| "cosignature lines are not UTF-8".to_owned())?;
    text.push_str(body);
    let n = SignedNote::parse(text.as_bytes()).map_err(|e| format!("cosignature lines: {e}"))?;
    for s in n.signatures() {
        match w.verifier.verify(n.text(), s) {
            Ok(Some(c)) => return Ok((s.clone(), c.timestamp)),
            Ok(None) => {}
            Err(e) => return Err(format!("cosignature: {e}")),
        }
    }
    Err(format!(
        "no cosignature by the policy's key {} in the answer",
        w.verifier.to_vkey()
    ))
}

impl From<NoteError> for WitnessRefusal {
    fn from(e: NoteError) -> WitnessRefusal {
        WitnessRefusal::Malformed(e.to_string())
    }
}
