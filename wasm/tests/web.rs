//! The glue, tested inside headless Chromium (wasm-bindgen-test): errors
//! arrive as JS `ConsentKitError`s, JS objects are read and produced, a
//! JavaScript callback signs, and a real non-extractable WebCrypto P-256 key
//! signs a grant through the two-step API and an offer through
//! `Controller.withAsyncSigner` / `signAsync`; an `ArrayBuffer` is read.
//!
//! Run with `cargo test -p consentkit-wasm --target wasm32-unknown-unknown`
//! (the runner is set in `.cargo/config.toml`; `scripts/test-wasm` sets it all up).
#![cfg(target_arch = "wasm32")]
// A test file: helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit_wasm::error::{is_consentkit_error, CkError};
use consentkit_wasm::issuer::Issuer;
use consentkit_wasm::keys::{JsKey, JsPublicKey, JsTrustSet};
use consentkit_wasm::signer::ExternalKey;
use consentkit_wasm::verify::{audit, decode, inspect, verify, verify_bundle};
use consentkit_wasm::wallet::JsWallet;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function offerInput(controller, at) {
  return {
    controller, name: "live-routing-2026", issuedAt: at, validUntil: at + 365 * 86400,
    purposes: ["dpv:ServiceProvision", "https://city.example/purpose#UrbanPlanning"],
    categories: ["pd:Location"],
    recipients: [{ party: "city.example", purposes: ["https://city.example/purpose#UrbanPlanning"], categories: ["pd:Location"] }],
    retentionSecs: 30 * 86400, limits: { usesPerDay: 1000, finestPrecision: 10 },
    legalBasis: "dpv:Consent", jurisdiction: "EU", language: "en",
    notice: { url: "https://traffic.example/notice/v3", text: "We use your location to route you around traffic." },
    valueOffered: [{ kind: "service", amount: 1, unit: "month", description: "Live traffic routing" }],
    serviceWithoutConsent: true,
  };
}
export function receiptInput(grant, at) {
  return { grant, category: "pd:Location", purpose: "dpv:ServiceProvision", recipient: "traffic.example",
           usedAt: at, quantity: 1, precision: 10, commitment: "00".repeat(32) };
}
export function get(o, k) { return o[k]; }
export function len(a) { return a.length; }
export async function webcryptoPair() {
  return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
}
export async function rawPublic(pair) {
  return new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
}
export async function webcryptoSign(pair, message) {
  return new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message));
}
export function extractable(pair) { return pair.privateKey.extractable; }
export function callbackSigner(raw, signFn) {
  return { publicKey: () => ({ algorithm: "ES256", bytes: raw }), sign: (m) => signFn(m) };
}
export function throwingSigner(raw) {
  return { publicKey: () => ({ algorithm: "ES256", bytes: raw }), sign: () => { throw new Error("token unplugged"); } };
}
export function promiseSigner(raw) {
  return { publicKey: () => ({ algorithm: "ES256", bytes: raw }), sign: async () => new Uint8Array(64) };
}
export async function webcryptoAsyncSigner() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const bytes = await crypto.subtle.exportKey("raw", pair.publicKey);
  return {
    publicKey: () => ({ algorithm: "ES256", bytes }),
    sign: (m) => crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, m),
  };
}
export function bufferOf(bytes) { return bytes.slice().buffer; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = offerInput)]
    fn offer_input(controller: &str, at: f64) -> consentkit_wasm::issuer::OfferInputJs;
    #[wasm_bindgen(js_name = receiptInput)]
    fn receipt_input(grant: &str, at: f64) -> consentkit_wasm::issuer::ReceiptInputJs;
    fn get(o: &JsValue, k: &str) -> JsValue;
    fn len(a: &JsValue) -> u32;
    #[wasm_bindgen(js_name = webcryptoPair)]
    async fn webcrypto_pair() -> JsValue;
    #[wasm_bindgen(js_name = rawPublic)]
    async fn raw_public(pair: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = webcryptoSign)]
    async fn webcrypto_sign(pair: &JsValue, message: &[u8]) -> JsValue;
    fn extractable(pair: &JsValue) -> bool;
    #[wasm_bindgen(js_name = callbackSigner)]
    fn callback_signer(
        raw: &[u8],
        sign: &js_sys::Function,
    ) -> consentkit_wasm::signer::ExternalSignerJs;
    #[wasm_bindgen(js_name = throwingSigner)]
    fn throwing_signer(raw: &[u8]) -> consentkit_wasm::signer::ExternalSignerJs;
    #[wasm_bindgen(js_name = promiseSigner)]
    fn promise_signer(raw: &[u8]) -> consentkit_wasm::signer::ExternalSignerJs;
    #[wasm_bindgen(js_name = webcryptoAsyncSigner)]
    async fn webcrypto_async_signer() -> JsValue;
    #[wasm_bindgen(js_name = bufferOf)]
    fn buffer_of(bytes: &[u8]) -> JsValue;
}

const T0: f64 = 1_793_491_200.0;
const CONTROLLER: &str = "traffic.example";

/// The JS error a Rust error becomes, with its code.
fn js_code(e: CkError) -> String {
    let v: JsValue = e.into();
    assert!(is_consentkit_error(&v));
    assert!(v.is_instance_of::<js_sys::Error>());
    assert_eq!(v.unchecked_ref::<js_sys::Error>().name(), "ConsentKitError");
    Reflect::get(&v, &"code".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// Bytes as a JavaScript `Uint8Array` argument.
fn b(x: &[u8]) -> consentkit_wasm::convert::BytesJs {
    consentkit_wasm::convert::to_bytes_js(x)
}

struct Deal {
    controller: JsKey,
    issuer: Issuer,
    offer: Vec<u8>,
    digest: String,
}

fn deal(wallet: &mut JsWallet) -> Deal {
    let controller = JsKey::generate(JsValue::UNDEFINED).unwrap();
    let issuer = Issuer::new(&controller);
    let offer = issuer.offer(offer_input(CONTROLLER, T0)).unwrap();
    wallet
        .trust_key(&controller.public_key(), "controller", CONTROLLER)
        .unwrap();
    let found = get(&wallet.receive(b(&offer), T0).unwrap(), "violations");
    assert_eq!(len(&found), 0);
    let view = decode(b(&offer)).unwrap();
    let digest = get(&view, "digest").as_string().unwrap();
    Deal {
        controller,
        issuer,
        offer,
        digest,
    }
}

#[wasm_bindgen_test]
fn errors_are_consentkit_errors_with_stable_codes() {
    assert_eq!(js_code(decode(b(&[0xff])).err().unwrap()), "INVALID_INPUT");
    assert_eq!(
        js_code(JsKey::from_cose_key(b(b"garbage")).err().unwrap()),
        "INVALID_INPUT"
    );
    assert_eq!(
        js_code(JsWallet::from_bytes(b(b"not a wallet")).err().unwrap()),
        "CORRUPT"
    );
    let mut w = JsWallet::create(JsValue::from("ES256")).unwrap();
    let e = w.withdraw(&"00".repeat(16), T0).err().unwrap();
    assert_eq!(js_code(e), "NOT_FOUND");
    let backup = w.export_backup(b(&[7; 32])).unwrap();
    let e = JsWallet::import_backup(b(&backup), b(&[8; 32]))
        .err()
        .unwrap();
    assert_eq!(js_code(e), "BACKUP");
    let back = JsWallet::import_backup(b(&backup), b(&[7; 32])).unwrap();
    assert_eq!(back.to_bytes(), w.to_bytes());
    assert_eq!(
        js_code(
            JsWallet::import_backup(b(&backup), b(&[7; 31]))
                .err()
                .unwrap()
        ),
        "INVALID_INPUT"
    );
    // A JS value that is not a plain object.
    let bad: consentkit_wasm::issuer::OfferInputJs = JsValue::from(3).unchecked_into();
    let issuer = Issuer::new(&JsKey::generate(JsValue::UNDEFINED).unwrap());
    let e = issuer.offer(bad).err().unwrap();
    assert_eq!(js_code(e), "INVALID_INPUT");
}

#[wasm_bindgen_test]
fn a_wallet_accepts_shares_withdraws_and_flags_a_late_receipt() {
    let mut w = JsWallet::create(JsValue::UNDEFINED).unwrap();
    let d = deal(&mut w);
    let grant = d
        .issuer
        .countersign(
            b(
                &w.accept(&d.digest, JsValue::NULL.unchecked_into(), T0 + 60.0)
                    .unwrap(),
            ),
            b(&d.offer),
        )
        .unwrap();
    assert_eq!(
        len(&get(
            &w.receive(b(&grant), T0 + 60.0).unwrap(),
            "violations"
        )),
        0
    );
    let grant_id = get(&decode(b(&grant)).unwrap(), "id").as_string().unwrap();
    let r = d
        .issuer
        .receipt(receipt_input(&grant_id, T0 + 120.0), b(&grant))
        .unwrap();
    assert_eq!(
        len(&get(&w.receive(b(&r), T0 + 200.0).unwrap(), "violations")),
        0
    );
    w.withdraw(&grant_id, T0 + 300.0).unwrap();
    let late = d
        .issuer
        .receipt(receipt_input(&grant_id, T0 + 400.0), b(&grant))
        .unwrap();
    let v = get(&w.receive(b(&late), T0 + 500.0).unwrap(), "violations");
    assert_eq!(len(&v), 1);
    let first = js_sys::Array::from(&v).get(0);
    assert_eq!(get(&first, "kind").as_string().unwrap(), "after_withdrawal");
    // Persisted bytes round-trip; the bundle audits with the same finding.
    let again = JsWallet::from_bytes(b(&w.to_bytes())).unwrap();
    assert_eq!(again.to_bytes(), w.to_bytes());
    let mut trust = JsTrustSet::new();
    trust
        .add(&d.controller.public_key(), "controller", CONTROLLER)
        .unwrap();
    let report = audit(b(&w.export_bundle()), &trust, Some(T0 + 600.0)).unwrap();
    assert_eq!(report.finding_count(), 1);
    assert!(report.render_html().contains("after_withdrawal"));
    assert!(report.render_text().contains("after_withdrawal"));
    assert_eq!(len(&inspect(b(&w.export_bundle())).unwrap()), 5);
    assert_eq!(
        len(&get(&verify(b(&d.offer), &trust).unwrap(), "signers")),
        1
    );
    assert_eq!(
        len(&verify_bundle(b(&w.export_bundle()), &trust).unwrap()),
        5
    );
}

#[wasm_bindgen_test]
fn a_javascript_callback_signs_and_its_failures_are_signer_errors() {
    use consentkit::Signer as _;
    // The "foreign" side holds its own key: JS calls back into it to sign.
    let held = consentkit::KeyPair::generate(consentkit::Algorithm::ES256).unwrap();
    // The one shape of a public key: { algorithm, bytes } (the raw key).
    let public = held.public_key().raw().to_vec();
    let sign = Closure::<dyn Fn(Uint8Array) -> Uint8Array>::new(move |m: Uint8Array| {
        Uint8Array::from(held.sign(&m.to_vec()).unwrap().as_slice())
    });
    let ext = ExternalKey::from_callback(callback_signer(&public, sign.as_ref().unchecked_ref()))
        .unwrap();
    // The callback key signs as a controller (wallets take one key per
    // controller through `bindKey` and `prepare…`/`complete`).
    let offer = Issuer::from_external(&ext)
        .offer(offer_input(CONTROLLER, T0))
        .unwrap();
    let mut w = JsWallet::create(JsValue::UNDEFINED).unwrap();
    w.trust_key(&ext.public_key(), "controller", CONTROLLER)
        .unwrap();
    assert_eq!(
        len(&get(&w.receive(b(&offer), T0).unwrap(), "violations")),
        0
    );

    let throwing = ExternalKey::from_callback(throwing_signer(&public)).unwrap();
    let e = Issuer::from_external(&throwing)
        .offer(offer_input(CONTROLLER, T0))
        .err()
        .unwrap();
    assert!(e.message.contains("token unplugged"), "{}", e.message);
    assert_eq!(js_code(e), "SIGNER");

    let promising = ExternalKey::from_callback(promise_signer(&public)).unwrap();
    let e = Issuer::from_external(&promising)
        .offer(offer_input(CONTROLLER, T0))
        .err()
        .unwrap();
    assert!(e.message.contains("Promise"), "{}", e.message);
    assert_eq!(js_code(e), "SIGNER");
}

#[wasm_bindgen_test]
async fn a_non_extractable_webcrypto_key_signs_a_grant_in_two_steps() {
    let pair = webcrypto_pair().await;
    assert!(
        !extractable(&pair),
        "the private key must be non-extractable"
    );
    let raw: Uint8Array = raw_public(&pair).await.unchecked_into();
    let public =
        JsPublicKey::from_raw(JsValue::from_str("ES256"), raw.clone().unchecked_into()).unwrap();
    let mut w = JsWallet::create_external().unwrap();
    let d = deal(&mut w);
    // One-step calls are refused with a message that says what to do.
    let e = w
        .accept(&d.digest, JsValue::NULL.unchecked_into(), T0)
        .err()
        .unwrap();
    assert_eq!(js_code(e), "SIGNER");
    // Step 1: what to sign. Nothing is kept yet.
    let before = w.to_bytes();
    // Without a key for this controller, nothing can be prepared.
    let e = w
        .prepare_accept(&d.digest, JsValue::NULL.unchecked_into(), T0 + 60.0)
        .err()
        .unwrap();
    assert_eq!(js_code(e), "SIGNER");
    assert_eq!(w.to_bytes(), before);
    // The WebCrypto key made for this controller is bound, then the grant prepared.
    w.bind_key(CONTROLLER, &public).unwrap();
    let pending = w
        .prepare_accept(&d.digest, JsValue::NULL.unchecked_into(), T0 + 60.0)
        .unwrap();
    assert_eq!(pending.public_key().kid(), public.kid());
    assert_eq!(pending.kind(), "grant");
    assert_eq!(pending.algorithm(), "ES256");
    // WebCrypto signs asynchronously (raw r || s).
    let sig: Uint8Array = webcrypto_sign(&pair, &pending.message())
        .await
        .unchecked_into();
    assert_eq!(sig.length(), 64);
    // A wrong signature is refused.
    assert_eq!(
        js_code(w.complete(&pending, b(&[0u8; 64])).err().unwrap()),
        "SIGNER"
    );
    // Step 2: the grant is assembled, checked and kept.
    let grant = w.complete(&pending, sig.unchecked_into()).unwrap();
    let grant = d.issuer.countersign(b(&grant), b(&d.offer)).unwrap();
    assert_eq!(
        len(&get(
            &w.receive(b(&grant), T0 + 60.0).unwrap(),
            "violations"
        )),
        0
    );
    let mut trust = JsTrustSet::new();
    trust
        .add(&d.controller.public_key(), "controller", CONTROLLER)
        .unwrap();
    let signers = get(&verify(b(&grant), &trust).unwrap(), "signers");
    assert_eq!(len(&signers), 2);
    let person = js_sys::Array::from(&signers).get(0);
    assert_eq!(get(&person, "by").as_string().unwrap(), "subject");
    assert_eq!(get(&person, "kid").as_string().unwrap(), public.kid());
    // Withdraw in two steps too, then reopen the wallet with the same key.
    let grant_id = get(&decode(b(&grant)).unwrap(), "id").as_string().unwrap();
    let p = w.prepare_withdraw(&grant_id, T0 + 120.0).unwrap();
    let sig: Uint8Array = webcrypto_sign(&pair, &p.message()).await.unchecked_into();
    w.complete(&p, sig.unchecked_into()).unwrap();
    let reopened = JsWallet::from_bytes(b(&w.to_bytes())).unwrap();
    assert!(reopened.is_deferred());
    let state = reopened.grant_state(&grant_id, T0 + 200.0).unwrap();
    assert_eq!(state.as_string().unwrap(), "withdrawn");
}

#[wasm_bindgen_test]
async fn a_webcrypto_async_signer_signs_an_offer_and_an_array_buffer_is_read_in_chromium() {
    let signer: consentkit_wasm::async_signer::AsyncExternalSignerJs =
        webcrypto_async_signer().await.unchecked_into();
    let c = Issuer::with_async_signer(signer).unwrap();
    assert!(c.is_async());
    // One step is refused, saying what to do.
    let e = c.offer(offer_input(CONTROLLER, T0)).err().unwrap();
    assert!(e.message.contains("signAsync"), "{}", e.message);
    let pending = c.prepare_offer(offer_input(CONTROLLER, T0)).unwrap();
    let offer: Uint8Array = wasm_bindgen_futures::JsFuture::from(c.sign_async(&pending))
        .await
        .unwrap()
        .unchecked_into();
    let offer = offer.to_vec();
    let mut trust = JsTrustSet::new();
    trust
        .add(&c.public_key(), "controller", CONTROLLER)
        .unwrap();
    assert_eq!(len(&get(&verify(b(&offer), &trust).unwrap(), "signers")), 1);
    // The same bytes as an ArrayBuffer (what fetch().arrayBuffer() gives).
    let view = decode(buffer_of(&offer).unchecked_into()).unwrap();
    assert_eq!(get(&view, "kind").as_string().unwrap(), "offer");
    assert!(get(&view, "bytes").is_instance_of::<js_sys::Uint8Array>());
    assert!(get(&get(&view, "body"), "issuedAt").as_f64().is_some());
}
