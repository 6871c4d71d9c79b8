//! The one error type at the boundary: [`ConsentKitError`], defined in the
//! core (`consentkit::ffi`, feature `uniffi`) with every conversion from a
//! core error, so that the core's custom types can fail their lift with it.

pub use consentkit::ConsentKitError;

/// Shorthand for results at the boundary.
pub type Result<T, E = ConsentKitError> = std::result::Result<T, E>;
