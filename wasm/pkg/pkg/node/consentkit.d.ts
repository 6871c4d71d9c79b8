/* tslint:disable */
/* eslint-disable */
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
 * A signature algorithm that consentkit signs and verifies with.
 */
export type Algorithm = "EdDSA" | "ES256";

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
 * The decoded content of an artifact.
 */
export type Body = { "type": "offer", "body": Offer } | { "type": "grant", "body": Grant } | { "type": "refusal", "body": Refusal } | { "type": "withdrawal", "body": Withdrawal } | { "type": "data_receipt", "body": DataReceipt } | { "type": "value_record", "body": ValueRecord };

/**
 * One signature of an [`ArtifactView`], as its header gives it.
 */
export type SignerView = {
    /**
     * The key id (hex): 64 digits, or 16 for a short kid.
     */
    kid: HeaderKid,
    /**
     * The signature algorithm.
     */
    alg: Algorithm
};

/**
 * An artifact as JSON: its id, its type and body (`"type"`, `"body"`),
 * who signed it (as the headers say; nothing verified) and its size.
 */
export type ArtifactView = {
    /**
     * The artifact id (32 hex digits).
     */
    id: ArtifactId,
    /**
     * The signatures' key ids and algorithms, as their headers give them.
     */
    signers: Array<SignerView>,
    /**
     * Encoded size in bytes.
     */
    size: number
} & ({ "type": "offer", "body": Offer } | { "type": "grant", "body": Grant } | { "type": "refusal", "body": Refusal } | { "type": "withdrawal", "body": Withdrawal } | { "type": "data_receipt", "body": DataReceipt } | { "type": "value_record", "body": ValueRecord });

/**
 * The JSON view of an artifact as JavaScript sees it: the core's
 * [`ArtifactView`] (id, type, body, signers, size) plus the full `digest`,
 * which a grant uses to name its offer, and in `inspect` the byte offset.
 */
export type ArtifactJson = {
    /**
     * The full digest (64 hex digits): what a grant names its offer by.
     */
    digest: string,
    /**
     * Byte offset in the bundle (from `inspect`).
     */
    offset?: number,
    /**
     * The artifact id (32 hex digits).
     */
    id: ArtifactId,
    /**
     * The signatures' key ids and algorithms, as their headers give them.
     */
    signers: Array<SignerView>,
    /**
     * Encoded size in bytes.
     */
    size: number
} & ({ "type": "offer", "body": Offer } | { "type": "grant", "body": Grant } | { "type": "refusal", "body": Refusal } | { "type": "withdrawal", "body": Withdrawal } | { "type": "data_receipt", "body": DataReceipt } | { "type": "value_record", "body": ValueRecord });

/**
 * An error reported inside a result rather than thrown.
 */
export type ErrorInfo = { code: ErrorCode, message: string, };

/**
 * One item of `inspect`: an artifact's view, or why it could not be decoded.
 */
export type InspectItem = ArtifactJson | {
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
 * One verified signature, as JavaScript sees it.
 */
export type VerifiedSigner = { kid: string,
/**
 * `"trusted"` (a key of the trust set) or `"subject"` (the person's key in the artifact).
 */
by: "trusted" | "subject", role: Role | null, party: string | null, };

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
    type: ArtifactKind | null,
    id: string | null,
    signers: Array<VerifiedSigner>,
    error: ErrorInfo | null
};

export type Commitment = { commitment: string, salt: string, };

/**
 * One trusted key, as listed by `TrustSet.keys()`.
 */
export type TrustedKey = { kid: string, algorithm: Algorithm, role: Role, party: string, };

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
export type TrustedKeyInfo = {
    /**
     * The key id (RFC 9679 thumbprint, hex).
     */
    kid: KeyId,
    /**
     * Its algorithm (`"EdDSA"` or `"ES256"`).
     */
    alg: Algorithm,
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
    keys: Array<TrustedKeyInfo>
};

/**
 * A checkpoint held against the log.
 */
export type CheckpointCheck = {
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
 * The witness policy's view of a log, for an audit.
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
export type LogProvenance = {
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
    checkpoints: Array<CheckpointCheck>,
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
    log: LogProvenance | null,
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
     * What the transparency logs the wallet trusts prove about its artifacts.
     */
    log: Array<LogCheck>
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
 * What a verified COSE Receipt or tlog-proof proves (`Wallet.verifyCoseReceipt`,
 * `Wallet.verifyTlogProof`).
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
     * The Merkle tree root the log signed, hex.
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
    export type TrustedKeyInfo = {
        /**
         * The key id (RFC 9679 thumbprint, hex).
         */
        kid: KeyId,
        /**
         * Its algorithm (`"EdDSA"` or `"ES256"`).
         */
        alg: Algorithm,
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
        keys: Array<TrustedKeyInfo>
    };
    /**
     * A checkpoint held against the log.
     */
    export type CheckpointCheck = {
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
     * The witness policy's view of a log, for an audit.
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
    export type LogProvenance = {
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
        checkpoints: Array<CheckpointCheck>,
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
        log: LogProvenance | null,
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


// ---- consentkit: hand-written declarations (what has no Rust definition) ----
//
// Every data object the package returns is declared in types.generated.d.ts,
// GENERATED from the Rust type it is serialised from (scripts/gen-ts-types):
// field names in camelCase (`issuedAt`) by the one rule the JSON is renamed
// with, values as the core names them (`"data_receipt"`), and so the keys of
// maps keyed by such values (`counts.data_receipt`). The audit report's
// `toJSON()` is the snake_case document of docs/AUDIT-REPORT.md
// (`AuditReportDocument`). Times are whole seconds since 1970-01-01T00:00:00Z.
// Ids are hex: an artifact id is 32 hex digits, a digest (which a grant uses
// to name its offer) and a key id 64.
//
// Written here by hand, because no Rust type describes them: the error a
// call throws, the bytes a parameter takes, the signers a caller implements,
// and the input objects, which are the generated types with optional fields
// (`Input<T>`: a field that may be `null` may also be left out).

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

/**
 * A public key as a signer reports it: the algorithm and the raw key
 * (Ed25519: the 32-byte key; ES256: the 65-byte uncompressed point
 * `04 || x || y`, WebCrypto `exportKey("raw")`). A {@link PublicKey} is one
 * (`PublicKey.fromCoseKey(bytes)` reads a COSE_Key).
 */
export interface RawPublicKey {
    algorithm: Algorithm;
    bytes: BytesLike;
}

/**
 * A synchronous signer implemented in JavaScript (`ExternalKey.fromCallback`).
 * For an asynchronous one (`crypto.subtle.sign`), use an
 * {@link AsyncExternalSigner} (`Controller.withAsyncSigner`,
 * `Wallet.signAsync`), or `prepare…`/`complete` by hand.
 */
export interface ExternalSigner {
    /** The public key that verifies this signer's signatures (read once). */
    publicKey(): RawPublicKey;
    /** Signs exactly `message` (built by the library). ES256: raw `r || s` (64 bytes) or DER. */
    sign(message: Uint8Array): BytesLike;
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

/** `T` as an input: a field that may be `null` may also be left out. */
export type Input<T> = { [K in keyof T as null extends T[K] ? K : never]?: T[K] } & {
    [K in keyof T as null extends T[K] ? never : K]: T[K];
};

/** The notice an offer shows: its URL and either the SHA-256 (hex) of the exact bytes shown, or the text itself (hashed here). */
export type NoticeInput = (Notice & { text?: undefined }) | { url: string; text: string; sha256?: undefined };

/** What `Controller.makeOffer` signs: an {@link Offer}, with `recipients`, `limits` and the nullable fields optional. Purposes and categories are DPV CURIEs or IRIs (e.g. `"dpv:ServiceProvision"`, `"pd:Location"`). */
export type OfferInput = Input<Omit<Offer, "recipients" | "limits" | "notice" | "valueOffered">> & {
    recipients?: Array<Omit<Recipient, "purposes" | "categories"> & Partial<Pick<Recipient, "purposes" | "categories">>>;
    limits?: Input<Limits>;
    notice: NoticeInput;
    valueOffered: Array<Input<Benefit>>;
};

/** What `Controller.issueReceipt` signs: one data use under a grant (a {@link DataReceipt} naming its terms). `commitment` comes from `commit()`. */
export type ReceiptInput = Input<Omit<DataReceipt, "category" | "purpose" | "recipient">> & {
    category: Term;
    purpose: Term;
    recipient?: string | null;
};

/** What `Controller.issueValueRecord` signs: value the person actually received. */
export type ValueRecordInput = Omit<ValueRecord, "benefit"> & { benefit: Input<Benefit> };

/** The CMP and vendors a grant is signalled under (`tcStringForGrant`): a {@link TcfExport} with defaults (`cmpVersion` 1, `consentScreen` 0, `consentLanguage` "EN", `policyVersion` 5, `publisherCc` "AA") and `gdprApplies` (default true). */
export type TcfExportInput = Pick<TcfExport, "cmpId" | "vendorListVersion" | "vendors"> &
Partial<Omit<TcfExport, "cmpId" | "vendorListVersion" | "vendors">> & { gdprApplies?: boolean };

// Former names, kept for one release.
/** @deprecated The generated {@link Offer}. */
export type OfferBody = Offer;
/** @deprecated The generated {@link Grant}. */
export type GrantBody = Grant;
/** @deprecated The generated {@link Refusal}. */
export type RefusalBody = Refusal;
/** @deprecated The generated {@link Withdrawal}. */
export type WithdrawalBody = Withdrawal;
/** @deprecated The generated {@link DataReceipt}. */
export type DataReceiptBody = DataReceipt;
/** @deprecated The generated {@link ValueRecord}. */
export type ValueRecordBody = ValueRecord;
/** @deprecated A receipt's term named by its index in the grant: part of {@link TermRef}. */
export type GrantIndex = Exclude<TermRef, string>;



/**
 * The result of an audit: the report (docs/AUDIT-REPORT.md) and its renderings.
 */
export class AuditReport {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * One self-contained HTML page (no scripts, no external resources).
     */
    renderHtml(): string;
    /**
     * A text summary, as the CLI prints it.
     */
    renderText(): string;
    /**
     * The report document exactly as docs/AUDIT-REPORT.md and its JSON
     * schema define it (snake_case keys, as the CLI writes it), so that
     * `JSON.stringify(auditReport)` gives the JSON report.
     */
    toJSON(): AuditReportDocument;
    /**
     * The number of findings.
     */
    readonly findingCount: number;
    /**
     * Whether artifacts were read and nothing was found (false for an empty bundle).
     */
    readonly isClean: boolean;
    /**
     * The verdict: `"clean"`, `"findings"`, or `"empty"` (the bundle
     * holds no artifact: nothing was audited, which is not clean).
     */
    readonly outcome: AuditOutcome;
    /**
     * The report as a plain object: the report of docs/AUDIT-REPORT.md
     * with camelCase field names, as every object of this package.
     */
    readonly report: AuditReportJson;
}

/**
 * A controller or partner that issues artifacts with its key: offers,
 * countersignatures, data receipts, value records, revocations.
 */
export class Controller {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Second step: hands over the signature of `pending.message` (ES256:
     * `r || s` as WebCrypto returns it, or DER). The core checks it with
     * this controller's key and returns the signed artifact's bytes.
     */
    complete(pending: PendingSignature, signature: BytesLike): Uint8Array;
    /**
     * Countersigns a grant the caller knows does not fit its offer (a
     * simulation making violations for an auditor), saying why.
     */
    countersignKnownViolation(artifact: BytesLike, reason: string): Uint8Array;
    /**
     * Countersigns a grant or refusal that carries the person's signature
     * (checked first: a controller never countersigns a forgery). `offer`
     * is the signed offer it answers: a grant accepting a purpose,
     * category or recipient the offer does not ask for is refused
     * (`USAGE`, naming it).
     */
    countersign(artifact: BytesLike, offer: BytesLike): Uint8Array;
    /**
     * An issuer signing with a synchronous external signer
     * (`ExternalKey.fromCallback`).
     */
    static fromExternal(key: ExternalKey): Controller;
    /**
     * Imports a TC string as an imported grant under `offer` (artifact
     * bytes) for the person with pseudonym `subject` (16 bytes), signed by
     * this issuer only. `categories` absent or empty = the offer's.
     * Returns the grant's bytes.
     */
    importTcString(tcString: string, offer: BytesLike, subject: BytesLike, categories?: string[] | null): Uint8Array;
    /**
     * Signs a data receipt the caller knows its grant does not cover,
     * saying why; not checked against any grant.
     */
    issueReceiptKnownViolation(receipt: ReceiptInput, reason: string): Uint8Array;
    /**
     * Signs a data receipt (a controller's or a partner's) for a use under
     * `grant` (the signed grant it cites). A use the grant does not cover
     * (purpose, category, recipient, time) is refused (`USAGE`, naming it).
     */
    issueReceipt(receipt: ReceiptInput, grant: BytesLike): Uint8Array;
    /**
     * Signs a value record: what the person actually received.
     */
    issueValueRecord(record: ValueRecordInput): Uint8Array;
    /**
     * Signs an offer as its controller.
     */
    makeOffer(offer: OfferInput): Uint8Array;
    /**
     * An issuer signing with a key held in this module.
     */
    constructor(key: KeyPair);
    /**
     * First step of `countersignKnownViolation`.
     */
    prepareCountersignKnownViolation(decision: BytesLike, reason: string): PendingSignature;
    /**
     * First step of `countersign`: the decision is checked (the person's
     * signature, and a grant against `offer`) before anything is prepared.
     */
    prepareCountersign(decision: BytesLike, offer: BytesLike): PendingSignature;
    /**
     * First step of `makeOffer` for a key that signs elsewhere: the offer,
     * checked, waiting for the controller's signature.
     */
    prepareOffer(offer: OfferInput): PendingSignature;
    /**
     * First step of `issueReceiptKnownViolation`.
     */
    prepareReceiptKnownViolation(receipt: ReceiptInput, reason: string): PendingSignature;
    /**
     * First step of `issueReceipt`: the receipt is checked against `grant` first.
     */
    prepareReceipt(receipt: ReceiptInput, grant: BytesLike): PendingSignature;
    /**
     * First step of `revoke`.
     */
    prepareRevoke(grantId: string, at: number, reason: string): PendingSignature;
    /**
     * First step of `issueValueRecord`.
     */
    prepareValueRecord(record: ValueRecordInput): PendingSignature;
    /**
     * The issuer's public key.
     */
    publicKey(): PublicKey;
    /**
     * Revokes a grant (by its id) at `at`, with a reason.
     */
    revoke(grantId: string, at: number, reason: string): Uint8Array;
    /**
     * Signs a prepared artifact with this controller's key, awaiting its
     * async signer (`withAsyncSigner`; a key held here signs at once), and
     * resolves to the signed artifact's bytes: `prepareOffer`, then
     * `signAsync`. The signature is checked as `complete` checks it;
     * every failure rejects with a `ConsentKitError`.
     */
    signAsync(pending: PendingSignature): Promise<Uint8Array>;
    /**
     * A controller whose key signs asynchronously (a non-extractable
     * WebCrypto key, a KMS): `{ publicKey(), sign(message) → Promise }`.
     * Sign with `prepare…` then `signAsync` (or `complete` with a
     * signature made by hand); the one-step calls (`makeOffer`, …) throw
     * `SIGNER` saying so. `publicKey()` is read once, here.
     */
    static withAsyncSigner(signer: AsyncExternalSigner): Controller;
    /**
     * A controller whose key signs elsewhere, synchronously: an
     * `ExternalSigner` (`{ publicKey(), sign(message) }`), as
     * `withAsyncSigner` takes an `AsyncExternalSigner` (the uniffi skin's
     * `Controller.withSigner`). Every signature is checked before use.
     */
    static withSigner(signer: ExternalSigner): Controller;
    /**
     * Whether this controller's key signs asynchronously (`withAsyncSigner`).
     */
    readonly isAsync: boolean;
}

/**
 * A key held outside wasm memory: a synchronous JavaScript signer, or a
 * deferred key (such as a non-extractable WebCrypto key) that signs in two
 * steps. Hand it to `Wallet.inMemoryExternal`, `Wallet.fromBytes` or `Controller.fromExternal`.
 */
export class ExternalKey {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * A key that signs asynchronously, known here by its public key only
     * (e.g. a non-extractable WebCrypto ECDSA P-256 key:
     * `PublicKey.fromRaw("ES256", await crypto.subtle.exportKey("raw", pair.publicKey))`).
     */
    static deferred(publicKey: PublicKey): ExternalKey;
    /**
     * A synchronous JavaScript signer: `{ publicKey(), sign(message) }`,
     * `publicKey()` returning `{ algorithm, bytes }` (a `RawPublicKey`, as
     * for an `AsyncExternalSigner`). `publicKey()` is read once, here; `sign` is called for every
     * signature, and each signature is checked before it is used.
     */
    static fromCallback(signer: ExternalSigner): ExternalKey;
    /**
     * The public key.
     */
    publicKey(): PublicKey;
    /**
     * `"EdDSA"` or `"ES256"`.
     */
    readonly algorithm: Algorithm;
    /**
     * Whether this key signs in two steps (prepare, then complete).
     */
    readonly isDeferred: boolean;
    /**
     * The key id (64 hex digits).
     */
    readonly kid: string;
}

/**
 * A private key held in this module's memory (Ed25519 or ES256).
 * For a key that must never enter wasm memory, use an `ExternalKey`.
 */
export class KeyPair {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Reads a private COSE_Key (with parameter `d`).
     */
    static fromCoseKey(bytes: BytesLike): KeyPair;
    /**
     * Generates a fresh key: `"EdDSA"` (Ed25519; also when omitted) or `"ES256"` (P-256).
     */
    static generate(alg: Algorithm): KeyPair;
    /**
     * The public half.
     */
    publicKey(): PublicKey;
    /**
     * The key as a private COSE_Key. Treat the result as a secret.
     */
    toCoseKey(): Uint8Array;
    /**
     * `"EdDSA"` or `"ES256"`.
     */
    readonly algorithm: Algorithm;
    /**
     * The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
     */
    readonly kid: string;
}

/**
 * An artifact waiting for the signature of a key held elsewhere: sign
 * `message` (e.g. `crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message)`)
 * and pass the signature to `complete(pending, signature)` on the `Wallet`
 * or `Controller` that prepared it (or let `signAsync` do both).
 */
export class PendingSignature {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The algorithm the signature must use.
     */
    readonly algorithm: Algorithm;
    /**
     * The key id of the key that must sign.
     */
    readonly kid: string;
    /**
     * The kind of artifact being signed (`"offer"`, `"grant"`, …).
     */
    readonly kind: ArtifactKind;
    /**
     * The exact bytes to sign: the COSE `Sig_structure` the library built.
     */
    readonly message: Uint8Array;
    /**
     * The key that must sign: the person's key at this controller.
     */
    readonly publicKey: PublicKey;
}

/**
 * A public key (Ed25519 or P-256).
 */
export class PublicKey {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Whether both are the same key.
     */
    equals(other: PublicKey): boolean;
    /**
     * Reads a public COSE_Key (a private part, if present, is ignored).
     */
    static fromCoseKey(bytes: BytesLike): PublicKey;
    /**
     * A key from raw bytes: Ed25519, 32 bytes; ES256, the 65-byte
     * uncompressed point (`04 || x || y`, WebCrypto `exportKey("raw")`).
     */
    static fromRaw(alg: Algorithm, raw: BytesLike): PublicKey;
    /**
     * The key as a COSE_Key.
     */
    toCoseKey(): Uint8Array;
    /**
     * `"EdDSA"` or `"ES256"`.
     */
    readonly algorithm: Algorithm;
    /**
     * The raw key bytes (Ed25519: 32 bytes; ES256: the 65-byte
     * uncompressed point). With `algorithm`, a `PublicKey` is a
     * `RawPublicKey`: what a signer's `publicKey()` returns.
     */
    readonly bytes: Uint8Array;
    /**
     * The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
     */
    readonly kid: string;
    /**
     * The raw key bytes.
     *
     * @deprecated Use `bytes` (the field of every public key, `RawPublicKey`).
     */
    readonly raw: Uint8Array;
}

/**
 * The controller's status list: random indices for new grants, decoys,
 * and a signed Status List Token per epoch.
 */
export class StatusRegistry {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Adds `count` decoys: random free indices of no grant, set invalid.
     */
    addDecoys(count: number): void;
    /**
     * A random free index for a new grant: pass it as the choice's `status`.
     */
    assign(): StatusReference;
    /**
     * A list at `uri` with `capacity` entries of `bits` (1, 2, 4 or 8) bits, all valid.
     */
    constructor(uri: string, bits: number, capacity: number);
    /**
     * Sets a grant's status: `"valid"`, `"invalid"` or `"suspended"`.
     */
    setStatus(idx: number, status: GrantStatus): void;
    /**
     * The Status List Token for this epoch, signed by the controller `issuer`.
     */
    signToken(issuer: Controller, issuedAt: number, ttl: number, expiresAt?: number | null): Uint8Array;
}

/**
 * The keys an auditor or a wallet accepts, each with its role and party.
 * On the wire: a COSE_KeySet (the `trust.cbor` the CLI's demo writes).
 */
export class TrustSet {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Adds (or replaces) a key with its role and party.
     */
    add(key: PublicKey, role: Role, party: string): void;
    /**
     * Reads a COSE_KeySet whose keys carry `"role"` and `"party"`.
     */
    static fromCoseKeySet(bytes: BytesLike): TrustSet;
    /**
     * The keys, in the order added.
     */
    keys(): TrustedKey[];
    /**
     * An empty trust set.
     */
    constructor();
    /**
     * The set as a COSE_KeySet.
     */
    toCoseKeySet(): Uint8Array;
    /**
     * The number of keys.
     */
    readonly size: number;
}

/**
 * The person's wallet: their key (or an external one), their wallet
 * secret for pairwise pseudonyms, and every artifact of their deals.
 */
export class Wallet {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Accepts an offer (by its digest, 64 hex digits), whole (`choice`
     * omitted) or granular, at `at`. Returns the grant signed by the
     * person, for the controller to countersign.
     */
    accept(offerDigest: string, choice: Choice | null | undefined, at: number): Uint8Array;
    /**
     * Records a transparency-log checkpoint note the wallet has seen.
     */
    addCheckpoint(note: string): void;
    /**
     * Keeps a consistency proof (its CBOR encoding) between two checkpoints.
     */
    addConsistencyProof(proof: BytesLike): void;
    /**
     * Keeps an inclusion proof (its CBOR encoding, as the log serves it)
     * of one of the wallet's artifacts (by id).
     */
    addInclusionProof(artifactId: string, proof: BytesLike): void;
    /**
     * Every artifact in the wallet, as JSON views, in the order received.
     */
    artifacts(): ArtifactJson[];
    /**
     * Records the public key of the person's external key at `controller`
     * (one key per controller; a key already bound elsewhere is refused).
     */
    bindKey(controller: string, key: PublicKey): void;
    /**
     * Checks the wallet's checkpoints and inclusion proofs against a
     * witness policy (C2SP tlog-policy text), for each log it names:
     * checkpoints count only with the policy's quorum of cosignatures; an
     * artifact is proven only in a witnessed checkpoint; one dated more
     * than `tolerance` seconds before the earliest cosignature of a
     * witnessed checkpoint that does not contain it is backdated.
     */
    checkLogsWitnessed(policy: string, tolerance: number): WitnessedLogCheck[];
    /**
     * Checks every transparency log the wallet trusts (role `log`): the
     * checkpoints' signatures, consistency between them (a rewritten log is
     * caught), and inclusion proofs of the person's own artifacts.
     */
    checkLogs(): LogCheck[];
    /**
     * The checkpoint notes recorded.
     */
    checkpoints(): string[];
    /**
     * Second step: hands over the signature of `pending.message` (ES256:
     * raw `r || s` as WebCrypto returns it, or DER). The core checks it
     * with the wallet's public key, then keeps and returns the artifact.
     */
    complete(pending: PendingSignature, signature: BytesLike): Uint8Array;
    /**
     * Exports the whole wallet as one encrypted backup (ChaCha20-Poly1305)
     * under a 32-byte key supplied by the host.
     */
    exportBackup(key: BytesLike): Uint8Array;
    /**
     * The wallet's artifacts as one bundle (a CBOR sequence), e.g. for an auditor.
     */
    exportBundle(): Uint8Array;
    /**
     * A C2SP `tlog-proof@v1` (text) for one of the wallet's artifacts (by
     * id): its inclusion proof under a checkpoint of a trusted log.
     */
    exportTlogProof(artifactId: string): string;
    /**
     * A wallet from bytes returned by `toBytes`. Damaged records are
     * skipped and listed by `problems()`. A wallet whose keys are held
     * outside it signs with `prepare…` and `complete`.
     */
    static fromBytes(bytes: BytesLike): Wallet;
    /**
     * Grants one more purpose of an offer (by its digest) at `at`, without
     * UI: a grant of that purpose alone, or one that supersedes the grant
     * in force with the purpose added. Returns the grant signed by the
     * person, for the controller to countersign.
     */
    grantPurpose(offerDigest: string, purpose: string, at: number): Uint8Array;
    /**
     * A grant's state at `now` (`"given"`, `"withdrawn"`, ...), or `undefined`.
     */
    grantState(grantId: string, now: number): ConsentState | undefined;
    /**
     * The grants and their states at `now`.
     */
    grants(now: number): GrantView[];
    /**
     * Restores a wallet from an encrypted backup.
     */
    static importBackup(backup: BytesLike, backupKey: BytesLike): Wallet;
    /**
     * A new wallet whose keys are held outside it (e.g. non-extractable
     * WebCrypto keys), one per controller: give each controller's public
     * key with `bindKey`, sign with `prepare…` and `complete`. The bytes hold only public keys.
     */
    static inMemoryExternal(): Wallet;
    /**
     * A new wallet with a fresh secret and in-process keys, one per
     * controller: `"EdDSA"` (default; derived from the wallet secret) or
     * `"ES256"` (generated and stored). The wallet's bytes hold secrets.
     */
    static inMemory(algorithm: Algorithm | null | undefined): Wallet;
    /**
     * Whether the app should ask the person about an offer (by its digest,
     * 64 hex digits) at `now`: `false` while a grant of it (or of a
     * re-issue with the same terms) is in force, or if the person's latest
     * decision on it is a refusal or a withdrawal; `true` if they never
     * decided on these terms, or their grant expired, was revoked or was
     * superseded by a grant of an offer with other terms.
     */
    needsDecision(offerDigest: string, now: number): boolean;
    /**
     * The offers in the wallet, as JSON views (`digest` names an offer in `accept`).
     */
    offers(): ArtifactJson[];
    /**
     * First step of `accept` for a key that signs elsewhere: returns what
     * to sign, and (`pending.publicKey`) the person's key at the offer's
     * controller that must sign it. Bind that key first with `bindKey`
     * (one key per controller); without one this throws `SIGNER`.
     */
    prepareAccept(offerDigest: string, choice: Choice | null | undefined, at: number): PendingSignature;
    /**
     * First step of `refuse` for a key that signs elsewhere: returns what
     * to sign (the controller's key must be bound, as for `prepareAccept`).
     */
    prepareRefuse(offerDigest: string, at: number): PendingSignature;
    /**
     * First step of `withdraw` for a key that signs elsewhere: returns what to sign.
     */
    prepareWithdraw(grantId: string, at: number): PendingSignature;
    /**
     * What could not be read (damaged records, skipped): `{ offset, record, message }[]`.
     */
    problems(): WalletProblem[];
    /**
     * The person's pairwise pseudonym at a controller (32 hex digits).
     */
    pseudonym(controller: string): string;
    /**
     * The person's public key at `controller`, or `undefined` if the wallet has none there yet.
     */
    publicKeyFor(controller: string): PublicKey | undefined;
    /**
     * Takes in an artifact (offer, countersigned grant, revocation, receipt,
     * value record), verifies it against the trusted keys, keeps it, and
     * returns the violations it shows at `now` (seconds since 1970).
     */
    receive(bytes: BytesLike, now: number): Finding[];
    /**
     * Refuses an offer; returns the refusal for the controller to countersign.
     */
    refuse(offerDigest: string, at: number): Uint8Array;
    /**
     * Signs a prepared grant, refusal or withdrawal (`prepareAccept`, …)
     * with `signer` (`{ publicKey(), sign(message) → Promise }`, the
     * person's key that `pending.publicKey` names; another key is refused
     * before it is asked), awaiting its signature, then completes it as
     * `complete` does and resolves to the artifact's bytes. The wallet
     * stays usable while the signer waits; every failure rejects with a
     * `ConsentKitError`.
     */
    signAsync(pending: PendingSignature, signer: AsyncExternalSigner): Promise<Uint8Array>;
    /**
     * Subscribes `listener` to the wallet's changes. It is called (in a
     * microtask, after this call returns) with the state at `now`
     * (`replay: true`, every grant in `changed`), then once per call that
     * keeps artifacts (`receive`, `accept`, `refuse`, `withdraw`,
     * `complete`, `grantPurpose`, `withdrawPurpose`), after that call.
     * Returns the id for `unsubscribe`.
     */
    subscribe(listener: (event: WalletEvent) => void, now: number): number;
    /**
     * What the person shared (with whom, for what, under which grant), what
     * they received, refusals, and violations, at `now`.
     */
    summary(now: number): WalletSummary;
    /**
     * The wallet as bytes, for the host to store (e.g. in IndexedDB).
     */
    toBytes(): Uint8Array;
    /**
     * Trusts every key of a trust set, with its role and party.
     */
    trustAll(trust: TrustSet): void;
    /**
     * Trusts a controller's or partner's key (the app pins them).
     */
    trustKey(key: PublicKey, role: Role, party: string): void;
    /**
     * The wallet's trust set.
     */
    trustSet(): TrustSet;
    /**
     * The keys this wallet trusts.
     */
    trustedKeys(): TrustedKey[];
    /**
     * Ends a subscription; `false` if there was none with that id.
     */
    unsubscribe(id: number): boolean;
    /**
     * Checks an RFC 9942 COSE Receipt the log issued for one of the
     * wallet's artifacts (by id) against the log keys the wallet trusts.
     * Returns `{ treeSize, leafIndex, root }` (root in hex).
     */
    verifyCoseReceipt(artifactId: string, receipt: BytesLike): ReceiptCheck;
    /**
     * Checks a C2SP `tlog-proof@v1` of one of the wallet's artifacts (by
     * id) against the log keys the wallet trusts. Returns
     * `{ treeSize, leafIndex, root }` (root in hex).
     */
    verifyTlogProof(artifactId: string, proof: string): ReceiptCheck;
    /**
     * The wallet format version (1: one key for every controller, from
     * before wallets had a key per controller; 2: a key per controller).
     */
    version(): number;
    /**
     * Every violation in the wallet's records at `now`.
     */
    violations(now: number): Finding[];
    /**
     * Withdraws one purpose of the grant of an offer (by its digest) in
     * force at `at`, without UI. Returns, in order, the person's withdrawal
     * of that grant and (unless it was its last purpose) a new grant of its
     * other purposes, for the controller to countersign.
     */
    withdrawPurpose(offerDigest: string, purpose: string, at: number): Uint8Array[];
    /**
     * Withdraws a grant (by its id, 32 hex digits): one call. Returns the
     * signed withdrawal, to send to the controller.
     */
    withdraw(grantId: string, at: number): Uint8Array;
    /**
     * Whether this wallet's key signs only in two steps (`prepare…`, then `complete`).
     */
    readonly isDeferred: boolean;
}

/**
 * Audits a bundle (a CBOR sequence, any order) against a trust set at
 * time `at` (seconds since 1970; default: now): every signature, each
 * grant's lifecycle, every data use against its grant.
 */
export function audit(bundle: BytesLike, trust: TrustSet, at?: number | null): AuditReport;

/**
 * Audits a bundle together with the controllers' Status List Tokens: a
 * list still valid for a grant ended more than its `ttl` before it was
 * issued is a `stale_status` finding.
 */
export function auditWithStatusLists(bundle: BytesLike, statusLists: BytesLike[], trust: TrustSet, at?: number | null): AuditReport;

/**
 * Checks a grant against a (cached) Status List Token at time `at`
 * (default: now). Returns `{ status, max_age, list_issued_at, index, uri }`;
 * anything that prevents a statement throws.
 */
export function checkGrantStatus(grant: BytesLike, token: BytesLike, trust: TrustSet, at?: number | null): StatusAnswer;

/**
 * Commits to data with a fresh random salt: put `commitment` in a data
 * receipt, keep `salt` (and the data) to open it later.
 */
export function commit(data: BytesLike): Commitment;

/**
 * Decodes one artifact strictly (size limit, deterministic CBOR, header
 * profile, payload schema) and returns its JSON view. Signatures are not
 * checked: see `verify`.
 */
export function decodeArtifact(bytes: BytesLike): ArtifactJson;

/**
 * Decodes a GPP string; its TCF EU v2 section is decoded strictly.
 */
export function decodeGpp(gppString: string): GppString;

/**
 * Decodes a TC string strictly (TCF v2.3: the Disclosed Vendors segment is required).
 */
export function decodeTcString(tcString: string): TcString;

/**
 * Exports the grants (and, for `"iso27560"`, refusals) of a bundle as
 * Kantara Consent Receipts v1.1 (`format` `"kantara"`) or ISO/IEC TS 27560
 * consent records in DPV JSON-LD (`"iso27560"`), each with its status at
 * `at` (seconds since 1970). `grantIds` (32 hex digits each) selects
 * decisions; empty means all given at or before `at`. `controllersJson`
 * gives each controller's and recipient's name, contact, address, policy
 * URL and storage locations (docs/EXPORTS.md). Signatures are not
 * verified: verify or audit the bundle first.
 */
export function exportConsents(bundle: BytesLike, format: string, grantIds: string[], at: number, controllersJson: string): ConsentExport;

/**
 * Decodes an artifact or a bundle (CBOR sequence) into JSON views, one per
 * item; an item that does not decode gives `{ offset, error }`.
 */
export function inspect(bytes: BytesLike): InspectItem[];

/**
 * Whether `value` is an error thrown by this package (`name` is
 * `"ConsentKitError"`, with a `code`).
 */
export function isConsentKitError(value: unknown): value is ConsentKitError;

/**
 * The TC string a grant (artifact bytes) amounts to for a CMP and
 * vendors, in its three forms.
 */
export function tcStringForGrant(grant: BytesLike, _export: TcfExportInput): TcfForms;

/**
 * A TC string in its three forms: re-encoded, as a GPP string, and as
 * the IABTCF_* in-app values.
 */
export function tcfForms(tcString: string, gdprApplies: boolean): TcfForms;

/**
 * Verifies one artifact against a trust set: every signature, and who may
 * sign it. Returns who signed; throws `VERIFICATION_FAILED`,
 * `UNTRUSTED_KEY` or `INVALID_INPUT`.
 */
export function verify(artifact: BytesLike, trust: TrustSet): VerifiedSigner[];

/**
 * Verifies every item of a bundle; never throws for a bad item (its
 * `error` says what is wrong).
 */
export function verifyBundle(bundle: BytesLike, trust: TrustSet): BundleItem[];

/**
 * Whether `commitment` (64 hex digits) opens to `data` with `salt` (32 hex digits).
 */
export function verifyCommitment(commitment: string, salt: string, data: BytesLike): boolean;

/**
 * The package version.
 */
export function version(): string;
