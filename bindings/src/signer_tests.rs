//! Rust-side checks of the async signers and the prepare/complete flow
//! (Kotlin and Python drive the same through their own executors in
//! `bindings/tests`).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use consentkit::Signer as _;

use crate::*;

const T0: Timestamp = consentkit::sample::T0;

/// Runs a future to completion on this thread (the foreign side's
/// executor does this in Kotlin, Swift and Python).
fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// DER `ECDSA-Sig-Value` of a raw `r || s`, minimal, as Android Keystore writes it.
fn der_of(raw: &[u8]) -> Vec<u8> {
    let int = |b: &[u8]| {
        let mut v: Vec<u8> = b.iter().copied().skip_while(|&x| x == 0).collect();
        if v.is_empty() || v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    };
    let mut body = int(&raw[..32]);
    body.extend(int(&raw[32..]));
    let mut der = vec![0x30, body.len() as u8];
    der.extend(body);
    der
}

/// How a test signer answers.
#[derive(Clone, Copy)]
enum Answer {
    Raw,
    Der,
    /// DER with a zero byte `r` does not need (BER).
    NonMinimalDer,
    /// 63 bytes.
    Short,
    /// The user cancelled: the signer throws.
    Cancelled,
}

/// An async signer over an in-process P-256 key that yields once before
/// answering (as a platform key waiting for the user would).
struct Platform {
    key: consentkit::KeyPair,
    answer: Answer,
    calls: AtomicUsize,
}

impl Platform {
    fn new(answer: Answer) -> Arc<Platform> {
        Arc::new(Platform {
            key: consentkit::KeyPair::generate(consentkit::Algorithm::ES256).unwrap(),
            answer,
            calls: AtomicUsize::new(0),
        })
    }
    fn raw_key(&self) -> RawPublicKey {
        (&self.key.public_key()).into()
    }
}

/// A future that is pending once, waking itself.
struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[async_trait::async_trait]
impl AsyncExternalSigner for Platform {
    fn public_key(&self) -> Result<RawPublicKey, ConsentKitError> {
        Ok(RawPublicKey {
            algorithm: Algorithm::ES256,
            bytes: self.key.public_key().raw().to_vec(),
        })
    }

    async fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, ConsentKitError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        YieldOnce(false).await;
        let raw = self.key.sign(&message)?;
        Ok(match self.answer {
            Answer::Raw => raw,
            Answer::Der => der_of(&raw),
            Answer::NonMinimalDer => {
                let mut d = der_of(&raw);
                if d.len() == 72 {
                    // No room for another byte: send r || s truncated instead.
                    return Ok(raw[..63].to_vec());
                }
                d.insert(4, 0);
                d[3] += 1;
                d[1] += 1;
                d
            }
            Answer::Short => raw[..63].to_vec(),
            Answer::Cancelled => {
                return Err(ConsentKitError::Signer {
                    reason: "user cancelled authentication".into(),
                })
            }
        })
    }
}

fn offer(controller: &str) -> Offer {
    Offer {
        controller: controller.into(),
        name: "live-routing".into(),
        issued_at: T0,
        valid_from: Some(T0),
        valid_until: Some(T0 + 365 * 86_400),
        purposes: vec![consentkit::term("dpv:ServiceProvision").unwrap()],
        categories: vec![consentkit::term("pd:Location").unwrap()],
        recipients: vec![],
        retention_secs: 86_400,
        limits: Limits::default(),
        legal_basis: consentkit::term("dpv:Consent").unwrap(),
        jurisdiction: "EU".into(),
        language: "en".into(),
        notice: notice_for_text("https://traffic.example/n".into(), b"notice".to_vec()),
        value_offered: vec![],
        value_estimate: None,
        service_without_consent: true,
    }
}

fn verifier(controller: &Platform) -> Arc<Verifier> {
    let trust = TrustSet::new();
    trust
        .add(
            controller.raw_key(),
            Role::Controller,
            "traffic.example".into(),
        )
        .unwrap();
    Verifier::new(trust)
}

#[test]
fn an_async_controller_signs_an_offer_and_countersigns_a_grant_from_an_async_wallet() {
    let kms = Platform::new(Answer::Der);
    let controller = Controller::with_async_signer(kms.clone()).unwrap();
    assert!(controller.is_async());
    let offer_bytes = block_on(
        controller.sign_async(controller.prepare_offer(offer("traffic.example")).unwrap()),
    )
    .unwrap();
    let v = verifier(&kms);
    assert_eq!(
        v.verify(offer_bytes.clone()).unwrap().artifact.kind,
        ArtifactKind::Offer
    );

    // The person's side: a wallet whose key is a platform key that signs in raw form.
    let phone = Platform::new(Answer::Raw);
    let wallet = Wallet::in_memory_external().unwrap();
    wallet
        .trust_key(kms.raw_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let got = wallet.receive(offer_bytes.clone(), T0).unwrap();
    wallet
        .bind_key("traffic.example".into(), phone.public_key().unwrap())
        .unwrap();
    let pending = wallet
        .prepare_accept(got.artifact.id.to_string(), Choice::default(), T0 + 10)
        .unwrap();
    let grant = block_on(wallet.sign_async(pending, phone.clone())).unwrap();
    let signed = block_on(
        controller.sign_async(controller.prepare_countersign(grant, offer_bytes).unwrap()),
    )
    .unwrap();
    let checked = v.verify(signed.clone()).unwrap();
    assert_eq!(checked.artifact.kind, ArtifactKind::Grant);
    let g = wallet.receive(signed, T0 + 20).unwrap().artifact;
    // The person withdraws with the same key, asynchronously.
    let pending = wallet.prepare_withdraw(g.id.to_string(), T0 + 30).unwrap();
    let w = block_on(wallet.sign_async(pending, phone.clone())).unwrap();
    assert_eq!(v.verify(w).unwrap().artifact.kind, ArtifactKind::Withdrawal);
    assert_eq!(kms.calls.load(Ordering::SeqCst), 2);
    assert_eq!(phone.calls.load(Ordering::SeqCst), 2);
    // The controller revokes asynchronously too.
    let pending = controller
        .prepare_revoke(g.id.to_string(), T0 + 40, "closed".into())
        .unwrap();
    let r = block_on(controller.sign_async(pending)).unwrap();
    assert_eq!(v.verify(r).unwrap().artifact.kind, ArtifactKind::Withdrawal);
}

#[test]
fn an_async_controller_refuses_to_sign_in_one_step_and_says_why() {
    let controller = Controller::with_async_signer(Platform::new(Answer::Raw)).unwrap();
    match controller.make_offer(offer("traffic.example")) {
        Err(ConsentKitError::Signer { reason }) => {
            assert!(reason.contains("signAsync"), "{reason}")
        }
        other => panic!("expected a signer error, got {other:?}"),
    }
}

#[test]
fn an_in_process_controller_signs_through_the_async_methods_too() {
    let key = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let controller = Controller::new(key.clone());
    assert!(!controller.is_async());
    let bytes = block_on(
        controller.sign_async(controller.prepare_offer(offer("traffic.example")).unwrap()),
    )
    .unwrap();
    let trust = TrustSet::new();
    trust
        .add(key.public_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    Verifier::new(trust).verify(bytes).unwrap();
}

#[test]
fn prepare_and_complete_by_hand_with_a_der_signature() {
    let hsm = Platform::new(Answer::Raw);
    let controller = Controller::with_async_signer(hsm.clone()).unwrap();
    let pending = controller.prepare_offer(offer("traffic.example")).unwrap();
    assert_eq!(pending.kind(), ArtifactKind::Offer);
    assert_eq!(pending.algorithm(), Algorithm::ES256);
    assert_eq!(pending.kid(), hsm.key.kid().to_string());
    assert_eq!(pending.public_key().bytes, hsm.key.public_key().raw());
    let sig = der_of(&hsm.key.sign(&pending.message()).unwrap());
    let bytes = controller.complete(pending, sig).unwrap();
    verifier(&hsm).verify(bytes.clone()).unwrap();

    // The person's side, by hand: bind the key, prepare, sign, complete.
    let phone = Platform::new(Answer::Raw);
    let wallet = Wallet::in_memory_external().unwrap();
    wallet
        .trust_key(hsm.raw_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let o = wallet.receive(bytes, T0).unwrap().artifact;
    // Without a bound key there is nothing to prepare for.
    assert!(matches!(
        wallet.prepare_accept(o.id.to_string(), Choice::default(), T0 + 1),
        Err(ConsentKitError::Signer { .. })
    ));
    wallet
        .bind_key("traffic.example".into(), phone.public_key().unwrap())
        .unwrap();
    let p = wallet.prepare_refuse(o.id.to_string(), T0 + 1).unwrap();
    assert_eq!(p.kind(), ArtifactKind::Refusal);
    let sig = der_of(&phone.key.sign(&p.message()).unwrap());
    let refusal = wallet.complete(p, sig).unwrap();
    assert_eq!(
        decode_artifact(refusal).unwrap().kind,
        ArtifactKind::Refusal
    );
}

#[test]
fn complete_refuses_a_signature_prepared_for_another_controller() {
    let a = Controller::with_async_signer(Platform::new(Answer::Raw)).unwrap();
    let b = Controller::new(KeyPair::generate(Algorithm::ES256).unwrap());
    let pending = a.prepare_offer(offer("traffic.example")).unwrap();
    assert!(matches!(
        b.complete(pending, vec![1; 64]),
        Err(ConsentKitError::Usage { .. })
    ));
}

#[test]
fn a_malformed_signature_from_an_async_signer_is_a_signer_error_naming_it() {
    for (answer, says) in [
        (Answer::Short, "63 bytes"),
        (Answer::NonMinimalDer, ""),
        (Answer::Cancelled, "user cancelled"),
    ] {
        let controller = Controller::with_async_signer(Platform::new(answer)).unwrap();
        match block_on(
            controller.sign_async(controller.prepare_offer(offer("traffic.example")).unwrap()),
        ) {
            Err(ConsentKitError::Signer { reason }) => {
                assert!(reason.contains(says), "{reason}");
                if matches!(answer, Answer::NonMinimalDer) {
                    assert!(
                        reason.contains("not minimally encoded") || reason.contains("63 bytes"),
                        "{reason}"
                    );
                }
            }
            other => panic!("expected a signer error, got {other:?}"),
        }
    }
    // Person's side: a wallet's async signer answering garbage keeps nothing.
    let kms = Platform::new(Answer::Raw);
    let controller = Controller::with_async_signer(kms.clone()).unwrap();
    let offer_bytes = block_on(
        controller.sign_async(controller.prepare_offer(offer("traffic.example")).unwrap()),
    )
    .unwrap();
    let wallet = Wallet::in_memory_external().unwrap();
    wallet
        .trust_key(kms.raw_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let o = wallet.receive(offer_bytes, T0).unwrap().artifact;
    let before = wallet.artifacts().len();
    let short = Platform::new(Answer::Short);
    wallet
        .bind_key("traffic.example".into(), short.public_key().unwrap())
        .unwrap();
    let pending = wallet
        .prepare_accept(o.id.to_string(), Choice::default(), T0 + 1)
        .unwrap();
    assert!(matches!(
        block_on(wallet.sign_async(pending, short)),
        Err(ConsentKitError::Signer { .. })
    ));
    assert_eq!(wallet.artifacts().len(), before);
}

#[test]
fn an_async_signer_with_another_key_than_the_prepared_one_is_refused_before_signing() {
    let kms = Platform::new(Answer::Raw);
    let controller = Controller::with_async_signer(kms.clone()).unwrap();
    let pending = controller.prepare_offer(offer("traffic.example")).unwrap();
    let offer_bytes = block_on(controller.sign_async(pending)).unwrap();
    let wallet = Wallet::in_memory_external().unwrap();
    wallet
        .trust_key(kms.raw_key(), Role::Controller, "traffic.example".into())
        .unwrap();
    let o = wallet.receive(offer_bytes, T0).unwrap().artifact;
    let phone = Platform::new(Answer::Raw);
    wallet
        .bind_key("traffic.example".into(), phone.public_key().unwrap())
        .unwrap();
    // Another key cannot be bound at the same controller.
    let other = Platform::new(Answer::Raw);
    assert!(wallet
        .bind_key("traffic.example".into(), other.public_key().unwrap())
        .is_err());
    let pending = wallet
        .prepare_accept(o.id.to_string(), Choice::default(), T0 + 1)
        .unwrap();
    assert!(matches!(
        block_on(wallet.sign_async(pending.clone(), other.clone())),
        Err(ConsentKitError::Usage { .. })
    ));
    assert_eq!(other.calls.load(Ordering::SeqCst), 0);
    // A controller's pending signature is not completed by another controller.
    let c2 = Controller::with_async_signer(Platform::new(Answer::Raw)).unwrap();
    assert!(matches!(
        block_on(c2.sign_async(controller.prepare_offer(offer("traffic.example")).unwrap())),
        Err(ConsentKitError::Usage { .. })
    ));
    block_on(wallet.sign_async(pending, phone)).unwrap();
}
