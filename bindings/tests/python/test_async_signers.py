"""Async external signers (issue 12 item 3): a key that answers later (a
platform key behind a prompt, a KMS) signs offers and grants through
`ck.AsyncExternalSigner` with `async def sign`, awaited by asyncio; the
core checks every signature. Also the prepare/complete flow by hand."""

import asyncio

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import consentkit as ck
from conftest import CONTROLLER, T0, make_offer


def raw_of(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def short(der: bytes) -> bytes:
    """A raw signature one byte short (63 bytes). Its first byte is never 0x30:
    a SEQUENCE tag would make it read as (bad) DER, one time in 256."""
    b = bytearray(raw_of(der)[:63])
    if b[0] == 0x30:
        b[0] = 0x31
    return bytes(b)


def non_minimal(der: bytes) -> bytes:
    """The same signature with a zero byte `r` does not need (BER, not DER)."""
    d = bytearray(der)
    d.insert(4, 0)
    d[3] += 1
    d[1] += 1
    return bytes(d)


class AsyncPlatformSigner(ck.AsyncExternalSigner):
    """A P-256 key held only in Python that answers asynchronously."""

    def __init__(self, answer=lambda der: der):
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.answer = answer
        self.calls = 0

    def public_key(self) -> ck.RawPublicKey:
        point = self._key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return ck.RawPublicKey(algorithm=ck.Algorithm.ES256, bytes=point)

    def der(self, message: bytes) -> bytes:
        return self._key.sign(message, ec.ECDSA(hashes.SHA256()))

    async def sign(self, message: bytes) -> bytes:
        self.calls += 1
        await asyncio.sleep(0.01)  # the user authenticating
        return self.answer(self.der(message))


def trust_for(controller: ck.Controller) -> ck.TrustSet:
    trust = ck.TrustSet()
    trust.add(controller.public_key(), ck.Role.CONTROLLER, CONTROLLER)
    return trust


def test_async_signers_sign_an_offer_and_a_grant_that_the_core_verifies():
    async def main():
        kms = AsyncPlatformSigner()
        controller = ck.Controller.with_async_signer(kms)
        assert controller.is_async()
        offer = await controller.sign_async(controller.prepare_offer(make_offer()))
        verifier = ck.Verifier(trust_for(controller))
        assert verifier.verify(offer).artifact.kind == ck.ArtifactKind.OFFER

        phone = AsyncPlatformSigner(answer=raw_of)  # r || s, as WebCrypto would
        wallet = ck.Wallet.in_memory_external()
        wallet.trust_key(controller.public_key(), ck.Role.CONTROLLER, CONTROLLER)
        got = wallet.receive(offer, T0)
        wallet.bind_key(CONTROLLER, phone.public_key())
        grant = await wallet.sign_async(wallet.prepare_accept(got.artifact.id, ck.Choice(), T0 + 10), phone)
        signed = await controller.sign_async(controller.prepare_countersign(grant, offer))
        checked = verifier.verify(signed)
        assert checked.artifact.kind == ck.ArtifactKind.GRANT
        assert len(checked.signers) == 2
        g = wallet.receive(signed, T0 + 20).artifact
        withdrawal = await wallet.sign_async(wallet.prepare_withdraw(g.id, T0 + 30), phone)
        assert verifier.verify(withdrawal).artifact.kind == ck.ArtifactKind.WITHDRAWAL
        assert (kms.calls, phone.calls) == (2, 2)

    asyncio.run(main())


def test_several_async_signatures_run_concurrently_on_one_event_loop():
    async def main():
        kms = AsyncPlatformSigner()
        controller = ck.Controller.with_async_signer(kms)
        offers = await asyncio.gather(*(controller.sign_async(controller.prepare_offer(make_offer())) for _ in range(5)))
        verifier = ck.Verifier(trust_for(controller))
        for o in offers:
            verifier.verify(o)
        assert kms.calls == 5

    asyncio.run(main())


def test_an_async_controller_refuses_one_step_signing_and_says_why():
    controller = ck.Controller.with_async_signer(AsyncPlatformSigner())
    with pytest.raises(ck.ConsentKitError.Signer) as e:
        controller.make_offer(make_offer())
    assert "signAsync" in str(e.value)


@pytest.mark.parametrize(
    "answer, says",
    [
        (non_minimal, "not minimally encoded"),
        (short, "63 bytes"),
        (lambda der: bytes(64), "r is zero"),
    ],
    ids=["ber", "short", "zero"],
)
def test_a_bad_signature_from_an_async_signer_is_a_typed_signer_error(answer, says):
    def fit(der):
        # Only a DER signature shorter than 72 bytes has room for a needless zero.
        return answer(der) if len(der) < 72 or answer is not non_minimal else short(der)

    async def main():
        controller = ck.Controller.with_async_signer(AsyncPlatformSigner(answer=fit))
        with pytest.raises(ck.ConsentKitError.Signer) as e:
            await controller.sign_async(controller.prepare_offer(make_offer()))
        return str(e.value)

    message = asyncio.run(main())
    assert says in message or "63 bytes" in message, message


def test_an_async_signer_that_throws_is_a_signer_error_with_its_reason():
    class Cancelled(AsyncPlatformSigner):
        async def sign(self, message):
            raise ck.ConsentKitError.Signer("user cancelled authentication")

    async def main():
        controller = ck.Controller.with_async_signer(Cancelled())
        with pytest.raises(ck.ConsentKitError.Signer) as e:
            await controller.sign_async(controller.prepare_offer(make_offer()))
        assert "user cancelled" in str(e.value)

    asyncio.run(main())


def test_prepare_and_complete_by_hand_with_a_der_signature():
    hsm = AsyncPlatformSigner()
    controller = ck.Controller.with_async_signer(hsm)
    pending = controller.prepare_offer(make_offer())
    assert pending.kind() == ck.ArtifactKind.OFFER
    assert pending.algorithm() == ck.Algorithm.ES256
    assert pending.kid() == controller.public_key().kid()
    offer = controller.complete(pending, hsm.der(pending.message()))
    ck.Verifier(trust_for(controller)).verify(offer)

    phone = AsyncPlatformSigner()
    wallet = ck.Wallet.in_memory_external()
    wallet.trust_key(controller.public_key(), ck.Role.CONTROLLER, CONTROLLER)
    o = wallet.receive(offer, T0).artifact
    wallet.bind_key(CONTROLLER, phone.public_key())
    p = wallet.prepare_accept(o.id, ck.Choice(), T0 + 10)
    assert p.kind() == ck.ArtifactKind.GRANT
    # A signature by another key is refused, and nothing is kept.
    before = len(wallet.artifacts())
    with pytest.raises(ck.ConsentKitError.Signer):
        wallet.complete(p, AsyncPlatformSigner().der(p.message()))
    assert len(wallet.artifacts()) == before
    grant = wallet.complete(p, phone.der(p.message()))
    # An async signer with another key is refused before it is asked.
    other = AsyncPlatformSigner()
    with pytest.raises(ck.ConsentKitError.Usage):
        asyncio.run(wallet.sign_async(wallet.prepare_refuse(o.id, T0 + 20), other))
    assert other.calls == 0
    c = controller.prepare_countersign(grant, offer)
    signed = controller.complete(c, hsm.der(c.message()))
    assert len(ck.Verifier(trust_for(controller)).verify(signed).signers) == 2
