//! Live withdrawal status (IETF Token Status List, CWT form): the
//! controller's `StatusRegistry` and the partner's one-call check
//! (`Verifier.checkGrantStatus`). Glue only: every rule is in
//! `consentkit::status`.

use std::sync::{Arc, Mutex};

use consentkit::status as ck_status;

use crate::controller::Controller;
use crate::error::Result;
use consentkit::Timestamp;

// The core's own status records, exported as they are (uniffi derives in
// core/, feature `uniffi`).
pub use consentkit::status::{Status, StatusAnswer, StatusReference};

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
        Ok(self.with(|r| r.assign())?)
    }

    /// Sets a grant's status (e.g. `INVALID` once it is withdrawn).
    pub fn set_status(&self, idx: u64, status: Status) -> Result<()> {
        Ok(self.with(|r| r.set(idx, status))?)
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
