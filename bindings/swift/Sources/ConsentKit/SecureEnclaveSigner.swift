// Hand-written (not generated): an AsyncExternalSigner on a Secure Enclave key.
// It has never been compiled here: the development machines and CI have no
// Swift toolchain and no Apple SDK (see README.md).

import CryptoKit
import Foundation
import Security

/// An `AsyncExternalSigner` whose P-256 key lives in the Secure Enclave.
/// The private key never leaves it: consentkit asks only for the public key
/// and for signatures over bytes it built itself, and verifies each one.
///
/// With `userPresence` (the default), the key is created so that every
/// signature needs Face ID / Touch ID or the device passcode; the system
/// shows the prompt while `sign` awaits, off the calling thread. Use it with
/// the wallet's `signAsync` (after `prepareAccept`, `prepareRefuse` or
/// `prepareWithdraw`) or with `Controller.withAsyncSigner`.
///
/// An existing key under `tag` is used as it is (its access control was
/// fixed when it was created).
public final class SecureEnclaveSigner: AsyncExternalSigner, @unchecked Sendable {
    /// The application tag the key is stored under.
    public let tag: String
    private let key: SecKey

    /// Loads the Secure Enclave key stored under `tag`, or creates it.
    public init(tag: String, userPresence: Bool = true) throws {
        self.tag = tag
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: Data(tag.utf8),
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecReturnRef as String: true,
        ]
        var found: CFTypeRef?
        if SecItemCopyMatching(query as CFDictionary, &found) == errSecSuccess, let found {
            // safe: a kSecClassKey query with kSecReturnRef returns a SecKey.
            self.key = found as! SecKey
            return
        }
        var error: Unmanaged<CFError>?
        let flags: SecAccessControlCreateFlags = userPresence ? [.privateKeyUsage, .userPresence] : [.privateKeyUsage]
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, flags, &error
        ) else {
            throw ConsentKitError.Signer(reason: SecureEnclaveSigner.describe(error, "access control"))
        }
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: Data(tag.utf8),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        guard let created = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw ConsentKitError.Signer(reason: SecureEnclaveSigner.describe(error, "creating the key"))
        }
        self.key = created
    }

    /// The person's key at `controller`, one per controller (controllers
    /// cannot link the person by their key): the tag is `prefix` followed by
    /// the first 16 bytes of SHA-256(controller) in hex, as the Android
    /// `KeystoreAsyncSigner.forController` names its alias (no controller
    /// name is stored in the keychain).
    public static func forController(
        _ controller: String, prefix: String = "consentkit-person-", userPresence: Bool = true
    ) throws -> SecureEnclaveSigner {
        let digest = SHA256.hash(data: Data(controller.utf8))
        let hex = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        return try SecureEnclaveSigner(tag: prefix + hex, userPresence: userPresence)
    }

    public func publicKey() throws -> RawPublicKey {
        var error: Unmanaged<CFError>?
        guard let pub = SecKeyCopyPublicKey(key),
              let raw = SecKeyCopyExternalRepresentation(pub, &error) as Data?
        else {
            throw ConsentKitError.Signer(reason: SecureEnclaveSigner.describe(error, "public key"))
        }
        // ANSI X9.63: 04 || x || y, 65 bytes.
        return RawPublicKey(algorithm: .es256, bytes: raw)
    }

    public func sign(message: Data) async throws -> Data {
        let key = self.key
        // SecKeyCreateSignature blocks while the system asks the user: run it
        // off the caller's thread and resume when it answers.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                var error: Unmanaged<CFError>?
                guard let sig = SecKeyCreateSignature(
                    key, .ecdsaSignatureMessageX962SHA256, message as CFData, &error
                ) as Data? else {
                    continuation.resume(throwing: ConsentKitError.Signer(
                        reason: SecureEnclaveSigner.describe(error, "signing")))
                    return
                }
                // DER-encoded ECDSA-Sig-Value: consentkit converts it to r || s, strictly.
                continuation.resume(returning: sig)
            }
        }
    }

    private static func describe(_ error: Unmanaged<CFError>?, _ what: String) -> String {
        guard let e = error?.takeRetainedValue() else { return "Secure Enclave: \(what) failed" }
        return "Secure Enclave: \(what) failed: \(CFErrorCopyDescription(e) as String)"
    }
}
