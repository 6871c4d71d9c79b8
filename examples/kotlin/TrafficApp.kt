// A traffic app and one driver, end to end, with the Kotlin bindings.
//
// The driver's key lives outside consentkit: here in the JVM's security
// provider; on Android, in the Android Keystore / StrongBox (the same
// `Signature.getInstance("SHA256withECDSA")` call on a Keystore key).
//
// Run by scripts/test-bindings:
//   java -Djna.library.path=target/release-ffi -cp ... dev.consentkit.examples.TrafficAppKt [wallet-dir]
package dev.consentkit.examples

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

/** The phone's key: P-256, private key never handed to consentkit. */
class PhoneKey : ExternalSigner {
    private val pair = KeyPairGenerator.getInstance("EC")
        .apply { initialize(ECGenParameterSpec("secp256r1")) }
        .generateKeyPair()

    override fun publicKey(): RawPublicKey {
        val w = (pair.public as ECPublicKey).w
        fun b32(n: BigInteger) = n.toByteArray().takeLast(32).toByteArray().let { ByteArray(32 - it.size) + it }
        return RawPublicKey(Algorithm.ES256, byteArrayOf(4) + b32(w.affineX) + b32(w.affineY))
    }

    override fun sign(message: ByteArray): ByteArray =
        Signature.getInstance("SHA256withECDSA").run { initSign(pair.private); update(message); sign() }
}

/**
 * The phone's keys: one per controller (on Android, one Keystore alias per
 * controller), so that two controllers cannot link the driver by a key.
 */
class PhoneKeys : ExternalKeyProvider {
    private val keys = java.util.concurrent.ConcurrentHashMap<String, PhoneKey>()

    override fun signerFor(controller: String): ExternalSigner = keys.getOrPut(controller) { PhoneKey() }

    /** Only a version-1 wallet (one key for every controller) has one. */
    override fun legacySigner(): ExternalSigner? = null
}

fun main(args: Array<String>) {
    val t0: Instant = Instant.parse("2026-11-01T00:00:00Z")
    val day: Duration = Duration.ofDays(1)
    val dir = args.firstOrNull()?.let { File(it).apply { mkdirs() } } ?: Files.createTempDirectory("traffic").toFile()

    // The traffic app (server side) and the city, its partner.
    val appKey = KeyPair.generate(Algorithm.ED25519)
    val cityKey = KeyPair.generate(Algorithm.ED25519)
    val app = Controller(appKey)
    val city = Controller(cityKey)

    // The driver's wallet, with the app's and the city's keys pinned.
    val walletFile = File(dir, "driver-${System.nanoTime()}.ckw")
    val wallet = Wallet.createWithProvider(walletFile.path, PhoneKeys())
    wallet.trustKey(appKey.publicKey(), Role.CONTROLLER, "traffic.example")
    wallet.trustKey(cityKey.publicKey(), Role.PARTNER, "city.example")

    // 1. The app offers live routing for location data, shared with the city for urban planning.
    val urban = "https://city.example/purpose#UrbanPlanning"
    val offer = app.makeOffer(
        Offer(
            controller = "traffic.example", name = "live-routing-2026", issuedAt = t0,
            validFrom = t0, validUntil = t0 + day.multipliedBy(365),
            purposes = listOf("dpv:ServiceProvision", urban), categories = listOf("pd:Location"),
            recipients = listOf(Recipient("city.example", listOf(urban), listOf("pd:Location"))),
            retentionSecs = 30uL * 86_400uL, limits = Limits(usesPerDay = 1000u, finestPrecision = 10u),
            legalBasis = "dpv:Consent", jurisdiction = "EU", language = "en",
            notice = noticeForText("https://traffic.example/notice/v3", "We use your location to route you.".toByteArray()),
            valueOffered = listOf(Benefit(BenefitKind.SERVICE, 1uL, "month", description = "Live traffic routing")),
            valueEstimate = null, serviceWithoutConsent = true,
        )
    )
    val offerId = wallet.receive(offer, t0).artifact.id
    println("offer   $offerId (${offer.size} bytes)")

    // 2. The driver accepts routing only, not the city's share: the phone's key signs.
    val grant = wallet.accept(offerId, Choice(purposes = listOf("dpv:ServiceProvision"), recipients = listOf()), t0.plusSeconds(60))
    // 3. The app countersigns and sends it back.
    val signedGrant = app.countersign(grant, offer)
    val grantId = wallet.receive(signedGrant, t0.plusSeconds(61)).artifact.id
    println("grant   $grantId, countersigned: ${wallet.grants(t0.plusSeconds(61)).single().countersigned}")

    // 4. Data uses, each with a receipt that commits to the data without revealing it.
    for (h in 1..3) {
        val receipt = app.issueReceipt(
            DataReceipt(grantId, "pd:Location", "dpv:ServiceProvision", null, t0.plusSeconds(h * 3600L), 1u, 25u,
                commit("52.37,4.89@$h".toByteArray()).value),
            signedGrant,
        )
        wallet.receive(receipt, t0 + day)
    }
    wallet.receive(app.issueValueRecord(ValueRecord(grantId, t0 + day.multipliedBy(30), Benefit(BenefitKind.SERVICE, 1uL, "month"))), t0 + day.multipliedBy(30))

    // 5. The city uses the data although the driver did not grant it: the wallet sees it.
    // (consentkit refuses to sign such a receipt unless the signer says it is a known violation.)
    val cityUse = city.issueReceiptKnownViolation(
        DataReceipt(grantId, "pd:Location", urban, null, t0 + day.multipliedBy(2), 1u, 100u, commit("x".toByteArray()).value),
        "the example's misuse, for the wallet to see",
    )
    wallet.receive(cityUse, t0 + day.multipliedBy(2)).violations.forEach { println("violation: ${it.kind}: ${it.message}") }

    // 6. The driver withdraws: one call.
    wallet.withdraw(grantId, t0 + day.multipliedBy(31))
    val late = app.issueReceipt(DataReceipt(grantId, "pd:Location", "dpv:ServiceProvision", null, t0 + day.multipliedBy(32), 1u, 25u, commit("y".toByteArray()).value), signedGrant)
    wallet.receive(late, t0 + day.multipliedBy(32)).violations.forEach { println("violation: ${it.kind}: ${it.message}") }

    val s = wallet.summary(t0 + day.multipliedBy(33))
    println("grant state: ${s.grants.single().state}")
    s.shared.forEach { println("shared ${it.category} with ${it.recipient} for ${it.purpose}: ${it.uses} uses") }
    s.received.forEach { println("received ${it.amount} ${it.unit} from ${it.controller}") }
    println("${s.violations.size} violations in the wallet; bundle for an auditor: ${wallet.exportBundle().size} bytes in ${walletFile.name}")
    check(s.violations.map { it.kind.toString() }.sorted() == listOf("after_withdrawal", "recipient_not_granted")) { "unexpected: ${s.violations}" }
    wallet.close()
}
