use serde_json::Value;

use super::bundle::*;
use super::*;
use crate::artifact::{term, CollectionMethod, DataReceipt, Grant, Offer};
use crate::keys::Signer;
use crate::privacy::pseudonym;
use crate::sample::{self, Parties, CONTROLLER as PARTY, PARTNER, T0};

const DAY: u64 = 86_400;

fn parties() -> Parties {
    Parties::new().unwrap()
}

fn info() -> ControllerInfo {
    ControllerInfo {
        party: PARTY.into(),
        name: "Traffic Example GmbH".into(),
        on_behalf: false,
        contact: "Data Protection Officer".into(),
        address: PostalAddress {
            street_address: "1 Example Street".into(),
            locality: Some("Berlin".into()),
            region: None,
            postal_code: Some("10115".into()),
            country: "DE".into(),
        },
        email: "privacy@traffic.example".into(),
        phone: "+49 30 000000".into(),
        url: Some("https://traffic.example/".into()),
        policy_url: Some("https://traffic.example/privacy".into()),
        withdrawal_url: Some("https://traffic.example/consents".into()),
        rights_url: None,
        storage_locations: vec!["DE".into()],
        recipients: vec![city()],
        primary_purposes: Vec::new(),
        sensitive_categories: Vec::new(),
        kantara_purposes: vec![(t(URBAN), 11)],
        kantara_pii_categories: Vec::new(),
        imported_consent_type: None,
    }
}

const URBAN: &str = "https://city.example/purpose#UrbanPlanning";

fn city() -> PartyInfo {
    PartyInfo {
        party: PARTNER.into(),
        name: "City of Example".into(),
        contact: "Mobility Department".into(),
        address: PostalAddress {
            street_address: "2 Town Hall Square".into(),
            locality: Some("Example City".into()),
            region: None,
            postal_code: None,
            country: "DE".into(),
        },
        email: "mobility@city.example".into(),
        phone: "+49 30 111111".into(),
        url: None,
    }
}

struct Fixture {
    p: Parties,
    offer: Artifact,
    grant: Artifact,
}

fn fixture() -> Fixture {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    Fixture { p, offer, grant }
}

fn t(s: &str) -> Term {
    term(s).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
    v.sort_unstable();
    v
}

fn pseudonym_hex(p: &Parties) -> String {
    hex::encode(pseudonym(&p.wallet_secret, PARTY))
}

// ---------------------------------------------------------------- time

#[test]
fn utc_datetime_known_values() {
    for (secs, want) in [
        (0, "1970-01-01T00:00:00Z"),
        (86_399, "1970-01-01T23:59:59Z"),
        (1_793_491_200, "2026-11-01T00:00:00Z"),
        (1_709_164_800, "2024-02-29T00:00:00Z"), // leap day
        (951_782_400, "2000-02-29T00:00:00Z"),   // leap day of a /400 year
        (4_107_542_399, "2100-02-28T23:59:59Z"), // 2100 is not a leap year…
        (4_107_542_400, "2100-03-01T00:00:00Z"), // …so March follows Feb 28
        (2_147_483_648, "2038-01-19T03:14:08Z"), // past i32 seconds
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ] {
        assert_eq!(utc_datetime(secs.into()), want, "{secs}");
    }
}

#[test]
fn utc_datetime_agrees_with_a_day_by_day_calendar() {
    // Walk every day from 1970 to 2400 with the plain Gregorian rules.
    let leap = |y: u64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let (mut y, mut m, mut d) = (1970u64, 1u64, 1u64);
    let mut day = 0u64;
    while y < 2400 {
        assert_eq!(
            utc_datetime((day * DAY + 12 * 3_600).into()),
            format!("{y:04}-{m:02}-{d:02}T12:00:00Z")
        );
        let len = match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        d += 1;
        if d > len {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        day += 1;
    }
}

#[test]
fn utc_datetime_never_overflows() {
    let s = utc_datetime(u64::MAX.into());
    assert!(s.ends_with("T07:00:15Z"), "{s}"); // u64::MAX % 86400 = 25215
    assert!(s.len() > "9999-12-31T00:00:00Z".len());
}

#[test]
fn iso_durations() {
    assert_eq!(iso_duration(0), "PT0S");
    assert_eq!(iso_duration(30 * DAY), "P30D");
    assert_eq!(iso_duration(3_600), "PT1H");
    assert_eq!(iso_duration(DAY + 3_600 + 60 + 1), "P1DT1H1M1S");
    assert_eq!(iso_duration(DAY + 30), "P1DT30S");
}

#[test]
fn labels_and_jurisdictions() {
    assert_eq!(label(&t("dpv:ServiceProvision")), "Service Provision");
    assert_eq!(
        label(&t("https://city.example/purpose#UrbanPlanning")),
        "Urban Planning"
    );
    assert_eq!(label(&t("pd:Location")), "Location");
    assert_eq!(jurisdiction("EU"), serde_json::json!({"@id": "loc:EU"}));
    assert_eq!(
        jurisdiction("US-CA"),
        serde_json::json!({"@id": "loc:US-CA"})
    );
    assert_eq!(jurisdiction("eu"), Value::from("eu"));
    assert_eq!(
        jurisdiction("European Union"),
        Value::from("European Union")
    );
    assert_eq!(jurisdiction("US-CALIF"), Value::from("US-CALIF"));
}

// ------------------------------------------------------------- Kantara

#[test]
fn kantara_receipt_of_the_sample() {
    let f = fixture();
    let r = kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap();

    // Exactly the Kantara CR 1.1 top-level fields (publicKey left out).
    assert_eq!(
        keys(&r),
        sorted(vec![
            "version",
            "jurisdiction",
            "consentTimestamp",
            "collectionMethod",
            "consentReceiptID",
            "language",
            "piiPrincipalId",
            "piiControllers",
            "policyUrl",
            "services",
            "sensitive",
            "spiCat",
            "consentStatus",
        ])
    );
    assert_eq!(r["consentStatus"], "given");
    assert_eq!(r["version"], "KI-CR-v1.1.0");
    assert_eq!(r["jurisdiction"], "EU");
    assert_eq!(r["consentTimestamp"], (T0 + 3_600).secs());
    assert!(r["consentTimestamp"].is_u64());
    assert_eq!(
        r["collectionMethod"],
        "control in an app's interface; signed with the person's key"
    );
    assert_eq!(r["consentReceiptID"], f.grant.id().to_string());
    assert_eq!(r["language"], "en");
    assert_eq!(r["piiPrincipalId"], pseudonym_hex(&f.p));
    // Issue 11: the privacy policy, never the notice URL.
    assert_eq!(r["policyUrl"], "https://traffic.example/privacy");
    assert_eq!(r["sensitive"], false);
    assert_eq!(r["spiCat"], serde_json::json!([]));

    let c = &r["piiControllers"][0];
    assert_eq!(r["piiControllers"].as_array().unwrap().len(), 1);
    assert_eq!(
        keys(c),
        sorted(vec![
            "piiController",
            "onBehalf",
            "contact",
            "address",
            "email",
            "phone",
            "piiControllerUrl",
        ])
    );
    assert_eq!(c["piiController"], "Traffic Example GmbH");
    assert_eq!(c["onBehalf"], false);
    assert_eq!(c["contact"], "Data Protection Officer");
    assert_eq!(
        c["address"],
        serde_json::json!({
            "streetAddress": "1 Example Street",
            "addressLocality": "Berlin",
            "postalCode": "10115",
            "addressCountry": "DE",
        })
    );
    assert_eq!(c["email"], "privacy@traffic.example");
    assert_eq!(c["phone"], "+49 30 000000");
    assert_eq!(c["piiControllerUrl"], "https://traffic.example/");

    let services = r["services"].as_array().unwrap();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0]["service"], "live-routing-2026");
    let purposes = services[0]["purposes"].as_array().unwrap();
    assert_eq!(purposes.len(), 2);
    // Issue 11: the specification's numbered categories; the DPV IRIs in
    // purposeDpv / piiCategoryDpv.
    let by_category = |cat: &str| {
        purposes
            .iter()
            .find(|p| p["purposeCategory"] == serde_json::json!([cat]))
            .unwrap_or_else(|| panic!("no purpose {cat}"))
    };
    let own = by_category("1 - Core Function");
    let city = by_category("11 - 3rd Party Sharing for ...");
    assert_eq!(own["purposeDpv"], "https://w3id.org/dpv#ServiceProvision");
    assert_eq!(city["purposeDpv"], URBAN);
    for p in [own, city] {
        assert_eq!(p["consentType"], "EXPLICIT");
        assert_eq!(p["piiCategory"], serde_json::json!(["15 - Behavioural"]));
        assert_eq!(
            p["piiCategoryDpv"],
            serde_json::json!(["https://w3id.org/dpv/pd#Location"])
        );
        assert_eq!(
            p["termination"],
            format!(
                "expires at 2027-04-30T00:00:00Z; can be withdrawn at any time by a signed \
                 withdrawal of grant {}; data kept at most P30D",
                f.grant.id()
            )
        );
        // primaryPurpose is optional and consentkit has no source for it.
        assert!(p.get("primaryPurpose").is_none());
    }
    assert_eq!(own["purpose"], "Service Provision");
    assert_eq!(own["thirdPartyDisclosure"], false);
    assert!(own.get("thirdPartyName").is_none());
    assert_eq!(city["purpose"], "Urban Planning");
    assert_eq!(city["thirdPartyDisclosure"], true);
    // Issue 11: a name, not a party id.
    assert_eq!(city["thirdPartyName"], "City of Example");
}

#[test]
fn kantara_primary_and_sensitive_come_from_the_caller() {
    let f = fixture();
    let mut i = info();
    i.primary_purposes = vec![t("dpv:ServiceProvision")];
    i.sensitive_categories = vec![t("pd:Location")];
    i.policy_url = Some("https://traffic.example/privacy".into());
    let r = kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap();
    let purposes = r["services"][0]["purposes"].as_array().unwrap();
    for p in purposes {
        let primary = p["purpose"] == "Service Provision";
        assert_eq!(p["primaryPurpose"], primary);
    }
    assert_eq!(r["sensitive"], true);
    assert_eq!(r["spiCat"], serde_json::json!(["15 - Behavioural"]));
    assert_eq!(r["policyUrl"], "https://traffic.example/privacy");
}

#[test]
fn kantara_health_is_always_sensitive() {
    let p = parties();
    let mut o = sample::offer().unwrap();
    o.categories.push(t("pd:Health"));
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let r = kantara_receipt(&offer, &grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(r["sensitive"], true);
    assert_eq!(r["spiCat"], serde_json::json!(["6 - Health"]));
}

#[test]
fn kantara_no_recipients_means_no_disclosure() {
    let f = fixture();
    let mut g = sample::grant_body(&f.p, &f.offer);
    g.recipients.clear();
    let grant = g.sign_both(&f.offer, &f.p.person, &f.p.controller).unwrap();
    let r = kantara_receipt(&f.offer, &grant, ExportStatus::Given, &info()).unwrap();
    for p in r["services"][0]["purposes"].as_array().unwrap() {
        assert_eq!(p["thirdPartyDisclosure"], false);
        assert!(p.get("thirdPartyName").is_none());
    }
    let rec = iso27560_record(&f.offer, &grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(rec["dpv:hasProcess"].as_array().unwrap().len(), 1);
    assert_eq!(rec["dpv:hasEntity"].as_array().unwrap().len(), 1);
}

fn imported_grant(p: &Parties, offer: &Artifact) -> Artifact {
    let mut g = sample::grant_body(p, offer);
    g.imported = true;
    g.method = CollectionMethod::Imported;
    g.subject_key = None;
    g.sign_imported(&p.controller).unwrap()
}

#[test]
fn imported_grants_need_a_declared_consent_type() {
    let f = fixture();
    let grant = imported_grant(&f.p, &f.offer);
    assert_eq!(
        kantara_receipt(&f.offer, &grant, ExportStatus::Given, &info()),
        Err(ExportError::MissingControllerInfo {
            party: PARTY.into(),
            field: "imported_consent_type"
        })
    );
    let mut i = info();
    i.imported_consent_type = Some("EXPLICIT".into());
    let r = kantara_receipt(&f.offer, &grant, ExportStatus::Given, &i).unwrap();
    assert_eq!(r["services"][0]["purposes"][0]["consentType"], "EXPLICIT");
    assert_eq!(
        r["collectionMethod"],
        "imported from another consent system; not signed by the person"
    );

    // The record does not claim an explicit act it cannot show.
    let rec = iso27560_record(&f.offer, &grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(
        rec["dpv:hasConsentStatus"][0]["@type"],
        serde_json::json!(["dpv:ConsentGiven"])
    );
}

// ---------------------------------------------------------- ISO 27560

#[test]
fn iso27560_record_of_the_sample() {
    let f = fixture();
    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap();

    assert_eq!(r["@context"]["dpv"], "https://w3id.org/dpv#");
    assert_eq!(r["@context"]["pd"], "https://w3id.org/dpv/pd#");
    assert_eq!(r["@type"], "dpv:ConsentRecord");
    // Issue 11: dct:conformsTo and the record itself are IRIs.
    assert_eq!(
        r["dct:conformsTo"],
        serde_json::json!({"@id": DPV_27560_RECORD})
    );
    assert_eq!(r["@id"], artifact_iri(f.grant.id()));
    assert_eq!(
        r["@context"]["eu-gdpr"],
        "https://w3id.org/dpv/legal/eu/gdpr#"
    );
    assert_eq!(r["dct:identifier"], f.grant.id().to_string());
    assert!(r.get("dct:replaces").is_none());
    assert_eq!(
        r["dpv:hasDataSubject"],
        serde_json::json!({
            "@id": "_:subject",
            "@type": "dpv:DataSubject",
            "dct:identifier": pseudonym_hex(&f.p),
        })
    );
    assert_eq!(
        r["dpv:hasDataController"],
        serde_json::json!({"@id": "_:controller"})
    );
    assert_eq!(
        r["dpv:hasJurisdiction"],
        serde_json::json!({"@id": "loc:EU"})
    );
    assert_eq!(
        r["dpv:hasLegalBasis"],
        serde_json::json!({"@id": "dpv:Consent"})
    );
    let offer = Offer::from_artifact(&f.offer).unwrap();
    assert_eq!(
        r["dpv:hasNotice"],
        serde_json::json!({
            "@id": "https://traffic.example/notice/v3",
            "@type": "dpv:ConsentNotice",
            "dct:identifier": format!("nih:sha-256;{}", hex::encode(offer.notice.sha256)),
            "dct:language": "en",
        })
    );

    // The controller's own processing, then one per recipient.
    let processes = r["dpv:hasProcess"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    // Issue 11: the storage location as well as the duration.
    let storage = serde_json::json!([
        {"@type": "dpv:StorageLocation", "dpv:hasLocation": [{"@id": "loc:DE"}]},
        {
            "@type": "dpv:StorageDuration",
            "dpv:hasDuration": {
                "@type": "dpv:TemporalDuration",
                "rdf:value": {"@value": "P30D", "@type": "xsd:duration"},
            },
        },
    ]);
    assert_eq!(processes[0]["@type"], "dpv:Process");
    assert_eq!(
        processes[0]["dpv:hasPurpose"],
        serde_json::json!([
            {"@id": "dpv:ServiceProvision"},
            {"@id": "https://city.example/purpose#UrbanPlanning"},
        ])
    );
    assert_eq!(
        processes[0]["dpv:hasPersonalData"],
        serde_json::json!([{"@id": "pd:Location"}])
    );
    assert_eq!(
        processes[0]["dpv:hasRecipient"],
        serde_json::json!({"@id": "_:controller"})
    );
    assert_eq!(
        processes[0]["dpv:hasDataController"],
        serde_json::json!({"@id": "_:controller"})
    );
    assert_eq!(processes[0]["dpv:hasStorageCondition"], storage);
    assert_eq!(
        processes[0]["dpv:hasService"]["dct:title"],
        "live-routing-2026"
    );
    assert_eq!(
        processes[1]["dpv:hasPurpose"],
        serde_json::json!([{"@id": "https://city.example/purpose#UrbanPlanning"}])
    );
    assert_eq!(
        processes[1]["dpv:hasRecipient"],
        serde_json::json!({"@id": "_:recipient-1"})
    );
    assert_eq!(processes[1]["dpv:hasStorageCondition"], storage);

    let entities = r["dpv:hasEntity"].as_array().unwrap();
    assert_eq!(entities.len(), 2);
    assert_eq!(entities[0]["@id"], "_:controller");
    assert_eq!(
        entities[0]["@type"],
        serde_json::json!(["dpv:LegalEntity", "dpv:DataController"])
    );
    assert_eq!(entities[0]["dpv:hasIdentifier"], PARTY);
    assert_eq!(entities[0]["dpv:hasName"], "Traffic Example GmbH");
    assert_eq!(
        entities[0]["schema:address"]["schema:streetAddress"],
        "1 Example Street"
    );
    assert_eq!(entities[0]["schema:address"]["schema:addressCountry"], "DE");
    assert_eq!(
        entities[0]["schema:contactPoint"]["schema:email"],
        "privacy@traffic.example"
    );
    assert_eq!(
        entities[0]["schema:contactPoint"]["schema:telephone"],
        "+49 30 000000"
    );
    // Issue 11: the third party with name, contact and address (§8.4).
    assert_eq!(
        entities[1],
        serde_json::json!({
            "@id": "_:recipient-1",
            "@type": ["dpv:LegalEntity", "dpv:Recipient", "dpv:ThirdParty"],
            "dpv:hasIdentifier": PARTNER,
            "dpv:hasName": "City of Example",
            "schema:address": {
                "@type": "schema:PostalAddress",
                "schema:streetAddress": "2 Town Hall Square",
                "schema:addressLocality": "Example City",
                "schema:addressCountry": "DE",
            },
            "schema:contactPoint": {
                "@type": "schema:ContactPoint",
                "schema:name": "Mobility Department",
                "schema:email": "mobility@city.example",
                "schema:telephone": "+49 30 111111",
            },
        })
    );

    assert_eq!(
        r["dpv:hasConsentControl"],
        serde_json::json!({
            "@type": ["dpv:WithdrawConsent"],
            "dct:description": format!(
                "sign a consentkit withdrawal of grant {} with the key that signed the grant",
                f.grant.id()
            ),
            "dpv:isExercisedAt": {"@id": "https://traffic.example/consents"},
        })
    );

    assert_eq!(
        r["dpv:hasConsentStatus"],
        serde_json::json!([{
            "@type": ["dpv:ConsentGiven", "dpv:ExplicitlyExpressedConsent"],
            "dpv:isIndicatedAtTime": {"@value": "2026-11-01T01:00:00Z", "@type": "xsd:dateTime"},
            "dpv:isIndicatedBy": {"@id": "_:subject"},
            "dpv:hasIndicationMethod": "control in an app's interface; signed with the person's key",
            "dpv:hasDuration": {
                "@type": "dpv:UntilTimeDuration",
                "rdf:value": {"@value": "2027-04-30T00:00:00Z", "@type": "xsd:dateTime"},
            },
        }])
    );
}

fn last_event(r: &Value) -> &Value {
    r["dpv:hasConsentStatus"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
}

#[test]
fn iso27560_statuses_add_one_event() {
    let f = fixture();
    let i = info();
    let at = T0 + 10 * DAY;

    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Withdrawn { at }, &i).unwrap();
    assert_eq!(r["dpv:hasConsentStatus"].as_array().unwrap().len(), 2);
    assert_eq!(
        last_event(&r),
        &serde_json::json!({
            "@type": ["dpv:ConsentWithdrawn"],
            "dpv:isIndicatedAtTime": {"@value": "2026-11-11T00:00:00Z", "@type": "xsd:dateTime"},
            "dpv:isIndicatedBy": {"@id": "_:subject"},
            "dpv:hasIndicationMethod": "withdrawal (or refusal of the same offer) signed by the person",
            "dpv:hasDuration": {"@type": "dpv:EndlessDuration"},
        })
    );

    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Revoked { at }, &i).unwrap();
    assert_eq!(
        last_event(&r)["@type"],
        serde_json::json!(["dpv:ConsentRevoked"])
    );
    assert_eq!(
        last_event(&r)["dpv:isIndicatedBy"],
        serde_json::json!({"@id": "_:controller"})
    );

    let r = iso27560_record(
        &f.offer,
        &f.grant,
        ExportStatus::Expired {
            at: Grant::from_artifact(&f.grant).unwrap().expires_at.unwrap(),
        },
        &i,
    )
    .unwrap();
    assert_eq!(
        last_event(&r)["@type"],
        serde_json::json!(["dpv:ConsentExpired"])
    );
    assert_eq!(
        last_event(&r)["dpv:isIndicatedAtTime"]["@value"],
        "2027-04-30T00:00:00Z"
    );
    // Issue 11: the expiry event names who set it: the person signed the
    // grant's expiry; the offer's use-by date is the controller's.
    assert_eq!(
        last_event(&r)["dpv:isIndicatedBy"],
        serde_json::json!({"@id": "_:subject"})
    );
    assert_eq!(
        last_event(&r)["dpv:hasDuration"],
        serde_json::json!({"@type": "dpv:EndlessDuration"})
    );
    let r = iso27560_record(
        &f.offer,
        &f.grant,
        ExportStatus::Expired { at: T0 + 20 * DAY },
        &i,
    )
    .unwrap();
    assert_eq!(
        last_event(&r)["dpv:isIndicatedBy"],
        serde_json::json!({"@id": "_:controller"})
    );
}

#[test]
fn iso27560_refusal() {
    let f = fixture();
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    let r = iso27560_record(&f.offer, &refusal, ExportStatus::Refused, &info()).unwrap();
    assert_eq!(r["dct:identifier"], refusal.id().to_string());
    assert_eq!(
        r["dpv:hasDataSubject"]["dct:identifier"],
        pseudonym_hex(&f.p)
    );
    assert_eq!(
        r["dpv:hasConsentStatus"],
        serde_json::json!([{
            "@type": ["dpv:ConsentRefused"],
            "dpv:isIndicatedAtTime": {"@value": "2026-11-01T01:00:00Z", "@type": "xsd:dateTime"},
            "dpv:isIndicatedBy": {"@id": "_:subject"},
            "dpv:hasIndicationMethod": "control in an app's interface; signed with the person's key",
            "dpv:hasDuration": {
                "@type": "dpv:UntilEventDuration",
                "rdf:value": "until the person accepts the offer with a new grant",
            },
        }])
    );
    // What was refused: the whole offer.
    assert_eq!(
        r["dpv:hasProcess"][0]["dpv:hasPurpose"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Issue 11: a refusal record has a consent control too: how to give consent.
    assert_eq!(
        r["dpv:hasConsentControl"]["@type"],
        serde_json::json!(["dpv:ProvideConsent"])
    );
    assert_eq!(
        r["dpv:hasConsentControl"]["dpv:isExercisedAt"],
        serde_json::json!({"@id": "https://traffic.example/consents"})
    );

    // Kantara receipts record consent given, not refused.
    assert!(matches!(
        kantara_receipt(&f.offer, &refusal, ExportStatus::Given, &info()),
        Err(ExportError::WrongKind {
            role: "decision",
            found: ArtifactKind::Refusal,
            ..
        })
    ));
}

#[test]
fn iso27560_supersedes_becomes_replaces() {
    let f = fixture();
    let mut g = sample::grant_body(&f.p, &f.offer);
    g.supersedes = Some(f.grant.id());
    g.issued_at += DAY;
    let renewed = g.sign_both(&f.offer, &f.p.person, &f.p.controller).unwrap();
    let r = iso27560_record(&f.offer, &renewed, ExportStatus::Given, &info()).unwrap();
    assert_eq!(
        r["dct:replaces"],
        serde_json::json!({"@id": artifact_iri(f.grant.id())})
    );
    // Issue 11: a renewal is RenewedConsentGiven, not ConsentGiven.
    assert_eq!(
        r["dpv:hasConsentStatus"][0]["@type"],
        serde_json::json!(["dpv:RenewedConsentGiven", "dpv:ExplicitlyExpressedConsent"])
    );
    // The replaced grant shows it was superseded, by which record.
    let old = iso27560_record(
        &f.offer,
        &f.grant,
        ExportStatus::Superseded {
            at: T0 + 3_600 + DAY,
            by: renewed.id(),
        },
        &info(),
    )
    .unwrap();
    assert_eq!(
        old["dct:isReplacedBy"],
        serde_json::json!({"@id": artifact_iri(renewed.id())})
    );
    assert_eq!(
        last_event(&old)["@type"],
        serde_json::json!(["dpv:RenewedConsentGiven"])
    );
    assert_eq!(
        last_event(&old)["dpv:isIndicatedAtTime"]["@value"],
        "2026-11-02T01:00:00Z"
    );
}

#[test]
fn iso27560_no_expiry_is_endless() {
    let f = fixture();
    let mut g = sample::grant_body(&f.p, &f.offer);
    g.expires_at = None;
    let grant = g.sign_both(&f.offer, &f.p.person, &f.p.controller).unwrap();
    let r = iso27560_record(&f.offer, &grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(
        r["dpv:hasConsentStatus"][0]["dpv:hasDuration"],
        serde_json::json!({"@type": "dpv:EndlessDuration"})
    );
    let k = kantara_receipt(&f.offer, &grant, ExportStatus::Given, &info()).unwrap();
    let term = k["services"][0]["purposes"][0]["termination"]
        .as_str()
        .unwrap();
    assert!(term.starts_with("no expiry; "), "{term}");
}

// ------------------------------------------------------------ failures

#[test]
fn a_grant_for_another_offer_is_refused() {
    let f = fixture();
    let mut o = sample::offer().unwrap();
    o.name = "other-offer".into();
    let other = o.sign(&f.p.controller).unwrap();
    let want = ExportError::OfferMismatch {
        decision: f.grant.label_str(),
        referenced: f.offer.id(),
        given: other.id(),
    };
    assert_eq!(
        kantara_receipt(&other, &f.grant, ExportStatus::Given, &info()),
        Err(want.clone())
    );
    assert_eq!(
        iso27560_record(&other, &f.grant, ExportStatus::Given, &info()),
        Err(want)
    );
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    assert!(matches!(
        iso27560_record(&other, &refusal, ExportStatus::Refused, &info()),
        Err(ExportError::OfferMismatch { .. })
    ));
    // The message names both.
    let msg = kantara_receipt(&other, &f.grant, ExportStatus::Given, &info())
        .unwrap_err()
        .to_string();
    assert!(msg.contains(&f.offer.id().to_string()), "{msg}");
    assert!(msg.contains(&other.id().to_string()), "{msg}");
}

#[test]
fn wrong_kinds_are_refused() {
    let f = fixture();
    let receipt: DataReceipt = sample::receipt(&f.grant).unwrap();
    let receipt = receipt.sign(&f.grant, &f.p.controller).unwrap();
    assert_eq!(
        kantara_receipt(&f.grant, &f.grant, ExportStatus::Given, &info()),
        Err(ExportError::WrongKind {
            role: "offer",
            expected: "an offer",
            found: ArtifactKind::Grant,
            id: f.grant.id(),
        })
    );
    assert_eq!(
        iso27560_record(&f.offer, &receipt, ExportStatus::Given, &info()),
        Err(ExportError::WrongKind {
            role: "decision",
            expected: "a grant or refusal",
            found: ArtifactKind::DataReceipt,
            id: receipt.id(),
        })
    );
    assert!(matches!(
        kantara_receipt(&f.offer, &f.offer, ExportStatus::Given, &info()),
        Err(ExportError::WrongKind {
            role: "decision",
            found: ArtifactKind::Offer,
            ..
        })
    ));
}

#[test]
fn a_grant_taking_more_than_offered_is_refused() {
    let f = fixture();
    let label_of = |a: &Artifact| a.label_str();
    for (field, edit) in [
        (
            "purpose",
            Box::new(|g: &mut Grant| g.purposes.push(t("dpv:Marketing")))
                as Box<dyn Fn(&mut Grant)>,
        ),
        (
            "category",
            Box::new(|g: &mut Grant| g.categories.push(t("pd:EmailAddress"))),
        ),
        (
            "recipient",
            Box::new(|g: &mut Grant| g.recipients.push("ads.example".into())),
        ),
    ] {
        let mut g = sample::grant_body(&f.p, &f.offer);
        edit(&mut g);
        let grant = g
            .sign_both_known_violation(
                &f.p.person,
                &f.p.controller,
                &crate::KnownViolation::new("a grant beyond its offer, for the export to refuse"),
            )
            .unwrap();
        let err = kantara_receipt(&f.offer, &grant, ExportStatus::Given, &info()).unwrap_err();
        match &err {
            ExportError::NotInOffer {
                decision,
                field: got,
                ..
            } => {
                assert_eq!(decision, &label_of(&grant));
                assert_eq!(*got, field);
            }
            other => panic!("{field}: {other:?}"),
        }
        assert_eq!(
            iso27560_record(&f.offer, &grant, ExportStatus::Given, &info()),
            Err(err)
        );
    }
}

#[test]
fn a_grant_to_another_controller_is_refused() {
    let f = fixture();
    let mut g = sample::grant_body(&f.p, &f.offer);
    g.controller = "other.example".into();
    let grant = g
        .sign_both_known_violation(
            &f.p.person,
            &f.p.controller,
            &crate::KnownViolation::new("a grant beyond its offer, for the export to refuse"),
        )
        .unwrap();
    assert_eq!(
        kantara_receipt(&f.offer, &grant, ExportStatus::Given, &info()),
        Err(ExportError::ControllerMismatch {
            decision: grant.label_str(),
            addressed: "other.example".into(),
            offerer: PARTY.into(),
        })
    );
}

#[test]
fn controller_info_must_be_complete_and_match() {
    let f = fixture();
    for (field, edit) in [
        (
            "name",
            Box::new(|i: &mut ControllerInfo| i.name.clear()) as Box<dyn Fn(&mut ControllerInfo)>,
        ),
        (
            "contact",
            Box::new(|i: &mut ControllerInfo| i.contact = "  ".into()),
        ),
        (
            "address.street_address",
            Box::new(|i: &mut ControllerInfo| i.address.street_address.clear()),
        ),
        (
            "address.country",
            Box::new(|i: &mut ControllerInfo| i.address.country.clear()),
        ),
        ("email", Box::new(|i: &mut ControllerInfo| i.email.clear())),
        ("phone", Box::new(|i: &mut ControllerInfo| i.phone.clear())),
    ] {
        let mut i = info();
        edit(&mut i);
        let want = Err(ExportError::MissingControllerInfo {
            party: if field == "party" {
                String::new()
            } else {
                PARTY.into()
            },
            field,
        });
        assert_eq!(
            kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
            want
        );
        assert_eq!(
            iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i),
            want
        );
    }
    assert_eq!(
        kantara_receipt(
            &f.offer,
            &f.grant,
            ExportStatus::Given,
            &ControllerInfo::default()
        ),
        Err(ExportError::MissingControllerInfo {
            party: String::new(),
            field: "party"
        })
    );
    let mut i = info();
    i.party = PARTNER.into();
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::ControllerInfoMismatch {
            info: PARTNER.into(),
            offerer: PARTY.into(),
        })
    );
}

#[test]
fn statuses_that_do_not_fit_are_refused() {
    let f = fixture();
    let i = info();
    let status_of = |r: Result<Value, ExportError>| match r {
        Err(ExportError::StatusMismatch { status, .. }) => status,
        other => panic!("{other:?}"),
    };
    // A withdrawal before the grant was given.
    assert_eq!(
        status_of(iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Withdrawn { at: T0 },
            &i
        )),
        "withdrawn"
    );
    assert_eq!(
        status_of(iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Revoked { at: 0.into() },
            &i
        )),
        "revoked"
    );
    // A grant is not a refusal.
    assert_eq!(
        status_of(iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Refused,
            &i
        )),
        "refused"
    );
    // Expired before the grant was given.
    assert_eq!(
        status_of(iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Expired { at: T0 },
            &i
        )),
        "expired"
    );
    // A refusal is only ever refused.
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    for s in [
        ExportStatus::Given,
        ExportStatus::Expired { at: T0 + DAY },
        ExportStatus::Withdrawn { at: T0 + DAY },
    ] {
        assert_eq!(
            status_of(iso27560_record(&f.offer, &refusal, s, &i)),
            s.name()
        );
    }
}

// ------------------------------------------------- round trip, privacy

#[test]
fn both_views_round_trip_through_json_text() {
    let f = fixture();
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    let views = [
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap(),
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap(),
        iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Withdrawn { at: T0 + DAY },
            &info(),
        )
        .unwrap(),
        iso27560_record(&f.offer, &refusal, ExportStatus::Refused, &info()).unwrap(),
    ];
    for v in views {
        for text in [
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap(),
        ] {
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
        }
    }
}

#[test]
fn deterministic() {
    let f = fixture();
    let g = fixture();
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &info()),
        kantara_receipt(&g.offer, &g.grant, ExportStatus::Given, &info())
    );
    assert_eq!(
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()),
        iso27560_record(&g.offer, &g.grant, ExportStatus::Given, &info())
    );
}

#[test]
fn pseudonym_appears_and_no_key_material_does() {
    let f = fixture();
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    let texts = [
        serde_json::to_string(
            &kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap(),
        )
        .unwrap(),
        serde_json::to_string(
            &iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap(),
        )
        .unwrap(),
        serde_json::to_string(
            &iso27560_record(&f.offer, &refusal, ExportStatus::Refused, &info()).unwrap(),
        )
        .unwrap(),
    ];
    let person = f.p.person.public_key();
    let controller = f.p.controller.public_key();
    let forbidden = [
        ("person's public key", hex::encode(person.raw())),
        ("person's key id", person.kid().to_string()),
        ("person's COSE key", hex::encode(person.to_cose_key())),
        ("controller's public key", hex::encode(controller.raw())),
        ("controller's key id", controller.kid().to_string()),
        ("wallet secret", hex::encode(f.p.wallet_secret)),
        (
            "grant signature",
            hex::encode(f.grant.signatures()[0].signature),
        ),
        ("grant bytes", hex::encode(f.grant.as_bytes())),
    ];
    for text in &texts {
        assert!(text.contains(&pseudonym_hex(&f.p)));
        for (what, needle) in &forbidden {
            assert!(!text.contains(needle.as_str()), "{what} leaked");
            // also not a short prefix of it (e.g. a "short" kid)
            assert!(!text.contains(&needle[..16]), "{what} (prefix) leaked");
        }
        assert!(!text.contains("publicKey"));
    }
}

#[test]
fn personal_data_is_named_by_category_never_by_value() {
    let f = fixture();
    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap();
    for process in r["dpv:hasProcess"].as_array().unwrap() {
        for pd in process["dpv:hasPersonalData"].as_array().unwrap() {
            assert_eq!(keys(pd), vec!["@id"], "{pd}");
        }
    }
}

#[test]
fn errors_display_what_and_where() {
    let f = fixture();
    let e = iso27560_record(&f.offer, &f.grant, ExportStatus::Refused, &info()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("grant {}: status refused:", f.grant.id())),
        "{msg}"
    );
    let e = ExportError::MissingControllerInfo {
        party: PARTY.into(),
        field: "email",
    };
    assert_eq!(
        e.to_string(),
        "controller info for traffic.example: email is required and empty"
    );
}

#[test]
fn status_terms() {
    assert_eq!(ExportStatus::Given.dpv_term(), "dpv:ConsentGiven");
    assert_eq!(
        ExportStatus::Withdrawn { at: 0.into() }.dpv_term(),
        "dpv:ConsentWithdrawn"
    );
    assert_eq!(
        ExportStatus::Revoked { at: 0.into() }.dpv_term(),
        "dpv:ConsentRevoked"
    );
    assert_eq!(
        ExportStatus::Expired { at: 0.into() }.dpv_term(),
        "dpv:ConsentExpired"
    );
    assert_eq!(
        ExportStatus::Superseded {
            at: 0.into(),
            by: ArtifactId([0; 16])
        }
        .dpv_term(),
        "dpv:RenewedConsentGiven"
    );
    assert_eq!(ExportStatus::Refused.dpv_term(), "dpv:ConsentRefused");
}

// ------------------------------------------------- issue 11: Kantara 1.1

#[test]
fn kantara_refuses_without_a_policy_url_rather_than_using_the_notice() {
    let f = fixture();
    let mut i = info();
    i.policy_url = None;
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::MissingControllerInfo {
            party: PARTY.into(),
            field: "policy_url"
        })
    );
    i.policy_url = Some("/privacy".into());
    assert!(matches!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::NotAnIri {
            field: "policy_url",
            ..
        })
    ));
}

#[test]
fn kantara_reports_the_status_at_export_time() {
    let f = fixture();
    let i = info();
    let given = kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap();
    assert_eq!(given["consentStatus"], "given");
    assert!(given.get("consentStatusSince").is_none());
    let at = T0 + 10 * DAY;
    for (status, name, says) in [
        (
            ExportStatus::Withdrawn { at },
            "withdrawn",
            "WITHDRAWN by the person at 2026-11-11T00:00:00Z; ",
        ),
        (
            ExportStatus::Revoked { at },
            "revoked",
            "REVOKED by the controller at 2026-11-11T00:00:00Z; ",
        ),
        (
            ExportStatus::Expired { at },
            "expired",
            "EXPIRED at 2026-11-11T00:00:00Z; ",
        ),
    ] {
        let r = kantara_receipt(&f.offer, &f.grant, status, &i).unwrap();
        assert_eq!(r["consentStatus"], name);
        assert_eq!(r["consentStatusSince"], at.secs());
        let term = r["services"][0]["purposes"][0]["termination"]
            .as_str()
            .unwrap();
        assert!(term.starts_with(says), "{term}");
        assert_ne!(r, given);
    }
    // A status before the grant does not fit.
    assert!(matches!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Withdrawn { at: T0 }, &i),
        Err(ExportError::StatusMismatch { .. })
    ));
}

#[test]
fn kantara_third_party_needs_its_name() {
    let f = fixture();
    let mut i = info();
    i.recipients.clear();
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::MissingRecipientInfo {
            decision: f.grant.label_str(),
            party: PARTNER.into(),
        })
    );
    let mut i = info();
    i.recipients[0].phone.clear();
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::MissingControllerInfo {
            party: PARTNER.into(),
            field: "phone"
        })
    );
}

#[test]
fn kantara_unmapped_purpose_is_refused_unless_the_caller_maps_it() {
    let f = fixture();
    let mut i = info();
    i.kantara_purposes.clear();
    assert_eq!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::NoKantaraCategory {
            field: "purpose",
            term: URBAN.into(),
            map: "kantara_purposes",
        })
    );
    // The caller can override the built-in table, with a real category only.
    let mut i = info();
    i.kantara_pii_categories = vec![(t("pd:Location"), 11)];
    let r = kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap();
    assert_eq!(
        r["services"][0]["purposes"][0]["piiCategory"],
        serde_json::json!(["11 - Property/Asset"])
    );
    i.kantara_pii_categories = vec![(t("pd:Location"), 17)];
    assert!(matches!(
        kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::BadKantaraCategory { number: 17, .. })
    ));
}

#[test]
fn kantara_tables_map_every_built_in_term_to_a_real_category() {
    use crate::vocab::BUILT_IN;
    for (n, name) in kantara::PURPOSE_CATEGORIES {
        assert_eq!(kantara::purpose_category(n), Some(format!("{n} - {name}")));
    }
    assert_eq!(kantara::purpose_category(0), None);
    assert_eq!(kantara::pii_category(17), None);
    for (term, n) in kantara::DPV_PURPOSES.iter().chain(&kantara::DPV_PII) {
        assert!(
            BUILT_IN.iter().any(|(_, b)| b == term),
            "{term} is not a built-in term"
        );
        assert!((1..=16).contains(n), "{term} -> {n}");
    }
    // Every built-in purpose but AcademicResearch, every built-in category.
    for (code, term) in BUILT_IN {
        let mapped = if term.starts_with("pd:") {
            kantara::DPV_PII.iter().any(|(t, _)| t == term)
        } else if *code < 32 {
            kantara::DPV_PURPOSES.iter().any(|(t, _)| t == term)
        } else {
            continue;
        };
        assert!(mapped || *term == "dpv:AcademicResearch", "{term} unmapped");
    }
}

/// docs/EXPORTS.md shows the same DPV -> Kantara tables as the code.
#[test]
fn kantara_mapping_tables_in_the_docs_match_the_code() {
    let doc = include_str!("../../../docs/EXPORTS.md");
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // | `dpv:X` | N - Name |
            if cells.len() >= 4 && cells[1].starts_with("`dpv:")
                || cells.len() >= 4 && cells[1].starts_with("`pd:")
            {
                Some((cells[1].trim_matches('`').to_owned(), cells[2].to_owned()))
            } else {
                None
            }
        })
        .collect();
    let mut want: Vec<(String, String)> = Vec::new();
    for (term, n) in kantara::DPV_PURPOSES {
        want.push((term.to_owned(), kantara::purpose_category(n).unwrap()));
    }
    for (term, n) in kantara::DPV_PII {
        want.push((term.to_owned(), kantara::pii_category(n).unwrap()));
    }
    let mut got = rows;
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

// ------------------------------------------------ issue 11: ISO 27560

#[test]
fn iso27560_has_rights_with_where_to_exercise_them() {
    let f = fixture();
    let mut i = info();
    i.rights_url = Some("https://traffic.example/rights".into());
    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap();
    assert_eq!(
        r["dpv:hasRight"],
        serde_json::json!([{
            "@type": ["dpv:DataSubjectRight", "eu-gdpr:A7-3"],
            "dct:title": "Right to withdraw consent",
            "dct:description": "consent can be withdrawn at any time, for the future; contact Data Protection Officer (privacy@traffic.example)",
            "dpv:isExercisedAt": {"@id": "https://traffic.example/rights"},
        }])
    );
    // Without a rights URL, the consent management URL.
    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(
        r["dpv:hasRight"][0]["dpv:isExercisedAt"],
        serde_json::json!({"@id": "https://traffic.example/consents"})
    );
}

#[test]
fn iso27560_needs_storage_locations_that_are_places() {
    let f = fixture();
    let mut i = info();
    i.storage_locations.clear();
    assert_eq!(
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::MissingControllerInfo {
            party: PARTY.into(),
            field: "storage_locations"
        })
    );
    i.storage_locations = vec!["DE".into(), "Frankfurt".into()];
    assert_eq!(
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::BadLocation {
            party: PARTY.into(),
            value: "Frankfurt".into()
        })
    );
    i.storage_locations = vec!["DE".into(), "EU".into()];
    let r = iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap();
    assert_eq!(
        r["dpv:hasProcess"][0]["dpv:hasStorageCondition"][0]["dpv:hasLocation"],
        serde_json::json!([{"@id": "loc:DE"}, {"@id": "loc:EU"}])
    );
}

#[test]
fn iso27560_every_event_has_time_duration_entity_and_method() {
    let f = fixture();
    let i = info();
    let refusal = sample::signed_refusal(&f.p, &f.offer).unwrap();
    let at = T0 + 10 * DAY;
    let records = [
        iso27560_record(&f.offer, &refusal, ExportStatus::Refused, &i).unwrap(),
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i).unwrap(),
        iso27560_record(&f.offer, &f.grant, ExportStatus::Withdrawn { at }, &i).unwrap(),
        iso27560_record(&f.offer, &f.grant, ExportStatus::Revoked { at }, &i).unwrap(),
        iso27560_record(&f.offer, &f.grant, ExportStatus::Expired { at }, &i).unwrap(),
        iso27560_record(
            &f.offer,
            &f.grant,
            ExportStatus::Superseded {
                at,
                by: refusal.id(),
            },
            &i,
        )
        .unwrap(),
    ];
    for r in &records {
        for e in r["dpv:hasConsentStatus"].as_array().unwrap() {
            for k in [
                "@type",
                "dpv:isIndicatedAtTime",
                "dpv:hasDuration",
                "dpv:isIndicatedBy",
                "dpv:hasIndicationMethod",
            ] {
                assert!(e.get(k).is_some(), "{k} missing in {e}");
            }
        }
        for k in [
            "dct:conformsTo",
            "dct:identifier",
            "dpv:hasDataSubject",
            "dpv:hasNotice",
            "dpv:hasProcess",
            "dpv:hasDataController",
            "dpv:hasJurisdiction",
            "dpv:hasConsentControl",
            "dpv:hasRight",
            "dpv:hasEntity",
            "dpv:hasConsentStatus",
        ] {
            assert!(r.get(k).is_some(), "{k} missing");
        }
    }
}

#[test]
fn iso27560_terms_are_written_so_json_ld_expands_them_to_their_own_iri() {
    let p = parties();
    // A CURIE with a prefix the context defines is kept; eu-gdpr is defined.
    let mut o = sample::offer().unwrap();
    o.legal_basis = t("eu-gdpr:A6-1-a");
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    let r = iso27560_record(&offer, &grant, ExportStatus::Given, &info()).unwrap();
    assert_eq!(
        r["dpv:hasLegalBasis"],
        serde_json::json!({"@id": "eu-gdpr:A6-1-a"})
    );
    // A CURIE with any other prefix would expand to an IRI of scheme "ex":
    // refused.
    let mut o = sample::offer().unwrap();
    o.legal_basis = t("ex:Consent");
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    assert_eq!(
        iso27560_record(&offer, &grant, ExportStatus::Given, &info()),
        Err(ExportError::UnexpandableTerm {
            term: "ex:Consent".into()
        })
    );
}

#[test]
fn iso27560_urls_must_be_absolute() {
    let f = fixture();
    let mut i = info();
    i.withdrawal_url = Some("consents".into());
    assert_eq!(
        iso27560_record(&f.offer, &f.grant, ExportStatus::Given, &i),
        Err(ExportError::NotAnIri {
            field: "withdrawal_url",
            value: "consents".into()
        })
    );
    let p = parties();
    let mut o = sample::offer().unwrap();
    o.notice.url = "notice/v3".into();
    let offer = o.sign(&p.controller).unwrap();
    let grant = sample::signed_grant(&p, &offer).unwrap();
    assert!(matches!(
        iso27560_record(&offer, &grant, ExportStatus::Given, &info()),
        Err(ExportError::NotAnIri {
            field: "notice url",
            ..
        })
    ));
}

#[test]
fn artifact_iris_are_rfc6920_names() {
    // RFC 4648 §10 test vectors, through the base64url encoder.
    assert_eq!(base64url(b""), "");
    assert_eq!(base64url(b"f"), "Zg");
    assert_eq!(base64url(b"fo"), "Zm8");
    assert_eq!(base64url(b"foo"), "Zm9v");
    assert_eq!(base64url(b"foob"), "Zm9vYg");
    assert_eq!(base64url(b"fooba"), "Zm9vYmE");
    assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    assert_eq!(
        artifact_iri(ArtifactId([0xff; 16])),
        "ni:///sha-256-128;_____________________w"
    );
}

// --------------------------------------------- issue 11: whole bundles

fn bundle_of(arts: &[Artifact]) -> Vec<u8> {
    crate::audit::to_sequence(arts)
}

#[test]
fn export_consents_reports_the_lifecycle_status_at_the_time_given() {
    let p = parties();
    let all = sample::all(&p).unwrap();
    let bundle = bundle_of(&all);
    let grant = &all[1];
    let infos = [info()];
    let at = |t| export_consents(&bundle, ExportFormat::Kantara, &[], t, &infos).unwrap();
    let before = at(T0);
    assert!(before.documents.is_empty() && before.refused.is_empty());
    let given = at(T0 + 5 * DAY);
    assert_eq!(given.documents.len(), 1);
    assert_eq!(
        given.documents[0]["consentReceiptID"],
        grant.id().to_string()
    );
    assert_eq!(given.documents[0]["consentStatus"], "given");
    let withdrawn = at(T0 + 11 * DAY);
    assert_eq!(withdrawn.documents[0]["consentStatus"], "withdrawn");
    assert_eq!(
        withdrawn.documents[0]["consentStatusSince"],
        (T0 + 10 * DAY).secs()
    );

    // Without the withdrawal, the grant expires.
    let bundle = bundle_of(&all[..5]);
    let late =
        export_consents(&bundle, ExportFormat::Kantara, &[], T0 + 400 * DAY, &infos).unwrap();
    assert_eq!(late.documents[0]["consentStatus"], "expired");

    // ISO: the refusal too.
    let bundle = bundle_of(&all);
    let iso = export_consents(&bundle, ExportFormat::Iso27560, &[], T0 + 11 * DAY, &infos).unwrap();
    assert_eq!(iso.documents.len(), 2);
    let last: Vec<&Value> = iso
        .documents
        .iter()
        .map(|d| &last_event(d)["@type"][0])
        .collect();
    assert!(last.contains(&&Value::from("dpv:ConsentWithdrawn")));
    assert!(last.contains(&&Value::from("dpv:ConsentRefused")));
}

#[test]
fn export_consents_is_the_same_for_every_order() {
    let p = parties();
    let mut all = sample::all(&p).unwrap();
    let infos = [info()];
    let a = export_consents(
        &bundle_of(&all),
        ExportFormat::Iso27560,
        &[],
        T0 + 11 * DAY,
        &infos,
    )
    .unwrap();
    all.reverse();
    let b = export_consents(
        &bundle_of(&all),
        ExportFormat::Iso27560,
        &[],
        T0 + 11 * DAY,
        &infos,
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn export_consents_renewal_supersedes_the_old_grant() {
    let p = parties();
    let offer = sample::signed_offer(&p).unwrap();
    let old = sample::signed_grant(&p, &offer).unwrap();
    let mut g = sample::grant_body(&p, &offer);
    g.supersedes = Some(old.id());
    g.issued_at += DAY;
    let new = g.sign_both(&offer, &p.person, &p.controller).unwrap();
    let bundle = bundle_of(&[offer, old.clone(), new.clone()]);
    let out = export_consents(
        &bundle,
        ExportFormat::Iso27560,
        &[old.id()],
        T0 + 2 * DAY,
        &[info()],
    )
    .unwrap();
    let rec = &out.documents[0];
    assert_eq!(
        rec["dct:isReplacedBy"],
        serde_json::json!({"@id": artifact_iri(new.id())})
    );
    assert_eq!(
        last_event(rec)["@type"],
        serde_json::json!(["dpv:RenewedConsentGiven"])
    );
    let k = export_consents(
        &bundle,
        ExportFormat::Kantara,
        &[old.id()],
        T0 + 2 * DAY,
        &[info()],
    )
    .unwrap();
    assert_eq!(k.documents[0]["consentStatus"], "superseded");
}

#[test]
fn export_consents_lists_what_it_cannot_export_and_exports_the_rest() {
    let p = parties();
    let all = sample::all(&p).unwrap();
    let offer = &all[0];
    let mut g = sample::grant_body(&p, offer);
    g.purposes.push(t("dpv:Marketing"));
    let greedy = g
        .sign_both_known_violation(
            &p.person,
            &p.controller,
            &crate::KnownViolation::new("a grant beyond its offer, for the export to list"),
        )
        .unwrap();
    let mut arts = all.clone();
    arts.push(greedy.clone());
    let out = export_consents(
        &bundle_of(&arts),
        ExportFormat::Kantara,
        &[],
        T0 + 5 * DAY,
        &[info()],
    )
    .unwrap();
    assert_eq!(out.documents.len(), 1);
    assert_eq!(out.refused.len(), 1);
    assert_eq!(out.refused[0].0, greedy.id());
    assert!(matches!(out.refused[0].1, ExportError::NotInOffer { .. }));
}

#[test]
fn export_consents_refuses_unusable_input() {
    let p = parties();
    let all = sample::all(&p).unwrap();
    let bundle = bundle_of(&all);
    let at = T0 + 5 * DAY;
    let k = ExportFormat::Kantara;
    // Not a bundle.
    assert!(matches!(
        export_consents(b"\xff\xff", k, &[], at, &[info()]),
        Err(ExportError::Bundle { .. })
    ));
    // An id that is not in the bundle, or not a grant or refusal.
    assert!(matches!(
        export_consents(&bundle, k, &[ArtifactId([7; 16])], at, &[info()]),
        Err(ExportError::NotInBundle { .. })
    ));
    assert!(matches!(
        export_consents(&bundle, k, &[all[3].id()], at, &[info()]),
        Err(ExportError::NotInBundle { .. })
    ));
    // A refusal is no Kantara receipt.
    assert!(matches!(
        export_consents(&bundle, k, &[all[2].id()], at, &[info()]),
        Err(ExportError::WrongKind { .. })
    ));
    // A grant given after the export time.
    assert!(matches!(
        export_consents(&bundle, k, &[all[1].id()], T0, &[info()]),
        Err(ExportError::StatusMismatch { .. })
    ));
    // No info for the controller.
    assert_eq!(
        export_consents(&bundle, k, &[], at, &[]),
        Err(ExportError::NoControllerInfo {
            decision: all[1].label_str(),
            party: PARTY.into()
        })
    );
    // The offer is missing: listed, not fatal.
    let out = export_consents(&bundle_of(&all[1..]), k, &[], at, &[info()]).unwrap();
    assert!(out.documents.is_empty());
    assert!(matches!(out.refused[0].1, ExportError::NotInBundle { .. }));
}

// ------------------------------------------------ controller info JSON

const INFO_JSON: &str = r#"{"controllers": [{
  "party": "traffic.example", "name": "Traffic Example GmbH", "contact": "Data Protection Officer",
  "address": {"street_address": "1 Example Street", "locality": "Berlin", "postal_code": "10115", "country": "DE"},
  "email": "privacy@traffic.example", "phone": "+49 30 000000", "url": "https://traffic.example/",
  "policy_url": "https://traffic.example/privacy", "withdrawal_url": "https://traffic.example/consents",
  "storage_locations": ["DE"],
  "recipients": [{"party": "city.example", "name": "City of Example", "contact": "Mobility Department",
    "address": {"street_address": "2 Town Hall Square", "locality": "Example City", "country": "DE"},
    "email": "mobility@city.example", "phone": "+49 30 111111"}],
  "kantara_purposes": {"https://city.example/purpose#UrbanPlanning": 11}
}]}"#;

#[test]
fn controller_info_json_reads_every_field() {
    let infos = controller_infos_from_json(INFO_JSON).unwrap();
    assert_eq!(infos, vec![info()]);
}

#[test]
fn controller_info_json_is_read_strictly() {
    let bad = |from: &str, to: &str| {
        let json = INFO_JSON.replacen(from, to, 1);
        assert_ne!(json, INFO_JSON);
        controller_infos_from_json(&json).unwrap_err()
    };
    // Unknown (misspelled) field.
    assert!(matches!(
        bad("\"policy_url\"", "\"policyUrl\""),
        ExportError::BadControllerInfo { .. }
    ));
    // A misspelled DPV term.
    let e = bad(
        "\"storage_locations\"",
        "\"primary_purposes\": [\"dpv:ServiceProvison\"], \"storage_locations\"",
    );
    assert!(e.to_string().contains("dpv:ServiceProvision"), "{e}");
    // A category that does not exist.
    assert!(matches!(
        bad("UrbanPlanning\": 11", "UrbanPlanning\": 0"),
        ExportError::BadKantaraCategory { number: 0, .. }
    ));
    // A required field missing.
    assert!(matches!(
        bad("\"phone\": \"+49 30 000000\",", ""),
        ExportError::BadControllerInfo { .. }
    ));
    // The same controller twice.
    let twice = INFO_JSON.replacen("[{", "[{\"party\": \"traffic.example\", \"name\": \"x\", \"contact\": \"x\", \"address\": {\"street_address\": \"x\", \"country\": \"DE\"}, \"email\": \"x\", \"phone\": \"x\"}, {", 1);
    assert!(matches!(
        controller_infos_from_json(&twice),
        Err(ExportError::BadControllerInfo { .. })
    ));
}

/// The controller info example in docs/EXPORTS.md is read as documented.
#[test]
fn controller_info_example_in_the_docs_is_valid() {
    let doc = include_str!("../../../docs/EXPORTS.md");
    let start = doc.find("```json\n{\"controllers\"").unwrap() + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let infos = controller_infos_from_json(&doc[start..end]).unwrap();
    assert_eq!(infos.len(), 1);
    let i = &infos[0];
    assert_eq!(i.party, PARTY);
    assert_eq!(i.recipients[0].party, PARTNER);
    assert_eq!(i.kantara_purposes, vec![(t(URBAN), 11)]);
    assert_eq!(
        i.rights_url.as_deref(),
        Some("https://traffic.example/rights")
    );
    let f = fixture();
    let r = kantara_receipt(&f.offer, &f.grant, ExportStatus::Given, i).unwrap();
    assert_eq!(r["policyUrl"], "https://traffic.example/privacy");
}

// ------------------------------------------- the controller info JSON reader

fn info_error(json: &str) -> String {
    match controller_infos_from_json(json) {
        Err(ExportError::BadControllerInfo { reason }) => reason,
        other => panic!("expected BadControllerInfo, got {other:?}"),
    }
}

#[test]
fn controller_info_json_refuses_a_member_named_twice() {
    // A field of a controller, of an address, and a key of a Kantara map
    // (serde kept the last of two map keys silently).
    for (from, to) in [
        ("\"phone\": \"+49 30 000000\",", "\"phone\": \"+49 30 000000\", \"phone\": \"x\","),
        ("\"country\": \"DE\"}", "\"country\": \"DE\", \"country\": \"FR\"}"),
        (
            "\"https://city.example/purpose#UrbanPlanning\": 11",
            "\"https://city.example/purpose#UrbanPlanning\": 11, \"https://city.example/purpose#UrbanPlanning\": 12",
        ),
    ] {
        let json = INFO_JSON.replacen(from, to, 1);
        assert_ne!(json, INFO_JSON);
        let e = info_error(&json);
        assert!(e.starts_with("duplicate member name at line "), "{e}");
    }
}

#[test]
fn controller_info_json_refuses_what_rfc_8259_does_not_allow() {
    let cases = [
        // trailing comma
        (
            "\"storage_locations\": [\"DE\"]",
            "\"storage_locations\": [\"DE\",]",
        ),
        // comment
        ("{\"controllers\"", "/* c */ {\"controllers\""),
        // single quotes
        (
            "\"storage_locations\": [\"DE\"]",
            "\"storage_locations\": ['DE']",
        ),
        // an unescaped control character in a string
        ("\"name\": \"Traffic", "\"name\": \"\tTraffic"),
        // a lone surrogate
        ("\"name\": \"Traffic", "\"name\": \"\\ud800Traffic"),
        // an unknown escape
        ("\"name\": \"Traffic", "\"name\": \"\\xTraffic"),
        // leading zero, fraction, exponent, sign, out of range for a category
        ("UrbanPlanning\": 11", "UrbanPlanning\": 011"),
        ("UrbanPlanning\": 11", "UrbanPlanning\": 11.0"),
        ("UrbanPlanning\": 11", "UrbanPlanning\": 1e1"),
        ("UrbanPlanning\": 11", "UrbanPlanning\": -11"),
        ("UrbanPlanning\": 11", "UrbanPlanning\": 256"),
        ("UrbanPlanning\": 11", "UrbanPlanning\": \"11\""),
        // wrong types
        (
            "\"name\": \"Traffic Example GmbH\",",
            "\"name\": \"Traffic Example GmbH\", \"on_behalf\": 0,",
        ),
        (
            "\"storage_locations\": [\"DE\"]",
            "\"storage_locations\": null",
        ),
        (
            "\"storage_locations\": [\"DE\"]",
            "\"storage_locations\": [1]",
        ),
        ("\"url\": \"https://traffic.example/\"", "\"url\": 1"),
        // a nested unknown field
        (
            "\"country\": \"DE\"}",
            "\"country\": \"DE\", \"city\": \"x\"}",
        ),
    ];
    for (from, to) in cases {
        let json = INFO_JSON.replacen(from, to, 1);
        assert_ne!(json, INFO_JSON, "{to}");
        info_error(&json);
    }
    // Trailing characters, truncation, an empty file, the wrong top level.
    info_error(&format!("{INFO_JSON} x"));
    info_error(&INFO_JSON[..INFO_JSON.len() - 1]);
    info_error("");
    info_error("[]");
    info_error("{}");
    assert!(info_error("{\"controllers\": []").contains("line 1 column 19"));
}

#[test]
fn controller_info_json_refuses_deep_nesting_without_overflowing() {
    let deep = format!(
        "{{\"controllers\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = info_error(&deep);
    assert!(e.starts_with("nested too deeply"), "{e}");
    // 128 levels are read (and then refused for their shape, not depth).
    let ok_depth = format!("{{\"x\": {}{}}}", "[".repeat(127), "]".repeat(127));
    assert!(info_error(&ok_depth).contains("controllers"));
}

#[test]
fn controller_info_json_reads_escapes_nulls_and_sorts_kantara_maps() {
    let json = INFO_JSON
        .replacen(
            "\"Traffic Example GmbH\"",
            "\"Traffic \\u00c9xample \\ud83d\\ude97 \\\"GmbH\\\"\\/\"",
            1,
        )
        .replacen(
            "\"url\": \"https://traffic.example/\",",
            "\"url\": null, \"on_behalf\": true,",
            1,
        )
        .replacen(
            "{\"https://city.example/purpose#UrbanPlanning\": 11}",
            "{\"https://city.example/purpose#UrbanPlanning\": 11, \"dpv:Marketing\": 6}",
            1,
        );
    let infos = controller_infos_from_json(&json).unwrap();
    let i = &infos[0];
    assert_eq!(i.name, "Traffic \u{c9}xample \u{1f697} \"GmbH\"/");
    assert_eq!(i.url, None);
    assert!(i.on_behalf);
    // Sorted by term text, as the BTreeMap serde read into sorted them.
    assert_eq!(
        i.kantara_purposes,
        vec![(t("dpv:Marketing"), 6), (t(URBAN), 11)]
    );
}
