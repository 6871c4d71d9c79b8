//! Proofs that travel, from the wallet: a C2SP tlog-proof of one of the
//! person's artifacts (from the inclusion proof and checkpoint it holds),
//! and checking a COSE Receipt (RFC 9942) the log issued for one.
//!
//! A wallet cannot mint a COSE Receipt: that takes the log's signature.
//! The log operator issues receipts ([`crate::log::receipt::cose_receipt`],
//! `consentkit proof export --format cose`); the wallet checks them.

use super::{Wallet, WalletError};
use crate::artifact::ArtifactId;
use crate::keys::Role;
use crate::log::receipt::{self, tlog_proof, verify_cose_receipt, ReceiptClaims};
use crate::log::{Checkpoint, InclusionProof, NoteVerifier};

impl Wallet {
    /// The bytes of the artifact `id` the wallet holds, or `NotFound`.
    fn artifact_bytes(&self, id: ArtifactId) -> Result<&[u8], WalletError> {
        let &i = self
            .by_id
            .get(&id)
            .ok_or_else(|| WalletError::NotFound(format!("artifact {id}")))?;
        Ok(self.artifacts[i].as_bytes())
    }

    /// A C2SP `tlog-proof@v1` for the artifact `id`: its inclusion proof
    /// under the largest checkpoint the wallet holds that is signed by a
    /// log key it trusts (role `log`) and under which the proof verifies.
    pub fn export_tlog_proof(&self, id: ArtifactId) -> Result<String, WalletError> {
        let entry = self.artifact_bytes(id)?;
        let verifiers: Vec<NoteVerifier> = self
            .trust
            .iter()
            .filter(|t| t.role == Role::Log)
            .filter_map(|t| NoteVerifier::ed25519(&t.party, &t.key).ok())
            .collect();
        let mut best: Option<InclusionProof> = None;
        for (_, p) in self.inclusion.iter().filter(|(a, _)| *a == id) {
            let notes = p.checkpoint.iter().chain(self.checkpoints.iter());
            for note in notes {
                let Ok(cp) = Checkpoint::open(note.as_bytes(), &verifiers) else {
                    continue;
                };
                if cp.size != p.tree_size || p.verify(entry, &cp.root).is_err() {
                    continue;
                }
                if best.as_ref().is_none_or(|b| b.tree_size < p.tree_size) {
                    let mut with = p.clone();
                    with.checkpoint = Some(note.clone());
                    best = Some(with);
                }
            }
        }
        let proof = best.ok_or_else(|| {
            WalletError::NotFound(format!(
                "an inclusion proof of {id} under a checkpoint of a trusted log"
            ))
        })?;
        tlog_proof(&proof, None).map_err(|e| WalletError::Invalid(e.to_string()))
    }

    /// Checks a COSE Receipt for the artifact `id` against the log keys the
    /// wallet trusts (role `log`); returns what it proves.
    pub fn verify_cose_receipt(
        &self,
        id: ArtifactId,
        receipt: &[u8],
    ) -> Result<ReceiptClaims, WalletError> {
        let entry = self.artifact_bytes(id)?;
        let mut last = None;
        for t in self.trust.iter().filter(|t| t.role == Role::Log) {
            match verify_cose_receipt(receipt, entry, &t.key) {
                Ok(c) => return Ok(c),
                Err(e) => last = Some(e),
            }
        }
        Err(WalletError::Invalid(match last {
            Some(e) => format!("COSE receipt for {id}: {e}"),
            None => "no trusted log key (role log) to check a COSE receipt with".into(),
        }))
    }
    /// Checks a C2SP `tlog-proof@v1` of the artifact `id` (as
    /// [`Wallet::export_tlog_proof`] writes it, or as a log serves it): its
    /// checkpoint must be signed by a log key the wallet trusts (role
    /// `log`, origin = the key's party) and the proof must lead from the
    /// artifact to that checkpoint's root. Returns what it proves.
    pub fn verify_tlog_proof(
        &self,
        id: ArtifactId,
        proof: &str,
    ) -> Result<ReceiptClaims, WalletError> {
        let entry = self.artifact_bytes(id)?;
        let mut last = None;
        for t in self.trust.iter().filter(|t| t.role == Role::Log) {
            let Ok(v) = NoteVerifier::ed25519(&t.party, &t.key) else {
                continue;
            };
            match receipt::verify_tlog_proof(proof, entry, &v) {
                Ok(cp) => {
                    let p = receipt::parse_tlog_proof(proof)
                        .map_err(|e| WalletError::Invalid(e.to_string()))?;
                    return Ok(ReceiptClaims {
                        tree_size: cp.size,
                        leaf_index: p.proof.leaf_index,
                        root: cp.root,
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(WalletError::Invalid(match last {
            Some(e) => format!("tlog-proof for {id}: {e}"),
            None => "no trusted Ed25519 log key (role log) to check a tlog-proof with".into(),
        }))
    }
}
