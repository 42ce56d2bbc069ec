"""The provider's records in its own Dapr state store, through its sidecar's HTTP state API.

The component (`dapr/peers/payment-service/ledger-store.yaml`) is scoped to payment-service:
the order service's daprd never loads it, and this app's daprd loads nothing else of
ours but the secret store. Idempotency rests on the store, not on this process: a new
key is written with first-write concurrency (insert if absent) and a change of an
existing one carries the ETag it was read with, so two writers never both win.
"""

from typing import Any
from urllib.parse import quote

import httpx

LEDGER_STORE = "payment-ledger"


class LedgerUnavailableError(Exception):
    """The sidecar or its store did not answer as expected (the provider answers 503)."""


class LedgerStore:
    """Get, insert-if-absent and compare-and-swap of JSON values by key."""

    def __init__(
        self,
        dapr_http: str,
        store: str = LEDGER_STORE,
        timeout_s: float = 10.0,
        headers: dict[str, str] | None = None,
    ):
        base_url = f"{dapr_http}/v1.0/state/{store}"
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, headers=headers)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, key: str) -> tuple[dict[str, Any] | None, str | None]:
        """The value and its ETag; (None, None) for a key never written."""
        response = await self._call("GET", f"/{quote(key, safe=':')}", None)
        if response.status_code == 204:
            return None, None
        _raise_unless(response, 200)
        value: dict[str, Any] = response.json()
        return value, response.headers.get("etag")

    async def insert(self, key: str, value: dict[str, Any]) -> bool:
        """Write a new key; False if it exists (first-write with no ETag: insert only)."""
        return await self._save({"key": key, "value": value, "options": _FIRST_WRITE})

    async def replace(self, key: str, value: dict[str, Any], etag: str) -> bool:
        """Change a key read with `etag`; False if someone changed it since."""
        item = {"key": key, "value": value, "etag": etag, "options": _FIRST_WRITE}
        return await self._save(item)

    async def put(self, key: str, value: dict[str, Any]) -> None:
        """Write unconditionally (for values derived from a record already won)."""
        await self._save({"key": key, "value": value})

    async def _save(self, item: dict[str, Any]) -> bool:
        response = await self._call("POST", "", [item])
        if response.status_code == 409:  # daprd's answer to an ETag mismatch
            return False
        _raise_unless(response, 204)
        return True

    async def _call(self, method: str, path: str, body: Any) -> httpx.Response:
        try:
            return await self._http.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise LedgerUnavailableError(f"state store unreachable: {error!r}") from error


_FIRST_WRITE = {"concurrency": "first-write"}


def _raise_unless(response: httpx.Response, expected: int) -> None:
    if response.status_code != expected:
        raise LedgerUnavailableError(
            f"state store answered {response.status_code}: {response.text[:300]}"
        )
