//! The wallet's app lifecycle for JavaScript: a change listener (a JS
//! function), one purpose granted or withdrawn without UI, and
//! `needsDecision`. Every rule is the core's
//! (`consentkit::wallet::Wallet::{subscribe, grant_purpose, withdraw_purpose,
//! needs_decision}`); this file translates.
//!
//! The core tells its listeners inside the call that changed the wallet.
//! A JS listener is called after that call has returned, in a microtask
//! (`queueMicrotask`), so that it may call the wallet.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use consentkit::wallet::{WalletEvent, WalletListener};
use wasm_bindgen::prelude::*;

use crate::convert::{digest, dpv, time, to_js};
use crate::error::CkError;
use crate::wallet::JsWallet;

#[wasm_bindgen]
extern "C" {
    /// The host's `queueMicrotask` (browsers, Node).
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &JsValue);
}

thread_local! {
    /// The JS functions subscribed, by key (JS values stay on their thread).
    static FUNCTIONS: RefCell<HashMap<u32, js_sys::Function>> = RefCell::new(HashMap::new());
    static NEXT_KEY: Cell<u32> = const { Cell::new(0) };
}

/// The core's listener for a JS function: the function itself stays in
/// [`FUNCTIONS`]; it is let go when the core drops the listener
/// (`unsubscribe`, or the wallet freed).
struct JsListener {
    key: u32,
}

impl JsListener {
    fn new(f: js_sys::Function) -> JsListener {
        let key = NEXT_KEY.with(|n| {
            let k = n.get();
            n.set(k.wrapping_add(1));
            k
        });
        FUNCTIONS.with(|m| m.borrow_mut().insert(key, f));
        JsListener { key }
    }
}

impl WalletListener for JsListener {
    fn on_change(&self, event: &WalletEvent) {
        let Some(f) = FUNCTIONS.with(|m| m.borrow().get(&self.key).cloned()) else {
            return;
        };
        // A WalletEvent always converts (plain strings, numbers, booleans).
        if let Ok(e) = to_js(event) {
            queue_microtask(&JsValue::from(f.bind1(&JsValue::UNDEFINED, &e)));
        }
    }
}

impl Drop for JsListener {
    fn drop(&mut self) {
        FUNCTIONS.with(|m| m.borrow_mut().remove(&self.key));
    }
}

#[wasm_bindgen(js_class = Wallet)]
impl JsWallet {
    /// Subscribes `listener` to the wallet's changes. It is called (in a
    /// microtask, after this call returns) with the state at `now`
    /// (`replay: true`, every grant in `changed`), then once per call that
    /// keeps artifacts (`receive`, `accept`, `refuse`, `withdraw`,
    /// `complete`, `grantPurpose`, `withdrawPurpose`), after that call.
    /// Returns the id for `unsubscribe`.
    pub fn subscribe(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "(event: WalletEvent) => void")]
        listener: js_sys::Function,
        now: f64,
    ) -> Result<f64, CkError> {
        let now = time(now, "now")?;
        Ok(self
            .w_mut()
            .subscribe(Arc::new(JsListener::new(listener)), now) as f64)
    }

    /// Ends a subscription; `false` if there was none with that id.
    pub fn unsubscribe(&mut self, id: f64) -> bool {
        id >= 0.0 && id.fract() == 0.0 && self.w_mut().unsubscribe(id as u64)
    }

    /// Whether the app should ask the person about an offer (by its digest,
    /// 64 hex digits) at `now`: `false` while a grant of it (or of a
    /// re-issue with the same terms) is in force, or if the person's latest
    /// decision on it is a refusal or a withdrawal; `true` if they never
    /// decided on these terms, or their grant expired, was revoked or was
    /// superseded by a grant of an offer with other terms.
    #[wasm_bindgen(js_name = needsDecision)]
    pub fn needs_decision(
        &self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        now: f64,
    ) -> Result<bool, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        Ok(self.w().needs_decision(&offer, time(now, "now")?)?)
    }

    /// Grants one more purpose of an offer (by its digest) at `at`, without
    /// UI: a grant of that purpose alone, or one that supersedes the grant
    /// in force with the purpose added. Returns the grant signed by the
    /// person, for the controller to countersign.
    #[wasm_bindgen(js_name = grantPurpose)]
    pub fn grant_purpose(
        &mut self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        purpose: &str,
        at: f64,
    ) -> Result<Vec<u8>, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let purpose = dpv(purpose, "purpose")?;
        let a = self
            .w_mut()
            .grant_purpose(&offer, &purpose, time(at, "at")?)?;
        Ok(a.as_bytes().to_vec())
    }

    /// Withdraws one purpose of the grant of an offer (by its digest) in
    /// force at `at`, without UI. Returns, in order, the person's withdrawal
    /// of that grant and (unless it was its last purpose) a new grant of its
    /// other purposes, for the controller to countersign.
    #[wasm_bindgen(js_name = withdrawPurpose, unchecked_return_type = "Uint8Array[]")]
    pub fn withdraw_purpose(
        &mut self,
        #[wasm_bindgen(js_name = offerDigest)] offer_digest: &str,
        purpose: &str,
        at: f64,
    ) -> Result<js_sys::Array, CkError> {
        let offer = digest(offer_digest, "offer digest")?;
        let purpose = dpv(purpose, "purpose")?;
        let out = self
            .w_mut()
            .withdraw_purpose(&offer, &purpose, time(at, "at")?)?;
        Ok(out
            .iter()
            .map(|a| JsValue::from(js_sys::Uint8Array::from(a.as_bytes())))
            .collect())
    }
}
