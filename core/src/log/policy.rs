//! Transparency log trust policies in the C2SP tlog-policy text format
//! (`c2sp.org/tlog-policy`): known logs, known witnesses, witness groups
//! and the quorum a checkpoint's cosignatures must meet.
//!
//! ```text
//! # comments and blank lines are ignored
//! log <vkey> [<url>]
//! witness <name> <vkey> [<url>]
//! group <name> all|any|<k> <name>...
//! quorum <name>|none
//! ```
//!
//! Log vkeys are Ed25519 note keys (type 0x01) named by the log's origin;
//! witness vkeys are Ed25519 `cosignature/v1` keys (type 0x04). Groups and
//! the quorum may only name witnesses and groups defined on earlier lines;
//! each name is a member of a group at most once; exactly one quorum line.
//! Names are compared as exact byte strings. consentkit reads policies as
//! UTF-8 (the spec allows any octets above 0x7F; only UTF-8 ones are
//! accepted here).

use std::collections::HashMap;

use super::cosignature::{parse_vkey, CosignerVerifier, VerifiedCosignature};
use super::note::{Checkpoint, NoteError, NoteVerifier, SignedNote, NOTE_ED25519};

/// Most logs, witnesses and groups accepted in one policy (each).
pub const MAX_POLICY_ENTRIES: usize = 256;

/// Largest policy file accepted, in bytes.
pub const MAX_POLICY_SIZE: usize = 256 * 1024;

/// What was wrong with a policy, or why a checkpoint does not satisfy it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A policy line that does not follow the format.
    #[error("policy line {line}: {reason}")]
    Syntax {
        /// The 1-based line number (0 for the whole file).
        line: usize,
        /// What was wrong.
        reason: String,
    },
    /// The checkpoint is not a valid signed note, or a known key's
    /// signature or cosignature on it is invalid.
    #[error("{0}")]
    Note(#[from] NoteError),
    /// No log of the policy has the checkpoint's origin.
    #[error("checkpoint origin {origin:?} is not a log of the policy")]
    UnknownLog {
        /// The checkpoint's origin.
        origin: String,
    },
    /// The checkpoint's valid cosignatures do not meet the quorum.
    #[error("the witness quorum {quorum} is not met (valid cosignatures from: {})", if cosigners.is_empty() { "none".to_owned() } else { cosigners.join(", ") })]
    QuorumNotMet {
        /// The quorum's name.
        quorum: String,
        /// The policy names of the witnesses that did cosign.
        cosigners: Vec<String>,
    },
}

/// A log of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    /// The log's key (its name is the log's origin).
    pub verifier: NoteVerifier,
    /// Its URL, if given.
    pub url: Option<String>,
}

/// A witness of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    /// Its name in the policy (local to the policy file).
    pub name: String,
    /// Its cosigner key.
    pub verifier: CosignerVerifier,
    /// Its submission prefix URL, if given.
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Witness(usize),
    Group {
        name: String,
        threshold: usize,
        members: Vec<usize>,
    },
}

/// A parsed tlog-policy (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    nodes: Vec<Node>,
    /// The quorum node; `None` for `quorum none`.
    quorum: Option<usize>,
}

/// A checkpoint that satisfies a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The valid cosignatures of the policy's witnesses, by witness policy
    /// name, in the order of the policy's witness lines.
    pub cosignatures: Vec<(String, VerifiedCosignature)>,
}

impl WitnessedCheckpoint {
    /// The latest cosignature time, if any witness cosigned: the checkpoint
    /// existed, as the largest tree its witnesses had seen, at that time.
    pub fn latest_cosignature_time(&self) -> Option<u64> {
        self.cosignatures.iter().map(|(_, c)| c.timestamp).max()
    }

    /// The earliest cosignature time, if any witness cosigned.
    pub fn earliest_cosignature_time(&self) -> Option<u64> {
        self.cosignatures.iter().map(|(_, c)| c.timestamp).min()
    }
}

fn syntax(line: usize, reason: impl Into<String>) -> PolicyError {
    PolicyError::Syntax {
        line,
        reason: reason.into(),
    }
}

impl Policy {
    /// Parses a policy file strictly (see the module docs).
    pub fn parse(text: &[u8]) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_SIZE {
            return Err(syntax(
                0,
                format!(
                    "{} bytes, over the {MAX_POLICY_SIZE}-byte limit",
                    text.len()
                ),
            ));
        }
        if let Some(i) = text
            .iter()
            .position(|&b| (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f)
        {
            let line = text[..i].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(syntax(line, format!("control character {:#04x}", text[i])));
        }
        let text = std::str::from_utf8(text).map_err(|e| {
            let line = text[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            syntax(line, "not UTF-8")
        })?;
        let mut p = Policy {
            logs: Vec::new(),
            witnesses: Vec::new(),
            nodes: Vec::new(),
            quorum: None,
        };
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut quorum_seen = false;
        let mut groups = 0usize;
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            let words: Vec<&str> = raw.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            let Some((&kw, args)) = words.split_first() else {
                continue;
            };
            if kw.starts_with('#') {
                continue;
            }
            match kw {
                "log" => {
                    let (vkey, url) = match args {
                        [v] => (*v, None),
                        [v, u] => (*v, Some((*u).to_owned())),
                        _ => return Err(syntax(n, "expected: log <vkey> [<url>]")),
                    };
                    let verifier = NoteVerifier::from_vkey(vkey)
                        .map_err(|e| syntax(n, format!("log key: {e}")))?;
                    if p.logs
                        .iter()
                        .any(|l| l.verifier.public_key() == verifier.public_key())
                    {
                        return Err(syntax(n, "duplicate log key"));
                    }
                    if p.logs.len() == MAX_POLICY_ENTRIES {
                        return Err(syntax(n, format!("more than {MAX_POLICY_ENTRIES} logs")));
                    }
                    p.logs.push(PolicyLog { verifier, url });
                }
                "witness" => {
                    let (name, vkey, url) = match args {
                        [name, v] => (*name, *v, None),
                        [name, v, u] => (*name, *v, Some((*u).to_owned())),
                        _ => return Err(syntax(n, "expected: witness <name> <vkey> [<url>]")),
                    };
                    check_new_name(&names, name, n)?;
                    let verifier = match parse_vkey(vkey) {
                        Ok((_, NOTE_ED25519, _)) => {
                            return Err(syntax(
                                n,
                                "witness key has signature type 0x01 (a log key); cosigner keys have type 0x04",
                            ))
                        }
                        _ => CosignerVerifier::from_vkey(vkey)
                            .map_err(|e| syntax(n, format!("witness key: {e}")))?,
                    };
                    if p.witnesses
                        .iter()
                        .any(|w| w.verifier.public_key() == verifier.public_key())
                    {
                        return Err(syntax(n, "duplicate witness key"));
                    }
                    if p.witnesses.len() == MAX_POLICY_ENTRIES {
                        return Err(syntax(
                            n,
                            format!("more than {MAX_POLICY_ENTRIES} witnesses"),
                        ));
                    }
                    names.insert(name.to_owned(), p.nodes.len());
                    p.nodes.push(Node::Witness(p.witnesses.len()));
                    p.witnesses.push(PolicyWitness {
                        name: name.to_owned(),
                        verifier,
                        url,
                    });
                }
                "group" => {
                    let [name, k, members @ ..] = args else {
                        return Err(syntax(n, "expected: group <name> all|any|<k> <name>..."));
                    };
                    check_new_name(&names, name, n)?;
                    if members.is_empty() {
                        return Err(syntax(n, "a group needs at least one member"));
                    }
                    let mut ids = Vec::new();
                    for m in members {
                        let id = *names.get(*m).ok_or_else(|| {
                            syntax(n, format!("{m:?} is not defined on an earlier line"))
                        })?;
                        if ids.contains(&id) {
                            return Err(syntax(n, format!("{m:?} is listed twice")));
                        }
                        ids.push(id);
                    }
                    let threshold = match *k {
                        "all" => ids.len(),
                        "any" => 1,
                        k => {
                            let ok = !k.is_empty()
                                && k.bytes().all(|c| c.is_ascii_digit())
                                && !k.starts_with('0');
                            let t =
                                ok.then(|| k.parse::<usize>().ok())
                                    .flatten()
                                    .ok_or_else(|| {
                                        syntax(
                                            n,
                                            format!(
                                            "threshold {k:?} is not all, any or a decimal number"
                                        ),
                                        )
                                    })?;
                            if t > ids.len() {
                                return Err(syntax(
                                    n,
                                    format!(
                                        "threshold {t} is larger than the {} members",
                                        ids.len()
                                    ),
                                ));
                            }
                            t
                        }
                    };
                    groups += 1;
                    if groups > MAX_POLICY_ENTRIES {
                        return Err(syntax(n, format!("more than {MAX_POLICY_ENTRIES} groups")));
                    }
                    names.insert((*name).to_owned(), p.nodes.len());
                    p.nodes.push(Node::Group {
                        name: (*name).to_owned(),
                        threshold,
                        members: ids,
                    });
                }
                "quorum" => {
                    let [name] = args else {
                        return Err(syntax(n, "expected: quorum <name>"));
                    };
                    if quorum_seen {
                        return Err(syntax(n, "a second quorum line"));
                    }
                    quorum_seen = true;
                    p.quorum = match *name {
                        "none" => None,
                        name => Some(*names.get(name).ok_or_else(|| {
                            syntax(n, format!("{name:?} is not defined on an earlier line"))
                        })?),
                    };
                }
                other => return Err(syntax(n, format!("unknown keyword {other:?}"))),
            }
        }
        if !quorum_seen {
            return Err(syntax(0, "no quorum line"));
        }
        Ok(p)
    }

    /// The policy's logs.
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    /// The policy's witnesses.
    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// The quorum's name (`none` when no cosignature is required).
    pub fn quorum_name(&self) -> &str {
        match self.quorum.and_then(|q| self.nodes.get(q)) {
            None => "none",
            Some(Node::Witness(w)) => self.witnesses.get(*w).map_or("none", |w| w.name.as_str()),
            Some(Node::Group { name, .. }) => name,
        }
    }

    /// The log keys for an origin.
    pub fn log_verifiers(&self, origin: &str) -> Vec<NoteVerifier> {
        self.logs
            .iter()
            .filter(|l| l.verifier.name() == origin)
            .map(|l| l.verifier.clone())
            .collect()
    }

    /// Whether the witnesses at these indices (into [`Policy::witnesses`])
    /// meet the quorum.
    pub fn quorum_met(&self, cosigned: &[usize]) -> bool {
        let Some(q) = self.quorum else {
            return true;
        };
        // Nodes only refer to earlier nodes: evaluate in order.
        let mut ok = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let v = match node {
                Node::Witness(w) => cosigned.contains(w),
                Node::Group {
                    threshold, members, ..
                } => {
                    members
                        .iter()
                        .filter(|&&m| ok.get(m).copied().unwrap_or(false))
                        .count()
                        >= *threshold
                }
            };
            ok.push(v);
        }
        ok.get(q).copied().unwrap_or(false)
    }

    /// Verifies the cosignatures of the policy's witnesses on a checkpoint
    /// note text. Signature lines by other keys are ignored; one by a
    /// witness's key that does not verify rejects the note.
    pub fn cosignatures(
        &self,
        note: &SignedNote,
    ) -> Result<Vec<(usize, VerifiedCosignature)>, PolicyError> {
        let mut out: Vec<(usize, VerifiedCosignature)> = Vec::new();
        for sig in note.signatures() {
            for (i, w) in self.witnesses.iter().enumerate() {
                if let Some(c) = w.verifier.verify(note.text(), sig)? {
                    if !out.iter().any(|(j, _)| *j == i) {
                        out.push((i, c));
                    }
                }
            }
        }
        crate::sort::sort_by_key(&mut out, |(i, _)| *i);
        Ok(out)
    }

    /// Verifies a signed checkpoint against the policy: a valid signature
    /// by a log of the policy whose name is the checkpoint's origin, and
    /// valid cosignatures that meet the quorum.
    pub fn verify_checkpoint(&self, note: &[u8]) -> Result<WitnessedCheckpoint, PolicyError> {
        let n = SignedNote::parse(note)?;
        let checkpoint = Checkpoint::from_text(n.text())?;
        let logs = self.log_verifiers(&checkpoint.origin);
        if logs.is_empty() {
            return Err(PolicyError::UnknownLog {
                origin: checkpoint.origin,
            });
        }
        n.verify(&logs)?;
        let cos = self.cosignatures(&n)?;
        let idx: Vec<usize> = cos.iter().map(|(i, _)| *i).collect();
        let named: Vec<(String, VerifiedCosignature)> = cos
            .into_iter()
            .filter_map(|(i, c)| self.witnesses.get(i).map(|w| (w.name.clone(), c)))
            .collect();
        if !self.quorum_met(&idx) {
            return Err(PolicyError::QuorumNotMet {
                quorum: self.quorum_name().to_owned(),
                cosigners: named.into_iter().map(|(n, _)| n).collect(),
            });
        }
        Ok(WitnessedCheckpoint {
            checkpoint,
            cosignatures: named,
        })
    }
}

fn check_new_name(
    names: &HashMap<String, usize>,
    name: &str,
    line: usize,
) -> Result<(), PolicyError> {
    if name == "none" {
        return Err(syntax(line, "the name none is reserved"));
    }
    if names.contains_key(name) {
        return Err(syntax(line, format!("{name:?} is already defined")));
    }
    Ok(())
}
