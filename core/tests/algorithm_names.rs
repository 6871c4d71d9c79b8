//! Issue 12: the signature algorithm has one name per value in every
//! language and JSON, named by its key type: `Ed25519` and `ES256`. The
//! former JSON name `"EdDSA"` is refused, naming the expected values (no
//! silent alias). The wire format does not change: `Ed25519` is COSE alg
//! -8 (EdDSA) with an OKP Ed25519 key; RFC 9864's fully-specified
//! `Ed25519` (-19) is not accepted (docs/FORMAT.md §3).
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::cbor::Value;
use consentkit::cose::{algorithm_of, CoseError};
use consentkit::{Algorithm, KeyPair, PublicKey, Signer};

#[test]
fn algorithm_names_are_ed25519_and_es256_in_rust_json_and_display() {
    for (a, name) in [(Algorithm::Ed25519, "Ed25519"), (Algorithm::ES256, "ES256")] {
        assert_eq!(a.name(), name);
        assert_eq!(a.to_string(), name);
        assert_eq!(format!("{a:?}"), name);
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{name}\""));
        assert_eq!(
            serde_json::from_str::<Algorithm>(&format!("\"{name}\"")).unwrap(),
            a
        );
        assert_eq!(Algorithm::parse(name), Some(a));
    }
    assert_eq!(Algorithm::ALL, [Algorithm::Ed25519, Algorithm::ES256]);
}

#[test]
fn the_former_eddsa_name_is_refused_naming_the_expected_values() {
    assert_eq!(Algorithm::parse("EdDSA"), None);
    // No case folding either: the CLI's `ed25519` is a clap value, not a JSON name.
    assert_eq!(Algorithm::parse("ed25519"), None);
    assert_eq!(Algorithm::parse("ES256 (P-256)"), None);
    let e = serde_json::from_str::<Algorithm>("\"EdDSA\"")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("EdDSA") && e.contains("Ed25519") && e.contains("ES256"),
        "{e}"
    );
}

#[test]
fn ed25519_is_cose_minus_8_and_fully_specified_minus_19_is_not_accepted() {
    assert_eq!(Algorithm::Ed25519.cose_id(), -8);
    assert_eq!(Algorithm::ES256.cose_id(), -7);
    assert_eq!(Algorithm::from_cose_id(-8), Some(Algorithm::Ed25519));
    assert_eq!(Algorithm::from_cose_id(-19), None);
    assert_eq!(
        algorithm_of(Some(&Value::int(-19))),
        Err(CoseError::UnsupportedAlgorithm("-19".into()))
    );
    // A COSE_Key whose `alg` is -19 is refused too; with -8 it reads.
    let key = KeyPair::ed25519_from_seed(&[7; 32]).unwrap().public_key();
    let with_alg = |alg: i64| {
        Value::Map(vec![
            (Value::int(1), Value::int(1)),
            (Value::int(3), Value::int(alg)),
            (Value::int(-1), Value::int(6)),
            (Value::int(-2), Value::Bytes(key.raw().to_vec())),
        ])
        .to_vec()
    };
    assert_eq!(PublicKey::from_cose_key(&with_alg(-8)).unwrap(), key);
    assert!(PublicKey::from_cose_key(&with_alg(-19)).is_err());
}
