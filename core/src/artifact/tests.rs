use super::*;
use crate::keys::{Algorithm, KeyError, KeyPair};
use crate::sample::{self, Parties};

fn parties() -> Parties {
    Parties::new().unwrap()
}

#[test]
fn every_kind_round_trips_and_verifies() {
    let p = parties();
    let trust = p.trust();
    let all = sample::all(&p).unwrap();
    let mut kinds: Vec<ArtifactKind> = all.iter().map(Artifact::kind).collect();
    kinds.sort();
    assert_eq!(kinds, ArtifactKind::ALL.to_vec());
    for a in &all {
        let back = Artifact::decode(a.as_bytes()).unwrap();
        assert_eq!(&back, a);
        assert_eq!(back.as_bytes(), a.as_bytes());
        let signers = a
            .verify(&trust)
            .unwrap_or_else(|e| panic!("{}: {e}", a.kind()));
        assert!(!signers.is_empty());
    }
}

#[test]
fn verify_reports_who_signed() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let signers = grant.verify(&p.trust()).unwrap();
    assert_eq!(signers[0].signatory, Signatory::Subject);
    assert_eq!(signers[0].kid, p.person.kid());
    assert_eq!(
        signers[1].signatory,
        Signatory::Trusted {
            role: Role::Controller,
            party: sample::CONTROLLER.into()
        }
    );
    let receipt = p_receipt_by_partner(&p, &grant);
    let s = receipt.verify(&p.trust()).unwrap();
    assert_eq!(
        s[0].signatory,
        Signatory::Trusted {
            role: Role::Partner,
            party: sample::PARTNER.into()
        }
    );
}

fn p_receipt_by_partner(p: &Parties, grant: &Artifact) -> Artifact {
    let mut r = sample::receipt(grant).unwrap();
    r.recipient = None;
    r.sign(grant, &p.partner).unwrap()
}

/// The brief's budget: an Ed25519 data receipt is at most 200 bytes, both
/// for a partner recording its own use (quantity and precision set) and for
/// the controller passing data to a named partner.
#[test]
fn ed25519_receipt_is_at_most_200_bytes() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let mut own = sample::receipt(&grant).unwrap();
    own.recipient = None;
    own.quantity = 1000;
    own.precision = Some(100);
    let own = own.sign(&grant, &p.partner).unwrap();
    let mut passed = sample::receipt(&grant).unwrap();
    passed.recipient = Some(sample::PARTNER.into());
    passed.precision = Some(100);
    let passed = passed.sign(&grant, &p.controller).unwrap();
    for a in [own, passed] {
        assert!(
            a.as_bytes().len() <= 200,
            "receipt is {} bytes",
            a.as_bytes().len()
        );
    }
}

#[test]
fn ids_are_digests_of_the_payload_and_survive_countersigning() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let g = sample::grant_body(&p, &offer);
    let one = g.sign_as_person(&p.person).unwrap();
    let two = one.countersign(&offer, &p.controller).unwrap();
    assert_eq!(one.id(), two.id());
    assert_eq!(Digest::of(ArtifactKind::Grant, two.payload()), two.digest());
    // The same payload under another kind has another digest (domain separation).
    assert_ne!(
        Digest::of(ArtifactKind::Refusal, two.payload()),
        two.digest()
    );
}

#[test]
fn verification_failure_table() {
    let p = parties();
    let trust = p.trust();
    let offer = sample::signed_offer(&p).unwrap();

    // Untrusted key.
    let stranger = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let forged = sample::offer().unwrap().sign(&stranger).unwrap();
    assert!(matches!(
        forged.verify(&trust),
        Err(VerifyError::UntrustedKey { .. })
    ));

    // Trusted key, wrong role: the partner signs an offer.
    let mut o = sample::offer().unwrap();
    o.controller = sample::PARTNER.into();
    o.recipients.clear();
    // The partner's key declares its role, so signing refuses it outright;
    // the same key without a declared role signs, and verification refuses it.
    assert!(matches!(
        o.sign(&p.partner),
        Err(Error::Mistake(Mistake::WrongRole { .. }))
    ));
    let partner = KeyPair::ed25519_from_seed(&[2; 32]).unwrap();
    let by_partner = o.sign(&partner).unwrap();
    assert!(matches!(
        by_partner.verify(&trust),
        Err(VerifyError::WrongRole {
            role: Role::Partner,
            ..
        })
    ));

    // Trusted controller key, but for another controller's offer.
    let mut o = sample::offer().unwrap();
    o.controller = "music.example".into();
    let other = o.sign(&p.controller).unwrap();
    assert!(matches!(
        other.verify(&trust),
        Err(VerifyError::WrongParty { .. })
    ));

    // A grant with only the person's signature.
    let pending = sample::grant_body(&p, &offer)
        .sign_as_person(&p.person)
        .unwrap();
    assert!(matches!(
        pending.verify(&trust),
        Err(VerifyError::MissingCountersignature { .. })
    ));
    pending.verify_subject_signature().unwrap();

    // A grant countersigned by a controller key that belongs to someone else.
    let mut t2 = trust.clone();
    let music = KeyPair::generate(Algorithm::Ed25519).unwrap();
    t2.insert(music.public_key(), Role::Controller, "music.example");
    let wrong_cs = pending.countersign(&offer, &music).unwrap();
    assert!(matches!(
        wrong_cs.verify(&t2),
        Err(VerifyError::WrongParty { .. })
    ));
}

#[test]
fn algorithm_confusion_is_a_typed_error() {
    // An ES256 header naming an Ed25519 key's kid.
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let m = crate::cose::Sign1::from_slice(offer.as_bytes(), Tagging::Required).unwrap();
    let protected = Value::Map(vec![
        (Value::int(HDR_ALG), Value::int(-7)),
        (
            Value::int(HDR_KID),
            Value::bytes(p.controller.kid().0.to_vec()),
        ),
        (
            Value::int(HDR_TYP),
            Value::Unsigned(ArtifactKind::Offer.typ()),
        ),
    ])
    .to_vec();
    let mut m2 = m.clone();
    m2.headers.protected_bytes = protected;
    let a = Artifact::decode(&m2.to_vec()).unwrap();
    assert!(matches!(
        a.verify(&p.trust()),
        Err(VerifyError::AlgorithmMismatch {
            header: Algorithm::ES256,
            key: Algorithm::Ed25519,
            ..
        })
    ));
}

#[test]
fn person_withdrawal_must_be_signed_by_the_key_it_names() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let w = Withdrawal {
        grant: grant.id(),
        issued_at: sample::T0,
        effective_at: sample::T0,
        by: WithdrawnBy::Person,
        reason: None,
        subject_key: Some(crate::keys::Signer::public_key(&p.person)),
    };
    assert!(matches!(w.sign(&p.controller), Err(Error::Usage(_))));
    let ok = Withdrawal::by_person(grant.id(), sample::T0, &p.person).unwrap();
    assert_eq!(
        ok.verify(&p.trust()).unwrap()[0].signatory,
        Signatory::Subject
    );
    let rev = Withdrawal::revoke(grant.id(), sample::T0, "account closed", &p.controller).unwrap();
    assert!(matches!(
        rev.verify(&p.trust()).unwrap()[0].signatory,
        Signatory::Trusted {
            role: Role::Controller,
            ..
        }
    ));
}

/// Rebuilds a Sign1 artifact with a modified protected header or payload and re-signs it,
/// so that decoding (not the signature) is what fails.
fn resign1(
    protected: Vec<(Value, Value)>,
    unprotected: Vec<(Value, Value)>,
    payload: Vec<u8>,
    key: &KeyPair,
) -> Vec<u8> {
    let pbytes = if protected.is_empty() {
        Vec::new()
    } else {
        Value::Map(protected).to_vec()
    };
    let tbs = crate::cose::sig_structure1(&pbytes, &[], &payload);
    let sig = crate::keys::Signer::sign(key, &tbs).unwrap();
    Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(pbytes),
            Value::Map(unprotected),
            Value::Bytes(payload),
            Value::Bytes(sig),
        ])),
    )
    .to_vec()
}

fn std_protected(kind: ArtifactKind, key: &KeyPair) -> Vec<(Value, Value)> {
    vec![
        (Value::int(HDR_ALG), Value::int(-8)),
        (Value::int(HDR_KID), Value::bytes(key.kid().0.to_vec())),
        (Value::int(HDR_TYP), Value::Unsigned(kind.typ())),
    ]
}

fn payload_with(orig: &[u8], edit: impl FnOnce(&mut Vec<(Value, Value)>)) -> Vec<u8> {
    let Value::Map(mut m) = cbor::decode(orig).unwrap() else {
        unreachable!()
    };
    edit(&mut m);
    Value::Map(m).to_vec()
}

/// Every bad input gets its own typed error.
#[test]
fn decode_failure_table() {
    let p = parties();
    let k = &p.controller;
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let rp = receipt.payload().to_vec();
    let rk = ArtifactKind::DataReceipt;

    let mut trailing = receipt.as_bytes().to_vec();
    trailing.push(0);
    type Case<'a> = (&'a str, Vec<u8>, fn(&ArtifactError) -> bool);
    let cases: Vec<Case> = vec![
        ("oversize", vec![0; MAX_ARTIFACT_SIZE + 1], |e| {
            matches!(e, ArtifactError::TooLarge { .. })
        }),
        (
            "trailing bytes",
            trailing,
            |e| matches!(e, ArtifactError::Cbor(c) if c.kind == cbor::CborErrorKind::TrailingBytes),
        ),
        ("untagged", receipt.as_bytes()[1..].to_vec(), |e| {
            matches!(e, ArtifactError::Cose(CoseError::MissingTag { .. }))
        }),
        (
            "wrong tag",
            {
                let mut b = receipt.as_bytes().to_vec();
                b[0] = 0xd1; // tag 17 (COSE_Mac0)
                b
            },
            |e| {
                matches!(
                    e,
                    ArtifactError::Cose(CoseError::WrongTag { found: 17, .. })
                )
            },
        ),
        (
            "non-canonical CBOR (long-form length)",
            {
                // Re-encode the payload bstr head in long form: 0x58 len -> 0x59 00 len.
                let b = receipt.as_bytes();
                let m = crate::cose::Sign1::from_slice(b, Tagging::Required).unwrap();
                let mut out = vec![0xd2, 0x84];
                Value::Bytes(m.headers.protected_bytes.clone()).encode_into(&mut out);
                out.push(0xa0);
                out.extend([0x59, 0x00, m.payload.len() as u8]);
                out.extend(&m.payload);
                Value::Bytes(m.signature.clone()).encode_into(&mut out);
                out
            },
            |e| matches!(e, ArtifactError::Cbor(c) if c.kind == cbor::CborErrorKind::NonCanonicalHead),
        ),
        (
            "unknown critical header",
            resign1(
                {
                    let mut h = std_protected(rk, k);
                    h.push((Value::int(2), Value::Array(vec![Value::int(99)])));
                    h.push((Value::int(99), Value::Null));
                    h
                },
                vec![],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::Cose(CoseError::UnknownCriticalHeader(l)) if l == "99"),
        ),
        (
            "unexpected protected header",
            resign1(
                {
                    let mut h = std_protected(rk, k);
                    h.push((Value::int(3), Value::int(0)));
                    h
                },
                vec![],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::Header { .. }),
        ),
        (
            "non-empty unprotected header",
            resign1(
                std_protected(rk, k),
                vec![(Value::int(5), Value::bytes(vec![0; 12]))],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::Header { reason, .. } if reason.contains("unprotected")),
        ),
        (
            "unknown typ",
            resign1(
                {
                    let mut h = std_protected(rk, k);
                    h[2].1 = Value::Unsigned(65099);
                    h
                },
                vec![],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::UnknownType(t) if t == "65099"),
        ),
        (
            "no typ",
            resign1(std_protected(rk, k)[..2].to_vec(), vec![], rp.clone(), k),
            |e| matches!(e, ArtifactError::Profile(_)),
        ),
        (
            "unsupported alg",
            resign1(
                {
                    let mut h = std_protected(rk, k);
                    h[0].1 = Value::int(-35);
                    h
                },
                vec![],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::Cose(CoseError::UnsupportedAlgorithm(a)) if a == "-35"),
        ),
        (
            "grant as Sign1",
            resign1(
                std_protected(ArtifactKind::Grant, k),
                vec![],
                grant.payload().to_vec(),
                k,
            ),
            |e| matches!(e, ArtifactError::Profile(_)),
        ),
        (
            "missing field",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| m.retain(|(k, _)| k.as_i64() != Some(-42))),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::MissingField {
                        field: "commitment",
                        ..
                    }
                )
            },
        ),
        (
            "unknown field",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| m.push((Value::int(-99), Value::Null))),
                k,
            ),
            |e| matches!(e, ArtifactError::UnknownField { key: -99, .. }),
        ),
        (
            "wrong field type",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| {
                    m.retain(|(k, _)| k.as_i64() != Some(6));
                    m.push((Value::int(6), Value::text("yesterday")));
                }),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::WrongType {
                        field: "used_at",
                        ..
                    }
                )
            },
        ),
        (
            "default written out",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| m.push((Value::int(-40), Value::Unsigned(1)))),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::InvalidField {
                        field: "quantity",
                        ..
                    }
                )
            },
        ),
        (
            "built-in term as text",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| {
                    m.retain(|(k, _)| k.as_i64() != Some(-2));
                    m.push((Value::int(-2), Value::text("pd:Location")));
                }),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::InvalidField {
                        field: "category",
                        ..
                    }
                )
            },
        ),
        (
            "DPV term that DPV 2.3 does not define",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| {
                    m.retain(|(k, _)| k.as_i64() != Some(-2));
                    m.push((Value::int(-2), Value::text("pd:Preferences")));
                }),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::InvalidField {
                        field: "category",
                        reason,
                        ..
                    } if reason.contains("did you mean pd:Preference?")
                )
            },
        ),
        (
            "DPV term as a full IRI",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| {
                    m.retain(|(k, _)| k.as_i64() != Some(-2));
                    m.push((
                        Value::int(-2),
                        Value::text("https://w3id.org/dpv/pd#TravelHistory"),
                    ));
                }),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::InvalidField {
                        field: "category",
                        reason,
                        ..
                    } if reason.contains("another DPV term as its CURIE")
                )
            },
        ),
        (
            "deprecated term as text",
            resign1(
                std_protected(rk, k),
                vec![],
                payload_with(&rp, |m| {
                    m.retain(|(k, _)| k.as_i64() != Some(-2));
                    m.push((Value::int(-2), Value::text("pd:Schedule")));
                }),
                k,
            ),
            |e| {
                matches!(
                    e,
                    ArtifactError::InvalidField {
                        field: "category",
                        reason,
                        ..
                    } if reason.contains("deprecated built-in code 46")
                )
            },
        ),
        (
            "short kid",
            resign1(
                {
                    let mut h = std_protected(rk, k);
                    h[1].1 = Value::bytes(vec![1, 2, 3]);
                    h
                },
                vec![],
                rp.clone(),
                k,
            ),
            |e| matches!(e, ArtifactError::Header { reason, .. } if reason.contains("kid")),
        ),
        (
            "detached payload",
            {
                let m =
                    crate::cose::Sign1::from_slice(receipt.as_bytes(), Tagging::Required).unwrap();
                Value::Tag(
                    18,
                    Box::new(Value::Array(vec![
                        Value::Bytes(m.headers.protected_bytes),
                        Value::Map(vec![]),
                        Value::Null,
                        Value::Bytes(m.signature),
                    ])),
                )
                .to_vec()
            },
            |e| matches!(e, ArtifactError::Cose(CoseError::DetachedPayload)),
        ),
        (
            "empty protected as h'A0'",
            {
                Value::Tag(
                    18,
                    Box::new(Value::Array(vec![
                        Value::bytes(vec![0xa0]),
                        Value::Map(vec![]),
                        Value::bytes(rp.clone()),
                        Value::bytes(vec![0; 64]),
                    ])),
                )
                .to_vec()
            },
            |e| {
                matches!(
                    e,
                    ArtifactError::Cose(CoseError::EmptyProtectedNotZeroLength)
                )
            },
        ),
    ];
    for (name, bytes, check) in cases {
        match Artifact::decode(&bytes) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(check(&e), "{name}: wrong error {e:?}"),
        }
    }
}

/// Old artifacts that carry the deprecated codes 35, 37, 41 and 46 still
/// decode and verify, keep their bytes, and their terms say they are deprecated.
#[test]
fn deprecated_term_codes_still_decode_and_verify() {
    let p = parties();
    let old: Vec<Term> = [35, 37, 41, 46]
        .into_iter()
        .map(|c| Term::from_value(&Value::Unsigned(c)).unwrap())
        .collect();
    let mut offer = sample::offer().unwrap();
    offer.categories = old.clone();
    offer.recipients[0].categories = vec![old[1].clone()];
    let a = offer.sign(&p.controller).unwrap();
    let back = Artifact::decode(a.as_bytes()).unwrap();
    assert_eq!(back.as_bytes(), a.as_bytes());
    back.verify(&p.trust()).unwrap();
    let read = Offer::from_artifact(&back).unwrap();
    assert_eq!(read.categories, old);
    assert!(read.categories.iter().all(Term::is_deprecated));
    let names: Vec<&str> = read.categories.iter().map(Term::as_str).collect();
    assert_eq!(
        names,
        [
            "pd:BrowsingBehavior",
            "pd:Qualification",
            "pd:Behavioral",
            "pd:Schedule"
        ]
    );
    assert_eq!(
        read.recipients[0].categories[0].replacement(),
        Some(term("pd:ProfessionalCertification").unwrap())
    );
}

#[test]
fn json_view_names_the_fields() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let j = offer.to_json();
    assert_eq!(j["type"], "offer");
    assert_eq!(j["body"]["controller"], sample::CONTROLLER);
    assert_eq!(j["body"]["categories"][0], "pd:Location");
    assert_eq!(j["body"]["value_offered"][0]["kind"], "service");
    assert_eq!(j["id"], offer.id().to_string());
}

#[test]
fn the_info_record_is_the_json_views_fields_and_the_bytes() {
    let p = parties();
    for a in sample::all(&p).unwrap() {
        let info = a.info();
        let view = a.to_json();
        assert_eq!(info.kind, a.kind());
        assert_eq!(info.id, a.id());
        assert_eq!(info.digest, a.digest());
        assert_eq!(info.bytes, a.as_bytes());
        assert_eq!(info.size, a.as_bytes().len() as u64);
        // The payload is the JSON view's "body", the signers its "signers".
        assert_eq!(info.body.0, view["body"], "{}", a.label_str());
        let signers: Vec<(String, Algorithm)> = info
            .signers
            .iter()
            .map(|s| (s.kid.to_string(), s.algorithm))
            .collect();
        let expected: Vec<(String, Algorithm)> = a
            .signer_kids()
            .iter()
            .zip(a.signatures())
            .map(|(k, s)| (k.to_string(), s.alg))
            .collect();
        assert_eq!(signers, expected);
        assert!(!signers.is_empty());
        // Its JSON: the same fields, the digest and the bytes in hex.
        let j = serde_json::to_value(&info).unwrap();
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 7);
        assert_eq!(j["kind"], view["type"]);
        assert_eq!(j["digest"], hex::encode(a.digest().0));
        assert_eq!(j["bytes"], hex::encode(a.as_bytes()));
        assert_eq!(j["body"], view["body"]);
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    fn sample_bytes() -> Vec<Vec<u8>> {
        let p = parties();
        sample::all(&p)
            .unwrap()
            .into_iter()
            .map(|a| a.as_bytes().to_vec())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any single-bit flip of any signed artifact fails: either decoding
        /// rejects it, or verification does.
        #[test]
        fn every_single_bit_flip_fails(which in 0usize..6, bit in any::<proptest::sample::Index>()) {
            let p = parties();
            let trust = p.trust();
            let all = sample_bytes();
            let mut b = all[which].clone();
            let i = bit.index(b.len() * 8);
            b[i / 8] ^= 1 << (i % 8);
            if let Ok(a) = Artifact::decode(&b) {
                prop_assert!(a.verify(&trust).is_err(), "bit {} of {} accepted", i, a.kind());
            }
        }

        /// Receipts with arbitrary field values round-trip byte for byte.
        #[test]
        fn receipts_round_trip(qty in 1u32.., prec in proptest::option::of(any::<u32>()), at in (crate::time::MIN_TIME.secs()..crate::time::MAX_TIME.secs()).prop_map(crate::time::Timestamp::from), c in any::<[u8; 32]>(), recipient in "[a-z]{1,20}\\.example") {
            let p = parties();
            let offer = sample::signed_offer(&p).unwrap();
            let grant = sample::signed_grant(&p, &offer).unwrap();
            let mut r = sample::receipt(&grant).unwrap();
            r.quantity = qty; r.precision = prec; r.used_at = at; r.commitment = c; r.recipient = Some(recipient.into());
            // Any recipient: not necessarily one the grant names.
            let a = r.sign_known_violation(&p.controller, &KnownViolation::new("round trip")).unwrap();
            let back = Artifact::decode(a.as_bytes()).unwrap();
            prop_assert_eq!(back.body(), &Body::DataReceipt(r));
            prop_assert_eq!(back.as_bytes(), a.as_bytes());
        }
    }
}

/// A key that signs elsewhere, asynchronously (WebCrypto, an HSM): the
/// library hands out the exact bytes to sign and checks what comes back.
#[test]
fn prepared_signatures_for_keys_that_sign_elsewhere() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let remote = KeyPair::generate(Algorithm::ES256).unwrap();
    let public = crate::keys::Signer::public_key(&remote);
    let prepared = sample::grant_body(&p, &offer)
        .prepare_as_person(&public)
        .unwrap();
    assert_eq!(prepared.kind(), ArtifactKind::Grant);
    // The host signs elsewhere (here: ring, as WebCrypto would) and hands back r||s.
    let sig = crate::keys::Signer::sign(&remote, prepared.to_be_signed()).unwrap();
    let pending = prepared.complete(&sig).unwrap();
    pending.verify_subject_signature().unwrap();
    // A signature by another key, or over other bytes, is refused before assembling.
    let other = KeyPair::generate(Algorithm::ES256).unwrap();
    let bad = crate::keys::Signer::sign(&other, prepared.to_be_signed()).unwrap();
    assert!(matches!(
        prepared.complete(&bad),
        Err(Error::Key(KeyError::Signer(_)))
    ));
    // All zeros: r = 0, refused before any verification (issue 12).
    assert!(matches!(
        prepared.complete(&[0; 64]),
        Err(Error::Key(KeyError::SignatureEncoding(_)))
    ));
    // The controller countersigns the same way.
    let cs = pending
        .prepare_countersign(&offer, &crate::keys::Signer::public_key(&p.controller))
        .unwrap();
    let csig = crate::keys::Signer::sign(&p.controller, cs.to_be_signed()).unwrap();
    let grant = cs.complete(&csig).unwrap();
    assert_eq!(grant.verify(&p.trust()).unwrap().len(), 2);
    // Withdrawal, prepared.
    let w = Withdrawal::prepare_by_person(grant.id(), sample::T0, &public).unwrap();
    let wsig = crate::keys::Signer::sign(&remote, w.to_be_signed()).unwrap();
    assert_eq!(
        w.complete(&wsig).unwrap().verify(&p.trust()).unwrap()[0].signatory,
        Signatory::Subject
    );
}

#[test]
fn offer_and_refusal_consistency_rules() {
    let p = parties();
    let mut o = sample::offer().unwrap();
    o.recipients[0].purposes.clear();
    assert!(matches!(
        o.sign(&p.controller),
        Err(Error::Artifact(ArtifactError::InvalidField {
            field: "recipients",
            ..
        }))
    ));
    let offer = sample::signed_offer(&p).unwrap();
    let r = Refusal {
        subject: [0; 16],
        controller: sample::CONTROLLER.into(),
        issued_at: sample::T0,
        offer: offer.digest(),
        method: CollectionMethod::Imported,
        subject_key: None,
    };
    assert!(matches!(r.sign_as_person(&p.person), Err(Error::Usage(_))));
}

mod prop_all_kinds {
    use super::*;
    use crate::artifact::{Benefit, BenefitKind, Limits, ValueRecord};
    use proptest::prelude::*;

    fn iri() -> impl Strategy<Value = Term> {
        "[a-z]{1,12}".prop_map(|s| Term::new(&format!("https://p.example/{s}")).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Offers, grants, refusals, withdrawals and value records with
        /// arbitrary content round-trip byte for byte and verify.
        #[test]
        fn every_kind_round_trips(
            purposes in proptest::collection::btree_set(iri(), 1..6),
            name in "[ -~]{1,40}",
            times in ((crate::time::MIN_TIME.secs()..crate::time::MAX_TIME.secs() - 20_000_000).prop_map(crate::time::Timestamp::from), 0u64..1_000_000, 1_000_000u64..10_000_000),
            amount in any::<u64>(),
            limits in (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>()), proptest::option::of((crate::time::MIN_TIME.secs()..crate::time::MAX_TIME.secs()).prop_map(crate::time::Timestamp::from))),
            reason in "[ -~]{1,60}",
        ) {
            let p = parties();
            let trust = p.trust();
            let (t, dt, life) = times;
            let mut o = sample::offer().unwrap();
            o.name = name;
            o.purposes = purposes.iter().cloned().collect();
            o.recipients[0].purposes = vec![o.purposes[0].clone()];
            o.issued_at = t;
            o.valid_from = Some(t);
            o.valid_until = Some(t + life);
            o.limits = Limits { uses_per_day: limits.0, finest_precision: limits.1, use_by: limits.2 };
            o.value_offered[0].amount = amount;
            let offer = o.sign(&p.controller).unwrap();
            let mut g = sample::grant_body(&p, &offer);
            g.issued_at = t + dt;
            g.expires_at = Some(t + dt + life);
            g.purposes = purposes.iter().take(1 + (amount % purposes.len() as u64) as usize).cloned().collect();
            let grant = g.sign_both(&offer, &p.person, &p.controller).unwrap();
            let refusal = sample::signed_refusal(&p, &offer).unwrap();
            let wd = Withdrawal::revoke(grant.id(), t + dt + 1, reason, &p.controller).unwrap();
            let v = ValueRecord {
                grant: grant.id(),
                issued_at: t + dt + 2,
                benefit: Benefit { kind: BenefitKind::Money, amount, unit: "EUR".into(), condition: None, description: None },
            }
            .sign(&p.controller)
            .unwrap();
            for a in [&offer, &grant, &refusal, &wd, &v] {
                let back = Artifact::decode(a.as_bytes()).unwrap();
                prop_assert_eq!(&back, a);
                prop_assert_eq!(back.body().to_value().to_vec(), a.payload().to_vec());
                prop_assert!(back.verify(&trust).is_ok());
            }
        }
    }
}

/// docs/FORMAT.md §3.2: the labels each protected header may carry, and what
/// `crit` may list. A COSE_Sign1 and a two-signer COSE_Sign are re-signed
/// with each `crit` and must decode (and verify) or fail as the table says.
#[test]
fn crit_labels_follow_the_format_table() {
    let p = parties();
    let trust = p.trust();
    let offer = sample::signed_offer(&p).unwrap();
    let receipt = sample::signed_receipt(&p, &sample::signed_grant(&p, &offer).unwrap()).unwrap();
    let rk = ArtifactKind::DataReceipt;
    let crit = |labels: &[i64]| {
        (
            Value::int(HDR_CRIT),
            Value::Array(labels.iter().map(|l| Value::int(*l)).collect()),
        )
    };
    // COSE_Sign1: crit may list 1, 2, 4, 16.
    for ok in [&[1][..], &[2], &[4], &[16], &[1, 2, 4, 16]] {
        let mut h = std_protected(rk, &p.controller);
        h.push(crit(ok));
        let b = resign1(h, vec![], receipt.payload().to_vec(), &p.controller);
        let a = Artifact::decode(&b).unwrap_or_else(|e| panic!("crit {ok:?}: {e}"));
        a.verify(&trust).unwrap();
    }
    // Label 3 is understood by the COSE layer but not allowed in an artifact.
    let mut h = std_protected(rk, &p.controller);
    h.push(crit(&[3]));
    h.push((Value::int(3), Value::int(0)));
    let b = resign1(h, vec![], receipt.payload().to_vec(), &p.controller);
    assert!(matches!(
        Artifact::decode(&b),
        Err(ArtifactError::Header { .. })
    ));
    // A listed label must be present; an empty crit is malformed; crit is never unprotected.
    for (name, labels) in [("absent label", &[3][..]), ("empty", &[])] {
        let mut h = std_protected(rk, &p.controller);
        h.push(crit(labels));
        let b = resign1(h, vec![], receipt.payload().to_vec(), &p.controller);
        assert!(
            matches!(
                Artifact::decode(&b),
                Err(ArtifactError::Cose(CoseError::MalformedCrit(_)))
            ),
            "{name}"
        );
    }
    let b = resign1(
        std_protected(rk, &p.controller),
        vec![crit(&[16])],
        receipt.payload().to_vec(),
        &p.controller,
    );
    assert!(Artifact::decode(&b).is_err());

    // COSE_Sign (a grant): body crit may list 2, 16; a signer's crit 1, 2, 4.
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let sign_grant = |body: &[i64], signer: &[i64]| -> Vec<u8> {
        let mut bh = vec![(
            Value::int(HDR_TYP),
            Value::Unsigned(ArtifactKind::Grant.typ()),
        )];
        if !body.is_empty() {
            bh.push(crit(body));
        }
        let bh = Value::Map(bh).to_vec();
        let sig = |k: &KeyPair| {
            let mut sh = vec![
                (Value::int(HDR_ALG), Value::int(-8)),
                (Value::int(HDR_KID), Value::bytes(k.kid().0.to_vec())),
            ];
            if !signer.is_empty() {
                sh.push(crit(signer));
            }
            let sh = Value::Map(sh).to_vec();
            let tbs = crate::cose::sig_structure(&bh, &sh, &[], grant.payload());
            Value::Array(vec![
                Value::Bytes(sh),
                Value::Map(vec![]),
                Value::Bytes(crate::keys::Signer::sign(k, &tbs).unwrap()),
            ])
        };
        let sigs = vec![sig(&p.person), sig(&p.controller)];
        Value::Tag(
            98,
            Box::new(Value::Array(vec![
                Value::Bytes(bh),
                Value::Map(vec![]),
                Value::Bytes(grant.payload().to_vec()),
                Value::Array(sigs),
            ])),
        )
        .to_vec()
    };
    for (body, signer) in [
        (&[16][..], &[][..]),
        (&[2, 16], &[]),
        (&[], &[1, 4]),
        (&[], &[2]),
    ] {
        let a = Artifact::decode(&sign_grant(body, signer))
            .unwrap_or_else(|e| panic!("body crit {body:?}, signer crit {signer:?}: {e}"));
        a.verify(&trust).unwrap();
        assert_eq!(a.id(), grant.id());
    }
    // Labels absent from that header: 1 in the body, 16 in a signer's header.
    for (body, signer) in [(&[1][..], &[][..]), (&[], &[16])] {
        assert!(
            Artifact::decode(&sign_grant(body, signer)).is_err(),
            "body crit {body:?}, signer crit {signer:?}"
        );
    }
}

/// RFC 9864: an offer whose protected `alg` is ESP256 (-9), signed by a
/// P-256 controller key, verifies like one with ES256 (-7); the same -9
/// header naming an Ed25519 controller's key is an algorithm mismatch.
#[test]
fn esp256_artifact_verifies_with_a_p256_key() {
    let p256 = KeyPair::generate(Algorithm::ES256).unwrap();
    let mut trust = TrustSet::new();
    trust.insert(p256.public_key(), Role::Controller, sample::CONTROLLER);
    let offer = sample::offer().unwrap().sign(&p256).unwrap();
    let resign = |kid: &KeyId, signer: &KeyPair| {
        let mut m = crate::cose::Sign1::from_slice(offer.as_bytes(), Tagging::Required).unwrap();
        m.headers.protected_bytes = Value::Map(vec![
            (Value::int(HDR_ALG), Value::int(crate::keys::ESP256)),
            (Value::int(HDR_KID), Value::bytes(kid.0.to_vec())),
            (
                Value::int(HDR_TYP),
                Value::Unsigned(ArtifactKind::Offer.typ()),
            ),
        ])
        .to_vec();
        m.signature = crate::keys::Signer::sign(signer, &m.tbs(&[])).unwrap();
        Artifact::decode(&m.to_vec()).unwrap()
    };
    let esp = resign(&p256.kid(), &p256);
    assert_ne!(esp.as_bytes(), offer.as_bytes());
    assert_eq!(esp.id(), offer.id());
    assert!(esp.verify(&trust).is_ok());

    let p = parties();
    let ed = resign(&p.controller.kid(), &p.controller);
    assert!(matches!(
        ed.verify(&p.trust()),
        Err(VerifyError::AlgorithmMismatch {
            header: Algorithm::ES256,
            key: Algorithm::Ed25519,
            ..
        })
    ));
}

/// The artifacts the canonical-form reader must take: every sample kind
/// with both algorithms, and the variants each kind has (a revocation, an
/// imported grant, a grant with a status reference and a renewal, a
/// receipt naming its terms and recipient in full, with a quantity).
fn fast_path_artifacts() -> Vec<Artifact> {
    let mut out = Vec::new();
    for alg in [Algorithm::Ed25519, Algorithm::ES256] {
        let p = match alg {
            Algorithm::Ed25519 => parties(),
            Algorithm::ES256 => Parties {
                controller: KeyPair::generate(alg).unwrap(),
                partner: KeyPair::generate(alg).unwrap(),
                person: KeyPair::generate(alg).unwrap(),
                wallet_secret: [4; 32],
            },
        };
        let offer = sample::signed_offer(&p).unwrap();
        let grant = sample::signed_grant(&p, &offer).unwrap();
        out.extend(sample::all(&p).unwrap());
        out.push(
            Withdrawal::revoke(grant.id(), sample::T0, "account closed", &p.controller).unwrap(),
        );
        let mut imported = sample::grant_body(&p, &offer);
        imported.imported = true;
        imported.method = CollectionMethod::Imported;
        imported.subject_key = None;
        out.push(imported.sign_imported(&p.controller).unwrap());
        let mut renewal = sample::grant_body(&p, &offer);
        renewal.supersedes = Some(grant.id());
        renewal.recipients = vec![sample::PARTNER.into()];
        renewal.status = Some(crate::status::StatusReference {
            idx: 70_000,
            uri: "https://traffic.example/status/1".into(),
        });
        out.push(renewal.sign_both(&offer, &p.person, &p.controller).unwrap());
        let mut r = sample::receipt(&grant).unwrap();
        r.quantity = 7;
        r.precision = Some(100_000);
        r.recipient = Some("elsewhere.example".into());
        let known = KnownViolation::new("in full");
        out.push(r.sign_known_violation(&p.partner, &known).unwrap());
    }
    out
}

/// Decodes `bytes` with the canonical-form reader and with the general
/// decoder: whatever the reader accepts, the general decoder accepts as the
/// same artifact. Returns whether the reader accepted it.
fn fast_agrees(bytes: &[u8]) -> bool {
    let Some(a) = fast::decode(bytes) else {
        return false;
    };
    match Artifact::decode_general(bytes) {
        Ok(g) => assert_eq!(a, g, "the two decoders differ on {}", hex::encode(bytes)),
        Err(e) => panic!(
            "only the canonical-form reader accepts {}: {e}",
            hex::encode(bytes)
        ),
    }
    true
}

#[test]
fn fast_decode_agrees_with_the_general_decoder_on_every_kind_and_variant() {
    let all = fast_path_artifacts();
    assert_eq!(all.len(), 2 * 10);
    for a in &all {
        assert!(
            fast_agrees(a.as_bytes()),
            "{} {:?} is not read by the canonical-form reader",
            a.kind(),
            a.signatures()[0].alg
        );
        assert_eq!(&Artifact::decode(a.as_bytes()).unwrap(), a);
    }
}

/// Every byte of every artifact changed four ways, every truncation and one
/// byte appended: whatever the canonical-form reader accepts, the general
/// decoder accepts as the same artifact.
#[test]
fn fast_decode_agrees_with_the_general_decoder_on_every_byte_mutation() {
    let (mut tried, mut taken) = (0, 0);
    for a in fast_path_artifacts() {
        let b = a.as_bytes();
        let mut inputs = Vec::new();
        for i in 0..b.len() {
            for m in [
                |x: u8| x ^ 0x01,
                |x: u8| x ^ 0x20,
                |x: u8| x.wrapping_add(1),
                |_| 0xff,
            ] {
                let mut c = b.to_vec();
                c[i] = m(c[i]);
                inputs.push(c);
            }
            inputs.push(b[..i].to_vec());
        }
        inputs.push([b, &[0][..]].concat());
        for c in inputs {
            tried += 1;
            taken += usize::from(fast_agrees(&c));
        }
    }
    // Changing a signature, a hash or a byte of text keeps an artifact
    // decodable: the reader must take those too.
    assert!(taken > tried / 10, "reader took {taken} of {tried}");
}

/// The fuzz corpora and the old artifacts in tests/vectors (receipts-v1:
/// 32-byte kids, terms and recipients in full): the reader takes the old
/// artifacts and agrees with the general decoder on every input.
#[test]
fn fast_decode_agrees_on_the_fuzz_corpora_and_old_vectors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut n = 0;
    for dir in [
        "fuzz/corpus/artifact",
        "fuzz/corpus/cose",
        "fuzz/corpus/bundle",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            fast_agrees(&bytes);
            n += 1;
        }
    }
    assert!(n > 500, "fuzz corpora not found ({n} inputs)");
    for name in ["offer", "grant", "data_receipt"] {
        let path = root.join(format!("tests/vectors/receipts-v1/{name}.hex"));
        let text = std::fs::read_to_string(path).unwrap();
        let bytes = hex::decode(text.split_whitespace().collect::<String>()).unwrap();
        assert!(
            fast_agrees(&bytes),
            "receipts-v1 {name} is not read by the reader"
        );
    }
}

/// Encodes a map with its entries in the order given (unsorted or repeated).
fn raw_map(entries: &[(Value, Value)]) -> Vec<u8> {
    let mut out = Vec::new();
    crate::cbor::head(&mut out, 5, entries.len() as u64);
    for (k, v) in entries {
        k.encode_into(&mut out);
        v.encode_into(&mut out);
    }
    out
}

/// A payload not in deterministic CBOR is refused with the CBOR error that
/// names what is wrong, whichever decoder reads it.
#[test]
fn payload_not_in_deterministic_cbor_is_refused_with_its_cbor_error() {
    use crate::cbor::CborErrorKind as K;
    let p = parties();
    let k = &p.controller;
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let rp = receipt.payload().to_vec();
    let Value::Map(entries) = cbor::decode(&rp).unwrap() else {
        unreachable!()
    };
    // The first entry is iat (key 6) with a 4-byte argument.
    assert_eq!(&rp[1..3], &[0x06, 0x1a]);
    let long_iat = [&rp[..2], &[0x1b, 0, 0, 0, 0], &rp[3..]].concat();
    let mut swapped = entries.clone();
    swapped.swap(0, 1);
    let mut repeated = entries.clone();
    repeated.insert(1, entries[0].clone());
    let indefinite = [&[0xbf][..], &rp[1..], &[0xff]].concat();
    let cases = [
        ("non-canonical head", long_iat, K::NonCanonicalHead),
        ("unsorted keys", raw_map(&swapped), K::UnsortedMapKeys),
        ("duplicate key", raw_map(&repeated), K::DuplicateMapKey),
        ("indefinite length", indefinite, K::IndefiniteLength),
        ("trailing bytes", [&rp[..], &[0]].concat(), K::TrailingBytes),
    ];
    for (what, payload, kind) in cases {
        let bytes = resign1(
            std_protected(ArtifactKind::DataReceipt, k),
            vec![],
            payload,
            k,
        );
        assert!(fast::decode(&bytes).is_none(), "{what}: the reader took it");
        match Artifact::decode(&bytes) {
            Err(ArtifactError::Cbor(e)) => assert_eq!(e.kind, kind, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    // The same payload in its canonical form decodes.
    let fine = resign1(std_protected(ArtifactKind::DataReceipt, k), vec![], rp, k);
    assert!(fast_agrees(&fine));
}

/// The parts of an artifact are kept where they lie in its bytes (the
/// canonical-form reader) or copied after them (the general decoder): either
/// way the artifact shows the same bytes, payload and signatures, and its
/// signatures verify over the same Sig_structures.
#[test]
fn an_artifact_read_by_either_decoder_verifies_from_its_kept_parts() {
    let p = parties();
    let trust = p.trust();
    for a in sample::all(&p).unwrap() {
        let fast = fast::decode(a.as_bytes()).unwrap();
        let general = Artifact::decode_general(a.as_bytes()).unwrap();
        for d in [&fast, &general] {
            assert_eq!(d.as_bytes(), a.as_bytes());
            assert_eq!(d.payload(), a.payload());
            assert!(!d.payload().is_empty());
            assert_eq!(d.verify(&trust).unwrap(), a.verify(&trust).unwrap());
            for (i, s) in d.signatures().iter().enumerate() {
                assert_eq!(d.tbs(s), a.tbs(&a.signatures()[i]), "{}", a.kind());
            }
        }
        assert_eq!(fast, general);
    }
}

/// The Sig_structure of a COSE_Sign1 taken in one copy from the artifact's
/// bytes is, byte for byte, the one encoded part by part; the general
/// decoder's buffer (parts copied after the bytes) is not taken in place,
/// and both give the same `tbs`.
#[test]
fn sig_structure1_in_place_is_the_sig_structure() {
    let mut in_place = 0;
    for a in fast_path_artifacts() {
        if a.kind().is_multi_signed() {
            continue;
        }
        let fast = Artifact::decode(a.as_bytes()).unwrap();
        let general = Artifact::decode_general(a.as_bytes()).unwrap();
        let slot = &fast.signatures()[0];
        let expected =
            crate::cose::sig_structure1(slot.protected.of(&fast.buf), &[], fast.payload());
        let mut out = vec![7];
        assert!(
            fast.sig_structure1_in_place(slot.protected, &mut out),
            "{}",
            a.kind()
        );
        assert_eq!(out[0], 7, "appended, not overwritten");
        assert_eq!(&out[1..], &expected[..], "{}", a.kind());
        in_place += 1;
        let g = &general.signatures()[0];
        let mut none = Vec::new();
        assert!(!general.sig_structure1_in_place(g.protected, &mut none));
        assert!(none.is_empty());
        assert_eq!(general.tbs(g), expected);
        assert_eq!(fast.tbs(slot), expected);
    }
    assert!(in_place >= 8, "{in_place} Sign1 artifacts");
}
