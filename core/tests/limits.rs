//! Every size, count and depth limit, tested at the limit and one past it.
// Tests abort on setup failure by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use consentkit::artifact::{MAX_ARTIFACT_SIZE, MAX_LIST_LEN, MAX_TEXT_LEN};
use consentkit::audit::{audit_bytes, AuditOptions, MAX_FINDINGS};
use consentkit::cbor::{self, CborErrorKind, MAX_DEPTH};
use consentkit::sample::{self, Parties};
use consentkit::{Artifact, ArtifactError, Error, Term};

#[test]
fn artifact_size_limit() {
    // At the limit the size check passes (and decoding fails for another reason); one past, it is TooLarge.
    let at = vec![0u8; MAX_ARTIFACT_SIZE];
    assert!(!matches!(
        Artifact::decode(&at),
        Err(ArtifactError::TooLarge { .. })
    ));
    let past = vec![0u8; MAX_ARTIFACT_SIZE + 1];
    assert!(
        matches!(Artifact::decode(&past), Err(ArtifactError::TooLarge { size, max }) if size == MAX_ARTIFACT_SIZE + 1 && max == MAX_ARTIFACT_SIZE)
    );
}

#[test]
fn nesting_depth_limit() {
    let mut at = vec![0x81u8; MAX_DEPTH];
    at.push(0);
    assert!(cbor::decode(&at).is_ok());
    assert!(cbor::well_formed_len(&at).is_ok());
    let mut past = vec![0x81u8; MAX_DEPTH + 1];
    past.push(0);
    assert_eq!(
        cbor::decode(&past).unwrap_err().kind,
        CborErrorKind::TooDeep
    );
    assert_eq!(
        cbor::well_formed_len(&past).unwrap_err().kind,
        CborErrorKind::TooDeep
    );
}

#[test]
fn text_length_limit() {
    let p = Parties::new().unwrap();
    let mut o = sample::offer().unwrap();
    o.name = "n".repeat(MAX_TEXT_LEN);
    let a = o.sign(&p.controller).unwrap();
    assert!(Artifact::decode(a.as_bytes()).is_ok());
    o.name = "n".repeat(MAX_TEXT_LEN + 1);
    assert!(matches!(
        o.sign(&p.controller),
        Err(Error::Artifact(ArtifactError::InvalidField {
            field: "name",
            ..
        }))
    ));
}

#[test]
fn list_length_limit() {
    let p = Parties::new().unwrap();
    let mut o = sample::offer().unwrap();
    let purposes = |n: usize| {
        (0..n)
            .map(|i| Term::new(&format!("https://p.example/{i}")).unwrap())
            .collect::<Vec<_>>()
    };
    o.recipients.clear();
    o.purposes = purposes(MAX_LIST_LEN);
    assert!(o.sign(&p.controller).is_ok());
    o.purposes = purposes(MAX_LIST_LEN + 1);
    assert!(matches!(
        o.sign(&p.controller),
        Err(Error::Artifact(ArtifactError::InvalidField {
            field: "purposes",
            ..
        }))
    ));
    let mut o = sample::offer().unwrap();
    o.value_offered = vec![o.value_offered[0].clone(); MAX_LIST_LEN];
    assert!(o.sign(&p.controller).is_ok());
    o.value_offered.push(o.value_offered[0].clone());
    assert!(matches!(
        o.sign(&p.controller),
        Err(Error::Artifact(ArtifactError::InvalidField {
            field: "value_offered",
            ..
        }))
    ));
}

#[test]
fn findings_limit() {
    let p = Parties::new().unwrap();
    let opts = AuditOptions {
        at: Some(sample::T0),
    };
    let at = audit_bytes(&vec![0u8; MAX_FINDINGS], &p.trust(), &opts);
    assert_eq!((at.findings.len(), at.findings_omitted), (MAX_FINDINGS, 0));
    let past = audit_bytes(&vec![0u8; MAX_FINDINGS + 1], &p.trust(), &opts);
    assert_eq!(
        (past.findings.len(), past.findings_omitted),
        (MAX_FINDINGS, 1)
    );
}

#[test]
fn wallet_record_limit() {
    use consentkit::wallet::store::{frame, parse, MAGIC, MAX_RECORD};
    let mut at = MAGIC.to_vec();
    at.extend(frame(&vec![7u8; MAX_RECORD]));
    let (records, valid) = parse(&at).unwrap();
    assert_eq!((records.len(), valid), (1, at.len()));
    let mut past = MAGIC.to_vec();
    past.extend(((MAX_RECORD + 1) as u32).to_be_bytes());
    past.extend([0u8; 4]);
    past.extend(vec![7u8; MAX_RECORD + 1]);
    assert!(parse(&past).is_err());
}
