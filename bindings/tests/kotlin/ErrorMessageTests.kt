// ConsentKitException.message is the core's message (issue 12, item 5): not
// uniffi's "reason=…" (scripts/build-bindings sets it).
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*

/** `e.message` is the core's sentence, the same text as `e.reason`. */
fun errorMessageIsTheReason() {
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        val missing = "00".repeat(16)
        val e = expectError<ConsentKitException.NotFound>("unknown offer") { w.accept(missing, Choice(), T0) }
        checkEq(e.reason, e.message, "message of NotFound")
        checkEq("offer $missing is not in this wallet", e.message, "message of NotFound")
    }
    // From the core: a bad term (InvalidInput) and garbage bytes.
    val bad = expectError<ConsentKitException.InvalidInput>("garbage artifact") { decodeArtifact(byteArrayOf(1, 2, 3)) }
    checkEq(bad.reason, bad.message, "message of InvalidInput")
    check(!bad.message!!.startsWith("reason=")) { "message still in uniffi's form: ${bad.message}" }
    // An exception made by the app (an external signer's failure) reads the same way.
    checkEq("user cancelled", ConsentKitException.Signer("user cancelled").message, "message of a Signer error made in Kotlin")
}
