//! The bundle reader never stops on well-formed CBOR: items that break the
//! consentkit profile are reported `malformed` (with their offset, and their
//! id when it can be computed) and the rest of the bundle is audited. An
//! empty bundle is not clean.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::audit::{
    audit_bytes, audit_source, to_sequence, AuditError, AuditOptions, Finding, FindingKind,
    Outcome, Report,
};
use consentkit::cbor::{self, Value};
use consentkit::sample::{self, Parties, T0};
use consentkit::{Artifact, ArtifactKind, Digest, Term};

struct World {
    p: Parties,
    offer: Artifact,
    grant: Artifact,
    receipt: Artifact,
    violation: Artifact,
}

fn world() -> World {
    let p = Parties::new().unwrap();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let receipt = sample::signed_receipt(&p, &grant).unwrap();
    let mut r = sample::receipt(&grant).unwrap();
    r.purpose = Term::new("dpv:Marketing").unwrap().into();
    let violation = r
        .sign_known_violation(
            &p.controller,
            &consentkit::KnownViolation::new("a violation for the audit to find"),
        )
        .unwrap();
    World {
        p,
        offer,
        grant,
        receipt,
        violation,
    }
}

fn opts() -> AuditOptions {
    AuditOptions {
        at: Some(T0 + 90 * 86_400),
    }
}

fn audit(w: &World, bundle: &[u8]) -> Report {
    audit_bytes(bundle, &w.p.trust(), &opts())
}

fn of_kind(r: &Report, k: FindingKind) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.kind == k).collect()
}

/// The parts of a COSE message: its tag and the four array elements, each encoded.
fn parts(a: &Artifact) -> (u64, Vec<Vec<u8>>) {
    let Value::Tag(tag, inner) = cbor::decode(a.as_bytes()).unwrap() else {
        panic!("not tagged")
    };
    let Value::Array(items) = *inner else {
        panic!("not an array")
    };
    (tag, items.iter().map(Value::to_vec).collect())
}

fn tag_head(tag: u64) -> Vec<u8> {
    let mut v = Value::Tag(tag, Box::new(Value::Null)).to_vec();
    v.pop(); // the null
    v
}

/// The receipt with its protected header as an indefinite-length byte string.
fn indefinite_protected_header(a: &Artifact) -> Vec<u8> {
    let (tag, p) = parts(a);
    let Value::Bytes(protected) = cbor::decode(&p[0]).unwrap() else {
        panic!()
    };
    let mut out = tag_head(tag);
    out.push(0x84);
    out.push(0x5f);
    for chunk in protected.chunks(3) {
        out.extend(Value::bytes(chunk.to_vec()).to_vec());
    }
    out.push(0xff);
    for x in &p[1..] {
        out.extend(x);
    }
    out
}

/// The receipt as an indefinite-length COSE array.
fn indefinite_cose_array(a: &Artifact) -> Vec<u8> {
    let (tag, p) = parts(a);
    let mut out = tag_head(tag);
    out.push(0x9f);
    for x in &p {
        out.extend(x);
    }
    out.push(0xff);
    out
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![0x81; depth];
    v.push(0x00);
    v
}

#[test]
fn profile_breakers_in_the_middle_of_a_bundle_do_not_end_the_audit() {
    let w = world();
    let mut big = vec![0x5a, 0x00, 0x01, 0x11, 0x70]; // a 70,000-byte byte string
    big.resize(5 + 70_000, 0xab);
    let breakers: Vec<(&str, Vec<u8>)> = vec![
        (
            "indefinite protected header",
            indefinite_protected_header(&w.receipt),
        ),
        ("indefinite COSE array", indefinite_cose_array(&w.receipt)),
        ("item over 64 KiB", big),
        ("nesting 17 deep", nested(17)),
    ];
    let mut bundle = to_sequence([&w.offer, &w.grant, &w.receipt]);
    let mut offsets = Vec::new();
    for (_, b) in &breakers {
        offsets.push(bundle.len() as u64);
        bundle.extend(b);
    }
    let violation_at = bundle.len() as u64;
    bundle.extend(w.violation.as_bytes());
    let rep = audit(&w, &bundle);
    assert_eq!(rep.items, 3 + 4 + 1);
    assert_eq!(rep.bundle_bytes, bundle.len() as u64);
    // The violation after the breakers is found.
    let v = of_kind(&rep, FindingKind::PurposeNotGranted);
    assert_eq!(v.len(), 1, "{:#?}", rep.findings);
    assert_eq!(v[0].artifact, Some(w.violation.id()));
    assert_eq!(v[0].offset, violation_at);
    // Each breaker is one malformed finding at its offset.
    let mut m = of_kind(&rep, FindingKind::Malformed);
    m.sort_by_key(|f| f.offset);
    assert_eq!(
        m.iter().map(|f| f.offset).collect::<Vec<_>>(),
        offsets,
        "{:#?}",
        rep.findings
    );
    assert_eq!(rep.total_findings(), 5);
    // The COSE breakers name the receipt they re-encode: same kind and payload, same id.
    for f in &m[..2] {
        assert_eq!(f.artifact, Some(w.receipt.id()), "{}", f.message);
        assert_eq!(f.artifact_kind, Some(ArtifactKind::DataReceipt));
    }
    assert!(m[2].message.contains("70005 bytes"), "{}", m[2].message);
    assert_eq!(m[2].artifact, None);
    assert_eq!(rep.outcome, Outcome::Findings);
}

#[test]
fn nesting_1000_and_100000_deep_is_skipped_and_the_rest_audited() {
    let w = world();
    for depth in [1_000, 100_000] {
        let mut bundle = to_sequence([&w.offer, &w.grant]);
        let at = bundle.len() as u64;
        bundle.extend(nested(depth));
        bundle.extend(w.violation.as_bytes());
        let rep = audit(&w, &bundle);
        let m = of_kind(&rep, FindingKind::Malformed);
        assert_eq!(m.len(), 1, "{depth}: {:#?}", rep.findings);
        assert_eq!(m[0].offset, at);
        assert_eq!(of_kind(&rep, FindingKind::PurposeNotGranted).len(), 1);
    }
}

#[test]
fn a_malformed_artifact_carries_its_id_when_it_can_be_computed() {
    let w = world();
    // A receipt whose payload is not canonical (a map entry appended by
    // hand): it fails decoding, but its kind and payload can be read.
    let (tag, mut p) = parts(&w.receipt);
    let Value::Bytes(payload) = cbor::decode(&p[2]).unwrap() else {
        panic!()
    };
    let mut bad_payload = payload.clone();
    bad_payload[0] += 1; // one more map entry...
    bad_payload.extend([0x18, 0x63, 0x00]); // ...keyed 99, non-canonical position irrelevant: unknown key
    p[2] = Value::bytes(bad_payload.clone()).to_vec();
    let mut item = tag_head(tag);
    item.push(0x84);
    for x in &p {
        item.extend(x);
    }
    let rep = audit(&w, &item);
    assert_eq!(rep.findings.len(), 1, "{:#?}", rep.findings);
    let f = &rep.findings[0];
    assert_eq!(f.kind, FindingKind::Malformed);
    assert_eq!(
        f.artifact,
        Some(Digest::of(ArtifactKind::DataReceipt, &bad_payload).id())
    );
    // Garbage that is no COSE structure has no id.
    let rep = audit(&w, &[0x00]);
    assert_eq!(rep.findings[0].artifact, None);
}

#[test]
fn an_empty_bundle_is_empty_not_clean() {
    let w = world();
    let rep = audit(&w, b"");
    assert_eq!(rep.outcome, Outcome::Empty);
    assert!(!rep.is_clean());
    assert_eq!(rep.to_json()["outcome"], "empty");
    assert!(consentkit::audit::render_text(&rep)
        .contains("nothing to audit: the bundle holds no artifact"));
    assert!(!consentkit::audit::render_html(&rep).contains("No findings"));
    // Bytes that are no artifact are findings, never empty or clean.
    let rep = audit(&w, &[0x00]);
    assert_eq!(rep.outcome, Outcome::Findings);
    let rep = audit(&w, b"not cbor at all");
    assert_eq!(rep.outcome, Outcome::Findings);
    // A real bundle with nothing wrong is clean.
    let rep = audit(&w, &to_sequence([&w.offer, &w.grant, &w.receipt]));
    assert_eq!(rep.outcome, Outcome::Clean);
    assert!(rep.is_clean());
    assert_eq!(rep.to_json()["outcome"], "clean");
}

#[test]
fn a_bundle_that_changes_between_the_passes_fails_the_audit() {
    let w = world();
    let first = to_sequence([&w.offer, &w.grant, &w.receipt]);
    let second = to_sequence([&w.offer, &w.grant]);
    let mut calls = 0;
    let r = audit_source(
        || {
            calls += 1;
            Ok::<_, std::io::Error>(if calls == 1 {
                first.as_slice()
            } else {
                second.as_slice()
            })
        },
        &w.p.trust(),
        &opts(),
        None,
    );
    match r {
        Err(e @ AuditError::BundleChanged { .. }) => {
            assert!(e
                .to_string()
                .contains("the bundle changed while it was audited"))
        }
        other => panic!("{other:?}"),
    }
}
