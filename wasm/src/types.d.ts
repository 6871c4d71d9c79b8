// ---- consentkit: data types (hand-written; the classes and functions are generated) ----
//
// Data objects use camelCase field names (`issuedAt`): the core's snake_case
// names by one rule, in both directions, so what `inspect` returns for an
// artifact has the shape the issuing calls take. Values stay as the core
// names them (`"data_receipt"`, `"after_withdrawal"`), and so do the keys of
// maps keyed by such values (`counts.data_receipt`, `findingCounts`). The
// audit report's `toJSON()` is the snake_case document of docs/AUDIT-REPORT.md. Times are
// whole seconds since 1970-01-01T00:00:00Z. Ids are hex: an artifact id is
// 32 hex digits, a digest (which a grant uses to name its offer) and a key
// id 64.

/** The stable `code` of a {@link ConsentKitError}: what a caller can do about it. */
export type ErrorCode =
  | "INVALID_INPUT"
  | "VERIFICATION_FAILED"
  | "UNTRUSTED_KEY"
  | "NOT_FOUND"
  | "CORRUPT"
  | "BACKUP"
  | "SIGNER"
  | "USAGE"
  | "IO";

/**
 * Every error this package throws: a real `Error` with `name`
 * `"ConsentKitError"` and a stable `code`. Test with `isConsentKitError(e)`.
 */
export interface ConsentKitError extends Error {
  name: "ConsentKitError";
  code: ErrorCode;
}

/**
 * Bytes, as every bytes parameter takes them: a `Uint8Array` (a Node
 * `Buffer` is one), an `ArrayBuffer`, or any other `ArrayBufferView`
 * (`DataView`, another typed array: the bytes it covers). Anything else is
 * refused with an `INVALID_INPUT` error naming the parameter.
 */
export type BytesLike = Uint8Array | ArrayBuffer | ArrayBufferView;

/** Signature algorithms: Ed25519 (`"EdDSA"`) and ECDSA P-256 with SHA-256 (`"ES256"`). */
export type Algorithm = "EdDSA" | "ES256";

/** The role a trusted key signs in. */
export type Role = "controller" | "partner" | "person" | "log";

/** The six artifact types. */
export type ArtifactKind = "offer" | "grant" | "refusal" | "withdrawal" | "data_receipt" | "value_record";

/** A grant's state (W3C DPV consent status). */
export type ConsentState = "requested" | "given" | "refused" | "withdrawn" | "revoked" | "expired" | "superseded";

/** What kind of value a person receives. */
export type BenefitKind = "service" | "feature" | "money" | "points" | "discount" | "data_dividend" | "other";

/** How a decision was collected. */
export type CollectionMethod = "app_ui" | "web_form" | "voice" | "api" | "imported";

/** The stable finding kinds of an audit (docs/AUDIT-REPORT.md). */
export type FindingKind =
  | "signature_invalid" | "untrusted_key" | "wrong_signer" | "malformed" | "unknown_grant"
  | "unknown_offer" | "purpose_not_granted" | "category_not_granted" | "recipient_not_granted"
  | "before_grant" | "after_withdrawal" | "after_expiry" | "after_supersession" | "limit_exceeded"
  | "precision_exceeded" | "duplicate_id" | "value_for_unknown_grant" | "grant_exceeds_offer"
  | "future_dated" | "not_in_log" | "log_inconsistent" | "withdrawal_backdated"
  | "imported_over_person" | "void_grant_used" | "supersedes_other_person" | "conflicting_copies"
  | "not_witnessed" | "witnessed_backdated"
  | "stale_status" | "grant_index_out_of_range";

/**
 * A synchronous signer implemented in JavaScript (`ExternalKey.fromCallback`).
 * For an asynchronous one (`crypto.subtle.sign`), use an
 * {@link AsyncExternalSigner} (`Controller.withAsyncSigner`,
 * `Wallet.signAsync`), or `prepare…`/`complete` by hand.
 */
export interface ExternalSigner {
  /** The public key: COSE_Key bytes, or the raw key (Ed25519: 32 bytes; P-256: 65-byte uncompressed point). */
  publicKeyCose(): BytesLike | { alg: Algorithm; raw: BytesLike };
  /** Signs exactly `message` (built by the library). ES256: raw `r || s` (64 bytes) or DER. */
  sign(message: Uint8Array): BytesLike;
}

/** A raw public key: Ed25519, the 32-byte key; ES256, the 65-byte uncompressed point (`04 || x || y`, WebCrypto `exportKey("raw")`). */
export interface RawPublicKey {
  algorithm: Algorithm;
  bytes: BytesLike;
}

/**
 * A signer implemented in JavaScript that answers with a `Promise`, above
 * all a non-extractable WebCrypto key (`crypto.subtle.sign`). Hand it to
 * `Controller.withAsyncSigner` or `Wallet.signAsync`. The library signs
 * only bytes it built itself and checks every signature before use.
 */
export interface AsyncExternalSigner {
  /** The public key that verifies this signer's signatures (read once). */
  publicKey(): RawPublicKey;
  /**
   * Signs exactly `message`. Ed25519: the 64-byte signature. ES256 (ECDSA
   * P-256, SHA-256): raw `r || s` (what WebCrypto returns) or DER. Reject
   * (e.g. the user cancelled) and the call rejects with a `SIGNER` error.
   */
  sign(message: Uint8Array): Promise<BytesLike> | BytesLike;
}

/** A benefit: offered in return for data, or delivered. Money: `unit` is an ISO 4217 code, `amount` in minor units. */
export interface Benefit {
  kind: BenefitKind;
  amount: number;
  unit: string;
  condition?: string | null;
  description?: string | null;
}

/** A recipient (partner) named in an offer, and what it receives. */
export interface Recipient {
  party: string;
  purposes: string[];
  categories: string[];
}

/** Usage limits of an offer. */
export interface Limits {
  usesPerDay?: number | null;
  finestPrecision?: number | null;
  useBy?: number | null;
}

/** An estimate of what the data is worth. */
export interface ValueEstimate {
  amount: number;
  currency: string;
  method: string;
}

/** What `Controller.offer` signs. Purposes and categories are DPV CURIEs or IRIs (e.g. `"dpv:ServiceProvision"`, `"pd:Location"`). */
export interface OfferInput {
  controller: string;
  name: string;
  issuedAt: number;
  validFrom?: number | null;
  validUntil?: number | null;
  purposes: string[];
  categories: string[];
  recipients?: Recipient[];
  retentionSecs: number;
  limits?: Limits;
  legalBasis: string;
  jurisdiction: string;
  language: string;
  /** The notice shown: its URL and either the SHA-256 (hex) of the exact bytes shown, or the text itself. */
  notice: { url: string; sha256: string; text?: undefined } | { url: string; text: string; sha256?: undefined };
  valueOffered: Benefit[];
  valueEstimate?: ValueEstimate | null;
  serviceWithoutConsent: boolean;
}

/** What `Controller.receipt` signs: one data use under a grant. */
export interface ReceiptInput {
  /** The grant's id (32 hex digits). */
  grant: string;
  category: string;
  purpose: string;
  recipient?: string | null;
  usedAt: number;
  quantity: number;
  precision?: number | null;
  /** A salted commitment to the data (64 hex digits), from `commit()`. */
  commitment: string;
}

/** What `Controller.valueRecord` signs: value the person actually received. */
export interface ValueRecordInput {
  grant: string;
  issuedAt: number;
  benefit: Benefit;
}

/** The person's choice when accepting: omitted lists accept the offer's whole list. */
export interface Choice {
  purposes?: string[] | null;
  categories?: string[] | null;
  recipients?: string[] | null;
  expiresAt?: number | null;
  /** The status list entry the controller assigned (`StatusRegistry.assign()`). */
  status?: StatusReference | null;
}

/** A grant's status as a status list states it. */
export type GrantStatus = "valid" | "invalid" | "suspended";

/** Where a grant's live status is published (its status claim, 65535). */
export interface StatusReference {
  idx: number;
  uri: string;
}

/** What a verified COSE Receipt proves (`wallet.verifyCoseReceipt`). */
export interface ReceiptCheck {
  treeSize: number;
  leafIndex: number;
  /** The Merkle tree root the log signed, hex. */
  root: string;
}

/** A partner's answer about one grant (`checkGrantStatus`). */
export interface StatusAnswer {
  status: GrantStatus;
  /** How long, in seconds from the check time, the answer may be cached. */
  maxAge: number;
  /** The list's issue time: the answer describes the grant then. */
  listIssuedAt: number;
  index: number;
  uri: string;
}

/** A salted commitment: `commitment` goes in a receipt; keep `salt` to open it. */
export interface Commitment {
  commitment: string;
  salt: string;
}

/** A key of a trust set. */
export interface TrustedKey {
  kid: string;
  algorithm: Algorithm;
  role: Role;
  party: string;
}

export interface OfferBody {
  controller: string; name: string; issuedAt: number;
  validFrom: number | null; validUntil: number | null;
  purposes: string[]; categories: string[]; recipients: Recipient[];
  retentionSecs: number;
  limits: { usesPerDay: number | null; finestPrecision: number | null; useBy: number | null };
  legalBasis: string; jurisdiction: string; language: string;
  notice: { url: string; sha256: string };
  valueOffered: Array<Required<Benefit>>;
  valueEstimate: ValueEstimate | null;
  serviceWithoutConsent: boolean;
}
export interface GrantBody {
  subject: string; controller: string; issuedAt: number; expiresAt: number | null;
  /** The offer's digest. */
  offer: string;
  purposes: string[]; categories: string[]; recipients: string[];
  method: CollectionMethod; supersedes: string | null;
  /** The key id of the person's key. */
  subjectKey: string | null;
  imported: boolean;
  /** Where its live status is published (status claim 65535), if anywhere. */
  status: StatusReference | null;
}
export interface RefusalBody {
  subject: string; controller: string; issuedAt: number; offer: string;
  method: CollectionMethod; subjectKey: string | null;
}
export interface WithdrawalBody {
  grant: string; issuedAt: number; effectiveAt: number; by: "person" | "controller";
  reason: string | null; subjectKey: string | null;
}
/**
 * A data receipt's purpose, category or recipient named by its index in the
 * receipt's grant (docs/FORMAT.md §4.7.1): purposes[i], categories[i], or
 * for the recipient 0 = the grant's controller, i = its recipient i - 1.
 */
export interface GrantIndex { granted: number }
export interface DataReceiptBody {
  grant: string; category: string | GrantIndex; purpose: string | GrantIndex;
  recipient: string | GrantIndex | null;
  usedAt: number; quantity: number; precision: number | null; commitment: string;
}
export interface ValueRecordBody { grant: string; issuedAt: number; benefit: Required<Benefit> }

interface ArtifactCommon {
  /** The artifact id (32 hex digits). */
  id: string;
  /** The full digest (64 hex digits): what a grant names its offer by. */
  digest: string;
  signers: Array<{ kid: string; alg: Algorithm }>;
  /** Encoded size in bytes. */
  size: number;
  /** Byte offset in the bundle (from `inspect`). */
  offset?: number;
}

/** The JSON view of an artifact (not a wire format). */
export type ArtifactJson = ArtifactCommon & (
  | { type: "offer"; body: OfferBody }
  | { type: "grant"; body: GrantBody }
  | { type: "refusal"; body: RefusalBody }
  | { type: "withdrawal"; body: WithdrawalBody }
  | { type: "data_receipt"; body: DataReceiptBody }
  | { type: "value_record"; body: ValueRecordBody }
);

/** An error reported inside a result rather than thrown. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** One item of `inspect`: an artifact's view, or why it could not be decoded. */
export type InspectItem = ArtifactJson | { offset: number; error: ErrorInfo };

/** One verified signature. */
export interface VerifiedSigner {
  kid: string;
  /** `"trusted"`: a key of the trust set; `"subject"`: the person's key carried in the artifact. */
  by: "trusted" | "subject";
  role: Role | null;
  party: string | null;
}

/** One item of `verifyBundle`. */
export interface BundleItem {
  offset: number;
  ok: boolean;
  type: ArtifactKind | null;
  id: string | null;
  signers: VerifiedSigner[];
  error: ErrorInfo | null;
}

/** One audit finding. */
export interface Finding {
  kind: FindingKind;
  artifact: string | null;
  artifactKind: ArtifactKind | null;
  controller: string | null;
  offset: number;
  message: string;
}

/** Per-controller counts of an audit. */
export interface ControllerStats {
  offers: number; grants: number; refusals: number; withdrawals: number; revocations: number;
  receipts: number; valueRecords: number; findings: number;
  valueDelivered: Record<string, number>;
  grantStates: Partial<Record<ConsentState, number>>;
}

/** The audit report, as in docs/AUDIT-REPORT.md. */
export interface AuditReportJson {
  at: number;
  bundleBytes: number;
  items: number;
  counts: Partial<Record<ArtifactKind, number>>;
  unreadable: number;
  controllers: Record<string, ControllerStats>;
  /** Day number (days since 1970-01-01, as a string) → activity. */
  days: Record<string, { grants: number; withdrawals: number; receipts: number }>;
  /** Sorted by kind, artifact and message; at most 100,000 entries. */
  findings: Finding[];
  /** Every finding, listed or not. */
  findingCounts: Partial<Record<FindingKind, number>>;
  /** Findings beyond the first 100,000, counted but not listed. */
  findingsOmitted: number;
  /** The verdict: `"empty"` when the bundle holds no artifact (not clean). */
  outcome: AuditOutcome;
  /** What the audit rests on (docs/AUDIT-REPORT.md). */
  provenance: AuditProvenance;
}

/** The verdict of an audit. */
export type AuditOutcome = "clean" | "findings" | "empty";

/** Tool, bundle hash, trust set, log and signature counts of an audit. */
export interface AuditProvenance {
  tool: string;
  version: string;
  /** SHA-256 (hex) of every byte of the bundle. */
  bundleSha256: string;
  trust: {
    /** SHA-256 (hex) of the trust set's canonical COSE_KeySet (keys sorted by kid). */
    sha256: string;
    keys: { kid: string; alg: "EdDSA" | "ES256"; role: Role; party: string }[];
  };
  log: {
    origin: string;
    size: number;
    /** Base64, as in the checkpoint note. */
    rootHash: string;
    trustAdmission: boolean;
    archivedConsistent: number;
    archivedProblems: number;
    checkpoints: { source: "auditor"; size: number; rootHash: string; consistent: boolean }[];
  } | null;
  /** Signatures checked against the trust set, and admitted through the log unchecked. */
  signatures: { checked: number; admitted: number };
}

/** A grant as the person sees it. */
export interface GrantView {
  id: string;
  controller: string;
  state: ConsentState;
  countersigned: boolean;
  purposes: string[];
  categories: string[];
  recipients: string[];
  issuedAt: number;
}

/** An artifact a change added to the wallet. */
export interface AddedArtifact {
  /** Its id (32 hex digits). */
  id: string;
  kind: ArtifactKind;
}

/** What a `Wallet.subscribe` listener is called with. */
export interface WalletEvent {
  /** `true` for the first call (the state at subscription, nothing added); `false` after. */
  replay: boolean;
  /** When the states are computed (seconds): `now` of `subscribe` / `receive`, `at` of the decision. */
  at: number;
  /** The artifacts the change added, in the order kept (empty in the replay). */
  added: AddedArtifact[];
  /** Every grant and its state at `at`, as `grants(at)`. */
  grants: GrantView[];
  /** Grants new, or whose state or countersignature changed, since this listener's previous call (in the replay: all). */
  changed: GrantView[];
}

/** One line of "what have I shared". */
export interface Shared {
  controller: string;
  recipient: string;
  category: string;
  purpose: string;
  grant: string;
  /** Data points (sum of receipt quantities). */
  uses: number;
  first: number;
  last: number;
}

/** What one transparency log proves to the wallet. */
/** A part of a wallet that could not be read: skipped, the rest was read. */
export interface WalletProblem {
  /** Byte offset of the record in the wallet bytes. */
  offset: number | null;
  /** Index of the record (0 is the header), or null for a torn end. */
  record: number | null;
  /** What is wrong with it. */
  message: string;
}

export interface LogCheck {
  /** The log's origin. */
  origin: string;
  /** Tree sizes of the checkpoints seen whose signatures verify. */
  checkpoints: number[];
  /** The person's own artifacts proven to be in the log (ids). */
  proven: string[];
  /** The person's own artifacts with no valid inclusion proof (ids). */
  notProven: string[];
  /** What failed (a checkpoint signature, consistency: a rewritten log, an inclusion proof). */
  problems: string[];
}

/** The wallet's summary for the person. */
export interface WalletSummary {
  grants: GrantView[];
  shared: Shared[];
  /** Controller → unit → total amount received (money in minor units). */
  received: Record<string, Record<string, number>>;
  refusals: number;
  violations: Finding[];
  log: LogCheck[];
}

/** A grant or refusal that could not be exported because of what it is, and why. */
export interface RefusedExport {
  /** The grant's or refusal's id (32 hex digits). */
  id: string;
  reason: string;
}

/**
 * What `exportConsents` produced: one document per exported grant or refusal
 * (a Kantara Consent Receipt v1.1 object, or an ISO/IEC TS 27560 JSON-LD
 * consent record; docs/EXPORTS.md), and what could not be exported.
 */
export interface ConsentExport {
  documents: Record<string, unknown>[];
  refused: RefusedExport[];
}
