//! Live withdrawal status (IETF Token Status List, CWT form): the
//! controller's `StatusRegistry` and the partner's one-call check
//! (`Verifier.checkGrantStatus`). Glue only: every rule is in
//! `consentkit::status`.

use std::sync::{Arc, Mutex};

use consentkit::status as ck_status;

use crate::controller::Controller;
use crate::error::Result;
use consentkit::Timestamp;

/// A grant's status as a status list states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Status {
    /// The grant stands.
    Valid,
    /// The grant was withdrawn or revoked.
    Invalid,
    /// The grant is suspended.
    Suspended,
}

impl From<ck_status::Status> for Status {
    fn from(s: ck_status::Status) -> Self {
        match s {
            ck_status::Status::Valid => Status::Valid,
            ck_status::Status::Invalid => Status::Invalid,
            ck_status::Status::Suspended => Status::Suspended,
        }
    }
}

impl From<Status> for ck_status::Status {
    fn from(s: Status) -> Self {
        match s {
            Status::Valid => ck_status::Status::Valid,
            Status::Invalid => ck_status::Status::Invalid,
            Status::Suspended => ck_status::Status::Suspended,
        }
    }
}

/// Where a grant's live status is published: its index in the list at `uri`
/// (the grant's status claim, 65535).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StatusReference {
    /// The grant's index in the list.
    pub idx: u64,
    /// The Status List Token's URI.
    pub uri: String,
}

impl From<ck_status::StatusReference> for StatusReference {
    fn from(r: ck_status::StatusReference) -> Self {
        StatusReference {
            idx: r.idx,
            uri: r.uri,
        }
    }
}

impl From<StatusReference> for ck_status::StatusReference {
    fn from(r: StatusReference) -> Self {
        ck_status::StatusReference {
            idx: r.idx,
            uri: r.uri,
        }
    }
}

/// A partner's answer about one grant.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StatusAnswer {
    /// Valid, invalid (withdrawn or revoked) or suspended.
    pub status: Status,
    /// How long, in seconds from the check time, the answer may be cached.
    pub max_age: u64,
    /// The list's issue time: the answer describes the grant then.
    pub list_issued_at: Timestamp,
    /// The grant's index in the list.
    pub index: u64,
    /// The list's URI.
    pub uri: String,
}

impl From<ck_status::StatusAnswer> for StatusAnswer {
    fn from(a: ck_status::StatusAnswer) -> Self {
        StatusAnswer {
            status: a.status.into(),
            max_age: a.max_age,
            list_issued_at: a.list_issued_at,
            index: a.index,
            uri: a.uri,
        }
    }
}

/// The controller's status list: random indices for new grants, decoys,
/// and a signed Status List Token per epoch.
#[derive(uniffi::Object)]
pub struct StatusRegistry {
    inner: Mutex<ck_status::StatusRegistry>,
}

impl StatusRegistry {
    fn with<T>(&self, f: impl FnOnce(&mut ck_status::StatusRegistry) -> T) -> T {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut g)
    }
}

#[uniffi::export]
impl StatusRegistry {
    /// A list at `uri` with `capacity` entries of `bits` (1, 2, 4 or 8) bits, all VALID.
    #[uniffi::constructor]
    pub fn new(uri: String, bits: u8, capacity: u64) -> Result<Arc<Self>> {
        Ok(Arc::new(StatusRegistry {
            inner: Mutex::new(ck_status::StatusRegistry::new(uri, bits, capacity)?),
        }))
    }

    /// A random free index for a new grant; pass it in `Choice.status`.
    pub fn assign(&self) -> Result<StatusReference> {
        Ok(self.with(|r| r.assign())?.into())
    }

    /// Sets a grant's status (e.g. `INVALID` once it is withdrawn).
    pub fn set_status(&self, idx: u64, status: Status) -> Result<()> {
        Ok(self.with(|r| r.set(idx, status.into()))?)
    }

    /// Adds `count` decoys: random free indices of no grant, set INVALID.
    pub fn add_decoys(&self, count: u64) -> Result<()> {
        Ok(self.with(|r| r.add_decoys(count))?)
    }

    /// The Status List Token for this epoch, signed by `controller`.
    #[uniffi::method(default(expires_at = None))]
    pub fn sign_token(
        &self,
        controller: Arc<Controller>,
        issued_at: Timestamp,
        ttl: u64,
        expires_at: Option<Timestamp>,
    ) -> Result<Vec<u8>> {
        let token = self.with(|r| r.token(issued_at, ttl, expires_at));
        Ok(token.sign(controller.signer.as_ref())?)
    }
}
