//! Auditing against a witnessed log (C2SP tlog-witness / tlog-policy): the
//! log's checkpoint must carry the policy's quorum of cosignatures, and the
//! cosignatures' timestamps give the log a clock.
//!
//! A `cosignature/v1` at time T on a checkpoint of size N states that, at
//! T, the largest tree the witness had seen had N leaves. An artifact at
//! leaf index >= N was therefore not in the log at T. If its own time
//! (a receipt's time of use, a withdrawal's or grant's issue time) is more
//! than [`WITNESS_CLOCK_TOLERANCE`] before T, it was logged more than that
//! long after the time it claims: it is backdated (`witnessed_backdated`).
//! Per checkpoint, the earliest valid cosignature time is used, so a single
//! witness with a late clock cannot make an honest artifact look
//! backdated.

use serde::Serialize;

use crate::log::{Policy, SignedNote};

/// How long before a witnessed checkpoint that does not contain it an
/// artifact may be dated without a `witnessed_backdated` finding: 24 hours.
/// A log that takes longer to log what it receives (including the time
/// until its next checkpoint is cosigned) needs a larger tolerance
/// ([`WitnessView::tolerance`], [`WitnessClock::view`]).
pub const WITNESS_CLOCK_TOLERANCE: u64 = 86_400;

/// A witness that cosigned the log's checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CosignerInfo {
    /// The witness's name in the policy.
    pub witness: String,
    /// Its cosigner key name.
    pub key_name: String,
    /// When it cosigned (seconds since the epoch).
    pub timestamp: u64,
}

/// The witness policy's view of a log, as an audit report shows it (its
/// log's `witnesses`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WitnessView {
    /// The policy's quorum (`none`, a witness or a group name).
    pub quorum: String,
    /// Whether the log's latest checkpoint meets the quorum (if not: a
    /// `not_witnessed` finding).
    pub quorum_met: bool,
    /// The witnesses whose valid cosignatures the latest checkpoint carries.
    pub cosigners: Vec<CosignerInfo>,
    /// Checkpoints (the log's archive and latest, and those supplied) that
    /// meet the quorum and serve as the clock.
    pub witnessed_checkpoints: u64,
    /// The clock tolerance in seconds.
    pub tolerance: u64,
}

/// The witness policy's view of a log and the clock the audit reads from
/// it: what [`LogView`](super::LogView) holds. Only [`WitnessClock::view`]
/// is shown in the report (the clock and the problem are the audit's
/// working state: the problem is a `not_witnessed` finding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessClock {
    /// What the report shows.
    pub view: WitnessView,
    /// Tree size -> the earliest cosignature time of a witnessed checkpoint
    /// of that size (the smallest, if several): `(size, time)` sorted by
    /// size, each size once (a list: no B-tree type in the npm module).
    clock: Vec<(u64, u64)>,
    /// Why the latest checkpoint does not meet the quorum.
    pub problem: Option<String>,
}

impl WitnessClock {
    /// Checks the latest checkpoint note against `policy`, and takes every
    /// note of `clock_notes` that meets the quorum (and is a checkpoint of
    /// the same origin) as a clock entry.
    pub fn new<'a>(
        policy: &Policy,
        origin: &str,
        latest_note: &'a [u8],
        clock_notes: impl IntoIterator<Item = &'a [u8]>,
        tolerance: u64,
    ) -> WitnessClock {
        let mut c = WitnessClock {
            view: WitnessView {
                quorum: policy.quorum_name().to_owned(),
                quorum_met: false,
                cosigners: Vec::new(),
                witnessed_checkpoints: 0,
                tolerance,
            },
            clock: Vec::new(),
            problem: None,
        };
        let v = &mut c.view;
        match policy.verify_checkpoint(latest_note) {
            Ok(w) => {
                v.quorum_met = true;
                v.cosigners = w
                    .cosignatures
                    .iter()
                    .map(|(name, c)| CosignerInfo {
                        witness: name.clone(),
                        key_name: c.name.clone(),
                        timestamp: c.timestamp,
                    })
                    .collect();
            }
            Err(e) => {
                c.problem = Some(e.to_string());
                // Still name who did cosign validly.
                if let Ok(n) = SignedNote::parse(latest_note) {
                    if let Ok(cos) = policy.cosignatures(&n) {
                        v.cosigners = cos
                            .iter()
                            .filter_map(|(i, c)| {
                                policy.witnesses().get(*i).map(|w| CosignerInfo {
                                    witness: w.name.clone(),
                                    key_name: c.name.clone(),
                                    timestamp: c.timestamp,
                                })
                            })
                            .collect();
                    }
                }
            }
        }
        for note in std::iter::once(latest_note).chain(clock_notes) {
            let Ok(w) = policy.verify_checkpoint(note) else {
                continue;
            };
            if w.checkpoint.origin != origin {
                continue;
            }
            let Some(t) = w.earliest_cosignature_time() else {
                continue;
            };
            v.witnessed_checkpoints += 1;
            let size = w.checkpoint.size;
            match c.clock.binary_search_by_key(&size, |e| e.0) {
                Ok(at) => {
                    if let Some(e) = c.clock.get_mut(at) {
                        e.1 = e.1.min(t);
                    }
                }
                Err(at) => c.clock.insert(at, (size, t)),
            }
        }
        c
    }

    /// The latest witnessed time at which the log held fewer than
    /// `index + 1` leaves (so not the artifact at `index`), with the size
    /// of that checkpoint: the largest earliest-cosignature time among
    /// witnessed checkpoints of size <= `index`.
    pub fn absent_since(&self, index: u64) -> Option<(u64, u64)> {
        self.clock
            .iter()
            .take_while(|(size, _)| *size <= index)
            .map(|(size, t)| (*t, *size))
            .max()
    }

    /// If an artifact at leaf `index` dated `own_time` is backdated by this
    /// clock: the witnessed (time, size) that proves it.
    pub fn backdated(&self, index: u64, own_time: u64) -> Option<(u64, u64)> {
        self.absent_since(index)
            .filter(|(t, _)| own_time.saturating_add(self.view.tolerance) < *t)
    }
}
