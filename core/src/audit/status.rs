//! Holding the controllers' Status List Tokens against the withdrawals in
//! the bundle (`stale_status`).
//!
//! A Status List Token states each grant's status at its `iat`. A
//! controller has `ttl` seconds to reflect a withdrawal (that is how long
//! partners may cache the previous list anyway). A token that still says
//! VALID for a grant that ended (withdrawal or revocation taking effect, or
//! a later refusal of the same offer) more than `ttl` seconds before the
//! token's `iat` told partners a withdrawn grant stands: a finding against
//! the controller. A token without `ttl` is given no grace (it claims to be
//! current at its `iat`). SUSPENDED and INVALID are not findings.

use super::{FindingKind, State};
use crate::artifact::ArtifactKind;
use crate::status::{Status, StatusError, StatusListToken};

impl State<'_> {
    pub(super) fn status_lists(&mut self, tokens: &[Vec<u8>]) {
        let mut ids: Vec<_> = self.linked.grants.keys().copied().collect();
        crate::sort::sort(&mut ids);
        // The lists given (numbered from 1, in the order given), then those
        // logged that were not given (named by their log index): each
        // distinct token is held against the withdrawals once.
        let mut all: Vec<(String, &[u8])> = tokens
            .iter()
            .enumerate()
            .map(|(n, t)| (format!("status list token {}", n + 1), t.as_slice()))
            .collect();
        let log = self.log;
        for (index, t) in log.iter().flat_map(|l| l.status_lists.iter()) {
            if !all.iter().any(|(_, b)| *b == t.as_slice()) {
                all.push((
                    format!("status list token at log index {index}"),
                    t.as_slice(),
                ));
            }
        }
        for (n, bytes) in all {
            let decoded = match StatusListToken::decode(bytes) {
                Ok(d) => d,
                Err(e) => {
                    self.finding(
                        FindingKind::Malformed,
                        None,
                        None,
                        None,
                        0,
                        format!("{n}: {e}"),
                    );
                    continue;
                }
            };
            // The signer: a trusted controller key (its party is the controller judged).
            let key = decoded
                .kid
                .as_deref()
                .and_then(crate::keys::KeyId::from_slice)
                .and_then(|k| self.trust.get(&k))
                .cloned();
            let Some(key) = key.filter(|k| k.role == crate::keys::Role::Controller) else {
                self.finding(
                    FindingKind::UntrustedKey,
                    None,
                    None,
                    None,
                    0,
                    format!(
                        "{n} ({}): not signed by a trusted controller key",
                        decoded.token.subject
                    ),
                );
                continue;
            };
            let token = match StatusListToken::verify_trusted(bytes, self.trust, &key.party) {
                Ok(t) => t,
                Err(e) => {
                    let kind = match e {
                        StatusError::SignatureInvalid => FindingKind::SignatureInvalid,
                        _ => FindingKind::Malformed,
                    };
                    self.finding(
                        kind,
                        None,
                        None,
                        Some(key.party.clone()),
                        0,
                        format!("{n} ({}): {e}", decoded.token.subject),
                    );
                    continue;
                }
            };
            let grace = token.ttl.unwrap_or(0);
            let mut stale = Vec::new();
            for id in &ids {
                let Some(rec) = self.linked.grants.get(id) else {
                    continue;
                };
                if rec.grant.controller != key.party || self.linked.void.contains_key(id) {
                    continue;
                }
                let Some(r) = rec.grant.status.as_ref().filter(|r| r.uri == token.subject) else {
                    continue;
                };
                let ended = [rec.ended.map(|e| e.0), rec.refused.map(|r| r.0)]
                    .into_iter()
                    .flatten()
                    .min();
                let Some(ended) = ended else { continue };
                if ended.saturating_add(grace) >= token.issued_at {
                    continue;
                }
                let said = token.list.status(r.idx);
                if said == Ok(Status::Valid) {
                    stale.push((
                        *id,
                        self.grant_offsets.get(id).copied().unwrap_or(0),
                        format!(
                            "grant {id}: status list {} issued at {} (ttl {grace} s) still says VALID at index {}, but the grant ended at {}, {} s before the list",
                            token.subject,
                            super::fmt_time(token.issued_at),
                            r.idx,
                            super::fmt_time(ended),
                            token.issued_at - ended
                        ),
                    ));
                } else if let Err(e) = said {
                    stale.push((
                        *id,
                        self.grant_offsets.get(id).copied().unwrap_or(0),
                        format!(
                            "grant {id}: status list {} issued at {} cannot state the status of this ended grant: {e}",
                            token.subject,
                            super::fmt_time(token.issued_at),
                        ),
                    ));
                }
            }
            for (id, offset, msg) in stale {
                self.finding(
                    FindingKind::StaleStatus,
                    Some(id),
                    Some(ArtifactKind::Grant),
                    Some(key.party.clone()),
                    offset,
                    msg,
                );
            }
        }
    }
}
