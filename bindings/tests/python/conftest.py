"""Fixtures for the Python binding tests (run against the installed wheel)."""

import pathlib

import pytest

import consentkit as ck

T0 = 1_793_491_200  # 2026-11-01T00:00:00Z
DAY = 86_400
CONTROLLER = "traffic.example"
PARTNER = "city.example"
URBAN = "https://city.example/purpose#UrbanPlanning"
REPO = pathlib.Path(__file__).resolve().parents[3]


def make_offer() -> ck.Offer:
    return ck.Offer(
        controller=CONTROLLER,
        name="live-routing-2026",
        issued_at=T0,
        valid_from=T0,
        valid_until=T0 + 365 * DAY,
        purposes=["dpv:ServiceProvision", URBAN],
        categories=["pd:Location"],
        recipients=[ck.Recipient(party=PARTNER, purposes=[URBAN], categories=["pd:Location"])],
        retention_secs=30 * DAY,
        limits=ck.Limits(uses_per_day=1000, finest_precision=10),
        legal_basis="dpv:Consent",
        jurisdiction="EU",
        language="en",
        notice=ck.notice_for_text("https://traffic.example/notice/v3", b"We use your location to route you."),
        value_offered=[ck.Benefit(kind=ck.BenefitKind.SERVICE, amount=1, unit="month", description="Live routing")],
        value_estimate=ck.ValueEstimate(amount=120, currency="EUR", method="average revenue per user"),
        service_without_consent=True,
    )


def make_receipt(grant: str, at: int, purpose: str = "dpv:ServiceProvision") -> ck.DataReceipt:
    return ck.DataReceipt(
        grant=grant,
        category="pd:Location",
        purpose=purpose,
        used_at=at,
        precision=50,
        commitment=ck.commit(b"52.37,4.89").value,
    )


class Parties:
    def __init__(self):
        self.controller_key = ck.KeyPair.generate(ck.Algorithm.ED25519)
        self.partner_key = ck.KeyPair.generate(ck.Algorithm.ES256)
        self.controller = ck.Controller(self.controller_key)
        self.partner = ck.Controller(self.partner_key)
        self.trust = ck.TrustSet()
        self.trust.add(self.controller_key.public_key(), ck.Role.CONTROLLER, CONTROLLER)
        self.trust.add(self.partner_key.public_key(), ck.Role.PARTNER, PARTNER)


@pytest.fixture
def parties() -> Parties:
    return Parties()


@pytest.fixture
def repo() -> pathlib.Path:
    return REPO
