// A typed usage of the package: `tsc --noEmit` checks it against the
// generated declarations (web and nodejs targets). The @ts-expect-error
// lines prove that the declarations are precise, not `any`.
import {
  AuditReport, ExternalKey, Controller, KeyPair, PendingSignature, PublicKey, TrustSet, Wallet,
  audit, commit, decodeArtifact, inspect, isConsentKitError, verify, verifyBundle, verifyCommitment, version,
} from "consentkit";
import type {
  Algorithm, ArtifactInfo, AuditReportDocument, AuditReportJson, BundleItem, Choice, ErrorCode, ExternalSigner, Finding,
  GrantView, InspectItem, LogCheck, OfferInput, ReceiptInput, ReceiveOutcome, AuditTrustedKey, ValueRecordInput,
  Offer, VerifiedArtifact, VerifiedSigner, WalletEvent, WalletSummary,
} from "consentkit";

const T0 = 1_793_491_200;

export function flow(): WalletSummary {
  const alg: Algorithm = "ES256";
  const controller: KeyPair = KeyPair.generate(alg);
  const issuer = new Controller(controller);
  const offerInput: OfferInput = {
    controller: "traffic.example", name: "live-routing-2026", issuedAt: T0,
    purposes: ["dpv:ServiceProvision"], categories: ["pd:Location"],
    retentionSecs: 30 * 86400, legalBasis: "dpv:Consent", jurisdiction: "EU", language: "en",
    notice: { url: "https://traffic.example/notice/v3", text: "We use your location." },
    valueOffered: [{ kind: "points", amount: 100, unit: "points" }],
    serviceWithoutConsent: true,
  };
  const offer: Uint8Array = issuer.makeOffer(offerInput);

  const wallet: Wallet = Wallet.inMemory("Ed25519");
  wallet.trustKey(controller.publicKey(), "controller", "traffic.example");
  const outcome: ReceiveOutcome = wallet.receive(offer, T0);
  const found: Finding[] = outcome.violations;
  const received: ArtifactInfo = outcome.artifact;
  const raw: Uint8Array = received.bytes;
  void raw;
  const view: ArtifactInfo = decodeArtifact(offer);
  if (view.kind === "offer") {
    // `body` is the union of the payload records; `kind` says which.
    const body = view.body as Offer;
    const units: string[] = body.valueOffered.map((b) => b.unit);
    void units;
  }
  // @ts-expect-error a body is a payload record, not a string
  const notText: string = view.body;
  void notText;
  const choice: Choice = { purposes: ["dpv:ServiceProvision"] };
  const grant = issuer.countersign(wallet.accept(view.digest, choice, T0 + 1), offer);
  wallet.receive(grant, T0 + 1);
  const grants: GrantView[] = wallet.grants(T0 + 2);
  const receipt: ReceiptInput = {
    grant: grants[0].id, category: "pd:Location", purpose: "dpv:ServiceProvision",
    usedAt: T0 + 3, quantity: 1, commitment: commit(new Uint8Array([1, 2])).value,
  };
  wallet.receive(issuer.issueReceipt(receipt, grant), T0 + 4);
  const value: ValueRecordInput = { grant: grants[0].id, issuedAt: T0 + 5, benefit: { kind: "points", amount: 100, unit: "points" } };
  wallet.receive(issuer.issueValueRecord(value), T0 + 6);
  // The app lifecycle: a listener, needsDecision, one purpose at a time.
  const sub: number = wallet.subscribe((e: WalletEvent) => {
    const replay: boolean = e.replay;
    const changed: GrantView[] = e.changed;
    const kinds: string[] = e.added.map((a) => a.kind);
    void [replay, changed, kinds];
  }, T0 + 6);
  const needed: boolean = wallet.needsDecision(view.digest, T0 + 6);
  const more: Uint8Array = wallet.grantPurpose(view.digest, "dpv:ServiceProvision", T0 + 6);
  const fewer: Uint8Array[] = wallet.withdrawPurpose(view.digest, "dpv:ServiceProvision", T0 + 6);
  // @ts-expect-error a listener takes a WalletEvent, not a number
  wallet.subscribe((e: number) => e, T0);
  const gone: boolean = wallet.unsubscribe(sub);
  void [needed, more, fewer, gone];
  wallet.withdraw(grants[0].id, T0 + 7);
  const state: string | undefined = wallet.grantState(grants[0].id, T0 + 8);
  void state;

  const trust = new TrustSet();
  trust.add(controller.publicKey(), "controller", "traffic.example");
  const keys: AuditTrustedKey[] = trust.keys();
  const verified: VerifiedArtifact = verify(grant, trust);
  const signers: VerifiedSigner[] = verified.signers;
  for (const s of signers) {
    if (s.by === "trusted") {
      const who: string = s.party;
      void who;
    } else {
      // @ts-expect-error a subject's signature has no party: the union is narrowed by `by`
      void s.party;
    }
  }
  const items: BundleItem[] = verifyBundle(wallet.exportBundle(), trust);
  const inspected: InspectItem[] = inspect(wallet.exportBundle());
  const report: AuditReport = audit(wallet.exportBundle(), trust, T0 + 9);
  const json: AuditReportJson = report.report;
  // toJSON(): the snake_case document of docs/AUDIT-REPORT.md, typed.
  const doc: AuditReportDocument = report.toJSON();
  const bytes: number = doc.bundle_bytes + json.bundleBytes;
  const verdict: [string, boolean] = [report.outcomeName, report.isClean];
  void verdict;
  void bytes;
  const html: string = report.renderHtml();
  const logs: LogCheck[] = wallet.checkLogs();
  const ok: boolean = verifyCommitment("00".repeat(32), "00".repeat(16), new Uint8Array());
  void [found, keys, signers, items, inspected, json, html, logs, ok, version()];

  try {
    Wallet.fromBytes(new Uint8Array([1, 2, 3]));
  } catch (e) {
    if (isConsentKitError(e)) {
      const code: ErrorCode = e.code;
      const name: "ConsentKitError" = e.name;
      void [code, name];
    }
  }

  // @ts-expect-error: not an algorithm
  KeyPair.generate("RSA");
  // @ts-expect-error: not a role
  trust.add(controller.publicKey(), "boss", "x");
  // @ts-expect-error: offers need their fields
  issuer.makeOffer({ controller: "x" });
  // @ts-expect-error: a choice has no such field
  const badChoice: Choice = { purpose: [] };
  void badChoice;
  return wallet.summary(T0 + 10);
}

export async function webcrypto(wallet: Wallet, digest: string, key: CryptoKey): Promise<Uint8Array> {
  const pending: PendingSignature = wallet.prepareAccept(digest, null, T0);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, pending.message as Uint8Array<ArrayBuffer>));
  return wallet.complete(pending, sig);
}

export function callback(sign: (m: Uint8Array) => Uint8Array, raw: Uint8Array): Wallet {
  const signer: ExternalSigner = { publicKey: () => ({ algorithm: "ES256", bytes: raw }), sign };
  const ext = ExternalKey.fromCallback(signer);
  // A PublicKey is a RawPublicKey: the one shape of a public key.
  const same: ExternalSigner = { publicKey: () => PublicKey.fromRaw("ES256", raw), sign };
  void ExternalKey.fromCallback(same).kid;
  const viaSigner: Controller = Controller.withSigner(same);
  void viaSigner;
  const deferred = ExternalKey.deferred(PublicKey.fromRaw("ES256", raw));
  void deferred.isDeferred;
  void ext.kid;
  // Wallets take one key per controller: the host binds each controller's public key.
  const wallet = Wallet.inMemoryExternal();
  wallet.bindKey("traffic.example", PublicKey.fromRaw("ES256", raw));
  return wallet;
}

// IAB TCF v2.3 and GPP (docs/TCF.md).
import { decodeGpp, decodeTcString, tcStringForGrant, tcfForms } from "consentkit";
import type { GppString, TcString, TcfExportInput, TcfForms } from "consentkit";

export function tcf(tcString: string, offer: Uint8Array): number[] {
  const tc: TcString = decodeTcString(tcString);
  const forms: TcfForms = tcfForms(tcString, true);
  const gpp: GppString = decodeGpp(forms.gppString);
  const issuer = new Controller(KeyPair.generate("Ed25519"));
  const grant: Uint8Array = issuer.importTcString(tcString, offer, new Uint8Array(16));
  const exportInput: TcfExportInput = { cmpId: 300, vendorListVersion: 120, vendors: [1, 3, 755] };
  const out: TcfForms = tcStringForGrant(grant, exportInput);
  const inApp: number | string | undefined = out.inApp["IABTCF_TCString"];
  // @ts-expect-error vendors is required
  const missing: TcfExportInput = { cmpId: 300, vendorListVersion: 120 };
  void missing; void inApp; void gpp;
  return tc.purposeConsents.concat(out.tc.vendorConsents);
}

// Bytes in every shape (BytesLike), and Promise-based signers (AsyncExternalSigner).
import type { AsyncExternalSigner, BytesLike } from "consentkit";

export async function asyncSigners(pair: CryptoKeyPair, raw: ArrayBuffer, wallet: Wallet, digest: string): Promise<Uint8Array> {
  const signer: AsyncExternalSigner = {
    publicKey: () => ({ algorithm: "ES256", bytes: raw }),
    sign: (message) => crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message as Uint8Array<ArrayBuffer>),
  };
  const c: Controller = Controller.withAsyncSigner(signer);
  const isAsync: boolean = c.isAsync;
  const offerBytes: Uint8Array = await c.signAsync(c.prepareOffer({} as OfferInput));
  const view: BytesLike = new DataView(offerBytes.buffer);
  void decodeArtifact(view); void decodeArtifact(offerBytes.slice().buffer); void isAsync;
  // @ts-expect-error: a string is not bytes
  decodeArtifact("a0");
  // @ts-expect-error: an async signer's public key is { algorithm, bytes }
  const wrong: AsyncExternalSigner = { publicKey: () => ({ alg: "ES256", raw }), sign: signer.sign };
  void wrong;
  return wallet.signAsync(wallet.prepareAccept(digest, null, T0), signer);
}
