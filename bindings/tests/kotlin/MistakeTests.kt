// Issue 12, "Mistakes are refused before signing", from Kotlin: instants in
// a wrong unit are named, a grant is checked against its offer, a receipt
// against its grant, and a known violation is signed only when said so. The
// rules are the core's (core/tests/mistakes.rs); these check the Kotlin glue,
// as bindings/tests/python/test_mistakes.py and wasm/tests/node/mistakes.test.mjs
// do for Python and JavaScript.
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*
import java.time.Instant

private class Deal(val wallet: Wallet, val offer: ByteArray, val grant: ByteArray, val grantId: String)

private fun deal(p: Parties): Deal {
    val w = Wallet.inMemory(Algorithm.ED25519)
    w.trustAll(p.trust)
    val offer = p.controller.makeOffer(offer())
    val oid = w.receive(offer, T0).artifact.id
    val grant = p.controller.countersign(w.accept(oid, Choice(), T0 + secs(60)), offer)
    val gid = w.receive(grant, T0 + secs(120)).artifact.id
    return Deal(w, offer, grant, gid)
}

/** An instant in milliseconds (or one before 2000) is refused, naming what it looks like. */
fun instantsInTheWrongUnitAreRefused() = Parties().use { p ->
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val offer = p.controller.makeOffer(offer())
        // What `Instant.ofEpochSecond(System.currentTimeMillis())` gives: milliseconds read as seconds.
        val millis = Instant.ofEpochSecond(T0.toEpochMilli())
        val e = expectError<ConsentKitException.InvalidInput>("milliseconds") { w.receive(offer, millis) }
        check("milliseconds" in (e.message ?: "")) { "the error names milliseconds: ${e.message}" }
        val early = expectError<ConsentKitException.InvalidInput>("before 2000") { w.grants(Instant.ofEpochSecond(60)) }
        check("before 2000" in (early.message ?: "")) { "the error names the year 2000: ${early.message}" }
        // The same instant given the right way is taken.
        checkEq(ArtifactKind.OFFER, w.receive(offer, T0).artifact.kind, "received offer")
    }
}

/** Countersigning checks the grant against the offer it is given. */
fun countersignRefusesAnotherOffer() = Parties().use { p ->
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val offer = p.controller.makeOffer(offer())
        val oid = w.receive(offer, T0).artifact.id
        val pending = w.accept(oid, Choice(), T0 + secs(60))
        val e = expectError<ConsentKitException.Usage>("countersign with the grant as its offer") {
            p.controller.countersign(pending, pending)
        }
        check("the grant accepts offer" in (e.message ?: "")) { "names the grant's offer: ${e.message}" }
    }
}

/** A receipt its grant does not cover is refused before signing; a known violation is signed only when said so. */
fun receiptsAreCheckedAgainstTheirGrant() = Parties().use { p ->
    val d = deal(p)
    d.wallet.use { w ->
        val e = expectError<ConsentKitException.Usage>("purpose not granted") {
            p.controller.issueReceipt(receipt(d.grantId, T0 + secs(3600), purpose = "dpv:Marketing"), d.grant)
        }
        check("dpv:Marketing" in (e.message ?: "")) { "names the purpose: ${e.message}" }
        expectError<ConsentKitException.Usage>("used before the grant") {
            p.controller.issueReceipt(receipt(d.grantId, T0 - days(1)), d.grant)
        }
        val flagged = p.controller.issueReceiptKnownViolation(
            receipt(d.grantId, T0 + secs(3600), purpose = "dpv:Marketing"), "simulated misuse",
        )
        checkEq(
            listOf(FindingKind.PURPOSE_NOT_GRANTED),
            w.receive(flagged, T0 + days(1)).violations.map { it.kind },
            "violations of the known-violation receipt",
        )
    }
}
