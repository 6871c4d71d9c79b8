/* @ts-self-types="./consentkit.d.ts" */

/**
 * The result of an audit: the report (docs/AUDIT-REPORT.md) and its renderings.
 */
class AuditReport {
    static __wrap(ptr) {
        const obj = Object.create(AuditReport.prototype);
        obj.__wbg_ptr = ptr;
        AuditReportFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        AuditReportFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_auditreport_free(ptr, 0);
    }
    /**
     * The number of findings.
     * @returns {number}
     */
    get findingCount() {
        const ret = wasm.auditreport_findingCount(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Whether artifacts were read and nothing was found (false for an empty bundle).
     * @returns {boolean}
     */
    get isClean() {
        const ret = wasm.auditreport_isClean(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * The verdict: `"clean"`, `"findings"`, or `"empty"` (the bundle
     * holds no artifact: nothing was audited, which is not clean).
     * @returns {AuditOutcome}
     */
    get outcome() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.auditreport_outcome(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * One self-contained HTML page (no scripts, no external resources).
     * @returns {string}
     */
    renderHtml() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.auditreport_renderHtml(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * A text summary, as the CLI prints it.
     * @returns {string}
     */
    renderText() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.auditreport_renderText(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The report as a plain object: the report of docs/AUDIT-REPORT.md
     * with camelCase field names, as every object of this package.
     * @returns {AuditReportJson}
     */
    get report() {
        const ret = wasm.auditreport_report(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The report document exactly as docs/AUDIT-REPORT.md and its JSON
     * schema define it (snake_case keys, as the CLI writes it), so that
     * `JSON.stringify(auditReport)` gives the JSON report.
     * @returns {AuditReportDocument}
     */
    toJSON() {
        const ret = wasm.auditreport_toJSON(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
}
if (Symbol.dispose) AuditReport.prototype[Symbol.dispose] = AuditReport.prototype.free;
exports.AuditReport = AuditReport;

/**
 * A controller or partner that issues artifacts with its key: offers,
 * countersignatures, data receipts, value records, revocations.
 */
class Controller {
    static __wrap(ptr) {
        const obj = Object.create(Controller.prototype);
        obj.__wbg_ptr = ptr;
        ControllerFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ControllerFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_controller_free(ptr, 0);
    }
    /**
     * Second step: hands over the signature of `pending.message` (ES256:
     * `r || s` as WebCrypto returns it, or DER). The core checks it with
     * this controller's key and returns the signed artifact's bytes.
     * @param {PendingSignature} pending
     * @param {BytesLike} signature
     * @returns {Uint8Array}
     */
    complete(pending, signature) {
        _assertClass(pending, PendingSignature);
        const ret = wasm.controller_complete(this.__wbg_ptr, pending.__wbg_ptr, signature);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Countersigns a grant the caller knows does not fit its offer (a
     * simulation making violations for an auditor), saying why.
     * @param {BytesLike} artifact
     * @param {string} reason
     * @returns {Uint8Array}
     */
    countersignKnownViolation(artifact, reason) {
        const ptr0 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.controller_countersignKnownViolation(this.__wbg_ptr, artifact, ptr0, len0);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v2 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v2;
    }
    /**
     * Countersigns a grant or refusal that carries the person's signature
     * (checked first: a controller never countersigns a forgery). `offer`
     * is the signed offer it answers: a grant accepting a purpose,
     * category or recipient the offer does not ask for is refused
     * (`USAGE`, naming it).
     * @param {BytesLike} artifact
     * @param {BytesLike} offer
     * @returns {Uint8Array}
     */
    countersign(artifact, offer) {
        const ret = wasm.controller_countersign(this.__wbg_ptr, artifact, offer);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * An issuer signing with a synchronous external signer
     * (`ExternalKey.fromCallback`).
     * @param {ExternalKey} key
     * @returns {Controller}
     */
    static fromExternal(key) {
        _assertClass(key, ExternalKey);
        const ret = wasm.controller_fromExternal(key.__wbg_ptr);
        return Controller.__wrap(ret);
    }
    /**
     * Imports a TC string as an imported grant under `offer` (artifact
     * bytes) for the person with pseudonym `subject` (16 bytes), signed by
     * this issuer only. `categories` absent or empty = the offer's.
     * Returns the grant's bytes.
     * @param {string} tcString
     * @param {BytesLike} offer
     * @param {BytesLike} subject
     * @param {string[] | null} [categories]
     * @returns {Uint8Array}
     */
    importTcString(tcString, offer, subject, categories) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(tcString, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = isLikeNone(categories) ? 0 : passArrayJsValueToWasm0(categories, wasm.__wbindgen_malloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__externref_drop_slice(ptr1, len1); wasm.__wbindgen_free(ptr1, len1 * 4, 4); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.controller_importTcString(this.__wbg_ptr, ptr0, len0, offer, subject, ptr1, len1);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v3;
    }
    /**
     * Whether this controller's key signs asynchronously (`withAsyncSigner`).
     * @returns {boolean}
     */
    get isAsync() {
        const ret = wasm.controller_isAsync(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * Signs a data receipt the caller knows its grant does not cover,
     * saying why; not checked against any grant.
     * @param {ReceiptInput} receipt
     * @param {string} reason
     * @returns {Uint8Array}
     */
    issueReceiptKnownViolation(receipt, reason) {
        const ptr0 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.controller_issueReceiptKnownViolation(this.__wbg_ptr, receipt, ptr0, len0);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v2 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v2;
    }
    /**
     * Signs a data receipt (a controller's or a partner's) for a use under
     * `grant` (the signed grant it cites). A use the grant does not cover
     * (purpose, category, recipient, time) is refused (`USAGE`, naming it).
     * @param {ReceiptInput} receipt
     * @param {BytesLike} grant
     * @returns {Uint8Array}
     */
    issueReceipt(receipt, grant) {
        const ret = wasm.controller_issueReceipt(this.__wbg_ptr, receipt, grant);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Signs a value record: what the person actually received.
     * @param {ValueRecordInput} record
     * @returns {Uint8Array}
     */
    issueValueRecord(record) {
        const ret = wasm.controller_issueValueRecord(this.__wbg_ptr, record);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Signs an offer as its controller.
     * @param {OfferInput} offer
     * @returns {Uint8Array}
     */
    makeOffer(offer) {
        const ret = wasm.controller_makeOffer(this.__wbg_ptr, offer);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * An issuer signing with a key held in this module.
     * @param {KeyPair} key
     */
    constructor(key) {
        _assertClass(key, KeyPair);
        const ret = wasm.controller_new(key.__wbg_ptr);
        this.__wbg_ptr = ret;
        ControllerFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * First step of `countersignKnownViolation`.
     * @param {BytesLike} decision
     * @param {string} reason
     * @returns {PendingSignature}
     */
    prepareCountersignKnownViolation(decision, reason) {
        const ptr0 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.controller_prepareCountersignKnownViolation(this.__wbg_ptr, decision, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `countersign`: the decision is checked (the person's
     * signature, and a grant against `offer`) before anything is prepared.
     * @param {BytesLike} decision
     * @param {BytesLike} offer
     * @returns {PendingSignature}
     */
    prepareCountersign(decision, offer) {
        const ret = wasm.controller_prepareCountersign(this.__wbg_ptr, decision, offer);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `makeOffer` for a key that signs elsewhere: the offer,
     * checked, waiting for the controller's signature.
     * @param {OfferInput} offer
     * @returns {PendingSignature}
     */
    prepareOffer(offer) {
        const ret = wasm.controller_prepareOffer(this.__wbg_ptr, offer);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `issueReceiptKnownViolation`.
     * @param {ReceiptInput} receipt
     * @param {string} reason
     * @returns {PendingSignature}
     */
    prepareReceiptKnownViolation(receipt, reason) {
        const ptr0 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.controller_prepareReceiptKnownViolation(this.__wbg_ptr, receipt, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `issueReceipt`: the receipt is checked against `grant` first.
     * @param {ReceiptInput} receipt
     * @param {BytesLike} grant
     * @returns {PendingSignature}
     */
    prepareReceipt(receipt, grant) {
        const ret = wasm.controller_prepareReceipt(this.__wbg_ptr, receipt, grant);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `revoke`.
     * @param {string} grantId
     * @param {number} at
     * @param {string} reason
     * @returns {PendingSignature}
     */
    prepareRevoke(grantId, at, reason) {
        const val3 = +at;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(grantId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.controller_prepareRevoke(this.__wbg_ptr, ptr0, len0, val3, ptr1, len1);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `issueValueRecord`.
     * @param {ValueRecordInput} record
     * @returns {PendingSignature}
     */
    prepareValueRecord(record) {
        const ret = wasm.controller_prepareValueRecord(this.__wbg_ptr, record);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * The issuer's public key.
     * @returns {PublicKey}
     */
    publicKey() {
        const ret = wasm.controller_publicKey(this.__wbg_ptr);
        return PublicKey.__wrap(ret);
    }
    /**
     * Revokes a grant (by its id) at `at`, with a reason.
     * @param {string} grantId
     * @param {number} at
     * @param {string} reason
     * @returns {Uint8Array}
     */
    revoke(grantId, at, reason) {
        const val3 = +at;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(grantId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(reason, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.controller_revoke(this.__wbg_ptr, ptr0, len0, val3, ptr1, len1);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v4 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v4;
    }
    /**
     * Signs a prepared artifact with this controller's key, awaiting its
     * async signer (`withAsyncSigner`; a key held here signs at once), and
     * resolves to the signed artifact's bytes: `prepareOffer`, then
     * `signAsync`. The signature is checked as `complete` checks it;
     * every failure rejects with a `ConsentKitError`.
     * @param {PendingSignature} pending
     * @returns {Promise<Uint8Array>}
     */
    signAsync(pending) {
        _assertClass(pending, PendingSignature);
        const ret = wasm.controller_signAsync(this.__wbg_ptr, pending.__wbg_ptr);
        return ret;
    }
    /**
     * A controller whose key signs asynchronously (a non-extractable
     * WebCrypto key, a KMS): `{ publicKey(), sign(message) → Promise }`.
     * Sign with `prepare…` then `signAsync` (or `complete` with a
     * signature made by hand); the one-step calls (`makeOffer`, …) throw
     * `SIGNER` saying so. `publicKey()` is read once, here.
     * @param {AsyncExternalSigner} signer
     * @returns {Controller}
     */
    static withAsyncSigner(signer) {
        const ret = wasm.controller_withAsyncSigner(signer);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Controller.__wrap(ret[0]);
    }
    /**
     * A controller whose key signs elsewhere, synchronously: an
     * `ExternalSigner` (`{ publicKey(), sign(message) }`), as
     * `withAsyncSigner` takes an `AsyncExternalSigner` (the uniffi skin's
     * `Controller.withSigner`). Every signature is checked before use.
     * @param {ExternalSigner} signer
     * @returns {Controller}
     */
    static withSigner(signer) {
        const ret = wasm.controller_withSigner(signer);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Controller.__wrap(ret[0]);
    }
}
if (Symbol.dispose) Controller.prototype[Symbol.dispose] = Controller.prototype.free;
exports.Controller = Controller;

/**
 * A key held outside wasm memory: a synchronous JavaScript signer, or a
 * deferred key (such as a non-extractable WebCrypto key) that signs in two
 * steps. Hand it to `Wallet.inMemoryExternal`, `Wallet.fromBytes` or `Controller.fromExternal`.
 */
class ExternalKey {
    static __wrap(ptr) {
        const obj = Object.create(ExternalKey.prototype);
        obj.__wbg_ptr = ptr;
        ExternalKeyFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ExternalKeyFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_externalkey_free(ptr, 0);
    }
    /**
     * `"EdDSA"` or `"ES256"`.
     * @returns {Algorithm}
     */
    get algorithm() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.externalkey_algorithm(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * A key that signs asynchronously, known here by its public key only
     * (e.g. a non-extractable WebCrypto ECDSA P-256 key:
     * `PublicKey.fromRaw("ES256", await crypto.subtle.exportKey("raw", pair.publicKey))`).
     * @param {PublicKey} publicKey
     * @returns {ExternalKey}
     */
    static deferred(publicKey) {
        _assertClass(publicKey, PublicKey);
        const ret = wasm.externalkey_deferred(publicKey.__wbg_ptr);
        return ExternalKey.__wrap(ret);
    }
    /**
     * A synchronous JavaScript signer: `{ publicKey(), sign(message) }`,
     * `publicKey()` returning `{ algorithm, bytes }` (a `RawPublicKey`, as
     * for an `AsyncExternalSigner`). `publicKey()` is read once, here; `sign` is called for every
     * signature, and each signature is checked before it is used.
     * @param {ExternalSigner} signer
     * @returns {ExternalKey}
     */
    static fromCallback(signer) {
        const ret = wasm.externalkey_fromCallback(signer);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ExternalKey.__wrap(ret[0]);
    }
    /**
     * Whether this key signs in two steps (prepare, then complete).
     * @returns {boolean}
     */
    get isDeferred() {
        const ret = wasm.externalkey_isDeferred(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * The key id (64 hex digits).
     * @returns {string}
     */
    get kid() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.externalkey_kid(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The public key.
     * @returns {PublicKey}
     */
    publicKey() {
        const ret = wasm.externalkey_publicKey(this.__wbg_ptr);
        return PublicKey.__wrap(ret);
    }
}
if (Symbol.dispose) ExternalKey.prototype[Symbol.dispose] = ExternalKey.prototype.free;
exports.ExternalKey = ExternalKey;

/**
 * A private key held in this module's memory (Ed25519 or ES256).
 * For a key that must never enter wasm memory, use an `ExternalKey`.
 */
class KeyPair {
    static __wrap(ptr) {
        const obj = Object.create(KeyPair.prototype);
        obj.__wbg_ptr = ptr;
        KeyPairFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        KeyPairFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_keypair_free(ptr, 0);
    }
    /**
     * `"EdDSA"` or `"ES256"`.
     * @returns {Algorithm}
     */
    get algorithm() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.keypair_algorithm(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Reads a private COSE_Key (with parameter `d`).
     * @param {BytesLike} bytes
     * @returns {KeyPair}
     */
    static fromCoseKey(bytes) {
        const ret = wasm.keypair_fromCoseKey(bytes);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return KeyPair.__wrap(ret[0]);
    }
    /**
     * Generates a fresh key: `"EdDSA"` (Ed25519; also when omitted) or `"ES256"` (P-256).
     * @param {Algorithm} alg
     * @returns {KeyPair}
     */
    static generate(alg) {
        var ptr0 = isLikeNone(alg) ? 0 : passStringToWasm0(alg, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        var len0 = WASM_VECTOR_LEN;
        const ret = wasm.keypair_generate(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return KeyPair.__wrap(ret[0]);
    }
    /**
     * The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
     * @returns {string}
     */
    get kid() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.keypair_kid(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The public half.
     * @returns {PublicKey}
     */
    publicKey() {
        const ret = wasm.keypair_publicKey(this.__wbg_ptr);
        return PublicKey.__wrap(ret);
    }
    /**
     * The key as a private COSE_Key. Treat the result as a secret.
     * @returns {Uint8Array}
     */
    toCoseKey() {
        const ret = wasm.keypair_toCoseKey(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
}
if (Symbol.dispose) KeyPair.prototype[Symbol.dispose] = KeyPair.prototype.free;
exports.KeyPair = KeyPair;

/**
 * An artifact waiting for the signature of a key held elsewhere: sign
 * `message` (e.g. `crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message)`)
 * and pass the signature to `complete(pending, signature)` on the `Wallet`
 * or `Controller` that prepared it (or let `signAsync` do both).
 */
class PendingSignature {
    static __wrap(ptr) {
        const obj = Object.create(PendingSignature.prototype);
        obj.__wbg_ptr = ptr;
        PendingSignatureFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        PendingSignatureFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_pendingsignature_free(ptr, 0);
    }
    /**
     * The algorithm the signature must use.
     * @returns {Algorithm}
     */
    get algorithm() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.pendingsignature_algorithm(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The key id of the key that must sign.
     * @returns {string}
     */
    get kid() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.pendingsignature_kid(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The kind of artifact being signed (`"offer"`, `"grant"`, …).
     * @returns {ArtifactKind}
     */
    get kind() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.pendingsignature_kind(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The exact bytes to sign: the COSE `Sig_structure` the library built.
     * @returns {Uint8Array}
     */
    get message() {
        const ret = wasm.pendingsignature_message(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * The key that must sign: the person's key at this controller.
     * @returns {PublicKey}
     */
    get publicKey() {
        const ret = wasm.pendingsignature_publicKey(this.__wbg_ptr);
        return PublicKey.__wrap(ret);
    }
}
if (Symbol.dispose) PendingSignature.prototype[Symbol.dispose] = PendingSignature.prototype.free;
exports.PendingSignature = PendingSignature;

/**
 * A public key (Ed25519 or P-256).
 */
class PublicKey {
    static __wrap(ptr) {
        const obj = Object.create(PublicKey.prototype);
        obj.__wbg_ptr = ptr;
        PublicKeyFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        PublicKeyFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_publickey_free(ptr, 0);
    }
    /**
     * `"EdDSA"` or `"ES256"`.
     * @returns {Algorithm}
     */
    get algorithm() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.publickey_algorithm(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The raw key bytes (Ed25519: 32 bytes; ES256: the 65-byte
     * uncompressed point). With `algorithm`, a `PublicKey` is a
     * `RawPublicKey`: what a signer's `publicKey()` returns.
     * @returns {Uint8Array}
     */
    get bytes() {
        const ret = wasm.publickey_bytes(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Whether both are the same key.
     * @param {PublicKey} other
     * @returns {boolean}
     */
    equals(other) {
        _assertClass(other, PublicKey);
        const ret = wasm.publickey_equals(this.__wbg_ptr, other.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * Reads a public COSE_Key (a private part, if present, is ignored).
     * @param {BytesLike} bytes
     * @returns {PublicKey}
     */
    static fromCoseKey(bytes) {
        const ret = wasm.publickey_fromCoseKey(bytes);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PublicKey.__wrap(ret[0]);
    }
    /**
     * A key from raw bytes: Ed25519, 32 bytes; ES256, the 65-byte
     * uncompressed point (`04 || x || y`, WebCrypto `exportKey("raw")`).
     * @param {Algorithm} alg
     * @param {BytesLike} raw
     * @returns {PublicKey}
     */
    static fromRaw(alg, raw) {
        const ptr0 = passStringToWasm0(alg, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.publickey_fromRaw(ptr0, len0, raw);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PublicKey.__wrap(ret[0]);
    }
    /**
     * The key id: the RFC 9679 COSE Key Thumbprint, 64 hex digits.
     * @returns {string}
     */
    get kid() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.publickey_kid(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The raw key bytes.
     *
     * @deprecated Use `bytes` (the field of every public key, `RawPublicKey`).
     * @returns {Uint8Array}
     */
    get raw() {
        const ret = wasm.publickey_raw(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * The key as a COSE_Key.
     * @returns {Uint8Array}
     */
    toCoseKey() {
        const ret = wasm.publickey_toCoseKey(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
}
if (Symbol.dispose) PublicKey.prototype[Symbol.dispose] = PublicKey.prototype.free;
exports.PublicKey = PublicKey;

/**
 * The controller's status list: random indices for new grants, decoys,
 * and a signed Status List Token per epoch.
 */
class StatusRegistry {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        StatusRegistryFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_statusregistry_free(ptr, 0);
    }
    /**
     * Adds `count` decoys: random free indices of no grant, set invalid.
     * @param {number} count
     */
    addDecoys(count) {
        const ret = wasm.statusregistry_addDecoys(this.__wbg_ptr, count);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * A random free index for a new grant: pass it as the choice's `status`.
     * @returns {StatusReference}
     */
    assign() {
        const ret = wasm.statusregistry_assign(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * A list at `uri` with `capacity` entries of `bits` (1, 2, 4 or 8) bits, all valid.
     * @param {string} uri
     * @param {number} bits
     * @param {number} capacity
     */
    constructor(uri, bits, capacity) {
        const val2 = +bits;
        const val3 = +capacity;
        const ptr0 = passStringToWasm0(uri, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.statusregistry_new(ptr0, len0, val2, val3);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        this.__wbg_ptr = ret[0];
        StatusRegistryFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Sets a grant's status: `"valid"`, `"invalid"` or `"suspended"`.
     * @param {number} idx
     * @param {GrantStatus} status
     */
    setStatus(idx, status) {
        const ret = wasm.statusregistry_setStatus(this.__wbg_ptr, idx, status);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * The Status List Token for this epoch, signed by the controller `issuer`.
     * @param {Controller} issuer
     * @param {number} issuedAt
     * @param {number} ttl
     * @param {number | null} [expiresAt]
     * @returns {Uint8Array}
     */
    signToken(issuer, issuedAt, ttl, expiresAt) {
        _assertClass(issuer, Controller);
        const ret = wasm.statusregistry_signToken(this.__wbg_ptr, issuer.__wbg_ptr, issuedAt, ttl, !isLikeNone(expiresAt), isLikeNone(expiresAt) ? 0 : expiresAt);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
}
if (Symbol.dispose) StatusRegistry.prototype[Symbol.dispose] = StatusRegistry.prototype.free;
exports.StatusRegistry = StatusRegistry;

/**
 * The keys an auditor or a wallet accepts, each with its role and party.
 * On the wire: a COSE_KeySet (the `trust.cbor` the CLI's demo writes).
 */
class TrustSet {
    static __wrap(ptr) {
        const obj = Object.create(TrustSet.prototype);
        obj.__wbg_ptr = ptr;
        TrustSetFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        TrustSetFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_trustset_free(ptr, 0);
    }
    /**
     * Adds (or replaces) a key with its role and party.
     * @param {PublicKey} key
     * @param {Role} role
     * @param {string} party
     */
    add(key, role, party) {
        _assertClass(key, PublicKey);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(role, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(party, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.trustset_add(this.__wbg_ptr, key.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Reads a COSE_KeySet whose keys carry `"role"` and `"party"`.
     * @param {BytesLike} bytes
     * @returns {TrustSet}
     */
    static fromCoseKeySet(bytes) {
        const ret = wasm.trustset_fromCoseKeySet(bytes);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return TrustSet.__wrap(ret[0]);
    }
    /**
     * The keys, in the order added.
     * @returns {TrustedKey[]}
     */
    keys() {
        const ret = wasm.trustset_keys(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * An empty trust set.
     */
    constructor() {
        const ret = wasm.trustset_new();
        this.__wbg_ptr = ret;
        TrustSetFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * The number of keys.
     * @returns {number}
     */
    get size() {
        const ret = wasm.trustset_size(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * The set as a COSE_KeySet.
     * @returns {Uint8Array}
     */
    toCoseKeySet() {
        const ret = wasm.trustset_toCoseKeySet(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
}
if (Symbol.dispose) TrustSet.prototype[Symbol.dispose] = TrustSet.prototype.free;
exports.TrustSet = TrustSet;

/**
 * The person's wallet: their key (or an external one), their wallet
 * secret for pairwise pseudonyms, and every artifact of their deals.
 */
class Wallet {
    static __wrap(ptr) {
        const obj = Object.create(Wallet.prototype);
        obj.__wbg_ptr = ptr;
        WalletFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        WalletFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_wallet_free(ptr, 0);
    }
    /**
     * Accepts an offer (by its digest, 64 hex digits), whole (`choice`
     * omitted) or granular, at `at`. Returns the grant signed by the
     * person, for the controller to countersign.
     * @param {string} offerDigest
     * @param {Choice | null | undefined} choice
     * @param {number} at
     * @returns {Uint8Array}
     */
    accept(offerDigest, choice, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_accept(this.__wbg_ptr, ptr0, len0, choice, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v3;
    }
    /**
     * Records a transparency-log checkpoint note the wallet has seen.
     * @param {string} note
     */
    addCheckpoint(note) {
        const ptr0 = passStringToWasm0(note, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_addCheckpoint(this.__wbg_ptr, ptr0, len0);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Keeps a consistency proof (its CBOR encoding) between two checkpoints.
     * @param {BytesLike} proof
     */
    addConsistencyProof(proof) {
        const ret = wasm.wallet_addConsistencyProof(this.__wbg_ptr, proof);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Keeps an inclusion proof (its CBOR encoding, as the log serves it)
     * of one of the wallet's artifacts (by id).
     * @param {string} artifactId
     * @param {BytesLike} proof
     */
    addInclusionProof(artifactId, proof) {
        const ptr0 = passStringToWasm0(artifactId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_addInclusionProof(this.__wbg_ptr, ptr0, len0, proof);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Every artifact in the wallet, as JSON views, in the order received.
     * @returns {ArtifactJson[]}
     */
    artifacts() {
        const ret = wasm.wallet_artifacts(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Records the public key of the person's external key at `controller`
     * (one key per controller; a key already bound elsewhere is refused).
     * @param {string} controller
     * @param {PublicKey} key
     */
    bindKey(controller, key) {
        _assertClass(key, PublicKey);
        const ptr0 = passStringToWasm0(controller, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_bindKey(this.__wbg_ptr, ptr0, len0, key.__wbg_ptr);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Checks the wallet's checkpoints and inclusion proofs against a
     * witness policy (C2SP tlog-policy text), for each log it names:
     * checkpoints count only with the policy's quorum of cosignatures; an
     * artifact is proven only in a witnessed checkpoint; one dated more
     * than `tolerance` seconds before the earliest cosignature of a
     * witnessed checkpoint that does not contain it is backdated.
     * @param {string} policy
     * @param {number} tolerance
     * @returns {WitnessedLogCheck[]}
     */
    checkLogsWitnessed(policy, tolerance) {
        const val2 = +tolerance;
        const ptr0 = passStringToWasm0(policy, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_checkLogsWitnessed(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Checks every transparency log the wallet trusts (role `log`): the
     * checkpoints' signatures, consistency between them (a rewritten log is
     * caught), and inclusion proofs of the person's own artifacts.
     * @returns {LogCheck[]}
     */
    checkLogs() {
        const ret = wasm.wallet_checkLogs(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The checkpoint notes recorded.
     * @returns {string[]}
     */
    checkpoints() {
        const ret = wasm.wallet_checkpoints(this.__wbg_ptr);
        var v1 = getArrayJsValueFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
        return v1;
    }
    /**
     * Second step: hands over the signature of `pending.message` (ES256:
     * raw `r || s` as WebCrypto returns it, or DER). The core checks it
     * with the wallet's public key, then keeps and returns the artifact.
     * @param {PendingSignature} pending
     * @param {BytesLike} signature
     * @returns {Uint8Array}
     */
    complete(pending, signature) {
        _assertClass(pending, PendingSignature);
        const ret = wasm.wallet_complete(this.__wbg_ptr, pending.__wbg_ptr, signature);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Exports the whole wallet as one encrypted backup (ChaCha20-Poly1305)
     * under a 32-byte key supplied by the host.
     * @param {BytesLike} key
     * @returns {Uint8Array}
     */
    exportBackup(key) {
        const ret = wasm.wallet_exportBackup(this.__wbg_ptr, key);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * The wallet's artifacts as one bundle (a CBOR sequence), e.g. for an auditor.
     * @returns {Uint8Array}
     */
    exportBundle() {
        const ret = wasm.wallet_exportBundle(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * A C2SP `tlog-proof@v1` (text) for one of the wallet's artifacts (by
     * id): its inclusion proof under a checkpoint of a trusted log.
     * @param {string} artifactId
     * @returns {string}
     */
    exportTlogProof(artifactId) {
        let deferred3_0;
        let deferred3_1;
        try {
            const ptr0 = passStringToWasm0(artifactId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len0 = WASM_VECTOR_LEN;
            const ret = wasm.wallet_exportTlogProof(this.__wbg_ptr, ptr0, len0);
            var ptr2 = ret[0];
            var len2 = ret[1];
            if (ret[3]) {
                ptr2 = 0; len2 = 0;
                throw takeFromExternrefTable0(ret[2]);
            }
            deferred3_0 = ptr2;
            deferred3_1 = len2;
            return getStringFromWasm0(ptr2, len2);
        } finally {
            wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
        }
    }
    /**
     * A wallet from bytes returned by `toBytes`. Damaged records are
     * skipped and listed by `problems()`. A wallet whose keys are held
     * outside it signs with `prepare…` and `complete`.
     * @param {BytesLike} bytes
     * @returns {Wallet}
     */
    static fromBytes(bytes) {
        const ret = wasm.wallet_fromBytes(bytes);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Wallet.__wrap(ret[0]);
    }
    /**
     * Grants one more purpose of an offer (by its digest) at `at`, without
     * UI: a grant of that purpose alone, or one that supersedes the grant
     * in force with the purpose added. Returns the grant signed by the
     * person, for the controller to countersign.
     * @param {string} offerDigest
     * @param {string} purpose
     * @param {number} at
     * @returns {Uint8Array}
     */
    grantPurpose(offerDigest, purpose, at) {
        const val3 = +at;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(purpose, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.wallet_grantPurpose(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v4 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v4;
    }
    /**
     * A grant's state at `now` (`"given"`, `"withdrawn"`, ...), or `undefined`.
     * @param {string} grantId
     * @param {number} now
     * @returns {ConsentState | undefined}
     */
    grantState(grantId, now) {
        const val2 = +now;
        const ptr0 = passStringToWasm0(grantId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_grantState(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The grants and their states at `now`.
     * @param {number} now
     * @returns {GrantView[]}
     */
    grants(now) {
        const ret = wasm.wallet_grants(this.__wbg_ptr, now);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Restores a wallet from an encrypted backup.
     * @param {BytesLike} backup
     * @param {BytesLike} backupKey
     * @returns {Wallet}
     */
    static importBackup(backup, backupKey) {
        const ret = wasm.wallet_importBackup(backup, backupKey);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Wallet.__wrap(ret[0]);
    }
    /**
     * A new wallet whose keys are held outside it (e.g. non-extractable
     * WebCrypto keys), one per controller: give each controller's public
     * key with `bindKey`, sign with `prepare…` and `complete`. The bytes hold only public keys.
     * @returns {Wallet}
     */
    static inMemoryExternal() {
        const ret = wasm.wallet_inMemoryExternal();
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Wallet.__wrap(ret[0]);
    }
    /**
     * A new wallet with a fresh secret and in-process keys, one per
     * controller: `"EdDSA"` (default; derived from the wallet secret) or
     * `"ES256"` (generated and stored). The wallet's bytes hold secrets.
     * @param {Algorithm | null | undefined} algorithm
     * @returns {Wallet}
     */
    static inMemory(algorithm) {
        const ret = wasm.wallet_inMemory(algorithm);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Wallet.__wrap(ret[0]);
    }
    /**
     * Whether this wallet's key signs only in two steps (`prepare…`, then `complete`).
     * @returns {boolean}
     */
    get isDeferred() {
        const ret = wasm.wallet_isDeferred(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * Whether the app should ask the person about an offer (by its digest,
     * 64 hex digits) at `now`: `false` while a grant of it (or of a
     * re-issue with the same terms) is in force, or if the person's latest
     * decision on it is a refusal or a withdrawal; `true` if they never
     * decided on these terms, or their grant expired, was revoked or was
     * superseded by a grant of an offer with other terms.
     * @param {string} offerDigest
     * @param {number} now
     * @returns {boolean}
     */
    needsDecision(offerDigest, now) {
        const val2 = +now;
        const ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_needsDecision(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0] !== 0;
    }
    /**
     * The offers in the wallet, as JSON views (`digest` names an offer in `accept`).
     * @returns {ArtifactJson[]}
     */
    offers() {
        const ret = wasm.wallet_offers(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * First step of `accept` for a key that signs elsewhere: returns what
     * to sign, and (`pending.publicKey`) the person's key at the offer's
     * controller that must sign it. Bind that key first with `bindKey`
     * (one key per controller); without one this throws `SIGNER`.
     * @param {string} offerDigest
     * @param {Choice | null | undefined} choice
     * @param {number} at
     * @returns {PendingSignature}
     */
    prepareAccept(offerDigest, choice, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_prepareAccept(this.__wbg_ptr, ptr0, len0, choice, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `refuse` for a key that signs elsewhere: returns what
     * to sign (the controller's key must be bound, as for `prepareAccept`).
     * @param {string} offerDigest
     * @param {number} at
     * @returns {PendingSignature}
     */
    prepareRefuse(offerDigest, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_prepareRefuse(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * First step of `withdraw` for a key that signs elsewhere: returns what to sign.
     * @param {string} grantId
     * @param {number} at
     * @returns {PendingSignature}
     */
    prepareWithdraw(grantId, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(grantId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_prepareWithdraw(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return PendingSignature.__wrap(ret[0]);
    }
    /**
     * What could not be read (damaged records, skipped): `{ offset, record, message }[]`.
     * @returns {WalletProblem[]}
     */
    problems() {
        const ret = wasm.wallet_problems(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The person's pairwise pseudonym at a controller (32 hex digits).
     * @param {string} controller
     * @returns {string}
     */
    pseudonym(controller) {
        let deferred2_0;
        let deferred2_1;
        try {
            const ptr0 = passStringToWasm0(controller, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len0 = WASM_VECTOR_LEN;
            const ret = wasm.wallet_pseudonym(this.__wbg_ptr, ptr0, len0);
            deferred2_0 = ret[0];
            deferred2_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
        }
    }
    /**
     * The person's public key at `controller`, or `undefined` if the wallet has none there yet.
     * @param {string} controller
     * @returns {PublicKey | undefined}
     */
    publicKeyFor(controller) {
        const ptr0 = passStringToWasm0(controller, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_publicKeyFor(this.__wbg_ptr, ptr0, len0);
        return ret === 0 ? undefined : PublicKey.__wrap(ret);
    }
    /**
     * Takes in an artifact (offer, countersigned grant, revocation, receipt,
     * value record), verifies it against the trusted keys, keeps it, and
     * returns the violations it shows at `now` (seconds since 1970).
     * @param {BytesLike} bytes
     * @param {number} now
     * @returns {Finding[]}
     */
    receive(bytes, now) {
        const ret = wasm.wallet_receive(this.__wbg_ptr, bytes, now);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Refuses an offer; returns the refusal for the controller to countersign.
     * @param {string} offerDigest
     * @param {number} at
     * @returns {Uint8Array}
     */
    refuse(offerDigest, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_refuse(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v3;
    }
    /**
     * Signs a prepared grant, refusal or withdrawal (`prepareAccept`, …)
     * with `signer` (`{ publicKey(), sign(message) → Promise }`, the
     * person's key that `pending.publicKey` names; another key is refused
     * before it is asked), awaiting its signature, then completes it as
     * `complete` does and resolves to the artifact's bytes. The wallet
     * stays usable while the signer waits; every failure rejects with a
     * `ConsentKitError`.
     * @param {PendingSignature} pending
     * @param {AsyncExternalSigner} signer
     * @returns {Promise<Uint8Array>}
     */
    signAsync(pending, signer) {
        _assertClass(pending, PendingSignature);
        const ret = wasm.wallet_signAsync(this.__wbg_ptr, pending.__wbg_ptr, signer);
        return ret;
    }
    /**
     * Subscribes `listener` to the wallet's changes. It is called (in a
     * microtask, after this call returns) with the state at `now`
     * (`replay: true`, every grant in `changed`), then once per call that
     * keeps artifacts (`receive`, `accept`, `refuse`, `withdraw`,
     * `complete`, `grantPurpose`, `withdrawPurpose`), after that call.
     * Returns the id for `unsubscribe`.
     * @param {(event: WalletEvent) => void} listener
     * @param {number} now
     * @returns {number}
     */
    subscribe(listener, now) {
        const ret = wasm.wallet_subscribe(this.__wbg_ptr, listener, now);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return ret[0];
    }
    /**
     * What the person shared (with whom, for what, under which grant), what
     * they received, refusals, and violations, at `now`.
     * @param {number} now
     * @returns {WalletSummary}
     */
    summary(now) {
        const ret = wasm.wallet_summary(this.__wbg_ptr, now);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The wallet as bytes, for the host to store (e.g. in IndexedDB).
     * @returns {Uint8Array}
     */
    toBytes() {
        const ret = wasm.wallet_toBytes(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
    }
    /**
     * Trusts every key of a trust set, with its role and party.
     * @param {TrustSet} trust
     */
    trustAll(trust) {
        _assertClass(trust, TrustSet);
        const ret = wasm.wallet_trustAll(this.__wbg_ptr, trust.__wbg_ptr);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * Trusts a controller's or partner's key (the app pins them).
     * @param {PublicKey} key
     * @param {Role} role
     * @param {string} party
     */
    trustKey(key, role, party) {
        _assertClass(key, PublicKey);
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(role, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(party, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.wallet_trustKey(this.__wbg_ptr, key.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * The wallet's trust set.
     * @returns {TrustSet}
     */
    trustSet() {
        const ret = wasm.wallet_trustSet(this.__wbg_ptr);
        return TrustSet.__wrap(ret);
    }
    /**
     * The keys this wallet trusts.
     * @returns {TrustedKey[]}
     */
    trustedKeys() {
        const ret = wasm.wallet_trustedKeys(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Ends a subscription; `false` if there was none with that id.
     * @param {number} id
     * @returns {boolean}
     */
    unsubscribe(id) {
        const ret = wasm.wallet_unsubscribe(this.__wbg_ptr, id);
        return ret !== 0;
    }
    /**
     * Checks an RFC 9942 COSE Receipt the log issued for one of the
     * wallet's artifacts (by id) against the log keys the wallet trusts.
     * Returns `{ treeSize, leafIndex, root }` (root in hex).
     * @param {string} artifactId
     * @param {BytesLike} receipt
     * @returns {ReceiptCheck}
     */
    verifyCoseReceipt(artifactId, receipt) {
        const ptr0 = passStringToWasm0(artifactId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_verifyCoseReceipt(this.__wbg_ptr, ptr0, len0, receipt);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Checks a C2SP `tlog-proof@v1` of one of the wallet's artifacts (by
     * id) against the log keys the wallet trusts. Returns
     * `{ treeSize, leafIndex, root }` (root in hex).
     * @param {string} artifactId
     * @param {string} proof
     * @returns {ReceiptCheck}
     */
    verifyTlogProof(artifactId, proof) {
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(artifactId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(proof, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.wallet_verifyTlogProof(this.__wbg_ptr, ptr0, len0, ptr1, len1);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The wallet format version (1: one key for every controller, from
     * before wallets had a key per controller; 2: a key per controller).
     * @returns {number}
     */
    version() {
        const ret = wasm.wallet_version(this.__wbg_ptr);
        return ret;
    }
    /**
     * Every violation in the wallet's records at `now`.
     * @param {number} now
     * @returns {Finding[]}
     */
    violations(now) {
        const ret = wasm.wallet_violations(this.__wbg_ptr, now);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Withdraws one purpose of the grant of an offer (by its digest) in
     * force at `at`, without UI. Returns, in order, the person's withdrawal
     * of that grant and (unless it was its last purpose) a new grant of its
     * other purposes, for the controller to countersign.
     * @param {string} offerDigest
     * @param {string} purpose
     * @param {number} at
     * @returns {Uint8Array[]}
     */
    withdrawPurpose(offerDigest, purpose, at) {
        const val3 = +at;
        let ptr0, len0, ptr1, len1;
        try {
            ptr0 = passStringToWasm0(offerDigest, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len0 = WASM_VECTOR_LEN;
            ptr1 = passStringToWasm0(purpose, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            len1 = WASM_VECTOR_LEN;
        } catch (e) {
            if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
            throw e;
        }
        const ret = wasm.wallet_withdrawPurpose(this.__wbg_ptr, ptr0, len0, ptr1, len1, val3);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Withdraws a grant (by its id, 32 hex digits): one call. Returns the
     * signed withdrawal, to send to the controller.
     * @param {string} grantId
     * @param {number} at
     * @returns {Uint8Array}
     */
    withdraw(grantId, at) {
        const val2 = +at;
        const ptr0 = passStringToWasm0(grantId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.wallet_withdraw(this.__wbg_ptr, ptr0, len0, val2);
        if (ret[3]) {
            throw takeFromExternrefTable0(ret[2]);
        }
        var v3 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v3;
    }
}
if (Symbol.dispose) Wallet.prototype[Symbol.dispose] = Wallet.prototype.free;
exports.Wallet = Wallet;

/**
 * Audits a bundle (a CBOR sequence, any order) against a trust set at
 * time `at` (seconds since 1970; default: now): every signature, each
 * grant's lifecycle, every data use against its grant.
 * @param {BytesLike} bundle
 * @param {TrustSet} trust
 * @param {number | null} [at]
 * @returns {AuditReport}
 */
function audit(bundle, trust, at) {
    _assertClass(trust, TrustSet);
    const ret = wasm.audit(bundle, trust.__wbg_ptr, !isLikeNone(at), isLikeNone(at) ? 0 : at);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return AuditReport.__wrap(ret[0]);
}
exports.audit = audit;

/**
 * Audits a bundle together with the controllers' Status List Tokens: a
 * list still valid for a grant ended more than its `ttl` before it was
 * issued is a `stale_status` finding.
 * @param {BytesLike} bundle
 * @param {BytesLike[]} statusLists
 * @param {TrustSet} trust
 * @param {number | null} [at]
 * @returns {AuditReport}
 */
function auditWithStatusLists(bundle, statusLists, trust, at) {
    _assertClass(trust, TrustSet);
    const ret = wasm.auditWithStatusLists(bundle, statusLists, trust.__wbg_ptr, !isLikeNone(at), isLikeNone(at) ? 0 : at);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return AuditReport.__wrap(ret[0]);
}
exports.auditWithStatusLists = auditWithStatusLists;

/**
 * Checks a grant against a (cached) Status List Token at time `at`
 * (default: now). Returns `{ status, max_age, list_issued_at, index, uri }`;
 * anything that prevents a statement throws.
 * @param {BytesLike} grant
 * @param {BytesLike} token
 * @param {TrustSet} trust
 * @param {number | null} [at]
 * @returns {StatusAnswer}
 */
function checkGrantStatus(grant, token, trust, at) {
    _assertClass(trust, TrustSet);
    const ret = wasm.checkGrantStatus(grant, token, trust.__wbg_ptr, !isLikeNone(at), isLikeNone(at) ? 0 : at);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.checkGrantStatus = checkGrantStatus;

/**
 * Commits to data with a fresh random salt: put `commitment` in a data
 * receipt, keep `salt` (and the data) to open it later.
 * @param {BytesLike} data
 * @returns {Commitment}
 */
function commit(data) {
    const ret = wasm.commit(data);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.commit = commit;

/**
 * Decodes one artifact strictly (size limit, deterministic CBOR, header
 * profile, payload schema) and returns its JSON view. Signatures are not
 * checked: see `verify`.
 * @param {BytesLike} bytes
 * @returns {ArtifactJson}
 */
function decodeArtifact(bytes) {
    const ret = wasm.decodeArtifact(bytes);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.decodeArtifact = decodeArtifact;

/**
 * Decodes a GPP string; its TCF EU v2 section is decoded strictly.
 * @param {string} gppString
 * @returns {GppString}
 */
function decodeGpp(gppString) {
    const ptr0 = passStringToWasm0(gppString, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.decodeGpp(ptr0, len0);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.decodeGpp = decodeGpp;

/**
 * Decodes a TC string strictly (TCF v2.3: the Disclosed Vendors segment is required).
 * @param {string} tcString
 * @returns {TcString}
 */
function decodeTcString(tcString) {
    const ptr0 = passStringToWasm0(tcString, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.decodeTcString(ptr0, len0);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.decodeTcString = decodeTcString;

/**
 * Exports the grants (and, for `"iso27560"`, refusals) of a bundle as
 * Kantara Consent Receipts v1.1 (`format` `"kantara"`) or ISO/IEC TS 27560
 * consent records in DPV JSON-LD (`"iso27560"`), each with its status at
 * `at` (seconds since 1970). `grantIds` (32 hex digits each) selects
 * decisions; empty means all given at or before `at`. `controllersJson`
 * gives each controller's and recipient's name, contact, address, policy
 * URL and storage locations (docs/EXPORTS.md). Signatures are not
 * verified: verify or audit the bundle first.
 * @param {BytesLike} bundle
 * @param {string} format
 * @param {string[]} grantIds
 * @param {number} at
 * @param {string} controllersJson
 * @returns {ConsentExport}
 */
function exportConsents(bundle, format, grantIds, at, controllersJson) {
    const val4 = +at;
    let ptr0, len0, ptr1, len1, ptr2, len2;
    try {
        ptr0 = passStringToWasm0(format, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passArrayJsValueToWasm0(grantIds, wasm.__wbindgen_malloc);
        len1 = WASM_VECTOR_LEN;
        ptr2 = passStringToWasm0(controllersJson, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len2 = WASM_VECTOR_LEN;
    } catch (e) {
        if (ptr2) { wasm.__wbindgen_free(ptr2, len2 * 1, 1); }
        if (ptr1) { wasm.__externref_drop_slice(ptr1, len1); wasm.__wbindgen_free(ptr1, len1 * 4, 4); }
        if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
        throw e;
    }
    const ret = wasm.exportConsents(bundle, ptr0, len0, ptr1, len1, val4, ptr2, len2);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.exportConsents = exportConsents;

/**
 * Decodes an artifact or a bundle (CBOR sequence) into JSON views, one per
 * item; an item that does not decode gives `{ offset, error }`.
 * @param {BytesLike} bytes
 * @returns {InspectItem[]}
 */
function inspect(bytes) {
    const ret = wasm.inspect(bytes);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.inspect = inspect;

/**
 * Whether `value` is an error thrown by this package (`name` is
 * `"ConsentKitError"`, with a `code`).
 * @param {unknown} value
 * @returns {value is ConsentKitError}
 */
function isConsentKitError(value) {
    const ret = wasm.isConsentKitError(value);
    return ret !== 0;
}
exports.isConsentKitError = isConsentKitError;

/**
 * The TC string a grant (artifact bytes) amounts to for a CMP and
 * vendors, in its three forms.
 * @param {BytesLike} grant
 * @param {TcfExportInput} _export
 * @returns {TcfForms}
 */
function tcStringForGrant(grant, _export) {
    const ret = wasm.tcStringForGrant(grant, _export);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.tcStringForGrant = tcStringForGrant;

/**
 * A TC string in its three forms: re-encoded, as a GPP string, and as
 * the IABTCF_* in-app values.
 * @param {string} tcString
 * @param {boolean} gdprApplies
 * @returns {TcfForms}
 */
function tcfForms(tcString, gdprApplies) {
    const val2 = +gdprApplies;
    const ptr0 = passStringToWasm0(tcString, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.tcfForms(ptr0, len0, val2);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.tcfForms = tcfForms;

/**
 * Verifies one artifact against a trust set: every signature, and who may
 * sign it. Returns who signed; throws `VERIFICATION_FAILED`,
 * `UNTRUSTED_KEY` or `INVALID_INPUT`.
 * @param {BytesLike} artifact
 * @param {TrustSet} trust
 * @returns {VerifiedSigner[]}
 */
function verify(artifact, trust) {
    _assertClass(trust, TrustSet);
    const ret = wasm.verify(artifact, trust.__wbg_ptr);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.verify = verify;

/**
 * Verifies every item of a bundle; never throws for a bad item (its
 * `error` says what is wrong).
 * @param {BytesLike} bundle
 * @param {TrustSet} trust
 * @returns {BundleItem[]}
 */
function verifyBundle(bundle, trust) {
    _assertClass(trust, TrustSet);
    const ret = wasm.verifyBundle(bundle, trust.__wbg_ptr);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}
exports.verifyBundle = verifyBundle;

/**
 * Whether `commitment` (64 hex digits) opens to `data` with `salt` (32 hex digits).
 * @param {string} commitment
 * @param {string} salt
 * @param {BytesLike} data
 * @returns {boolean}
 */
function verifyCommitment(commitment, salt, data) {
    let ptr0, len0, ptr1, len1;
    try {
        ptr0 = passStringToWasm0(commitment, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passStringToWasm0(salt, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len1 = WASM_VECTOR_LEN;
    } catch (e) {
        if (ptr1) { wasm.__wbindgen_free(ptr1, len1 * 1, 1); }
        if (ptr0) { wasm.__wbindgen_free(ptr0, len0 * 1, 1); }
        throw e;
    }
    const ret = wasm.verifyCommitment(ptr0, len0, ptr1, len1, data);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return ret[0] !== 0;
}
exports.verifyCommitment = verifyCommitment;

/**
 * The package version.
 * @returns {string}
 */
function version() {
    let deferred1_0;
    let deferred1_1;
    try {
        const ret = wasm.version();
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
}
exports.version = version;
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg___wbindgen_boolean_get_4f1baf9a00be3c74: function(arg0) {
            const v = arg0;
            const ret = typeof(v) === 'boolean' ? v : undefined;
            return isLikeNone(ret) ? 0xFFFFFF : ret ? 1 : 0;
        },
        __wbg___wbindgen_debug_string_f249a2a76caa9a55: function(arg0, arg1) {
            const ret = debugString(arg1);
            const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
            const ret = typeof(arg0) === 'function';
            return ret;
        },
        __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
            const ret = arg0 === null;
            return ret;
        },
        __wbg___wbindgen_is_object_8b968c3ab8e96595: function(arg0) {
            const val = arg0;
            const ret = typeof(val) === 'object' && val !== null;
            return ret;
        },
        __wbg___wbindgen_is_string_fc456fee5d3317de: function(arg0) {
            const ret = typeof(arg0) === 'string';
            return ret;
        },
        __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
            const ret = arg0 === undefined;
            return ret;
        },
        __wbg___wbindgen_number_get_934b640d0889af78: function(arg0, arg1) {
            const obj = arg1;
            const ret = typeof(obj) === 'number' ? obj : undefined;
            getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
        },
        __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
            const obj = arg1;
            const ret = typeof(obj) === 'string' ? obj : undefined;
            var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            var len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
            throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
            arg0._wbg_cb_unref();
        },
        __wbg_bind_6c8081aa5318c83a: function(arg0, arg1, arg2) {
            const ret = arg0.bind(arg1, arg2);
            return ret;
        },
        __wbg_buffer_297cd789e9811340: function(arg0) {
            const ret = arg0.buffer;
            return ret;
        },
        __wbg_byteLength_3e08292247d5e8da: function(arg0) {
            const ret = arg0.byteLength;
            return ret;
        },
        __wbg_byteOffset_860d904683273dd7: function(arg0) {
            const ret = arg0.byteOffset;
            return ret;
        },
        __wbg_call_a410eb4b59ed5965: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = arg0.call(arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_crypto_23f565a907d30078: function(arg0) {
            const ret = arg0.crypto;
            return ret;
        },
        __wbg_from_eac91875c8a5ffa4: function(arg0) {
            const ret = Array.from(arg0);
            return ret;
        },
        __wbg_getRandomValues_d2908e0b99612b91: function() { return handleError(function (arg0, arg1) {
            arg0.getRandomValues(arg1);
        }, arguments); },
        __wbg_get_2080c49015e35254: function() { return handleError(function (arg0, arg1) {
            const ret = Reflect.get(arg0, arg1);
            return ret;
        }, arguments); },
        __wbg_get_unchecked_e6325ad374eff861: function(arg0, arg1) {
            const ret = arg0[arg1 >>> 0];
            return ret;
        },
        __wbg_instanceof_ArrayBuffer_12cdaa4161423e6b: function(arg0) {
            let result;
            try {
                result = arg0 instanceof ArrayBuffer;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_instanceof_Error_74e3cca0c4a69161: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Error;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_instanceof_Promise_59148c6049d0e3a0: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Promise;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_instanceof_Uint8Array_d7aeb0dcb3108fea: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Uint8Array;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_isArray_bcf1376d0d732d08: function(arg0) {
            const ret = Array.isArray(arg0);
            return ret;
        },
        __wbg_isView_7c4f5a7c257b3a84: function(arg0) {
            const ret = ArrayBuffer.isView(arg0);
            return ret;
        },
        __wbg_keys_105f5c0857898f84: function(arg0) {
            const ret = Object.keys(arg0);
            return ret;
        },
        __wbg_length_186163212ffe79c3: function(arg0) {
            const ret = arg0.length;
            return ret;
        },
        __wbg_length_b03a0fabb109b1e9: function(arg0) {
            const ret = arg0.length;
            return ret;
        },
        __wbg_message_43d8c8f1d543a349: function(arg0) {
            const ret = arg0.message;
            return ret;
        },
        __wbg_msCrypto_d5f06fad6bf1409b: function(arg0) {
            const ret = arg0.msCrypto;
            return ret;
        },
        __wbg_name_d1fa514fdca6a975: function(arg0) {
            const ret = arg0.name;
            return ret;
        },
        __wbg_new_13de428334042d26: function(arg0) {
            const ret = new Uint8Array(arg0);
            return ret;
        },
        __wbg_new_37eb45aaf5eeb820: function() {
            const ret = new Array();
            return ret;
        },
        __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
            const ret = new Error(getStringFromWasm0(arg0, arg1));
            return ret;
        },
        __wbg_new_from_slice_b8daf545a41c6aa0: function(arg0, arg1) {
            const ret = new Uint8Array(getArrayU8FromWasm0(arg0, arg1));
            return ret;
        },
        __wbg_new_typed_e09da9dae6ee5935: function(arg0, arg1) {
            try {
                var state0 = {a: arg0, b: arg1};
                var cb0 = (arg0, arg1) => {
                    const a = state0.a;
                    state0.a = 0;
                    try {
                        return wasm_bindgen__convert__closures_____invoke__h01c668c2fdc2cd34(a, state0.b, arg0, arg1);
                    } finally {
                        state0.a = a;
                    }
                };
                const ret = new Promise(cb0);
                return ret;
            } finally {
                state0.a = 0;
            }
        },
        __wbg_new_with_byte_offset_and_length_3cd32055a417f095: function(arg0, arg1, arg2) {
            const ret = new Uint8Array(arg0, arg1 >>> 0, arg2 >>> 0);
            return ret;
        },
        __wbg_new_with_length_01b143a7e5dd5a3e: function(arg0) {
            const ret = new Uint8Array(arg0 >>> 0);
            return ret;
        },
        __wbg_node_86166ff8ce1f2002: function(arg0) {
            const ret = arg0.node;
            return ret;
        },
        __wbg_now_463ac581d2fc7ea3: function() {
            const ret = Date.now();
            return ret;
        },
        __wbg_parse_c3f72b5a24f83c01: function() { return handleError(function (arg0, arg1) {
            const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
            return ret;
        }, arguments); },
        __wbg_process_91f425a63f58e399: function(arg0) {
            const ret = arg0.process;
            return ret;
        },
        __wbg_prototypesetcall_13162965d1fe7aa3: function(arg0, arg1, arg2) {
            Uint8Array.prototype.set.call(getArrayU8FromWasm0(arg0, arg1), arg2);
        },
        __wbg_publicKey_5b9f40224f1a23bd: function() { return handleError(function (arg0) {
            const ret = arg0.publicKey();
            return ret;
        }, arguments); },
        __wbg_publicKey_af486f70763014fe: function() { return handleError(function (arg0) {
            const ret = arg0.publicKey();
            return ret;
        }, arguments); },
        __wbg_push_c9f4893fc209f768: function(arg0, arg1) {
            const ret = arg0.push(arg1);
            return ret;
        },
        __wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
            const ret = arg0.queueMicrotask;
            return ret;
        },
        __wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
            queueMicrotask(arg0);
        },
        __wbg_queueMicrotask_b085fb78ca6764b7: function(arg0) {
            queueMicrotask(arg0);
        },
        __wbg_randomFillSync_34b023059e3363de: function() { return handleError(function (arg0, arg1) {
            arg0.randomFillSync(arg1);
        }, arguments); },
        __wbg_require_9a7d8cc2e1d275c0: function() { return handleError(function () {
            const ret = module.require;
            return ret;
        }, arguments); },
        __wbg_resolve_dbf78ab4942478b0: function(arg0) {
            const ret = Promise.resolve(arg0);
            return ret;
        },
        __wbg_set_2793479888329cb6: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = Reflect.set(arg0, arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_set_name_822e3903f3184979: function(arg0, arg1, arg2) {
            arg0.name = getStringFromWasm0(arg1, arg2);
        },
        __wbg_sign_2acc23399f27be84: function() { return handleError(function (arg0, arg1) {
            const ret = arg0.sign(arg1);
            return ret;
        }, arguments); },
        __wbg_sign_a0bc7967643a6c66: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = arg0.sign(getArrayU8FromWasm0(arg1, arg2));
            return ret;
        }, arguments); },
        __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
            const ret = typeof globalThis === 'undefined' ? undefined : globalThis;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
            const ret = typeof global === 'undefined' ? undefined : global;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_SELF_53bb20457401453d: function() {
            const ret = typeof self === 'undefined' ? undefined : self;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
            const ret = typeof window === 'undefined' ? undefined : window;
            return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
        },
        __wbg_subarray_58f388a9247ac0bb: function(arg0, arg1, arg2) {
            const ret = arg0.subarray(arg1 >>> 0, arg2 >>> 0);
            return ret;
        },
        __wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
            const ret = arg0.then(arg1, arg2);
            return ret;
        },
        __wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
            const ret = arg0.then(arg1);
            return ret;
        },
        __wbg_versions_6e128a981b0df859: function(arg0) {
            const ret = arg0.versions;
            return ret;
        },
        __wbindgen_generic_0000000000000001: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { owned: true, function: Function { arguments: [Externref], shim_idx: 349, ret: Result(Unit), inner_ret: Some(Result(Unit)) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h0512c4bedd76366e);
            return ret;
        },
        __wbindgen_generic_0000000000000002: function(arg0, arg1) {
            // Cast intrinsic for `Ref(Slice(U8)) -> NamedExternref("Uint8Array")`.
            const ret = getArrayU8FromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_generic_0000000000000003: function(arg0, arg1) {
            // Cast intrinsic for `Ref(String) -> Externref`.
            const ret = getStringFromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
            table.set(0, undefined);
            table.set(1024, undefined);
            table.set(1025, null);
            table.set(1026, true);
            table.set(1027, false);
        },
    };
    return {
        __proto__: null,
        "./consentkit_bg.js": import0,
    };
}

function wasm_bindgen__convert__closures_____invoke__h0512c4bedd76366e(arg0, arg1, arg2) {
    const ret = wasm.wasm_bindgen__convert__closures_____invoke__h0512c4bedd76366e(arg0, arg1, arg2);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

function wasm_bindgen__convert__closures_____invoke__h01c668c2fdc2cd34(arg0, arg1, arg2, arg3) {
    wasm.wasm_bindgen__convert__closures_____invoke__h01c668c2fdc2cd34(arg0, arg1, arg2, arg3);
}

const AuditReportFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_auditreport_free(ptr, 1));
const ControllerFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_controller_free(ptr, 1));
const ExternalKeyFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_externalkey_free(ptr, 1));
const KeyPairFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_keypair_free(ptr, 1));
const PendingSignatureFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_pendingsignature_free(ptr, 1));
const PublicKeyFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_publickey_free(ptr, 1));
const StatusRegistryFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_statusregistry_free(ptr, 1));
const TrustSetFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_trustset_free(ptr, 1));
const WalletFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_wallet_free(ptr, 1));

function addToExternrefTable0(obj) {
    const idx = wasm.__externref_table_alloc();
    wasm.__wbindgen_externrefs.set(idx, obj);
    return idx;
}

function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}

const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(state => wasm.__wbindgen_destroy_closure(state.a, state.b));

function debugString(val) {
    switch (typeof val) {
        // primitive types
        case 'number':
        case 'boolean':
        case 'undefined':
        return `${val}`;
        case 'string':
        return JSON.stringify(val);
        case 'bigint':
        return `${val}n`;
        case 'symbol':
        return val.description !== undefined
            ? `Symbol(${val.description})`
            : 'Symbol';
        case 'function':
        return typeof val.name === 'string' && val.name !== ''
            ? `Function(${val.name})`
            : 'Function';
        case 'object': {
            if (val === null) {
                return 'null';
            }
            // objects
            if (Array.isArray(val)) {
                return '[' + Array.from(val, debugString).join(', ') + ']';
            }
            // errors
            if (val instanceof Error) {
                return `${val.name}: ${val.message}\n${val.stack}`;
            }

            const toStringOutput = toString.call(val);
            // Test for built-in
            const className = /\[object ([^\]]+)\]/.exec(toStringOutput)?.[1];

            // Failed to match the standard '[object ClassName]'
            if (className === undefined) {
                return toStringOutput;
            }
            if (className === 'Object') {
                // we're a user defined class or Object
                // JSON.stringify avoids problems with cycles, and is generally much
                // easier than looping through ownProperties of `val`.
                try {
                    return 'Object(' + JSON.stringify(val) + ')';
                } catch (_) {
                    return 'Object';
                }
            }
            // TODO we could test for more things here, like `Set`s and `Map`s.
            return className;
        }
        // Per MDN: 'This list of values is exhaustive.'
        // https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Operators/typeof#description
    }
}

function getArrayJsValueFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getDataViewMemory0();
    const result = [];
    for (let i = ptr; i < ptr + 4 * len; i += 4) {
        result.push(wasm.__wbindgen_externrefs.get(mem.getUint32(i, true)));
    }
    wasm.__externref_drop_slice(ptr, len);
    return result;
}

function getArrayU8FromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return getUint8ArrayMemory0().subarray(ptr / 1, ptr / 1 + len);
}

let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {
        cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
    }
    return cachedDataViewMemory0;
}

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}

let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}

function isLikeNone(x) {
    return x === undefined || x === null;
}

function makeMutClosure(arg0, arg1, f) {
    const state = { a: arg0, b: arg1, cnt: 1 };
    const real = (...args) => {

        // First up with a closure we increment the internal reference
        // count. This ensures that the Rust closure environment won't
        // be deallocated while we're invoking it.
        state.cnt++;
        const a = state.a;
        state.a = 0;
        try {
            return f(a, state.b, ...args);
        } finally {
            state.a = a;
            real._wbg_cb_unref();
        }
    };
    real._wbg_cb_unref = () => {
        if (--state.cnt === 0) {
            wasm.__wbindgen_destroy_closure(state.a, state.b);
            state.a = 0;
            CLOSURE_DTORS.unregister(state);
        }
    };
    CLOSURE_DTORS.register(real, state, state);
    return real;
}

function passArrayJsValueToWasm0(array, malloc) {
    const ptr = malloc(array.length * 4, 4) >>> 0;
    for (let i = 0; i < array.length; i++) {
        const add = addToExternrefTable0(array[i]);
        getDataViewMemory0().setUint32(ptr + 4 * i, add, true);
    }
    WASM_VECTOR_LEN = array.length;
    return ptr;
}

function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}

function takeFromExternrefTable0(idx) {
    const value = wasm.__wbindgen_externrefs.get(idx);
    wasm.__externref_table_dealloc(idx);
    return value;
}

let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
function decodeText(bytes) {
    return cachedTextDecoder.decode(bytes);
}

const cachedTextEncoder = new TextEncoder();

if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}

let WASM_VECTOR_LEN = 0;

const wasmPath = `${__dirname}/../web/consentkit_bg.wasm`;
const wasmBytes = require('fs').readFileSync(wasmPath);
const wasmModule = new WebAssembly.Module(wasmBytes);
let wasmInstance = new WebAssembly.Instance(wasmModule, __wbg_get_imports());
let wasm = wasmInstance.exports;
wasm.__wbindgen_start();
