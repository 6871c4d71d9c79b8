"""`consentkit export` checked by implementations nobody here wrote.

Runs the demo (with injected violations, so withdrawals, revocations,
expiries, refusals and renewals all occur), exports every grant and refusal
at several times, then:

* validates every Kantara receipt against the published Kantara Consent
  Receipt v1.1 JSON schema (tests/vectors/kantara-cr-v1.1) with `jsonschema`;
* expands every ISO/IEC TS 27560 record with `pyld` (a JSON-LD 1.1
  processor) and checks that nothing is dropped or mis-expanded: the
  (property, value) pairs after expansion are exactly those the record
  states, every IRI is absolute, and every DPV IRI is a term DPV 2.3 defines
  (core/src/vocab/dpv-2.3-terms.txt); then checks the DPVCG guide's §8 MUST
  fields on the expanded form.

Set CONSENTKIT_BIN to a built `consentkit` to skip `cargo run --release`.
"""
import collections
import json
import os
import pathlib
import re
import subprocess

import jsonschema
import pytest
from pyld import jsonld

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "vectors" / "kantara-cr-v1.1" / "kantara-consent-receipt-v1_1-schema.json"
TERMS = ROOT / "core" / "src" / "vocab" / "dpv-2.3-terms.txt"

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
DCT = "http://purl.org/dc/terms/"
SCHEMA_ORG = "https://schema.org/"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"

KANTARA_PURPOSES = {
    1: "Core Function", 2: "Contracted Service", 3: "Delivery", 4: "Contact Requested",
    5: "Personalized Experience", 6: "Marketing", 7: "Marketing Third Parties",
    8: "Sharing for Delivery", 9: "Sharing for Marketing",
    10: "3rd Party Sharing for Core Function", 11: "3rd Party Sharing for ...",
    12: "Legally Required Data Retention", 13: "Required by Law Enforcement or Government",
    14: "Protecting Your Health", 15: "Protecting Our Interests", 16: "Improve Performance",
}
KANTARA_PII = {
    1: "Biographical", 2: "Contact", 3: "Biometric", 4: "Communications/Social",
    5: "Network/Service", 6: "Health", 7: "Financial", 8: "Official/Government Identifiers",
    9: "Social Services/Welfare", 10: "Judicial", 11: "Property/Asset", 12: "Human Resources",
    13: "Psychological/Attitudinal", 14: "Membership", 15: "Behavioural", 16: "Profile",
}


def consentkit(*args, check=True):
    exe = os.environ.get("CONSENTKIT_BIN")
    cmd = [exe] if exe else ["cargo", "run", "-q", "--release", "-p", "consentkit-cli", "--"]
    return subprocess.run(cmd + list(args), cwd=ROOT, check=check, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("export-demo")
    run = consentkit("demo", "--out", str(out), "--people", "40", "--days", "30",
                     "--violations", "14")
    end = int(re.search(r"--at (\d+)", run.stdout).group(1))
    return out, end


def export(demo, fmt, at, *grants):
    out, _ = demo
    run = consentkit("export", "--format", fmt, str(out / "bundle.cbors"),
                     "--controllers", str(out / "controllers.json"), "--at", str(at), *grants,
                     check=False)
    # The demo's injected violations include grants taking more than their
    # offer offered: those are named on stderr (exit 1), the rest exported.
    assert run.returncode in (0, 1), run.stderr
    refused = [l for l in run.stderr.splitlines() if "not exported" in l]
    assert (run.returncode == 1) == bool(refused), run.stderr
    assert all("is not in the offer" in l for l in refused), refused
    return json.loads(run.stdout)


def times(demo):
    _, end = demo
    return [end - 20 * 86_400, end - 10 * 86_400, end, end + 400 * 86_400]


# ------------------------------------------------------------------ Kantara

def kantara_schema():
    text = "\n".join(l for l in SCHEMA.read_text().splitlines() if not l.lstrip().startswith("//"))
    schema = json.loads(text)
    jsonschema.Draft4Validator.check_schema(schema)
    return schema


def category_ok(value, table):
    m = re.fullmatch(r"(\d+) - (.+)", value)
    return bool(m) and table.get(int(m.group(1))) == m.group(2)


def test_every_kantara_receipt_passes_the_published_schema(demo):
    schema = kantara_schema()
    controllers = json.loads((demo[0] / "controllers.json").read_text())["controllers"]
    recipient_names = {r["name"] for c in controllers for r in c["recipients"]}
    party_ids = {r["party"] for c in controllers for r in c["recipients"]}
    statuses = collections.Counter()
    count = 0
    for at in times(demo):
        for r in export(demo, "kantara", at):
            jsonschema.validate(r, schema, cls=jsonschema.Draft4Validator)
            count += 1
            statuses[r["consentStatus"]] += 1
            assert r["policyUrl"].endswith("/privacy"), r["policyUrl"]
            assert "/notice/" not in r["policyUrl"]
            for s in r["services"]:
                for p in s["purposes"]:
                    assert p["purposeCategory"] and all(
                        category_ok(c, KANTARA_PURPOSES) for c in p["purposeCategory"]), p
                    assert p["piiCategory"] and all(
                        category_ok(c, KANTARA_PII) for c in p["piiCategory"]), p
                    assert p["purposeDpv"].startswith(("https://w3id.org/dpv#", "https://city.example/"))
                    if p["thirdPartyDisclosure"]:
                        names = set(p["thirdPartyName"].split(", "))
                        assert names <= recipient_names and not names & party_ids, p
            assert all(category_ok(c, KANTARA_PII) for c in r["spiCat"])
            if r["consentStatus"] != "given":
                assert r["consentStatusSince"] <= at
    assert count > 50
    # The demo's lifecycle shows up: receipts are not all "given".
    for status in ("given", "withdrawn", "expired"):
        assert statuses[status] > 0, statuses


def test_the_schema_check_can_fail(demo):
    schema = kantara_schema()
    r = export(demo, "kantara", demo[1])[0]
    for broken in (
        {k: v for k, v in r.items() if k != "policyUrl"},
        {**r, "consentTimestamp": "2026-01-01"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema, cls=jsonschema.Draft4Validator)


# --------------------------------------------------------------- JSON-LD

def no_remote(url, options=None):
    raise RuntimeError(f"a remote context was requested: {url}")


def dpv_terms():
    names, ns = collections.defaultdict(set), None
    for line in TERMS.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[\w+\] (\S+)", line)
        if m:
            ns = m.group(1)
        else:
            names[ns].add(line)
    return names


def own_expand(doc):
    """What the record states, with the record's own prefixes applied:
    a multiset of (property IRI, value) pairs, and of @id / @type IRIs."""
    ctx = doc["@context"]

    def iri(v):
        prefix, _, rest = v.partition(":")
        return ctx[prefix] + rest if prefix in ctx and not rest.startswith("//") else v

    pairs = collections.Counter()

    def walk(node):
        for k, v in node.items():
            if k == "@context":
                continue
            values = v if isinstance(v, list) else [v]
            for x in values:
                if k == "@id":
                    pairs[("@id", iri(x))] += 1
                elif k == "@type":
                    pairs[("@type", iri(x))] += 1
                elif isinstance(x, dict) and "@value" in x:
                    pairs[(iri(k), ("lit", x["@value"], iri(x["@type"]) if "@type" in x else None))] += 1
                elif isinstance(x, dict):
                    pairs[(iri(k), ("node", iri(x["@id"]) if "@id" in x else None))] += 1
                    walk(x)
                else:
                    pairs[(iri(k), ("lit", x, None))] += 1

    walk(doc)
    return pairs


def expanded_pairs(expanded):
    pairs = collections.Counter()

    def walk(node):
        for k, values in node.items():
            values = values if isinstance(values, list) else [values]
            for x in values:
                if k in ("@id", "@type"):
                    pairs[(k, x)] += 1
                elif isinstance(x, dict) and "@value" in x:
                    pairs[(k, ("lit", x["@value"], x.get("@type")))] += 1
                elif isinstance(x, dict):
                    pairs[(k, ("node", x.get("@id")))] += 1
                    walk(x)

    for n in expanded:
        walk(n)
    return pairs


def iris(expanded):
    """Every IRI in an expanded document: properties, types, node ids, datatypes."""
    out = []

    def walk(node):
        for k, values in node.items():
            if not k.startswith("@"):
                out.append(k)
            for x in values if isinstance(values, list) else [values]:
                if k in ("@id", "@type") and isinstance(x, str):
                    out.append(x)
                elif isinstance(x, dict):
                    if "@type" in x and "@value" in x:
                        out.append(x["@type"])
                    walk(x)

    for n in expanded:
        walk(n)
    return out


def iri_problems(expanded, terms):
    problems = []
    for i in iris(expanded):
        if i.startswith("_:"):
            continue
        if not re.match(r"^(https?://[^/]|ni:///sha-256-128;)", i):
            problems.append(f"not an absolute http(s) or ni IRI: {i}")
        elif i.startswith(DPV) and i[len(DPV):] not in terms[DPV]:
            problems.append(f"not a DPV 2.3 term: {i}")
        elif i.startswith(PD) and i[len(PD):] not in terms[PD]:
            problems.append(f"not a DPV 2.3 pd term: {i}")
    return problems


def check_expansion(doc, terms):
    expanded = jsonld.expand(doc, {"documentLoader": no_remote})
    assert len(expanded) == 1
    problems = iri_problems(expanded, terms)
    stated, kept = own_expand(doc), expanded_pairs(expanded)
    if stated != kept:
        problems.append(f"dropped: {dict(stated - kept)}; added or changed: {dict(kept - stated)}")
    return expanded[0], problems


def one(node, prop):
    v = node.get(prop, [])
    assert v, f"missing {prop} in {json.dumps(node)[:300]}"
    return v


def check_guide_must_fields(rec):
    """DPVCG guide §8: every field marked 'This field MUST be present', on the expanded form."""
    t = DPV
    assert rec["@type"] == [t + "ConsentRecord"]
    assert one(rec, DCT + "conformsTo") == [{"@id": "https://w3id.org/dpv/schema/dpv-27560#record"}]
    one(rec, DCT + "identifier")
    subject = one(rec, t + "hasDataSubject")[0]
    assert subject["@type"] == [t + "DataSubject"]
    notice = one(rec, t + "hasNotice")[0]
    assert t + "ConsentNotice" in notice["@type"]
    one(notice, DCT + "language")
    one(rec, t + "hasDataController")
    one(rec, t + "hasJurisdiction")
    one(rec, t + "hasLegalBasis")
    for proc in one(rec, t + "hasProcess"):
        one(proc, t + "hasPurpose")
        one(proc, t + "hasPersonalData")
        one(proc, t + "hasRecipient")
        kinds = {k for c in one(proc, t + "hasStorageCondition") for k in c["@type"]}
        assert {t + "StorageLocation", t + "StorageDuration"} <= kinds
    control = one(rec, t + "hasConsentControl")[0]
    assert control["@type"][0] in (t + "WithdrawConsent", t + "ProvideConsent")
    assert all(x["@id"].startswith("https://") for x in control.get(t + "isExercisedAt", []))
    right = one(rec, t + "hasRight")[0]
    assert t + "DataSubjectRight" in right["@type"]
    for e in one(rec, t + "hasEntity"):
        for prop in (t + "hasName", t + "hasIdentifier", SCHEMA_ORG + "contactPoint", SCHEMA_ORG + "address"):
            one(e, prop)
        assert {t + "DataController", t + "ThirdParty"} & set(e["@type"])
    for ev in one(rec, t + "hasConsentStatus"):
        one(ev, t + "isIndicatedAtTime")
        one(ev, t + "hasDuration")
        one(ev, t + "isIndicatedBy")


def test_every_iso27560_record_expands_with_pyld_without_loss(demo):
    terms = dpv_terms()
    last = collections.Counter()
    by_id = {}
    for at in times(demo):
        for doc in export(demo, "iso27560", at):
            rec, problems = check_expansion(doc, terms)
            assert not problems, problems
            check_guide_must_fields(rec)
            last[rec[DPV + "hasConsentStatus"][-1]["@type"][0]] += 1
            by_id[(at, rec["@id"])] = rec
    for status in ("ConsentGiven", "ConsentRefused", "ConsentWithdrawn", "ConsentExpired",
                   "RenewedConsentGiven"):
        assert last[DPV + status] > 0, last
    # Renewals: the new record replaces the old one, and the old one, exported
    # after the renewal, shows it was replaced by the new one.
    renewals = 0
    for (at, rid), rec in by_id.items():
        for old in rec.get(DCT + "replaces", []):
            if rec[DPV + "hasConsentStatus"][0]["@type"][0] != DPV + "RenewedConsentGiven":
                continue
            prev = by_id.get((at, old["@id"]))
            if prev is None:
                continue
            assert prev[DCT + "isReplacedBy"] == [{"@id": rid}]
            assert prev[DPV + "hasConsentStatus"][-1]["@type"][0] == DPV + "RenewedConsentGiven"
            renewals += 1
    assert renewals > 0


def test_the_expansion_check_can_fail(demo):
    terms = dpv_terms()
    doc = export(demo, "iso27560", demo[1])[0]
    # A CURIE whose prefix the context does not define: JSON-LD reads it as
    # an IRI of scheme "eu-gdpr" (the defect issue 11 names).
    bad = json.loads(json.dumps(doc))
    del bad["@context"]["eu-gdpr"]
    bad["dpv:hasLegalBasis"] = {"@id": "eu-gdpr:A6-1-a"}
    _, problems = check_expansion(bad, terms)
    assert any("eu-gdpr:A6-1-a" in p for p in problems), problems
    # A key without a prefix is dropped by expansion.
    bad = json.loads(json.dumps(doc))
    bad["hasPurpose"] = {"@id": "dpv:Marketing"}
    _, problems = check_expansion(bad, terms)
    assert any("dropped" in p for p in problems), problems
    # A misspelled DPV term.
    bad = json.loads(json.dumps(doc))
    bad["dpv:hasLegalBasis"] = {"@id": "dpv:Consentt"}
    _, problems = check_expansion(bad, terms)
    assert any("not a DPV 2.3 term" in p for p in problems), problems
