// Async external signers (issue 12 item 3): a key that answers later (an
// Android Keystore key behind a biometric prompt, a KMS) signs offers and
// grants through AsyncExternalSigner's `suspend fun sign` (prepare…, then
// the suspending signAsync), driven by kotlinx-coroutines; the core checks
// every signature. Also the prepare/complete flow by hand. Registered in
// ConsentKitTests.kt's main.
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

/** A P-256 key from java.security that signs asynchronously, answering in DER (or as [answer] makes it). */
class AsyncJcaSigner(val answer: (ByteArray) -> ByteArray = { it }) : AsyncExternalSigner {
    private val pair = KeyPairGenerator.getInstance("EC").apply {
        initialize(ECGenParameterSpec("secp256r1"))
    }.generateKeyPair()
    val calls = AtomicInteger(0)

    override fun publicKey(): RawPublicKey {
        val w = (pair.public as ECPublicKey).w
        return RawPublicKey(Algorithm.ES256, byteArrayOf(4) + fixed32(w.affineX) + fixed32(w.affineY))
    }

    fun der(message: ByteArray): ByteArray = Signature.getInstance("SHA256withECDSA").run {
        initSign(pair.private)
        update(message)
        sign()
    }

    override suspend fun sign(message: ByteArray): ByteArray {
        calls.incrementAndGet()
        delay(5) // the user authenticating
        return answer(withContext(Dispatchers.Default) { der(message) })
    }
}

/** r || s from a DER ECDSA-Sig-Value (as WebCrypto would answer). */
/**
 * A raw signature one byte short (63 bytes). Its first byte is never 0x30:
 * a SEQUENCE tag would make it read as (bad) DER, one time in 256.
 */
fun short63(der: ByteArray): ByteArray =
    rawOf(der).copyOf(63).also { if (it[0] == 0x30.toByte()) it[0] = 0x31 }

fun rawOf(der: ByteArray): ByteArray {
    val rLen = der[3].toInt()
    val r = java.math.BigInteger(1, der.copyOfRange(4, 4 + rLen))
    val s = java.math.BigInteger(1, der.copyOfRange(6 + rLen, der.size))
    return fixed32(r) + fixed32(s)
}

fun trustFor(c: Controller) = TrustSet().apply { add(c.publicKey(), Role.CONTROLLER, CONTROLLER) }

/** An offer and a grant signed by async signers (controller: DER; person: r || s), verified by the core. */
fun asyncSignersSignAnOfferAndAGrant() = runBlocking {
    val kms = AsyncJcaSigner()
    val controller = Controller.withAsyncSigner(kms)
    check(controller.isAsync()) { "isAsync" }
    val offerBytes = controller.signAsync(controller.prepareOffer(offer()))
    val verifier = Verifier(trustFor(controller))
    checkEq(ArtifactKind.OFFER, verifier.verify(offerBytes).artifact.kind, "offer kind")

    val phone = AsyncJcaSigner(::rawOf)
    val wallet = Wallet.inMemoryExternal()
    wallet.trustKey(controller.publicKey(), Role.CONTROLLER, CONTROLLER)
    val got = wallet.receive(offerBytes, T0)
    wallet.bindKey(CONTROLLER, phone.publicKey())
    val grant = wallet.signAsync(wallet.prepareAccept(got.artifact.id, Choice(), T0 + secs(10)), phone)
    val signed = controller.signAsync(controller.prepareCountersign(grant, offerBytes))
    val checked = verifier.verify(signed)
    checkEq(ArtifactKind.GRANT, checked.artifact.kind, "grant kind")
    checkEq(2, checked.signers.size, "grant signatures")
    val g = wallet.receive(signed, T0 + secs(20)).artifact
    val w = wallet.signAsync(wallet.prepareWithdraw(g.id, T0 + secs(30)), phone)
    checkEq(ArtifactKind.WITHDRAWAL, verifier.verify(w).artifact.kind, "withdrawal kind")
    checkEq(2, kms.calls.get(), "controller signatures")
    checkEq(2, phone.calls.get(), "person signatures")

    // Several signatures in flight at once, on one coroutine scope.
    val offers = (1..4).map { async { controller.signAsync(controller.prepareOffer(offer())) } }.awaitAll()
    offers.forEach { verifier.verify(it) }
    checkEq(6, kms.calls.get(), "concurrent signatures")
}

/** One-step signing is refused with the name of the async method; bad signatures are Signer errors naming the fault. */
fun asyncSignerFailures() = runBlocking {
    val e = expectError<ConsentKitException.Signer>("one-step makeOffer") {
        Controller.withAsyncSigner(AsyncJcaSigner()).makeOffer(offer())
    }
    check(e.reason.contains("signAsync")) { "reason: ${e.reason}" }

    val cases = listOf(
        // BER: r with a zero byte it does not need (only where DER has room for one).
        "ber" to { der: ByteArray ->
            if (der.size < 72) {
                val b = der.toMutableList()
                b.add(4, 0)
                b[3] = (b[3] + 1).toByte()
                b[1] = (b[1] + 1).toByte()
                b.toByteArray()
            } else {
                short63(der)
            }
        } to listOf("not minimally encoded", "63 bytes"),
        "short" to { der: ByteArray -> short63(der) } to listOf("63 bytes"),
        "zero" to { _: ByteArray -> ByteArray(64) } to listOf("r is zero"),
    )
    for ((named, says) in cases) {
        val (name, answer) = named
        val c = Controller.withAsyncSigner(AsyncJcaSigner(answer))
        val err = try {
            c.signAsync(c.prepareOffer(offer()))
            throw Failure("$name: a bad signature was accepted")
        } catch (x: ConsentKitException.Signer) {
            x
        }
        check(says.any { err.reason.contains(it) }) { "$name: ${err.reason}" }
    }

    class Cancelled : AsyncExternalSigner by AsyncJcaSigner() {
        override suspend fun sign(message: ByteArray): ByteArray =
            throw ConsentKitException.Signer("user cancelled authentication")
    }
    val cancelled = try {
        val c = Controller.withAsyncSigner(Cancelled())
        c.signAsync(c.prepareOffer(offer()))
        throw Failure("a cancelled signature was accepted")
    } catch (x: ConsentKitException.Signer) {
        x
    }
    check(cancelled.reason.contains("user cancelled")) { "reason lost: ${cancelled.reason}" }
}

/** Prepare, sign by hand (DER), complete: controller and wallet. */
fun prepareAndCompleteByHand() {
    val hsm = AsyncJcaSigner()
    val controller = Controller.withAsyncSigner(hsm)
    val pending = controller.prepareOffer(offer())
    checkEq(ArtifactKind.OFFER, pending.kind(), "pending kind")
    checkEq(Algorithm.ES256, pending.algorithm(), "pending algorithm")
    checkEq(controller.publicKey().kid(), pending.kid(), "pending kid")
    val offerBytes = controller.complete(pending, hsm.der(pending.message()))
    Verifier(trustFor(controller)).verify(offerBytes)

    val phone = AsyncJcaSigner()
    val wallet = Wallet.inMemoryExternal()
    wallet.trustKey(controller.publicKey(), Role.CONTROLLER, CONTROLLER)
    val o = wallet.receive(offerBytes, T0).artifact
    wallet.bindKey(CONTROLLER, phone.publicKey())
    val p = wallet.prepareAccept(o.id, Choice(), T0 + secs(10))
    checkEq(ArtifactKind.GRANT, p.kind(), "pending grant kind")
    expectError<ConsentKitException.Signer>("another key's signature") {
        wallet.complete(p, AsyncJcaSigner().der(p.message()))
    }
    val grant = wallet.complete(p, phone.der(p.message()))
    val c = controller.prepareCountersign(grant, offerBytes)
    val signed = controller.complete(c, hsm.der(c.message()))
    checkEq(2, Verifier(trustFor(controller)).verify(signed).signers.size, "countersigned")

    // An async signer with another key than the prepared one is refused before it is asked.
    val other = AsyncJcaSigner()
    runBlocking {
        try {
            wallet.signAsync(wallet.prepareRefuse(o.id, T0 + secs(20)), other)
            throw Failure("another key's async signer was accepted")
        } catch (x: ConsentKitException.Usage) {
            checkEq(0, other.calls.get(), "the other signer was asked")
        }
    }
}
