// The artifact-side records are the core's own (issue 12 item 1): run by
// ConsentKitTests.kt's main.
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*

/** Offer, Notice, DataReceipt, Commitment, VerifiedSigner, Signatory, Finding, FindingKind and FindingCount are generated from the core. */
fun artifactRecordsComeFromTheCore() = Parties().use { p ->
    for (c in listOf(Offer::class, Notice::class, DataReceipt::class, Commitment::class, VerifiedSigner::class,
                     Signatory::class, Finding::class, FindingKind::class, FindingCount::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
    // Fixed-length bytes: a wrong length is InvalidInput naming the length expected.
    val short = offer().copy(notice = Notice("https://traffic.example/n", ByteArray(31)))
    try {
        p.controller.makeOffer(short)
        check(false) { "a 31-byte notice hash was signed" }
    } catch (e: ConsentKitException.InvalidInput) {
        check(e.message!!.contains("must be 32 bytes, found 31 bytes")) { "message: ${e.message}" }
    }
    // A verified signer's key id is its 64 hex digits; who signed is the core's Signatory.
    val v = Verifier(p.trust).verify(p.controller.makeOffer(offer()))
    val signer = v.signers.single()
    checkEq(64, signer.kid.length, "kid length")
    checkEq(Signatory.Trusted(Role.CONTROLLER, CONTROLLER) as Signatory, signer.signatory, "signatory")
    // A finding kind prints its JSON name; every core kind is there.
    checkEq("not_in_log", FindingKind.NOT_IN_LOG.toString(), "FindingKind.toString")
    check(FindingKind.values().none { it.toString() == "other" }) { "an OTHER kind" }
}

/** A decoded artifact is the core's ArtifactInfo, the same fields as in JavaScript: kind, id, digest, signers, size, body (JSON text), bytes. */
fun anArtifactInfoIsTheCores() = Parties().use { p ->
    for (c in listOf(ArtifactInfo::class, SignerView::class, VerifiedArtifact::class, ReceiveOutcome::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
    val bytes = p.controller.makeOffer(offer())
    val info = decodeArtifact(bytes)
    checkEq(ArtifactKind.OFFER, info.kind, "kind")
    check(info.bytes.contentEquals(bytes)) { "bytes" }
    checkEq(bytes.size.toULong(), info.size, "size")
    val signer = info.signers.single()
    checkEq(Verifier(p.trust).verify(bytes).signers.single().kid, signer.kid, "signer kid")
    checkEq(p.controller.publicKey().algorithm, signer.algorithm, "signer algorithm")
    check(info.body.startsWith("{") && info.body.contains("\"controller\":\"$CONTROLLER\"")) { "body: ${info.body}" }
    check(inspect(bytes).contains(info.body)) { "the body is inspect's \"body\"" }
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val got = w.receive(bytes, T0).artifact
        checkEq(info.id, got.id, "received id")
        checkEq(info.body, w.artifacts().single().body, "wallet body")
    }
}

/** A public key is one shape, RawPublicKey, as in JavaScript: reported by keys, controllers and wallets, taken by trust sets. */
fun aPublicKeyIsOneShape() = Parties().use { p ->
    val public: RawPublicKey = p.partnerKey.publicKey()
    checkEq(Algorithm.ES256, public.algorithm, "algorithm")
    check(public.bytes.contentEquals(p.partnerKey.publicKeyRaw())) { "bytes" }
    checkEq(p.partnerKey.kid(), public.kid(), "kid")
    // (a record holding a ByteArray: Kotlin's data class equality compares the array by reference)
    check(publicKeyFromCoseKey(public.toCoseKey()).bytes.contentEquals(public.bytes)) { "COSE_Key round trip" }
    check(p.partner.publicKey().bytes.contentEquals(public.bytes)) { "Controller.publicKey" }
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustKey(public, Role.PARTNER, PARTNER)
        val mine: RawPublicKey? = w.publicKeyFor(CONTROLLER)
        checkEq(Algorithm.ED25519, mine!!.algorithm, "wallet key")
    }
}
