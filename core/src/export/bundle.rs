//! Exporting the grants and refusals of a whole bundle, each with its
//! status at a given time, and reading the controller info from JSON.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

use super::{
    iso27560_record, kantara_receipt, ControllerInfo, ExportError, ExportStatus, PartyInfo,
    PostalAddress,
};
use crate::artifact::{Artifact, ArtifactId, Body, Digest, Time, WithdrawnBy};
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
    decisions: BTreeMap<ArtifactId, Artifact>,
    records: HashMap<ArtifactId, GrantRecord>,
}

fn read_bundle(bytes: &[u8]) -> Result<Bundle, ExportError> {
    let bad = |reason: String| ExportError::Bundle { reason };
    let mut reader = SeqReader::new(bytes);
    let mut artifacts: BTreeMap<ArtifactId, Artifact> = BTreeMap::new();
    while let Some(step) = reader
        .next_item()
        .map_err(|e| bad(format!("cannot be read: {e}")))?
    {
        match step {
            Framed::Item { offset, bytes } => {
                let a = Artifact::decode(&bytes)
                    .map_err(|e| bad(format!("item at byte {offset}: {e}")))?;
                artifacts.insert(a.id(), a);
            }
            Framed::Oversize { offset, len } => {
                return Err(bad(format!(
                    "item at byte {offset} is {len} bytes, over the size limit"
                )))
            }
            Framed::NotCbor(e) => return Err(bad(e.to_string())),
        }
    }
    let mut b = Bundle {
        offers: HashMap::new(),
        decisions: BTreeMap::new(),
        records: HashMap::new(),
    };
    for a in artifacts.values() {
        if let Body::Offer(_) = a.body() {
            b.offers.insert(a.digest(), a.clone());
        }
    }
    for (id, a) in &artifacts {
        match a.body() {
            Body::Grant(g) => {
                let mut rec = GrantRecord::new(*id, g.clone());
                rec.offer = b.offers.get(&g.offer).and_then(|o| match o.body() {
                    Body::Offer(offer) => Some(offer.clone()),
                    _ => None,
                });
                b.records.insert(*id, rec);
                b.decisions.insert(*id, a.clone());
            }
            Body::Refusal(_) => {
                b.decisions.insert(*id, a.clone());
            }
            _ => {}
        }
    }
    // What ends or replaces a grant: the same rules as the audit's and the
    // wallet's (the lifecycle decides the state).
    for (id, a) in &artifacts {
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

/// The status of a grant at `at`, as the lifecycle computes it; `None`
/// before the grant was given.
fn status_at(rec: &GrantRecord, at: Time) -> Option<ExportStatus> {
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
    at: Time,
    controllers: &[ControllerInfo],
) -> Result<ConsentExport, ExportError> {
    let b = read_bundle(bundle)?;
    let issued = |a: &Artifact| match a.body() {
        Body::Grant(g) => g.issued_at,
        Body::Refusal(r) => r.issued_at,
        _ => 0,
    };
    let mut chosen: Vec<&Artifact> = Vec::new();
    if decisions.is_empty() {
        chosen.extend(b.decisions.values().filter(|a| {
            issued(a) <= at
                && (format == ExportFormat::Iso27560 || matches!(a.body(), Body::Grant(_)))
        }));
        chosen.sort_unstable_by_key(|a| (issued(a), a.id()));
    } else {
        for id in decisions {
            let a = b
                .decisions
                .get(id)
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
    at: Time,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InfoFile {
    controllers: Vec<InfoJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressJson {
    street_address: String,
    #[serde(default)]
    locality: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
    country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyJson {
    party: String,
    name: String,
    contact: String,
    address: AddressJson,
    email: String,
    phone: String,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InfoJson {
    party: String,
    name: String,
    #[serde(default)]
    on_behalf: bool,
    contact: String,
    address: AddressJson,
    email: String,
    phone: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    policy_url: Option<String>,
    #[serde(default)]
    withdrawal_url: Option<String>,
    #[serde(default)]
    rights_url: Option<String>,
    #[serde(default)]
    storage_locations: Vec<String>,
    #[serde(default)]
    recipients: Vec<PartyJson>,
    #[serde(default)]
    primary_purposes: Vec<String>,
    #[serde(default)]
    sensitive_categories: Vec<String>,
    #[serde(default)]
    kantara_purposes: BTreeMap<String, u8>,
    #[serde(default)]
    kantara_pii_categories: BTreeMap<String, u8>,
    #[serde(default)]
    imported_consent_type: Option<String>,
}

fn address(a: AddressJson) -> PostalAddress {
    PostalAddress {
        street_address: a.street_address,
        locality: a.locality,
        region: a.region,
        postal_code: a.postal_code,
        country: a.country,
    }
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
    m: BTreeMap<String, u8>,
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

/// Reads controller info from JSON (docs/EXPORTS.md, "Controller info"):
/// `{"controllers": [{"party": …, "name": …, "contact": …, "address":
/// {"street_address": …, "country": …}, "email": …, "phone": …,
/// "policy_url": …, "storage_locations": ["DE"], "recipients": [{…}],
/// "kantara_purposes": {"term": 10}, …}]}`, field names as in
/// [`ControllerInfo`] and [`PartyInfo`]. Unknown fields, a misspelled DPV
/// term, two entries for one controller, or a Kantara category number
/// outside 1..=16 are refused.
pub fn controller_infos_from_json(json: &str) -> Result<Vec<ControllerInfo>, ExportError> {
    let file: InfoFile =
        serde_json::from_str(json).map_err(|e| ExportError::BadControllerInfo {
            reason: e.to_string(),
        })?;
    let mut out: Vec<ControllerInfo> = Vec::with_capacity(file.controllers.len());
    for c in file.controllers {
        if out.iter().any(|o| o.party == c.party) {
            return Err(ExportError::BadControllerInfo {
                reason: format!("controller {} is listed twice", c.party),
            });
        }
        let info = ControllerInfo {
            primary_purposes: terms(&c.party, "primary_purposes", c.primary_purposes)?,
            sensitive_categories: terms(&c.party, "sensitive_categories", c.sensitive_categories)?,
            kantara_purposes: term_map(&c.party, "kantara_purposes", c.kantara_purposes)?,
            kantara_pii_categories: term_map(
                &c.party,
                "kantara_pii_categories",
                c.kantara_pii_categories,
            )?,
            party: c.party,
            name: c.name,
            on_behalf: c.on_behalf,
            contact: c.contact,
            address: address(c.address),
            email: c.email,
            phone: c.phone,
            url: c.url,
            policy_url: c.policy_url,
            withdrawal_url: c.withdrawal_url,
            rights_url: c.rights_url,
            storage_locations: c.storage_locations,
            recipients: c
                .recipients
                .into_iter()
                .map(|r| PartyInfo {
                    party: r.party,
                    name: r.name,
                    contact: r.contact,
                    address: address(r.address),
                    email: r.email,
                    phone: r.phone,
                    url: r.url,
                })
                .collect(),
            imported_consent_type: c.imported_consent_type,
        };
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
