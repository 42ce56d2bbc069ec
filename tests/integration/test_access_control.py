"""payment-service's access control and secret scope (dapr/config/payment-service.yaml),
attacked through real sidecars: the caller's app id is the SPIFFE identity in its mTLS
certificate, so only the order service gets in, and only to what its saga calls."""

import uuid

import httpx
import pytest

from devstack.peers import PeerApp
from devstack.stack import Stack
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID
from tests.support.echo_app import ECHO_APP_ID
from tests.support.payments import PaymentsAdmin, dev_api_key


def _sidecar(stack: Stack, peer: PeerApp | None = None) -> httpx.Client:
    """A client of `peer`'s daprd (the app's own by default), with that daprd's token."""
    if peer is None:
        return httpx.Client(
            base_url=stack.dapr_http_url, headers=stack.config.tokens.headers(), timeout=30
        )
    base_url = f"http://127.0.0.1:{peer.ports.dapr_http}"
    return httpx.Client(base_url=base_url, headers=peer.tokens.headers(), timeout=30)


def _charge_body() -> dict[str, str]:
    return {"order_id": f"o-{uuid.uuid4().hex[:8]}", "amount": "4.00"}


def test_another_app_cannot_charge_through_service_invocation(stack: Stack) -> None:
    """The echo peer, with the right API key, is refused by payment-service's sidecar
    (403) and nothing is charged; the order service's own charge goes through."""
    body, key = _charge_body(), {API_KEY_HEADER: dev_api_key()}
    with _sidecar(stack, stack.config.peer(ECHO_APP_ID)) as echo:
        refused = echo.post(f"/v1.0/invoke/{PAYMENT_APP_ID}/method/charges", json=body, headers=key)
    assert refused.status_code == 403, refused.text
    assert "access control policy" in refused.text
    assert PaymentsAdmin(stack).charge(body["order_id"]) is None
    with _sidecar(stack) as service:
        charged = service.post(
            f"/v1.0/invoke/{PAYMENT_APP_ID}/method/charges", json=body, headers=key
        )
    assert charged.status_code == 200, charged.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "admin/behaviour"), ("GET", "admin/attempts"), ("GET", "charges/any-order")],
)
def test_the_order_service_reaches_only_what_its_saga_calls(
    stack: Stack, method: str, path: str
) -> None:
    """python-api is allowed POST /charges, POST /refunds and GET /health only."""
    key = {API_KEY_HEADER: dev_api_key()}
    with _sidecar(stack) as service:
        response = service.request(
            method, f"/v1.0/invoke/{PAYMENT_APP_ID}/method/{path}", json={}, headers=key
        )
    assert response.status_code == 403, response.text


def test_payment_service_reads_only_its_own_secret(stack: Stack) -> None:
    """Its sidecar serves the `payment` secret and refuses any other name, before the store
    is even asked (without the scope, the same call is a 500 "not found")."""
    with _sidecar(stack, stack.config.peer(PAYMENT_APP_ID)) as provider:
        assert provider.get("/v1.0/secrets/secretstore/payment").status_code == 200
        refused = provider.get("/v1.0/secrets/secretstore/orderflow")
    assert refused.status_code == 403, refused.text
