"""A client for the payment-service peer through the test stack's own sidecar."""

import json
import time
from typing import Any

import httpx

from devstack.peers import PeerApp
from devstack.runtime import DEV_SECRETS_FILE
from devstack.stack import Stack
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID


def dev_api_key() -> str:
    secrets: dict[str, dict[str, str]] = json.loads(DEV_SECRETS_FILE.read_text())
    return secrets["payment"]["api-key"]


class PaymentsAdmin:
    """Switches the provider's behaviour and reads its charges through the provider's own
    daprd, which loads no resiliency policy: the service's daprd retries every non-2xx
    answer from payment-service and counts it toward a circuit breaker."""

    def __init__(self, where: Stack | PeerApp) -> None:
        """`where`: a stack's payment-service peer, or any peer running payments.main."""
        peer = where.config.peer(PAYMENT_APP_ID) if isinstance(where, Stack) else where
        self._http = httpx.Client(
            base_url=f"http://127.0.0.1:{peer.ports.dapr_http}",
            headers=peer.tokens.headers(),
            timeout=10,
        )
        self._base = f"/v1.0/invoke/{peer.app_id}/method"
        self._headers = {API_KEY_HEADER: dev_api_key()}

    def post(self, path: str, body: Any, key: str | None) -> httpx.Response:
        headers = {API_KEY_HEADER: key} if key is not None else {}
        return self._http.post(f"{self._base}{path}", json=body, headers=headers)

    def get(self, path: str, key: str | None) -> httpx.Response:
        headers = {API_KEY_HEADER: key} if key is not None else {}
        return self._http.get(f"{self._base}{path}", headers=headers)

    def behave(
        self,
        mode: str = "approve",
        fail_next: int = 0,
        latency_ms: int = 0,
        fail_order_id: str | None = None,
    ) -> None:
        body = {
            "mode": mode,
            "fail_next": fail_next,
            "latency_ms": latency_ms,
            "fail_order_id": fail_order_id,
        }
        response = self._http.put(f"{self._base}/admin/behaviour", json=body, headers=self._headers)
        response.raise_for_status()

    def attempts(self, order_id: str | None = None) -> list[dict[str, Any]]:
        """The charge requests the provider received (for `order_id`), in arrival order."""
        params = {"order_id": order_id} if order_id is not None else {}
        response = self._http.get(
            f"{self._base}/admin/attempts", params=params, headers=self._headers
        )
        response.raise_for_status()
        return list(response.json())

    def clear_attempts(self) -> None:
        response = self._http.delete(f"{self._base}/admin/attempts", headers=self._headers)
        response.raise_for_status()

    def refund(self, charge_id: str) -> dict[str, Any] | None:
        """The refund of `charge_id`, or None if it was never refunded."""
        response = self._http.get(f"{self._base}/refunds/{charge_id}", headers=self._headers)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def wait_for_attempt(self, order_id: str, timeout_s: float = 30.0) -> None:
        """Until a charge request for `order_id` has reached the provider."""
        deadline = time.monotonic() + timeout_s
        while not self.attempts(order_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no charge request for {order_id} in {timeout_s:.0f}s")
            time.sleep(0.05)

    def charge(self, order_id: str) -> dict[str, Any] | None:
        response = self._http.get(f"{self._base}/charges/{order_id}", headers=self._headers)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result


def restart_payment_service(stack: Stack, timeout_s: float = 60.0) -> None:
    """Stop payment-service's app and daprd, start both again, and wait until its daprd
    reaches the app (the ledger's state is all that carries over)."""
    index = [peer.app_id for peer in stack.config.peers].index(PAYMENT_APP_ID)
    app, sidecar = stack.peers[index]
    sidecar.stop()
    app.stop()
    app.start()
    sidecar.start()
    peer = stack.config.peers[index]
    sidecar_url = f"http://127.0.0.1:{peer.ports.dapr_http}"
    # daprd's healthz can answer 204 before its app channel is up (an invocation then
    # answers 500): wait for both.
    checks = (
        (f"{sidecar_url}/v1.0/healthz", 204),
        (f"{sidecar_url}/v1.0/invoke/{PAYMENT_APP_ID}/method/health", 200),
    )
    deadline = time.monotonic() + timeout_s
    for url, status in checks:
        while not _answers(url, status, peer.tokens.headers()):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"payment-service not healthy {timeout_s:.0f}s after its restart"
                )
            time.sleep(0.2)


def _answers(url: str, status: int, headers: dict[str, str]) -> bool:
    try:
        return httpx.get(url, headers=headers, timeout=2.0).status_code == status
    except httpx.HTTPError:
        return False
