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
