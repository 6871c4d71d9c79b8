//! Exporting the grants and refusals of a whole bundle, each with its
//! status at a given time, and reading the controller info from JSON.

use std::collections::HashMap;

use serde_json::Value;

use super::json::{self, Json, Members};
use super::{
    iso27560_record, kantara_receipt, ControllerInfo, ExportError, ExportStatus, PartyInfo,
    PostalAddress,
};
use crate::artifact::{Artifact, ArtifactId, Body, Digest, Timestamp, WithdrawnBy};
use crate::cbor::seq::{Framed, SeqReader};
use crate::lifecycle::{ConsentState, GrantRecord};
use crate::vocab::Term;

/// The two export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Kantara Consent Receipt v1.1.0 ([`kantara_receipt`]); grants only.
    Kantara,
    /// ISO/IEC TS 27560 consent record, DPV JSON-LD ([`iso27560_record`]);
    /// grants and refusals.
    Iso27560,
}

impl ExportFormat {
    /// The format named `kantara` or `iso27560`.
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        match name {
            "kantara" => Some(ExportFormat::Kantara),
            "iso27560" => Some(ExportFormat::Iso27560),
            _ => None,
        }
    }

    /// `kantara` or `iso27560`.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Kantara => "kantara",
            ExportFormat::Iso27560 => "iso27560",
        }
    }
}

/// The artifacts of a bundle that bear on exports.
struct Bundle {
    offers: HashMap<Digest, Artifact>,
    /// Grants and refusals, sorted by id, one per id.
    decisions: Vec<Artifact>,
    records: HashMap<ArtifactId, GrantRecord>,
}

fn read_bundle(bytes: &[u8]) -> Result<Bundle, ExportError> {
    let bad = |reason: String| ExportError::Bundle { reason };
    let mut reader = SeqReader::new(bytes);
    let mut read: Vec<Artifact> = Vec::new();
    while let Some(step) = reader
        .next_item()
        .map_err(|e| bad(format!("cannot be read: {e}")))?
    {
        match step {
            Framed::Item { offset, bytes } => {
                let a = Artifact::decode(&bytes)
                    .map_err(|e| bad(format!("item at byte {offset}: {e}")))?;
                read.push(a);
            }
            Framed::Oversize { offset, len } => {
                return Err(bad(format!(
                    "item at byte {offset} is {len} bytes, over the size limit"
                )))
            }
            Framed::NotCbor(e) => return Err(bad(e.to_string())),
        }
    }
    let artifacts = one_per_id(read);
    let mut b = Bundle {
        offers: HashMap::new(),
        decisions: Vec::new(),
        records: HashMap::new(),
    };
    for a in &artifacts {
        if let Body::Offer(_) = a.body() {
            b.offers.insert(a.digest(), a.clone());
        }
    }
    for a in &artifacts {
        let id = &a.id();
        match a.body() {
            Body::Grant(g) => {
                let mut rec = GrantRecord::new(*id, g.clone());
                rec.offer = b.offers.get(&g.offer).and_then(|o| match o.body() {
                    Body::Offer(offer) => Some(offer.clone()),
                    _ => None,
                });
                b.records.insert(*id, rec);
                b.decisions.push(a.clone());
            }
            Body::Refusal(_) => {
                b.decisions.push(a.clone());
            }
            _ => {}
        }
    }
    // What ends or replaces a grant: the same rules as the audit's and the
    // wallet's (the lifecycle decides the state).
    for a in &artifacts {
        let id = &a.id();
        match a.body() {
            Body::Withdrawal(w) => {
                if let Some(r) = b.records.get_mut(&w.grant) {
                    r.add_withdrawal(w.takes_effect(), w.by, *id);
                }
            }
            Body::Refusal(f) => {
                for r in b.records.values_mut() {
                    if r.is_ended_by_refusal(&f.controller, &f.subject, &f.offer, f.issued_at) {
                        r.add_refusal(f.issued_at, *id);
                    }
                }
            }
            Body::Grant(g) => {
                if let Some(old) = g.supersedes {
                    if let Some(r) = b.records.get_mut(&old) {
                        // Only the same person at the same controller can
                        // replace a grant (as in the audit).
                        if r.grant.subject == g.subject && r.grant.controller == g.controller {
                            r.add_superseded(g.issued_at, *id);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(b)
}

/// The artifacts sorted by id, one per id: of copies with the same id, the
/// last one read (what the map keyed by id that this replaces kept).
fn one_per_id(mut read: Vec<Artifact>) -> Vec<Artifact> {
    crate::sort::sort_by_key(&mut read, Artifact::id);
    let mut out: Vec<Artifact> = Vec::with_capacity(read.len());
    for a in read {
        if out.last().is_some_and(|l| l.id() == a.id()) {
            out.pop();
        }
        out.push(a);
    }
    out
}

/// The status of a grant at `at`, as the lifecycle computes it; `None`
/// before the grant was given.
fn status_at(rec: &GrantRecord, at: Timestamp) -> Option<ExportStatus> {
    Some(match rec.state_at(at) {
        ConsentState::Requested => return None,
        ConsentState::Given => ExportStatus::Given,
        ConsentState::Withdrawn => {
            let by_person = rec
                .ended
                .filter(|(e, by, _)| *by == WithdrawnBy::Person && *e <= at)
                .map(|(e, _, _)| e);
            let refused = rec.refused.filter(|(r, _)| *r <= at).map(|(r, _)| r);
            let since = match (by_person, refused) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b)?,
            };
            ExportStatus::Withdrawn { at: since }
        }
        ConsentState::Revoked => ExportStatus::Revoked {
            at: rec.ended.map(|(e, _, _)| e)?,
        },
        ConsentState::Superseded => {
            let (since, by) = rec.superseded?;
            ExportStatus::Superseded { at: since, by }
        }
        ConsentState::Expired => ExportStatus::Expired { at: rec.expiry()? },
        ConsentState::Refused => ExportStatus::Refused,
    })
}

/// What [`export_consents`] produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsentExport {
    /// One document per exported grant or refusal, in order.
    pub documents: Vec<Value>,
    /// The grants and refusals that could not be exported because of what
    /// they are (e.g. a grant taking more than its offer offered, or whose
    /// offer is not in the bundle: see [`ExportError::is_about_artifacts`]),
    /// each with why. The others are still exported.
    pub refused: Vec<(ArtifactId, ExportError)>,
}

/// Exports grants and refusals of `bundle` (a CBOR sequence of artifacts,
/// as `consentkit audit` reads) in `format`, each with its status at `at`
/// as the lifecycle computes it (withdrawals, revocations, refusals of the
/// same offer, renewals, expiry), one JSON document per decision.
///
/// `decisions` lists the grants (and, for [`ExportFormat::Iso27560`],
/// refusals) to export; empty means every grant (and refusal) given at or
/// before `at`, in the order of (issue time, id), whatever the bundle's
/// order. `controllers` holds a [`ControllerInfo`] for each controller
/// whose decisions are exported.
///
/// Signatures are **not** verified: verify or audit the bundle first.
/// Fails on a bundle item that is not an artifact, a listed id that is not
/// a grant or refusal in the bundle (or given after `at`, or a refusal for
/// Kantara), or an error of [`kantara_receipt`] / [`iso27560_record`] about
/// the caller's [`ControllerInfo`]. An error about a decision's artifacts
/// ([`ExportError::is_about_artifacts`]) does not stop the export: that
/// decision is listed in [`ConsentExport::refused`]. No documents and no
/// refusals means there was nothing to export.
pub fn export_consents(
    bundle: &[u8],
    format: ExportFormat,
    decisions: &[ArtifactId],
    at: Timestamp,
    controllers: &[ControllerInfo],
) -> Result<ConsentExport, ExportError> {
    let b = read_bundle(bundle)?;
    let issued = |a: &Artifact| match a.body() {
        Body::Grant(g) => g.issued_at,
        Body::Refusal(r) => r.issued_at,
        _ => Timestamp::default(),
    };
    let mut chosen: Vec<&Artifact> = Vec::new();
    if decisions.is_empty() {
        chosen.extend(b.decisions.iter().filter(|a| {
            issued(a) <= at
                && (format == ExportFormat::Iso27560 || matches!(a.body(), Body::Grant(_)))
        }));
        crate::sort::sort_by_key(&mut chosen, |a| (issued(a), a.id()));
    } else {
        for id in decisions {
            let a = b
                .decisions
                .binary_search_by_key(id, Artifact::id)
                .ok()
                .and_then(|i| b.decisions.get(i))
                .ok_or_else(|| ExportError::NotInBundle {
                    what: format!("{id}: no grant or refusal with this id in the bundle"),
                })?;
            if format == ExportFormat::Kantara && !matches!(a.body(), Body::Grant(_)) {
                return Err(ExportError::WrongKind {
                    role: "decision",
                    expected: "a grant (a Kantara receipt records consent given)",
                    found: a.kind(),
                    id: *id,
                });
            }
            if issued(a) > at {
                return Err(ExportError::StatusMismatch {
                    decision: a.label_str(),
                    status: "given",
                    reason: format!(
                        "given at {}, after the export time {}",
                        super::utc_datetime(issued(a)),
                        super::utc_datetime(at)
                    ),
                });
            }
            if !chosen.iter().any(|c| c.id() == *id) {
                chosen.push(a);
            }
        }
    }

    let mut out = ConsentExport {
        documents: Vec::with_capacity(chosen.len()),
        refused: Vec::new(),
    };
    for a in chosen {
        match export_one(&b, a, format, at, controllers) {
            Ok(Some(doc)) => out.documents.push(doc),
            Ok(None) => {}
            Err(e) if e.is_about_artifacts() => out.refused.push((a.id(), e)),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn export_one(
    b: &Bundle,
    a: &Artifact,
    format: ExportFormat,
    at: Timestamp,
    controllers: &[ControllerInfo],
) -> Result<Option<Value>, ExportError> {
    {
        let (offer_digest, controller, status) = match a.body() {
            Body::Grant(g) => {
                let Some(rec) = b.records.get(&a.id()) else {
                    return Ok(None);
                };
                let Some(status) = status_at(rec, at) else {
                    return Ok(None);
                };
                (g.offer, &g.controller, status)
            }
            Body::Refusal(r) => (r.offer, &r.controller, ExportStatus::Refused),
            _ => return Ok(None),
        };
        let offer = b
            .offers
            .get(&offer_digest)
            .ok_or_else(|| ExportError::NotInBundle {
                what: format!(
                    "{}: its offer {} is not in the bundle",
                    a.label_str(),
                    offer_digest.id()
                ),
            })?;
        let info = controllers
            .iter()
            .find(|c| &c.party == controller)
            .ok_or_else(|| ExportError::NoControllerInfo {
                decision: a.label_str(),
                party: controller.clone(),
            })?;
        Ok(Some(match format {
            ExportFormat::Kantara => kantara_receipt(offer, a, status, info)?,
            ExportFormat::Iso27560 => iso27560_record(offer, a, status, info)?,
        }))
    }
}

// ------------------------------------------------------------------ JSON

fn address(path: &str, v: Json) -> Result<PostalAddress, String> {
    let mut m = Members::of(path, v)?;
    let a = PostalAddress {
        street_address: m.string("street_address")?,
        locality: m.opt_string("locality")?,
        region: m.opt_string("region")?,
        postal_code: m.opt_string("postal_code")?,
        country: m.string("country")?,
    };
    m.finish()?;
    Ok(a)
}

fn recipient(path: &str, v: Json) -> Result<PartyInfo, String> {
    let mut m = Members::of(path, v)?;
    let r = PartyInfo {
        party: m.string("party")?,
        name: m.string("name")?,
        contact: m.string("contact")?,
        address: address(&format!("{path}.address"), m.required("address")?)?,
        email: m.string("email")?,
        phone: m.string("phone")?,
        url: m.opt_string("url")?,
    };
    m.finish()?;
    Ok(r)
}

fn terms(party: &str, field: &str, v: Vec<String>) -> Result<Vec<Term>, ExportError> {
    v.iter()
        .map(|t| {
            Term::new(t).map_err(|e| ExportError::BadControllerInfo {
                reason: format!("{party}: {field}: {e}"),
            })
        })
        .collect()
}

fn term_map(
    party: &str,
    field: &str,
    m: Vec<(String, u8)>,
) -> Result<Vec<(Term, u8)>, ExportError> {
    m.into_iter()
        .map(|(t, n)| {
            let term = Term::new(&t).map_err(|e| ExportError::BadControllerInfo {
                reason: format!("{party}: {field}: {e}"),
            })?;
            Ok((term, n))
        })
        .collect()
}

/// One entry of `controllers`, field by field (docs/EXPORTS.md); the DPV
/// terms are checked by the caller.
struct InfoJson {
    info: ControllerInfo,
    primary_purposes: Vec<String>,
    sensitive_categories: Vec<String>,
    kantara_purposes: Vec<(String, u8)>,
    kantara_pii_categories: Vec<(String, u8)>,
}

fn controller(path: &str, v: Json) -> Result<InfoJson, String> {
    let mut m = Members::of(path, v)?;
    let party = m.string("party")?;
    let name = m.string("name")?;
    let on_behalf = m.bool_or_false("on_behalf")?;
    let contact = m.string("contact")?;
    let address = address(&format!("{path}.address"), m.required("address")?)?;
    let email = m.string("email")?;
    let phone = m.string("phone")?;
    let url = m.opt_string("url")?;
    let policy_url = m.opt_string("policy_url")?;
    let withdrawal_url = m.opt_string("withdrawal_url")?;
    let rights_url = m.opt_string("rights_url")?;
    let storage_locations = m.strings("storage_locations")?;
    let mut recipients = Vec::new();
    for (i, r) in m.array("recipients")?.into_iter().enumerate() {
        recipients.push(recipient(&format!("{path}.recipients[{i}]"), r)?);
    }
    let primary_purposes = m.strings("primary_purposes")?;
    let sensitive_categories = m.strings("sensitive_categories")?;
    let kantara_purposes = m.byte_map("kantara_purposes")?;
    let kantara_pii_categories = m.byte_map("kantara_pii_categories")?;
    let imported_consent_type = m.opt_string("imported_consent_type")?;
    m.finish()?;
    Ok(InfoJson {
        info: ControllerInfo {
            party,
            name,
            on_behalf,
            contact,
            address,
            email,
            phone,
            url,
            policy_url,
            withdrawal_url,
            rights_url,
            storage_locations,
            recipients,
            primary_purposes: Vec::new(),
            sensitive_categories: Vec::new(),
            kantara_purposes: Vec::new(),
            kantara_pii_categories: Vec::new(),
            imported_consent_type,
        },
        primary_purposes,
        sensitive_categories,
        kantara_purposes,
        kantara_pii_categories,
    })
}

/// The `controllers` entries of a controller info file, read strictly.
fn info_file(text: &str) -> Result<Vec<InfoJson>, String> {
    let mut file = Members::of("", json::parse(text)?)?;
    let list = match file.required("controllers")? {
        Json::Array(a) => a,
        other => {
            return Err(format!(
                "controllers: expected an array, found {}",
                other.kind()
            ))
        }
    };
    file.finish()?;
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.into_iter().enumerate() {
        out.push(controller(&format!("controllers[{i}]"), c)?);
    }
    Ok(out)
}

/// Reads controller info from JSON (docs/EXPORTS.md, "Controller info"):
/// `{"controllers": [{"party": …, "name": …, "contact": …, "address":
/// {"street_address": …, "country": …}, "email": …, "phone": …,
/// "policy_url": …, "storage_locations": ["DE"], "recipients": [{…}],
/// "kantara_purposes": {"term": 10}, …}]}`, field names as in
/// [`ControllerInfo`] and [`PartyInfo`]. Unknown fields, a misspelled DPV
/// term, two entries for one controller, or a Kantara category number
/// outside 1..=16 are refused.
pub fn controller_infos_from_json(json: &str) -> Result<Vec<ControllerInfo>, ExportError> {
    let file = info_file(json).map_err(|reason| ExportError::BadControllerInfo { reason })?;
    let mut out: Vec<ControllerInfo> = Vec::with_capacity(file.len());
    for c in file {
        let mut info = c.info;
        if out.iter().any(|o| o.party == info.party) {
            return Err(ExportError::BadControllerInfo {
                reason: format!("controller {} is listed twice", info.party),
            });
        }
        let party = info.party.as_str();
        info.primary_purposes = terms(party, "primary_purposes", c.primary_purposes)?;
        info.sensitive_categories = terms(party, "sensitive_categories", c.sensitive_categories)?;
        info.kantara_purposes = term_map(party, "kantara_purposes", c.kantara_purposes)?;
        info.kantara_pii_categories =
            term_map(party, "kantara_pii_categories", c.kantara_pii_categories)?;
        for (map, pairs, ok) in [
            (
                "kantara_purposes",
                &info.kantara_purposes,
                super::kantara::purpose_category as fn(u8) -> Option<String>,
            ),
            (
                "kantara_pii_categories",
                &info.kantara_pii_categories,
                super::kantara::pii_category,
            ),
        ] {
            if let Some((t, n)) = pairs.iter().find(|(_, n)| ok(*n).is_none()) {
                return Err(ExportError::BadKantaraCategory {
                    party: info.party.clone(),
                    map,
                    term: t.to_string(),
                    number: *n,
                });
            }
        }
        out.push(info);
    }
    Ok(out)
}
