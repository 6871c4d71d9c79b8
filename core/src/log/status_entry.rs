//! Status List Tokens as log entries.
//!
//! Besides artifacts, a consentkit log takes in the controllers' Status List
//! Tokens (IETF Token Status List, CWT form; see [`crate::status`]), each as
//! one entry holding the token's exact bytes (a tagged COSE_Sign1 whose
//! protected `typ` is `application/statuslist+cwt`). The log admits a token
//! only when a trusted key with role `controller` signed it
//! ([`TileLog::append_status_list`]). Once logged, a list is public and
//! cannot be taken back: an auditor reading the log
//! ([`crate::audit::LogView`]) holds every logged list against the
//! withdrawals (`stale_status`), so a controller cannot hide a stale list it
//! published.

use super::{LogError, TileLog};
use crate::keys::{KeyId, Role, TrustSet};
use crate::status::{StatusError, StatusListToken, TYP};

/// Whether an entry is a Status List Token (decodes as one; its signature
/// is not checked here). A cheap look at the protected header first: a
/// token's `typ` text lies in it, and artifacts never carry that `typ`.
pub(crate) fn is_status_list_entry(entry: &[u8]) -> bool {
    protected_header(entry).is_some_and(|h| contains(h, TYP.as_bytes()))
        && StatusListToken::decode(entry).is_ok()
}

/// The protected header bytes of a tagged COSE_Sign1 (tag 18, array of 4,
/// then a byte string), if the entry starts that way.
fn protected_header(entry: &[u8]) -> Option<&[u8]> {
    let rest = entry.strip_prefix(&[0xd2, 0x84])?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0x40..=0x57 => (usize::from(first - 0x40), rest),
        0x58 => (usize::from(*rest.first()?), rest.get(1..)?),
        0x59 => (
            usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?])),
            rest.get(2..)?,
        ),
        _ => return None,
    };
    rest.get(..len)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Checks that `token` is a Status List Token signed by a key in `trust`
/// with role `controller` (found by the token's `kid`;
/// [`StatusListToken::verify_trusted`]): what [`TileLog::append_status_list`]
/// checks before appending. Returns the token's claims.
pub fn check_status_list(token: &[u8], trust: &TrustSet) -> Result<StatusListToken, LogError> {
    let decoded = StatusListToken::decode(token)?;
    let party = decoded
        .kid
        .as_deref()
        .and_then(KeyId::from_slice)
        .and_then(|k| trust.get(&k))
        .filter(|t| t.role == Role::Controller)
        .map(|t| t.party.clone())
        .ok_or_else(|| StatusError::UntrustedKey(decoded.token.subject.clone()))?;
    Ok(StatusListToken::verify_trusted(token, trust, &party)?)
}

impl TileLog {
    /// Appends a controller's Status List Token (its exact bytes) after
    /// checking that a key in `trust` with role `controller` signed it
    /// ([`check_status_list`]), and that it is not already in the log.
    /// Returns its leaf index. Nothing is written until
    /// [`TileLog::commit`] or [`TileLog::publish`].
    pub fn append_status_list(&mut self, token: &[u8], trust: &TrustSet) -> Result<u64, LogError> {
        check_status_list(token, trust)?;
        let index = self.append_entry(token)?;
        self.status_lists.push((index, token.to_vec()));
        Ok(index)
    }

    /// The Status List Tokens in the log (published, committed or pending),
    /// with their leaf indices, in log order.
    pub fn status_lists(&self) -> &[(u64, Vec<u8>)] {
        &self.status_lists
    }
}
