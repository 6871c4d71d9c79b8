"""A typed program using consentkit: `mypy --strict` must accept it with the
package's stubs (py.typed, __init__.pyi), and test_native.py runs it.

    python -m mypy --strict bindings/tests/python/typed_example.py
"""

import datetime
import pathlib
import sys
import tempfile
from typing import List, Optional

import consentkit as ck

T0 = 1_793_491_200  # 2026-11-01T00:00:00Z
DAY = 86_400
CONTROLLER = "traffic.example"


def offer() -> ck.Offer:
    return ck.Offer(
        controller=CONTROLLER,
        name="live-routing-2026",
        issued_at=T0,
        valid_from=T0,
        valid_until=T0 + 365 * DAY,
        purposes=["dpv:ServiceProvision"],
        categories=["pd:Location"],
        recipients=[],
        retention_secs=30 * DAY,
        limits=ck.Limits(uses_per_day=1000, finest_precision=10),
        legal_basis="dpv:Consent",
        jurisdiction="EU",
        language="en",
        notice=ck.notice_for_text("https://traffic.example/notice/v3", bytearray(b"We use your location.")),
        value_offered=[ck.Benefit(kind=ck.BenefitKind.SERVICE, amount=1, unit="month")],
        value_estimate=None,
        service_without_consent=True,
    )


def main() -> List[str]:
    """Runs the person's and the controller's side; returns the grant's purposes."""
    with ck.KeyPair.generate(ck.Algorithm.ED25519) as key:
        controller = ck.Controller(key)
        trust = ck.TrustSet()
        trust.add(key.public_key(), ck.Role.CONTROLLER, CONTROLLER)
        signed: bytes = controller.make_offer(offer())
        with tempfile.TemporaryDirectory() as tmp:
            path = str(pathlib.Path(tmp) / "wallet.ckw")
            with ck.Wallet.create(path, ck.Algorithm.ED25519) as wallet:
                wallet.trust_all(trust)
                now = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)  # T0
                received: ck.ReceiveOutcome = wallet.receive(memoryview(signed), now)
                info: ck.ArtifactInfo = received.artifact
                grant = wallet.accept(info.id, ck.Choice(), T0 + 60.5)
                wallet.receive(controller.countersign(grant, signed), T0 + 120)
                state: Optional[ck.ConsentState] = wallet.grant_state(ck.decode_artifact(grant).id, T0 + DAY)
                assert state == ck.ConsentState.GIVEN, state
                try:
                    wallet.accept("00" * 16, ck.Choice(), T0)
                except ck.ConsentKitError.NotFound as e:
                    message: str = e.reason
                    assert str(e) == message
                views: List[ck.GrantView] = wallet.grants(T0 + DAY)
                purposes: List[str] = views[0].purposes
                at: int = views[0].issued_at + DAY
                assert at > T0
    print(ck.__version__, purposes, file=sys.stderr)
    return purposes


if __name__ == "__main__":
    main()
