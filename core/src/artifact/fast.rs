//! Decoding an artifact in its one canonical form straight from its bytes.
//!
//! [`decode`] reads the COSE envelope and the payload with the streaming
//! [`Reader`], borrowing strings and byte strings from the input, into the
//! typed artifact: no [`Value`](crate::cbor::Value) tree is built and nothing is re-encoded.
//! It accepts only the exact shape consentkit writes: the protected headers
//! `{1: alg, 4: kid, 16: typ}` (COSE_Sign1), `{16: typ}` and `{1: alg, 4:
//! kid}` (COSE_Sign), empty unprotected headers, and every payload map's
//! keys in canonical order, each at most once, every field in its one
//! encoding. Reading the keys in that order is the order check: a key out
//! of order, repeated or unknown is never consumed, so the map does not end
//! where it should.
//!
//! Anything else (a malformed artifact, or a well-formed one in a shape
//! this reader does not take, such as a `crit` header) gives `None`, and
//! [`super::Artifact::decode`] falls back to the general strict decoder,
//! which accepts or refuses it with its typed error. So this reader changes
//! what decoding costs, never what it accepts: every artifact it accepts,
//! the general decoder accepts as the same artifact (tested on every
//! sample, vector and fuzz-corpus input, `fast_decode_agrees_*`).

use super::fields::{MAX_LIST_LEN, MAX_TEXT_LEN};
use super::payload::*;
use super::refs::{PartyRef, TermRef, MAX_INDEX};
use super::{
    Artifact, ArtifactId, ArtifactKind, Benefit, BenefitKind, Body, Digest, SignatureSlot, Slots,
    Span, TAG_SIGN, TAG_SIGN1,
};
use crate::cbor;
use crate::cbor::reader::Reader;
use crate::keys::{Algorithm, HeaderKid, KeyId, PublicKey};
use crate::time::Timestamp;
use crate::vocab::Term;

/// `Ok(Some(x))` as `Some(x)`; an error or another type as `None`.
#[inline]
fn got<T, E>(r: Result<Option<T>, E>) -> Option<T> {
    r.ok().flatten()
}

/// A map being read in canonical key order.
struct Map {
    left: usize,
}

impl Map {
    fn open(r: &mut Reader<'_>) -> Option<Map> {
        Some(Map {
            left: got(r.map())?,
        })
    }

    /// Whether the next key is `key` (then consumed); keys must be asked
    /// for in canonical order. The key's one encoding is compared with the
    /// input: any other encoding of it is not deterministic CBOR, is not
    /// consumed, and so ends the fast path.
    #[inline]
    fn has(&mut self, r: &mut Reader<'_>, key: i64) -> Option<bool> {
        if self.left == 0 {
            return Some(false);
        }
        let (enc, len) = key_encoding(key);
        if r.eat(enc.get(..len)?) {
            self.left -= 1;
            Some(true)
        } else {
            Some(false)
        }
    }

    #[inline]
    fn req(&mut self, r: &mut Reader<'_>, key: i64) -> Option<()> {
        self.has(r, key)?.then_some(())
    }

    /// The map read to its end: no key left over (unknown, out of order or repeated).
    fn end(self) -> Option<()> {
        (self.left == 0).then_some(())
    }
}

/// The deterministic encoding of a map key (at most 3 bytes for the keys
/// consentkit uses; length 0, matching nothing, for others).
#[inline]
fn key_encoding(key: i64) -> ([u8; 3], usize) {
    let (major, n) = if key >= 0 {
        (0x00, key.unsigned_abs())
    } else {
        (0x20, (-1 - key).unsigned_abs())
    };
    match n {
        0..=23 => ([major | n as u8, 0, 0], 1),
        24..=0xff => ([major | 24, n as u8, 0], 2),
        0x100..=0xffff => ([major | 25, (n >> 8) as u8, n as u8], 3),
        _ => ([0; 3], 0),
    }
}

/// An instant (a CWT NumericDate): an unsigned integer, seconds.
fn time(r: &mut Reader<'_>) -> Option<Timestamp> {
    uint(r).map(Timestamp::from)
}

#[inline]
fn uint(r: &mut Reader<'_>) -> Option<u64> {
    got(r.head_of(0))
}

fn u32_(r: &mut Reader<'_>) -> Option<u32> {
    u32::try_from(uint(r)?).ok()
}

#[inline]
fn opt<'a, T>(
    m: &mut Map,
    r: &mut Reader<'a>,
    key: i64,
    f: impl FnOnce(&mut Reader<'a>) -> Option<T>,
) -> Option<Option<T>> {
    if m.has(r, key)? {
        f(r).map(Some)
    } else {
        Some(None)
    }
}

#[inline]
fn req<'a, T>(
    m: &mut Map,
    r: &mut Reader<'a>,
    key: i64,
    f: impl FnOnce(&mut Reader<'a>) -> Option<T>,
) -> Option<T> {
    m.req(r, key)?;
    f(r)
}

/// A text field: non-empty, at most [`MAX_TEXT_LEN`] bytes.
fn text(r: &mut Reader<'_>) -> Option<String> {
    let s = got(r.text())?;
    (!s.is_empty() && s.len() <= MAX_TEXT_LEN).then(|| s.to_owned())
}

fn bytes_n<const N: usize>(r: &mut Reader<'_>) -> Option<[u8; N]> {
    <[u8; N]>::try_from(got(r.bytes())?).ok()
}

fn boolean(r: &mut Reader<'_>) -> Option<bool> {
    match r.head().ok()? {
        h if h.major == 7 && h.info == 20 => Some(false),
        h if h.major == 7 && h.info == 21 => Some(true),
        _ => None,
    }
}

/// A term in its one encoding: a built-in code, or text that
/// [`Term::new`] reads unchanged ([`Term::from_text`], as
/// [`Term::from_value`] requires).
fn term(r: &mut Reader<'_>) -> Option<Term> {
    if let Some(c) = got(r.head_of(0)) {
        return Term::from_code(c).ok();
    }
    Term::from_text(got(r.text())?).ok()
}

/// A non-empty array of at most [`MAX_LIST_LEN`] items in strictly
/// increasing order of their encodings (a set in its one encoding).
fn set<T>(
    r: &mut Reader<'_>,
    mut item: impl FnMut(&mut Reader<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    let n = got(r.array())?;
    if n == 0 || n > MAX_LIST_LEN {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    let mut prev: &[u8] = &[];
    for i in 0..n {
        let start = r.position();
        out.push(item(r)?);
        let raw = r.since(start);
        if i > 0 && prev >= raw {
            return None;
        }
        prev = raw;
    }
    Some(out)
}

fn terms(r: &mut Reader<'_>) -> Option<Vec<Term>> {
    set(r, term)
}

/// A subject key: exactly the COSE_Key consentkit writes (kty, kid, alg,
/// crv, x and, for P-256, y, in that order), whose kid is its thumbprint.
/// Returns the key and its thumbprint.
fn subject_key(r: &mut Reader<'_>) -> Option<(PublicKey, KeyId)> {
    let mut m = Map::open(r)?;
    let kty = req(&mut m, r, 1, uint)?;
    let kid = req(&mut m, r, 2, bytes_n::<32>)?;
    let alg = req(&mut m, r, 3, |r| got(r.int()))?;
    let crv = req(&mut m, r, -1, uint)?;
    let x = req(&mut m, r, -2, bytes_n::<32>)?;
    let key = match (kty, alg, crv) {
        // OKP, EdDSA, Ed25519 (RFC 9053)
        (1, -8, 6) => PublicKey::ed25519(&x).ok()?,
        // EC2, ES256, P-256
        (2, -7, 1) => {
            let y = req(&mut m, r, -3, bytes_n::<32>)?;
            let mut point = [0u8; 65];
            point[0] = 0x04;
            point[1..33].copy_from_slice(&x);
            point[33..].copy_from_slice(&y);
            PublicKey::p256_uncompressed(&point).ok()?
        }
        _ => return None,
    };
    m.end()?;
    let thumbprint = key.kid();
    (thumbprint.0 == kid).then_some((key, thumbprint))
}

fn benefit(r: &mut Reader<'_>) -> Option<Benefit> {
    let mut m = Map::open(r)?;
    let b = Benefit {
        kind: BenefitKind::from_code(req(&mut m, r, 1, uint)?)?,
        amount: req(&mut m, r, 2, uint)?,
        unit: req(&mut m, r, 3, text)?,
        condition: opt(&mut m, r, 4, text)?,
        description: opt(&mut m, r, 5, text)?,
    };
    m.end()?;
    b.validate().ok()?;
    Some(b)
}

fn offer(r: &mut Reader<'_>) -> Option<Offer> {
    let mut m = Map::open(r)?;
    let controller = req(&mut m, r, ISS, text)?;
    let valid_until = opt(&mut m, r, EXP, time)?;
    let valid_from = opt(&mut m, r, NBF, time)?;
    let issued_at = req(&mut m, r, IAT, time)?;
    let purposes = req(&mut m, r, PURPOSES, terms)?;
    let categories = req(&mut m, r, CATEGORIES, terms)?;
    let recipients = opt(&mut m, r, RECIPIENTS, |r| {
        set(r, |r| {
            let mut rm = Map::open(r)?;
            let rec = Recipient {
                party: req(&mut rm, r, 1, text)?,
                purposes: req(&mut rm, r, 2, terms)?,
                categories: req(&mut rm, r, 3, terms)?,
            };
            rm.end()?;
            Some(rec)
        })
    })?
    .unwrap_or_default();
    let retention_secs = req(&mut m, r, RETENTION, uint)?;
    let limits = opt(&mut m, r, LIMITS, |r| {
        let mut lm = Map::open(r)?;
        let l = Limits {
            uses_per_day: opt(&mut lm, r, 1, u32_)?,
            finest_precision: opt(&mut lm, r, 2, u32_)?,
            use_by: opt(&mut lm, r, 3, time)?,
        };
        lm.end()?;
        (!l.is_empty()).then_some(l)
    })?
    .unwrap_or_default();
    let legal_basis = req(&mut m, r, LEGAL_BASIS, term)?;
    let jurisdiction = req(&mut m, r, JURISDICTION, text)?;
    let language = req(&mut m, r, LANGUAGE, text)?;
    let notice = req(&mut m, r, NOTICE, |r| {
        let mut nm = Map::open(r)?;
        let n = Notice {
            url: req(&mut nm, r, 1, text)?,
            sha256: req(&mut nm, r, 2, bytes_n::<32>)?,
        };
        nm.end()?;
        Some(n)
    })?;
    let value_offered = opt(&mut m, r, VALUE_OFFERED, |r| {
        let n = got(r.array())?;
        if n == 0 || n > MAX_LIST_LEN {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(benefit(r)?);
        }
        Some(out)
    })?
    .unwrap_or_default();
    let value_estimate = opt(&mut m, r, VALUE_ESTIMATE, |r| {
        let mut em = Map::open(r)?;
        let e = ValueEstimate {
            amount: req(&mut em, r, 1, uint)?,
            currency: req(&mut em, r, 2, text)?,
            method: req(&mut em, r, 3, text)?,
        };
        em.end()?;
        Some(e)
    })?;
    let service_without_consent = req(&mut m, r, SERVICE_WITHOUT_CONSENT, boolean)?;
    let name = req(&mut m, r, OFFER_NAME, text)?;
    m.end()?;
    let o = Offer {
        controller,
        name,
        issued_at,
        valid_from,
        valid_until,
        purposes,
        categories,
        recipients,
        retention_secs,
        limits,
        legal_basis,
        jurisdiction,
        language,
        notice,
        value_offered,
        value_estimate,
        service_without_consent,
    };
    o.validate().ok()?;
    Some(o)
}

/// A grant's status reference, read by the general decoder and checked to
/// be in its one encoding (it is rare; grants without it skip this).
fn status(r: &mut Reader<'_>) -> Option<crate::status::StatusReference> {
    let raw = r.skip().ok()?;
    let v = cbor::decode(raw).ok()?;
    let s = crate::status::StatusReference::from_value(&v).ok()?;
    (s.to_value().to_vec() == raw).then_some(s)
}

fn method(r: &mut Reader<'_>) -> Option<CollectionMethod> {
    CollectionMethod::from_code(uint(r)?)
}

fn grant(r: &mut Reader<'_>) -> Option<(Grant, Option<KeyId>)> {
    let mut m = Map::open(r)?;
    let subject = req(&mut m, r, SUB, bytes_n::<16>)?;
    let controller = req(&mut m, r, AUD, text)?;
    let expires_at = opt(&mut m, r, EXP, time)?;
    let issued_at = req(&mut m, r, IAT, time)?;
    let status = opt(&mut m, r, STATUS, status)?;
    let purposes = req(&mut m, r, PURPOSES, terms)?;
    let categories = req(&mut m, r, CATEGORIES, terms)?;
    let recipients = opt(&mut m, r, RECIPIENTS, |r| set(r, text))?.unwrap_or_default();
    let offer = Digest(req(&mut m, r, OFFER_DIGEST, bytes_n::<32>)?);
    let method = req(&mut m, r, METHOD, method)?;
    let supersedes = opt(&mut m, r, SUPERSEDES, bytes_n::<16>)?.map(ArtifactId);
    let key = opt(&mut m, r, SUBJECT_KEY, subject_key)?;
    // Present only as `true`.
    let imported = opt(&mut m, r, IMPORTED, |r| boolean(r).filter(|b| *b))?.is_some();
    m.end()?;
    let (subject_key, kid) = key.map_or((None, None), |(k, id)| (Some(k), Some(id)));
    let g = Grant {
        subject,
        controller,
        issued_at,
        expires_at,
        offer,
        purposes,
        categories,
        recipients,
        method,
        supersedes,
        subject_key,
        imported,
        status,
    };
    g.validate().ok()?;
    Some((g, kid))
}

fn refusal(r: &mut Reader<'_>) -> Option<(Refusal, Option<KeyId>)> {
    let mut m = Map::open(r)?;
    let subject = req(&mut m, r, SUB, bytes_n::<16>)?;
    let controller = req(&mut m, r, AUD, text)?;
    let issued_at = req(&mut m, r, IAT, time)?;
    let offer = Digest(req(&mut m, r, OFFER_DIGEST, bytes_n::<32>)?);
    let method = req(&mut m, r, METHOD, method)?;
    let (key, kid) = req(&mut m, r, SUBJECT_KEY, subject_key)?;
    m.end()?;
    if method == CollectionMethod::Imported {
        return None;
    }
    let refusal = Refusal {
        subject,
        controller,
        issued_at,
        offer,
        method,
        subject_key: Some(key),
    };
    Some((refusal, Some(kid)))
}

fn withdrawal(r: &mut Reader<'_>) -> Option<(Withdrawal, Option<KeyId>)> {
    let mut m = Map::open(r)?;
    let issued_at = req(&mut m, r, IAT, time)?;
    let key = opt(&mut m, r, SUBJECT_KEY, subject_key)?;
    let grant = ArtifactId(req(&mut m, r, GRANT, bytes_n::<16>)?);
    let effective_at = req(&mut m, r, EFFECTIVE, time)?;
    let by = match req(&mut m, r, BY, uint)? {
        0 => WithdrawnBy::Person,
        1 => WithdrawnBy::Controller,
        _ => return None,
    };
    let reason = opt(&mut m, r, REASON, text)?;
    m.end()?;
    let (subject_key, kid) = key.map_or((None, None), |(k, id)| (Some(k), Some(id)));
    let w = Withdrawal {
        grant,
        issued_at,
        effective_at,
        by,
        reason,
        subject_key,
    };
    w.validate().ok()?;
    Some((w, kid))
}

/// A receipt's purpose or category: an index (`-1 - i`) or a term.
fn term_ref(r: &mut Reader<'_>) -> Option<TermRef> {
    match got(r.head_of(1)) {
        Some(n) if n < MAX_INDEX => Some(TermRef::Granted(u16::try_from(n).ok()?)),
        Some(_) => None,
        None => term(r).map(TermRef::Term),
    }
}

/// A receipt's recipient: an index (`-1 - i`) or a party id.
fn party_ref(r: &mut Reader<'_>) -> Option<PartyRef> {
    match got(r.head_of(1)) {
        Some(n) if n <= MAX_INDEX => Some(PartyRef::Granted(u16::try_from(n).ok()?)),
        Some(_) => None,
        None => text(r).map(PartyRef::Party),
    }
}

fn data_receipt(r: &mut Reader<'_>) -> Option<DataReceipt> {
    let mut m = Map::open(r)?;
    let used_at = req(&mut m, r, IAT, time)?;
    let purpose = req(&mut m, r, PURPOSES, term_ref)?;
    let category = req(&mut m, r, CATEGORIES, term_ref)?;
    let recipient = opt(&mut m, r, RECIPIENTS, party_ref)?;
    let grant = ArtifactId(req(&mut m, r, GRANT, bytes_n::<16>)?);
    // 1 is written by omitting the field; 0 is not a quantity.
    let quantity = opt(&mut m, r, QUANTITY, |r| u32_(r).filter(|q| *q > 1))?.unwrap_or(1);
    let precision = opt(&mut m, r, PRECISION, u32_)?;
    let commitment = req(&mut m, r, COMMITMENT, bytes_n::<32>)?;
    m.end()?;
    Some(DataReceipt {
        grant,
        category,
        purpose,
        recipient,
        used_at,
        quantity,
        precision,
        commitment,
    })
}

fn value_record(r: &mut Reader<'_>) -> Option<ValueRecord> {
    let mut m = Map::open(r)?;
    let issued_at = req(&mut m, r, IAT, time)?;
    let grant = ArtifactId(req(&mut m, r, GRANT, bytes_n::<16>)?);
    let benefit = req(&mut m, r, BENEFIT, benefit)?;
    m.end()?;
    Some(ValueRecord {
        grant,
        issued_at,
        benefit,
    })
}

/// The payload of a `kind`, and the subject key's thumbprint if it carries one.
pub(super) fn body(kind: ArtifactKind, payload: &[u8]) -> Option<(Body, Option<KeyId>)> {
    let r = &mut Reader::new(payload);
    let out = match kind {
        ArtifactKind::Offer => (Body::Offer(offer(r)?), None),
        ArtifactKind::Grant => grant(r).map(|(g, k)| (Body::Grant(g), k))?,
        ArtifactKind::Refusal => refusal(r).map(|(x, k)| (Body::Refusal(x), k))?,
        ArtifactKind::Withdrawal => withdrawal(r).map(|(w, k)| (Body::Withdrawal(w), k))?,
        ArtifactKind::DataReceipt => (Body::DataReceipt(data_receipt(r)?), None),
        ArtifactKind::ValueRecord => (Body::ValueRecord(value_record(r)?), None),
    };
    r.end().ok()?;
    Some(out)
}

/// A signer's algorithm and `kid` header bytes.
type Signer<'a> = (Algorithm, &'a [u8]);

/// A protected header in the consentkit profile: `{1: alg, 4: kid, 16:
/// typ}` (`with_kid`, `with_typ`), or the parts asked for.
fn header(
    bytes: &[u8],
    with_kid: bool,
    with_typ: bool,
) -> Option<(Option<Signer<'_>>, Option<ArtifactKind>)> {
    let r = &mut Reader::new(bytes);
    let mut m = Map::open(r)?;
    let signer = if with_kid {
        let alg = Algorithm::from_cose_id(req(&mut m, r, 1, |r| got(r.int()))?)?;
        let kid = req(&mut m, r, 4, |r| got(r.bytes()))?;
        Some((alg, kid))
    } else {
        None
    };
    let kind = if with_typ {
        Some(ArtifactKind::from_typ(req(&mut m, r, 16, uint)?)?)
    } else {
        None
    };
    m.end()?;
    r.end().ok()?;
    Some((signer, kind))
}

/// The empty unprotected header `{}`.
fn empty_map(r: &mut Reader<'_>) -> Option<()> {
    (got(r.map())? == 0).then_some(())
}

fn slot(
    kind: ArtifactKind,
    alg: Algorithm,
    kid: &[u8],
    protected: Span,
    signature: &[u8],
) -> Option<SignatureSlot> {
    let kid = HeaderKid::from_slice(kid, kind == ArtifactKind::DataReceipt)?;
    if signature.len() != alg.signature_len() {
        return None;
    }
    Some(SignatureSlot {
        alg,
        kid,
        signature: signature.try_into().ok()?,
        protected,
    })
}

/// A byte string, and where its contents lie in the input.
fn bytes_at<'a>(r: &mut Reader<'a>) -> Option<(&'a [u8], Span)> {
    let b = got(r.bytes())?;
    Some((b, Span::ending_at(r.position(), b.len())))
}

/// Decodes an artifact in its canonical form; `None` for anything else
/// (the caller then runs the general decoder). Inlined into its one
/// caller, so that the artifact is built where it is returned, not moved.
#[inline]
pub(super) fn decode(bytes: &[u8]) -> Option<Artifact> {
    let r = &mut Reader::new(bytes);
    let tag = got(r.head_of(6))?;
    if got(r.array())? != 4 {
        return None;
    }
    let (kind, (payload, payload_span), body_protected, signatures) = if tag == TAG_SIGN1 {
        let (protected, at) = bytes_at(r)?;
        let (Some((alg, kid)), Some(kind)) = header(protected, true, true)? else {
            return None;
        };
        empty_map(r)?;
        let payload = bytes_at(r)?;
        let signature = got(r.bytes())?;
        if kind.is_multi_signed() {
            return None;
        }
        let s = slot(kind, alg, kid, at, signature)?;
        (kind, payload, Span::default(), Slots::One([s]))
    } else if tag == TAG_SIGN {
        let (body_protected, body_at) = bytes_at(r)?;
        let (None, Some(kind)) = header(body_protected, false, true)? else {
            return None;
        };
        empty_map(r)?;
        let payload = bytes_at(r)?;
        let n = got(r.array())?;
        if !kind.is_multi_signed() || n == 0 || n > 2 {
            return None;
        }
        let mut slots = Slots::None;
        for _ in 0..n {
            if got(r.array())? != 3 {
                return None;
            }
            let (protected, at) = bytes_at(r)?;
            let (Some((alg, kid)), None) = header(protected, true, false)? else {
                return None;
            };
            empty_map(r)?;
            let signature = got(r.bytes())?;
            slots = slots.push(slot(kind, alg, kid, at, signature)?)?;
        }
        (kind, payload, body_at, slots)
    } else {
        return None;
    };
    r.end().ok()?;
    let (body, subject_kid) = body(kind, payload)?;
    if matches!(&body, Body::Grant(g) if g.imported) && signatures.len() != 1 {
        return None;
    }
    Some(Artifact {
        digest: Digest::of(kind, payload),
        body,
        // The payload and protected headers are found in it, not copied.
        buf: bytes.to_vec(),
        len: bytes.len(),
        payload: payload_span,
        body_protected,
        signatures,
        subject_kid,
    })
}
