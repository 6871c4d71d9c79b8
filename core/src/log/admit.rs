//! Admission: the check every entry of a consentkit log passes first.
//!
//! A log accepts only artifacts that verify against the operator's
//! [`TrustSet`] (see the [module docs](super)). [`Admitted`] is that check's
//! result, so verification (the costly part: one signature check per
//! signature) can run before and apart from integration, e.g. on every
//! core with [`admit_all`], while [`TileLog::append_admitted`](super::TileLog::append_admitted)
//! integrates the admitted artifacts in order on one thread.

use crate::artifact::{Artifact, VerifyError};
use crate::keys::TrustSet;

/// An artifact that verified against a trust set ([`Artifact::verify`]).
/// Only [`Admitted::check`] and [`admit_all`] make one.
#[derive(Debug, Clone, Copy)]
pub struct Admitted<'a>(&'a Artifact);

impl<'a> Admitted<'a> {
    /// Verifies `artifact` against `trust` ([`Artifact::verify`]).
    pub fn check(artifact: &'a Artifact, trust: &TrustSet) -> Result<Admitted<'a>, VerifyError> {
        artifact.verify(trust)?;
        Ok(Admitted(artifact))
    }

    /// The artifact.
    pub fn artifact(&self) -> &'a Artifact {
        self.0
    }
}

/// [`Admitted::check`] for each artifact, in order; on all cores when the
/// `parallel` feature is on.
pub fn admit_all<'a>(
    artifacts: &'a [Artifact],
    trust: &TrustSet,
) -> Vec<Result<Admitted<'a>, VerifyError>> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        artifacts
            .par_iter()
            .map(|a| Admitted::check(a, trust))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        artifacts
            .iter()
            .map(|a| Admitted::check(a, trust))
            .collect()
    }
}
