use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// RFC 9679 §6: the thumbprint of the example P-256 key.
#[test]
fn rfc9679_thumbprint_example() {
    let mut point = vec![4u8];
    point.extend(h(
        "65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d",
    ));
    point.extend(h(
        "1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c",
    ));
    let key = PublicKey::p256_uncompressed(&point).unwrap();
    assert_eq!(
        key.kid().to_string(),
        "496bd8afadf307e5b08c64b0421bf9dc01528a344a43bda88fadd1669da253ec"
    );
}

/// RFC 8032 §7.1 TEST 1: the seed gives the public key and signature.
#[test]
fn rfc8032_test1_sign_and_verify() {
    let kp = KeyPair::ed25519_from_seed(&h(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    ))
    .unwrap();
    assert_eq!(
        hex::encode(kp.public_key().raw()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    let sig = kp.sign(b"").unwrap();
    assert_eq!(hex::encode(&sig), "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    kp.public_key().verify(b"", &sig).unwrap();
    assert_eq!(kp.public_key().verify(b"x", &sig), Err(SignatureInvalid));
}

#[test]
fn cose_key_round_trip_both_algorithms() {
    for alg in [Algorithm::Ed25519, Algorithm::ES256] {
        let kp = KeyPair::generate(alg).unwrap();
        let private = kp.to_cose_key();
        let back = KeyPair::from_cose_key(&private).unwrap();
        assert_eq!(back.public_key(), kp.public_key());
        assert_eq!(
            back.to_cose_key(),
            private,
            "{alg}: private export is stable"
        );
        let public = kp.public_key().to_cose_key();
        assert_eq!(PublicKey::from_cose_key(&public).unwrap(), kp.public_key());
        assert!(matches!(
            KeyPair::from_cose_key(&public),
            Err(KeyError::MissingPrivateKey)
        ));
        // A signature by the imported key verifies with the original public key.
        let sig = sign_checked(&back, b"m").unwrap();
        kp.public_key().verify(b"m", &sig).unwrap();
    }
}

fn with_param(key: &[u8], label: i64, value: Value) -> Vec<u8> {
    let Value::Map(mut m) = cbor::decode(key).unwrap() else {
        unreachable!()
    };
    m.retain(|(k, _)| k.as_i64() != Some(label));
    m.push((Value::int(label), value));
    Value::Map(m).to_vec()
}

#[test]
fn cose_key_failure_table() {
    let ed = KeyPair::generate(Algorithm::Ed25519)
        .unwrap()
        .public_key()
        .to_cose_key();
    let p = KeyPair::generate(Algorithm::ES256)
        .unwrap()
        .public_key()
        .to_cose_key();
    // alg that does not fit the key
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&ed, ALG, Value::int(-7))),
        Err(KeyError::AlgorithmMismatch {
            alg: -7,
            curve: "Ed25519"
        })
    ));
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&p, ALG, Value::int(-8))),
        Err(KeyError::AlgorithmMismatch {
            alg: -8,
            curve: "P-256"
        })
    ));
    // kid that is not the thumbprint
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&ed, KID, Value::bytes(vec![1; 32]))),
        Err(KeyError::KidMismatch { .. })
    ));
    // unsupported curve (Ed448 = 7) and key type (Symmetric = 4)
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&ed, CRV, Value::int(7))),
        Err(KeyError::Unsupported(_))
    ));
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&ed, KTY, Value::int(4))),
        Err(KeyError::Unsupported(_))
    ));
    // wrong length, not on the curve
    assert_eq!(
        PublicKey::from_cose_key(&with_param(&ed, X, Value::bytes(vec![1; 31]))),
        Err(KeyError::InvalidPublicKey)
    );
    let stripped = |k: &[u8]| with_param(k, KID, Value::Null);
    let _ = stripped;
    let mut off_curve = with_param(&p, Y, Value::bytes(vec![7; 32]));
    off_curve = {
        let Value::Map(mut m) = cbor::decode(&off_curve).unwrap() else {
            unreachable!()
        };
        m.retain(|(k, _)| k.as_i64() != Some(KID));
        Value::Map(m).to_vec()
    };
    assert_eq!(
        PublicKey::from_cose_key(&off_curve),
        Err(KeyError::InvalidPublicKey)
    );
    // not a map; trailing bytes
    assert!(matches!(
        PublicKey::from_cose_key(&[0x80]),
        Err(KeyError::Malformed(_))
    ));
    let mut trailing = ed.clone();
    trailing.push(0);
    assert!(matches!(
        PublicKey::from_cose_key(&trailing),
        Err(KeyError::Cbor(_))
    ));
}

#[test]
fn private_key_must_match_public_key() {
    let a = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let b = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let Value::Map(mut m) = cbor::decode(&a.to_cose_key()).unwrap() else {
        unreachable!()
    };
    let Value::Map(bm) = cbor::decode(&b.to_cose_key()).unwrap() else {
        unreachable!()
    };
    let bd = bm
        .iter()
        .find(|(k, _)| k.as_i64() == Some(D))
        .unwrap()
        .1
        .clone();
    m.retain(|(k, _)| k.as_i64() != Some(D));
    m.push((Value::int(D), bd));
    assert_eq!(
        KeyPair::from_cose_key(&Value::Map(m).to_vec()).unwrap_err(),
        KeyError::InvalidPrivateKey
    );
}

#[test]
fn der_signatures_from_platform_keystores_are_normalised() {
    struct DerSigner(KeyPair);
    impl Signer for DerSigner {
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
            let raw = self.0.sign(msg)?;
            // Encode r || s as DER like Android Keystore does.
            let int = |b: &[u8]| {
                let mut v: Vec<u8> = b.iter().copied().skip_while(|&x| x == 0).collect();
                if v.first().is_some_and(|&x| x & 0x80 != 0) {
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
            Ok(der)
        }
    }
    let s = DerSigner(KeyPair::generate(Algorithm::ES256).unwrap());
    let sig = sign_checked(&s, b"hello").unwrap();
    assert_eq!(sig.len(), 64);
    s.public_key().verify(b"hello", &sig).unwrap();
}

#[test]
fn a_signer_that_lies_about_its_key_is_caught() {
    struct Liar(KeyPair, PublicKey);
    impl Signer for Liar {
        fn public_key(&self) -> PublicKey {
            self.1.clone()
        }
        fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
            self.0.sign(msg)
        }
    }
    let other = KeyPair::generate(Algorithm::Ed25519).unwrap().public_key();
    let liar = Liar(KeyPair::generate(Algorithm::Ed25519).unwrap(), other);
    assert!(matches!(
        sign_checked(&liar, b"m"),
        Err(KeyError::Signer(_))
    ));
}

#[test]
fn trust_set_round_trip_and_rejections() {
    let c = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let p = KeyPair::generate(Algorithm::ES256).unwrap();
    let mut t = TrustSet::new();
    t.insert(c.public_key(), Role::Controller, "traffic.example");
    t.insert(p.public_key(), Role::Partner, "city.example");
    let bytes = t.to_cose_key_set();
    let back = TrustSet::from_cose_key_set(&bytes).unwrap();
    assert_eq!(back.len(), 2);
    let got = back.get(&p.kid()).unwrap();
    assert_eq!(
        (got.role, got.party.as_str()),
        (Role::Partner, "city.example")
    );
    assert_eq!(back.to_cose_key_set(), bytes);

    // A private key in a trust file is refused.
    let private = cbor::decode(&c.to_cose_key()).unwrap();
    let bad = Value::Array(vec![private]).to_vec();
    assert!(matches!(
        TrustSet::from_cose_key_set(&bad),
        Err(KeyError::Malformed(m)) if m.contains("private")
    ));
    // A key without a role is refused.
    let bare = Value::Array(vec![cbor::decode(&c.public_key().to_cose_key()).unwrap()]).to_vec();
    assert!(matches!(
        TrustSet::from_cose_key_set(&bare),
        Err(KeyError::Malformed(m)) if m.contains("role")
    ));
}

/// `KeyMaterial::decode` tells a public key, a private key (without keeping
/// `d`), a trust set entry and a trust set apart, and names anything else.
#[test]
fn key_material_tells_keys_and_trust_sets_apart() {
    let kp = KeyPair::ed25519_from_seed(&[7u8; 32]).unwrap();
    let public = kp.public_key();
    match KeyMaterial::decode(&public.to_cose_key()).unwrap() {
        KeyMaterial::Key {
            key,
            private,
            role,
            party,
        } => {
            assert_eq!(key, public);
            assert!(!private);
            assert_eq!((role, party), (None, None));
        }
        other => panic!("{other:?}"),
    }
    match KeyMaterial::decode(&kp.to_cose_key()).unwrap() {
        KeyMaterial::Key { key, private, .. } => {
            assert_eq!(key, public);
            assert!(private);
        }
        other => panic!("{other:?}"),
    }
    let mut set = TrustSet::new();
    set.insert(public.clone(), Role::Partner, "music.example");
    let entry = public.to_cose_key_value(vec![
        (Value::text("role"), Value::text("partner")),
        (Value::text("party"), Value::text("music.example")),
    ]);
    match KeyMaterial::decode(&entry.to_vec()).unwrap() {
        KeyMaterial::Key { role, party, .. } => {
            assert_eq!(role, Some(Role::Partner));
            assert_eq!(party.as_deref(), Some("music.example"));
        }
        other => panic!("{other:?}"),
    }
    match KeyMaterial::decode(&set.to_cose_key_set()).unwrap() {
        KeyMaterial::TrustSet(t) => assert_eq!(t.len(), 1),
        other => panic!("{other:?}"),
    }
    let err = KeyMaterial::decode(&Value::int(5).to_vec()).unwrap_err();
    assert!(err.to_string().contains("neither a COSE_Key"), "{err}");
}

/// RFC 9864: a P-256 COSE_Key may say alg ESP256 (-9) as well as ES256
/// (-7); an Ed25519 key saying -9 is refused.
#[test]
fn esp256_cose_key_alg_accepted_for_p256_only() {
    let p = KeyPair::generate(Algorithm::ES256).unwrap().public_key();
    let ed = KeyPair::generate(Algorithm::Ed25519)
        .unwrap()
        .public_key()
        .to_cose_key();
    let parsed =
        PublicKey::from_cose_key(&with_param(&p.to_cose_key(), ALG, Value::int(ESP256))).unwrap();
    assert_eq!(parsed, p);
    assert_eq!(parsed.algorithm(), Algorithm::ES256);
    assert!(matches!(
        PublicKey::from_cose_key(&with_param(&ed, ALG, Value::int(ESP256))),
        Err(KeyError::AlgorithmMismatch {
            alg: -9,
            curve: "Ed25519"
        })
    ));
}
