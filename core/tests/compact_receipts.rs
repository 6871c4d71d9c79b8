//! Issue 13 item 4: data receipts name what their grant lists by index
//! (docs/FORMAT.md §4.7.1), which keeps every receipt at most 200 bytes;
//! receipts written before (terms and parties in full) still decode, verify
//! and audit the same; an index the grant does not have is a typed error
//! or finding, never a panic.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{audit_bytes, to_sequence, AuditOptions, FindingKind, Report};
use consentkit::privacy::commit_with_salt;
use consentkit::sample::{self, Parties, CONTROLLER, PARTNER, T0};
use consentkit::{
    Artifact, ArtifactError, ArtifactId, Body, DataReceipt, Error, Grant, HeaderKid,
    KnownViolation, Mistake, PartyRef, ReferenceError, Role, Signer, Term, TermRef, TrustSet,
    VerifyError,
};

const URBAN_PLANNING: &str = "https://city.example/purpose#UrbanPlanning";

fn t(s: &str) -> Term {
    Term::new(s).unwrap()
}

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/vectors/receipts-v1/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

fn audit(items: &[&Artifact], trust: &TrustSet) -> Report {
    audit_bytes(
        &to_sequence(items.iter().copied()),
        trust,
        &AuditOptions {
            at: Some(T0 + 90 * 86_400),
        },
    )
}

fn kinds(r: &Report) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

fn receipt_of(a: &Artifact) -> &DataReceipt {
    match a.body() {
        Body::DataReceipt(r) => r,
        other => panic!("not a receipt: {other:?}"),
    }
}

struct World {
    p: Parties,
    offer: Artifact,
    grant: Artifact,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    World { p, offer, grant }
}

fn grant_of(w: &World) -> &Grant {
    Grant::from_artifact(&w.grant).unwrap()
}

fn known() -> KnownViolation {
    KnownViolation::new("a receipt the test makes on purpose")
}

/// The receipt of FORMAT.md §13 as the code before issue 13 wrote it
/// (202 bytes, terms and recipient in full), with its offer, grant and
/// trust set: it still decodes, verifies, resolves and audits clean.
#[test]
fn v1_receipt_vector_still_decodes_verifies_and_audits_the_same() {
    let trust = TrustSet::from_cose_key_set(&vector("trust")).unwrap();
    let offer = Artifact::decode(&vector("offer")).unwrap();
    let grant = Artifact::decode(&vector("grant")).unwrap();
    let bytes = vector("data_receipt");
    assert_eq!(bytes.len(), 202);
    let v1 = Artifact::decode(&bytes).unwrap();
    assert_eq!(v1.as_bytes(), &bytes[..], "decoding keeps the bytes");
    assert_eq!(
        v1.id(),
        ArtifactId::from_hex("818c106e880eac01446381820768ac4e").unwrap(),
        "the id is unchanged"
    );
    v1.verify(&trust).unwrap();
    let r = receipt_of(&v1);
    assert_eq!(r.purpose, TermRef::Term(t("dpv:ServiceProvision")));
    assert_eq!(r.category, TermRef::Term(t("pd:Location")));
    assert_eq!(r.recipient, Some(PartyRef::Party(CONTROLLER.into())));
    // It means what the compact receipt signed today for the same use means.
    let w = world();
    assert_eq!(
        w.grant.as_bytes(),
        grant.as_bytes(),
        "the sample grant is the vector's"
    );
    let now = sample::signed_receipt(&w.p, &w.grant).unwrap();
    assert!(now.as_bytes().len() < bytes.len());
    let g = Grant::from_artifact(&grant).unwrap();
    assert_eq!(r.resolve(g).unwrap(), receipt_of(&now).resolve(g).unwrap());
    // The audit reads both the same way: clean, one receipt each.
    let old = audit(&[&offer, &grant, &v1], &trust);
    let new = audit(&[&offer, &grant, &now], &trust);
    assert_eq!(kinds(&old), vec![]);
    assert_eq!(kinds(&new), vec![]);
    assert_eq!(old.counts, new.counts);
    // And a v1 receipt of a use the grant does not cover is found as before.
    let mut bad = r.clone();
    bad.purpose = t("dpv:Marketing").into();
    let bad = bad.sign_known_violation(&w.p.controller, &known()).unwrap();
    assert_eq!(
        kinds(&audit(&[&offer, &grant, &bad], &trust)),
        vec![FindingKind::PurposeNotGranted]
    );
}

/// `sign` writes what the grant lists as indexes: the custom-IRI purpose is
/// item 1 of the grant's purposes, `pd:Location` item 0 of its categories,
/// the partner party 2 (after the controller).
#[test]
fn sign_writes_what_the_grant_lists_by_index() {
    let w = world();
    let mut r = sample::receipt(&w.grant).unwrap();
    r.purpose = t(URBAN_PLANNING).into();
    r.recipient = Some(PARTNER.into());
    let a = r.sign(&w.grant, &w.p.controller).unwrap();
    let back = receipt_of(&a);
    assert_eq!(back.purpose, TermRef::Granted(1));
    assert_eq!(back.category, TermRef::Granted(0));
    assert_eq!(back.recipient, Some(PartyRef::Granted(1)));
    // -1: -2, -2: -1, -3: -2 in the payload.
    let payload = a.payload();
    assert!(payload.windows(2).any(|x| x == [0x20, 0x21]), "purpose -2");
    assert!(payload.windows(2).any(|x| x == [0x21, 0x20]), "category -1");
    assert!(
        payload.windows(2).any(|x| x == [0x22, 0x21]),
        "recipient -2"
    );
    let named = back.resolve(grant_of(&w)).unwrap();
    assert_eq!(named.purpose, t(URBAN_PLANNING));
    assert_eq!(named.category, t("pd:Location"));
    assert_eq!(named.recipient.as_deref(), Some(PARTNER));
    // The controller itself is party 0.
    let own = sample::signed_receipt(&w.p, &w.grant).unwrap();
    assert_eq!(receipt_of(&own).recipient, Some(PartyRef::Granted(0)));
    let rep = audit(&[&w.offer, &w.grant, &a, &own], &w.p.trust());
    assert_eq!(kinds(&rep), vec![]);
}

/// What the grant does not list stays in full, and the audit names it.
#[test]
fn compact_keeps_what_the_grant_does_not_list_and_the_audit_names_it() {
    let w = world();
    let mut r = sample::receipt(&w.grant).unwrap();
    r.purpose = t("dpv:Marketing").into();
    r.recipient = Some("broker.example".into());
    let c = r.compact(grant_of(&w));
    assert_eq!(c.purpose, TermRef::Term(t("dpv:Marketing")));
    assert_eq!(c.recipient, Some(PartyRef::Party("broker.example".into())));
    assert_eq!(c.category, TermRef::Granted(0));
    let a = c.sign_known_violation(&w.p.controller, &known()).unwrap();
    let rep = audit(&[&w.offer, &w.grant, &a], &w.p.trust());
    let f: Vec<_> = rep
        .findings
        .iter()
        .map(|f| (f.kind, f.message.clone()))
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, FindingKind::RecipientNotGranted, "{f:?}");
}

fn with_index(w: &World, edit: impl FnOnce(&mut DataReceipt)) -> Artifact {
    let mut r = sample::receipt(&w.grant).unwrap();
    edit(&mut r);
    r.sign_known_violation(&w.p.controller, &known()).unwrap()
}

/// An index inside any grant's bounds but past this grant's list decodes
/// (the decoder has no grant), and is then a typed error: `resolve` says
/// which list and how long it is, `sign` refuses, the audit reports
/// `grant_index_out_of_range` for the receipt (and nothing else).
#[test]
fn index_past_the_grants_list_is_a_typed_error_and_a_finding() {
    let w = world();
    let g = grant_of(&w);
    for (edit, list, index, len) in [
        (
            (|r: &mut DataReceipt| r.purpose = TermRef::Granted(2)) as fn(&mut DataReceipt),
            "purposes",
            2,
            2,
        ),
        (|r| r.category = TermRef::Granted(1), "categories", 1, 1),
        (
            |r| r.recipient = Some(PartyRef::Granted(2)),
            "parties",
            2,
            2,
        ),
        (
            |r| r.recipient = Some(PartyRef::Granted(256)),
            "parties",
            256,
            2,
        ),
    ] {
        let a = with_index(&w, edit);
        let r = receipt_of(&a);
        assert_eq!(
            r.resolve(g),
            Err(ReferenceError::OutOfRange {
                grant: w.grant.id(),
                list,
                index,
                len
            })
        );
        match r.sign(&w.grant, &w.p.controller) {
            Err(Error::Mistake(Mistake::Reference(ReferenceError::OutOfRange { .. }))) => {}
            other => panic!("sign accepted index {index} of {list}: {other:?}"),
        }
        let rep = audit(&[&w.offer, &w.grant, &a], &w.p.trust());
        assert_eq!(kinds(&rep), vec![FindingKind::GrantIndexOutOfRange]);
        let m = &rep.findings[0].message;
        assert!(
            m.contains(&format!("item {index}")) && m.contains(list),
            "{m}"
        );
        assert_eq!(rep.findings[0].artifact, Some(a.id()));
    }
}

/// Past 256 no grant can have the item: the decoder refuses it, naming the
/// field. (The largest index still fits: 256 is the controller plus 256
/// recipients.)
#[test]
fn index_no_grant_can_have_is_refused_by_the_decoder() {
    let w = world();
    for (edit, field) in [
        (
            (|r: &mut DataReceipt| r.purpose = TermRef::Granted(256)) as fn(&mut DataReceipt),
            "purpose",
        ),
        (|r| r.category = TermRef::Granted(300), "category"),
        (|r| r.recipient = Some(PartyRef::Granted(257)), "recipient"),
    ] {
        let mut r = sample::receipt(&w.grant).unwrap();
        edit(&mut r);
        match r.sign_known_violation(&w.p.controller, &known()) {
            Err(Error::Artifact(ArtifactError::InvalidField {
                field: f, reason, ..
            })) => {
                assert_eq!(f, field);
                assert!(
                    reason.contains("past the end of any grant's list"),
                    "{reason}"
                );
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // The limits themselves are accepted by the decoder.
    with_index(&w, |r| r.purpose = TermRef::Granted(255));
    with_index(&w, |r| r.recipient = Some(PartyRef::Granted(256)));
}

/// The largest receipt consentkit writes for a granted use: Ed25519, the
/// custom-IRI purpose, every optional field (recipient, quantity,
/// precision) at its largest value, and the latest `iat` a grant allows.
#[test]
fn receipt_with_custom_iri_purpose_and_every_optional_field_fits_in_200_bytes() {
    let w = world();
    let g = grant_of(&w);
    let r = DataReceipt {
        grant: w.grant.id(),
        category: t("pd:Location").into(),
        purpose: t(URBAN_PLANNING).into(),
        recipient: Some(PARTNER.into()),
        used_at: g.expires_at.unwrap() - 1,
        quantity: u32::MAX,
        precision: Some(u32::MAX),
        commitment: commit_with_salt(b"52.5200,13.4050", [9; 16]).value,
    };
    for signer in [&w.p.controller, &w.p.partner] {
        let a = r.sign(&w.grant, signer).unwrap();
        println!(
            "Ed25519, custom-IRI purpose, every optional field at its maximum: {} bytes",
            a.as_bytes().len()
        );
        assert!(a.as_bytes().len() <= 200, "{} bytes", a.as_bytes().len());
        // The same receipt with terms and recipient in full (the pre-issue-13 form).
        let full = r.sign_known_violation(signer, &known()).unwrap();
        println!(
            "  terms and recipient in full (short kid): {} bytes",
            full.as_bytes().len()
        );
        assert!(full.as_bytes().len() > 200);
    }
}

/// A data receipt's `kid` is the signer's thumbprint's first 8 bytes;
/// verifying finds the key in the trust set and names it in full.
#[test]
fn short_kid_receipt_verifies_and_names_the_whole_thumbprint() {
    let w = world();
    let a = sample::signed_receipt(&w.p, &w.grant).unwrap();
    let kid = w.p.controller.public_key().kid();
    assert_eq!(
        a.signer_kids(),
        vec![HeaderKid::Short(kid.0[..8].try_into().unwrap())]
    );
    let signers = a.verify(&w.p.trust()).unwrap();
    assert_eq!(signers[0].kid, kid);
    // verify_admitted (no cryptography) names the same key.
    assert_eq!(a.verify_admitted(&w.p.trust()).unwrap()[0].kid, kid);
    // An untrusted key's short kid names no trusted key.
    let mut only_partner = TrustSet::new();
    only_partner.insert(w.p.partner.public_key(), Role::Partner, PARTNER);
    match a.verify(&only_partner) {
        Err(VerifyError::UntrustedKey { kid: k, .. }) => assert_eq!(k, hex::encode(&kid.0[..8])),
        other => panic!("{other:?}"),
    }
    // The protected header: {1: -8, 4: h'<8 bytes>', 16: 65005}.
    let mut hdr = vec![0x51, 0xa3, 0x01, 0x27, 0x04, 0x48];
    hdr.extend_from_slice(&kid.0[..8]);
    hdr.extend_from_slice(&[0x10, 0x19, 0xfd, 0xed]);
    assert_eq!(&a.as_bytes()[2..2 + hdr.len()], &hdr[..]);
}

/// Every other kind keeps its 32-byte kid, and a short one is refused.
#[test]
fn short_kid_is_refused_outside_data_receipts() {
    let w = world();
    for a in sample::all(&w.p).unwrap() {
        for k in a.signer_kids() {
            let full = matches!(k, HeaderKid::Full(_));
            assert_eq!(
                full,
                a.kind() != consentkit::ArtifactKind::DataReceipt,
                "{}",
                a.kind()
            );
        }
    }
    // The offer with its kid cut to 8 bytes (and the lengths fixed up).
    let offer = w.offer.as_bytes();
    let mut cut = Vec::new();
    cut.extend_from_slice(&offer[..2]); // d2 84
    assert_eq!(&offer[2..4], &[0x58, 0x2a]);
    cut.push(0x51);
    cut.extend_from_slice(&offer[4..8]); // a3 01 27 04
    assert_eq!(offer[8..10], [0x58, 0x20]);
    cut.push(0x48);
    cut.extend_from_slice(&offer[10..18]);
    cut.extend_from_slice(&offer[42..]);
    match Artifact::decode(&cut) {
        Err(ArtifactError::Header { reason, .. }) => {
            assert!(
                reason.contains("kid must be a 32-byte key thumbprint, found 8 bytes"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}
