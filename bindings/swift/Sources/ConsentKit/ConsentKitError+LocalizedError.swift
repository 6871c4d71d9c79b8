// Hand-written (not generated): the message of a ConsentKitError as the
// error's localizedDescription.
//
// uniffi's own LocalizedError conformance describes an error with
// String(reflecting:), a debug dump ("ConsentKit.ConsentKitError.Usage(reason: …)");
// bindings/uniffi.toml turns it off (omit_localized_error_conformance) and this
// file gives the sentence the core wrote instead, e.g. "offer 3f2a… is not in
// this wallet". The variant (InvalidInput, VerificationFailed, …) stays the
// type to switch on; `reason` is the same text.
//
// Untested here: no Swift toolchain on the development machines or in CI
// (see README.md).
import Foundation

extension ConsentKitError: LocalizedError {
    /// The core's message: what was wrong, and where.
    public var reason: String {
        switch self {
        case let .InvalidInput(reason),
             let .VerificationFailed(reason),
             let .UntrustedKey(reason),
             let .NotFound(reason),
             let .Storage(reason),
             let .Backup(reason),
             let .Signer(reason),
             let .Usage(reason):
            return reason
        }
    }

    /// The message, as `localizedDescription` shows it.
    public var errorDescription: String? { reason }
}
