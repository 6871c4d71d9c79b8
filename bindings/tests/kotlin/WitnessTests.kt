// Witnessed transparency and proofs that travel, from Kotlin (issue 14): the
// wallet's witness check (checkLogsWitnessed) and its exported proofs
// (exportTlogProof / verifyTlogProof, verifyCoseReceipt) on a wallet that
// holds a real witnessed log. The fixture is written by the core at test
// time (`cargo run -p consentkit --example witness_fixture -- DIR`, run by
// scripts/test-bindings into target/witness-fixture).
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*
import java.io.File

/** The fixture directory (scripts/test-bindings writes it). */
fun witnessFixture(): File {
    val dir = File(System.getenv("CONSENTKIT_WITNESS_FIXTURE") ?: File(repo, "target/witness-fixture").path)
    check(File(dir, "expected.json").isFile) {
        "no witness fixture in $dir: run cargo run -p consentkit --example witness_fixture -- $dir"
    }
    return dir
}

/** A string field of the fixture's expected.json. */
fun expected(dir: File, key: String): String =
    Regex("\"$key\": \"([^\"]+)\"").find(File(dir, "expected.json").readText())?.groupValues?.get(1)
        ?: throw Failure("expected.json has no $key")

fun walletChecksWitnessedLogs() {
    val dir = witnessFixture()
    val wallet = Wallet.fromBytes(File(dir, "wallet.ckw").readBytes())
    val origin = expected(dir, "origin")
    val withdrawal = expected(dir, "withdrawal")
    val grant = expected(dir, "grant")
    // The right policy: both checkpoints carry W's cosignature; the withdrawal
    // dated day 10 but logged after the day-30 checkpoint is backdated.
    val right = wallet.checkLogsWitnessed(File(dir, "witness-policy.txt").readText(), DAY_SECS)
    checkEq(1, right.size, "one log in the policy")
    val c = right[0]
    checkEq(origin, c.origin, "origin")
    checkEq(listOf(2uL, 3uL), c.witnessed, "witnessed checkpoints")
    check(c.notWitnessed.isEmpty()) { "not witnessed: ${c.notWitnessed}" }
    checkEq(listOf("W"), c.cosignedBy, "cosigned by")
    checkEq(setOf(grant, withdrawal), c.proven.toSet(), "proven")
    checkEq(listOf(withdrawal), c.backdated, "backdated")
    check(c.problems.any { it.contains("backdated") }) { "problems: ${c.problems}" }
    // With 25 days of tolerance it is not backdated.
    checkEq(emptyList<String>(), wallet.checkLogsWitnessed(File(dir, "witness-policy.txt").readText(), 25uL * DAY_SECS)[0].backdated, "tolerance")
    // A stranger's policy: its witness never cosigned, nothing is accepted.
    val s = wallet.checkLogsWitnessed(File(dir, "stranger-policy.txt").readText(), DAY_SECS)[0]
    check(s.witnessed.isEmpty() && s.cosignedBy.isEmpty() && s.proven.isEmpty() && s.backdated.isEmpty()) { "stranger: $s" }
    checkEq(listOf(2uL, 3uL), s.notWitnessed, "stranger: not witnessed")
    // Not a policy: a typed error.
    expectError<ConsentKitException.InvalidInput>("garbage policy") { wallet.checkLogsWitnessed("quorum nobody\n", DAY_SECS) }
}

fun proofsThatTravel() {
    val dir = witnessFixture()
    val wallet = Wallet.fromBytes(File(dir, "wallet.ckw").readBytes())
    val grant = expected(dir, "grant")
    // The C2SP tlog-proof, exported by the wallet and checked back.
    val text = wallet.exportTlogProof(grant)
    check(text.startsWith("c2sp.org/tlog-proof@v1\nindex 1\n")) { text }
    val t = wallet.verifyTlogProof(grant, text)
    checkEq(1uL, t.leafIndex, "tlog-proof leaf")
    check(t.treeSize >= 2uL) { "tree size ${t.treeSize}" }
    // The core's ReceiptCheck (log::receipt::ReceiptClaims): the root is 32 bytes, as every hash.
    checkEq("dev.consentkit.core", t::class.java.packageName, "package of ReceiptCheck")
    checkEq(32, t.root.size, "tlog-proof root bytes")
    val bent = text.replaceFirst("index 1", "index 0")
    expectError<ConsentKitException>("bent tlog-proof") { wallet.verifyTlogProof(grant, bent) }
    expectError<ConsentKitException>("tlog-proof of another artifact") { wallet.verifyTlogProof(expected(dir, "withdrawal"), text) }
    // The RFC 9942 COSE receipt the log issued for the grant.
    val receipt = File(dir, "grant.receipt.cose").readBytes()
    val r = wallet.verifyCoseReceipt(grant, receipt)
    checkEq(1uL, r.leafIndex, "receipt leaf")
    checkEq(2uL, r.treeSize, "receipt tree size")
    val flipped = receipt.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
    expectError<ConsentKitException>("bent COSE receipt") { wallet.verifyCoseReceipt(grant, flipped) }
}
