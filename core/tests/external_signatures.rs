//! Issue 12 item 3: signatures from signers outside consentkit (Android
//! Keystore, the Secure Enclave, WebCrypto, an HSM) are accepted as DER or
//! raw `r || s`, normalised strictly to the COSE form, and every other
//! shape is a typed error; the prepare/complete flow assembles artifacts
//! from such signatures.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use consentkit::keys::{
    ecdsa_der_to_raw, normalize_signature, SignatureEncodingError as E, SignatureInteger as I,
};
use consentkit::sample::{self, Parties, CONTROLLER};
use consentkit::{
    Algorithm, Artifact, Error, KeyError, KeyPair, PublicKey, Role, Signer, TrustSet, Withdrawal,
};
use serde_json::Value as Json;

/// The P-256 group order `n`, big-endian hex.
const N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// `r || s` from two big-endian hex integers of up to 32 bytes.
fn raw(r: &str, s: &str) -> Vec<u8> {
    let pad = |h: &str| {
        let b = unhex(h);
        let mut out = vec![0u8; 32 - b.len()];
        out.extend(b);
        out
    };
    let mut out = pad(r);
    out.extend(pad(s));
    out
}

/// DER `ECDSA-Sig-Value` of a raw `r || s`, minimal, as a platform keystore writes it.
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

fn refused(sig: &[u8]) -> E {
    normalize_signature(Algorithm::ES256, sig).unwrap_err()
}

// --- The normalisation, case by case ---------------------------------------

#[test]
fn a_raw_es256_signature_is_kept_as_it_is() {
    let kp = KeyPair::generate(Algorithm::ES256).unwrap();
    let sig = kp.sign(b"m").unwrap();
    assert_eq!(normalize_signature(Algorithm::ES256, &sig).unwrap(), sig);
}

#[test]
fn a_der_es256_signature_becomes_r_and_s() {
    let kp = KeyPair::generate(Algorithm::ES256).unwrap();
    let sig = kp.sign(b"m").unwrap();
    assert_eq!(
        normalize_signature(Algorithm::ES256, &der_of(&sig)).unwrap(),
        sig
    );
    // Small integers are left-padded to 32 bytes each.
    assert_eq!(
        ecdsa_der_to_raw(&[0x30, 6, 2, 1, 1, 2, 1, 2])
            .unwrap()
            .to_vec(),
        raw("01", "02")
    );
    // A 33-byte INTEGER whose leading zero is needed for the sign is DER.
    let high = raw(&format!("8{}", &N[1..]), "01");
    assert_ne!(high[0] & 0x80, 0);
    assert_eq!(der_of(&high)[3], 33);
    assert_eq!(
        normalize_signature(Algorithm::ES256, &der_of(&high)).unwrap(),
        high
    );
}

#[test]
fn a_high_s_is_a_valid_signature_and_is_kept() {
    // Platform keys do not make low-s signatures; COSE does not ask for them.
    let kp = KeyPair::generate(Algorithm::ES256).unwrap();
    let sig = kp.sign(b"m").unwrap();
    let n = unhex(N);
    // s' = n - s verifies too; one of s and n - s is above n / 2.
    let mut flipped = sig.clone();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(sig[32 + i]) - borrow;
        flipped[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    for s in [&sig, &flipped] {
        let out = normalize_signature(Algorithm::ES256, s).unwrap();
        kp.public_key().verify(b"m", &out).unwrap();
        let out = normalize_signature(Algorithm::ES256, &der_of(s)).unwrap();
        kp.public_key().verify(b"m", &out).unwrap();
    }
}

#[test]
fn wrong_lengths_are_refused_with_the_length() {
    assert_eq!(refused(&[0u8; 63]), E::EcdsaLength(63));
    assert_eq!(refused(&[0u8; 7]), E::EcdsaLength(7));
    assert_eq!(refused(&[0u8; 73]), E::EcdsaLength(73));
    assert_eq!(refused(&[]), E::EcdsaLength(0));
    assert_eq!(
        normalize_signature(Algorithm::Ed25519, &[0u8; 65]),
        Err(E::Ed25519Length(65))
    );
    // A DER signature is never taken for an Ed25519 one.
    let kp = KeyPair::generate(Algorithm::ES256).unwrap();
    let der = der_of(&kp.sign(b"m").unwrap());
    assert_eq!(
        normalize_signature(Algorithm::Ed25519, &der),
        Err(E::Ed25519Length(der.len()))
    );
}

#[test]
fn non_minimal_der_integers_are_refused() {
    // r = 1 written as 00 01.
    assert_eq!(
        refused(&[0x30, 7, 2, 2, 0, 1, 2, 1, 2]),
        E::NonMinimalInteger(I::R)
    );
    // s = 2 written as 00 00 02.
    assert_eq!(
        refused(&[0x30, 8, 2, 1, 1, 2, 3, 0, 0, 2]),
        E::NonMinimalInteger(I::S)
    );
}

#[test]
fn ber_lengths_and_structure_errors_are_refused() {
    // Long-form sequence length 0x81 0x06 (BER).
    assert!(matches!(
        refused(&[0x30, 0x81, 6, 2, 1, 1, 2, 1, 2]),
        E::NotDer(m) if m.contains("long-form")
    ));
    // Long-form INTEGER length.
    assert!(matches!(
        refused(&[0x30, 7, 2, 0x81, 1, 1, 2, 1, 2]),
        E::NotDer(m) if m.contains("long-form")
    ));
    // Wrong outer tag, wrong INTEGER tag.
    assert!(matches!(
        ecdsa_der_to_raw(&[0x31, 6, 2, 1, 1, 2, 1, 2]),
        Err(E::NotDer(_))
    ));
    // Through the normaliser, bytes that do not even start as DER read as
    // a raw signature of the wrong length.
    assert_eq!(refused(&[0x31, 6, 2, 1, 1, 2, 1, 2]), E::EcdsaLength(8));
    assert!(matches!(
        refused(&[0x30, 6, 3, 1, 1, 2, 1, 2]),
        E::NotDer(_)
    ));
    // Sequence length off by one either way.
    assert!(matches!(
        refused(&[0x30, 7, 2, 1, 1, 2, 1, 2]),
        E::NotDer(_)
    ));
    assert!(matches!(
        refused(&[0x30, 5, 2, 1, 1, 2, 1, 2]),
        E::NotDer(_)
    ));
    // A byte after s, inside the sequence.
    assert!(matches!(
        refused(&[0x30, 7, 2, 1, 1, 2, 1, 2, 0]),
        E::NotDer(m) if m.contains("after")
    ));
    // An empty INTEGER, a truncated one, a missing s.
    assert!(matches!(
        refused(&[0x30, 6, 2, 0, 2, 2, 1, 2]),
        E::NotDer(_)
    ));
    assert!(matches!(
        refused(&[0x30, 6, 2, 1, 1, 2, 3, 2]),
        E::NotDer(_)
    ));
    assert!(matches!(
        refused(&[0x30, 6, 2, 4, 1, 1, 1, 1]),
        E::NotDer(_)
    ));
}

#[test]
fn negative_der_integers_are_refused() {
    assert_eq!(
        refused(&[0x30, 6, 2, 1, 0x81, 2, 1, 2]),
        E::NegativeInteger(I::R)
    );
    assert_eq!(
        refused(&[0x30, 6, 2, 1, 1, 2, 1, 0xff]),
        E::NegativeInteger(I::S)
    );
}

#[test]
fn zero_r_or_s_is_refused_in_both_forms() {
    assert_eq!(refused(&[0x30, 6, 2, 1, 0, 2, 1, 2]), E::Zero(I::R));
    assert_eq!(refused(&[0x30, 6, 2, 1, 1, 2, 1, 0]), E::Zero(I::S));
    assert_eq!(refused(&raw("00", "01")), E::Zero(I::R));
    assert_eq!(refused(&raw("01", "00")), E::Zero(I::S));
}

#[test]
fn r_or_s_not_below_the_group_order_is_refused_in_both_forms() {
    let n_minus_1 = format!("{}50", &N[..62]);
    assert_eq!(refused(&raw(N, "01")), E::OutOfRange(I::R));
    assert_eq!(refused(&raw("01", N)), E::OutOfRange(I::S));
    assert_eq!(refused(&raw(&"ff".repeat(32), "01")), E::OutOfRange(I::R));
    assert_eq!(refused(&der_of(&raw(N, "01"))), E::OutOfRange(I::R));
    assert_eq!(refused(&der_of(&raw("01", N))), E::OutOfRange(I::S));
    // n - 1 is the largest value allowed.
    assert!(normalize_signature(Algorithm::ES256, &raw(&n_minus_1, &n_minus_1)).is_ok());
    assert!(normalize_signature(Algorithm::ES256, &der_of(&raw(&n_minus_1, "01"))).is_ok());
    // A 33-byte magnitude (34 bytes with its sign byte) is out of range.
    let mut big = vec![0x30, 0x27, 0x02, 0x22, 0x00, 0x80];
    big.extend([0u8; 32]);
    big.extend([0x02, 0x01, 0x01]);
    assert_eq!(big.len(), 41);
    assert_eq!(refused(&big), E::OutOfRange(I::R));
}

// --- Wycheproof: the DER file through the external-signer path --------------

fn wycheproof_der() -> Json {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_test.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Flags whose invalid cases are malformed encodings: the normaliser
/// itself must refuse them, not merely the verification after it.
const ENCODING_FLAGS: [&str; 6] = [
    "BerEncodedSignature",
    "InvalidEncoding",
    "InvalidTypesInSignature",
    "MissingZero",
    "IntegerOverflow",
    "RangeCheck",
];

#[test]
fn wycheproof_der_p256_cases_through_normalisation_and_verification() {
    let v = wycheproof_der();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for g in v["testGroups"].as_array().unwrap() {
        let key =
            PublicKey::p256_uncompressed(&unhex(g["publicKey"]["uncompressed"].as_str().unwrap()))
                .unwrap();
        for case in g["tests"].as_array().unwrap() {
            let id = case["tcId"].as_u64().unwrap();
            let msg = unhex(case["msg"].as_str().unwrap());
            let sig = unhex(case["sig"].as_str().unwrap());
            let flags: Vec<&str> = case["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            let normalised = normalize_signature(Algorithm::ES256, &sig);
            let verified = normalised
                .as_ref()
                .is_ok_and(|s| key.verify(&msg, s).is_ok());
            match case["result"].as_str().unwrap() {
                "valid" => {
                    *counts.entry("valid").or_default() += 1;
                    if !verified {
                        wrong.push(format!("tcId {id}: valid, refused: {normalised:?}"));
                    }
                }
                "invalid" => {
                    *counts.entry("invalid").or_default() += 1;
                    if verified {
                        wrong.push(format!("tcId {id}: invalid, accepted"));
                    }
                    if flags.iter().any(|f| ENCODING_FLAGS.contains(f)) {
                        *counts.entry("encoding").or_default() += 1;
                        if normalised.is_ok() {
                            wrong.push(format!(
                                "tcId {id} {flags:?}: malformed, but normalised ({})",
                                case["comment"]
                            ));
                        } else {
                            *counts.entry("refused by the normaliser").or_default() += 1;
                        }
                    } else if normalised.is_err() {
                        *counts.entry("refused by the normaliser").or_default() += 1;
                    }
                }
                other => panic!("tcId {id}: unexpected result {other}"),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(counts["valid"] + counts["invalid"], 484);
    assert_eq!(counts["valid"], 174);
    assert_eq!(counts["invalid"], 310);
    assert_eq!(counts["encoding"], 174, "{counts:?}");
    assert!(
        counts["refused by the normaliser"] >= counts["encoding"],
        "{counts:?}"
    );
}

// --- Prepare / complete with signatures made elsewhere -----------------------

/// A signer that signs with an in-process P-256 key and answers in DER,
/// like Android Keystore's `SHA256withECDSA`.
struct DerKeystore(KeyPair);

impl Signer for DerKeystore {
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        Ok(der_of(&self.0.sign(msg)?))
    }
}

fn p256_controller_trust(controller: &KeyPair) -> TrustSet {
    let mut t = TrustSet::new();
    t.insert(controller.public_key(), Role::Controller, CONTROLLER);
    t
}

#[test]
fn an_offer_prepared_and_completed_with_a_der_signature_verifies() {
    let controller = KeyPair::generate(Algorithm::ES256).unwrap();
    let prepared = sample::offer()
        .unwrap()
        .prepare(&controller.public_key())
        .unwrap();
    let der = der_of(&controller.sign(prepared.to_be_signed()).unwrap());
    assert_ne!(der.len(), 64);
    let offer = prepared.complete(&der).unwrap();
    offer.verify(&p256_controller_trust(&controller)).unwrap();
    // The artifact carries the raw form COSE ES256 uses.
    let back = Artifact::decode(offer.as_bytes()).unwrap();
    assert_eq!(back, offer);
    // Signing in one step with a DER signer gives an artifact that verifies the same way.
    let one_step = sample::offer()
        .unwrap()
        .sign(&DerKeystore(controller))
        .unwrap();
    assert_eq!(one_step.payload(), offer.payload());
}

#[test]
fn a_grant_prepared_for_the_person_and_completed_with_der_is_countersigned() {
    let p = Parties::new().unwrap();
    let person = KeyPair::generate(Algorithm::ES256).unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let prepared = sample::grant_body(&p, &offer)
        .prepare_as_person(&person.public_key())
        .unwrap();
    let signed = prepared
        .complete(&der_of(&person.sign(prepared.to_be_signed()).unwrap()))
        .unwrap();
    // The controller countersigns through prepare/complete as well.
    let c = signed
        .prepare_countersign(&offer, &p.controller.public_key())
        .unwrap();
    let grant = c
        .complete(&p.controller.sign(c.to_be_signed()).unwrap())
        .unwrap();
    let who = grant.verify(&p.trust()).unwrap();
    assert_eq!(who.len(), 2);
    // And the person withdraws it the same way.
    let w = Withdrawal::prepare_by_person(grant.id(), sample::T0 + 7_200, &person.public_key())
        .unwrap();
    let withdrawal = w.complete(&person.sign(w.to_be_signed()).unwrap()).unwrap();
    assert_eq!(withdrawal.kind(), consentkit::ArtifactKind::Withdrawal);
}

#[test]
fn a_malformed_signature_handed_to_complete_is_a_typed_error() {
    let controller = KeyPair::generate(Algorithm::ES256).unwrap();
    let prepared = sample::offer()
        .unwrap()
        .prepare(&controller.public_key())
        .unwrap();
    // A signature whose DER form has room for one more byte (below 72).
    let good = std::iter::repeat_with(|| controller.sign(prepared.to_be_signed()).unwrap())
        .find(|s| der_of(s).len() < 72)
        .unwrap();
    let mut ber = der_of(&good);
    // Pad r with a zero it does not need: BER, not DER.
    let rlen = ber[3] as usize;
    ber.insert(4, 0);
    ber[3] = (rlen + 1) as u8;
    ber[1] += 1;
    let cases: Vec<(Vec<u8>, E)> = vec![
        (good[..63].to_vec(), E::EcdsaLength(63)),
        (raw("00", "01"), E::Zero(I::R)),
        (raw("01", N), E::OutOfRange(I::S)),
    ];
    for (sig, want) in cases {
        match prepared.complete(&sig) {
            Err(Error::Key(KeyError::SignatureEncoding(e))) => assert_eq!(e, want),
            other => panic!("expected {want:?}, got {other:?}"),
        }
    }
    let got = prepared.complete(&ber);
    assert!(
        matches!(
            got,
            Err(Error::Key(KeyError::SignatureEncoding(
                E::NonMinimalInteger(I::R)
            )))
        ),
        "{got:?} for {}",
        hex::encode(&ber)
    );
    // A well-formed signature by another key stays opaque.
    let other = KeyPair::generate(Algorithm::ES256).unwrap();
    let forged = other.sign(prepared.to_be_signed()).unwrap();
    match prepared.complete(&forged) {
        Err(Error::Key(KeyError::Signer(m))) => assert!(m.contains("does not verify"), "{m}"),
        other => panic!("expected a signer error, got {other:?}"),
    }
    // A signature over other bytes, in DER, too.
    let elsewhere = der_of(&controller.sign(b"other bytes").unwrap());
    assert!(matches!(
        prepared.complete(&elsewhere),
        Err(Error::Key(KeyError::Signer(_)))
    ));
    // The good one still completes.
    prepared.complete(&good).unwrap();
}

#[test]
fn an_ed25519_signature_of_the_wrong_length_handed_to_complete_is_a_typed_error() {
    let p = Parties::new().unwrap();
    let prepared = sample::offer()
        .unwrap()
        .prepare(&p.controller.public_key())
        .unwrap();
    let mut sig = p.controller.sign(prepared.to_be_signed()).unwrap();
    sig.push(0);
    assert!(matches!(
        prepared.complete(&sig),
        Err(Error::Key(KeyError::SignatureEncoding(E::Ed25519Length(
            65
        ))))
    ));
}
