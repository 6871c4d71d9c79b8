//! COSE_Sign1 / COSE_Sign unit tests: hex-annotated vectors (build from
//! parts, compare bytes, decode back), failure tables that assert the exact
//! error, and an exhaustive single-bit-flip check. The external vector files
//! are run in `core/tests/conformance.rs`; the vectors below are the COSE WG
//! `eddsa-sig-01` / `eddsa-01` messages, inlined so this module stands alone.

use super::*;
use crate::cbor::{CborError, CborErrorKind};
use crate::keys::{KeyPair, Signer};

/// RFC 8032 §7.1 TEST 1 secret key (the COSE WG EdDSA examples' key).
const TEST1_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const TEST1_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const CONTENT: &[u8] = b"This is the content.";

/// Hex with `#` comments and whitespace, as in the annotated vectors below.
fn annotated(s: &str) -> Vec<u8> {
    let digits: String = s
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    hex::decode(digits).expect("annotated hex")
}

fn test1() -> KeyPair {
    KeyPair::ed25519_from_seed(&hex::decode(TEST1_SEED).unwrap()).unwrap()
}

/// COSE WG `eddsa-examples/eddsa-sig-01.json`, `output.cbor`.
const EDDSA_SIG_01: &str = "
d2                                          # tag(18) COSE_Sign1
  84                                        # array(4)
    45 a2 01 27 03 00                       # bstr(5) protected: {1: -8 (EdDSA), 3: 0}
    a1 04 42 3131                           # unprotected: {4 (kid): h'3131' (\"11\")}
    54 546869732069732074686520636f6e74656e742e
                                            # bstr(20) payload: \"This is the content.\"
    58 40                                   # bstr(64) signature
       7142fd2ff96d56db85bee905a76ba1d0b7321a95c8c4d3607c5781932b7afb87
       11497dfa751bf40b58b3bcc32300b1487f3db34085eef013bf08f4a44d6fef0d
";

/// The Sig_structure signed for `EDDSA_SIG_01` (`intermediates.ToBeSign_hex`).
const EDDSA_SIG_01_TBS: &str = "
84                                          # array(4)
  6a 5369676e617475726531                   # text(10) \"Signature1\"
  45 a201270300                             # bstr(5) body_protected
  40                                        # bstr(0) external_aad
  54 546869732069732074686520636f6e74656e742e
                                            # bstr(20) payload
";

fn protected_eddsa_ctyp0() -> Vec<(Value, Value)> {
    vec![
        (Value::int(HDR_ALG), Value::int(-8)),
        (Value::int(HDR_CONTENT_TYPE), Value::int(0)),
    ]
}

fn headers(protected: Vec<(Value, Value)>, unprotected: Vec<(Value, Value)>) -> Headers {
    let protected_bytes = if protected.is_empty() {
        Vec::new()
    } else {
        Value::Map(protected.clone()).to_vec()
    };
    Headers {
        protected_bytes,
        protected,
        unprotected,
    }
}

#[test]
fn sign1_vector_encode_compare_decode() {
    let kp = test1();
    assert_eq!(hex::encode(kp.public_key().raw()), TEST1_PUBLIC);
    let mut msg = Sign1 {
        headers: headers(
            protected_eddsa_ctyp0(),
            vec![(Value::int(HDR_KID), Value::bytes(b"11".to_vec()))],
        ),
        payload: CONTENT.to_vec(),
        signature: Vec::new(),
    };
    let tbs = msg.tbs(&[]);
    assert_eq!(tbs, annotated(EDDSA_SIG_01_TBS));
    msg.signature = kp.sign(&tbs).unwrap();

    // Encode, compare bytes.
    let wire = annotated(EDDSA_SIG_01);
    assert_eq!(msg.to_vec(), wire);
    // Decode back.
    let back = Sign1::from_slice(&wire, Tagging::Required).unwrap();
    assert_eq!(back, msg);
    assert_eq!(back.headers.algorithm(), Ok(Algorithm::Ed25519));
    assert_eq!(back.verify(&kp.public_key(), &[]), Ok(()));
    assert_eq!(
        back.verify(&kp.public_key(), b"aad"),
        Err(CoseError::SignatureInvalid)
    );
}

/// COSE WG `eddsa-examples/eddsa-01.json`, `output.cbor`.
const EDDSA_01: &str = "
d8 62                                       # tag(98) COSE_Sign
  84                                        # array(4)
    43 a1 03 00                             # bstr(3) body protected: {3: 0}
    a0                                      # body unprotected: {}
    54 546869732069732074686520636f6e74656e742e
                                            # bstr(20) payload
    81                                      # array(1) signatures
      83                                    # array(3) COSE_Signature
        43 a1 01 27                         # bstr(3) protected: {1: -8}
        a1 04 42 3131                       # unprotected: {4: h'3131'}
        58 40                               # bstr(64) signature
          77f3eacd11852c4bf9cb1d72fabe6b26fba1d76092b2b5b7ec83b83557652264
          e69690dbc1172ddc0bf88411c0d25a507fdb247a20c40d5e245fabd3fc9ec106
";

/// The Sig_structure of signer 0 in `EDDSA_01`.
const EDDSA_01_TBS: &str = "
85                                          # array(5)
  69 5369676e6174757265                     # text(9) \"Signature\"
  43 a10300                                 # bstr(3) body_protected
  43 a10127                                 # bstr(3) sign_protected
  40                                        # bstr(0) external_aad
  54 546869732069732074686520636f6e74656e742e
                                            # bstr(20) payload
";

#[test]
fn sign_vector_encode_compare_decode() {
    let kp = test1();
    let mut msg = Sign {
        headers: headers(vec![(Value::int(HDR_CONTENT_TYPE), Value::int(0))], vec![]),
        payload: CONTENT.to_vec(),
        signatures: vec![CoseSignature {
            headers: headers(
                vec![(Value::int(HDR_ALG), Value::int(-8))],
                vec![(Value::int(HDR_KID), Value::bytes(b"11".to_vec()))],
            ),
            signature: Vec::new(),
        }],
    };
    let tbs = msg.tbs(0, &[]).unwrap();
    assert_eq!(tbs, annotated(EDDSA_01_TBS));
    assert_eq!(msg.tbs(1, &[]), None);
    msg.signatures[0].signature = kp.sign(&tbs).unwrap();

    let wire = annotated(EDDSA_01);
    assert_eq!(msg.to_vec(), wire);
    let back = Sign::from_slice(&wire, Tagging::Required).unwrap();
    assert_eq!(back, msg);
    assert_eq!(back.verify(0, &kp.public_key(), &[]), Ok(()));
}

// ------------------------------------------------------------ failure tables

fn sign1_wire(items: Vec<Value>) -> Vec<u8> {
    Value::Tag(TAG_SIGN1, Box::new(Value::Array(items))).to_vec()
}

fn bstr(b: &[u8]) -> Value {
    Value::bytes(b.to_vec())
}

fn map(entries: Vec<(i64, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::int(k), v))
            .collect(),
    )
}

fn structure(reason: &str) -> CoseError {
    CoseError::Structure {
        structure: "COSE_Sign1",
        reason: reason.into(),
    }
}

fn cbor_err(offset: usize, kind: CborErrorKind) -> CoseError {
    CoseError::Cbor(CborError { offset, kind })
}

/// Decoding failures: each input and the exact error.
#[test]
fn sign1_decode_failures() {
    let alg = bstr(&[0xa1, 0x01, 0x27]); // {1: -8}
    let ok_u = map(vec![]);
    let pl = bstr(CONTENT);
    let sig = bstr(&[0u8; 64]);
    let four = |p: Value, u: Value, pl: Value, s: Value| sign1_wire(vec![p, u, pl, s]);
    let good = four(alg.clone(), ok_u.clone(), pl.clone(), sig.clone());

    let untagged = Value::Array(vec![alg.clone(), ok_u.clone(), pl.clone(), sig.clone()]).to_vec();
    let tagged_98 = Value::Tag(
        TAG_SIGN,
        Box::new(Value::Array(vec![
            alg.clone(),
            ok_u.clone(),
            pl.clone(),
            sig.clone(),
        ])),
    )
    .to_vec();
    let mut trailing = good.clone();
    trailing.push(0x00);
    // Same message with the outer array written with indefinite length.
    let mut indefinite = good.clone();
    assert_eq!(indefinite[1], 0x84);
    indefinite[1] = 0x9f;
    indefinite.push(0xff);

    let table: Vec<(&str, Vec<u8>, CoseError)> = vec![
        ("untagged", untagged, CoseError::MissingTag { expected: 18 }),
        (
            "tag 98",
            tagged_98,
            CoseError::WrongTag {
                expected: 18,
                found: 98,
            },
        ),
        (
            "not an array",
            Value::Tag(TAG_SIGN1, Box::new(map(vec![]))).to_vec(),
            structure("expected an array, found map"),
        ),
        (
            "array of 3",
            sign1_wire(vec![alg.clone(), ok_u.clone(), pl.clone()]),
            structure("expected an array of 4, found 3"),
        ),
        (
            "protected is text",
            four(Value::text("a"), ok_u.clone(), pl.clone(), sig.clone()),
            structure("protected header must be a byte string, found text string"),
        ),
        (
            "protected encodes an array",
            four(bstr(&[0x80]), ok_u.clone(), pl.clone(), sig.clone()),
            structure("protected header must encode a map, found array"),
        ),
        (
            "protected h'A0'",
            four(bstr(&[0xa0]), ok_u.clone(), pl.clone(), sig.clone()),
            CoseError::EmptyProtectedNotZeroLength,
        ),
        (
            "protected truncated",
            four(bstr(&[0xa1, 0x01]), ok_u.clone(), pl.clone(), sig.clone()),
            cbor_err(2, CborErrorKind::Truncated),
        ),
        (
            "protected keys unsorted",
            four(
                bstr(&[0xa2, 0x03, 0x00, 0x01, 0x27]),
                ok_u.clone(),
                pl.clone(),
                sig.clone(),
            ),
            cbor_err(3, CborErrorKind::UnsortedMapKeys),
        ),
        (
            "unprotected is an array",
            four(alg.clone(), Value::Array(vec![]), pl.clone(), sig.clone()),
            structure("unprotected header must be a map, found array"),
        ),
        (
            "alg in both headers",
            four(
                alg.clone(),
                map(vec![(1, Value::int(-8))]),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::DuplicateHeader("1".into()),
        ),
        (
            "crit unprotected",
            four(
                alg.clone(),
                map(vec![(2, Value::Array(vec![Value::int(1)]))]),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::MalformedCrit("crit must be in the protected header".into()),
        ),
        (
            "crit not an array",
            four(
                bstr(&map(vec![(1, Value::int(-8)), (2, Value::int(1))]).to_vec()),
                ok_u.clone(),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::MalformedCrit("not an array".into()),
        ),
        (
            "crit empty",
            four(
                bstr(&map(vec![(1, Value::int(-8)), (2, Value::Array(vec![]))]).to_vec()),
                ok_u.clone(),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::MalformedCrit("empty array".into()),
        ),
        (
            "crit names an unknown label",
            four(
                bstr(
                    &map(vec![
                        (1, Value::int(-8)),
                        (2, Value::Array(vec![Value::int(99)])),
                        (99, Value::int(0)),
                    ])
                    .to_vec(),
                ),
                ok_u.clone(),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::UnknownCriticalHeader("99".into()),
        ),
        (
            "crit names an absent label",
            four(
                bstr(
                    &map(vec![
                        (1, Value::int(-8)),
                        (2, Value::Array(vec![Value::int(3)])),
                    ])
                    .to_vec(),
                ),
                ok_u.clone(),
                pl.clone(),
                sig.clone(),
            ),
            CoseError::MalformedCrit("label 3 is not in the protected header".into()),
        ),
        (
            "detached payload",
            four(alg.clone(), ok_u.clone(), Value::Null, sig.clone()),
            CoseError::DetachedPayload,
        ),
        (
            "payload is text",
            four(alg.clone(), ok_u.clone(), Value::text("x"), sig.clone()),
            structure("payload must be a byte string, found text string"),
        ),
        (
            "signature is text",
            four(alg.clone(), ok_u.clone(), pl.clone(), Value::text("x")),
            structure("signature must be a byte string, found text string"),
        ),
        (
            "trailing byte",
            trailing.clone(),
            cbor_err(good.len(), CborErrorKind::TrailingBytes),
        ),
        (
            "indefinite-length array",
            indefinite,
            cbor_err(1, CborErrorKind::IndefiniteLength),
        ),
    ];
    assert!(Sign1::from_slice(&good, Tagging::Required).is_ok());
    for (name, bytes, expected) in &table {
        assert_eq!(
            Sign1::from_slice(bytes, Tagging::Required).as_ref().err(),
            Some(expected),
            "{name}"
        );
    }
    assert_eq!(table.len(), 21);
}

/// A signed message with the given protected header (TEST 1 key).
fn signed(protected: Vec<(Value, Value)>) -> Sign1 {
    let mut m = Sign1 {
        headers: headers(protected, vec![]),
        payload: CONTENT.to_vec(),
        signature: Vec::new(),
    };
    m.signature = test1().sign(&m.tbs(&[])).unwrap();
    // Through the wire and back, so the decoder sees it too.
    Sign1::from_slice(&m.to_vec(), Tagging::Required).unwrap()
}

/// Verification failures: decodes fine, then the exact error.
#[test]
fn sign1_verify_failures() {
    let key = test1().public_key();
    let p256 = KeyPair::generate(Algorithm::ES256).unwrap().public_key();
    let eddsa = vec![(Value::int(HDR_ALG), Value::int(-8))];

    let ok = signed(eddsa.clone());
    assert_eq!(ok.verify(&key, &[]), Ok(()));
    // A crit that names understood, present labels is fine.
    let crit_ok = signed(vec![
        (Value::int(HDR_ALG), Value::int(-8)),
        (
            Value::int(HDR_CRIT),
            Value::Array(vec![Value::int(HDR_ALG)]),
        ),
    ]);
    assert_eq!(crit_ok.verify(&key, &[]), Ok(()));

    let mut short_sig = ok.clone();
    short_sig.signature.pop();
    let mut flipped_sig = ok.clone();
    flipped_sig.signature[0] ^= 1;
    let mut other_payload = ok.clone();
    other_payload.payload.push(b'!');

    let table: Vec<(&str, Sign1, &PublicKey, CoseError)> = vec![
        (
            "no alg",
            signed(vec![(Value::int(HDR_CONTENT_TYPE), Value::int(0))]),
            &key,
            CoseError::MissingAlgorithm,
        ),
        (
            "alg ES384",
            signed(vec![(Value::int(HDR_ALG), Value::int(-35))]),
            &key,
            CoseError::UnsupportedAlgorithm("-35".into()),
        ),
        (
            "alg as text",
            signed(vec![(Value::int(HDR_ALG), Value::text("EdDSA"))]),
            &key,
            CoseError::UnsupportedAlgorithm("\"EdDSA\"".into()),
        ),
        (
            "P-256 key for EdDSA",
            ok.clone(),
            &p256,
            CoseError::AlgorithmMismatch {
                header: Algorithm::Ed25519,
                key: Algorithm::ES256,
            },
        ),
        (
            "63-byte signature",
            short_sig,
            &key,
            CoseError::SignatureInvalid,
        ),
        (
            "flipped signature bit",
            flipped_sig,
            &key,
            CoseError::SignatureInvalid,
        ),
        (
            "other payload",
            other_payload,
            &key,
            CoseError::SignatureInvalid,
        ),
    ];
    for (name, msg, k, expected) in &table {
        assert_eq!(msg.verify(k, &[]).as_ref().err(), Some(expected), "{name}");
    }
}

#[test]
fn sign_decode_failures() {
    let wire = annotated(EDDSA_01);
    let Value::Tag(_, inner) = crate::cbor::decode(&wire).unwrap() else {
        panic!("tagged")
    };
    let Value::Array(items) = *inner else {
        panic!("array")
    };
    let with_sigs = |sigs: Value| {
        let mut a = items.clone();
        a[3] = sigs;
        Value::Tag(TAG_SIGN, Box::new(Value::Array(a))).to_vec()
    };
    let table: Vec<(&str, Vec<u8>, CoseError)> = vec![
        (
            "tag 18",
            Value::Tag(TAG_SIGN1, Box::new(Value::Array(items.clone()))).to_vec(),
            CoseError::WrongTag {
                expected: 98,
                found: 18,
            },
        ),
        (
            "no signatures",
            with_sigs(Value::Array(vec![])),
            CoseError::Structure {
                structure: "COSE_Sign",
                reason: "no signatures".into(),
            },
        ),
        (
            "signatures not an array",
            with_sigs(map(vec![])),
            CoseError::Structure {
                structure: "COSE_Sign",
                reason: "signatures must be an array".into(),
            },
        ),
        (
            "COSE_Signature of 2",
            with_sigs(Value::Array(vec![Value::Array(vec![
                bstr(&[0xa1, 0x01, 0x27]),
                map(vec![]),
            ])])),
            CoseError::Structure {
                structure: "COSE_Signature",
                reason: "expected an array of 3, found 2".into(),
            },
        ),
        (
            "signer protected h'A0'",
            with_sigs(Value::Array(vec![Value::Array(vec![
                bstr(&[0xa0]),
                map(vec![(1, Value::int(-8))]),
                bstr(&[0; 64]),
            ])])),
            CoseError::EmptyProtectedNotZeroLength,
        ),
    ];
    assert!(Sign::from_slice(&wire, Tagging::Required).is_ok());
    for (name, bytes, expected) in &table {
        assert_eq!(
            Sign::from_slice(bytes, Tagging::Required).as_ref().err(),
            Some(expected),
            "{name}"
        );
    }
    // Untagged: only with Tagging::Optional.
    let untagged = Value::Array(items).to_vec();
    assert_eq!(
        Sign::from_slice(&untagged, Tagging::Required).err(),
        Some(CoseError::MissingTag { expected: 98 })
    );
    assert!(Sign::from_slice(&untagged, Tagging::Optional).is_ok());
}

#[test]
fn sign_verify_index_out_of_range() {
    let msg = Sign::from_slice(&annotated(EDDSA_01), Tagging::Required).unwrap();
    assert_eq!(
        msg.verify(1, &test1().public_key(), &[]),
        Err(CoseError::Structure {
            structure: "COSE_Sign",
            reason: "no signature 1".into(),
        })
    );
}

#[test]
fn header_lookup_protected_first() {
    let h = Headers::parse(
        &bstr(&[0xa1, 0x01, 0x27]),
        &map(vec![(4, bstr(b"11"))]),
        "COSE_Sign1",
    )
    .unwrap();
    assert_eq!(h.get(HDR_ALG), Some(&Value::int(-8)));
    assert_eq!(h.get_protected(HDR_ALG), Some(&Value::int(-8)));
    assert_eq!(h.get(HDR_KID), Some(&bstr(b"11")));
    assert_eq!(h.get_protected(HDR_KID), None);
    assert_eq!(h.get(HDR_TYP), None);
    // The zero-length protected header is the empty map.
    let empty = Headers::parse(&bstr(&[]), &map(vec![]), "COSE_Sign1").unwrap();
    assert!(empty.protected.is_empty());
    assert_eq!(empty.algorithm(), Err(CoseError::MissingAlgorithm));
}

/// Every single-bit flip of `EDDSA_SIG_01` is rejected (decode or verify),
/// except flips inside the unprotected header, which the signature does not
/// cover (RFC 9052 §3). That is why the consentkit artifact profile requires
/// an empty unprotected header; here we pin exactly where the malleable
/// bytes are.
#[test]
fn sign1_every_bit_flip_outside_unprotected_fails() {
    let wire = annotated(EDDSA_SIG_01);
    let key = test1().public_key();
    let original = Sign1::from_slice(&wire, Tagging::Required).unwrap();
    // Bytes 8..13: a1 04 42 31 31 (the unprotected map).
    let unprotected = 8..13;
    assert_eq!(wire[unprotected.clone()], [0xa1, 0x04, 0x42, 0x31, 0x31]);

    let mut still_verify = Vec::new();
    for i in 0..wire.len() {
        for bit in 0..8 {
            let mut m = wire.clone();
            m[i] ^= 1 << bit;
            let outcome = Sign1::from_slice(&m, Tagging::Required).and_then(|d| {
                d.verify(&key, &[])?;
                Ok(d)
            });
            if let Ok(d) = outcome {
                assert!(
                    unprotected.contains(&i),
                    "flip of byte {i} bit {bit} still verifies"
                );
                assert_eq!(d.headers.protected_bytes, original.headers.protected_bytes);
                assert_eq!(d.payload, original.payload);
                assert_eq!(d.signature, original.signature);
                still_verify.push((i, bit));
            }
        }
    }
    // Some unprotected flips (kid bytes, the kid label) do still verify:
    // the test would notice if the unprotected header became covered.
    assert!(still_verify.iter().any(|&(i, _)| i == 11 || i == 12));
    assert_eq!(wire.len(), 100);
}

/// RFC 9864: a COSE_Sign1 whose protected `alg` is ESP256 (-9), signed
/// with a P-256 key, verifies exactly as one with ES256 (-7); -9 with an
/// Ed25519 key, or -8 (EdDSA) with a P-256 key, is still refused.
#[test]
fn esp256_sign1_verifies_with_a_p256_key() {
    let p256 = KeyPair::generate(Algorithm::ES256).unwrap();
    let ed = test1();
    let sign = |kp: &KeyPair, alg: i64| {
        let mut m = Sign1 {
            headers: headers(vec![(Value::int(HDR_ALG), Value::int(alg))], vec![]),
            payload: CONTENT.to_vec(),
            signature: Vec::new(),
        };
        m.signature = kp.sign(&m.tbs(&[])).unwrap();
        Sign1::from_slice(&m.to_vec(), Tagging::Required).unwrap()
    };
    let esp = sign(&p256, crate::keys::ESP256);
    assert_eq!(esp.headers.algorithm(), Ok(Algorithm::ES256));
    assert_eq!(esp.verify(&p256.public_key(), &[]), Ok(()));
    assert_eq!(sign(&p256, -7).verify(&p256.public_key(), &[]), Ok(()));
    // The signature covers the header: -9 swapped for -7 no longer verifies.
    let mut swapped = esp.clone();
    swapped.headers = headers(vec![(Value::int(HDR_ALG), Value::int(-7))], vec![]);
    assert_eq!(
        swapped.verify(&p256.public_key(), &[]),
        Err(CoseError::SignatureInvalid)
    );
    // -9 with an Ed25519 key: the key type does not fit the alg.
    assert_eq!(
        sign(&ed, crate::keys::ESP256).verify(&ed.public_key(), &[]),
        Err(CoseError::AlgorithmMismatch {
            header: Algorithm::ES256,
            key: Algorithm::Ed25519
        })
    );
    // -9 message checked against an Ed25519 key.
    assert_eq!(
        esp.verify(&ed.public_key(), &[]),
        Err(CoseError::AlgorithmMismatch {
            header: Algorithm::ES256,
            key: Algorithm::Ed25519
        })
    );
    // -8 (EdDSA) header with a P-256 key.
    assert_eq!(
        sign(&p256, -8).verify(&p256.public_key(), &[]),
        Err(CoseError::AlgorithmMismatch {
            header: Algorithm::Ed25519,
            key: Algorithm::ES256
        })
    );
    // Neighbouring identifiers stay unsupported (-10 is not ESP256).
    assert_eq!(
        sign(&p256, -10).verify(&p256.public_key(), &[]),
        Err(CoseError::UnsupportedAlgorithm("-10".into()))
    );
}
