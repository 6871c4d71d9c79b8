use super::*;
use crate::artifact::Withdrawal;
use crate::sample::{self, Parties, T0};
use crate::KeyPair;

const V: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/ietf-status-list/"
);

fn vector(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{V}{name}.hex")).unwrap();
    hex::decode(text.trim()).unwrap()
}

fn entries() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{V}entries.json")).unwrap()).unwrap()
}

/// The list a vector describes: its size, bits, and the entries set.
fn expected_list(name: &str) -> StatusList {
    let e = &entries()[name];
    let mut list = StatusList::new(
        e["bits"].as_u64().unwrap() as u8,
        e["entries"].as_u64().unwrap(),
    )
    .unwrap();
    for pair in e["set"].as_array().unwrap() {
        list.set(pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap() as u8)
            .unwrap();
    }
    list
}

const LIST_VECTORS: [&str; 6] = [
    "status_list_encoding_cbor",
    "status_list_encoding2_cbor",
    "status_list_encoding1_long_cbor",
    "status_list_encoding2_long_cbor",
    "status_list_encoding4_cbor",
    "status_list_encoding8_cbor",
];

#[test]
fn draft_byte_array_layout_1_bit_and_2_bit() {
    // draft-ietf-oauth-status-list-20 §4.1: the two worked examples.
    assert_eq!(
        expected_list("status_list_encoding_cbor").bytes(),
        &[0xb9, 0xa3]
    );
    assert_eq!(
        expected_list("status_list_encoding2_cbor").bytes(),
        &[0xc9, 0x44, 0xf9]
    );
    let list = expected_list("status_list_encoding2_cbor");
    assert_eq!(list.status(1).unwrap(), Status::Suspended);
    assert_eq!(
        list.status(3),
        Err(StatusError::UnknownStatus { index: 3, value: 3 })
    );
}

#[test]
fn draft_status_list_vectors_decode_to_their_entries() {
    for name in LIST_VECTORS {
        let got = StatusList::from_cbor(&vector(name)).unwrap();
        let want = expected_list(name);
        assert_eq!(got.bits(), want.bits(), "{name}");
        assert_eq!(got.bytes(), want.bytes(), "{name}");
        assert!(got.len() >= want.len(), "{name}");
    }
}

#[test]
fn draft_status_list_vectors_encode_byte_exact() {
    // The two worked examples (and the CWT example's list, below) come out
    // byte for byte, compression included.
    for name in &LIST_VECTORS[..2] {
        assert_eq!(
            hex::encode(expected_list(name).to_cbor()),
            hex::encode(vector(name)),
            "{name}"
        );
    }
}

#[test]
fn draft_long_vectors_reencode_to_the_same_list() {
    // For the 2^20-entry vectors, DEFLATE output is encoder-specific (the
    // draft's were made by Python's zlib; miniz_oxide picks other blocks),
    // so the bytes differ: the CBOR around `lst` is byte-exact and the
    // list inflates to the same entries.
    for name in &LIST_VECTORS[2..] {
        let ours = expected_list(name).to_cbor();
        let want = vector(name);
        assert_eq!(ours[..8], want[..8], "{name}: map head, bits, lst key");
        assert_eq!(
            StatusList::from_cbor(&ours).unwrap(),
            StatusList::from_cbor(&want).unwrap(),
            "{name}"
        );
    }
}

/// The draft's example key (src/util.py, kid "12"), P-256.
fn draft_key() -> PublicKey {
    let b64url = |s: &str| {
        let std = format!("{}=", s.replace('-', "+").replace('_', "/"));
        crate::log::note::b64_decode(&std).unwrap()
    };
    let x = b64url("I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo");
    let y = b64url("6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M");
    let mut point = vec![4];
    point.extend(x);
    point.extend(y);
    PublicKey::p256_uncompressed(&point).unwrap()
}

#[test]
fn draft_cwt_example_verifies_and_reencodes_byte_exact() {
    let bytes = vector("status_list_cwt");
    let token = StatusListToken::verify(&bytes, &draft_key()).unwrap();
    assert_eq!(token.subject, "https://example.com/statuslists/1");
    assert_eq!(token.issued_at, 1_686_920_170.into());
    assert_eq!(token.expires_at, Some(2_291_720_170.into()));
    assert_eq!(token.ttl, Some(43_200));
    assert_eq!(token.list.bits(), 1);
    assert_eq!(token.list.bytes(), &[0xb9, 0xa3]);
    let d = StatusListToken::decode(&bytes).unwrap();
    assert_eq!(d.kid.as_deref(), Some(&b"12"[..]));
    // Our encoder writes the same claims set, byte for byte ...
    assert_eq!(hex::encode(token.claims()), hex::encode(&d.sign1.payload));
    // ... and the message re-encodes to the published bytes.
    assert_eq!(d.sign1.to_vec(), bytes);
    // One changed bit in the list and the signature fails.
    let mut bad = bytes.clone();
    let at = bad.len() - 64 - 3;
    bad[at] ^= 1;
    assert!(matches!(
        StatusListToken::verify(&bad, &draft_key()),
        Err(StatusError::SignatureInvalid) | Err(StatusError::Compression(_))
    ));
}

#[test]
fn draft_referenced_token_status_claim_reads_and_reencodes() {
    let bytes = vector("referenced_token_cwt");
    let s = Sign1::from_slice(&bytes, Tagging::Required).unwrap();
    s.verify(&draft_key(), &[]).unwrap();
    let Value::Map(claims) = cbor::decode_any_key_order(&s.payload).unwrap() else {
        panic!("claims not a map")
    };
    let status = claims
        .iter()
        .find(|(k, _)| k.as_u64() == Some(CLAIM_STATUS))
        .map(|(_, v)| v)
        .unwrap();
    let r = StatusReference::from_value(status).unwrap();
    assert_eq!(
        r,
        StatusReference {
            idx: 0,
            uri: "https://example.com/statuslists/1".into()
        }
    );
    let mut claim = Value::Unsigned(CLAIM_STATUS).to_vec();
    claim.extend(r.to_value().to_vec());
    let hay = hex::encode(&s.payload);
    assert!(hay.ends_with(&hex::encode(claim)), "{hay}");
}

#[test]
fn status_list_rejects_bad_input_with_typed_errors() {
    assert_eq!(StatusList::new(3, 8), Err(StatusError::BadBits(3)));
    let mut l = StatusList::new(2, 8).unwrap();
    assert_eq!(
        l.set(1, 4),
        Err(StatusError::ValueTooWide { value: 4, bits: 2 })
    );
    assert_eq!(
        l.get(8),
        Err(StatusError::IndexOutOfRange { index: 8, len: 8 })
    );
    // Not ZLIB.
    assert!(matches!(
        StatusList::decompress(1, b"not zlib"),
        Err(StatusError::Compression(_))
    ));
    // A bomb: 32 MiB of zeros compresses to ~32 KiB; it is refused at the limit.
    let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; MAX_LIST_BYTES * 2], 9);
    assert!(matches!(
        StatusList::decompress(1, &bomb),
        Err(StatusError::Compression(_))
    ));
    // Unknown key, duplicate key, missing lst, wrong type.
    let lst = Value::bytes(StatusList::new(1, 8).unwrap().compress());
    let unknown = Value::Map(vec![
        (Value::text("bits"), Value::Unsigned(1)),
        (Value::text("lst"), lst.clone()),
        (Value::text("extra"), Value::Unsigned(1)),
    ]);
    assert!(matches!(
        StatusList::from_cbor(&unknown.to_vec()),
        Err(StatusError::Malformed { .. })
    ));
    let dup = [
        0xa2, 0x64, b'b', b'i', b't', b's', 0x01, 0x64, b'b', b'i', b't', b's', 0x01,
    ];
    assert!(matches!(
        StatusList::from_cbor(&dup),
        Err(StatusError::Malformed { .. })
    ));
    let no_lst = Value::Map(vec![(Value::text("bits"), Value::Unsigned(1))]);
    assert!(matches!(
        StatusList::from_cbor(&no_lst.to_vec()),
        Err(StatusError::Malformed { .. })
    ));
    let bits_text = Value::Map(vec![
        (Value::text("bits"), Value::text("1")),
        (Value::text("lst"), lst),
    ]);
    assert!(matches!(
        StatusList::from_cbor(&bits_text.to_vec()),
        Err(StatusError::Malformed { .. })
    ));
}

fn token(list: StatusList, iat: Timestamp) -> StatusListToken {
    StatusListToken {
        subject: "https://traffic.example/status/1".into(),
        issued_at: iat,
        expires_at: Some(iat + 86_400),
        not_before: None,
        ttl: Some(3_600),
        list,
    }
}

#[test]
fn token_signs_and_verifies_and_rejects_tampering() {
    let p = Parties::new().unwrap();
    let t = token(StatusList::new(1, 1024).unwrap(), T0);
    let bytes = t.sign(&p.controller).unwrap();
    assert_eq!(
        StatusListToken::verify(&bytes, &p.controller.public_key()).unwrap(),
        t
    );
    assert_eq!(
        StatusListToken::verify_trusted(&bytes, &p.trust(), sample::CONTROLLER).unwrap(),
        t
    );
    // Another party's controller key: untrusted for this controller.
    assert_eq!(
        StatusListToken::verify_trusted(&bytes, &p.trust(), "other.example"),
        Err(StatusError::UntrustedKey("other.example".into()))
    );
    // The partner's key is trusted, but not as a controller.
    let by_partner = t.sign(&p.partner).unwrap();
    assert!(matches!(
        StatusListToken::verify_trusted(&by_partner, &p.trust(), sample::CONTROLLER),
        Err(StatusError::UntrustedKey(_))
    ));
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert_eq!(
        StatusListToken::verify(&bad, &p.controller.public_key()),
        Err(StatusError::SignatureInvalid)
    );
    // Untagged, or tagged as a CWT (61): rejected.
    assert!(matches!(
        StatusListToken::decode(&bytes[1..]),
        Err(StatusError::Cose(_))
    ));
    let mut cwt = vec![0xd8, 61];
    cwt.extend(&bytes);
    assert!(matches!(
        StatusListToken::decode(&cwt),
        Err(StatusError::Cose(_))
    ));
    // ttl 0 is refused on both sides.
    let mut zero = t.clone();
    zero.ttl = Some(0);
    assert!(matches!(
        zero.sign(&p.controller),
        Err(StatusError::Malformed { .. })
    ));
}

#[test]
fn token_with_another_typ_is_rejected() {
    // A consentkit artifact is a COSE_Sign1 too, but its typ is an integer.
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    assert!(matches!(
        StatusListToken::decode(offer.as_bytes()),
        Err(StatusError::Malformed { .. })
    ));
}

#[test]
fn max_age_is_ttl_bounded_by_exp() {
    let mut t = token(StatusList::new(1, 8).unwrap(), T0);
    assert_eq!(t.max_age(T0), 3_600);
    assert_eq!(t.max_age(T0 + 86_400 - 60), 60);
    t.ttl = None;
    assert_eq!(t.max_age(T0 + 100), 86_300);
    t.expires_at = None;
    assert_eq!(t.max_age(T0), 0);
}

struct Setup {
    p: Parties,
    grant: Artifact,
    registry: StatusRegistry,
    idx: u64,
}

fn setup() -> Setup {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let mut registry = StatusRegistry::new("https://traffic.example/status/1", 2, 4096).unwrap();
    let reference = registry.assign().unwrap();
    let mut body = sample::grant_body(&p, &offer);
    body.status = Some(reference.clone());
    let grant = body.sign_both(&offer, &p.person, &p.controller).unwrap();
    Setup {
        p,
        grant,
        registry,
        idx: reference.idx,
    }
}

#[test]
fn partner_check_answers_valid_invalid_suspended_with_max_age() {
    let mut s = setup();
    let at = T0 + 7_200;
    let trust = s.p.trust();
    for status in [Status::Valid, Status::Invalid, Status::Suspended] {
        s.registry.set(s.idx, status).unwrap();
        let tok = s.registry.token(at - 600, 3_600, Some(at + 86_400));
        let bytes = tok.sign(&s.p.controller).unwrap();
        let a = check_grant_status(&s.grant, &bytes, &trust, at).unwrap();
        assert_eq!(a.status, status);
        assert_eq!(a.max_age, 3_600);
        assert_eq!(a.index, s.idx);
        assert_eq!(a.list_issued_at, at - 600);
    }
}

#[test]
fn partner_check_refuses_what_it_cannot_vouch_for() {
    let s = setup();
    let at = T0 + 7_200;
    let trust = s.p.trust();
    let tok = s.registry.token(at, 3_600, Some(at + 86_400));
    let bytes = tok.sign(&s.p.controller).unwrap();
    // Expired list.
    assert!(matches!(
        check_grant_status(&s.grant, &bytes, &trust, at + 86_400),
        Err(StatusError::TokenExpired { .. })
    ));
    // From the future.
    assert!(matches!(
        check_grant_status(&s.grant, &bytes, &trust, at - CLOCK_SKEW - 1),
        Err(StatusError::TokenFromFuture { .. })
    ));
    // Another list.
    let mut other = tok.clone();
    other.subject = "https://traffic.example/status/2".into();
    assert!(matches!(
        check_grant_status(&s.grant, &other.sign(&s.p.controller).unwrap(), &trust, at),
        Err(StatusError::SubjectMismatch { .. })
    ));
    // A list too short for the index.
    let mut short = tok.clone();
    short.list = StatusList::new(2, 4).unwrap();
    let idx_in_range = s.idx < 4;
    let r = check_grant_status(&s.grant, &short.sign(&s.p.controller).unwrap(), &trust, at);
    assert!(idx_in_range || matches!(r, Err(StatusError::IndexOutOfRange { .. })));
    // A grant without status claim.
    let offer = sample::signed_offer(&s.p).unwrap();
    let plain = sample::signed_grant(&s.p, &offer).unwrap();
    assert_eq!(
        check_grant_status(&plain, &bytes, &trust, at),
        Err(StatusError::NoStatusReference)
    );
    // Not a grant.
    assert_eq!(
        check_grant_status(&offer, &bytes, &trust, at),
        Err(StatusError::NotAGrant(ArtifactKind::Offer))
    );
    // A grant that does not verify (no trusted keys).
    assert!(matches!(
        check_grant_status(&s.grant, &bytes, &TrustSet::new(), at),
        Err(StatusError::GrantInvalid(_))
    ));
    // An expired grant: the grant's own rules come first.
    let exp = Grant::from_artifact(&s.grant).unwrap().expires_at.unwrap();
    assert!(matches!(
        check_grant_status(&s.grant, &bytes, &trust, exp),
        Err(StatusError::GrantExpired { .. })
    ));
    // A token signed by an untrusted key.
    let stranger = KeyPair::ed25519_from_seed(&[7; 32]).unwrap();
    assert!(matches!(
        check_grant_status(&s.grant, &tok.sign(&stranger).unwrap(), &trust, at),
        Err(StatusError::UntrustedKey(_))
    ));
}

#[test]
fn grant_status_claim_round_trips_and_old_grants_still_verify() {
    let s = setup();
    let g = Grant::from_artifact(&s.grant).unwrap();
    assert_eq!(g.status.as_ref().map(|r| r.idx), Some(s.idx));
    let again = Artifact::decode(s.grant.as_bytes()).unwrap();
    again.verify(&s.p.trust()).unwrap();
    // The claim is key 65535 (0x19ffff) in the payload.
    assert!(hex::encode(s.grant.payload()).contains("19ffffa16b7374617475735f6c697374"));
    // A grant without it: no key 65535, decodes with status None, verifies.
    let offer = sample::signed_offer(&s.p).unwrap();
    let plain = sample::signed_grant(&s.p, &offer).unwrap();
    assert!(!hex::encode(plain.payload()).contains("19ffff"));
    let plain = Artifact::decode(plain.as_bytes()).unwrap();
    assert_eq!(Grant::from_artifact(&plain).unwrap().status, None);
    plain.verify(&s.p.trust()).unwrap();
}

#[test]
fn grant_with_malformed_status_claim_is_rejected() {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    for bad in [
        Value::Map(vec![]),
        Value::Map(vec![(Value::text("other"), Value::Map(vec![]))]),
        Value::Map(vec![(
            Value::text("status_list"),
            Value::Map(vec![(Value::text("idx"), Value::Unsigned(1))]),
        )]),
        Value::Map(vec![(
            Value::text("status_list"),
            Value::Map(vec![
                (Value::text("idx"), Value::Unsigned(1)),
                (Value::text("uri"), Value::text("not a uri")),
            ]),
        )]),
    ] {
        assert!(StatusReference::from_value(&bad).is_err(), "{bad:?}");
    }
    // Through the grant decoder: an InvalidField on `status`.
    let mut body = sample::grant_body(&p, &offer);
    body.status = Some(StatusReference {
        idx: 1,
        uri: "no-scheme".into(),
    });
    assert!(body.sign_both(&offer, &p.person, &p.controller).is_err());
}

#[test]
fn registry_draws_distinct_random_indices_and_decoys() {
    let mut r = StatusRegistry::new("https://traffic.example/status/1", 1, 1 << 12).unwrap();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        assert!(seen.insert(r.assign().unwrap().idx));
    }
    // Not sequential: 1000 random draws out of 4096 are not 0..1000.
    assert!(seen.iter().any(|&i| i >= 1000));
    r.add_decoys(24).unwrap();
    assert_eq!(r.allocated(), 1024);
    let invalid = (0..r.list().len())
        .filter(|&i| r.list().status(i) == Ok(Status::Invalid))
        .count();
    assert_eq!(invalid, 24);
    // Decoys never coincide with a grant's index.
    assert!(seen
        .iter()
        .all(|&i| r.list().status(i) == Ok(Status::Valid)));
    // Half full: refused.
    r.add_decoys(2048 - 1024).unwrap();
    assert_eq!(
        r.assign(),
        Err(StatusError::ListFull(
            "https://traffic.example/status/1".into()
        ))
    );
}

#[test]
fn registry_with_a_broken_random_source_does_not_hang() {
    let mut r = StatusRegistry::new("https://traffic.example/status/1", 1, 64).unwrap();
    let mut zero = || 0u64;
    let a = r.assign_with(&mut zero).unwrap().idx;
    let b = r.assign_with(&mut zero).unwrap().idx;
    assert_ne!(a, b);
}

#[test]
fn withdrawn_grant_reads_invalid_in_the_next_list() {
    // The partner's flow: a withdrawn grant shows INVALID in the next list.
    let mut s = setup();
    let w = Withdrawal::by_person(s.grant.id(), T0 + 86_400, &s.p.person).unwrap();
    assert_eq!(w.kind(), ArtifactKind::Withdrawal);
    s.registry.set(s.idx, Status::Invalid).unwrap();
    let at = T0 + 86_400 + 60;
    let bytes = s
        .registry
        .token(at, 600, Some(at + 3_600))
        .sign(&s.p.controller)
        .unwrap();
    assert_eq!(
        check_grant_status(&s.grant, &bytes, &s.p.trust(), at)
            .unwrap()
            .status,
        Status::Invalid
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any bytes: the readers return (an error or a value), never panic.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = StatusListToken::decode(&bytes);
            let _ = StatusList::from_cbor(&bytes);
            let _ = StatusList::decompress(1, &bytes);
            if let Ok(v) = cbor::decode(&bytes) {
                let _ = StatusReference::from_value(&v);
            }
            let _ = crate::log::receipt::parse_tlog_proof(&String::from_utf8_lossy(&bytes));
        }

        /// Any single changed byte of a signed token: it no longer verifies
        /// (or no longer reads) with the controller's key.
        #[test]
        fn any_byte_flip_of_a_token_fails(pos in any::<proptest::sample::Index>(), flip in 1u8..=255) {
            let key = KeyPair::ed25519_from_seed(&[11; 32]).unwrap();
            let mut list = StatusList::new(2, 64).unwrap();
            list.set(5, 1).unwrap();
            let t = token(list, T0);
            let mut bytes = t.sign(&key).unwrap();
            let i = pos.index(bytes.len());
            bytes[i] ^= flip;
            prop_assert!(StatusListToken::verify(&bytes, &key.public_key()).map(|x| x != t).unwrap_or(true));
        }

        /// Lists round-trip through their CBOR form, whatever the entries.
        #[test]
        fn lists_round_trip(bits in proptest::sample::select(vec![1u8, 2, 4, 8]), entries in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut list = StatusList::new(bits, entries.len() as u64).unwrap();
            let mask = ((1u16 << bits) - 1) as u8;
            for (i, v) in entries.iter().enumerate() {
                list.set(i as u64, v & mask).unwrap();
            }
            let back = StatusList::from_cbor(&list.to_cbor()).unwrap();
            prop_assert_eq!(back.bytes(), list.bytes());
            for (i, v) in entries.iter().enumerate() {
                prop_assert_eq!(back.get(i as u64).unwrap(), v & mask);
            }
        }
    }
}
