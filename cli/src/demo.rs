//! `consentkit demo`: a deterministic simulation of three data deals.
//!
//! - **traffic.example**: drivers share location for live routing; the
//!   city-planning partner `city.example` receives aggregated location.
//! - **music.example**: listening taste feeds recommendations; people earn
//!   points; the partner `labels.example` receives taste profiles for research.
//! - **experts.example**: experts share professional certifications and
//!   experience and receive paid leads; `verify.example` checks certifications.
//!
//! Some people refuse, some withdraw midway, some grants expire or are
//! renewed, value records are issued. `--violations K` injects K known
//! violations and lists them in `expected-findings.json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentkit::audit::{
    audit_source_with_status, render_html, render_text, to_sequence, AuditOptions, FindingKind,
    LogView,
};
use consentkit::log::{LogError, TileLog};
use std::sync::Arc;

use consentkit::privacy::{commit_with_salt, pseudonym};
use consentkit::status::{Status, StatusRegistry};
use consentkit::wallet::Wallet;
use consentkit::Timestamp;
use consentkit::{
    Artifact, ArtifactId, ArtifactKind, Benefit, BenefitKind, Body, CollectionMethod, DataReceipt,
    Grant, KeyPair, KnownViolation, Limits, Notice, Offer, Recipient, Refusal, Role, Signer, Term,
    TrustSet, ValueEstimate, ValueRecord, Withdrawal,
};

use crate::rng::Rng;
use crate::{write, CliError};

/// The demo transparency log's origin (and its key's name).
pub const LOG_ORIGIN: &str = "log.consentkit.example/demo";

/// 2026-09-01T00:00:00Z: the simulation's first day.
pub const START: Timestamp = Timestamp::from_secs(1_788_220_800);
const DAY: u64 = 86_400;

/// Arguments of `consentkit demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
    /// Number of people.
    #[arg(long, default_value_t = 40)]
    pub people: u32,
    /// Number of simulated days.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// Random seed: the same seed gives the same bundle.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of known violations to inject (listed in expected-findings.json).
    #[arg(long, default_value_t = 0)]
    pub violations: u32,
}

fn term(s: &str) -> Result<Term, CliError> {
    Term::new(s).map_err(|e| CliError(e.to_string()))
}

struct Service {
    controller: &'static str,
    partner: &'static str,
    key: KeyPair,
    partner_key: KeyPair,
    offer: Offer,
    offer_art: Artifact,
    /// Purposes the controller itself uses.
    own_purposes: Vec<Term>,
    /// The purpose and category the partner receives.
    partner_purpose: Term,
    partner_category: Term,
    /// Most controller uses per day in the simulation.
    max_daily: u64,
    /// Precision range of uses (metres), if the category has one.
    precision: Option<(u32, u32)>,
}

// The simulation's three offers differ in every one of these.
#[allow(clippy::too_many_arguments)]
fn offer(
    controller: &str,
    name: &str,
    purposes: &[&str],
    categories: &[&str],
    partner: (&str, &str, &str),
    limits: Limits,
    value: Benefit,
    notice: &str,
) -> Result<Offer, CliError> {
    Ok(Offer {
        controller: controller.into(),
        name: name.into(),
        issued_at: START - 7 * DAY,
        valid_from: Some(START - 7 * DAY),
        valid_until: Some(START + 365 * DAY),
        purposes: purposes.iter().map(|p| term(p)).collect::<Result<_, _>>()?,
        categories: categories
            .iter()
            .map(|c| term(c))
            .collect::<Result<_, _>>()?,
        recipients: vec![Recipient {
            party: partner.0.into(),
            purposes: vec![term(partner.1)?],
            categories: vec![term(partner.2)?],
        }],
        retention_secs: 90 * DAY,
        limits,
        legal_basis: term("dpv:Consent")?,
        jurisdiction: "EU".into(),
        language: "en".into(),
        notice: Notice::for_text(
            format!("https://{controller}/notice/{name}"),
            notice.as_bytes(),
        ),
        value_offered: vec![value],
        value_estimate: Some(ValueEstimate {
            amount: 180,
            currency: "EUR".into(),
            method: "average monthly revenue per user attributable to the data, 2025 accounts"
                .into(),
        }),
        service_without_consent: true,
    })
}

fn services(rng: &mut Rng) -> Result<Vec<Service>, CliError> {
    let key = |rng: &mut Rng| KeyPair::ed25519_from_seed(&rng.bytes32()).map_err(CliError::from);
    let mut out = Vec::new();
    let traffic = offer(
        "traffic.example",
        "live-routing",
        &["dpv:ServiceProvision", "https://city.example/purpose#UrbanPlanning"],
        &["pd:Location"],
        ("city.example", "https://city.example/purpose#UrbanPlanning", "pd:Location"),
        Limits { uses_per_day: Some(50), finest_precision: Some(10), use_by: None },
        Benefit { kind: BenefitKind::Service, amount: 1, unit: "month".into(), condition: Some("each month location is shared".into()), description: Some("Live traffic routing".into()) },
        "Share your location while driving; we route you around traffic and give the city aggregated flows.",
    )?;
    let music = offer(
        "music.example",
        "taste-profile",
        &["dpv:ServicePersonalisation", "dpv:CommercialResearch"],
        &["pd:Preference", "pd:Interest"],
        ("labels.example", "dpv:CommercialResearch", "pd:Preference"),
        Limits {
            uses_per_day: Some(20),
            finest_precision: None,
            use_by: None,
        },
        Benefit {
            kind: BenefitKind::Points,
            amount: 100,
            unit: "points".into(),
            condition: Some("per week of sharing".into()),
            description: Some("Loyalty points towards concerts".into()),
        },
        "Your listening history tunes your recommendations; labels see anonymised taste profiles.",
    )?;
    let experts = offer(
        "experts.example",
        "expert-profile",
        &["dpv:ServiceProvision", "dpv:FraudPreventionAndDetection"],
        &["pd:ProfessionalCertification", "pd:ProfessionalExperience"],
        ("verify.example", "dpv:FraudPreventionAndDetection", "pd:ProfessionalCertification"),
        Limits { uses_per_day: Some(10), finest_precision: None, use_by: None },
        Benefit { kind: BenefitKind::Money, amount: 2_500, unit: "EUR".into(), condition: Some("per paid lead".into()), description: Some("Paid client leads".into()) },
        "Your certifications and experience are shown to clients; a verifier checks your certifications.",
    )?;
    for (o, partner, own, pp, pc, max_daily, precision) in [
        (
            traffic,
            "city.example",
            vec!["dpv:ServiceProvision"],
            "https://city.example/purpose#UrbanPlanning",
            "pd:Location",
            6,
            Some((10, 200)),
        ),
        (
            music,
            "labels.example",
            vec!["dpv:ServicePersonalisation"],
            "dpv:CommercialResearch",
            "pd:Preference",
            4,
            None,
        ),
        (
            experts,
            "verify.example",
            vec!["dpv:ServiceProvision"],
            "dpv:FraudPreventionAndDetection",
            "pd:ProfessionalCertification",
            2,
            None,
        ),
    ] {
        let k = key(rng)?;
        let pk = key(rng)?;
        let offer_art = o.sign(&k)?;
        let controller = match o.controller.as_str() {
            "traffic.example" => "traffic.example",
            "music.example" => "music.example",
            _ => "experts.example",
        };
        out.push(Service {
            controller,
            partner,
            key: k,
            partner_key: pk,
            offer: Offer::from_artifact(&offer_art)?.clone(),
            offer_art,
            own_purposes: own.iter().map(|p| term(p)).collect::<Result<_, _>>()?,
            partner_purpose: term(pp)?,
            partner_category: term(pc)?,
            max_daily,
            precision,
        });
    }
    Ok(out)
}

/// A grant as simulated: its artifact and active interval.
struct SimGrant {
    service: usize,
    person: usize,
    art: Artifact,
    grant: Grant,
    /// Covered from `start` until `end` (exclusive).
    start: Timestamp,
    end: Timestamp,
    withdrawn_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

struct Person {
    key: KeyPair,
    secret: [u8; 32],
}

/// The simulated world.
pub struct World {
    /// Every artifact, in time order.
    pub artifacts: Vec<(Timestamp, Artifact)>,
    /// The trust set.
    pub trust: TrustSet,
    /// Expected findings: (kind, artifact id).
    pub expected: Vec<(FindingKind, ArtifactId)>,
    /// End of the simulation (the audit time).
    pub end: Timestamp,
    keys: Vec<(String, Vec<u8>)>,
    /// Each person's key (private COSE_Key) and wallet secret.
    people: Vec<(Vec<u8>, [u8; 32])>,
    /// The transparency log's key (private COSE_Key).
    log_key: Vec<u8>,
    /// Each controller with its partner and their public keys.
    parties: Vec<(String, consentkit::PublicKey, String, consentkit::PublicKey)>,
    /// Each controller's Status List Token at the end of the simulation
    /// (IETF Token Status List, CWT form): (controller, token bytes).
    pub status_lists: Vec<(String, Vec<u8>)>,
    /// Every Status List Token the controllers log (one per controller per
    /// week, and the final one above), with its `iat`, in time order: the
    /// transparency log takes each in at its time.
    pub logged_status_lists: Vec<(Timestamp, Vec<u8>)>,
}

/// Entries in each controller's demo status list (1 bit each: 2 KiB raw).
const STATUS_CAPACITY: u64 = 1 << 14;
/// Decoy entries set INVALID in each demo status list (herd privacy).
const STATUS_DECOYS: u64 = 8;
/// How long partners may cache a demo status list, in seconds.
const STATUS_TTL: u64 = 3_600;

/// A controller's status list URI in the demo.
pub fn status_uri(controller: &str) -> String {
    format!("https://{controller}/status/1")
}

fn receipt(
    g: &SimGrant,
    s: &Service,
    rng: &mut Rng,
    at: Timestamp,
    to_partner: bool,
) -> Result<Artifact, CliError> {
    let data = format!("{}:{}:{}", g.person, at, rng.next_u64());
    let c = commit_with_salt(data.as_bytes(), rng.bytes16());
    if to_partner {
        let r = DataReceipt {
            grant: g.art.id(),
            category: s.partner_category.clone().into(),
            purpose: s.partner_purpose.clone().into(),
            recipient: None,
            used_at: at,
            quantity: 1,
            precision: s.precision.map(|_| 500),
            commitment: c.value,
        };
        return Ok(r.sign(&g.art, &s.partner_key)?);
    }
    let purpose = g
        .grant
        .purposes
        .iter()
        .find(|p| s.own_purposes.contains(p))
        .cloned()
        .unwrap_or_else(|| s.own_purposes[0].clone());
    let category = g.grant.categories[rng.below(g.grant.categories.len() as u64) as usize].clone();
    let r = DataReceipt {
        grant: g.art.id(),
        category: category.into(),
        purpose: purpose.into(),
        recipient: Some(s.controller.into()),
        used_at: at,
        quantity: 1,
        precision: s
            .precision
            .map(|(lo, hi)| lo + rng.below(u64::from(hi - lo)) as u32),
        commitment: c.value,
    };
    Ok(r.sign(&g.art, &s.key)?)
}

/// Runs the simulation.
pub fn simulate(args: &DemoArgs) -> Result<World, CliError> {
    let mut rng = Rng::new(args.seed);
    let svcs = services(&mut rng)?;
    let days = u64::from(args.days.max(1));
    let end = START + days * DAY;
    let mut trust = TrustSet::new();
    let mut keys = Vec::new();
    let log_key = KeyPair::ed25519_from_seed(&rng.bytes32())?;
    trust.insert(log_key.public_key(), Role::Log, LOG_ORIGIN);
    keys.push(("log.cose".to_owned(), log_key.to_cose_key()));
    for s in &svcs {
        trust.insert(s.key.public_key(), Role::Controller, s.controller);
        trust.insert(s.partner_key.public_key(), Role::Partner, s.partner);
        keys.push((
            format!("controllers/{}.cose", s.controller),
            s.key.to_cose_key(),
        ));
        keys.push((
            format!("partners/{}.cose", s.partner),
            s.partner_key.to_cose_key(),
        ));
    }
    let mut arts: Vec<(Timestamp, Artifact)> = svcs
        .iter()
        .map(|s| (s.offer.issued_at, s.offer_art.clone()))
        .collect();
    let mut people = Vec::new();
    for n in 0..args.people {
        let p = Person {
            key: KeyPair::ed25519_from_seed(&rng.bytes32())?,
            secret: rng.bytes32(),
        };
        keys.push((format!("people/person-{n:04}.cose"), p.key.to_cose_key()));
        keys.push((format!("people/person-{n:04}.secret"), p.secret.to_vec()));
        people.push(p);
    }
    // Status list indices come from their own stream, so the simulated
    // world (and its injected violations) is the same with or without them.
    let mut status_rng = Rng::new(args.seed ^ 0x5354_4154_5553);
    let mut registries = svcs
        .iter()
        .map(|s| StatusRegistry::new(status_uri(s.controller), 1, STATUS_CAPACITY))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError(e.to_string()))?;
    let mut grants: Vec<SimGrant> = Vec::new();
    for (pi, person) in people.iter().enumerate() {
        let first = rng.below(svcs.len() as u64) as usize;
        for (si, s) in svcs.iter().enumerate() {
            if si != first && !rng.chance(55) {
                continue;
            }
            let subject = pseudonym(&person.secret, s.controller);
            let decided = START + rng.below(3) * DAY + rng.below(DAY);
            if rng.chance(12) {
                let r = Refusal {
                    subject,
                    controller: s.controller.into(),
                    issued_at: decided,
                    offer: s.offer_art.digest(),
                    method: CollectionMethod::AppUi,
                    subject_key: None,
                };
                arts.push((decided, r.sign_both(&s.offer_art, &person.key, &s.key)?));
                continue;
            }
            let whole = rng.chance(75);
            let (purposes, recipients) = if whole {
                (s.offer.purposes.clone(), vec![s.partner.to_owned()])
            } else {
                (s.own_purposes.clone(), vec![])
            };
            let expires_at = if rng.chance(15) {
                decided + (days * DAY) / 2 + rng.below((days * DAY) / 4 + 1)
            } else {
                decided + 365 * DAY
            };
            let g = Grant {
                subject,
                controller: s.controller.into(),
                issued_at: decided,
                expires_at: Some(expires_at),
                offer: s.offer_art.digest(),
                purposes,
                categories: s.offer.categories.clone(),
                recipients,
                method: if rng.chance(80) {
                    CollectionMethod::AppUi
                } else {
                    CollectionMethod::WebForm
                },
                supersedes: None,
                subject_key: None,
                imported: false,
                status: Some(
                    registries[si]
                        .assign_with(&mut || status_rng.next_u64())
                        .map_err(|e| CliError(e.to_string()))?,
                ),
            };
            let art = g.sign_both(&s.offer_art, &person.key, &s.key)?;
            arts.push((decided, art.clone()));
            let grant = Grant::from_artifact(&art)?.clone();
            let mut sg = SimGrant {
                service: si,
                person: pi,
                art,
                grant,
                start: decided,
                end: expires_at.min(end),
                withdrawn_at: None,
                expires_at: Some(expires_at),
            };
            if rng.chance(18) && days > 4 {
                let w = decided + 2 * DAY + rng.below((days - 3) * DAY);
                if w < sg.end {
                    let wa = Withdrawal::by_person(sg.art.id(), w, &person.key)?;
                    arts.push((w, wa));
                    if let Some(r) = &sg.grant.status {
                        registries[si]
                            .set(r.idx, Status::Invalid)
                            .map_err(|e| CliError(e.to_string()))?;
                    }
                    sg.withdrawn_at = Some(w);
                    sg.end = w;
                }
            } else if rng.chance(6) && days > 6 {
                // A renewal: the person changes their mind and narrows the grant.
                let r = decided + 3 * DAY + rng.below((days - 5) * DAY);
                if r < sg.end {
                    let mut g2 = sg.grant.clone();
                    g2.issued_at = r;
                    g2.purposes = s.own_purposes.clone();
                    g2.recipients = vec![];
                    g2.supersedes = Some(sg.art.id());
                    g2.status = Some(
                        registries[si]
                            .assign_with(&mut || status_rng.next_u64())
                            .map_err(|e| CliError(e.to_string()))?,
                    );
                    let a2 = g2.sign_both(&s.offer_art, &person.key, &s.key)?;
                    arts.push((r, a2.clone()));
                    let old_end = sg.end;
                    sg.end = r;
                    grants.push(sg);
                    let g2 = Grant::from_artifact(&a2)?.clone();
                    sg = SimGrant {
                        service: si,
                        person: pi,
                        art: a2,
                        grant: g2,
                        start: r,
                        end: old_end,
                        withdrawn_at: None,
                        expires_at: Some(expires_at),
                    };
                }
            }
            grants.push(sg);
        }
    }
    // Daily uses and value.
    for g in &grants {
        let s = &svcs[g.service];
        let mut day = Timestamp::from_secs(g.start.secs() / DAY * DAY);
        let mut since_value = g.start;
        while day < g.end {
            let lo = day.max(g.start);
            let hi = (day + DAY).min(g.end);
            if hi > lo {
                for _ in 0..rng.below(s.max_daily) + 1 {
                    let at = lo + rng.below(hi - lo);
                    arts.push((at, receipt(g, s, &mut rng, at, false)?));
                }
                if g.grant.recipients.iter().any(|r| r == s.partner) && rng.chance(50) {
                    let at = lo + rng.below(hi - lo);
                    arts.push((at, receipt(g, s, &mut rng, at, true)?));
                }
                let (due, benefit) = match s.controller {
                    "traffic.example" => (
                        hi - since_value >= 30 * DAY
                            || (hi == g.end && hi - since_value >= 7 * DAY),
                        Benefit {
                            kind: BenefitKind::Service,
                            amount: 1,
                            unit: "month".into(),
                            condition: None,
                            description: Some("Live traffic routing".into()),
                        },
                    ),
                    "music.example" => (
                        hi - since_value >= 7 * DAY,
                        Benefit {
                            kind: BenefitKind::Points,
                            amount: 100,
                            unit: "points".into(),
                            condition: None,
                            description: Some("Weekly listening points".into()),
                        },
                    ),
                    _ => (
                        rng.chance(10),
                        Benefit {
                            kind: BenefitKind::Money,
                            amount: 2_500,
                            unit: "EUR".into(),
                            condition: None,
                            description: Some("Paid lead".into()),
                        },
                    ),
                };
                if due {
                    let at = hi - 1;
                    let v = ValueRecord {
                        grant: g.art.id(),
                        issued_at: at,
                        benefit,
                    };
                    arts.push((at, v.sign(&s.key)?));
                    since_value = hi;
                }
            }
            day += DAY;
        }
    }
    // Each controller publishes its list at the end, with decoys.
    let mut status_lists = Vec::new();
    // ... and one list per week (epoch), each logged at its time: the list
    // as it stood then (grants withdrawn later still VALID).
    let mut logged_status_lists = Vec::new();
    for (si, (s, r)) in svcs.iter().zip(registries.iter_mut()).enumerate() {
        r.add_decoys_with(STATUS_DECOYS, &mut || status_rng.next_u64())
            .map_err(|e| CliError(e.to_string()))?;
        let mut week = START + 7 * DAY;
        while week < end {
            let mut then = r.clone();
            for g in grants.iter().filter(|g| g.service == si) {
                if let (Some(w), Some(st)) = (g.withdrawn_at, &g.grant.status) {
                    if w >= week {
                        then.set(st.idx, Status::Valid)
                            .map_err(|e| CliError(e.to_string()))?;
                    }
                }
            }
            let token = then
                .token(week, STATUS_TTL, Some(week + 8 * DAY))
                .sign(&s.key)
                .map_err(|e| CliError(e.to_string()))?;
            logged_status_lists.push((week, token));
            week += 7 * DAY;
        }
        let token = r
            .token(end, STATUS_TTL, Some(end + DAY))
            .sign(&s.key)
            .map_err(|e| CliError(e.to_string()))?;
        logged_status_lists.push((end, token.clone()));
        status_lists.push((s.controller.to_owned(), token));
    }
    logged_status_lists.sort_by_key(|(t, _)| *t);
    let mut world = World {
        status_lists,
        logged_status_lists,
        artifacts: arts,
        trust,
        expected: Vec::new(),
        end,
        keys,
        people: people
            .iter()
            .map(|p| (p.key.to_cose_key(), p.secret))
            .collect(),
        log_key: log_key.to_cose_key(),
        parties: svcs
            .iter()
            .map(|s| {
                (
                    s.controller.to_owned(),
                    s.key.public_key(),
                    s.partner.to_owned(),
                    s.partner_key.public_key(),
                )
            })
            .collect(),
    };
    inject(
        &mut world,
        &svcs,
        &grants,
        &people,
        &mut rng,
        args.violations,
    )?;
    world.artifacts.sort_by_key(|(t, _)| *t);
    Ok(world)
}

/// When an artifact happened, by its own dates: it orders the bundle and the log.
fn time_of(a: &Artifact) -> Timestamp {
    match a.body() {
        Body::Offer(o) => o.issued_at,
        Body::Grant(g) => g.issued_at,
        Body::Refusal(r) => r.issued_at,
        Body::Withdrawal(w) => w.takes_effect(),
        Body::DataReceipt(r) => r.used_at,
        Body::ValueRecord(v) => v.issued_at,
    }
}

/// The violation kinds the demo can inject, in the order it cycles through them.
pub const INJECTABLE: [FindingKind; 14] = [
    FindingKind::AfterWithdrawal,
    FindingKind::PurposeNotGranted,
    FindingKind::RecipientNotGranted,
    FindingKind::LimitExceeded,
    FindingKind::PrecisionExceeded,
    FindingKind::AfterExpiry,
    FindingKind::BeforeGrant,
    FindingKind::CategoryNotGranted,
    FindingKind::SignatureInvalid,
    FindingKind::UntrustedKey,
    FindingKind::DuplicateId,
    FindingKind::ValueForUnknownGrant,
    FindingKind::GrantExceedsOffer,
    FindingKind::UnknownGrant,
];

fn inject(
    w: &mut World,
    svcs: &[Service],
    grants: &[SimGrant],
    people: &[Person],
    rng: &mut Rng,
    k: u32,
) -> Result<(), CliError> {
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let rogue = KeyPair::ed25519_from_seed(&rng.bytes32())?;
    // Every injected artifact is a violation on purpose: it says so, which
    // skips the checks that refuse such receipts and grants before signing.
    let known =
        KnownViolation::new("injected by `consentkit demo --violations` for the audit to find");
    for i in 0..k as usize {
        let mut done = false;
        for attempt in 0..INJECTABLE.len() {
            let kind = INJECTABLE[(i + attempt) % INJECTABLE.len()];
            // A fresh grant that fits this kind, not used by another injection.
            let fits = |g: &SimGrant| match kind {
                FindingKind::AfterWithdrawal => g.withdrawn_at.is_some(),
                FindingKind::AfterExpiry => {
                    g.withdrawn_at.is_none()
                        && g.expires_at.is_some_and(|e| e <= w.end && e == g.end)
                }
                FindingKind::PrecisionExceeded => {
                    svcs[g.service].precision.is_some() && g.end > g.start
                }
                _ => g.end > g.start + 120,
            };
            let candidates: Vec<usize> = (0..grants.len())
                .filter(|j| !used.contains(j) && fits(&grants[*j]))
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let j = candidates[rng.below(candidates.len() as u64) as usize];
            let g = &grants[j];
            let s = &svcs[g.service];
            let active = g.start + 60;
            let base = || -> Result<DataReceipt, CliError> {
                // Written as `sign` writes receipts: what the grant lists, by index.
                Ok(DataReceipt {
                    grant: g.art.id(),
                    category: g.grant.categories[0].clone().into(),
                    purpose: s.own_purposes[0].clone().into(),
                    recipient: Some(s.controller.into()),
                    used_at: active,
                    quantity: 1,
                    precision: s.precision.map(|(lo, _)| lo * 5),
                    commitment: [7; 32],
                }
                .compact(&g.grant))
            };
            let (art, id) = match kind {
                FindingKind::AfterWithdrawal => {
                    let mut r = base()?;
                    r.used_at = g.withdrawn_at.unwrap_or(g.end);
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::AfterExpiry => {
                    let mut r = base()?;
                    r.used_at = g.end;
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::BeforeGrant => {
                    let mut r = base()?;
                    r.used_at = g.start - 600;
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::PurposeNotGranted => {
                    let mut r = base()?;
                    r.purpose = term("dpv:Marketing")?.into();
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::CategoryNotGranted => {
                    let mut r = base()?;
                    r.category = term("pd:Health")?.into();
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::RecipientNotGranted => {
                    let mut r = base()?;
                    r.recipient = Some("broker.example".into());
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::PrecisionExceeded => {
                    let mut r = base()?;
                    r.precision = Some(1);
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::LimitExceeded => {
                    let mut r = base()?;
                    r.quantity = s.offer.limits.uses_per_day.unwrap_or(0) + 1;
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a), g.art.id())
                }
                FindingKind::SignatureInvalid => {
                    let a = base()?.sign_known_violation(&s.key, &known)?;
                    let mut b = a.as_bytes().to_vec();
                    let n = b.len();
                    b[n - 1] ^= 0x01;
                    let t = Artifact::decode(&b)?;
                    (Some(t), a.id())
                }
                FindingKind::UntrustedKey => {
                    let a = base()?.sign_known_violation(&rogue, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::DuplicateId => {
                    let a = base()?.sign_known_violation(&s.key, &known)?;
                    w.artifacts.push((time_of(&a), a.clone()));
                    (Some(a.clone()), a.id())
                }
                FindingKind::ValueForUnknownGrant => {
                    let v = ValueRecord {
                        grant: ArtifactId(rng.bytes16()),
                        issued_at: active,
                        benefit: s.offer.value_offered[0].clone(),
                    };
                    let a = v.sign(&s.key)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::GrantExceedsOffer => {
                    let person = &people[g.person];
                    let mut g2 = g.grant.clone();
                    g2.issued_at = active;
                    g2.subject_key = None;
                    g2.status = None;
                    g2.purposes.push(term("dpv:Marketing")?);
                    let a = g2.sign_both_known_violation(&person.key, &s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                FindingKind::UnknownGrant => {
                    let mut r = base()?;
                    r.grant = ArtifactId(rng.bytes16());
                    let a = r.sign_known_violation(&s.key, &known)?;
                    (Some(a.clone()), a.id())
                }
                _ => (None, ArtifactId([0; 16])),
            };
            if let Some(a) = art {
                w.artifacts.push((time_of(&a), a));
                w.expected.push((kind, id));
                used.insert(j);
                done = true;
                break;
            }
        }
        if !done {
            return Err(CliError(format!("cannot inject violation {}: the simulation is too small (try more --people or --days)", i + 1)));
        }
    }
    w.expected.sort();
    Ok(())
}

/// One wallet per person, holding the offers they saw, their grants,
/// refusals and withdrawals, and the receipts and value records under their
/// grants (violations included: the wallet flags them). Forged artifacts are
/// refused by the wallet, as on a real device.
/// Writes the transparency log (C2SP tiles and checkpoints) in `dir/log`:
/// every artifact the log admits (valid signatures, once each), with a
/// checkpoint published at the end of every simulated week and cosigned by
/// the demo's witness (see [`DemoWitness`]) at that simulated time; and
/// each controller's Status List Token of every week at its `iat`.
fn write_log(dir: &Path, w: &World) -> Result<TileLog, CliError> {
    let ldir = dir.join("log");
    let _ = std::fs::remove_dir_all(&ldir);
    let key = KeyPair::from_cose_key(&w.log_key)?;
    let err = |e: LogError| CliError(format!("{}: {e}", ldir.display()));
    let mut tlog = TileLog::create(&ldir, LOG_ORIGIN, &key).map_err(err)?;
    let mut witness = DemoWitness::open(dir, &key, &tlog)?;
    let mut next = START + 7 * DAY;
    let mut lists = w.logged_status_lists.iter().peekable();
    for (t, a) in &w.artifacts {
        while *t >= next {
            tlog.publish(&key).map_err(err)?;
            witness.cosign(&mut tlog, next.secs())?;
            next += 7 * DAY;
        }
        // The controllers' status lists go in at their time.
        while let Some((_, token)) = lists.next_if(|(iat, _)| iat <= t) {
            tlog.append_status_list(token, &w.trust).map_err(err)?;
        }
        match tlog.append_artifact(a, &w.trust) {
            // The log admits only valid artifacts, once: forged and duplicated ones stay out.
            Ok(_) | Err(LogError::Verify(_)) | Err(LogError::Duplicate { .. }) => {}
            Err(e) => return Err(err(e)),
        }
    }
    for (_, token) in lists {
        tlog.append_status_list(token, &w.trust).map_err(err)?;
    }
    tlog.publish(&key).map_err(err)?;
    // The last checkpoint is cosigned when the simulation ends: at its last
    // artifact's time (never before the previous weekly checkpoint).
    let last = w.artifacts.iter().map(|(t, _)| *t).max().unwrap_or(START);
    witness.cosign(&mut tlog, last.max(next - 7 * DAY).secs())?;
    Ok(tlog)
}

/// The demo's witness: a C2SP tlog-witness run in-process (the same
/// `Witness` that `consentkit witness serve` puts behind HTTP), its state in
/// `dir/witness/`, its key in `dir/keys/witness.cose`. Its key is derived
/// from the log key's (so the simulated world, drawn from the seed, does not
/// change), and it cosigns each checkpoint at the simulated time it was
/// published, so cosignature times are the demo's clock. The policy an
/// auditor uses (`dir/witness-policy.txt`, C2SP tlog-policy) names the log
/// and this witness, with a quorum of one.
struct DemoWitness {
    witness: consentkit::log::Witness,
    policy: consentkit::log::Policy,
    sizes: std::collections::HashMap<String, u64>,
}

/// The demo witness's name (its cosignature key name).
const DEMO_WITNESS: &str = "witness.demo.example/w1";

impl DemoWitness {
    fn open(dir: &Path, log_key: &KeyPair, tlog: &TileLog) -> Result<DemoWitness, CliError> {
        use consentkit::log::Policy;
        let seed = consentkit::artifact::sha256(
            &[
                b"consentkit demo witness v1".as_slice(),
                &log_key.to_cose_key(),
            ]
            .concat(),
        );
        let key = KeyPair::ed25519_from_seed(&seed)?;
        let private = key.to_cose_key();
        let wdir = dir.join("witness");
        let _ = std::fs::remove_dir_all(&wdir);
        let err = |e: &dyn std::fmt::Display| CliError(format!("{}: {e}", wdir.display()));
        let log_line = format!("log {}\n", tlog.verifier().to_vkey());
        let follows =
            Policy::parse(format!("{log_line}quorum none\n").as_bytes()).map_err(|e| err(&e))?;
        let witness = consentkit::log::Witness::open(&wdir, DEMO_WITNESS, Box::new(key), &follows)
            .map_err(|e| err(&e))?;
        let vkey = witness.verifier().to_vkey();
        let kdir = dir.join("keys");
        std::fs::create_dir_all(&kdir).map_err(|e| CliError(format!("{}: {e}", kdir.display())))?;
        // The demo regenerates its whole output, its keys included (as below for the others).
        let kpath = kdir.join("witness.cose");
        let _ = std::fs::remove_file(&kpath);
        consentkit::wallet::store::write_secret_file(&kpath, &private)
            .map_err(|e| CliError(format!("{}: {e}", kpath.display())))?;
        // For auditors: no URL (nothing to submit to).
        write(
            &dir.join("witness-policy.txt"),
            format!("{log_line}witness demo {vkey}\nquorum demo\n").as_bytes(),
        )?;
        // For publishing: the same witness with a submission URL the
        // in-process transport below answers.
        let policy = Policy::parse(
            format!("{log_line}witness demo {vkey} in-process:demo-witness\nquorum demo\n")
                .as_bytes(),
        )
        .map_err(|e| err(&e))?;
        Ok(DemoWitness {
            witness,
            policy,
            sizes: std::collections::HashMap::new(),
        })
    }

    /// Sends the log's latest checkpoint to the witness at simulated time
    /// `now` and writes the cosigned checkpoint into the log.
    fn cosign(&mut self, tlog: &mut TileLog, now: u64) -> Result<(), CliError> {
        use consentkit::log::witness::{witness_checkpoint, WitnessReply};
        let witness = &self.witness;
        let mut post = |_url: &str, body: &[u8]| -> Result<WitnessReply, String> {
            Ok(witness.reply(body, now))
        };
        let report = witness_checkpoint(tlog, &self.policy, &mut self.sizes, &mut post)
            .map_err(|e| CliError(format!("demo witness: {e}")))?;
        match (report.witnessed, report.quorum_error) {
            (Some(_), _) => Ok(()),
            (None, e) => Err(CliError(format!(
                "demo witness: the checkpoint was not cosigned ({e:?}; {:?})",
                report.outcomes
            ))),
        }
    }
}

fn wallets(w: &World, tlog: &TileLog) -> Result<Vec<Wallet>, CliError> {
    use std::collections::HashMap;
    let mut owner_of_subject: HashMap<([u8; 16], String), usize> = HashMap::new();
    for (i, (_, secret)) in w.people.iter().enumerate() {
        for (c, ..) in &w.parties {
            owner_of_subject.insert((pseudonym(secret, c), c.clone()), i);
        }
    }
    let mut grant_owner: HashMap<ArtifactId, usize> = HashMap::new();
    let mut items: Vec<Vec<Vec<u8>>> = vec![Vec::new(); w.people.len()];
    let mut offers_seen: Vec<BTreeSet<String>> = vec![BTreeSet::new(); w.people.len()];
    let offers: HashMap<String, &Artifact> = w
        .artifacts
        .iter()
        .filter_map(|(_, a)| {
            Offer::from_artifact(a)
                .ok()
                .map(|o| (o.controller.clone(), a))
        })
        .collect();
    for (_, a) in &w.artifacts {
        let (subject, controller) = match a.body() {
            Body::Grant(g) => (g.subject, g.controller.clone()),
            Body::Refusal(r) => (r.subject, r.controller.clone()),
            _ => continue,
        };
        if let Some(&i) = owner_of_subject.get(&(subject, controller.clone())) {
            grant_owner.insert(a.id(), i);
            offers_seen[i].insert(controller);
        }
    }
    for (_, a) in &w.artifacts {
        let owner = match a.body() {
            Body::Offer(_) => None,
            Body::Grant(_) | Body::Refusal(_) => grant_owner.get(&a.id()),
            Body::Withdrawal(x) => grant_owner.get(&x.grant),
            Body::DataReceipt(x) => grant_owner.get(&x.grant),
            Body::ValueRecord(x) => grant_owner.get(&x.grant),
        };
        if let Some(&i) = owner {
            items[i].push(a.as_bytes().to_vec());
        }
    }
    let mut out = Vec::new();
    for (i, (key, secret)) in w.people.iter().enumerate() {
        let kp = KeyPair::from_cose_key(key)?;
        // The simulation signs each person's artifacts with one key: their
        // wallets are version-1 wallets holding that key (new controllers
        // would get keys of their own).
        let mut wallet = Wallet::with_legacy_key(*secret, Arc::new(kp));
        let mut batch = Vec::new();
        for (c, ck, p, pk) in &w.parties {
            if offers_seen[i].contains(c) {
                wallet
                    .trust_key(ck.clone(), Role::Controller, c)
                    .map_err(|e| CliError(e.to_string()))?;
                wallet
                    .trust_key(pk.clone(), Role::Partner, p)
                    .map_err(|e| CliError(e.to_string()))?;
                if let Some(o) = offers.get(c) {
                    batch.push(o.as_bytes().to_vec());
                }
            }
        }
        batch.append(&mut items[i]);
        wallet
            .receive_batch(&batch, w.end)
            .map_err(|e| CliError(e.to_string()))?;
        // The person's own artifacts, proven in the log under its latest checkpoint.
        let werr = |e: consentkit::wallet::WalletError| CliError(e.to_string());
        let log_pk = KeyPair::from_cose_key(&w.log_key)?.public_key();
        wallet
            .trust_key(log_pk, Role::Log, LOG_ORIGIN)
            .map_err(werr)?;
        wallet
            .add_checkpoint(tlog.checkpoint_note())
            .map_err(werr)?;
        let own: Vec<Artifact> = wallet
            .artifacts()
            .iter()
            .filter(|a| {
                matches!(
                    a.kind(),
                    ArtifactKind::Grant | ArtifactKind::Refusal | ArtifactKind::Withdrawal
                )
            })
            .cloned()
            .collect();
        for a in own {
            if let Some(i) = tlog.artifact_index(&a) {
                let proof = tlog
                    .inclusion_proof(i, tlog.size())
                    .map_err(|e| CliError(e.to_string()))?;
                wallet.add_inclusion_proof(a.id(), &proof).map_err(werr)?;
            }
        }
        out.push(wallet);
    }
    Ok(out)
}

fn expected_json(expected: &[(FindingKind, ArtifactId)]) -> serde_json::Value {
    serde_json::Value::Array(
        expected
            .iter()
            .map(|(k, id)| serde_json::json!({"kind": k.name(), "artifact": id.to_string()}))
            .collect(),
    )
}

/// What `consentkit export --controllers` needs about the demo's
/// controllers and their partners (names, contacts, addresses, policies,
/// storage locations, and the Kantara category of the city's own purpose),
/// as docs/EXPORTS.md describes. Fictitious, like everything in the demo.
pub fn controllers_json() -> serde_json::Value {
    let party = |id: &str, name: &str, street: &str, city: &str, country: &str| {
        serde_json::json!({
            "party": id,
            "name": name,
            "contact": "Data Protection Officer",
            "address": {"street_address": street, "locality": city, "country": country},
            "email": format!("privacy@{id}"),
            "phone": "+49 30 5550100",
            "url": format!("https://{id}/"),
        })
    };
    let controller = |id: &str, name: &str, partner: serde_json::Value| {
        let mut c = party(id, name, "1 Example Street", "Berlin", "DE");
        let extra = serde_json::json!({
            "policy_url": format!("https://{id}/privacy"),
            "withdrawal_url": format!("https://{id}/consents"),
            "rights_url": format!("https://{id}/rights"),
            "storage_locations": ["DE"],
            "recipients": [partner],
            "kantara_purposes": {"https://city.example/purpose#UrbanPlanning": 11},
        });
        if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
            c.extend(extra.clone());
        }
        c
    };
    serde_json::json!({
        "controllers": [
            controller("traffic.example", "Traffic Example GmbH",
                party("city.example", "City of Example", "2 Town Hall Square", "Example City", "DE")),
            controller("music.example", "Music Example AB",
                party("labels.example", "Labels Example Ltd", "3 Record Lane", "Dublin", "IE")),
            controller("experts.example", "Experts Example BV",
                party("verify.example", "Verify Example SAS", "4 Rue Exemple", "Paris", "FR")),
        ]
    })
}

fn write_all(dir: &Path, w: &World) -> Result<(), CliError> {
    std::fs::create_dir_all(dir.join("keys/controllers"))
        .map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
    for sub in ["keys/partners", "keys/people", "keys"] {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
    }
    write(
        &dir.join("bundle.cbors"),
        &to_sequence(w.artifacts.iter().map(|(_, a)| a)),
    )?;
    write(&dir.join("trust.cbor"), &w.trust.to_cose_key_set())?;
    crate::export::write_json(&dir.join("controllers.json"), &controllers_json())?;
    // Private keys and wallet secrets: created 0600 on Unix (never wider, then narrowed).
    for (name, bytes) in &w.keys {
        let path = dir.join("keys").join(name);
        let _ = std::fs::remove_file(&path);
        consentkit::wallet::store::write_secret_file(&path, bytes)
            .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    }
    write(
        &dir.join("expected-findings.json"),
        serde_json::to_string_pretty(&expected_json(&w.expected))?.as_bytes(),
    )?;
    let wdir = dir.join("wallets");
    let _ = std::fs::remove_dir_all(&wdir);
    std::fs::create_dir_all(&wdir).map_err(|e| CliError(format!("{}: {e}", wdir.display())))?;
    let sdir = dir.join("status");
    std::fs::create_dir_all(&sdir).map_err(|e| CliError(format!("{}: {e}", sdir.display())))?;
    for (controller, token) in &w.status_lists {
        write(&sdir.join(format!("{controller}.cwt")), token)?;
    }
    let tlog = write_log(dir, w)?;
    let rdir = dir.join("receipts");
    let _ = std::fs::remove_dir_all(&rdir);
    std::fs::create_dir_all(&rdir).map_err(|e| CliError(format!("{}: {e}", rdir.display())))?;
    let log_key = KeyPair::from_cose_key(&w.log_key)?;
    write(
        &rdir.join("log-key.cose"),
        &log_key.public_key().to_cose_key(),
    )?;
    for (i, mut wallet) in wallets(w, &tlog)?.into_iter().enumerate() {
        export_receipt(&rdir, i, &wallet, &tlog, &log_key)?;
        let path = wdir.join(format!("person-{i:04}.ckw"));
        wallet
            .save_as(&path)
            .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// One exported proof per wallet: the person's first own decision (grant,
/// refusal or withdrawal) in the log,
/// as an RFC 9942 COSE Receipt (signed with the log key) and as a C2SP
/// tlog-proof, beside the artifact's bytes.
fn export_receipt(
    rdir: &Path,
    i: usize,
    wallet: &Wallet,
    tlog: &TileLog,
    log_key: &KeyPair,
) -> Result<(), CliError> {
    let Some((a, index)) = wallet
        .artifacts()
        .iter()
        .filter(|a| {
            matches!(
                a.kind(),
                ArtifactKind::Grant | ArtifactKind::Refusal | ArtifactKind::Withdrawal
            )
        })
        .find_map(|a| tlog.artifact_index(a).map(|n| (a, n)))
    else {
        return Ok(());
    };
    let proof = tlog.inclusion_proof(index, tlog.size())?;
    let root = tlog.root_at(proof.tree_size)?;
    let receipt = consentkit::log::receipt::cose_receipt(
        a.as_bytes(),
        &proof,
        &root,
        log_key,
        Some(tlog.verifier().public_key()),
    )?;
    let name = format!("person-{i:04}");
    write(&rdir.join(format!("{name}.artifact")), a.as_bytes())?;
    write(&rdir.join(format!("{name}.cose")), &receipt)?;
    write(
        &rdir.join(format!("{name}.tlog-proof")),
        consentkit::log::receipt::tlog_proof(&proof, None)?.as_bytes(),
    )?;
    Ok(())
}

/// `consentkit demo`.
pub fn run(args: &DemoArgs) -> Result<ExitCode, CliError> {
    let t0 = std::time::Instant::now();
    let world = simulate(args)?;
    write_all(&args.out, &world)?;
    let bundle = to_sequence(world.artifacts.iter().map(|(_, a)| a));
    let log = LogView::open(&args.out.join("log"), &world.trust, &[], true)
        .map_err(|e| CliError(e.to_string()))?;
    let status_lists: Vec<Vec<u8>> = world.status_lists.iter().map(|(_, t)| t.clone()).collect();
    let report = audit_source_with_status(
        || Ok::<_, std::io::Error>(bundle.as_slice()),
        &world.trust,
        &AuditOptions {
            at: Some(world.end),
        },
        Some(&log),
        &status_lists,
        None,
    )
    .map_err(|e| CliError(e.to_string()))?;
    write(
        &args.out.join("report.html"),
        render_html(&report).as_bytes(),
    )?;
    write(
        &args.out.join("report.json"),
        serde_json::to_string_pretty(&report.to_json())?.as_bytes(),
    )?;
    println!(
        "Simulated {} people over {} days (seed {}): {} artifacts written to {}",
        args.people,
        args.days,
        args.seed,
        world.artifacts.len(),
        args.out.display()
    );
    println!("  bundle.cbors, trust.cbor, controllers.json (for consentkit export), keys/, log/ (transparency log, C2SP tiles, each checkpoint cosigned by the demo's witness), witness/ and witness-policy.txt (C2SP tlog-policy), status/ (one Status List Token per controller), receipts/ (one COSE receipt and tlog-proof per wallet), wallets/ (one per person), expected-findings.json ({} injected), report.html, report.json", world.expected.len());
    println!();
    print!("{}", render_text(&report));
    let found: BTreeSet<(FindingKind, Option<ArtifactId>)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.artifact))
        .collect();
    let expected: BTreeSet<(FindingKind, Option<ArtifactId>)> = world
        .expected
        .iter()
        .map(|(k, id)| (*k, Some(*id)))
        .collect();
    println!();
    if found == expected {
        println!(
            "audit check: the audit found exactly the {} injected violation(s) ({:.1?})",
            expected.len(),
            t0.elapsed()
        );
        println!(
            "reproduce: consentkit audit {} --trust {} --log {} --at {}",
            args.out.join("bundle.cbors").display(),
            args.out.join("trust.cbor").display(),
            args.out.join("log").display(),
            world.end
        );
        Ok(ExitCode::SUCCESS)
    } else {
        let missing: Vec<_> = expected.difference(&found).collect();
        let extra: Vec<_> = found.difference(&expected).collect();
        println!("audit check FAILED: missing {missing:?}, unexpected {extra:?}");
        Ok(ExitCode::from(1))
    }
}
