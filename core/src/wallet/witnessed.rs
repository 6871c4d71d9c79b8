//! The wallet's side of witnessed transparency: it accepts a log's
//! checkpoint only with a witness policy's quorum of cosignatures, and uses
//! the cosignature times as a clock (see [`crate::audit::witnessed`]).

use serde::Serialize;

use super::Wallet;
use crate::artifact::{Artifact, ArtifactId, Body};
use crate::log::{Checkpoint, Policy, SignedNote};

/// What one witnessed log proves to the wallet ([`Wallet::check_logs_witnessed`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WitnessedLogCheck {
    /// The log's origin.
    pub origin: String,
    /// Tree sizes of the wallet's checkpoints of this log that carry the
    /// policy's quorum (the only ones accepted).
    pub witnessed: Vec<u64>,
    /// Tree sizes of the wallet's checkpoints of this log without the
    /// quorum (not accepted; each is also a problem).
    pub not_witnessed: Vec<u64>,
    /// The policy names of the witnesses whose cosignatures count towards
    /// the quorum of at least one witnessed checkpoint (sorted, once each).
    pub cosigned_by: Vec<String>,
    /// The wallet's artifacts with an inclusion proof that verifies against
    /// a witnessed checkpoint.
    pub proven: Vec<ArtifactId>,
    /// Artifacts dated more than the tolerance before the earliest
    /// cosignature of a witnessed checkpoint that does not contain them:
    /// logged long after the time they claim (backdated).
    pub backdated: Vec<ArtifactId>,
    /// What failed, in words.
    pub problems: Vec<String>,
}

/// An artifact's own time: a receipt's time of use, otherwise its issue time.
pub(crate) fn own_time(a: &Artifact) -> u64 {
    let t = match a.body() {
        Body::Offer(o) => o.issued_at,
        Body::Grant(g) => g.issued_at,
        Body::Refusal(r) => r.issued_at,
        Body::Withdrawal(w) => w.issued_at,
        Body::DataReceipt(r) => r.used_at,
        Body::ValueRecord(v) => v.issued_at,
    };
    t.secs()
}

impl Wallet {
    /// Checks the wallet's checkpoints and inclusion proofs against a
    /// witness policy, for each log of the policy: checkpoints count only
    /// with the quorum; an artifact is proven only in a witnessed
    /// checkpoint; an artifact whose leaf index is at or past the size of a
    /// witnessed checkpoint cosigned (earliest cosignature) more than
    /// `tolerance` seconds after the artifact's own time is backdated.
    pub fn check_logs_witnessed(&self, policy: &Policy, tolerance: u64) -> Vec<WitnessedLogCheck> {
        let mut origins: Vec<&str> = policy.logs().iter().map(|l| l.verifier.name()).collect();
        crate::sort::sort(&mut origins);
        origins.dedup();
        let mut out = Vec::new();
        for origin in origins {
            let mut check = WitnessedLogCheck {
                origin: origin.to_owned(),
                witnessed: Vec::new(),
                not_witnessed: Vec::new(),
                cosigned_by: Vec::new(),
                proven: Vec::new(),
                backdated: Vec::new(),
                problems: Vec::new(),
            };
            // (size, checkpoint, earliest cosignature time), sorted by size,
            // each size once (a list: no B-tree type in the npm module).
            let mut good: Vec<(u64, Checkpoint, Option<u64>)> = Vec::new();
            for note in &self.checkpoints {
                let Some(cp) = SignedNote::parse(note.as_bytes())
                    .ok()
                    .and_then(|n| Checkpoint::from_text(n.text()).ok())
                else {
                    continue;
                };
                if cp.origin != origin {
                    continue;
                }
                match policy.verify_checkpoint(note.as_bytes()) {
                    Ok(w) => {
                        let at = good.binary_search_by_key(&cp.size, |e| e.0);
                        if let Some((_, prev, _)) = at.ok().and_then(|i| good.get(i)) {
                            if prev.root != cp.root {
                                check.problems.push(format!(
                                    "two witnessed checkpoints of size {} with different roots: the witnesses were shown different histories",
                                    cp.size
                                ));
                            }
                        }
                        let t = w.earliest_cosignature_time();
                        check
                            .cosigned_by
                            .extend(w.cosignatures.iter().map(|(name, _)| name.clone()));
                        match at {
                            Ok(i) => {
                                if let Some(e) = good.get_mut(i) {
                                    e.2 = match (e.2, t) {
                                        (Some(a), Some(b)) => Some(a.min(b)),
                                        (a, b) => a.or(b),
                                    };
                                }
                            }
                            Err(i) => good.insert(i, (cp.size, w.checkpoint, t)),
                        }
                    }
                    Err(e) => {
                        check.not_witnessed.push(cp.size);
                        check
                            .problems
                            .push(format!("checkpoint of size {} not accepted: {e}", cp.size));
                    }
                }
            }
            check.witnessed = good.iter().map(|e| e.0).collect();
            crate::sort::sort(&mut check.cosigned_by);
            check.cosigned_by.dedup();
            crate::sort::sort(&mut check.not_witnessed);
            check.not_witnessed.dedup();
            for (id, p) in &self.inclusion {
                let at = good.binary_search_by_key(&p.tree_size, |e| e.0).ok();
                let (Some(&i), Some((_, cp, _))) =
                    (self.by_id.get(id), at.and_then(|j| good.get(j)))
                else {
                    continue;
                };
                let Some(a) = self.artifacts.get(i) else {
                    continue;
                };
                if p.verify(a.as_bytes(), &cp.root).is_err() {
                    check.problems.push(format!(
                        "the inclusion proof of {} does not verify",
                        a.label_str()
                    ));
                    continue;
                }
                if !check.proven.contains(id) {
                    check.proven.push(*id);
                }
                // The latest witnessed time at which the log held at most
                // `leaf_index` leaves, so not this artifact.
                let absent = good
                    .iter()
                    .take_while(|e| e.0 <= p.leaf_index)
                    .filter_map(|(size, _, t)| t.map(|t| (t, *size)))
                    .max();
                if let Some((t, size)) = absent {
                    if own_time(a).saturating_add(tolerance) < t && !check.backdated.contains(id) {
                        check.backdated.push(*id);
                        check.problems.push(format!(
                            "{} is dated {} but is not in the checkpoint of size {size} that witnesses cosigned at {t}: backdated",
                            a.label_str(),
                            own_time(a)
                        ));
                    }
                }
            }
            out.push(check);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::keys::{KeyPair, Role, Signer};
    use crate::log::witness::{witness_checkpoint, WitnessReply};
    use crate::log::{Policy, TileLog, Witness};
    use crate::sample::{self, Parties, CONTROLLER, PARTNER, T0};
    use crate::wallet::{Choice, Wallet, WalletKey};

    const DAY: u64 = 86_400;
    const ORIGIN: &str = "log.example/wallet-witnessed";

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "consentkit-wallet-witnessed-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    /// Cosigns the log's checkpoint in process at `now`.
    fn cosign_at(log: &mut TileLog, policy: &Policy, w: &Witness, now: u64) {
        let mut post =
            |_: &str, body: &[u8]| -> Result<WitnessReply, String> { Ok(w.reply(body, now)) };
        let r = witness_checkpoint(log, policy, &mut HashMap::new(), &mut post).unwrap();
        assert!(r.witnessed.is_some(), "{:?}", r.outcomes);
    }

    /// The wallet accepts only witnessed checkpoints, and catches a
    /// withdrawal the controller's log took in weeks after its date.
    #[test]
    fn wallet_accepts_only_witnessed_checkpoints_and_catches_a_backdated_withdrawal() {
        let p = Parties::new().unwrap();
        let log_key = KeyPair::ed25519_from_seed(&[9; 32]).unwrap();
        let mut w = Wallet::new(WalletKey::Ed25519).unwrap();
        w.trust_key(p.controller.public_key(), Role::Controller, CONTROLLER)
            .unwrap();
        w.trust_key(p.partner.public_key(), Role::Partner, PARTNER)
            .unwrap();
        let offer = sample::signed_offer(&p).unwrap();
        w.receive(offer.as_bytes(), T0).unwrap();
        w.trust_key(log_key.public_key(), Role::Log, ORIGIN)
            .unwrap();
        let grant = w
            .accept(&offer.digest(), &Choice::default(), T0 + 100)
            .unwrap()
            .countersign(&offer, &p.controller)
            .unwrap();
        w.receive(grant.as_bytes(), T0 + 200).unwrap();
        let d = tmp("backdated");
        let mut log = TileLog::create(&d.join("log"), ORIGIN, &log_key).unwrap();
        log.append_artifact(&offer, &p.trust()).unwrap();
        let gi = log.append_artifact(&grant, &p.trust()).unwrap();
        log.publish(&log_key).unwrap();
        let witness = Witness::open(
            &d.join("witness"),
            "witness.example/w1",
            Box::new(KeyPair::ed25519_from_seed(&[7; 32]).unwrap()),
            &Policy::parse(format!("log {}\nquorum none\n", log.verifier().to_vkey()).as_bytes())
                .unwrap(),
        )
        .unwrap();
        let policy = Policy::parse(
            format!(
                "log {}\nwitness W {} http://w.invalid\nquorum W\n",
                log.verifier().to_vkey(),
                witness.verifier().to_vkey()
            )
            .as_bytes(),
        )
        .unwrap();
        // An unwitnessed checkpoint is not accepted.
        w.add_checkpoint(log.checkpoint_note()).unwrap();
        let c = &w.check_logs_witnessed(&policy, DAY)[0];
        assert_eq!(c.not_witnessed, vec![2]);
        assert!(c.witnessed.is_empty() && c.proven.is_empty() && c.cosigned_by.is_empty());
        // Cosigned on day 30.
        cosign_at(&mut log, &policy, &witness, (T0 + 30 * DAY).secs());
        w.add_checkpoint(log.checkpoint_note()).unwrap();
        w.add_inclusion_proof(grant.id(), &log.inclusion_proof(gi, 2).unwrap())
            .unwrap();
        // A withdrawal dated day 10 but logged after the day-30 checkpoint.
        let wd = w.withdraw(grant.id(), T0 + 10 * DAY).unwrap();
        let wi = log.append_artifact(&wd, &p.trust()).unwrap();
        log.publish(&log_key).unwrap();
        cosign_at(&mut log, &policy, &witness, (T0 + 31 * DAY).secs());
        w.add_checkpoint(log.checkpoint_note()).unwrap();
        w.add_inclusion_proof(wd.id(), &log.inclusion_proof(wi, 3).unwrap())
            .unwrap();
        let c = &w.check_logs_witnessed(&policy, DAY)[0];
        assert_eq!(c.witnessed, vec![2, 3]);
        assert_eq!(c.cosigned_by, vec!["W".to_owned()]);
        assert_eq!(c.proven.len(), 2, "{c:?}");
        assert_eq!(c.backdated, vec![wd.id()], "{c:?}");
        // With a tolerance of 25 days it is not.
        let c = &w.check_logs_witnessed(&policy, 25 * DAY)[0];
        assert!(c.backdated.is_empty(), "{c:?}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
