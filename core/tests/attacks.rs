//! Named attack tests: what a forger, a controller or a malicious bundle
//! might try, and the typed outcome consentkit gives. See SECURITY.md.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions, FindingKind};
use consentkit::cbor::{self, CborErrorKind, Value};
use consentkit::cose::{sig_structure, sig_structure1, CoseError, Sign, Sign1, Tagging};
use consentkit::sample::{self, Parties, T0};
use consentkit::{
    Algorithm, Artifact, ArtifactError, ArtifactKind, Grant, KeyPair, Role, Signer, VerifyError,
};

fn parties() -> Parties {
    Parties::new().unwrap()
}

fn protected(alg: i64, kid: &[u8], typ: Option<u64>) -> Vec<u8> {
    let mut m = vec![
        (Value::int(1), Value::int(alg)),
        (Value::int(4), Value::bytes(kid.to_vec())),
    ];
    if let Some(t) = typ {
        m.push((Value::int(16), Value::Unsigned(t)));
    }
    Value::Map(m).to_vec()
}

fn sign1(protected: Vec<u8>, payload: Vec<u8>, signer: &dyn Signer) -> Vec<u8> {
    let sig = signer
        .sign(&sig_structure1(&protected, &[], &payload))
        .unwrap();
    Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(payload),
            Value::Bytes(sig),
        ])),
    )
    .to_vec()
}

fn grant_and_receipt(p: &Parties) -> (Artifact, Artifact, Artifact) {
    let offer = sample::signed_offer(p).unwrap();
    let grant = sample::signed_grant(p, &offer).unwrap();
    let receipt = sample::signed_receipt(p, &grant).unwrap();
    (offer, grant, receipt)
}

fn opts() -> AuditOptions {
    AuditOptions {
        at: Some(T0 + 400 * 86_400),
    }
}

#[test]
fn algorithm_confusion_es256_header_with_ed25519_key() {
    let p = parties();
    let (_, _, receipt) = grant_and_receipt(&p);
    // The controller's Ed25519 key id under an ES256 header, signed by an ES256 key.
    let es = KeyPair::generate(Algorithm::ES256).unwrap();
    let bytes = sign1(
        protected(
            -7,
            p.controller.kid().as_bytes(),
            Some(ArtifactKind::DataReceipt.typ()),
        ),
        receipt.payload().to_vec(),
        &es,
    );
    let a = Artifact::decode(&bytes).unwrap();
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
fn algorithm_confusion_ed25519_header_with_es256_key() {
    let p = parties();
    let (_, _, receipt) = grant_and_receipt(&p);
    let es = KeyPair::generate(Algorithm::ES256).unwrap();
    let mut trust = p.trust();
    trust.insert(es.public_key(), Role::Partner, "es.example");
    let bytes = sign1(
        protected(
            -8,
            es.kid().as_bytes(),
            Some(ArtifactKind::DataReceipt.typ()),
        ),
        receipt.payload().to_vec(),
        &p.partner,
    );
    let a = Artifact::decode(&bytes).unwrap();
    assert!(matches!(
        a.verify(&trust),
        Err(VerifyError::AlgorithmMismatch {
            header: Algorithm::Ed25519,
            key: Algorithm::ES256,
            ..
        })
    ));
}

#[test]
fn key_substitution_kid_of_one_key_signature_of_another() {
    let p = parties();
    let (_, _, receipt) = grant_and_receipt(&p);
    // Claims to be the controller, signed by the (also trusted) partner.
    let bytes = sign1(
        protected(
            -8,
            p.controller.kid().as_bytes(),
            Some(ArtifactKind::DataReceipt.typ()),
        ),
        receipt.payload().to_vec(),
        &p.partner,
    );
    let a = Artifact::decode(&bytes).unwrap();
    assert!(matches!(
        a.verify(&p.trust()),
        Err(VerifyError::SignatureInvalid { .. })
    ));
}

#[test]
fn an_artifact_of_one_type_presented_as_another() {
    let p = parties();
    let (_, grant, receipt) = grant_and_receipt(&p);
    // Same signature, typ changed in the protected header: the signature covers typ.
    let m = Sign1::from_slice(receipt.as_bytes(), Tagging::Required).unwrap();
    let mut forged = m.clone();
    forged.headers.protected_bytes = protected(
        -8,
        p.controller.kid().as_bytes(),
        Some(ArtifactKind::ValueRecord.typ()),
    );
    // Decoding fails: a receipt payload is not a value record.
    assert!(matches!(
        Artifact::decode(&forged.to_vec()),
        Err(ArtifactError::MissingField {
            kind: ArtifactKind::ValueRecord,
            ..
        })
    ));
    // A grant's COSE_Sign body presented as a refusal: its payload does not fit.
    let mut g = Sign::from_slice(grant.as_bytes(), Tagging::Required).unwrap();
    g.headers.protected_bytes = Value::Map(vec![(
        Value::int(16),
        Value::Unsigned(ArtifactKind::Refusal.typ()),
    )])
    .to_vec();
    assert!(Artifact::decode(&g.to_vec()).is_err());
    // Even a payload that fits both is domain-separated: its id differs per type.
    assert_ne!(
        consentkit::Digest::of(ArtifactKind::Grant, grant.payload()),
        consentkit::Digest::of(ArtifactKind::Refusal, grant.payload())
    );
}

#[test]
fn a_receipt_replayed_under_a_different_grant() {
    let p = parties();
    let (offer, grant, receipt) = grant_and_receipt(&p);
    // Another person's grant with the same controller.
    let other_person = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let mut g2 = sample::grant_body(&p, &offer);
    g2.subject = [9; 16];
    let grant2 = g2.sign_both(&offer, &other_person, &p.controller).unwrap();
    // Rewrite the receipt's grant reference, keep the signature.
    let m = Sign1::from_slice(receipt.as_bytes(), Tagging::Required).unwrap();
    let Value::Map(mut payload) = cbor::decode(&m.payload).unwrap() else {
        unreachable!()
    };
    for (k, v) in &mut payload {
        if k.as_i64() == Some(-30) {
            *v = Value::bytes(grant2.id().0.to_vec());
        }
    }
    let mut forged = m.clone();
    forged.payload = Value::Map(payload).to_vec();
    let a = Artifact::decode(&forged.to_vec()).unwrap();
    assert!(matches!(
        a.verify(&p.trust()),
        Err(VerifyError::SignatureInvalid { .. })
    ));
    let rep = audit_bytes(
        &to_sequence([&offer, &grant, &grant2, &a]),
        &p.trust(),
        &opts(),
    );
    assert_eq!(
        rep.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FindingKind::SignatureInvalid]
    );
    // Replaying the same bytes twice is a duplicate.
    let rep = audit_bytes(
        &to_sequence([&offer, &grant, &receipt, &receipt]),
        &p.trust(),
        &opts(),
    );
    assert_eq!(
        rep.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FindingKind::DuplicateId]
    );
}

#[test]
fn a_grant_whose_countersignature_belongs_to_another_controller() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let music = KeyPair::generate(Algorithm::Ed25519).unwrap();
    let mut trust = p.trust();
    trust.insert(music.public_key(), Role::Controller, "music.example");
    let g = sample::grant_body(&p, &offer)
        .sign_both(&offer, &p.person, &music)
        .unwrap();
    assert!(matches!(
        g.verify(&trust),
        Err(VerifyError::WrongParty { .. })
    ));
    let rep = audit_bytes(&to_sequence([&offer, &g]), &trust, &opts());
    assert_eq!(rep.findings[0].kind, FindingKind::WrongSigner);
}

#[test]
fn a_downgrade_to_an_unsigned_or_detached_payload() {
    let p = parties();
    let (_, grant, receipt) = grant_and_receipt(&p);
    let m = Sign1::from_slice(receipt.as_bytes(), Tagging::Required).unwrap();
    let build = |payload: Value, sig: Value| {
        Value::Tag(
            18,
            Box::new(Value::Array(vec![
                Value::Bytes(m.headers.protected_bytes.clone()),
                Value::Map(vec![]),
                payload,
                sig,
            ])),
        )
        .to_vec()
    };
    // Detached payload.
    assert!(matches!(
        Artifact::decode(&build(Value::Null, Value::Bytes(m.signature.clone()))),
        Err(ArtifactError::Cose(CoseError::DetachedPayload))
    ));
    // Empty signature ("unsigned").
    assert!(matches!(
        Artifact::decode(&build(
            Value::Bytes(m.payload.clone()),
            Value::bytes(vec![])
        )),
        Err(ArtifactError::Header { .. })
    ));
    // Bare payload without COSE.
    assert!(matches!(
        Artifact::decode(&m.payload),
        Err(ArtifactError::Cose(CoseError::MissingTag { .. }))
    ));
    // A grant stripped of both signatures.
    let mut g = Sign::from_slice(grant.as_bytes(), Tagging::Required).unwrap();
    g.signatures.clear();
    assert!(matches!(
        Artifact::decode(&g.to_vec()),
        Err(ArtifactError::Cose(CoseError::Structure { .. }))
    ));
    // A grant stripped of the controller's countersignature.
    let mut g = Sign::from_slice(grant.as_bytes(), Tagging::Required).unwrap();
    g.signatures.truncate(1);
    let a = Artifact::decode(&g.to_vec()).unwrap();
    assert!(matches!(
        a.verify(&p.trust()),
        Err(VerifyError::MissingCountersignature { .. })
    ));
    // "alg": none-like values are unsupported.
    let bytes = sign1(
        protected(
            0,
            p.controller.kid().as_bytes(),
            Some(ArtifactKind::DataReceipt.typ()),
        ),
        m.payload.clone(),
        &p.controller,
    );
    assert!(matches!(
        Artifact::decode(&bytes),
        Err(ArtifactError::Cose(CoseError::UnsupportedAlgorithm(_)))
    ));
}

#[test]
fn non_canonical_re_encodings_of_a_valid_payload_are_rejected_even_when_signed() {
    let p = parties();
    let (_, _, receipt) = grant_and_receipt(&p);
    let typ = Some(ArtifactKind::DataReceipt.typ());
    let prot = protected(-8, p.controller.kid().as_bytes(), typ);
    let payload = receipt.payload().to_vec();
    // 1. Map keys out of order: swap the first two entries' encodings.
    let Value::Map(entries) = cbor::decode(&payload).unwrap() else {
        unreachable!()
    };
    let mut unsorted = vec![0xa0 | entries.len() as u8];
    let mut enc: Vec<Vec<u8>> = entries
        .iter()
        .map(|(k, v)| {
            let mut b = k.to_vec();
            b.extend(v.to_vec());
            b
        })
        .collect();
    enc.swap(0, 1);
    for e in enc {
        unsorted.extend(e);
    }
    // 2. An integer in long form: iat (key 6) as a 9-byte integer.
    let mut long_int = payload.clone();
    let pos = long_int.windows(2).position(|w| w == [0x06, 0x1a]).unwrap();
    let secs = u32::from_be_bytes(long_int[pos + 2..pos + 6].try_into().unwrap());
    let mut replacement = vec![0x06, 0x1b];
    replacement.extend((secs as u64).to_be_bytes());
    // The map head stays valid; only the integer changes form.
    long_int.splice(pos..pos + 6, replacement);
    // 3. Indefinite-length map.
    let mut indefinite = vec![0xbf];
    indefinite.extend(&payload[1..]);
    indefinite.push(0xff);
    for (name, bad, want) in [
        ("unsorted keys", unsorted, CborErrorKind::UnsortedMapKeys),
        (
            "long-form integer",
            long_int,
            CborErrorKind::NonCanonicalHead,
        ),
        (
            "indefinite length",
            indefinite,
            CborErrorKind::IndefiniteLength,
        ),
    ] {
        let bytes = sign1(prot.clone(), bad, &p.controller);
        match Artifact::decode(&bytes) {
            Err(ArtifactError::Cbor(e)) => assert_eq!(e.kind, want, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    // 4. A default written out (quantity 1): canonical CBOR, non-canonical payload.
    let Value::Map(mut m) = cbor::decode(&payload).unwrap() else {
        unreachable!()
    };
    m.push((Value::int(-40), Value::Unsigned(1)));
    let bytes = sign1(prot.clone(), Value::Map(m).to_vec(), &p.controller);
    assert!(matches!(
        Artifact::decode(&bytes),
        Err(ArtifactError::InvalidField {
            field: "quantity",
            ..
        })
    ));
    // 5. Non-canonical protected header (keys out of order).
    let mut bad_prot = vec![0xa3];
    bad_prot.extend(Value::int(4).to_vec());
    bad_prot.extend(Value::bytes(p.controller.kid().as_bytes().to_vec()).to_vec());
    bad_prot.extend([0x01, 0x27]);
    bad_prot.extend(Value::int(16).to_vec());
    bad_prot.extend(Value::Unsigned(ArtifactKind::DataReceipt.typ()).to_vec());
    let bytes = sign1(bad_prot, payload, &p.controller);
    assert!(matches!(
        Artifact::decode(&bytes),
        Err(ArtifactError::Cose(CoseError::Cbor(e))) if e.kind == CborErrorKind::UnsortedMapKeys
    ));
}

#[test]
fn deeply_nested_or_huge_cbor_is_bounded() {
    // A million nested arrays: rejected at the depth limit, not by the stack.
    let nested = vec![0x81u8; 1_000_000];
    let e = cbor::decode(&nested).unwrap_err();
    assert_eq!(e.kind, CborErrorKind::TooDeep);
    assert!(matches!(
        Artifact::decode(&nested),
        Err(ArtifactError::TooLarge { .. })
    ));
    let small_nested = vec![0x81u8; 1000];
    assert!(matches!(
        Artifact::decode(&small_nested),
        Err(ArtifactError::Cbor(e)) if e.kind == CborErrorKind::TooDeep
    ));
    assert_eq!(
        cbor::well_formed_len(&nested).unwrap_err().kind,
        CborErrorKind::TooDeep
    );
    // Declared lengths far beyond the input fail before allocating.
    for huge in [
        &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
    ] {
        assert_eq!(
            cbor::decode(huge).unwrap_err().kind,
            CborErrorKind::LengthTooLarge
        );
    }
    // Just over the artifact size limit.
    let big = vec![0u8; consentkit::artifact::MAX_ARTIFACT_SIZE + 1];
    assert!(matches!(
        Artifact::decode(&big),
        Err(ArtifactError::TooLarge { .. })
    ));
    // A wide flat array of 60,000 items decodes into an error, not a hang.
    let mut wide = vec![0x99, 0xea, 0x60];
    wide.extend(vec![0u8; 60_000]);
    assert!(Artifact::decode(&wide).is_err());
}

#[test]
fn clock_skew_at_the_edges_of_expiry() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let expires = Grant::from_artifact(&grant).unwrap().expires_at.unwrap();
    let at = |t: consentkit::Timestamp| {
        let mut r = sample::receipt(&grant).unwrap();
        r.used_at = t;
        r.sign_known_violation(
            &p.controller,
            &consentkit::KnownViolation::new("a violation for the audit to find"),
        )
        .unwrap()
    };
    let kinds = |items: &[&Artifact], audit_at: consentkit::Timestamp| {
        audit_bytes(
            &to_sequence(items.iter().copied()),
            &p.trust(),
            &AuditOptions { at: Some(audit_at) },
        )
        .findings
        .iter()
        .map(|f| f.kind)
        .collect::<Vec<_>>()
    };
    let last_second = at(expires - 1);
    let at_expiry = at(expires);
    assert_eq!(kinds(&[&offer, &grant, &last_second], expires + 10), vec![]);
    assert_eq!(
        kinds(&[&offer, &grant, &at_expiry], expires + 10),
        vec![FindingKind::AfterExpiry]
    );
    // The audit time allows 300 s of skew for artifacts from the future, and no more.
    assert_eq!(
        kinds(&[&offer, &grant, &last_second], expires - 1 - 300),
        vec![]
    );
    assert_eq!(
        kinds(&[&offer, &grant, &last_second], expires - 1 - 301),
        vec![FindingKind::FutureDated]
    );
}

#[test]
fn sig_structure_is_what_gets_signed() {
    // Domain separation: the bytes signed for a COSE_Sign signer are never a valid Sig_structure1.
    let a = sig_structure(b"\xa1\x10\x19\xfd\xea", b"", b"", b"p");
    let b = sig_structure1(b"\xa1\x10\x19\xfd\xea", b"", b"p");
    assert_ne!(a, b);
}
