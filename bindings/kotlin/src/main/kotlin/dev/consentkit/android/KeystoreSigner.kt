package dev.consentkit.android

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import dev.consentkit.Algorithm
import dev.consentkit.core.ConsentKitException
import dev.consentkit.ExternalSigner
import dev.consentkit.RawPublicKey
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec

/**
 * An [ExternalSigner] whose P-256 key lives in the Android Keystore (in
 * StrongBox when [strongBox] is set and the device has one). The private key
 * never leaves the keystore: consentkit asks only for the public key and for
 * signatures over bytes it built itself, and verifies each signature.
 */
class KeystoreSigner(private val alias: String, strongBox: Boolean = false) : ExternalSigner {
    private val keyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    init {
        if (!keyStore.containsAlias(alias)) {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .setIsStrongBoxBacked(strongBox)
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

    override fun sign(message: ByteArray): ByteArray {
        val key = keyStore.getKey(alias, null) as? PrivateKey ?: throw ConsentKitException.Signer("no key $alias")
        // DER-encoded ECDSA signature: consentkit converts it to r || s.
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(key)
            update(message)
            sign()
        }
    }
}
