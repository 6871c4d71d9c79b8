//! The one error type at the uniffi boundary (feature `uniffi`), and the one
//! place where core errors become it.
//!
//! It lives in the core, not in `bindings/`, so that a uniffi custom type
//! defined here (a term, an id, a digest) can refuse a bad value while it is
//! lifted with [`ConsentKitError::InvalidInput`] naming what is wrong: uniffi
//! hands a failed lift of an argument to the function's own error type only
//! if the lift error is that type.
//!
//! Each variant is something a caller can act on. Kotlin sees
//! `ConsentKitException.InvalidInput` etc., Swift `ConsentKitError.InvalidInput`,
//! Python `ConsentKitError.InvalidInput`; every variant carries the core's
//! message as `reason` (crypto failures stay opaque: "signature invalid").
//!
//! That message is what each language shows: Kotlin `e.message`, Python
//! `str(e)`, Swift `localizedDescription`. uniffi would show
//! `reason=…` or a debug dump, so each skin sets it in one place:
//! `scripts/build-bindings` (Kotlin), `bindings/python/src/consentkit`
//! (Python), `bindings/swift/Sources/ConsentKit/ConsentKitError+LocalizedError.swift`
//! (Swift, with `omit_localized_error_conformance` in `core/uniffi.toml`). The
//! variants keep their `reason` field rather than being `flat_error`s because
//! a foreign signer throws them too (`ConsentKitError.Signer("…")`), and a
//! flat error cannot carry its message from Kotlin, Swift or Python into Rust.

use crate::audit::AuditError;
use crate::export::ExportError;
use crate::log::LogError;
use crate::status::StatusError;
use crate::tcf::TcfError;
use crate::time::TimeError;
use crate::vocab::TermError;
use crate::wallet::WalletError;
use crate::{ArtifactError, Error, KeyError, VerifyError};

/// Everything that can go wrong in a consentkit call. in a consentkit call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ConsentKitError {
    /// The bytes (or a value) are not valid input: malformed, truncated,
    /// oversized or non-canonical CBOR/COSE, an unknown artifact type, a bad
    /// COSE_Key or term, a wrong-length id or key. Do not retry with the same input.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong, and where.
        reason: String,
    },
    /// A signature is invalid, or was made by a key that may not sign this
    /// artifact (wrong role, wrong party, missing countersignature).
    #[error("verification failed: {reason}")]
    VerificationFailed {
        /// What did not verify.
        reason: String,
    },
    /// The artifact is signed by a key that is not in the trust set: pin the
    /// party's key (`trustKey`) if you trust it.
    #[error("untrusted key: {reason}")]
    UntrustedKey {
        /// Which artifact and key id.
        reason: String,
    },
    /// No such offer or grant (in the wallet).
    #[error("not found: {reason}")]
    NotFound {
        /// What was looked for.
        reason: String,
    },
    /// Reading or writing the wallet file failed, or the wallet is corrupt.
    #[error("storage: {reason}")]
    Storage {
        /// The I/O error or the damage found.
        reason: String,
    },
    /// A backup cannot be opened (wrong key, altered, or not a backup), what
    /// it holds does not verify, or the backup key is unusable.
    #[error("backup: {reason}")]
    Backup {
        /// What was wrong.
        reason: String,
    },
    /// The signer failed or is missing: an external signer threw, returned a
    /// signature that does not verify, or the wallet needs its external signer.
    /// An external signer throws this variant to report its own failure.
    #[error("signer: {reason}")]
    Signer {
        /// What went wrong.
        reason: String,
    },
    /// The call does not fit the data: e.g. countersigning an offer, a
    /// purpose that is not in the offer, a grant that is not the person's.
    #[error("usage: {reason}")]
    Usage {
        /// What did not fit.
        reason: String,
    },
}

impl ConsentKitError {
    /// An [`ConsentKitError::InvalidInput`] with this reason.
    pub fn invalid(message: impl Into<String>) -> Self {
        ConsentKitError::InvalidInput {
            reason: message.into(),
        }
    }
}

impl From<Error> for ConsentKitError {
    fn from(e: Error) -> Self {
        match e {
            Error::Artifact(a) => a.into(),
            Error::Verify(v) => v.into(),
            Error::Key(k) => k.into(),
            Error::Usage(message) => ConsentKitError::Usage { reason: message },
            Error::Term(t) => t.into(),
            Error::Wallet(w) => (*w).into(),
            // A mistake refused before signing (Error::Mistake) is a Usage error.
            other => ConsentKitError::Usage {
                reason: other.to_string(),
            },
        }
    }
}

impl From<ArtifactError> for ConsentKitError {
    fn from(e: ArtifactError) -> Self {
        match e {
            ArtifactError::Key(k) => k.into(),
            other => ConsentKitError::invalid(other.to_string()),
        }
    }
}

impl From<VerifyError> for ConsentKitError {
    fn from(e: VerifyError) -> Self {
        let message = e.to_string();
        match e {
            VerifyError::UntrustedKey { .. } => ConsentKitError::UntrustedKey { reason: message },
            _ => ConsentKitError::VerificationFailed { reason: message },
        }
    }
}

impl From<KeyError> for ConsentKitError {
    fn from(e: KeyError) -> Self {
        let message = e.to_string();
        match e {
            KeyError::Signer(_) | KeyError::SignatureEncoding(_) | KeyError::Rng => {
                ConsentKitError::Signer { reason: message }
            }
            _ => ConsentKitError::InvalidInput { reason: message },
        }
    }
}

impl From<WalletError> for ConsentKitError {
    fn from(e: WalletError) -> Self {
        let message = e.to_string();
        match e {
            WalletError::Artifact(a) => a.into(),
            WalletError::Io(_) | WalletError::Corrupt(_) | WalletError::NeedsRepair(_) => {
                ConsentKitError::Storage { reason: message }
            }
            WalletError::BackupAuthentication
            | WalletError::BackupFormat(_)
            | WalletError::BackupContent(_) => ConsentKitError::Backup { reason: message },
            WalletError::SignerNeeded(_) => ConsentKitError::Signer { reason: message },
            WalletError::NotFound(_) => ConsentKitError::NotFound { reason: message },
            _ => ConsentKitError::Usage { reason: message },
        }
    }
}

impl From<LogError> for ConsentKitError {
    fn from(e: LogError) -> Self {
        let reason = e.to_string();
        match e {
            LogError::Io { .. } => ConsentKitError::Storage { reason },
            e if e.is_verification_failure() => ConsentKitError::VerificationFailed { reason },
            _ => ConsentKitError::InvalidInput { reason },
        }
    }
}

impl From<AuditError> for ConsentKitError {
    fn from(e: AuditError) -> Self {
        ConsentKitError::Storage {
            reason: e.to_string(),
        }
    }
}

impl From<TermError> for ConsentKitError {
    fn from(e: TermError) -> Self {
        ConsentKitError::invalid(e.to_string())
    }
}

impl From<ExportError> for ConsentKitError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Bundle { .. } | ExportError::BadControllerInfo { .. } => {
                ConsentKitError::InvalidInput {
                    reason: e.to_string(),
                }
            }
            _ => ConsentKitError::Usage {
                reason: e.to_string(),
            },
        }
    }
}

/// A foreign signer threw something other than a `ConsentKitError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for ConsentKitError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ConsentKitError::Signer {
            reason: format!("external signer failed: {}", e.reason),
        }
    }
}

/// A core `Signer` reports an external signer's failure as a key error.
impl From<ConsentKitError> for KeyError {
    fn from(e: ConsentKitError) -> Self {
        KeyError::Signer(match e {
            ConsentKitError::Signer { reason: message } => message,
            other => other.to_string(),
        })
    }
}

impl From<StatusError> for ConsentKitError {
    fn from(e: StatusError) -> Self {
        use StatusError as E;
        let reason = e.to_string();
        match e {
            E::UntrustedKey(_) => ConsentKitError::UntrustedKey { reason },
            E::SignatureInvalid
            | E::GrantInvalid(_)
            | E::GrantExpired { .. }
            | E::TokenExpired { .. }
            | E::TokenFromFuture { .. }
            | E::SubjectMismatch { .. }
            | E::IndexOutOfRange { .. }
            | E::UnknownStatus { .. } => ConsentKitError::VerificationFailed { reason },
            E::NotAGrant(_) | E::NoStatusReference | E::ListFull(_) | E::ValueTooWide { .. } => {
                ConsentKitError::Usage { reason }
            }
            E::Key(k) => k.into(),
            _ => ConsentKitError::InvalidInput { reason },
        }
    }
}

impl From<TcfError> for ConsentKitError {
    fn from(e: TcfError) -> Self {
        let reason = e.to_string();
        match e {
            TcfError::Mapping(_) => ConsentKitError::Usage { reason },
            _ => ConsentKitError::InvalidInput { reason },
        }
    }
}

impl From<TimeError> for ConsentKitError {
    fn from(e: TimeError) -> Self {
        ConsentKitError::invalid(e.to_string())
    }
}
