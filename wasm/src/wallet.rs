//! The person's wallet for JavaScript. Every rule (what may be accepted,
//! what a receipt violates, what was shared and received) is the core's
//! `consentkit::wallet::Wallet`; this file translates arguments and results.
//!
//! The host persists the wallet's bytes (`toBytes`, e.g. in IndexedDB) after
//! each change and restores it with `fromBytes`.
//!
//! A key that signs asynchronously (a non-extractable WebCrypto key) uses
//! the core's prepared signatures: `prepareAccept`/`prepareRefuse`/
//! `prepareWithdraw` return a `PendingSignature` (the core's
//! [`consentkit::PendingSignature`]), and `complete` hands back the signature.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use consentkit::artifact::{Artifact, ArtifactKind};
use consentkit::log::{ConsistencyProof, InclusionProof};
use consentkit::wallet::{Choice, ReceiveOutcome, Wallet, WalletKey};
use consentkit::Algorithm;
use consentkit::PendingSignature as Prepared;
use wasm_bindgen::prelude::*;

use crate::convert::BytesJs;

use crate::convert::{
    absent, artifact_id, artifacts_js, bytes32, digest, set_artifact_bytes, time, to_js, to_js_as,
    Obj,
};
use crate::error::CkError;
use crate::keys::{parse_role, JsPublicKey, JsTrustSet, TrustedKeyList};

#[wasm_bindgen]
extern "C" {
    /// `Choice | null | undefined`.
    #[wasm_bindgen(typescript_type = "Choice | null | undefined")]
    pub type ChoiceJs;
    /// `Finding[]`.
    #[wasm_bindgen(typescript_type = "Finding[]")]
    pub type FindingList;
    /// `ReceiveOutcome`.
    #[wasm_bindgen(typescript_type = "ReceiveOutcome")]
    pub type ReceiveOutcomeJs;
    /// `GrantView[]`.
    #[wasm_bindgen(typescript_type = "GrantView[]")]
    pub type GrantViewList;
    /// `WalletSummary`.
    #[wasm_bindgen(typescript_type = "WalletSummary")]
    pub type SummaryJs;
    /// `ArtifactInfo[]`.
    #[wasm_bindgen(typescript_type = "ArtifactInfo[]")]
    pub type ArtifactInfoList;
    /// `LogCheck[]`.
    #[wasm_bindgen(typescript_type = "LogCheck[]")]
    pub type LogCheckList;
    /// `WitnessedLogCheck[]`.
    #[wasm_bindgen(typescript_type = "WitnessedLogCheck[]")]
    pub type WitnessedLogCheckList;
}

/// The person's choice: omitted (`null`, `undefined`) accepts the whole offer.
fn choice(v: &JsValue) -> Result<Choice, CkError> {
    if absent(v) {
        return Ok(Choice::default());
    }
    let o = Obj::new(
        v,
        "choice",
        &[
            "purposes",
            "categories",
            "recipients",
            "expires_at",
            "status",
        ],
    )?;
    Ok(Choice {
        purposes: o.opt_terms("purposes")?,
        categories: o.opt_terms("categories")?,
        recipients: o.opt_strings("recipients")?,
        expires_at: o.opt_u64("expires_at")?.map(Into::into),
        status: crate::status::opt_reference(&o, "status")?,
    })
}

/// An artifact waiting for the signature of a key held elsewhere: sign
/// `message` (e.g. `crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message)`)
/// and pass the signature to `complete(pending, signature)` on the `Wallet`
/// or `Controller` that prepared it (or let `signAsync` do both).
#[wasm_bindgen]
pub struct PendingSignature {
    pub(crate) prepared: Prepared,
}

#[wasm_bindgen]
impl PendingSignature {
    /// The exact bytes to sign: the COSE `Sig_structure` the library built.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> Vec<u8> {
        self.prepared.to_be_signed().to_vec()
    }

    /// The kind of artifact being signed (`"offer"`, `"grant"`, …).
    #[wasm_bindgen(getter, unchecked_return_type = "ArtifactKind")]
    pub fn kind(&self) -> String {
        self.prepared.kind().name().to_owned()
    }

    /// The algorithm the signature must use.
    #[wasm_bindgen(getter, unchecked_return_type = "Algorithm")]
    pub fn algorithm(&self) -> String {
        self.prepared.public_key().algorithm().name().to_owned()
    }

    /// The key id of the key that must sign.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.prepared.public_key().kid().to_string()
    }

    /// The key that must sign: the person's key at this controller.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> JsPublicKey {
        JsPublicKey {
            inner: self.prepared.public_key().clone(),
        }
    }
}

/// The person's wallet: their key (or an external one), their wallet
/// secret for pairwise pseudonyms, and every artifact of their deals.
#[wasm_bindgen(js_name = Wallet)]
pub struct JsWallet {
    /// Shared so that `signAsync` can complete after its signer's
    /// `Promise` settles without borrowing this object meanwhile (the
    /// wallet stays usable while a signer waits for the user). Borrowed
    /// only inside one call; JS listeners run later, in microtasks.
    pub(crate) shared: Rc<RefCell<Wallet>>,
    deferred: bool,
}

impl JsWallet {
    pub(crate) fn wrap(w: Wallet, deferred: bool) -> JsWallet {
        JsWallet {
            shared: Rc::new(RefCell::new(w)),
            deferred,
        }
    }

    /// The wallet, for a call that reads it.
    pub(crate) fn w(&self) -> Ref<'_, Wallet> {
        self.shared.borrow()
    }

    /// The wallet, for a call that changes it (`&mut self` in the export,
    /// so wasm-bindgen already holds this object exclusively).
    pub(crate) fn w_mut(&self) -> RefMut<'_, Wallet> {
        self.shared.borrow_mut()
    }
}

fn bytes_of(a: &Artifact) -> Vec<u8> {
    a.as_bytes().to_vec()
}

#[wasm_bindgen(js_class = Wallet)]
impl JsWallet {
    /// A new wallet with a fresh secret and in-process keys, one per
    /// controller: `"Ed25519"` (default; derived from the wallet secret) or
    /// `"ES256"` (generated and stored). The wallet's bytes hold secrets.
    #[wasm_bindgen(js_name = inMemory)]
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "Algorithm | null | undefined")] algorithm: JsValue,
    ) -> Result<JsWallet, CkError> {
        // A JsValue, not Option<String>: a number must be an error, not a trap.
        let key = if absent(&algorithm) {
            WalletKey::Ed25519
        } else {
            match crate::keys::alg_from_js(&algorithm)? {
                Algorithm::Ed25519 => WalletKey::Ed25519,
                Algorithm::ES256 => WalletKey::Es256,
            }
        };
        Ok(JsWallet::wrap(Wallet::new(key)?, false))
    }

    /// A new wallet whose keys are held outside it (e.g. non-extractable
    /// WebCrypto keys), one per controller: give each controller's public
    /// key with `bindKey`, sign with `prepare…` and `complete`. The bytes hold only public keys.
    #[wasm_bindgen(js_name = inMemoryExternal)]
    pub fn create_external() -> Result<JsWallet, CkError> {
        Ok(JsWallet::wrap(Wallet::new(WalletKey::PublicOnly)?, true))
    }

    /// A wallet from bytes returned by `toBytes`. Damaged records are
    /// skipped and listed by `problems()`. A wallet whose keys are held
    /// outside it signs with `prepare…` and `complete`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: BytesJs) -> Result<JsWallet, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        let inner = Wallet::from_bytes(bytes, None)?;
        let deferred = inner.is_external();
        Ok(JsWallet::wrap(inner, deferred))
    }

    /// The wallet as bytes, for the host to store (e.g. in IndexedDB).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.w().to_bytes()
    }

    /// Exports the whole wallet as one encrypted backup (ChaCha20-Poly1305)
    /// under a 32-byte key supplied by the host.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, key: BytesJs) -> Result<Vec<u8>, CkError> {
        let key: &[u8] = &crate::convert::bytes(&key, "key")?;
        Ok(self.w().export_backup(&bytes32(key, "backup key")?)?)
    }

    /// Restores a wallet from an encrypted backup.
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(
        backup: BytesJs,
        #[wasm_bindgen(js_name = backupKey)] backup_key: BytesJs,
    ) -> Result<JsWallet, CkError> {
        let backup: &[u8] = &crate::convert::bytes(&backup, "backup")?;
        let backup_key: &[u8] = &crate::convert::bytes(&backup_key, "backupKey")?;
        let key = zeroize::Zeroizing::new(bytes32(backup_key, "backup key")?);
        let inner = Wallet::import_backup(backup, &key, None)?;
        let deferred = inner.is_external();
        Ok(JsWallet::wrap(inner, deferred))
    }

    /// The wallet format version (1: one key for every controller, from
    /// before wallets had a key per controller; 2: a key per controller).
    pub fn version(&self) -> f64 {
        self.w().version() as f64
    }

    /// What could not be read (damaged records, skipped): `{ offset, record, message }[]`.
    #[wasm_bindgen(unchecked_return_type = "WalletProblem[]")]
    pub fn problems(&self) -> Result<JsValue, CkError> {
        crate::convert::to_js(&self.w().problems())
    }

    /// The person's public key at `controller`, or `undefined` if the wallet has none there yet.
    #[wasm_bindgen(js_name = publicKeyFor)]
    pub fn public_key_for(&self, controller: &str) -> Option<JsPublicKey> {
        self.w()
            .public_key_for(controller)
            .map(|inner| JsPublicKey { inner })
    }

    /// Records the public key of the person's external key at `controller`
    /// (one key per controller; a key already bound elsewhere is refused).
    #[wasm_bindgen(js_name = bindKey)]
    pub fn bind_key(&mut self, controller: &str, key: &JsPublicKey) -> Result<(), CkError> {
        Ok(self.w_mut().bind_key(controller, key.inner.clone())?)
    }

    /// Trusts a controller's or partner's key (the app pins them).
    #[wasm_bindgen(js_name = trustKey)]
    pub fn trust_key(
        &mut self,
        key: &JsPublicKey,
        #[wasm_bindgen(unchecked_param_type = "Role")] role: &str,
        party: &str,
    ) -> Result<(), CkError> {
        Ok(self
            .w_mut()
            .trust_key(key.inner.clone(), parse_role(role)?, party)?)
    }

    /// Trusts every key of a trust set, with its role and party.
    #[wasm_bindgen(js_name = trustAll)]
    pub fn trust_all(&mut self, trust: &JsTrustSet) -> Result<(), CkError> {
        for k in trust.inner.iter() {
            self.w_mut()
                .trust_key(k.key.clone(), k.role, k.party.as_str())?;
        }
        Ok(())
    }

    /// The keys this wallet trusts.
    #[wasm_bindgen(js_name = trustedKeys)]
    pub fn trusted_keys(&self) -> Result<TrustedKeyList, CkError> {
        to_js_as(&self.w().trusted_keys())
    }

    /// The wallet's trust set.
    pub fn trust(&self) -> JsTrustSet {
        JsTrustSet {
            inner: self.w().trust().clone(),
        }
    }

    /// The person's pairwise pseudonym at a controller (32 hex digits).
    pub fn pseudonym(&self, controller: &str) -> String {
        hex::encode(self.w().pseudonym(controller))
    }

    /// Takes in an artifact (offer, countersigned grant, revocation, receipt,
    /// value record), verifies it against the trusted keys, keeps it, and
    /// returns it with the violations that now concern it at `now` (seconds
    /// since 1970): `{ artifact, violations }`, as in every skin.
    pub fn receive(&mut self, bytes: BytesJs, now: f64) -> Result<ReceiveOutcomeJs, CkError> {
        let bytes: &[u8] = &crate::convert::bytes(&bytes, "bytes")?;
        let (a, violations) = self.w_mut().receive(bytes, time(now, "now")?)?;
        let info = a.info();
        let out = to_js(&ReceiveOutcome {
            artifact: info.clone(),
            violations,
        })?;
        set_artifact_bytes(&out, &info.bytes)?;
        Ok(out.unchecked_into())
    }

    /// Accepts an offer (by its digest, 64 hex digits), whole (`choice`
    /// omitted) or granular, at `at`. Returns the grant signed by the
    /// person, for the controller to countersign.
    pub fn accept(
        &mut self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        #[wasm_bindgen(js_name = choice)] choice_: ChoiceJs,
        at: f64,
    ) -> Result<Vec<u8>, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let choice = choice(&choice_)?;
        let a = self.w_mut().accept(&offer, &choice, time(at, "at")?)?;
        Ok(bytes_of(&a))
    }

    /// Refuses an offer; returns the refusal for the controller to countersign.
    pub fn refuse(
        &mut self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        at: f64,
    ) -> Result<Vec<u8>, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let a = self.w_mut().refuse(&offer, time(at, "at")?)?;
        Ok(bytes_of(&a))
    }

    /// Withdraws a grant (by its id, 32 hex digits): one call. Returns the
    /// signed withdrawal, to send to the controller.
    pub fn withdraw(
        &mut self,
        #[wasm_bindgen(js_name = grantId)] grant_id: &str,
        at: f64,
    ) -> Result<Vec<u8>, CkError> {
        let grant = artifact_id(grant_id, "grant id")?;
        let a = self.w_mut().withdraw(grant, time(at, "at")?)?;
        Ok(bytes_of(&a))
    }

    /// A C2SP `tlog-proof@v1` (text) for one of the wallet's artifacts (by
    /// id): its inclusion proof under a checkpoint of a trusted log.
    #[wasm_bindgen(js_name = exportTlogProof)]
    pub fn export_tlog_proof(
        &self,
        #[wasm_bindgen(js_name = artifactId)] artifact_id_hex: &str,
    ) -> Result<String, CkError> {
        let id = artifact_id(artifact_id_hex, "artifact id")?;
        Ok(self.w().export_tlog_proof(id)?)
    }

    /// Checks an RFC 9942 COSE Receipt the log issued for one of the
    /// wallet's artifacts (by id) against the log keys the wallet trusts.
    /// Returns `{ treeSize, leafIndex, root }` (root in hex).
    #[wasm_bindgen(js_name = verifyCoseReceipt)]
    pub fn verify_cose_receipt(
        &self,
        #[wasm_bindgen(js_name = artifactId)] artifact_id_hex: &str,
        receipt: BytesJs,
    ) -> Result<crate::status::ReceiptCheckJs, CkError> {
        let receipt: &[u8] = &crate::convert::bytes(&receipt, "receipt")?;
        let id = artifact_id(artifact_id_hex, "artifact id")?;
        crate::status::receipt_check(&self.w().verify_cose_receipt(id, receipt)?)
    }

    /// Checks a C2SP `tlog-proof@v1` of one of the wallet's artifacts (by
    /// id) against the log keys the wallet trusts. Returns
    /// `{ treeSize, leafIndex, root }` (root in hex).
    #[wasm_bindgen(js_name = verifyTlogProof)]
    pub fn verify_tlog_proof(
        &self,
        #[wasm_bindgen(js_name = artifactId)] artifact_id_hex: &str,
        proof: &str,
    ) -> Result<crate::status::ReceiptCheckJs, CkError> {
        let id = artifact_id(artifact_id_hex, "artifact id")?;
        crate::status::receipt_check(&self.w().verify_tlog_proof(id, proof)?)
    }

    /// First step of `accept` for a key that signs elsewhere: returns what
    /// to sign, and (`pending.publicKey`) the person's key at the offer's
    /// controller that must sign it. Bind that key first with `bindKey`
    /// (one key per controller); without one this throws `SIGNER`.
    #[wasm_bindgen(js_name = prepareAccept)]
    pub fn prepare_accept(
        &self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        #[wasm_bindgen(js_name = choice)] choice_: ChoiceJs,
        at: f64,
    ) -> Result<PendingSignature, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let choice = choice(&choice_)?;
        let prepared = self.w().prepare_accept(&offer, &choice, time(at, "at")?)?;
        Ok(PendingSignature { prepared })
    }

    /// First step of `refuse` for a key that signs elsewhere: returns what
    /// to sign (the controller's key must be bound, as for `prepareAccept`).
    #[wasm_bindgen(js_name = prepareRefuse)]
    pub fn prepare_refuse(
        &self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        at: f64,
    ) -> Result<PendingSignature, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let prepared = self.w().prepare_refuse(&offer, time(at, "at")?)?;
        Ok(PendingSignature { prepared })
    }

    /// First step of `withdraw` for a key that signs elsewhere: returns what to sign.
    #[wasm_bindgen(js_name = prepareWithdraw)]
    pub fn prepare_withdraw(
        &self,
        #[wasm_bindgen(js_name = grantId)] grant_id: &str,
        at: f64,
    ) -> Result<PendingSignature, CkError> {
        let grant = artifact_id(grant_id, "grant id")?;
        let prepared = self.w().prepare_withdraw(grant, time(at, "at")?)?;
        Ok(PendingSignature { prepared })
    }

    /// Second step: hands over the signature of `pending.message` (ES256:
    /// raw `r || s` as WebCrypto returns it, or DER). The core checks it
    /// with the wallet's public key, then keeps and returns the artifact.
    pub fn complete(
        &mut self,
        pending: &PendingSignature,
        signature: BytesJs,
    ) -> Result<Vec<u8>, CkError> {
        let signature: &[u8] = &crate::convert::bytes(&signature, "signature")?;
        let a = self.w_mut().complete(&pending.prepared, signature)?;
        Ok(bytes_of(&a))
    }

    /// The grants and their states at `now`.
    pub fn grants(&self, now: f64) -> Result<GrantViewList, CkError> {
        to_js_as(&self.w().grants(time(now, "now")?))
    }

    /// What the person shared (with whom, for what, under which grant), what
    /// they received, refusals, and violations, at `now`.
    pub fn summary(&self, now: f64) -> Result<SummaryJs, CkError> {
        to_js_as(&self.w().summary(time(now, "now")?))
    }

    /// Every violation in the wallet's records at `now`.
    pub fn violations(&self, now: f64) -> Result<FindingList, CkError> {
        to_js_as(&self.w().violations(time(now, "now")?))
    }

    /// A grant's state at `now` (`"given"`, `"withdrawn"`, ...), or `undefined`.
    #[wasm_bindgen(js_name = grantState, unchecked_return_type = "ConsentState | undefined")]
    pub fn grant_state(
        &self,
        #[wasm_bindgen(js_name = grantId)] grant_id: &str,
        now: f64,
    ) -> Result<JsValue, CkError> {
        let id = artifact_id(grant_id, "grant id")?;
        match self.w().grant_state(id, time(now, "now")?) {
            Some(s) => crate::convert::to_js(&s),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Every artifact in the wallet, as JSON views, in the order received.
    pub fn artifacts(&self) -> Result<ArtifactInfoList, CkError> {
        Ok(artifacts_js(self.w().artifacts())?.unchecked_into())
    }

    /// The offers in the wallet, as JSON views (`digest` names an offer in `accept`).
    pub fn offers(&self) -> Result<ArtifactInfoList, CkError> {
        let w = self.w();
        let offers = w
            .artifacts()
            .iter()
            .filter(|a| a.kind() == ArtifactKind::Offer);
        Ok(artifacts_js(offers)?.unchecked_into())
    }

    /// The wallet's artifacts as one bundle (a CBOR sequence), e.g. for an auditor.
    #[wasm_bindgen(js_name = exportBundle)]
    pub fn export_bundle(&self) -> Vec<u8> {
        self.w().export_bundle()
    }

    /// Records a transparency-log checkpoint note the wallet has seen.
    #[wasm_bindgen(js_name = addCheckpoint)]
    pub fn add_checkpoint(&mut self, note: &str) -> Result<(), CkError> {
        Ok(self.w_mut().add_checkpoint(note)?)
    }

    /// The checkpoint notes recorded.
    pub fn checkpoints(&self) -> Vec<String> {
        self.w().checkpoints().to_vec()
    }

    /// Keeps an inclusion proof (its CBOR encoding, as the log serves it)
    /// of one of the wallet's artifacts (by id).
    #[wasm_bindgen(js_name = addInclusionProof)]
    pub fn add_inclusion_proof(
        &mut self,
        #[wasm_bindgen(js_name = artifactId)] artifact_id_: &str,
        proof: BytesJs,
    ) -> Result<(), CkError> {
        let proof: &[u8] = &crate::convert::bytes(&proof, "proof")?;
        let id = artifact_id(artifact_id_, "artifact id")?;
        let proof = InclusionProof::from_cbor(proof)?;
        Ok(self.w_mut().add_inclusion_proof(id, &proof)?)
    }

    /// Keeps a consistency proof (its CBOR encoding) between two checkpoints.
    #[wasm_bindgen(js_name = addConsistencyProof)]
    pub fn add_consistency_proof(&mut self, proof: BytesJs) -> Result<(), CkError> {
        let proof: &[u8] = &crate::convert::bytes(&proof, "proof")?;
        let proof = ConsistencyProof::from_cbor(proof)?;
        Ok(self.w_mut().add_consistency_proof(&proof)?)
    }

    /// Checks every transparency log the wallet trusts (role `log`): the
    /// checkpoints' signatures, consistency between them (a rewritten log is
    /// caught), and inclusion proofs of the person's own artifacts.
    #[wasm_bindgen(js_name = checkLogs)]
    pub fn check_logs(&self) -> Result<LogCheckList, CkError> {
        to_js_as(&self.w().check_logs())
    }

    /// Checks the wallet's checkpoints and inclusion proofs against a
    /// witness policy (C2SP tlog-policy text), for each log it names:
    /// checkpoints count only with the policy's quorum of cosignatures; an
    /// artifact is proven only in a witnessed checkpoint; one dated more
    /// than `tolerance` seconds before the earliest cosignature of a
    /// witnessed checkpoint that does not contain it is backdated.
    #[wasm_bindgen(js_name = checkLogsWitnessed)]
    pub fn check_logs_witnessed(
        &self,
        policy: &str,
        tolerance: f64,
    ) -> Result<WitnessedLogCheckList, CkError> {
        let policy = consentkit::log::Policy::parse(policy.as_bytes())
            .map_err(|e| CkError::invalid(format!("witness policy: {e}")))?;
        let tolerance = crate::status::uint(tolerance, "tolerance")?;
        to_js_as(&self.w().check_logs_witnessed(&policy, tolerance))
    }

    /// Whether this wallet's key signs only in two steps (`prepare…`, then `complete`).
    #[wasm_bindgen(getter, js_name = isDeferred)]
    pub fn is_deferred(&self) -> bool {
        self.deferred
    }
}
