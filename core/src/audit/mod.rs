//! The audit engine: reads a bundle of artifacts (a CBOR sequence, RFC
//! 8742), verifies every signature against a trust set, replays the
//! lifecycle and reports findings a person can act on.
//!
//! - **Order does not matter.** The bundle is read twice: the first pass
//!   takes offers, grants, refusals and withdrawals; the second checks data
//!   receipts and value records against them. A receipt placed before its
//!   grant audits the same way. Copies of one id with different bytes
//!   (other signers) are each evaluated; an id's statistics count once
//!   (docs/FORMAT.md §7). The findings kept under [`MAX_FINDINGS`] are the
//!   smallest in the report's order.
//! - **The person's word stands.** Imported grants over the person's own
//!   signed decisions are void, a refusal ends earlier grants of its offer,
//!   and the person may withdraw an imported grant (docs/FORMAT.md §11.1).
//! - **Streaming.** Neither pass holds the bundle: memory grows with the
//!   number of grants (plus 36 bytes per artifact id: the id, 128 bits of
//!   the leaf hash of its first copy, who signed it), not with the bundle's
//!   size.
//! - **Parallel.** Both passes decode and verify in batches across all
//!   cores (feature `parallel`, on by default), pipelined: while batch k is
//!   checked, batch k + 1 is read (on a thread of its own, which also
//!   hashes the bundle) and batch k − 1 evaluated in order. In pass 2 the
//!   workers also judge each data receipt against the grants pass 1
//!   linked (read-only by then); the evaluating thread keeps only what
//!   depends on the order: copies, counts, per-day uses and findings.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::{self, Read};

use serde::Serialize;

use crate::artifact::{
    Artifact, ArtifactError, ArtifactId, ArtifactKind, Body, Digest, Offer, Pseudonym, Signatory,
    Timestamp, VerifiedSigner, VerifyError, WithdrawnBy,
};
use crate::cbor::seq::{Framed, SeqReader, SeqSummary};
use crate::cbor::{self, Value};
use crate::keys::{HeaderKid, PublicKey, TrustSet};
use crate::lifecycle::{grant_exceeds_offer, ConsentState, Denial, GrantRecord, UseBorrowed, DAY};

mod identify;
pub use identify::identify;
mod leaves;
mod logged;
mod provenance;
mod report;
mod status;
pub mod witnessed;
use logged::DigestKeys;
pub use logged::{LogView, LogViewError};
pub use provenance::{
    log_provenance, trust_provenance, trusted_keys, CheckpointCheck, LogProvenance, Outcome,
    Provenance, SignatureCounts, TrustProvenance, TrustedKeyInfo,
};
pub use report::{
    fmt_amount, render_html, render_text, signature_sentence, ControllerStats, DayActivity,
    FindingCount, KindCount, Report, StateCount, UnitAmount,
};
use report::{ControllerTally, ReportBuilder};
pub use witnessed::{CosignerInfo, WitnessClock, WitnessView, WITNESS_CLOCK_TOLERANCE};

/// Most items decoded and verified per parallel batch.
pub const BATCH: usize = 4096;
/// Most bytes of items held per batch (bounds memory whatever the item sizes).
pub const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Most artifact ids the audit sizes its map of ids for before pass 2
/// (7/8 of 2^20 buckets, about 38 MB); a larger bundle grows it as it goes.
const MAX_RESERVED_IDS: usize = 917_504;
/// Most findings listed in a report; beyond it findings are only counted
/// (a hostile bundle cannot grow the report without bound).
pub const MAX_FINDINGS: usize = 100_000;
/// Allowed clock skew for artifacts dated after the audit time, in seconds.
pub const CLOCK_SKEW: u64 = 300;

/// What a finding is about. The names are stable: they appear in JSON reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "uniffi", uniffi::export(Display))]
pub enum FindingKind {
    /// A signature does not verify (or the header alg does not fit the key).
    SignatureInvalid,
    /// Signed by a key not in the trust set.
    UntrustedKey,
    /// Signed by a trusted key that may not sign this artifact (wrong role or party).
    WrongSigner,
    /// Not a valid artifact; the message carries the decode error.
    Malformed,
    /// Refers to a grant not in the bundle (or whose own checks failed).
    UnknownGrant,
    /// A grant refers to an offer not in the bundle.
    UnknownOffer,
    /// A purpose not granted.
    PurposeNotGranted,
    /// A data category not granted.
    CategoryNotGranted,
    /// A recipient not granted.
    RecipientNotGranted,
    /// Used before the grant was given.
    BeforeGrant,
    /// Used after withdrawal or revocation.
    AfterWithdrawal,
    /// Used after expiry.
    AfterExpiry,
    /// Used under a grant already superseded.
    AfterSupersession,
    /// More uses in a day than the offer allows.
    LimitExceeded,
    /// Data finer than the offer allows.
    PrecisionExceeded,
    /// The same artifact id twice.
    DuplicateId,
    /// A value record for a grant not in the bundle.
    ValueForUnknownGrant,
    /// A grant accepts more than its offer offered.
    GrantExceedsOffer,
    /// Dated after the audit time (beyond the allowed clock skew).
    FutureDated,
    /// Not in the transparency log the audit was given.
    NotInLog,
    /// The transparency log's history is not consistent: it shrank or was rewritten.
    LogInconsistent,
    /// A withdrawal takes effect before a use that the log received before
    /// the withdrawal: it was backdated after the fact.
    WithdrawalBackdated,
    /// An imported grant (controller-signed only) dated at or after the
    /// person's own first signed decision at the same controller, or
    /// claiming to supersede a grant the person signed: it is void.
    ImportedOverPerson,
    /// A data receipt under a void grant (see `imported_over_person`).
    VoidGrantUsed,
    /// A grant claims to supersede a grant of another person or another
    /// controller; the supersession has no effect.
    SupersedesOtherPerson,
    /// Copies of one artifact id (same kind and payload) with different
    /// bytes (other signatures or signers); each copy is checked on its own.
    ConflictingCopies,
    /// The transparency log's checkpoint does not carry the witness
    /// policy's quorum of valid cosignatures (audits with a policy only).
    NotWitnessed,
    /// Dated more than the tolerance before a witnessed checkpoint that
    /// does not contain it: logged long after the time it claims (a
    /// backdated withdrawal, receipt or grant). Audits with a policy only.
    WitnessedBackdated,
    /// A Status List Token signed by the controller still says VALID for a
    /// grant that was withdrawn, revoked or refused more than the list's
    /// `ttl` before the list's `iat`: partners were told a withdrawn grant
    /// stands. A finding against the controller.
    StaleStatus,
    /// A data receipt names its purpose, category or recipient by an index
    /// into its grant's lists (docs/FORMAT.md §4.7.1) that the grant does
    /// not have: the use cannot be read, so it is covered by nothing.
    GrantIndexOutOfRange,
}

impl FindingKind {
    /// The stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::SignatureInvalid => "signature_invalid",
            FindingKind::UntrustedKey => "untrusted_key",
            FindingKind::WrongSigner => "wrong_signer",
            FindingKind::Malformed => "malformed",
            FindingKind::UnknownGrant => "unknown_grant",
            FindingKind::UnknownOffer => "unknown_offer",
            FindingKind::PurposeNotGranted => "purpose_not_granted",
            FindingKind::CategoryNotGranted => "category_not_granted",
            FindingKind::RecipientNotGranted => "recipient_not_granted",
            FindingKind::BeforeGrant => "before_grant",
            FindingKind::AfterWithdrawal => "after_withdrawal",
            FindingKind::AfterExpiry => "after_expiry",
            FindingKind::AfterSupersession => "after_supersession",
            FindingKind::LimitExceeded => "limit_exceeded",
            FindingKind::PrecisionExceeded => "precision_exceeded",
            FindingKind::DuplicateId => "duplicate_id",
            FindingKind::ValueForUnknownGrant => "value_for_unknown_grant",
            FindingKind::GrantExceedsOffer => "grant_exceeds_offer",
            FindingKind::FutureDated => "future_dated",
            FindingKind::NotInLog => "not_in_log",
            FindingKind::LogInconsistent => "log_inconsistent",
            FindingKind::WithdrawalBackdated => "withdrawal_backdated",
            FindingKind::ImportedOverPerson => "imported_over_person",
            FindingKind::VoidGrantUsed => "void_grant_used",
            FindingKind::SupersedesOtherPerson => "supersedes_other_person",
            FindingKind::ConflictingCopies => "conflicting_copies",
            FindingKind::NotWitnessed => "not_witnessed",
            FindingKind::WitnessedBackdated => "witnessed_backdated",
            FindingKind::StaleStatus => "stale_status",
            FindingKind::GrantIndexOutOfRange => "grant_index_out_of_range",
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// The artifact concerned (hex id), if it could be identified.
    pub artifact: Option<ArtifactId>,
    /// The artifact's type, if known.
    pub artifact_kind: Option<ArtifactKind>,
    /// The controller concerned, if known.
    pub controller: Option<String>,
    /// Byte offset of the item in the bundle (for a finding about an id
    /// rather than one item, e.g. `limit_exceeded`, a copy of it; 0 for
    /// `conflicting_copies`, which is about all its copies).
    pub offset: u64,
    /// What is wrong, for a person.
    pub message: String,
}

/// Errors that stop an audit (input that cannot be read at all).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading the bundle failed.
    #[error("reading the bundle: {0}")]
    Io(#[from] io::Error),
    /// The two passes read different bytes: the bundle was modified (or
    /// replaced) during the audit, so no verdict can be given.
    #[error("the bundle changed while it was audited (pass 1 read {first_bytes} bytes with SHA-256 {first_sha256}, pass 2 read {second_bytes} bytes with SHA-256 {second_sha256})")]
    BundleChanged {
        /// Bytes read by pass 1.
        first_bytes: u64,
        /// SHA-256 (hex) of what pass 1 read.
        first_sha256: String,
        /// Bytes read by pass 2.
        second_bytes: u64,
        /// SHA-256 (hex) of what pass 2 read.
        second_sha256: String,
    },
}

/// Audit settings.
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// The audit time: grant states are computed at it, and artifacts dated
    /// after it (plus [`CLOCK_SKEW`]) are flagged. Default: now.
    pub at: Option<Timestamp>,
}

/// Reads the artifact type from the protected header without decoding
/// the whole item. `None` if it cannot be determined.
pub fn peek_kind(bytes: &[u8]) -> Option<ArtifactKind> {
    match peek_kind_fast(bytes) {
        Some(found) => found,
        None => peek_kind_slow(bytes),
    }
}

/// [`peek_kind`] without allocating, for the shapes consentkit writes:
/// the tag, a four-element array, and a protected header map (in a short
/// byte string) of one-byte keys whose values are small integers or byte
/// strings (one to three bytes of head), all in shortest form. `Some(answer)` when it could read the
/// header to its end; `None` (let the general decoder judge) otherwise.
fn peek_kind_fast(bytes: &[u8]) -> Option<Option<ArtifactKind>> {
    let rest = match bytes {
        [0xd2, rest @ ..] | [0xd8, 0x62, rest @ ..] => rest,
        _ => return None,
    };
    let (&0x84, rest) = rest.split_first()? else {
        return None;
    };
    // The protected header: a byte string of 1 to 255 bytes, shortest form.
    let (p, _) = match *rest.first()? {
        h @ 0x41..=0x57 => rest.get(1..)?.split_at_checked(usize::from(h - 0x40))?,
        0x58 if *rest.get(1)? >= 24 => rest.get(2..)?.split_at_checked(usize::from(rest[1]))?,
        _ => return None,
    };
    let (&m, mut p) = p.split_first()?;
    if !(0xa1..=0xa7).contains(&m) {
        return None;
    }
    let mut typ = None;
    let mut last_key: Option<u8> = None;
    for _ in 0..(m - 0xa0) {
        // Keys: 0..=23 or -1..=-24, one byte, in the deterministic order
        // (the shorter encoding and then the smaller byte first).
        let (&k, r) = p.split_first()?;
        if !(k <= 0x17 || (0x20..=0x37).contains(&k)) || last_key.is_some_and(|l| l >= k) {
            return None;
        }
        last_key = Some(k);
        let (&v, r) = r.split_first()?;
        p = match v {
            0x00..=0x17 | 0x20..=0x37 => r,
            0x18 if *r.first()? >= 24 => r.get(1..)?,
            0x19 if *r.first()? >= 1 => r.get(2..)?,
            0x40..=0x57 => r.get(usize::from(v - 0x40)..)?,
            0x58 if *r.first()? >= 24 => r.get(1 + usize::from(r[0])..)?,
            _ => return None,
        };
        if k == 0x10 {
            typ = match v {
                0x00..=0x17 => Some(u64::from(v)),
                0x18 => Some(u64::from(r[0])),
                0x19 => Some(u64::from(u16::from_be_bytes([r[0], r[1]]))),
                // A typ that is not an unsigned integer names no kind.
                _ => return Some(None),
            };
        }
    }
    if !p.is_empty() {
        return None;
    }
    Some(typ.and_then(ArtifactKind::from_typ))
}

fn peek_kind_slow(bytes: &[u8]) -> Option<ArtifactKind> {
    let (tag_len, expect_tag) = match bytes.first()? {
        0xd2 => (1, 18u64),
        0xd8 => (2, *bytes.get(1)? as u64),
        _ => return None,
    };
    if expect_tag != 18 && expect_tag != 98 {
        return None;
    }
    let rest = bytes.get(tag_len..)?;
    if *rest.first()? != 0x84 {
        return None;
    }
    let (protected, _) = cbor::decode_prefix(rest.get(1..)?).ok()?;
    let Value::Bytes(p) = protected else {
        return None;
    };
    let Value::Map(m) = cbor::decode(&p).ok()? else {
        return None;
    };
    let typ = m.iter().find(|(k, _)| k.as_i64() == Some(16))?.1.as_u64()?;
    ArtifactKind::from_typ(typ)
}

fn is_context(kind: Option<ArtifactKind>) -> bool {
    matches!(
        kind,
        Some(
            ArtifactKind::Offer
                | ArtifactKind::Grant
                | ArtifactKind::Refusal
                | ArtifactKind::Withdrawal
        )
    )
}

/// The outcome of decoding and verifying one item.
enum Checked {
    Valid {
        artifact: Artifact,
        signers: Vec<VerifiedSigner>,
    },
    Malformed {
        kind: Option<ArtifactKind>,
        /// The id, when the COSE structure yields a kind and a payload.
        id: Option<ArtifactId>,
        error: ArtifactError,
    },
    Unverified {
        artifact: Artifact,
        error: VerifyError,
    },
}

/// One item after a worker's part of the audit: decoded, checked, and
/// what the serial part would otherwise compute again.
struct Item {
    /// Byte offset in the bundle.
    offset: u64,
    checked: Checked,
    /// The first 128 bits of its leaf hash (`SHA-256(0x00 ‖ bytes)`): tells
    /// byte-identical copies of an id from copies with other bytes.
    hash: [u8; 16],
    /// Its index in the transparency log, when auditing with one and its
    /// exact bytes are a leaf of the checkpointed tree.
    log_index: Option<u64>,
    /// A valid data receipt judged against its grant (pass 2 only).
    judged: Option<Judgement>,
}

/// What pass 1 settled and pass 2 only reads: the grants with their ends,
/// the void grants and the withdrawals' log positions. Held apart from
/// [`State`] during pass 2, so that the workers judge receipts against it
/// while the evaluating thread counts them.
#[derive(Default)]
struct Linked {
    grants: HashMap<ArtifactId, GrantRecord, DigestKeys>,
    /// Void grants and why.
    void: HashMap<ArtifactId, String>,
    /// Withdrawals' positions in the transparency log (the earliest
    /// authorised copy).
    withdrawal_log_index: HashMap<ArtifactId, u64>,
}

/// A valid data receipt judged on a worker against [`Linked`]: everything
/// that depends only on the receipt, its signers, its log position and
/// the linked grants. The evaluating thread does the rest (copies,
/// counts, per-day uses, findings), in the bundle's order.
enum Judgement {
    /// Its grant is not in the bundle (the evaluating thread says why).
    UnknownGrant,
    /// The grant is void, or an index into its lists is out of range: the
    /// receipt counts, its use does not.
    Unusable(FindingKind, String),
    /// Read against the grant: the use counts; a finding if not covered.
    Used(Option<(FindingKind, String)>),
}

/// What the workers check items against: the trust set, the log (if
/// any) and, in pass 2, what pass 1 linked.
#[derive(Clone, Copy)]
struct Against<'a> {
    trust: &'a TrustSet,
    log: Option<&'a LogView>,
    linked: Option<&'a Linked>,
}

/// Judges a valid data receipt against the linked grants (run by the
/// workers in pass 2; the same for every copy of the same bytes).
fn judge(
    a: &Artifact,
    signers: &[VerifiedSigner],
    log_index: Option<u64>,
    linked: &Linked,
) -> Option<Judgement> {
    let Body::DataReceipt(r) = a.body() else {
        return None;
    };
    let signer = trusted_party(signers).unwrap_or("?");
    let Some(rec) = linked.grants.get(&r.grant) else {
        return Some(Judgement::UnknownGrant);
    };
    // (Most audits have no void grant: no hashing then.)
    let void = (!linked.void.is_empty())
        .then(|| linked.void.get(&r.grant))
        .flatten();
    if let Some(why) = void {
        let msg = format!(
            "receipt {} by {signer} under grant {}, which is void: {why}",
            a.id(),
            r.grant
        );
        return Some(Judgement::Unusable(FindingKind::VoidGrantUsed, msg));
    }
    // Indexes into the grant's lists are read against the grant the receipt cites.
    let named = match r.resolve_borrowed(&rec.grant) {
        Ok(named) => named,
        Err(e) => {
            let msg = format!("receipt {} by {signer}: {e}", a.id());
            return Some(Judgement::Unusable(FindingKind::GrantIndexOutOfRange, msg));
        }
    };
    let u = UseBorrowed {
        category: named.category,
        purpose: named.purpose,
        recipient: named.recipient.unwrap_or(signer),
        signer,
        at: r.used_at,
        precision: r.precision,
    };
    let Err(d) = rec.permits_borrowed(u) else {
        return Some(Judgement::Used(None));
    };
    // A use the log received before the withdrawal that claims to precede it:
    // the withdrawal was backdated, not the use late.
    let backdated = match &d {
        Denial::AfterWithdrawal { by_artifact, .. } => {
            match (log_index, linked.withdrawal_log_index.get(by_artifact)) {
                (Some(ri), Some(wi)) => ri < *wi,
                _ => false,
            }
        }
        _ => false,
    };
    let kind = match d {
        Denial::BeforeGrant { .. } => FindingKind::BeforeGrant,
        Denial::AfterWithdrawal { .. } if backdated => FindingKind::WithdrawalBackdated,
        Denial::AfterWithdrawal { .. } | Denial::AfterRefusal { .. } => {
            FindingKind::AfterWithdrawal
        }
        Denial::AfterExpiry { .. } => FindingKind::AfterExpiry,
        Denial::Superseded { .. } => FindingKind::AfterSupersession,
        Denial::PurposeNotGranted { .. } => FindingKind::PurposeNotGranted,
        Denial::CategoryNotGranted { .. } => FindingKind::CategoryNotGranted,
        Denial::RecipientNotGranted { .. } => FindingKind::RecipientNotGranted,
        Denial::PrecisionExceeded { .. } => FindingKind::PrecisionExceeded,
    };
    let msg = format!(
        "receipt {} by {} under grant {}: {d}",
        a.id(),
        u.signer,
        r.grant
    );
    Some(Judgement::Used(Some((kind, msg))))
}

/// Decodes and checks one item: hashes its bytes once (the leaf hash,
/// which both finds it in the log and tells its copies apart), then, unless
/// a log trusted for admission holds those bytes, verifies its signatures.
///
/// `near` is the log index of the item checked just before this one, if
/// any: the log is searched there first (the answer does not depend on it).
fn check(offset: u64, bytes: &[u8], against: Against<'_>, near: Option<u64>) -> Item {
    let Against { trust, log, linked } = against;
    let leaf = crate::log::leaf_hash(bytes);
    let log_index = log.and_then(|l| l.index_of_leaf_near(&leaf, near));
    let mut hash = [0u8; 16];
    hash.copy_from_slice(&leaf[..16]);
    let checked = match Artifact::decode(bytes) {
        Err(error) => {
            let (kind, id) = identify::identify(bytes);
            Checked::Malformed { kind, id, error }
        }
        Ok(artifact) => match match log {
            // The log verified it on entry: check roles and parties, not the cryptography.
            Some(l) if l.trust_admission && log_index.is_some() => artifact.verify_admitted(trust),
            _ => artifact.verify(trust),
        } {
            Ok(signers) => Checked::Valid { artifact, signers },
            Err(error) => Checked::Unverified { artifact, error },
        },
    };
    let judged = match (&checked, linked) {
        (Checked::Valid { artifact, signers }, Some(l)) => judge(artifact, signers, log_index, l),
        _ => None,
    };
    Item {
        offset,
        checked,
        hash,
        log_index,
        judged,
    }
}

fn verify_finding_kind(e: &VerifyError) -> FindingKind {
    match e {
        // A person's signature made with a key other than the subject key
        // the artifact names: an unknown key, not a bad signature.
        VerifyError::UntrustedKey { .. } | VerifyError::SubjectKeyMismatch { .. } => {
            FindingKind::UntrustedKey
        }
        VerifyError::WrongRole { .. } | VerifyError::WrongParty { .. } => FindingKind::WrongSigner,
        _ => FindingKind::SignatureInvalid,
    }
}

/// The subject key an artifact carries (grant, refusal, person's withdrawal).
fn subject_key_of(a: &Artifact) -> Option<&PublicKey> {
    match a.body() {
        Body::Grant(g) => g.subject_key.as_ref(),
        Body::Refusal(r) => r.subject_key.as_ref(),
        Body::Withdrawal(w) => w.subject_key.as_ref(),
        _ => None,
    }
}

fn trusted_party(signers: &[VerifiedSigner]) -> Option<&str> {
    signers.iter().rev().find_map(|s| match &s.signatory {
        Signatory::Trusted { party, .. } => Some(party.as_str()),
        Signatory::Subject => None,
    })
}

/// Current time in seconds since the epoch.
pub fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .into()
}

/// A copy's signer, as a small code (two bytes per id: the audit keeps one
/// per artifact id): an index into `More::signer_names`, or one of these.
const SIGNER_UNTRUSTED: u16 = u16::MAX;
const SIGNER_SUBJECT: u16 = u16::MAX - 1;
/// A trusted key beyond the first 65,533 of a trust set.
const SIGNER_OTHER_TRUSTED: u16 = u16::MAX - 2;

/// The first copy of an id seen in the bundle.
struct Sight {
    /// The first 128 bits of the copy's leaf hash ([`Item::hash`]).
    hash: [u8; 16],
    /// Who made its last signature (a signer code).
    signer: u16,
    /// Whether the id's statistics were counted (by its first valid copy).
    counted: bool,
}

/// One finding, ordered by the report's sort key (offset last): the
/// findings kept under [`MAX_FINDINGS`] are the smallest by this order,
/// whatever the bundle's order.
struct Ranked(Finding);

impl Ranked {
    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        FindingKind,
        Option<ArtifactId>,
        Option<ArtifactKind>,
        Option<&str>,
        &str,
        u64,
    ) {
        let f = &self.0;
        (
            f.kind,
            f.artifact,
            f.artifact_kind,
            f.controller.as_deref(),
            f.message.as_str(),
            f.offset,
        )
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// A valid refusal, kept for linking.
struct RefusalInfo {
    id: ArtifactId,
    controller: String,
    subject: Pseudonym,
    offer: Digest,
    issued_at: Timestamp,
    subject_key: Option<PublicKey>,
}

/// Further copies of one id: its kind, how many, and their signer codes.
struct OtherCopies {
    kind: ArtifactKind,
    count: u64,
    /// Sorted, each once (a list: no B-tree type in the npm module).
    signers: Vec<u16>,
}

/// One person at one controller.
type Pair = (String, Pseudonym);

/// State beyond the basics: copies, the bounded findings, refusals, void grants.
#[derive(Default)]
struct More {
    /// The first copy of every id.
    copies: HashMap<ArtifactId, Sight, DigestKeys>,
    /// Further copies with other bytes, per id.
    other_copies: HashMap<ArtifactId, OtherCopies>,
    /// The hashes of those further copies (constant-time repeat detection,
    /// however many copies an id has).
    other_hashes: HashSet<(ArtifactId, [u8; 16]), DigestKeys>,
    /// Trusted signers seen on copies, by key id: index into `signer_names`.
    signer_codes: HashMap<HeaderKid, u16, DigestKeys>,
    signer_names: Vec<String>,
    /// The smallest findings, at most [`MAX_FINDINGS`].
    findings: BinaryHeap<Ranked>,
    /// Valid refusals, one per id.
    refusals: Vec<RefusalInfo>,
}

struct State<'t> {
    trust: &'t TrustSet,
    log: Option<&'t LogView>,
    at: Timestamp,
    report: ReportBuilder,
    offers: HashMap<Digest, (Offer, u64)>,
    /// Grants, void grants, withdrawals' log positions: moved out to the
    /// workers during pass 2 ([`Linked`]), empty meanwhile.
    linked: Linked,
    grant_offsets: HashMap<ArtifactId, u64>,
    /// Grants that were present but failed their own checks (the smallest
    /// message when several copies failed).
    bad_grants: HashMap<ArtifactId, String>,
    /// Withdrawals (every copy), kept until all grants are known: id,
    /// withdrawal, signers, offset, position in the transparency log.
    withdrawals: Vec<WithdrawalCopy>,
    /// Withdrawals whose statistics were counted.
    seen: HashSet<ArtifactId>,
    uses: HashMap<(ArtifactId, u64), u64, DigestKeys>,
    more: More,
    /// Signatures checked and admitted so far (every decoded copy).
    sigs: SignatureCounts,
    /// The log index of the item being evaluated ([`Item::log_index`]).
    log_index: Option<u64>,
    /// Receipts counted in pass 2, not yet added to the report.
    receipts: ReceiptTally,
}

/// Most controllers [`ReceiptTally`] counts in its list; the receipts of
/// any other are counted in the report's map, one look-up each, as before
/// the list (so a bundle of many controllers costs at most this many
/// comparisons more per receipt).
const RECENT_CONTROLLERS: usize = 16;

/// Receipts counted by the evaluating thread in pass 2, per controller and
/// per day, before they reach the report's maps: a short list searched by
/// name and the current run of one day, so that a receipt costs no hashing
/// of its controller's name or its day. [`State::add_receipt_tally`] adds
/// them to the report when pass 2 ends (sums: the same report whatever the
/// order).
#[derive(Default)]
struct ReceiptTally {
    /// Receipts per controller: the first [`RECENT_CONTROLLERS`] names
    /// pass 2 counts a receipt for.
    controllers: Vec<(String, u64)>,
    /// The current run of receipts dated on one day: (day, receipts).
    day: Option<(u64, u64)>,
}

type WithdrawalCopy = (
    ArtifactId,
    crate::artifact::Withdrawal,
    Vec<VerifiedSigner>,
    u64,
    Option<u64>,
);

impl<'t> State<'t> {
    fn finding(
        &mut self,
        kind: FindingKind,
        artifact: Option<ArtifactId>,
        artifact_kind: Option<ArtifactKind>,
        controller: Option<String>,
        offset: u64,
        message: String,
    ) {
        if let Some(c) = &controller {
            self.tally(c, |t| t.findings += 1);
        }
        *self.report.finding_counts.entry(kind).or_insert(0) += 1;
        self.more.findings.push(Ranked(Finding {
            kind,
            artifact,
            artifact_kind,
            controller,
            offset,
            message,
        }));
        if self.more.findings.len() > MAX_FINDINGS {
            self.more.findings.pop();
            self.report.findings_omitted += 1;
        }
    }

    fn controller(&mut self, c: &str) -> &mut ControllerTally {
        self.report.controllers.entry(c.to_owned()).or_default()
    }

    /// [`State::controller`] without allocating the name when the
    /// controller is known (once per receipt).
    fn tally(&mut self, c: &str, f: impl FnOnce(&mut ControllerTally)) {
        match self.report.controllers.get_mut(c) {
            Some(t) => f(t),
            None => f(self.controller(c)),
        }
    }

    fn day(&mut self, t: Timestamp) -> &mut DayActivity {
        self.report.days.entry(t.secs() / DAY).or_default()
    }

    /// Counts one receipt for its grant's controller and its day
    /// ([`ReceiptTally`]).
    fn count_receipt(&mut self, controller: &str, used_at: Timestamp) {
        let day = used_at.secs() / DAY;
        match &mut self.receipts.day {
            Some((d, n)) if *d == day => *n += 1,
            run => {
                if let Some((d, n)) = run.replace((day, 1)) {
                    self.report.days.entry(d).or_default().receipts += n;
                }
            }
        }
        let recent = &mut self.receipts.controllers;
        if let Some((_, n)) = recent.iter_mut().find(|(c, _)| c == controller) {
            *n += 1;
        } else if recent.len() < RECENT_CONTROLLERS {
            recent.push((controller.to_owned(), 1));
        } else {
            // Beyond the first few controllers: counted in the report's map.
            self.tally(controller, |t| t.receipts += 1);
        }
    }

    /// Adds the receipts counted in [`ReceiptTally`] to the report's maps.
    fn add_receipt_tally(&mut self) {
        if let Some((d, n)) = self.receipts.day.take() {
            self.report.days.entry(d).or_default().receipts += n;
        }
        for (c, n) in std::mem::take(&mut self.receipts.controllers) {
            self.tally(&c, |t| t.receipts += n);
        }
    }

    fn future(&mut self, a: &Artifact, t: Timestamp, offset: u64, controller: Option<&str>) {
        self.witnessed_clock(a, t, offset, controller);
        if t > self.at.saturating_add(CLOCK_SKEW) {
            let msg = format!(
                "{} is dated {}, more than {CLOCK_SKEW} s after the audit time {}",
                a.label_str(),
                fmt_time(t),
                fmt_time(self.at)
            );
            self.finding(
                FindingKind::FutureDated,
                Some(a.id()),
                Some(a.kind()),
                controller.map(str::to_owned),
                offset,
                msg,
            );
        }
    }

    /// Flags an artifact dated more than the tolerance before a witnessed
    /// checkpoint that does not contain it (see [`witnessed`]).
    fn witnessed_clock(
        &mut self,
        a: &Artifact,
        t: Timestamp,
        offset: u64,
        controller: Option<&str>,
    ) {
        let Some(l) = self.log else { return };
        let (Some(w), Some(index)) = (&l.witnesses, self.log_index) else {
            return;
        };
        if let Some((witnessed_at, size)) = w.backdated(index, t.secs()) {
            let msg = format!(
                "{} is dated {} but is at index {index} of log {}, not in its checkpoint of size {size} that witnesses cosigned at {} (more than the {} s tolerance later)",
                a.label_str(),
                fmt_time(t),
                l.checkpoint.origin,
                fmt_time(witnessed_at.into()),
                w.view.tolerance
            );
            self.finding(
                FindingKind::WitnessedBackdated,
                Some(a.id()),
                Some(a.kind()),
                controller.map(str::to_owned),
                offset,
                msg,
            );
        }
    }

    /// Flags an artifact that is not in the transparency log.
    fn in_log(&mut self, a: &Artifact, offset: u64) {
        if let Some(l) = self.log {
            if self.log_index.is_none() {
                let msg = format!(
                    "{} is not in log {} (checkpoint of size {})",
                    a.label_str(),
                    l.checkpoint.origin,
                    l.checkpoint.size
                );
                self.finding(
                    FindingKind::NotInLog,
                    Some(a.id()),
                    Some(a.kind()),
                    None,
                    offset,
                    msg,
                );
            }
        }
    }

    /// Who made a copy's last signature, as a signer code.
    fn signer_code(&mut self, a: &Artifact) -> u16 {
        let Some(slot) = a.signatures().last() else {
            return SIGNER_UNTRUSTED;
        };
        if let Some(&c) = self.more.signer_codes.get(&slot.kid) {
            return c;
        }
        match self.trust.find(&slot.kid) {
            Some(_) if self.more.signer_names.len() >= usize::from(SIGNER_OTHER_TRUSTED) => {
                SIGNER_OTHER_TRUSTED
            }
            Some(t) => {
                // Bounded by the trust set's size (and by the check above).
                let c = self.more.signer_names.len() as u16;
                self.more
                    .signer_names
                    .push(format!("{} (key {})", t.party, slot.kid.short()));
                self.more.signer_codes.insert(slot.kid, c);
                c
            }
            None if a
                .signatures()
                .first()
                .zip(subject_key_of(a))
                .is_some_and(|(s, k)| s.kid.matches(&k.kid())) =>
            {
                SIGNER_SUBJECT
            }
            None => SIGNER_UNTRUSTED,
        }
    }

    fn signer_name(&self, code: u16) -> &str {
        match code {
            SIGNER_OTHER_TRUSTED => "another trusted key",
            SIGNER_UNTRUSTED => "a key not in the trust set",
            SIGNER_SUBJECT => "the person's subject key",
            c => self
                .more
                .signer_names
                .get(c as usize)
                .map(String::as_str)
                .unwrap_or("?"),
        }
    }

    /// Records one copy of an artifact. A byte-identical repeat of a copy
    /// already seen is counted, reported `duplicate_id` and not evaluated
    /// again (returns false); a copy with other bytes (other signatures)
    /// is recorded for `conflicting_copies` and evaluated on its own.
    fn sight(&mut self, item: &Item) -> bool {
        let (offset, hash) = (item.offset, item.hash);
        let a = match &item.checked {
            Checked::Valid { artifact, .. } | Checked::Unverified { artifact, .. } => artifact,
            _ => return true,
        };
        let signer = self.signer_code(a);
        let id = a.id();
        let repeat = match self.more.copies.get(&id) {
            None => {
                self.more.copies.insert(
                    id,
                    Sight {
                        hash,
                        signer,
                        counted: false,
                    },
                );
                return true;
            }
            Some(first) => first.hash == hash || self.more.other_hashes.contains(&(id, hash)),
        };
        if !repeat {
            self.more.other_hashes.insert((id, hash));
            let o = self
                .more
                .other_copies
                .entry(id)
                .or_insert_with(|| OtherCopies {
                    kind: a.kind(),
                    count: 0,
                    signers: Vec::new(),
                });
            o.count += 1;
            if let Err(at) = o.signers.binary_search(&signer) {
                o.signers.insert(at, signer);
            }
            return true;
        }
        *self.report.counts.entry(a.kind()).or_insert(0) += 1;
        let msg = format!("{} appears more than once in the bundle", a.label_str());
        self.finding(
            FindingKind::DuplicateId,
            Some(id),
            Some(a.kind()),
            None,
            offset,
            msg,
        );
        false
    }

    /// Whether this valid copy is the first of its id to be counted in the
    /// statistics (each id counts once, whichever of its copies is valid).
    fn first_valid(&mut self, id: ArtifactId) -> bool {
        match self.more.copies.get_mut(&id) {
            Some(s) if s.counted => false,
            Some(s) => {
                s.counted = true;
                true
            }
            None => true,
        }
    }

    fn bad_item<'i>(
        &mut self,
        offset: u64,
        checked: &'i Checked,
    ) -> Option<(&'i Artifact, &'i [VerifiedSigner])> {
        match checked {
            Checked::Valid { artifact, signers } => {
                *self.report.counts.entry(artifact.kind()).or_insert(0) += 1;
                self.in_log(artifact, offset);
                Some((artifact, signers))
            }
            Checked::Malformed { kind, id, error } => {
                let (kind, id) = (*kind, *id);
                match kind {
                    Some(k) => *self.report.counts.entry(k).or_insert(0) += 1,
                    None => self.report.unreadable += 1,
                }
                let what = kind.map(|k| k.name()).unwrap_or("item");
                self.finding(
                    FindingKind::Malformed,
                    id,
                    kind,
                    None,
                    offset,
                    format!("{what} at byte {offset}: {error}"),
                );
                None
            }
            Checked::Unverified { artifact, error } => {
                *self.report.counts.entry(artifact.kind()).or_insert(0) += 1;
                if artifact.kind() == ArtifactKind::Grant {
                    // The smallest message, whatever the copies' order.
                    let e = error.to_string();
                    match self.bad_grants.get_mut(&artifact.id()) {
                        Some(m) if *m <= e => {}
                        Some(m) => *m = e,
                        None => {
                            self.bad_grants.insert(artifact.id(), e);
                        }
                    }
                }
                let k = verify_finding_kind(error);
                let controller = match artifact.body() {
                    Body::Offer(o) => Some(o.controller.clone()),
                    Body::Grant(g) => Some(g.controller.clone()),
                    Body::Refusal(r) => Some(r.controller.clone()),
                    _ => None,
                };
                self.finding(
                    k,
                    Some(artifact.id()),
                    Some(artifact.kind()),
                    controller,
                    offset,
                    error.to_string(),
                );
                None
            }
        }
    }

    /// Pass 1: offers, grants, refusals, withdrawals.
    /// Counts the signatures of a decoded item as checked or admitted
    /// (every copy, duplicates included), for the report's provenance.
    fn count_signatures(&mut self, item: &Item) {
        if let Checked::Valid { artifact, .. } | Checked::Unverified { artifact, .. } =
            &item.checked
        {
            self.sigs
                .add(signature_counts(artifact, self.log, item.log_index));
        }
    }

    fn context(&mut self, item: &Item) {
        self.count_signatures(item);
        if !self.sight(item) {
            return;
        }
        self.log_index = item.log_index;
        let offset = item.offset;
        let Some((a, signers)) = self.bad_item(offset, &item.checked) else {
            return;
        };
        // Every valid copy is evaluated; an id's statistics count once.
        let first = self.first_valid(a.id());
        match a.body().clone() {
            Body::Offer(o) if first => {
                self.controller(&o.controller).offers += 1;
                self.future(a, o.issued_at, offset, Some(&o.controller));
                self.offers.insert(a.digest(), (o, offset));
            }
            Body::Grant(g) if first => {
                self.controller(&g.controller).grants += 1;
                self.future(a, g.issued_at, offset, Some(&g.controller));
                self.day(g.issued_at).grants += 1;
                self.grant_offsets.insert(a.id(), offset);
                self.linked
                    .grants
                    .insert(a.id(), GrantRecord::new(a.id(), g));
            }
            Body::Refusal(r) if first => {
                self.controller(&r.controller).refusals += 1;
                self.future(a, r.issued_at, offset, Some(&r.controller));
                self.more.refusals.push(RefusalInfo {
                    id: a.id(),
                    controller: r.controller,
                    subject: r.subject,
                    offer: r.offer,
                    issued_at: r.issued_at,
                    subject_key: r.subject_key,
                });
            }
            Body::Withdrawal(w) => {
                if first {
                    self.future(a, w.issued_at, offset, None);
                }
                let log_index = self.log_index;
                self.withdrawals
                    .push((a.id(), w, signers.to_vec(), offset, log_index));
            }
            _ => {}
        }
    }

    /// Why a grant is not in the bundle, for messages: the smallest error
    /// of its copies that failed their checks, if any.
    fn why_unknown(&self, grant: &ArtifactId) -> String {
        if let Some(e) = self.bad_grants.get(grant) {
            return format!(" (the grant failed its checks: {e})");
        }
        if self.offers.keys().any(|d| d.id() == *grant) {
            return " (that id is an offer's: cite the id of the grant that accepts the offer)"
                .to_owned();
        }
        String::new()
    }

    /// Between the passes: link grants to offers, the person's own
    /// decisions, withdrawals, void imported grants, supersessions and
    /// refusals.
    fn link(&mut self) {
        let mut ids: Vec<ArtifactId> = self.linked.grants.keys().copied().collect();
        crate::sort::sort(&mut ids);
        let mut unknown_offer = Vec::new();
        let mut exceeds = Vec::new();
        let mut supersede = Vec::new();
        for id in &ids {
            let Some(rec) = self.linked.grants.get_mut(id) else {
                continue;
            };
            let offset = self.grant_offsets.get(id).copied().unwrap_or(0);
            match self.offers.get(&rec.grant.offer) {
                Some((o, _)) => {
                    let problems =
                        grant_exceeds_offer(&rec.grant, o, &rec.grant.offer, &rec.grant.offer);
                    if !problems.is_empty() {
                        exceeds.push((
                            *id,
                            rec.grant.controller.clone(),
                            offset,
                            problems.join("; "),
                        ));
                    }
                    rec.offer = Some(o.clone());
                }
                None => unknown_offer.push((
                    *id,
                    rec.grant.controller.clone(),
                    offset,
                    hex::encode(&rec.grant.offer.0[..8]),
                )),
            }
            if let Some(old) = rec.grant.supersedes {
                supersede.push((
                    old,
                    rec.grant.issued_at,
                    *id,
                    rec.grant.subject,
                    offset,
                    rec.grant.controller.clone(),
                ));
            }
        }
        for (id, c, off, d) in unknown_offer {
            self.finding(
                FindingKind::UnknownOffer,
                Some(id),
                Some(ArtifactKind::Grant),
                Some(c),
                off,
                format!("grant {id} accepts offer {d}…, which is not in the bundle"),
            );
        }
        for (id, c, off, p) in exceeds {
            self.finding(
                FindingKind::GrantExceedsOffer,
                Some(id),
                Some(ArtifactKind::Grant),
                Some(c),
                off,
                format!("grant {id} exceeds its offer: {p}"),
            );
        }

        // The person's own signed decisions per (controller, subject): the
        // keys they bind, and the earliest (time, id, kind).
        let mut bound: HashMap<Pair, Vec<PublicKey>> = HashMap::new();
        let mut first: HashMap<Pair, (Timestamp, ArtifactId, ArtifactKind)> = HashMap::new();
        let decide = |first: &mut HashMap<Pair, (Timestamp, ArtifactId, ArtifactKind)>,
                      pair: Pair,
                      d: (Timestamp, ArtifactId, ArtifactKind)| {
            let e = first.entry(pair).or_insert(d);
            if (d.0, d.1) < (e.0, e.1) {
                *e = d;
            }
        };
        for rec in self.linked.grants.values().filter(|r| !r.grant.imported) {
            let pair = (rec.grant.controller.clone(), rec.grant.subject);
            if let Some(k) = &rec.grant.subject_key {
                bound.entry(pair.clone()).or_default().push(k.clone());
            }
            decide(
                &mut first,
                pair,
                (rec.grant.issued_at, rec.id, ArtifactKind::Grant),
            );
        }
        for r in &self.more.refusals {
            let pair = (r.controller.clone(), r.subject);
            if let Some(k) = &r.subject_key {
                bound.entry(pair.clone()).or_default().push(k.clone());
            }
            decide(&mut first, pair, (r.issued_at, r.id, ArtifactKind::Refusal));
        }

        // Withdrawals: every copy on its own.
        let withdrawals = std::mem::take(&mut self.withdrawals);
        for (wid, w, signers, off, log_index) in withdrawals {
            let Some(rec) = self.linked.grants.get(&w.grant) else {
                let why = self.why_unknown(&w.grant);
                self.finding(
                    FindingKind::UnknownGrant,
                    Some(wid),
                    Some(ArtifactKind::Withdrawal),
                    None,
                    off,
                    format!(
                        "withdrawal {wid} refers to grant {}, which is not in the bundle{why}",
                        w.grant
                    ),
                );
                continue;
            };
            let controller = rec.grant.controller.clone();
            let pair = (controller.clone(), rec.grant.subject);
            let keys = bound.get(&pair);
            let authorised = match w.by {
                WithdrawnBy::Person if rec.grant.imported => match keys {
                    // A key bound to this person at this controller.
                    Some(keys) => w.subject_key.as_ref().is_some_and(|k| keys.contains(k)),
                    // No key bound: any person's withdrawal (it only narrows).
                    None => w.subject_key.is_some(),
                },
                WithdrawnBy::Person => {
                    w.subject_key.is_some() && w.subject_key == rec.grant.subject_key
                }
                WithdrawnBy::Controller => trusted_party(&signers) == Some(controller.as_str()),
            };
            if !authorised {
                let who = match w.by {
                    WithdrawnBy::Person if rec.grant.imported => format!(
                        "a key that no person-signed grant or refusal in the bundle binds to the grant's subject at {controller}"
                    ),
                    WithdrawnBy::Person => "a key that is not the grant's subject key".to_owned(),
                    WithdrawnBy::Controller => format!(
                        "{}, not the grant's controller {controller}",
                        trusted_party(&signers).unwrap_or("?")
                    ),
                };
                self.finding(
                    FindingKind::WrongSigner,
                    Some(wid),
                    Some(ArtifactKind::Withdrawal),
                    Some(controller),
                    off,
                    format!("withdrawal {wid} of grant {} is signed by {who}", w.grant),
                );
                continue;
            }
            if let Some(rec) = self.linked.grants.get_mut(&w.grant) {
                rec.add_withdrawal(w.takes_effect(), w.by, wid);
            }
            if let Some(i) = log_index {
                let e = self.linked.withdrawal_log_index.entry(wid).or_insert(i);
                *e = (*e).min(i);
            }
            if w.by == WithdrawnBy::Person {
                decide(
                    &mut first,
                    pair,
                    (w.issued_at, wid, ArtifactKind::Withdrawal),
                );
            }
            if self.seen.insert(wid) {
                match w.by {
                    WithdrawnBy::Person => self.controller(&controller).withdrawals += 1,
                    WithdrawnBy::Controller => self.controller(&controller).revocations += 1,
                }
                self.day(w.takes_effect()).withdrawals += 1;
            }
        }

        // Imported grants over the person's own word are void.
        let mut void = Vec::new();
        for id in &ids {
            let Some(rec) = self.linked.grants.get(id) else {
                continue;
            };
            if !rec.grant.imported {
                continue;
            }
            let g = &rec.grant;
            let why = match g.supersedes.and_then(|old| self.linked.grants.get(&old)) {
                Some(old) if !old.grant.imported => Some(format!(
                    "imported grant {id} claims to supersede grant {}, which the person signed: an imported grant cannot replace or widen the person's own grant",
                    old.id
                )),
                _ => match first.get(&(g.controller.clone(), g.subject)) {
                    Some((t, did, kind)) if g.issued_at >= *t => Some(format!(
                        "imported grant {id} is dated {}, at or after the person's own signed {kind} {did} of {} at {}: once the person has signed at a controller, only the person's signature gives consent there",
                        fmt_time(g.issued_at),
                        fmt_time(*t),
                        g.controller
                    )),
                    _ => None,
                },
            };
            if let Some(why) = why {
                let off = self.grant_offsets.get(id).copied().unwrap_or(0);
                void.push((*id, g.controller.clone(), off, why));
            }
        }
        for (id, c, off, why) in void {
            self.finding(
                FindingKind::ImportedOverPerson,
                Some(id),
                Some(ArtifactKind::Grant),
                Some(c),
                off,
                why.clone(),
            );
            self.linked.void.insert(id, why);
        }

        // Supersessions: a void grant supersedes nothing.
        for (old, at, new, subject, off, c) in supersede {
            let void = self.linked.void.contains_key(&new);
            match self.linked.grants.get_mut(&old) {
                Some(rec) if rec.grant.subject == subject && rec.grant.controller == c => {
                    if !void {
                        rec.add_superseded(at, new);
                    }
                }
                Some(_) => self.finding(
                    FindingKind::SupersedesOtherPerson,
                    Some(new),
                    Some(ArtifactKind::Grant),
                    Some(c),
                    off,
                    format!("grant {new} claims to supersede grant {old}, which is another person's or another controller's; the supersession has no effect"),
                ),
                None => {
                    let why = self.why_unknown(&old);
                    self.finding(
                        FindingKind::UnknownGrant,
                        Some(new),
                        Some(ArtifactKind::Grant),
                        Some(c),
                        off,
                        format!("grant {new} supersedes grant {old}, which is not in the bundle{why}"),
                    )
                }
            }
        }

        // A refusal ends the same person's earlier grants of the same offer.
        let mut by_pair: HashMap<Pair, Vec<ArtifactId>> = HashMap::new();
        for rec in self.linked.grants.values() {
            by_pair
                .entry((rec.grant.controller.clone(), rec.grant.subject))
                .or_default()
                .push(rec.id);
        }
        for r in &self.more.refusals {
            for gid in by_pair
                .get(&(r.controller.clone(), r.subject))
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if let Some(rec) = self.linked.grants.get_mut(gid) {
                    if rec.is_ended_by_refusal(&r.controller, &r.subject, &r.offer, r.issued_at) {
                        rec.add_refusal(r.issued_at, r.id);
                    }
                }
            }
        }
    }

    /// Pass 2: one decoded-and-verified receipt or value record.
    fn usage(&mut self, item: &Item, linked: &Linked) {
        self.count_signatures(item);
        if !self.sight(item) {
            return;
        }
        self.log_index = item.log_index;
        let offset = item.offset;
        let Some((a, signers)) = self.bad_item(offset, &item.checked) else {
            return;
        };
        let signer = trusted_party(signers).unwrap_or("?");
        match a.body() {
            Body::DataReceipt(r) => {
                // Judged by the worker that checked it (here if it was not).
                let here;
                let judged = match &item.judged {
                    Some(j) => j,
                    None => {
                        here = judge(a, signers, item.log_index, linked);
                        let Some(j) = &here else { return };
                        j
                    }
                };
                let (Some(rec), false) = (
                    linked.grants.get(&r.grant),
                    matches!(judged, Judgement::UnknownGrant),
                ) else {
                    let why = self.why_unknown(&r.grant);
                    self.finding(FindingKind::UnknownGrant, Some(a.id()), Some(a.kind()), None, offset, format!("receipt {} by {signer} refers to grant {}, which is not in the bundle{why}", a.id(), r.grant));
                    return;
                };
                let controller = rec.grant.controller.as_str();
                let used_at = r.used_at;
                if self.first_valid(a.id()) {
                    self.count_receipt(controller, used_at);
                    self.future(a, used_at, offset, Some(controller));
                    if let Judgement::Used(_) = judged {
                        *self
                            .uses
                            .entry((r.grant, used_at.secs() / DAY))
                            .or_insert(0) += u64::from(r.quantity);
                    }
                }
                let (kind, msg) = match judged {
                    Judgement::Unusable(kind, msg) | Judgement::Used(Some((kind, msg))) => {
                        (*kind, msg.clone())
                    }
                    Judgement::Used(None) | Judgement::UnknownGrant => return,
                };
                self.finding(
                    kind,
                    Some(a.id()),
                    Some(a.kind()),
                    Some(controller.to_owned()),
                    offset,
                    msg,
                );
            }
            Body::ValueRecord(v) => {
                let Some(rec) = linked.grants.get(&v.grant) else {
                    self.finding(FindingKind::ValueForUnknownGrant, Some(a.id()), Some(a.kind()), Some(signer.to_owned()), offset, format!("value record {} by {signer} refers to grant {}, which is not in the bundle", a.id(), v.grant));
                    return;
                };
                let controller = rec.grant.controller.as_str();
                if signer != controller {
                    self.finding(
                        FindingKind::WrongSigner,
                        Some(a.id()),
                        Some(a.kind()),
                        Some(controller.to_owned()),
                        offset,
                        format!(
                            "value record {} is signed by {signer}, not the grant's controller",
                            a.id()
                        ),
                    );
                    return;
                }
                if !self.first_valid(a.id()) {
                    return;
                }
                let (unit, amount, at) = (v.benefit.unit.clone(), v.benefit.amount, v.issued_at);
                let stats = self.controller(controller);
                stats.value_records += 1;
                let total = stats.value_delivered.entry(unit).or_insert(0);
                *total = total.saturating_add(amount);
                self.future(a, at, offset, Some(controller));
            }
            _ => {}
        }
    }

    /// Pass 2: an item the reader could not hand over (over the size
    /// limit, or where the bundle stops being a CBOR sequence).
    fn framing_problem(&mut self, problem: Framed) {
        match problem {
            Framed::Item { .. } => {}
            Framed::Oversize { offset, len } => {
                self.report.items += 1;
                self.report.unreadable += 1;
                self.finding(
                    FindingKind::Malformed,
                    None,
                    None,
                    None,
                    offset,
                    format!(
                        "item at byte {offset}: {len} bytes, over the {}-byte artifact limit (skipped; the rest of the bundle was read)",
                        crate::artifact::MAX_ARTIFACT_SIZE
                    ),
                );
            }
            Framed::NotCbor(e) => {
                self.report.unreadable += 1;
                self.finding(
                    FindingKind::Malformed,
                    None,
                    None,
                    None,
                    e.item_offset,
                    format!(
                        "bundle unreadable at byte {}: {}; the bytes from byte {} on are not a CBOR sequence and were not audited",
                        e.offset, e.kind, e.item_offset
                    ),
                );
            }
        }
    }

    fn finish(mut self) -> Report {
        let mut over: Vec<(ArtifactId, u64, u64, u32)> = Vec::new();
        for ((gid, day), n) in &self.uses {
            if let Some(limit) = self
                .linked
                .grants
                .get(gid)
                .and_then(GrantRecord::uses_per_day)
            {
                if *n > u64::from(limit) {
                    over.push((*gid, *day, *n, limit));
                }
            }
        }
        for (gid, day, n, limit) in over {
            let (c, off) = (
                self.linked
                    .grants
                    .get(&gid)
                    .map(|g| g.grant.controller.clone()),
                self.grant_offsets.get(&gid).copied().unwrap_or(0),
            );
            self.finding(
                FindingKind::LimitExceeded,
                Some(gid),
                Some(ArtifactKind::Grant),
                c,
                off,
                format!(
                    "grant {gid}: {n} uses on {}, the offer allows {limit} per day",
                    fmt_day(day)
                ),
            );
        }
        // One finding per id with copies of different bytes.
        let conflicts = std::mem::take(&mut self.more.other_copies);
        for (id, others) in conflicts {
            let Some(first) = self.more.copies.get(&id) else {
                continue;
            };
            let mut names: Vec<&str> = std::iter::once(first.signer)
                .chain(others.signers.iter().copied())
                .map(|c| self.signer_name(c))
                .collect();
            crate::sort::sort(&mut names);
            names.dedup();
            let msg = format!(
                "{} {id}: {} distinct copies in the bundle, with the same payload and different signatures (signing keys: {}); each copy was checked on its own",
                others.kind,
                others.count + 1,
                names.join(", ")
            );
            self.finding(
                FindingKind::ConflictingCopies,
                Some(id),
                Some(others.kind),
                None,
                0,
                msg,
            );
        }
        // A void grant has no state: it never gave consent.
        let states: Vec<(String, ConsentState)> = self
            .linked
            .grants
            .values()
            .filter(|g| !self.linked.void.contains_key(&g.id))
            .map(|g| (g.grant.controller.clone(), g.state_at(self.at)))
            .collect();
        for (c, s) in states {
            *self.controller(&c).grant_states.entry(s).or_insert(0) += 1;
        }
        // Deterministic, order-independent output: the smallest findings, sorted.
        let findings = std::mem::take(&mut self.more.findings);
        self.report.findings = findings
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect();
        self.report.build()
    }
}

/// Formats seconds since the epoch as an RFC 3339 UTC time.
pub fn fmt_time(t: Timestamp) -> String {
    let (y, m, d) = civil(t.secs() / DAY);
    let s = t.secs() % DAY;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Formats a day number as YYYY-MM-DD.
pub fn fmt_day(day: u64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
fn civil(days: u64) -> (i64, u32, u32) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A progress callback: bytes read so far in the current pass, and the pass (1 or 2).
pub type Progress<'a> = &'a (dyn Fn(u64, u8) + Sync);

/// Audits a bundle that can be opened (read from the start) twice, e.g. a file.
pub fn audit_source<R: Read + Send, F: FnMut() -> io::Result<R>>(
    open: F,
    trust: &TrustSet,
    opts: &AuditOptions,
    progress: Option<Progress<'_>>,
) -> Result<Report, AuditError> {
    audit_source_with_log(open, trust, opts, None, progress)
}

/// Like [`audit_source`], and also checks the bundle against a
/// transparency log: every artifact must be in it (`not_in_log`), and the
/// log's history must be consistent (`log_inconsistent`). With
/// [`LogView::trust_admission`], logged artifacts skip their signature
/// check (the log verified them on entry).
pub fn audit_source_with_log<R: Read + Send, F: FnMut() -> io::Result<R>>(
    open: F,
    trust: &TrustSet,
    opts: &AuditOptions,
    log: Option<&LogView>,
    progress: Option<Progress<'_>>,
) -> Result<Report, AuditError> {
    audit_source_with_status(open, trust, opts, log, &[], progress)
}

/// Like [`audit_source_with_log`], and also holds the controllers' Status
/// List Tokens (IETF Token Status List, [`crate::status`]) against the
/// bundle's withdrawals: a token that still says VALID for a grant ended
/// more than its `ttl` before its `iat` is a `stale_status` finding. Each
/// token must be signed by a trusted controller key; one that is not, or
/// that cannot be read, is a `malformed`, `untrusted_key` or
/// `signature_invalid` finding naming the token.
pub fn audit_source_with_status<R: Read + Send, F: FnMut() -> io::Result<R>>(
    mut open: F,
    trust: &TrustSet,
    opts: &AuditOptions,
    log: Option<&LogView>,
    status_lists: &[Vec<u8>],
    progress: Option<Progress<'_>>,
) -> Result<Report, AuditError> {
    let at = opts.at.unwrap_or_else(now);
    let mut st = State {
        trust,
        log,
        at,
        report: ReportBuilder::new(at),
        offers: HashMap::new(),
        linked: Linked::default(),
        grant_offsets: HashMap::new(),
        bad_grants: HashMap::new(),
        withdrawals: Vec::new(),
        seen: HashSet::new(),
        uses: HashMap::default(),
        more: More::default(),
        sigs: SignatureCounts::default(),
        log_index: None,
        receipts: ReceiptTally::default(),
    };
    if let Some(l) = st.log {
        for p in &l.problems {
            let msg = format!("log {}: {p}", l.checkpoint.origin);
            st.finding(FindingKind::LogInconsistent, None, None, None, 0, msg);
        }
        if let Some(p) = l.witnesses.as_ref().and_then(|w| w.problem.as_ref()) {
            let msg = format!(
                "log {}: checkpoint of size {}: {p}",
                l.checkpoint.origin, l.checkpoint.size
            );
            st.finding(FindingKind::NotWitnessed, None, None, None, 0, msg);
        }
    }
    // Pass 1: the context artifacts, checked in parallel batches and
    // evaluated in the bundle's order.
    // Items that name an artifact kind: pass 2 records the ids of those it
    // reads, so the map of ids is sized once (not rehashed while it grows).
    let mut artifacts = 0usize;
    let first = pipeline(
        &mut st,
        SeqReader::new(open()?),
        move |r, f| {
            let mut batch_bytes = 0usize;
            while f.items.len() < BATCH && batch_bytes < BATCH_BYTES {
                let Some(item) = r.next_item()? else {
                    return Ok(false);
                };
                if let Framed::Item { offset, bytes } = item {
                    if let Some(p) = progress {
                        p(offset + bytes.len() as u64, 1);
                    }
                    let kind = peek_kind(&bytes);
                    f.artifacts += usize::from(kind.is_some());
                    if is_context(kind) {
                        batch_bytes += bytes.len();
                        f.items.push((offset, bytes));
                    }
                }
            }
            Ok(true)
        },
        |_, f| artifacts += f.artifacts,
        Against {
            trust,
            log,
            linked: None,
        },
        State::context,
    )?;
    st.link();
    // Pass 2 reads what pass 1 linked, on the workers as well.
    let linked = std::mem::take(&mut st.linked);
    let copies = &mut st.more.copies;
    copies.reserve(artifacts.min(MAX_RESERVED_IDS).saturating_sub(copies.len()));
    // Pass 2: receipts, value records and anything unreadable, checked in
    // parallel batches while the next batch is read and the last one evaluated.
    let second = pipeline(
        &mut st,
        SeqReader::new(open()?),
        move |r, f| {
            let mut batch_bytes = 0usize;
            let mut more = true;
            while f.items.len() < BATCH && batch_bytes < BATCH_BYTES {
                match r.next_item()? {
                    None => {
                        more = false;
                        break;
                    }
                    Some(Framed::Item { offset, bytes }) => {
                        f.framed += 1;
                        if !is_context(peek_kind(&bytes)) {
                            batch_bytes += bytes.len();
                            f.items.push((offset, bytes));
                        }
                    }
                    Some(other) => f.problems.push(other),
                }
            }
            if let Some(p) = progress {
                p(r.offset(), 2);
            }
            Ok(more)
        },
        |st, f| {
            st.report.items += f.framed;
            for problem in f.problems {
                st.framing_problem(problem);
            }
        },
        Against {
            trust,
            log,
            linked: Some(&linked),
        },
        |st, item| st.usage(item, &linked),
    )?;
    st.add_receipt_tally();
    st.linked = linked;
    if first != second {
        return Err(AuditError::BundleChanged {
            first_bytes: first.bytes,
            first_sha256: hex::encode(first.sha256),
            second_bytes: second.bytes,
            second_sha256: hex::encode(second.sha256),
        });
    }
    st.status_lists(status_lists);
    let sigs = st.sigs;
    let mut report = st.finish();
    report.bundle_bytes = second.bytes;
    report.provenance = Provenance {
        tool: "consentkit".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        bundle_sha256: hex::encode(second.sha256),
        trust: trust_provenance(trust),
        log: log.map(log_provenance),
        signatures: sigs,
    };
    report.outcome = report.compute_outcome();
    Ok(report)
}

/// How an artifact's signatures are accepted: checked, or admitted
/// because its exact bytes are in a log trusted for admission (the same
/// condition as in `check`).
fn signature_counts(a: &Artifact, log: Option<&LogView>, index: Option<u64>) -> SignatureCounts {
    let n = a.signatures().len() as u64;
    match log {
        Some(l) if l.trust_admission && index.is_some() => SignatureCounts {
            checked: 0,
            admitted: n,
        },
        _ => SignatureCounts {
            checked: n,
            admitted: 0,
        },
    }
}

/// Items read for one parallel batch: (offset, bytes).
type Batch = Vec<(u64, Vec<u8>)>;

/// Items checked by one thread, in the bundle's order: the index of the
/// rayon thread that decoded them (which frees them, see [`free_on_makers`]).
type CheckedChunk = (Option<usize>, Vec<Item>);

/// Items per chunk a worker checks (and later frees) on its own.
#[cfg(feature = "parallel")]
const CHUNK: usize = 64;

fn check_batch(batch: &Batch, against: Against<'_>) -> Vec<CheckedChunk> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        batch
            .par_chunks(CHUNK)
            .map(|chunk| (rayon::current_thread_index(), check_run(chunk, against)))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    vec![(None, check_run(batch, against))]
}

/// [`check`] of consecutive items, each searched in the log first just
/// after the one before it.
fn check_run(items: &[(u64, Vec<u8>)], against: Against<'_>) -> Vec<Item> {
    let mut near = None;
    items
        .iter()
        .map(|(o, b)| {
            let item = check(*o, b, against, near);
            near = item.log_index.or(near);
            item
        })
        .collect()
}

/// Frees evaluated items on the threads that decoded them: the allocator
/// then reuses their memory there, without taking another thread's arena.
/// Asynchronous: each worker frees its part when it next looks for work,
/// and the reading thread goes on reading meanwhile (waiting for every
/// worker here kept the workers idle while it read the next batch).
#[cfg(feature = "parallel")]
fn free_on_makers(done: Vec<CheckedChunk>) {
    use std::sync::{Arc, Mutex};
    if done.is_empty() {
        return;
    }
    let threads = rayon::current_num_threads();
    let mut own: Vec<Vec<Vec<Item>>> = (0..threads).map(|_| Vec::new()).collect();
    let mut rest = Vec::new();
    for (thread, items) in done {
        match thread.and_then(|t| own.get_mut(t)) {
            Some(mine) => mine.push(items),
            None => rest.push(items),
        }
    }
    let own: Arc<Vec<Mutex<Vec<Vec<Item>>>>> = Arc::new(own.into_iter().map(Mutex::new).collect());
    rayon::spawn_broadcast(move |ctx| {
        if let Some(Ok(mut mine)) = own.get(ctx.index()).map(Mutex::lock) {
            drop(std::mem::take(&mut *mine));
        }
    });
    drop(rest);
}

/// What the reading thread framed for one batch.
#[derive(Default)]
struct Framing {
    /// The items to check: (offset, bytes).
    items: Batch,
    /// Items framed (pass 2 counts every item of the bundle).
    framed: u64,
    /// Items that name an artifact kind (pass 1 counts them).
    artifacts: usize,
    /// Items the reader could not hand over ([`Framed::Oversize`],
    /// [`Framed::NotCbor`]), for the evaluating thread to report.
    problems: Vec<Framed>,
}

/// Runs one pass over a bundle and returns its size and SHA-256: `fill`
/// frames the next batch from `r` (false once the input is exhausted),
/// the batch is decoded and checked on all cores ([`check`]), then `apply`
/// takes what the reader counted and `eval` evaluates the items one by
/// one in the bundle's order (on this thread). With the `parallel`
/// feature the three overlap, each on a thread of its own: batch k + 1 is
/// framed and hashed while batch k is checked and batch k − 1 evaluated,
/// so neither the reading nor the evaluation waits for the other.
fn pipeline<'t, R: Read + Send>(
    st: &mut State<'t>,
    mut r: SeqReader<R>,
    mut fill: impl FnMut(&mut SeqReader<R>, &mut Framing) -> io::Result<bool> + Send,
    mut apply: impl FnMut(&mut State<'t>, Framing),
    against: Against<'_>,
    mut eval: impl FnMut(&mut State<'t>, &Item),
) -> io::Result<SeqSummary> {
    #[cfg(feature = "parallel")]
    {
        use std::sync::mpsc::sync_channel;
        // Rendezvous channels: a batch is handed over when the next stage
        // takes it, so at most one batch waits between stages (memory).
        let (to_check, batches) = sync_channel::<Framing>(0);
        let (to_eval, checked) = sync_channel::<(Framing, Vec<CheckedChunk>)>(0);
        std::thread::scope(|s| {
            // The reading thread: framing and the bundle's SHA-256. It ends
            // (closing the channel) at the end of the input or on a read error.
            let reader = s.spawn(move || {
                loop {
                    let mut f = Framing {
                        items: Vec::with_capacity(BATCH),
                        ..Framing::default()
                    };
                    let more = fill(&mut r, &mut f)?;
                    if to_check.send(f).is_err() || !more {
                        break;
                    }
                }
                drop(to_check);
                r.finish()
            });
            s.spawn(move || {
                for mut f in batches {
                    let items = std::mem::take(&mut f.items);
                    let done = check_batch(&items, against);
                    drop(items);
                    if to_eval.send((f, done)).is_err() {
                        break;
                    }
                }
            });
            for (f, items) in checked {
                apply(st, f);
                for item in items.iter().flat_map(|(_, chunk)| chunk) {
                    eval(st, item);
                }
                // The workers free what they decoded, each its own,
                // now (not this thread: the pipeline's serial part).
                free_on_makers(items);
            }
            match reader.join() {
                Ok(summary) => summary,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
    #[cfg(not(feature = "parallel"))]
    {
        loop {
            let mut f = Framing::default();
            let more = fill(&mut r, &mut f)?;
            let items = std::mem::take(&mut f.items);
            let done = check_batch(&items, against);
            apply(st, f);
            for item in done.iter().flat_map(|(_, chunk)| chunk) {
                eval(st, item);
            }
            if !more {
                break;
            }
        }
        r.finish()
    }
}

/// Audits a bundle held in memory.
pub fn audit_bytes(bundle: &[u8], trust: &TrustSet, opts: &AuditOptions) -> Report {
    // Reading from a slice cannot fail.
    audit_source(|| Ok::<_, io::Error>(bundle), trust, opts, None).unwrap_or_default()
}

/// Encodes artifacts as a CBOR sequence (their bytes, concatenated).
pub fn to_sequence<'a>(artifacts: impl IntoIterator<Item = &'a Artifact>) -> Vec<u8> {
    let mut out = Vec::new();
    for a in artifacts {
        out.extend_from_slice(a.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests;
