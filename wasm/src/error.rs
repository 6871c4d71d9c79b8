//! The one place where errors become JavaScript errors.
//!
//! Every failure crosses the boundary as a real `Error` whose `name` is
//! `"ConsentKitError"` and whose `code` is one of the stable [`Code`]s
//! (declared in the package's `.d.ts` as `ErrorCode`); the message is the
//! core's own. Nothing else is ever thrown: no bare strings.

use consentkit::artifact::{ArtifactError, VerifyError};
use consentkit::export::ExportError;
use consentkit::keys::KeyError;
use consentkit::log::LogError;
use consentkit::wallet::WalletError;
use consentkit::Error;
use wasm_bindgen::JsValue;

/// The `name` of every error this package throws.
pub const ERROR_NAME: &str = "ConsentKitError";

/// What a caller can do about an error: the stable `code` of a `ConsentKitError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(
    feature = "ts",
    ts(rename = "ErrorCode", rename_all = "SCREAMING_SNAKE_CASE")
)]
pub enum Code {
    /// The input is not what was expected: bad bytes, a malformed key, a
    /// wrong argument type, a term or choice that does not fit.
    InvalidInput,
    /// A signature does not verify, or was made by a key that may not sign this.
    VerificationFailed,
    /// Signed by a key that is not trusted.
    UntrustedKey,
    /// No such offer or grant (in the wallet).
    NotFound,
    /// Stored wallet bytes are damaged.
    Corrupt,
    /// A backup cannot be decrypted (wrong key, altered) or is not a backup.
    Backup,
    /// The external signer failed, is missing, or signs asynchronously.
    Signer,
    /// The API was used in a way it does not allow (e.g. countersigning an offer).
    Usage,
    /// The environment failed (no random numbers).
    Io,
}

impl Code {
    /// The code as it appears in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidInput => "INVALID_INPUT",
            Code::VerificationFailed => "VERIFICATION_FAILED",
            Code::UntrustedKey => "UNTRUSTED_KEY",
            Code::NotFound => "NOT_FOUND",
            Code::Corrupt => "CORRUPT",
            Code::Backup => "BACKUP",
            Code::Signer => "SIGNER",
            Code::Usage => "USAGE",
            Code::Io => "IO",
        }
    }
}

/// An error on its way to JavaScript: a stable code and the core's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CkError {
    /// What a caller can do about it.
    pub code: Code,
    /// What was wrong, for a person.
    pub message: String,
}

impl CkError {
    /// An error with a code and a message.
    pub fn new(code: Code, message: impl Into<String>) -> CkError {
        CkError {
            code,
            message: message.into(),
        }
    }

    /// Bad input from JavaScript.
    pub fn invalid(message: impl Into<String>) -> CkError {
        CkError::new(Code::InvalidInput, message)
    }
}

impl std::fmt::Display for CkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

fn key_code(e: &KeyError) -> Code {
    match e {
        KeyError::Signer(_) | KeyError::SignatureEncoding(_) => Code::Signer,
        KeyError::Rng => Code::Io,
        _ => Code::InvalidInput,
    }
}

fn verify_code(e: &VerifyError) -> Code {
    match e {
        VerifyError::UntrustedKey { .. } => Code::UntrustedKey,
        _ => Code::VerificationFailed,
    }
}

fn artifact_code(e: &ArtifactError) -> Code {
    match e {
        ArtifactError::Key(k) => key_code(k),
        _ => Code::InvalidInput,
    }
}

fn core_code(e: &Error) -> Code {
    match e {
        Error::Artifact(a) => artifact_code(a),
        Error::Verify(v) => verify_code(v),
        Error::Key(k) => key_code(k),
        Error::Usage(_) | Error::Mistake(_) => Code::Usage,
        _ => Code::InvalidInput,
    }
}

impl From<Error> for CkError {
    fn from(e: Error) -> CkError {
        if let Error::Wallet(w) = e {
            return (*w).into();
        }
        CkError::new(core_code(&e), e.to_string())
    }
}

impl From<ExportError> for CkError {
    fn from(e: ExportError) -> CkError {
        let code = match &e {
            ExportError::Bundle { .. } | ExportError::BadControllerInfo { .. } => {
                Code::InvalidInput
            }
            _ => Code::Usage,
        };
        CkError::new(code, e.to_string())
    }
}

impl From<ArtifactError> for CkError {
    fn from(e: ArtifactError) -> CkError {
        CkError::new(artifact_code(&e), e.to_string())
    }
}

impl From<VerifyError> for CkError {
    fn from(e: VerifyError) -> CkError {
        CkError::new(verify_code(&e), e.to_string())
    }
}

impl From<KeyError> for CkError {
    fn from(e: KeyError) -> CkError {
        CkError::new(key_code(&e), e.to_string())
    }
}

impl From<LogError> for CkError {
    fn from(e: LogError) -> CkError {
        let code = match &e {
            LogError::Io { .. } => Code::Io,
            _ => Code::InvalidInput,
        };
        CkError::new(code, e.to_string())
    }
}

impl From<WalletError> for CkError {
    fn from(e: WalletError) -> CkError {
        let code = match &e {
            WalletError::Io(_) | WalletError::NeedsRepair(_) => Code::Io,
            WalletError::Corrupt(_) => Code::Corrupt,
            WalletError::BackupAuthentication
            | WalletError::BackupFormat(_)
            | WalletError::BackupContent(_) => Code::Backup,
            WalletError::SignerNeeded(_) => Code::Signer,
            WalletError::Artifact(a) => core_code(a),
            WalletError::NotFound(_) => Code::NotFound,
            WalletError::Invalid(_) => Code::InvalidInput,
            _ => Code::InvalidInput,
        };
        CkError::new(code, e.to_string())
    }
}

impl From<CkError> for JsValue {
    fn from(e: CkError) -> JsValue {
        let err = js_sys::Error::new(&e.message);
        err.set_name(ERROR_NAME);
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
        err.into()
    }
}

/// Whether `value` is an error thrown by this package.
pub fn is_consentkit_error(value: &JsValue) -> bool {
    use wasm_bindgen::JsCast;
    value
        .dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == ERROR_NAME)
        && js_sys::Reflect::get(value, &"code".into()).is_ok_and(|c| c.is_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_what_a_caller_can_do() {
        let untrusted = VerifyError::UntrustedKey {
            artifact: "offer 00".into(),
            kid: "ab".into(),
        };
        assert_eq!(CkError::from(untrusted.clone()).code, Code::UntrustedKey);
        assert_eq!(
            CkError::from(WalletError::Artifact(untrusted.into())).code,
            Code::UntrustedKey
        );
        let bad_sig = VerifyError::SignatureInvalid {
            artifact: "offer 00".into(),
        };
        assert_eq!(CkError::from(bad_sig).code, Code::VerificationFailed);
        assert_eq!(
            CkError::from(KeyError::Signer("x".into())).code,
            Code::Signer
        );
        assert_eq!(
            CkError::from(Error::from(KeyError::InvalidPublicKey)).code,
            Code::InvalidInput
        );
        assert_eq!(
            CkError::from(WalletError::BackupAuthentication).code,
            Code::Backup
        );
        assert_eq!(
            CkError::from(WalletError::NotFound("grant 00".into())).code,
            Code::NotFound
        );
        assert_eq!(
            CkError::from(WalletError::Corrupt("x".into())).code,
            Code::Corrupt
        );
        assert_eq!(CkError::from(Error::Usage("x".into())).code, Code::Usage);
    }

    #[test]
    fn messages_are_the_cores() {
        let e = CkError::from(WalletError::NotFound("grant 00ff".into()));
        assert_eq!(e.message, "grant 00ff is not in this wallet");
        assert_eq!(e.code.as_str(), "NOT_FOUND");
    }
}
