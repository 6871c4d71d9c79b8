// ---- consentkit: data types, GENERATED from the Rust definitions: do not edit ----
//
// Made by `scripts/gen-ts-types` (wasm/src/ts.rs: ts-rs declarations of the
// core's types and of this package's views, field names in camelCase by
// the rule the JSON is renamed with at runtime, convert::camel).
// `cargo test -p consentkit-wasm --features ts --test ts_types` fails when
// this file is not what the generator writes. Hand-written declarations
// (signers a caller implements, BytesLike, inputs) are in types.d.ts.

/**
 * What a caller can do about an error: the stable `code` of a `ConsentKitError`.
 */
export type ErrorCode = "INVALID_INPUT" | "VERIFICATION_FAILED" | "UNTRUSTED_KEY" | "NOT_FOUND" | "CORRUPT" | "BACKUP" | "SIGNER" | "USAGE" | "IO";

/**
 * A signature algorithm that consentkit signs and verifies with, named by
 * its key type: the same name in Rust, JSON and JavaScript (`"Ed25519"`,
 * `"ES256"`), Kotlin and Python (`ED25519`, `ES256`) and Swift
 * (`.ed25519`, `.es256`). On the wire it is a COSE algorithm identifier
 * (`cose_id`).
 */
export type Algorithm = "Ed25519" | "ES256";

/**
 * The role a trusted key signs in.
 */
export type Role = "controller" | "partner" | "person" | "log";

/**
 * A key id: the RFC 9679 COSE Key Thumbprint (SHA-256) of the public key.
 */
export type KeyId = string;

/**
 * A `kid` header value.
 */
export type HeaderKid = string;

/**
 * An instant: whole seconds since 1970-01-01T00:00:00Z, as a CWT
 * NumericDate (integer only).
 *
 * It is encoded as the bare integer everywhere: in CBOR (docs/FORMAT.md),
 * in JSON views, reports and exports (serde, transparent), and printed by
 * `Display` and `Debug` as the number. Arithmetic is in seconds: `t + 60`,
 * `t - 86_400`, and `later - earlier` is the seconds between them. Kotlin
 * sees it as `java.time.Instant`, Swift as `Date`, Python as an `int` (it
 * takes an `int`, a `float` or a `datetime`; feature `uniffi`).
 */
export type Timestamp = number;

/**
 * An artifact id: the first 16 bytes of its [`Digest`]. References between
 * artifacts (receipt → grant, withdrawal → grant) use it.
 */
export type ArtifactId = string;

/**
 * A DPV term: built-in (small code on the wire) or any CURIE/IRI.
 */
export type Term = string;

/**
 * The kind of an artifact, carried in the protected `typ` header.
 */
export type ArtifactKind = "offer" | "grant" | "refusal" | "withdrawal" | "data_receipt" | "value_record";

/**
 * A grant's state (W3C DPV consent status).
 */
export type ConsentState = "requested" | "given" | "refused" | "withdrawn" | "revoked" | "expired" | "superseded";

/**
 * The kind of value a person receives.
 */
export type BenefitKind = "service" | "feature" | "money" | "points" | "discount" | "data_dividend" | "other";

/**
 * How a decision was collected.
 */
export type CollectionMethod = "app_ui" | "web_form" | "voice" | "api" | "imported";

/**
 * Who ended a grant.
 */
export type WithdrawnBy = "person" | "controller";

/**
 * What a finding is about. The names are stable: they appear in JSON reports.
 */
export type FindingKind = "signature_invalid" | "untrusted_key" | "wrong_signer" | "malformed" | "unknown_grant" | "unknown_offer" | "purpose_not_granted" | "category_not_granted" | "recipient_not_granted" | "before_grant" | "after_withdrawal" | "after_expiry" | "after_supersession" | "limit_exceeded" | "precision_exceeded" | "duplicate_id" | "value_for_unknown_grant" | "grant_exceeds_offer" | "future_dated" | "not_in_log" | "log_inconsistent" | "withdrawal_backdated" | "imported_over_person" | "void_grant_used" | "supersedes_other_person" | "conflicting_copies" | "not_witnessed" | "witnessed_backdated" | "stale_status" | "grant_index_out_of_range";

/**
 * A grant's status, as a status list states it.
 */
export type GrantStatus = "valid" | "invalid" | "suspended";

/**
 * A benefit: offered in return for data (in an offer) or delivered (in a value record).
 */
export type Benefit = {
  /**
   * What kind of value.
   */
  kind: BenefitKind,
  /**
   * How much, in `unit` (money: minor units, e.g. cents).
   */
  amount: number,
  /**
   * The unit: an ISO 4217 code for money and data dividends, or e.g. `"points"`, `"percent"`, `"month"`.
   */
  unit: string,
  /**
   * A condition attached (e.g. "per month of sharing").
   */
  condition: string | null,
  /**
   * A description a person can read.
   */
  description: string | null
};

/**
 * A recipient (partner) named in an offer, and what it receives.
 */
export type Recipient = {
  /**
   * The recipient's party id.
   */
  party: string,
  /**
   * The purposes it may use the data for (a subset of the offer's).
   */
  purposes: Array<Term>,
  /**
   * The data categories it receives (a subset of the offer's).
   */
  categories: Array<Term>
};

/**
 * Usage limits attached to an offer.
 */
export type Limits = {
  /**
   * Most data uses (receipts) per UTC day under one grant.
   */
  usesPerDay: number | null,
  /**
   * The finest precision allowed, in the category's unit (for location: metres).
   * A use with a smaller precision value is finer than allowed.
   */
  finestPrecision: number | null,
  /**
   * No use after this time, whatever the grant's expiry.
   */
  useBy: Timestamp | null
};

/**
 * The notice shown to the person: where it is, and a hash of the exact bytes shown.
 */
export type Notice = {
  /**
   * Where the notice is published.
   */
  url: string,
  /**
   * SHA-256 of the exact notice bytes shown.
   */
  sha256: string
};

/**
 * An estimate of what the data is worth, and how it was reached
 * (in the spirit of CCPA regulations §7081).
 */
export type ValueEstimate = {
  /**
   * The estimate, in minor units of `currency`.
   */
  amount: number,
  /**
   * ISO 4217 currency code.
   */
  currency: string,
  /**
   * How it was calculated.
   */
  method: string
};

/**
 * The status claim a grant carries (CWT claim 65535):
 * `{"status_list": {"idx": idx, "uri": uri}}`.
 */
export type StatusReference = {
  /**
   * The grant's index in the list.
   */
  idx: number,
  /**
   * The URI of the Status List Token (its `sub`).
   */
  uri: string
};

/**
 * A data receipt's purpose or category.
 */
export type TermRef = string | { granted: number };

/**
 * A data receipt's recipient.
 */
export type PartyRef = string | { granted: number };

/**
 * The controller's signed proposal.
 */
export type Offer = {
  /**
   * The controller's party id (CWT `iss`).
   */
  controller: string,
  /**
   * A short name for the offer, e.g. `"live-routing-2026"`.
   */
  name: string,
  /**
   * When the offer was made (CWT `iat`).
   */
  issuedAt: Timestamp,
  /**
   * Not valid before (CWT `nbf`).
   */
  validFrom: Timestamp | null,
  /**
   * Not valid after (CWT `exp`).
   */
  validUntil: Timestamp | null,
  /**
   * Purposes the data is requested for.
   */
  purposes: Array<Term>,
  /**
   * Data categories requested.
   */
  categories: Array<Term>,
  /**
   * Recipients (partners) and what each receives.
   */
  recipients: Array<Recipient>,
  /**
   * How long data is kept, in seconds.
   */
  retentionSecs: number,
  /**
   * Usage limits.
   */
  limits: Limits,
  /**
   * The legal basis (normally `dpv:Consent`).
   */
  legalBasis: Term,
  /**
   * Jurisdiction, e.g. `"EU"`, `"US-CA"`.
   */
  jurisdiction: string,
  /**
   * Language of the notice (BCP 47), e.g. `"en"`.
   */
  language: string,
  /**
   * The notice shown.
   */
  notice: Notice,
  /**
   * The value offered in return. May be empty only if the offer says so honestly.
   */
  valueOffered: Array<Benefit>,
  /**
   * An estimate of the data's value, and its method.
   */
  valueEstimate: ValueEstimate | null,
  /**
   * Whether the service stays available without consent (GDPR Art. 7(4)).
   */
  serviceWithoutConsent: boolean
};

/**
 * The person's decision to accept an offer, whole or in part.
 */
export type Grant = {
  /**
   * Pairwise pseudonym of the person for this controller (CWT `sub`).
   */
  subject: string,
  /**
   * The controller (CWT `aud`).
   */
  controller: string,
  /**
   * When the grant was given (CWT `iat`).
   */
  issuedAt: Timestamp,
  /**
   * When it expires (CWT `exp`).
   */
  expiresAt: Timestamp | null,
  /**
   * Digest of the offer accepted.
   */
  offer: string,
  /**
   * Purposes granted (a subset of the offer's).
   */
  purposes: Array<Term>,
  /**
   * Categories granted (a subset of the offer's).
   */
  categories: Array<Term>,
  /**
   * Recipients granted (a subset of the offer's); empty = none.
   */
  recipients: Array<string>,
  /**
   * How the decision was collected.
   */
  method: CollectionMethod,
  /**
   * The grant this one renews or changes.
   */
  supersedes: ArtifactId | null,
  /**
   * The person's public key; `None` only for an imported grant.
   */
  subjectKey: string | null,
  /**
   * Imported from elsewhere, without the person's signature.
   */
  imported: boolean,
  /**
   * Where the controller publishes this grant's live status (CWT claim
   * 65535, IETF Token Status List; docs/FORMAT.md §15). Optional: grants
   * without it decode and verify as before.
   */
  status: StatusReference | null
};

/**
 * The person's signed "no" to an offer.
 */
export type Refusal = {
  /**
   * Pairwise pseudonym (CWT `sub`).
   */
  subject: string,
  /**
   * The controller (CWT `aud`).
   */
  controller: string,
  /**
   * When (CWT `iat`).
   */
  issuedAt: Timestamp,
  /**
   * Digest of the offer refused.
   */
  offer: string,
  /**
   * How the decision was collected.
   */
  method: CollectionMethod,
  /**
   * The person's public key.
   */
  subjectKey: string | null
};

/**
 * The end of a grant: withdrawn by the person or revoked by the controller.
 */
export type Withdrawal = {
  /**
   * The grant ended.
   */
  grant: ArtifactId,
  /**
   * When the withdrawal was signed (CWT `iat`).
   */
  issuedAt: Timestamp,
  /**
   * From when it is meant to take effect. A withdrawal is never
   * retroactive: see [`Withdrawal::takes_effect`].
   */
  effectiveAt: Timestamp,
  /**
   * Who ended it.
   */
  by: WithdrawnBy,
  /**
   * Why (required for a revocation).
   */
  reason: string | null,
  /**
   * The person's key (required when the person withdraws: it must be the grant's subject key).
   */
  subjectKey: string | null
};

/**
 * A record that data was used or passed on under a grant.
 */
export type DataReceipt = {
  /**
   * The grant used.
   */
  grant: ArtifactId,
  /**
   * The data category used: a term, or its index in the grant's
   * categories ([`DataReceipt::resolve`] reads it).
   */
  category: TermRef,
  /**
   * The purpose of the use: a term, or its index in the grant's purposes.
   */
  purpose: TermRef,
  /**
   * Who received the data: a partner, or the controller itself (a party
   * id, or its index among the grant's parties). `None` means the
   * signer's own party (a partner recording its own use).
   */
  recipient: PartyRef | null,
  /**
   * When (CWT `iat`).
   */
  usedAt: Timestamp,
  /**
   * How many data points (default 1).
   */
  quantity: number,
  /**
   * Precision of the data, in the category's unit (for location: metres).
   */
  precision: number | null,
  /**
   * Salted SHA-256 commitment to the data; see [`crate::commit`].
   */
  commitment: string
};

/**
 * What the person actually received under a grant.
 */
export type ValueRecord = {
  /**
   * The grant.
   */
  grant: ArtifactId,
  /**
   * When the value was delivered (CWT `iat`).
   */
  issuedAt: Timestamp,
  /**
   * What was delivered.
   */
  benefit: Benefit
};

/**
 * One signature of an artifact, as its header gives it (nothing verified).
 */
export type SignerView = {
  /**
   * The key id (hex): 64 digits, or 16 for a short kid.
   */
  kid: HeaderKid,
  /**
   * The signature algorithm.
   */
  algorithm: Algorithm
};

/**
 * A decoded artifact as every skin hands it out (`decodeArtifact`,
 * `Wallet.artifacts`, `Wallet.receive`, ...): what it is, who signed it as
 * its headers say, its payload, and its exact bytes. Decoding checks the
 * encoding, not the signatures (`verify` does).
 *
 * One record in every language: a uniffi record in Kotlin, Swift and
 * Python, and these fields camelCased in JavaScript, where `body` is the
 * payload object (JSON text in the uniffi skins) and `bytes` a
 * `Uint8Array` (hex in JSON).
 */
export type ArtifactInfo = {
  /**
   * The kind.
   */
  kind: ArtifactKind,
  /**
   * The artifact id (32 hex digits): what receipts and withdrawals reference.
   */
  id: ArtifactId,
  /**
   * The digest (64 hex digits): what a grant references its offer by.
   */
  digest: string,
  /**
   * Its signatures' key ids and algorithms as their headers give them,
   * in order (a data receipt's kid: the thumbprint's first 8 bytes).
   */
  signers: Array<SignerView>,
  /**
   * Encoded size in bytes.
   */
  size: number,
  /**
   * The payload (the fields of the [`ArtifactInfo::kind`]'s record, as
   * `consentkit inspect` prints its `"body"`).
   */
  body: Offer | Grant | Refusal | Withdrawal | DataReceipt | ValueRecord,
  /**
   * The exact encoded bytes.
   */
  bytes: Uint8Array
};

/**
 * What `Wallet.receive` took in, and the violations that now concern it:
 * [`Wallet::receive`]'s pair as every skin returns it.
 */
export type ReceiveOutcome = {
  /**
   * The artifact received.
   */
  artifact: ArtifactInfo,
  /**
   * Violations found concerning it (e.g. a receipt after a withdrawal).
   */
  violations: Array<Finding>
};

/**
 * An error reported inside a result rather than thrown.
 */
export type ErrorInfo = { code: ErrorCode, message: string, };

/**
 * One item of `inspect`: an artifact's view, or why it could not be decoded.
 */
export type InspectItem = {
  /**
   * Byte offset of the item in the bundle.
   */
  offset: number,
  /**
   * The kind.
   */
  kind: ArtifactKind,
  /**
   * The artifact id (32 hex digits): what receipts and withdrawals reference.
   */
  id: ArtifactId,
  /**
   * The digest (64 hex digits): what a grant references its offer by.
   */
  digest: string,
  /**
   * Its signatures' key ids and algorithms as their headers give them,
   * in order (a data receipt's kid: the thumbprint's first 8 bytes).
   */
  signers: Array<SignerView>,
  /**
   * Encoded size in bytes.
   */
  size: number,
  /**
   * The payload (the fields of the [`ArtifactInfo::kind`]'s record, as
   * `consentkit inspect` prints its `"body"`).
   */
  body: Offer | Grant | Refusal | Withdrawal | DataReceipt | ValueRecord,
  /**
   * The exact encoded bytes.
   */
  bytes: Uint8Array
} | {
  /**
   * Byte offset of the item in the bundle.
   */
  offset: number,
  /**
   * Why it could not be decoded.
   */
  error: ErrorInfo
};

/**
 * Who made a signature, as established by [`Artifact::verify`].
 */
export type Signatory = { "by": "trusted",
/**
 * Its role.
 */
role: Role,
/**
 * Its party.
 */
party: string, } | { "by": "subject" };

/**
 * One verified signature. Its JSON (JavaScript's object) is flat: `kid`,
 * `by` (`"trusted"` or `"subject"`) and, for a trusted key, `role` and
 * `party`; the uniffi record nests the same as `signatory`.
 */
export type VerifiedSigner = {
  /**
   * The key id.
   */
  kid: KeyId
} & ({ "by": "trusted",
/**
 * Its role.
 */
role: Role,
/**
 * Its party.
 */
party: string, } | { "by": "subject" });

/**
 * An artifact whose every signature verified against a trust set
 * (`verify` in every skin).
 */
export type VerifiedArtifact = {
  /**
   * The artifact.
   */
  artifact: ArtifactInfo,
  /**
   * Its signatures and who made them, in order.
   */
  signers: Array<VerifiedSigner>
};

/**
 * One item of `verifyBundle`.
 */
export type BundleItem = {
  /**
   * Byte offset in the bundle.
   */
  offset: number,
  /**
   * Whether the item decoded and verified.
   */
  ok: boolean,
  kind: ArtifactKind | null,
  id: string | null,
  signers: Array<VerifiedSigner>,
  error: ErrorInfo | null
};

/**
 * A salted commitment to some data: keep `salt` (and the data) to open it later.
 *
 * The same record in every skin: bytes in Kotlin, Swift and Python, hex
 * in JSON and JavaScript (`{ value, salt }`).
 */
export type Commitment = {
  /**
   * `SHA-256(salt || data)`, what goes in a receipt (JSON: 64 hex digits).
   */
  value: string,
  /**
   * The salt (JSON: 32 hex digits).
   */
  salt: string
};

/**
 * One finding.
 */
export type Finding = {
  /**
   * What kind.
   */
  kind: FindingKind,
  /**
   * The artifact concerned (hex id), if it could be identified.
   */
  artifact: ArtifactId | null,
  /**
   * The artifact's type, if known.
   */
  artifactKind: ArtifactKind | null,
  /**
   * The controller concerned, if known.
   */
  controller: string | null,
  /**
   * Byte offset of the item in the bundle (for a finding about an id
   * rather than one item, e.g. `limit_exceeded`, a copy of it; 0 for
   * `conflicting_copies`, which is about all its copies).
   */
  offset: number,
  /**
   * What is wrong, for a person.
   */
  message: string
};

/**
 * Counts for one controller.
 */
export type ControllerStats = {
  /**
   * Offers.
   */
  offers: number,
  /**
   * Grants.
   */
  grants: number,
  /**
   * Refusals.
   */
  refusals: number,
  /**
   * Withdrawals by people.
   */
  withdrawals: number,
  /**
   * Revocations by the controller.
   */
  revocations: number,
  /**
   * Data receipts under its grants.
   */
  receipts: number,
  /**
   * Value records.
   */
  valueRecords: number,
  /**
   * Findings concerning it.
   */
  findings: number,
  /**
   * Value delivered, summed per unit (currency, "points", "month", ...),
   * sorted by unit.
   */
  valueDelivered: { [key in string]: number },
  /**
   * Grants per state at the audit time, in the order of [`ConsentState`].
   */
  grantStates: { [key in ConsentState]?: number }
};

/**
 * Activity on one UTC day, for the report's chart.
 */
export type DayActivity = {
  /**
   * Grants given.
   */
  grants: number,
  /**
   * Withdrawals and revocations taking effect.
   */
  withdrawals: number,
  /**
   * Data receipts.
   */
  receipts: number
};

/**
 * The verdict of an audit, in one word.
 */
export type AuditOutcome = "clean" | "findings" | "empty";

/**
 * One trusted key.
 */
export type AuditTrustedKey = {
  /**
   * The key id (RFC 9679 thumbprint, hex).
   */
  kid: KeyId,
  /**
   * Its algorithm (`"Ed25519"` or `"ES256"`).
   */
  algorithm: Algorithm,
  /**
   * The role it may sign in.
   */
  role: Role,
  /**
   * The party it belongs to.
   */
  party: string
};

/**
 * The trust set, as the audit used it.
 */
export type TrustProvenance = {
  /**
   * SHA-256 (hex) of the trust set's canonical encoding: the COSE_KeySet
   * with `role` and `party` of docs/FORMAT.md, keys sorted by kid, so the
   * same keys give the same digest whatever the trust file's order.
   */
  sha256: string,
  /**
   * Every key, sorted by kid.
   */
  keys: Array<AuditTrustedKey>
};

/**
 * A checkpoint held against the log.
 */
export type AuditCheckpoint = {
  /**
   * Who supplied it: `"auditor"`.
   */
  source: string,
  /**
   * Its tree size.
   */
  size: number,
  /**
   * Its root hash, base64.
   */
  rootHash: string,
  /**
   * Whether the log's tree extends it (if not: a `log_inconsistent` finding).
   */
  consistent: boolean
};

/**
 * A witness that cosigned the log's checkpoint.
 */
export type CosignerInfo = {
  /**
   * The witness's name in the policy.
   */
  witness: string,
  /**
   * Its cosigner key name.
   */
  keyName: string,
  /**
   * When it cosigned (seconds since the epoch).
   */
  timestamp: number
};

/**
 * The witness policy's view of a log, as an audit report shows it (its
 * log's `witnesses`).
 */
export type WitnessView = {
  /**
   * The policy's quorum (`none`, a witness or a group name).
   */
  quorum: string,
  /**
   * Whether the log's latest checkpoint meets the quorum (if not: a
   * `not_witnessed` finding).
   */
  quorumMet: boolean,
  /**
   * The witnesses whose valid cosignatures the latest checkpoint carries.
   */
  cosigners: Array<CosignerInfo>,
  /**
   * Checkpoints (the log's archive and latest, and those supplied) that
   * meet the quorum and serve as the clock.
   */
  witnessedCheckpoints: number,
  /**
   * The clock tolerance in seconds.
   */
  tolerance: number
};

/**
 * The transparency log, as the audit used it.
 */
export type AuditLog = {
  /**
   * The log's origin (its name).
   */
  origin: string,
  /**
   * The tree size of its checkpoint (signature verified with the trusted log key).
   */
  size: number,
  /**
   * The root hash of that tree, base64 as in the checkpoint note.
   */
  rootHash: string,
  /**
   * Whether artifacts found in the log were admitted without checking
   * their signatures again (`--log` without `--verify-logged`).
   */
  trustAdmission: boolean,
  /**
   * Archived checkpoints in the log directory proven consistent with it.
   */
  archivedConsistent: number,
  /**
   * Archived checkpoints that failed (each is a `log_inconsistent` finding).
   */
  archivedProblems: number,
  /**
   * The checkpoints given by the auditor (`--checkpoint`), in order.
   */
  checkpoints: Array<AuditCheckpoint>,
  /**
   * The witness policy's view of the log (audits with a policy only):
   * its quorum, whether the checkpoint meets it, which witnesses cosigned.
   */
  witnesses?: WitnessView
};

/**
 * How many signatures were checked and how many were taken on the log's word.
 */
export type SignatureCounts = {
  /**
   * Signatures checked cryptographically against the trust set (valid
   * or not: failures are findings).
   */
  checked: number,
  /**
   * Signatures not checked: their artifact is in the log, which checked
   * it on entry (roles and parties were still checked).
   */
  admitted: number
};

/**
 * Where a report comes from and what it rests on.
 */
export type AuditProvenance = {
  /**
   * The tool that wrote the report (`"consentkit"`).
   */
  tool: string,
  /**
   * Its version.
   */
  version: string,
  /**
   * SHA-256 of the bundle's bytes, all of them (hex), as both passes read them.
   */
  bundleSha256: string,
  /**
   * The trust set the signatures were checked against.
   */
  trust: TrustProvenance,
  /**
   * The transparency log the bundle was checked against, if any.
   */
  log: AuditLog | null,
  /**
   * How the signatures of the artifacts that decoded were accepted.
   */
  signatures: SignatureCounts
};

/**
 * The audit's result.
 *
 * Its lists are sorted by their key (kind, party id, day, unit, state),
 * each key once; the JSON report writes each as an object keyed the
 * same way (docs/AUDIT-REPORT.md).
 */
export type AuditReportJson = {
  /**
   * The audit time (seconds since the epoch).
   */
  at: Timestamp,
  /**
   * Bytes read.
   */
  bundleBytes: number,
  /**
   * Items read.
   */
  items: number,
  /**
   * Artifacts per type (valid or not, as far as their type is known),
   * in the order of [`ArtifactKind`].
   */
  counts: { [key in ArtifactKind]?: number },
  /**
   * Items whose type could not be determined.
   */
  unreadable: number,
  /**
   * Per controller, sorted by party id.
   */
  controllers: { [key in string]: ControllerStats },
  /**
   * Activity per UTC day, in day order.
   */
  days: { [key in number]: DayActivity },
  /**
   * The findings, sorted by kind, artifact and message (at most
   * [`MAX_FINDINGS`](super::MAX_FINDINGS); the rest are counted in
   * `findings_omitted`).
   */
  findings: Array<Finding>,
  /**
   * Findings per kind, all of them (including omitted ones), in the
   * order of [`FindingKind`].
   */
  findingCounts: { [key in FindingKind]?: number },
  /**
   * Findings counted but not listed, beyond
   * [`MAX_FINDINGS`](super::MAX_FINDINGS).
   */
  findingsOmitted: number,
  /**
   * The verdict: clean, findings, or empty (nothing to audit). Set by
   * the audit from the findings and counts ([`Report::compute_outcome`]).
   */
  outcome: AuditOutcome,
  /**
   * What the audit rests on: tool, bundle hash, trust set, log, signatures.
   */
  provenance: AuditProvenance
};

/**
 * The person's choice when accepting an offer: `None` accepts the offer's whole list.
 */
export type Choice = {
  /**
   * Purposes to grant (a subset of the offer's).
   */
  purposes?: Array<Term> | null,
  /**
   * Categories to grant (a subset of the offer's).
   */
  categories?: Array<Term> | null,
  /**
   * Recipients to grant (a subset of the offer's).
   */
  recipients?: Array<string> | null,
  /**
   * When the grant expires (default: the offer's `valid_until`, if any).
   */
  expiresAt?: Timestamp | null,
  /**
   * The status list entry the controller assigned to this grant
   * ([`crate::status::StatusRegistry::assign`]); the grant carries it as
   * its status claim (65535) so partners can check it live.
   */
  status?: StatusReference | null
};

/**
 * A grant as the person sees it.
 */
export type GrantView = {
  /**
   * The grant's id.
   */
  id: ArtifactId,
  /**
   * The controller.
   */
  controller: string,
  /**
   * Its state now.
   */
  state: ConsentState,
  /**
   * Whether the controller has countersigned it.
   */
  countersigned: boolean,
  /**
   * Purposes granted.
   */
  purposes: Array<string>,
  /**
   * Categories granted.
   */
  categories: Array<string>,
  /**
   * Recipients granted.
   */
  recipients: Array<string>,
  /**
   * When given.
   */
  issuedAt: Timestamp
};

/**
 * One line of "what have I shared".
 */
export type Shared = {
  /**
   * The controller.
   */
  controller: string,
  /**
   * Who received the data (the controller itself or a partner).
   */
  recipient: string,
  /**
   * The data category.
   */
  category: string,
  /**
   * The purpose.
   */
  purpose: string,
  /**
   * Under which grant.
   */
  grant: ArtifactId,
  /**
   * How many data points (sum of receipt quantities).
   */
  uses: number,
  /**
   * First use.
   */
  first: Timestamp,
  /**
   * Last use.
   */
  last: Timestamp
};

/**
 * What one transparency log proves to the wallet.
 */
export type LogCheck = {
  /**
   * The log's origin.
   */
  origin: string,
  /**
   * Tree sizes of the checkpoints seen whose signatures verify.
   */
  checkpoints: Array<number>,
  /**
   * The person's own artifacts (grants, refusals, withdrawals) proven to be in the log.
   */
  proven: Array<ArtifactId>,
  /**
   * The person's own artifacts with no valid inclusion proof.
   */
  notProven: Array<ArtifactId>,
  /**
   * What failed: a checkpoint's signature, a missing or failing
   * consistency proof between two checkpoints (the log was rewritten),
   * or an inclusion proof that does not verify.
   */
  problems: Array<string>
};

/**
 * What one witnessed log proves to the wallet ([`Wallet::check_logs_witnessed`]).
 */
export type WitnessedLogCheck = {
  /**
   * The log's origin.
   */
  origin: string,
  /**
   * Tree sizes of the wallet's checkpoints of this log that carry the
   * policy's quorum (the only ones accepted).
   */
  witnessed: Array<number>,
  /**
   * Tree sizes of the wallet's checkpoints of this log without the
   * quorum (not accepted; each is also a problem).
   */
  notWitnessed: Array<number>,
  /**
   * The policy names of the witnesses whose cosignatures count towards
   * the quorum of at least one witnessed checkpoint (sorted, once each).
   */
  cosignedBy: Array<string>,
  /**
   * The wallet's artifacts with an inclusion proof that verifies against
   * a witnessed checkpoint.
   */
  proven: Array<ArtifactId>,
  /**
   * Artifacts dated more than the tolerance before the earliest
   * cosignature of a witnessed checkpoint that does not contain them:
   * logged long after the time they claim (backdated).
   */
  backdated: Array<ArtifactId>,
  /**
   * What failed, in words.
   */
  problems: Array<string>
};

/**
 * A part of a wallet (or backup) that could not be read: skipped, the rest was read.
 */
export type WalletProblem = {
  /**
   * Byte offset of the record's frame in the wallet image (`None` for a
   * wallet built in memory).
   */
  offset: number | null,
  /**
   * Index of the record (0 is the header), or `None` for a torn end.
   */
  record: number | null,
  /**
   * What is wrong with it.
   */
  message: string
};

/**
 * A summary for the person.
 */
export type WalletSummary = {
  /**
   * Grants and their states.
   */
  grants: Array<GrantView>,
  /**
   * What was shared, with whom, for what.
   */
  shared: Array<Shared>,
  /**
   * What was received: controller → unit → total amount.
   */
  received: { [key in string]: { [key in string]: number } },
  /**
   * Offers refused.
   */
  refusals: number,
  /**
   * Violations found in the wallet's own records.
   */
  violations: Array<Finding>,
  /**
   * What the transparency logs the wallet trusts prove about its
   * artifacts: one check per log.
   */
  logs: Array<LogCheck>
};

/**
 * An artifact a change added to the wallet.
 */
export type AddedArtifact = {
  /**
   * Its id.
   */
  id: ArtifactId,
  /**
   * Its kind.
   */
  kind: ArtifactKind
};

/**
 * What a [`WalletListener`] is told.
 */
export type WalletEvent = {
  /**
   * `true` for the event [`Wallet::subscribe`] sends at once: the state
   * as it is, nothing added. `false` for every change after it.
   */
  replay: boolean,
  /**
   * The instant the states are computed at: `now` of the subscription or
   * of [`Wallet::receive`] / [`Wallet::receive_batch`], `at` of
   * [`Wallet::accept`], [`Wallet::refuse`], [`Wallet::withdraw`],
   * [`Wallet::grant_purpose`] and [`Wallet::withdraw_purpose`], and the
   * artifact's own `iat` for [`Wallet::complete`].
   */
  at: Timestamp,
  /**
   * The artifacts the change added, in the order kept (empty in the replay).
   */
  added: Array<AddedArtifact>,
  /**
   * Every grant and its state at `at`, as [`Wallet::grants`] gives them.
   */
  grants: Array<GrantView>,
  /**
   * The grants that are new, or whose state or countersignature differs,
   * since the previous event this listener was sent (in the replay: all of them).
   */
  changed: Array<GrantView>
};

/**
 * What a verified COSE Receipt or tlog-proof proves; `ReceiptCheck` in
 * the skins (bytes in Kotlin, Swift and Python, hex in JSON and JavaScript).
 */
export type ReceiptCheck = {
  /**
   * The size of the tree the log signed.
   */
  treeSize: number,
  /**
   * The artifact's leaf index in it.
   */
  leafIndex: number,
  /**
   * The Merkle tree root the log signed (JSON: 64 hex digits).
   */
  root: string
};

/**
 * A partner's answer about one grant.
 */
export type StatusAnswer = {
  /**
   * Valid, invalid (withdrawn or revoked) or suspended.
   */
  status: GrantStatus,
  /**
   * How long, in seconds from the check time, this answer may be cached
   * ([`StatusListToken::max_age`]).
   */
  maxAge: number,
  /**
   * The list's `iat`: the answer describes the grant at this time.
   */
  listIssuedAt: Timestamp,
  /**
   * The grant's index in the list.
   */
  index: number,
  /**
   * The list's URI.
   */
  uri: string
};

export type RefusedExport = { id: string, reason: string, };

export type ConsentExport = { documents: Array<Record<string, unknown>>, refused: Array<RefusedExport>, };

/**
 * A publisher restriction: for `purpose_id`, the vendors listed get
 * `restriction_type` (0 not allowed, 1 require consent, 2 require
 * legitimate interest).
 */
export type PublisherRestriction = {
  /**
   * The purpose (1-63).
   */
  purposeId: number,
  /**
   * The restriction type (0-2; 3 is undefined and refused).
   */
  restrictionType: number,
  /**
   * The vendors it applies to, ascending.
   */
  vendors: Array<number>
};

/**
 * The optional Publisher TC segment (segment type 3).
 */
export type PublisherTc = {
  /**
   * Purposes (1-24) the publisher has consent for.
   */
  purposeConsents: Array<number>,
  /**
   * Purposes (1-24) the publisher relies on legitimate interest for.
   */
  purposeLegitimateInterests: Array<number>,
  /**
   * Number of custom purposes (0-63).
   */
  numCustomPurposes: number,
  /**
   * Custom purposes consented to (1-num_custom_purposes).
   */
  customPurposeConsents: Array<number>,
  /**
   * Custom purposes under legitimate interest.
   */
  customPurposeLegitimateInterests: Array<number>
};

/**
 * A decoded TC string: every field of the core segment, the Disclosed
 * Vendors segment and the optional Publisher TC segment. Id lists are
 * ascending and without repeats. JSON keys are the snake_case field names.
 */
export type TcString = {
  /**
   * Encoding version (always 2).
   */
  version: number,
  /**
   * Created, in deciseconds since the epoch (36 bits).
   */
  created: number,
  /**
   * Last updated, in deciseconds since the epoch (36 bits).
   */
  lastUpdated: number,
  /**
   * The CMP's id (12 bits).
   */
  cmpId: number,
  /**
   * The CMP's version (12 bits).
   */
  cmpVersion: number,
  /**
   * The screen the consent was given on (6 bits).
   */
  consentScreen: number,
  /**
   * Two upper-case letters (ISO 639-1), e.g. `EN`.
   */
  consentLanguage: string,
  /**
   * Global Vendor List version (12 bits).
   */
  vendorListVersion: number,
  /**
   * TCF policy version (6 bits).
   */
  policyVersion: number,
  /**
   * Whether the string is service-specific.
   */
  isServiceSpecific: boolean,
  /**
   * Whether non-standard texts were used.
   */
  useNonStandardTexts: boolean,
  /**
   * Special features opted in to (1-12).
   */
  specialFeatureOptins: Array<number>,
  /**
   * Purposes consented to (1-24).
   */
  purposeConsents: Array<number>,
  /**
   * Purposes with legitimate interest established (1-24).
   */
  purposeLegitimateInterests: Array<number>,
  /**
   * Purpose one treatment (purpose 1 not disclosed).
   */
  purposeOneTreatment: boolean,
  /**
   * Publisher country code, two upper-case letters (`AA` = unknown).
   */
  publisherCc: string,
  /**
   * Vendors with consent (1-65535).
   */
  vendorConsents: Array<number>,
  /**
   * Vendors with legitimate interest established.
   */
  vendorLegitimateInterests: Array<number>,
  /**
   * Publisher restrictions.
   */
  publisherRestrictions: Array<PublisherRestriction>,
  /**
   * Vendors disclosed to the person (the Disclosed Vendors segment).
   */
  disclosedVendors: Array<number>,
  /**
   * The Publisher TC segment, if present.
   */
  publisherTc: PublisherTc | null
};

/**
 * A decoded GPP string: the section ids of its header and, if section 2
 * is among them, the TC string it carries. Other sections are listed but
 * not decoded.
 */
export type GppString = {
  /**
   * Section ids in the header, ascending.
   */
  sectionIds: Array<number>,
  /**
   * The TCF EU v2 section, decoded.
   */
  tcfEuV2: TcString | null
};

/**
 * One in-app value: the CMP API stores numbers (`getInt`) and strings
 * (`getString`). In JSON, a number or a string.
 *
 * Each variant's field is `value` in every language; in JSON the value
 * itself.
 */
export type InAppValue = number | string;

/**
 * A TC string in its three forms.
 */
export type TcfForms = {
  /**
   * The decoded string.
   */
  tc: TcString,
  /**
   * The TC string, re-encoded.
   */
  tcString: string,
  /**
   * GPP header + section 2 (TCF EU v2).
   */
  gppString: string,
  /**
   * The IABTCF_* in-app values (numbers and strings).
   */
  inApp: { [key in string]: InAppValue }
};

/**
 * The CMP and vendor list a TC string made from a grant is signalled
 * under. JSON keys are the snake_case field names.
 */
export type TcfExport = {
  /**
   * The CMP's id.
   */
  cmpId: number,
  /**
   * The CMP's version.
   */
  cmpVersion: number,
  /**
   * The consent screen number.
   */
  consentScreen: number,
  /**
   * Two upper-case letters, e.g. `EN`.
   */
  consentLanguage: string,
  /**
   * Global Vendor List version.
   */
  vendorListVersion: number,
  /**
   * TCF policy version (default [`TCF_POLICY_VERSION`]).
   */
  policyVersion: number,
  /**
   * Publisher country code (`AA` = unknown).
   */
  publisherCc: string,
  /**
   * The vendors that receive consent (and are disclosed).
   */
  vendors: Array<number>
};

/**
 * The audit report as `AuditReport.toJSON()` returns it: the document of
 * docs/AUDIT-REPORT.md, whose keys are snake_case (`bundle_bytes`). The
 * same Rust types as {@link AuditReportJson}, field names unchanged.
 */
export declare namespace AuditReportDocument {
  /**
   * One finding.
   */
  export type Finding = {
    /**
     * What kind.
     */
    kind: FindingKind,
    /**
     * The artifact concerned (hex id), if it could be identified.
     */
    artifact: ArtifactId | null,
    /**
     * The artifact's type, if known.
     */
    artifact_kind: ArtifactKind | null,
    /**
     * The controller concerned, if known.
     */
    controller: string | null,
    /**
     * Byte offset of the item in the bundle (for a finding about an id
     * rather than one item, e.g. `limit_exceeded`, a copy of it; 0 for
     * `conflicting_copies`, which is about all its copies).
     */
    offset: number,
    /**
     * What is wrong, for a person.
     */
    message: string
  };
  /**
   * Counts for one controller.
   */
  export type ControllerStats = {
    /**
     * Offers.
     */
    offers: number,
    /**
     * Grants.
     */
    grants: number,
    /**
     * Refusals.
     */
    refusals: number,
    /**
     * Withdrawals by people.
     */
    withdrawals: number,
    /**
     * Revocations by the controller.
     */
    revocations: number,
    /**
     * Data receipts under its grants.
     */
    receipts: number,
    /**
     * Value records.
     */
    value_records: number,
    /**
     * Findings concerning it.
     */
    findings: number,
    /**
     * Value delivered, summed per unit (currency, "points", "month", ...),
     * sorted by unit.
     */
    value_delivered: { [key in string]: number },
    /**
     * Grants per state at the audit time, in the order of [`ConsentState`].
     */
    grant_states: { [key in ConsentState]?: number }
  };
  /**
   * Activity on one UTC day, for the report's chart.
   */
  export type DayActivity = {
    /**
     * Grants given.
     */
    grants: number,
    /**
     * Withdrawals and revocations taking effect.
     */
    withdrawals: number,
    /**
     * Data receipts.
     */
    receipts: number
  };
  /**
   * One trusted key.
   */
  export type AuditTrustedKey = {
    /**
     * The key id (RFC 9679 thumbprint, hex).
     */
    kid: KeyId,
    /**
     * Its algorithm (`"Ed25519"` or `"ES256"`).
     */
    algorithm: Algorithm,
    /**
     * The role it may sign in.
     */
    role: Role,
    /**
     * The party it belongs to.
     */
    party: string
  };
  /**
   * The trust set, as the audit used it.
   */
  export type TrustProvenance = {
    /**
     * SHA-256 (hex) of the trust set's canonical encoding: the COSE_KeySet
     * with `role` and `party` of docs/FORMAT.md, keys sorted by kid, so the
     * same keys give the same digest whatever the trust file's order.
     */
    sha256: string,
    /**
     * Every key, sorted by kid.
     */
    keys: Array<AuditTrustedKey>
  };
  /**
   * A checkpoint held against the log.
   */
  export type AuditCheckpoint = {
    /**
     * Who supplied it: `"auditor"`.
     */
    source: string,
    /**
     * Its tree size.
     */
    size: number,
    /**
     * Its root hash, base64.
     */
    root_hash: string,
    /**
     * Whether the log's tree extends it (if not: a `log_inconsistent` finding).
     */
    consistent: boolean
  };
  /**
   * A witness that cosigned the log's checkpoint.
   */
  export type CosignerInfo = {
    /**
     * The witness's name in the policy.
     */
    witness: string,
    /**
     * Its cosigner key name.
     */
    key_name: string,
    /**
     * When it cosigned (seconds since the epoch).
     */
    timestamp: number
  };
  /**
   * The witness policy's view of a log, as an audit report shows it (its
   * log's `witnesses`).
   */
  export type WitnessView = {
    /**
     * The policy's quorum (`none`, a witness or a group name).
     */
    quorum: string,
    /**
     * Whether the log's latest checkpoint meets the quorum (if not: a
     * `not_witnessed` finding).
     */
    quorum_met: boolean,
    /**
     * The witnesses whose valid cosignatures the latest checkpoint carries.
     */
    cosigners: Array<CosignerInfo>,
    /**
     * Checkpoints (the log's archive and latest, and those supplied) that
     * meet the quorum and serve as the clock.
     */
    witnessed_checkpoints: number,
    /**
     * The clock tolerance in seconds.
     */
    tolerance: number
  };
  /**
   * The transparency log, as the audit used it.
   */
  export type AuditLog = {
    /**
     * The log's origin (its name).
     */
    origin: string,
    /**
     * The tree size of its checkpoint (signature verified with the trusted log key).
     */
    size: number,
    /**
     * The root hash of that tree, base64 as in the checkpoint note.
     */
    root_hash: string,
    /**
     * Whether artifacts found in the log were admitted without checking
     * their signatures again (`--log` without `--verify-logged`).
     */
    trust_admission: boolean,
    /**
     * Archived checkpoints in the log directory proven consistent with it.
     */
    archived_consistent: number,
    /**
     * Archived checkpoints that failed (each is a `log_inconsistent` finding).
     */
    archived_problems: number,
    /**
     * The checkpoints given by the auditor (`--checkpoint`), in order.
     */
    checkpoints: Array<AuditCheckpoint>,
    /**
     * The witness policy's view of the log (audits with a policy only):
     * its quorum, whether the checkpoint meets it, which witnesses cosigned.
     */
    witnesses?: WitnessView
  };
  /**
   * How many signatures were checked and how many were taken on the log's word.
   */
  export type SignatureCounts = {
    /**
     * Signatures checked cryptographically against the trust set (valid
     * or not: failures are findings).
     */
    checked: number,
    /**
     * Signatures not checked: their artifact is in the log, which checked
     * it on entry (roles and parties were still checked).
     */
    admitted: number
  };
  /**
   * Where a report comes from and what it rests on.
   */
  export type AuditProvenance = {
    /**
     * The tool that wrote the report (`"consentkit"`).
     */
    tool: string,
    /**
     * Its version.
     */
    version: string,
    /**
     * SHA-256 of the bundle's bytes, all of them (hex), as both passes read them.
     */
    bundle_sha256: string,
    /**
     * The trust set the signatures were checked against.
     */
    trust: TrustProvenance,
    /**
     * The transparency log the bundle was checked against, if any.
     */
    log: AuditLog | null,
    /**
     * How the signatures of the artifacts that decoded were accepted.
     */
    signatures: SignatureCounts
  };
  /**
   * The audit's result.
   *
   * Its lists are sorted by their key (kind, party id, day, unit, state),
   * each key once; the JSON report writes each as an object keyed the
   * same way (docs/AUDIT-REPORT.md).
   */
  export type AuditReportJson = {
    /**
     * The audit time (seconds since the epoch).
     */
    at: Timestamp,
    /**
     * Bytes read.
     */
    bundle_bytes: number,
    /**
     * Items read.
     */
    items: number,
    /**
     * Artifacts per type (valid or not, as far as their type is known),
     * in the order of [`ArtifactKind`].
     */
    counts: { [key in ArtifactKind]?: number },
    /**
     * Items whose type could not be determined.
     */
    unreadable: number,
    /**
     * Per controller, sorted by party id.
     */
    controllers: { [key in string]: ControllerStats },
    /**
     * Activity per UTC day, in day order.
     */
    days: { [key in number]: DayActivity },
    /**
     * The findings, sorted by kind, artifact and message (at most
     * [`MAX_FINDINGS`](super::MAX_FINDINGS); the rest are counted in
     * `findings_omitted`).
     */
    findings: Array<Finding>,
    /**
     * Findings per kind, all of them (including omitted ones), in the
     * order of [`FindingKind`].
     */
    finding_counts: { [key in FindingKind]?: number },
    /**
     * Findings counted but not listed, beyond
     * [`MAX_FINDINGS`](super::MAX_FINDINGS).
     */
    findings_omitted: number,
    /**
     * The verdict: clean, findings, or empty (nothing to audit). Set by
     * the audit from the findings and counts ([`Report::compute_outcome`]).
     */
    outcome: AuditOutcome,
    /**
     * What the audit rests on: tool, bundle hash, trust set, log, signatures.
     */
    provenance: AuditProvenance
  };
}
/** The audit report document (`AuditReport.toJSON()`). */
export type AuditReportDocument = AuditReportDocument.AuditReportJson;
