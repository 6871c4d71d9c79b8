package dev.consentkit.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import dev.consentkit.Algorithm
import dev.consentkit.AsyncExternalSigner
import dev.consentkit.core.ConsentKitException
import dev.consentkit.RawPublicKey
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.MessageDigest
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * An [AsyncExternalSigner] whose P-256 key lives in the Android Keystore (in
 * StrongBox when [strongBox] is set; API 28+, and creating the key throws
 * `StrongBoxUnavailableException` on a device without one). The private key
 * never leaves the keystore: consentkit asks only for the public key and for
 * signatures over bytes it built itself, and verifies each signature.
 *
 * With [authenticate] set, the key is created to need strong biometric
 * authentication for every signature, and [authenticate] is called with the
 * initialised [Signature]: show a `BiometricPrompt` with
 * `BiometricPrompt.CryptoObject(signature)` and return the authenticated
 * `result.cryptoObject!!.signature!!` when the user confirms (throw
 * [ConsentKitException.Signer] if they cancel). The coroutine suspends
 * meanwhile; no thread is blocked. Use it with the wallet's `signAsync`
 * (after `prepareAccept`, `prepareRefuse` or `prepareWithdraw`) or with
 * `Controller.withAsyncSigner`.
 *
 * An existing key under [alias] is used as it is (its authentication
 * settings were fixed when it was created).
 */
class KeystoreAsyncSigner(
    private val alias: String,
    strongBox: Boolean = false,
    private val authenticate: (suspend (Signature) -> Signature)? = null,
) : AsyncExternalSigner {
    private val keyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    init {
        if (!keyStore.containsAlias(alias)) {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .apply {
                    if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                        setIsStrongBoxBacked(true)
                    }
                    if (authenticate != null) {
                        setUserAuthenticationRequired(true)
                        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
                            // 0 seconds: every signature needs its own authentication.
                            setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
                        } else {
                            @Suppress("DEPRECATION")
                            setUserAuthenticationValidityDurationSeconds(-1)
                        }
                    }
                }
                .build()
            KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, "AndroidKeyStore").run {
                initialize(spec)
                generateKeyPair()
            }
        }
    }

    override fun publicKey(): RawPublicKey {
        val cert = keyStore.getCertificate(alias) ?: throw ConsentKitException.Signer("no key $alias")
        // A P-256 SubjectPublicKeyInfo ends with the 65-byte uncompressed point 04 || x || y.
        val spki = cert.publicKey.encoded
        return RawPublicKey(Algorithm.ES256, spki.copyOfRange(spki.size - 65, spki.size))
    }

    override suspend fun sign(message: ByteArray): ByteArray {
        // Keystore calls are blocking IPC: keep them off the caller's (UI) thread.
        val signature = withContext(Dispatchers.IO) {
            val key = keyStore.getKey(alias, null) as? PrivateKey
                ?: throw ConsentKitException.Signer("no key $alias")
            Signature.getInstance("SHA256withECDSA").apply { initSign(key) }
        }
        val ready = authenticate?.invoke(signature) ?: signature
        // DER-encoded ECDSA-Sig-Value: consentkit converts it to r || s, strictly.
        return withContext(Dispatchers.IO) {
            ready.update(message)
            ready.sign()
        }
    }

    companion object {
        /**
         * The person's key at [controller]: the alias is [prefix] followed by
         * the first 16 bytes of SHA-256(controller) in hex, as
         * [KeystoreKeyProvider] names it (controllers cannot link the person by
         * their key, and no controller name is stored in the keystore).
         */
        fun forController(
            controller: String,
            prefix: String = "consentkit-person-",
            strongBox: Boolean = false,
            authenticate: (suspend (Signature) -> Signature)? = null,
        ): KeystoreAsyncSigner {
            val digest = MessageDigest.getInstance("SHA-256").digest(controller.toByteArray(Charsets.UTF_8))
            val alias = prefix + digest.copyOfRange(0, 16).joinToString("") { "%02x".format(it) }
            return KeystoreAsyncSigner(alias, strongBox, authenticate)
        }
    }
}
