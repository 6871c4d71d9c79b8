// Foreign tests of the Kotlin bindings, on the JVM (JNA). They exercise the
// glue (types, errors, lifetimes, callbacks), not every core rule again.
//
// Run by scripts/test-bindings:
//   java -Djna.library.path=<dir of libconsentkit_ffi.so> -cp ... dev.consentkit.tests.ConsentKitTestsKt <repo root>
// Prints "N passed, M failed" and exits non-zero on any failure.
package dev.consentkit.tests

import dev.consentkit.*
import dev.consentkit.core.*
import java.io.File
import java.math.BigInteger
import java.nio.file.Files
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.time.Duration
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random

// Instants are java.time.Instant (the Timestamp custom type, bindings/uniffi.toml).
val T0: Instant = Instant.parse("2026-11-01T00:00:00Z")
const val DAY_SECS: ULong = 86_400uL
fun secs(n: Long): Duration = Duration.ofSeconds(n)
fun days(n: Long): Duration = Duration.ofDays(n)
const val CONTROLLER = "traffic.example"
const val PARTNER = "city.example"
const val URBAN = "https://city.example/purpose#UrbanPlanning"

lateinit var repo: File

// --- a tiny test runner ---------------------------------------------------------

class Failure(message: String) : Exception(message)

fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw Failure(what())
}

fun <T> checkEq(expected: T, actual: T, what: String) =
    check(expected == actual) { "$what: expected $expected, got $actual" }

/** Runs [block], which must throw a ConsentKitException of type [E]; returns it. */
inline fun <reified E : ConsentKitException> expectError(what: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: ConsentKitException) {
        check(e is E) { "$what: expected ${E::class.simpleName}, got ${e::class.simpleName}: ${e.message}" }
        return e as E
    } catch (e: Throwable) {
        throw Failure("$what: expected ${E::class.simpleName}, got ${e::class.qualifiedName}: ${e.message}")
    }
    throw Failure("$what: expected ${E::class.simpleName}, nothing was thrown")
}

// --- an external signer whose key never leaves the JVM's security provider --------

/** P-256 key from java.security (the Android Keystore / StrongBox stand-in). */
class JcaSigner : ExternalSigner {
    private val pair = KeyPairGenerator.getInstance("EC").apply {
        initialize(ECGenParameterSpec("secp256r1"))
    }.generateKeyPair()
    val calls = AtomicInteger(0)

    override fun publicKey(): RawPublicKey {
        val w = (pair.public as ECPublicKey).w
        return RawPublicKey(Algorithm.ES256, byteArrayOf(4) + fixed32(w.affineX) + fixed32(w.affineY))
    }

    override fun sign(message: ByteArray): ByteArray {
        calls.incrementAndGet()
        // DER-encoded ECDSA-Sig-Value, as Android Keystore returns it: consentkit converts.
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(pair.private)
            update(message)
            sign()
        }
    }
}

fun fixed32(n: BigInteger): ByteArray {
    val b = n.toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
    return ByteArray(32 - b.size) + b
}

fun hex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
fun ByteArray.toHex(): String = joinToString("") { "%02x".format(it) }

// --- fixtures ----------------------------------------------------------------------

fun offer(): Offer = Offer(
    controller = CONTROLLER,
    name = "live-routing-2026",
    issuedAt = T0,
    validFrom = T0,
    validUntil = T0 + days(365),
    purposes = listOf("dpv:ServiceProvision", URBAN),
    categories = listOf("pd:Location"),
    recipients = listOf(Recipient(PARTNER, listOf(URBAN), listOf("pd:Location"))),
    retentionSecs = 30uL * DAY_SECS,
    limits = Limits(usesPerDay = 1000u, finestPrecision = 10u),
    legalBasis = "dpv:Consent",
    jurisdiction = "EU",
    language = "en",
    notice = noticeForText("https://traffic.example/notice/v3", "We use your location to route you.".toByteArray()),
    valueOffered = listOf(Benefit(BenefitKind.SERVICE, 1uL, "month", description = "Live traffic routing")),
    valueEstimate = ValueEstimate(120uL, "EUR", "average revenue per user"),
    serviceWithoutConsent = true,
)

fun receipt(grant: String, at: Instant, purpose: String = "dpv:ServiceProvision", recipient: String? = null) = DataReceipt(
    grant = grant,
    category = "pd:Location",
    purpose = purpose,
    recipient = recipient,
    usedAt = at,
    quantity = 1u,
    precision = 50u,
    commitment = commit("52.37,4.89".toByteArray()).value,
)

class Parties : AutoCloseable {
    val controllerKey = KeyPair.generate(Algorithm.ED25519)
    val partnerKey = KeyPair.generate(Algorithm.ES256)
    val controller = Controller(controllerKey)
    val partner = Controller(partnerKey)
    val trust = TrustSet().apply {
        add(controllerKey.publicKey(), Role.CONTROLLER, CONTROLLER)
        add(partnerKey.publicKey(), Role.PARTNER, PARTNER)
    }

    override fun close() {
        listOf(controllerKey, partnerKey, controller, partner, trust).forEach { it.close() }
    }
}

fun tempDir(): File = Files.createTempDirectory("consentkit-kt").toFile().apply { deleteOnExit() }

/** One platform key per controller (one Keystore alias per controller), told which controller it signs for. */
class JcaProvider(val make: () -> ExternalSigner = { JcaSigner() }) : ExternalKeyProvider {
    val keys = java.util.concurrent.ConcurrentHashMap<String, ExternalSigner>()
    val asked = java.util.Collections.synchronizedList(mutableListOf<String>())

    override fun signerFor(controller: String): ExternalSigner {
        asked.add(controller)
        return keys.getOrPut(controller) { make() }
    }

    override fun legacySigner(): ExternalSigner? = null
}

// --- tests -------------------------------------------------------------------------

/** The traffic app: offer, grant with an external signer, countersignature, receipts, withdrawal, a flagged receipt. */
fun trafficAppFlow() = Parties().use { p ->
    val provider = JcaProvider()
    val path = File(tempDir(), "wallet.ckw").path
    val wallet = Wallet.createWithProvider(path, provider)
    wallet.trustAll(p.trust)
    checkEq(2uL, wallet.trust().len(), "trusted keys")
    checkEq(2uL, wallet.version(), "wallet format version")
    check(wallet.publicKeyFor(CONTROLLER) == null) { "a platform key is made on first signing" }

    val offerBytes = p.controller.makeOffer(offer())
    val got = wallet.receive(offerBytes, T0)
    checkEq(ArtifactKind.OFFER, got.artifact.kind, "received kind")
    check(got.violations.isEmpty()) { "offer violations: ${got.violations}" }
    checkEq("live-routing-2026", readOffer(offerBytes).name, "offer name")

    // Accept: the person's signature comes from the foreign key.
    val grant = wallet.accept(got.artifact.id, Choice(), T0 + secs(60))
    checkEq(setOf(CONTROLLER), provider.asked.toSet(), "the provider is told the controller")
    val signer = provider.keys.getValue(CONTROLLER) as JcaSigner
    check(signer.calls.get() > 0) { "the external signer was not called" }
    checkEq(Algorithm.ES256, wallet.publicKeyFor(CONTROLLER)!!.algorithm, "wallet key algorithm")
    val countersigned = p.controller.countersign(grant, offerBytes)
    val g = wallet.receive(countersigned, T0 + secs(120)).artifact
    checkEq(ArtifactKind.GRANT, g.kind, "grant kind")

    // The resulting grant verifies: the person's key (subject), then the controller.
    val verified = Verifier(p.trust).verify(countersigned)
    checkEq(2, verified.signers.size, "grant signatures")
    checkEq(Signatory.Subject, verified.signers[0].signatory, "first signatory")
    checkEq(Signatory.Trusted(Role.CONTROLLER, CONTROLLER), verified.signers[1].signatory, "second signatory")
    checkEq(wallet.publicKeyFor(CONTROLLER)!!.kid(), verified.signers[0].kid, "person's kid")

    // Receipts by the controller and the partner, and a value record: no violations.
    for (r in listOf(
        p.controller.issueReceipt(receipt(g.id, T0 + secs(3600)), countersigned),
        p.partner.issueReceipt(receipt(g.id, T0 + secs(7200), purpose = URBAN), countersigned),
        p.controller.issueValueRecord(ValueRecord(g.id, T0 + days(30), Benefit(BenefitKind.SERVICE, 1uL, "month"))),
    )) {
        val v = wallet.receive(r, T0 + days(30)).violations
        check(v.isEmpty()) { "unexpected violations: $v" }
    }

    // Withdraw: one call, signed by the foreign key.
    val withdrawal = wallet.withdraw(g.id, T0 + days(31))
    checkEq(ArtifactKind.WITHDRAWAL, decodeArtifact(withdrawal).kind, "withdrawal kind")
    checkEq(ConsentState.WITHDRAWN, wallet.grantState(g.id, T0 + days(32)), "state after withdrawal")

    // A receipt after the withdrawal is flagged.
    val late = p.controller.issueReceipt(receipt(g.id, T0 + days(32)), countersigned)
    val flagged = wallet.receive(late, T0 + days(33)).violations
    check(flagged.any { it.kind == FindingKind.AFTER_WITHDRAWAL && it.kind.toString() == "after_withdrawal" }) {
        "the late receipt was not flagged: $flagged"
    }

    val summary = wallet.summary(T0 + days(33))
    checkEq(1, summary.grants.size, "grants in summary")
    checkEq(ConsentState.WITHDRAWN, summary.grants[0].state, "summary state")
    check(summary.grants[0].countersigned) { "grant not countersigned" }
    check(summary.shared.any { it.recipient == PARTNER && it.purpose == URBAN }) { "partner use missing: ${summary.shared}" }
    checkEq(listOf(ValueReceived(CONTROLLER, "month", 1uL)), summary.received, "received")
    check(summary.violations.isNotEmpty()) { "summary without the violation" }
    check(summary.logs.isEmpty() && wallet.checkLogs().isEmpty()) { "no log is trusted, yet: ${summary.logs}" }

    // The auditor sees the same, from the wallet's bundle.
    val report = Verifier(p.trust).audit(wallet.exportBundle(), T0 + days(33))
    checkEq(7uL, report.items, "bundle items")
    checkEq(1uL, report.findingCounts.single { it.kind == FindingKind.AFTER_WITHDRAWAL }.count, "finding count")
    checkEq(0uL, report.findingsOmitted, "findings omitted")
    check(report.findings.any { it.kind == FindingKind.AFTER_WITHDRAWAL }) { "audit: ${report.findings}" }
    checkEq(CONTROLLER, report.controllers.single().controller, "report controller")
    checkEq(3uL, report.controllers.single().receipts, "receipts counted")
    check(Verifier(p.trust).auditRendered(wallet.exportBundle(), ReportFormat.JSON, T0).contains("\"findings\"")) { "json" }

    // The file reopens with the same provider; without it the wallet reads but cannot sign.
    val count = wallet.artifacts().size
    wallet.close()
    Wallet.open(path, provider).use { checkEq(count, it.artifacts().size, "artifacts after reopen") }
    Wallet.open(path).use { ro ->
        check(ro.problems().isEmpty()) { "problems: ${ro.problems()}" }
        expectError<ConsentKitException.Signer>("sign without the provider") { ro.withdraw(g.id, T0 + days(34)) }
    }
}

/** Foreign exceptions and bad signatures from a signer become typed Signer errors. */
fun externalSignerFailures() = Parties().use { p ->
    val offerBytes = p.controller.makeOffer(offer())
    class Cancelling(val thrown: () -> Nothing) : ExternalSigner {
        val inner = JcaSigner()
        override fun publicKey() = inner.publicKey()
        override fun sign(message: ByteArray): ByteArray = thrown()
    }
    val cases = listOf(
        "typed" to Cancelling { throw ConsentKitException.Signer("user cancelled") },
        "unexpected" to Cancelling { throw IllegalStateException("keystore locked") },
    )
    for ((name, signer) in cases) {
        Wallet.inMemoryWithProvider(JcaProvider { signer }).use { w ->
            w.trustAll(p.trust)
            val id = w.receive(offerBytes, T0).artifact.id
            val e = expectError<ConsentKitException.Signer>("$name signer failure") { w.accept(id, Choice(), T0) }
            if (name == "typed") check(e.reason.contains("user cancelled")) { "reason lost: ${e.reason}" }
        }
    }
    // A signer that signs with another key is caught by the core's check.
    val liar = object : ExternalSigner {
        val shown = JcaSigner()
        val used = JcaSigner()
        override fun publicKey() = shown.publicKey()
        override fun sign(message: ByteArray) = used.sign(message)
    }
    expectError<ConsentKitException.Signer>("wrong-key signature") { Controller.withSigner(liar).makeOffer(offer()) }
    // A public key that is not a P-256 point.
    val bad = object : ExternalSigner {
        override fun publicKey() = RawPublicKey(Algorithm.ES256, ByteArray(65) { 4 })
        override fun sign(message: ByteArray) = ByteArray(64)
    }
    Wallet.inMemoryWithProvider(JcaProvider { bad }).use { w ->
        w.trustAll(p.trust)
        val id = w.receive(offerBytes, T0).artifact.id
        expectError<ConsentKitException.Signer>("invalid foreign public key") { w.accept(id, Choice(), T0) }
    }
}

/** Granular acceptance, refusal and the controller's revocation. */
fun granularRefusalRevocation() = Parties().use { p ->
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val ob = p.controller.makeOffer(offer())
        val o = w.receive(ob, T0).artifact
        expectError<ConsentKitException.Usage>("purpose not offered") {
            w.accept(o.id, Choice(purposes = listOf("dpv:Marketing")), T0)
        }
        expectError<ConsentKitException.InvalidInput>("bad term") { w.accept(o.id, Choice(purposes = listOf("")), T0) }
        expectError<ConsentKitException.NotFound>("unknown offer") { w.accept("00".repeat(16), Choice(), T0) }
        val grant = w.accept(o.digest, Choice(purposes = listOf("dpv:ServiceProvision"), recipients = listOf()), T0 + secs(1))
        val g = w.receive(p.controller.countersign(grant, ob), T0 + secs(2)).artifact
        checkEq(listOf("dpv:ServiceProvision"), w.grants(T0 + secs(3)).single().purposes, "granted purposes")
        // A revocation by the controller ends the grant...
        w.receive(p.controller.revoke(g.id, T0 + days(1), "service closed"), T0 + days(1))
        checkEq(ConsentState.REVOKED, w.grantState(g.id, T0 + days(2)), "revoked")
        // ...and a later refusal of the same offer ends it from the refusal on
        // (docs/FORMAT.md §11.1), so from T0 + 4 s the person's "no" comes first.
        val refusal = p.controller.countersign(w.refuse(o.id, T0 + secs(4)), ob)
        checkEq(ArtifactKind.REFUSAL, w.receive(refusal, T0 + secs(5)).artifact.kind, "refusal")
        checkEq(ConsentState.GIVEN, w.grantState(g.id, T0 + secs(3)), "given before the refusal")
        checkEq(ConsentState.WITHDRAWN, w.grantState(g.id, T0 + secs(4)), "ended at the refusal")
        checkEq(ConsentState.WITHDRAWN, w.grantState(g.id, T0 + days(2)), "the refusal came before the revocation")
        checkEq(1uL, w.summary(T0 + days(2)).refusals, "refusals")
    }
}

/** Keys: generate, export, import; RFC 8032 seeds from the shared vectors. */
fun keysAndSharedVectors() {
    for (alg in Algorithm.values()) {
        KeyPair.generate(alg).use { k ->
            KeyPair.fromCoseKey(k.toCoseKey()).use { back -> checkEq(k.kid(), back.kid(), "kid after import") }
            val info = publicKeyInfo(k.publicKey().toCoseKey())
            checkEq(k.kid(), info.kid, "public key kid")
            checkEq(alg, info.algorithm, "algorithm")
            check(info.bytes.contentEquals(k.publicKeyRaw())) { "PublicKeyInfo.bytes: the raw public key" }
        }
    }
    val json = File(repo, "tests/vectors/rfc8032/ed25519-rfc8032-7.1.json").readText()
    val pairs = Regex("\"seed\":\\s*\"([0-9a-f]+)\",\\s*\"public_key\":\\s*\"([0-9a-f]+)\"").findAll(json).toList()
    check(pairs.size >= 3) { "RFC 8032 vectors not found" }
    for (m in pairs) {
        val (seed, public) = m.destructured
        KeyPair.fromEd25519Seed(hex(seed)).use { checkEq(public, it.publicKeyRaw().toHex(), "RFC 8032 public key") }
    }
    // A COSE WG example is valid COSE but no consentkit artifact: a typed error, not a crash.
    val ex = File(repo, "tests/vectors/cose-wg/eddsa-examples/eddsa-sig-01.json").readText()
    val cbor = Regex("\"cbor\":\\s*\"([0-9A-Fa-f]+)\"").find(ex)?.groupValues?.get(1) ?: throw Failure("no cbor in COSE WG example")
    expectError<ConsentKitException.InvalidInput>("COSE WG example") { decodeArtifact(hex(cbor.lowercase())) }
}

/**
 * The algorithm's values (ARCHITECTURE.md, "The algorithm's values"): named by
 * the key type, in Kotlin `ED25519` and `ES256` and nothing else; each key
 * reports the value it was made with.
 */
fun algorithmValues() {
    checkEq(listOf("ED25519", "ES256"), Algorithm.values().map { it.name }, "Algorithm's values")
    for (alg in Algorithm.values()) {
        KeyPair.generate(alg).use { k ->
            checkEq(alg, k.algorithm(), "KeyPair.algorithm of a $alg key")
            checkEq(alg, k.publicKey().algorithm, "RawPublicKey.algorithm of a $alg key")
        }
    }
}

/** docs/FORMAT.md's examples decode to the ids the document states. */
fun formatDocExamples() {
    val doc = File(repo, "docs/FORMAT.md").readText()
    val blocks = Regex("```hex example=(\\w+) id=([0-9a-f]{32}) digest=([0-9a-f]{64})\\n([\\s\\S]*?)```").findAll(doc).toList()
    check(blocks.size >= 4) { "FORMAT.md examples not found" }
    for (b in blocks) {
        val (name, id, digest, body) = b.destructured
        val bytes = hex(body.lines().joinToString("") { it.substringBefore("#").trim() }.replace(" ", ""))
        val a = decodeArtifact(bytes)
        checkEq(id, a.id, "$name id")
        checkEq(digest, a.digest, "$name digest")
        checkEq(name, inspect(bytes).let { Regex("\"type\":\"(\\w+)\"").find(it)?.groupValues?.get(1) }, "$name type")
    }
}

/** Garbage, truncated and oversized bytes through every decode entry point: a typed exception every time. */
fun garbageInput() = Parties().use { p ->
    val valid = p.controller.makeOffer(offer())
    val rnd = Random(5)
    val inputs = mutableListOf(
        "empty" to ByteArray(0),
        "garbage" to rnd.nextBytes(200),
        "oversized" to rnd.nextBytes(70_000),
        "oversized-bstr" to byteArrayOf(0x5a, 0, 1, 0x11, 0x70) + ByteArray(70_000),
        "cbor-null" to byteArrayOf(0xf6.toByte()),
        "deep-nesting" to ByteArray(100_000) { 0x81.toByte() },
        "deep-nesting-small" to ByteArray(60_000) { 0x81.toByte() },
    )
    for (cut in listOf(1, 2, 10, valid.size / 2, valid.size - 1)) inputs += "truncated@$cut" to valid.copyOf(cut)
    repeat(20) { inputs += "random$it" to rnd.nextBytes(rnd.nextInt(1, 300)) }

    val w = Wallet.inMemory(Algorithm.ED25519)
    w.trustAll(p.trust)
    val backup = w.exportBackup(ByteArray(32))
    val entryPoints = listOf<Pair<String, (ByteArray) -> Unit>>(
        "decodeArtifact" to { b -> decodeArtifact(b) },
        "inspect" to { b -> inspect(b) },
        "readOffer" to { b -> readOffer(b) },
        "makeBundle" to { b -> makeBundle(listOf(valid, b)) },
        "publicKeyInfo" to { b -> publicKeyInfo(b) },
        "KeyPair.fromCoseKey" to { b -> KeyPair.fromCoseKey(b).close() },
        "KeyPair.fromEd25519Seed" to { b -> KeyPair.fromEd25519Seed(b).close() },
        "TrustSet.fromCoseKeySet" to { b -> TrustSet.fromCoseKeySet(b).close() },
        "publicKeyFromCoseKey" to { b -> publicKeyFromCoseKey(b) },
        "TrustSet.add" to { b -> p.trust.add(RawPublicKey(Algorithm.ES256, b), Role.PARTNER, "x") },
        "Verifier.verify" to { b -> Verifier(p.trust).verify(b) },
        "Controller.countersign" to { b -> p.controller.countersign(b, b) },
        "Wallet.receive" to { b -> w.receive(b, T0) },
        "Wallet.trustKey" to { b -> w.trustKey(RawPublicKey(Algorithm.ES256, b), Role.PARTNER, "x") },
        "Wallet.fromBytes" to { b -> Wallet.fromBytes(b).close() },
        "Wallet.importBackup" to { b -> Wallet.importBackup(b, ByteArray(32)).close() },
        "Wallet.importBackup(key)" to { b -> Wallet.importBackup(backup, b).close() },
        "Wallet.exportBackup(key)" to { b -> w.exportBackup(b) },
        "Wallet.addInclusionProof" to { b -> w.addInclusionProof("00".repeat(16), b) },
        "Wallet.addConsistencyProof" to { b -> w.addConsistencyProof(b) },
    )
    var n = 0
    for ((name, call) in entryPoints) for ((what, bytes) in inputs) {
        if (name == "KeyPair.fromEd25519Seed" && bytes.size == 32) continue // any 32 bytes are a seed
        expectError<ConsentKitException>("$name($what)") { call(bytes) }
        n++
    }
    // Text entry points: ids and digests.
    for (id in listOf("", "zz", "0".repeat(31), "0".repeat(33), "é".repeat(32), "0".repeat(64))) {
        expectError<ConsentKitException>("withdraw($id)") { w.withdraw(id, T0) }
        expectError<ConsentKitException>("accept($id)") { w.accept(id, Choice(), T0) }
        expectError<ConsentKitException>("revoke($id)") { p.controller.revoke(id, T0, "r") }
    }
    // An audit never throws: unreadable input becomes findings.
    for ((what, bytes) in inputs.filter { it.second.isNotEmpty() }) {
        val r = Verifier(p.trust).audit(bytes, T0)
        check(r.findings.isNotEmpty()) { "audit($what) found nothing" }
    }
    // An empty bundle is empty, not clean.
    val empty = Verifier(p.trust).audit(ByteArray(0), T0)
    check(empty.outcome == AuditOutcome.EMPTY && !empty.isClean()) { "empty bundle: ${empty.outcome}" }
    w.close()
    check(n > 300) { "only $n cases" }
}

/** Lifetimes and threads: objects are usable from many threads, and a closed object refuses calls. */
fun lifetimesAndThreads() = Parties().use { p ->
    val w = Wallet.inMemory(Algorithm.ED25519)
    w.trustAll(p.trust)
    val ob = p.controller.makeOffer(offer())
    val id = w.receive(ob, T0).artifact.id
    val threads = (1..4).map { t ->
        Thread {
            repeat(25) { i -> w.receive(p.controller.countersign(w.accept(id, Choice(), T0 + secs((t * 100 + i).toLong())), ob), T0 + days(1)) }
        }
    }
    threads.forEach { it.start() }
    threads.forEach { it.join() }
    checkEq(100, w.grants(T0 + days(1)).size, "grants from 4 threads")
    val bytes = w.toBytes()
    Wallet.fromBytes(bytes).use { checkEq(101, it.artifacts().size, "artifacts from bytes") }
    w.close()
    try {
        w.artifacts()
        throw Failure("a closed wallet answered")
    } catch (e: IllegalStateException) {
        // expected: the handle is gone
    }
    // Many short-lived objects.
    repeat(500) { KeyPair.generate(Algorithm.ED25519).use { it.kid() } }
}

/** Exports: a Kantara receipt and an ISO/IEC TS 27560 record of the same grant, with its status at the time given. */
val CONTROLLERS_JSON = """{"controllers": [{
  "party": "traffic.example", "name": "Traffic Example GmbH", "contact": "Data Protection Officer",
  "address": {"street_address": "1 Example Street", "country": "DE"},
  "email": "privacy@traffic.example", "phone": "+49 30 000000",
  "policy_url": "https://traffic.example/privacy", "storage_locations": ["DE"],
  "recipients": [{"party": "city.example", "name": "City of Example", "contact": "Mobility Department",
    "address": {"street_address": "2 Town Hall Square", "country": "DE"},
    "email": "mobility@city.example", "phone": "+49 30 111111"}],
  "kantara_purposes": {"https://city.example/purpose#UrbanPlanning": 11}
}]}"""

fun exportConsentsBothFormats() = Parties().use { p ->
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val signedOffer = p.controller.makeOffer(offer())
        val oid = w.receive(signedOffer, T0).artifact.id
        val g = w.receive(p.controller.countersign(w.accept(oid, Choice(), T0 + secs(60)), signedOffer), T0 + secs(120)).artifact

        val k = exportConsents(w.exportBundle(), "kantara", listOf(), T0 + days(1), CONTROLLERS_JSON)
        checkEq(1, k.documents.size, "one receipt")
        check(k.refused.isEmpty()) { "refused: ${k.refused}" }
        val receipt = k.documents[0]
        check(receipt.contains("\"consentReceiptID\":\"${g.id}\"")) { receipt }
        check(receipt.contains("\"consentStatus\":\"given\"")) { receipt }
        check(receipt.contains("\"11 - 3rd Party Sharing for ...\"")) { receipt }
        check(receipt.contains("\"thirdPartyName\":\"City of Example\"")) { receipt }

        w.withdraw(g.id, T0 + days(2))
        val iso = exportConsents(w.exportBundle(), "iso27560", listOf(g.id), T0 + days(3), CONTROLLERS_JSON)
        check(iso.documents[0].contains("\"dpv:ConsentWithdrawn\"")) { iso.documents[0] }

        expectError<ConsentKitException.Usage>("unknown format") {
            exportConsents(w.exportBundle(), "pdf", listOf(), T0, CONTROLLERS_JSON)
        }
        expectError<ConsentKitException.InvalidInput>("bad id") {
            exportConsents(w.exportBundle(), "kantara", listOf("xyz"), T0, CONTROLLERS_JSON)
        }
        expectError<ConsentKitException.InvalidInput>("bad controller info") {
            exportConsents(w.exportBundle(), "kantara", listOf(), T0, "{}")
        }
    }
}

/** Records every event; reads the wallet from inside onChange (events come after the wallet call released it). */
class RecordingListener(val wallet: () -> Wallet?) : WalletListener {
    val events = java.util.Collections.synchronizedList(mutableListOf<WalletEvent>())
    val grantsSeen = java.util.Collections.synchronizedList(mutableListOf<Int>())

    override fun onChange(event: WalletEvent) {
        events.add(event)
        grantsSeen.add(wallet()?.grants(event.at)?.size ?: -1)
    }
}

/** The app lifecycle: listener, needsDecision, one purpose at a time, restore from a backup. */
fun appLifecycle() = Parties().use { p ->
    val w = Wallet.inMemory(Algorithm.ES256)
    w.trustAll(p.trust)
    val ob = p.controller.makeOffer(offer())
    val o = w.receive(ob, T0).artifact
    var current: Wallet? = w
    val l = RecordingListener { current }
    val sub = w.subscribe(l, T0 + secs(1))
    checkEq(1, l.events.size, "the replay arrives before subscribe returns")
    check(l.events[0].replay && l.events[0].added.isEmpty()) { "replay: ${l.events[0]}" }
    check(w.needsDecision(o.id, T0 + secs(1))) { "never decided: needs a decision" }

    // One purpose, no UI: a grant of it alone; then a second one supersedes it.
    val g1 = w.grantPurpose(o.digest, "dpv:ServiceProvision", T0 + secs(10))
    checkEq(2, l.events.size, "one event per call")
    checkEq(listOf(ArtifactKind.GRANT), l.events[1].added.map { it.kind }, "added")
    checkEq(decodeArtifact(g1).id, l.events[1].added[0].id, "added id")
    checkEq(1, l.grantsSeen[1], "the listener read the wallet after the change")
    check(!w.needsDecision(o.id, T0 + secs(11))) { "decided" }
    w.receive(p.controller.countersign(g1, ob), T0 + secs(20))
    check(l.events[2].changed.single().countersigned) { "countersigned: ${l.events[2]}" }
    val g2 = w.grantPurpose(o.id, URBAN, T0 + secs(30))
    checkEq(listOf("dpv:ServiceProvision", URBAN), w.grants(T0 + secs(30)).single { it.state == ConsentState.GIVEN }.purposes, "both purposes")
    w.receive(p.controller.countersign(g2, ob), T0 + secs(31))
    expectError<ConsentKitException.Usage>("already granted") { w.grantPurpose(o.id, URBAN, T0 + secs(32)) }
    expectError<ConsentKitException.InvalidInput>("bad term") { w.grantPurpose(o.id, "", T0 + secs(32)) }
    expectError<ConsentKitException.NotFound>("unknown offer") { w.needsDecision("00".repeat(16), T0) }

    // Withdraw one purpose: the withdrawal, then a grant of the other.
    val out = w.withdrawPurpose(o.id, URBAN, T0 + secs(40))
    checkEq(listOf(ArtifactKind.WITHDRAWAL, ArtifactKind.GRANT), out.map { decodeArtifact(it).kind }, "withdrawPurpose")
    checkEq(listOf(ArtifactKind.WITHDRAWAL, ArtifactKind.GRANT), l.events.last().added.map { it.kind }, "one event for both")
    checkEq(ConsentState.WITHDRAWN, l.events.last().changed.first { it.purposes.size == 2 }.state, "the old grant")

    // Restore: a fresh wallet from the backup, verified; a foreign or altered backup is Backup.
    val key = ByteArray(32) { it.toByte() }
    val backup = w.exportBackup(key)
    Wallet.importBackup(backup, key).use { r ->
        check(r.toBytes().contentEquals(w.toBytes())) { "restored bytes" }
        check(!r.needsDecision(o.id, T0 + secs(50))) { "restored decisions" }
        checkEq(1, r.withdrawPurpose(o.id, "dpv:ServiceProvision", T0 + secs(50)).size, "a restored wallet signs")
    }
    val altered = backup.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
    expectError<ConsentKitException.Backup>("altered backup") { Wallet.importBackup(altered, key) }
    Wallet.inMemory(Algorithm.ED25519).use { other ->
        expectError<ConsentKitException.Backup>("another wallet's backup") { Wallet.importBackup(other.exportBackup(ByteArray(32)), key) }
    }
    expectError<ConsentKitException.Backup>("not a backup") { Wallet.importBackup(w.toBytes(), key) }

    // A listener that throws changes nothing; after unsubscribe, nothing arrives.
    check(w.unsubscribe(sub)) { "unsubscribe" }
    check(!w.unsubscribe(sub)) { "unsubscribe twice" }
    val before = l.events.size
    val thrower = object : WalletListener {
        override fun onChange(event: WalletEvent) = throw IllegalStateException("an app bug")
    }
    w.subscribe(thrower, T0 + secs(60))
    checkEq(1, w.withdrawPurpose(o.id, "dpv:ServiceProvision", T0 + secs(70)).size, "the call stands")
    checkEq(before, l.events.size, "unsubscribed")
    current = null
    w.close()
}

/**
 * Instants are java.time.Instant both ways (issue 12 item 2): taken in whole
 * seconds (rounded down), given back as Instant; a millisecond count or an
 * instant before 1970 is refused by the core's range check.
 */
fun instantsAreNative() = Parties().use { p ->
    Wallet.inMemory(Algorithm.ED25519).use { w ->
        w.trustAll(p.trust)
        val ob = p.controller.makeOffer(offer())
        checkEq(T0, readOffer(ob).issuedAt, "offer issuedAt read back as an Instant")
        val o = w.receive(ob, T0).artifact
        // 60.999 s after T0: signed as T0 + 60 s.
        val g = w.receive(p.controller.countersign(w.accept(o.id, Choice(), T0.plusMillis(60_999)), ob), T0 + secs(61)).artifact
        val view = w.grants(T0 + secs(62)).single()
        checkEq(T0 + secs(60), view.issuedAt, "grant issuedAt (rounded down)")
        checkEq(g.id, view.id, "the grant")
        checkEq(T0 + secs(62), Verifier(p.trust).audit(w.exportBundle(), T0 + secs(62)).at, "audit time")
        val millis = Instant.ofEpochSecond(T0.toEpochMilli())
        val e = expectError<ConsentKitException.InvalidInput>("milliseconds as seconds") { w.withdraw(g.id, millis) }
        check(e.message!!.contains("milliseconds")) { "message names the unit: ${e.message}" }
        expectError<ConsentKitException.InvalidInput>("before 1970") { w.withdraw(g.id, Instant.ofEpochSecond(-5)) }
        checkEq(ConsentState.GIVEN, w.grantState(g.id, T0 + days(1)), "nothing signed")
    }
}

/**
 * One definition per type (issue 12 item 1): the core's own records and enums
 * are generated from the Rust types (package dev.consentkit.core) and cross
 * inside the bindings' records both ways.
 */
fun coreTypesComeFromTheCore() = Parties().use { p ->
    for (c in listOf(ArtifactKind::class, Role::class, ConsentState::class, BenefitKind::class, Benefit::class,
                     ValueEstimate::class, PublisherRestriction::class, TcfExport::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
    val money = Benefit(BenefitKind.MONEY, 150uL, "EUR")
    val read = readOffer(p.controller.makeOffer(offer().copy(valueOffered = listOf(money))))
    checkEq(listOf(money), read.valueOffered, "a core record through the bindings' Offer")
}

/**
 * One definition per type (issue 12 item 1): the audit report's, the wallet's
 * and the status records are the core's Rust types (package dev.consentkit.core).
 */
fun reportWalletStatusRecordsComeFromTheCore() {
    for (c in listOf(KindCount::class, StateCount::class, UnitAmount::class, ControllerStats::class,
                     DayActivity::class, AuditOutcome::class, AuditCheckpoint::class, Status::class,
                     StatusReference::class, StatusAnswer::class, GrantView::class, Shared::class,
                     ValueReceived::class, LogCheck::class, WalletEvent::class, AddedArtifact::class,
                     WitnessedLogCheck::class, WalletProblem::class, RepairReport::class,
                     WalletSummary::class, ReceiptCheck::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
}

/**
 * One definition per type (issue 12 item 1): the audit report and its
 * provenance are the core's records (package dev.consentkit.core); the
 * provenance is nested as in JavaScript and the JSON (`trust.sha256`,
 * `signatures.checked`), and `isClean()` / `outcomeName()` are the core's
 * methods (they were fields).
 */
fun theAuditReportIsTheCores() = Parties().use { p ->
    for (c in listOf(AuditReport::class, AuditProvenance::class, TrustProvenance::class, AuditLog::class,
                     SignatureCounts::class, WitnessView::class, CosignerInfo::class, AuditTrustedKey::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
    val offer = p.controller.makeOffer(offer())
    val r: AuditReport = Verifier(p.trust).audit(offer, T0)
    checkEq(Pair("clean", true), Pair(r.outcomeName(), r.isClean()), "verdict of one offer")
    val prov: AuditProvenance = r.provenance
    checkEq(64, prov.trust.sha256.length, "trust.sha256")
    checkEq(1uL, prov.signatures.checked, "signatures.checked")
    checkEq(null, prov.log, "no log")
    val empty = Verifier(p.trust).audit(ByteArray(0), T0)
    checkEq(Pair("empty", false), Pair(empty.outcomeName(), empty.isClean()), "verdict of nothing")
}

/**
 * One shape for `TrustSet.keys()` (issue 12 item 1): the core's
 * `AuditTrustedKey` (kid, algorithm, role, party), sorted by kid, the same
 * as the report's `provenance.trust.keys` (it was a record holding a
 * `PublicKeyInfo`).
 */
fun trustSetKeysAreTheReportsTrustedKeys() {
    val a = KeyPair.generate(Algorithm.ES256)
    val b = KeyPair.generate(Algorithm.ED25519)
    val t = TrustSet()
    t.add(a.publicKey(), Role.CONTROLLER, "traffic.example")
    t.add(b.publicKey(), Role.PERSON, "person")
    val keys: List<AuditTrustedKey> = t.keys()
    checkSortedWithControllerA(keys, a, b)
    checkEq(keys, Verifier(t).audit(ByteArray(0), T0).provenance.trust.keys, "report's keys")
}

/** `keys` holds a's and b's kids sorted, and a's entry is the ES256 controller traffic.example. */
fun checkSortedWithControllerA(keys: List<AuditTrustedKey>, a: KeyPair, b: KeyPair) {
    checkEq(listOf(a.kid(), b.kid()).sorted(), keys.map { it.kid }, "kids sorted")
    checkEq(AuditTrustedKey(a.kid(), Algorithm.ES256, Role.CONTROLLER, "traffic.example"),
            keys.first { it.kid == a.kid() }, "a's entry")
}

/** Wallet.trustedKeys(), as JavaScript's: the trust set's keys, sorted by kid. */
fun theWalletsTrustedKeysAreItsTrustSetsKeys() {
    val a = KeyPair.generate(Algorithm.ES256)
    val b = KeyPair.generate(Algorithm.ED25519)
    val w = Wallet.inMemory(Algorithm.ED25519)
    checkEq(0, w.trustedKeys().size, "no keys yet")
    w.trustKey(a.publicKey(), Role.CONTROLLER, "traffic.example")
    w.trustKey(b.publicKey(), Role.PARTNER, "maps.example")
    val keys: List<AuditTrustedKey> = w.trustedKeys()
    checkSortedWithControllerA(keys, a, b)
    checkEq(w.trust().keys(), keys, "the trust set's keys")
}

/**
 * One definition per type (issue 12 item 1): the TCF records are the core's
 * (package dev.consentkit.core); id lists are numbers, an in-app value's field
 * is `value`, and a purpose id out of range is the core's error.
 */
fun tcfRecordsAreTheCores() {
    for (c in listOf(TcString::class, PublisherTc::class, GppString::class, InAppValue::class)) {
        checkEq("dev.consentkit.core", c.java.packageName, "package of ${c.simpleName}")
    }
    val s = "CQuf10AQuf10AEsACBENB4FoAPLAAAAAAAqIF5wAwAAgADAXmAAAAAAA.IF6QA4AAgAGAAiBeYF6A.YAAAAAAAAAAA"
    val tc = decodeTcString(s)
    val purposes: List<UShort> = tc.purposeConsents
    checkEq(listOf(1, 2, 3, 4, 7, 9, 10), purposes.map { it.toInt() }, "purpose consents")
    checkEq(listOf(1, 2, 3, 8, 755, 756), tc.disclosedVendors.map { it.toInt() }, "disclosed vendors")
    checkEq(tc, decodeTcString(encodeTcString(tc)), "TC string round trip")
    checkEq(InAppValue.Int(300uL), inAppValues(tc, true)["IABTCF_CmpSdkID"], "IABTCF_CmpSdkID")
    checkEq(listOf(2.toUShort()), decodeGpp(gppString(tc)).sectionIds, "GPP section ids")
    expectError<ConsentKitException>("purpose 300") {
        encodeTcString(tc.copy(purposeConsents = listOf(1.toUShort(), 300.toUShort())))
    }
}

fun main(args: Array<String>) {
    repo = File(args.firstOrNull() ?: ".").absoluteFile
    val tests = listOf(
        "trafficAppFlow" to ::trafficAppFlow,
        "externalSignerFailures" to ::externalSignerFailures,
        "granularRefusalRevocation" to ::granularRefusalRevocation,
        "keysAndSharedVectors" to ::keysAndSharedVectors,
        "algorithmValues" to ::algorithmValues,
        "formatDocExamples" to ::formatDocExamples,
        "garbageInput" to ::garbageInput,
        "lifetimesAndThreads" to ::lifetimesAndThreads,
        "exportConsentsBothFormats" to ::exportConsentsBothFormats,
        "instantsAreNative" to ::instantsAreNative,
        "coreTypesComeFromTheCore" to ::coreTypesComeFromTheCore,
        "artifactRecordsComeFromTheCore" to ::artifactRecordsComeFromTheCore,
        "aPublicKeyIsOneShape" to ::aPublicKeyIsOneShape,
        "anArtifactInfoIsTheCores" to ::anArtifactInfoIsTheCores,
        "reportWalletStatusRecordsComeFromTheCore" to ::reportWalletStatusRecordsComeFromTheCore,
        "tcfRecordsAreTheCores" to ::tcfRecordsAreTheCores,
        "theAuditReportIsTheCores" to ::theAuditReportIsTheCores,
        "trustSetKeysAreTheReportsTrustedKeys" to ::trustSetKeysAreTheReportsTrustedKeys,
        "theWalletsTrustedKeysAreItsTrustSetsKeys" to ::theWalletsTrustedKeysAreItsTrustSetsKeys,
        "errorMessageIsTheReason" to ::errorMessageIsTheReason,
        // AsyncSignerTests.kt (issue 12 item 3).
        "asyncSignersSignAnOfferAndAGrant" to ::asyncSignersSignAnOfferAndAGrant,
        "asyncSignerFailures" to ::asyncSignerFailures,
        "prepareAndCompleteByHand" to ::prepareAndCompleteByHand,
        "appLifecycle" to ::appLifecycle,
        // MistakeTests.kt (issue 12 item 2).
        "instantsInTheWrongUnitAreRefused" to ::instantsInTheWrongUnitAreRefused,
        "countersignRefusesAnotherOffer" to ::countersignRefusesAnotherOffer,
        "receiptsAreCheckedAgainstTheirGrant" to ::receiptsAreCheckedAgainstTheirGrant,
        // WitnessTests.kt (issue 14).
        "walletChecksWitnessedLogs" to ::walletChecksWitnessedLogs,
        "proofsThatTravel" to ::proofsThatTravel,
    )
    var passed = 0
    var failed = 0
    for ((name, test) in tests) {
        try {
            test()
            passed++
            println("ok   $name")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: ${e::class.simpleName}: ${e.message}")
            e.printStackTrace()
        }
    }
    println("$passed passed, $failed failed")
    if (failed != 0) kotlin.system.exitProcess(1)
}
