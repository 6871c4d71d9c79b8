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
