package dev.consentkit.android

import dev.consentkit.ExternalKeyProvider
import dev.consentkit.ExternalSigner
import java.security.MessageDigest

/**
 * An [ExternalKeyProvider] that keeps one Android Keystore key per
 * controller, so that controllers cannot link the person by their key: the
 * alias is [prefix] followed by the first 16 bytes of SHA-256(controller) in
 * hex (a fixed length, and no controller name in the keystore).
 * [legacyAlias] names the single key of a wallet created before wallets had
 * a key per controller (format version 1), if there is one.
 */
class KeystoreKeyProvider(
    private val prefix: String = "consentkit-person-",
    private val strongBox: Boolean = false,
    private val legacyAlias: String? = null,
) : ExternalKeyProvider {
    override fun signerFor(controller: String): ExternalSigner {
        val digest = MessageDigest.getInstance("SHA-256").digest(controller.toByteArray(Charsets.UTF_8))
        val alias = prefix + digest.copyOfRange(0, 16).joinToString("") { "%02x".format(it) }
        return KeystoreSigner(alias, strongBox)
    }

    override fun legacySigner(): ExternalSigner? = legacyAlias?.let { KeystoreSigner(it, strongBox) }
}
