"""Calls to the payment provider through Dapr service invocation, with its API key.

The key is read from the secret store on each call (the secrets port caches it), so a
rotated key is picked up without a restart. Used by the payment activities (charge,
refund) and by the books audit (the provider's ledger); async, run through the LoopBridge."""

import json
from datetime import date
from typing import Any

from app.building_blocks.invoke import HttpMethod, ServiceInvoker
from app.building_blocks.secrets import SecretsManager
from app.settings import Settings
from payments.models import LedgerDay, LedgerEntries, LedgerEntry

_SECRET, _VALUE = "payment", "api-key"


class PaymentProvider:
    def __init__(
        self,
        invoker: ServiceInvoker,
        secrets: SecretsManager,
        settings: Settings,
        key_header: str,
    ) -> None:
        self._invoker = invoker
        self._secrets = secrets
        self._settings = settings
        self._key_header = key_header

    async def post(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON body; InvocationError for a non-2xx answer (after daprd's retries)."""
        answer: dict[str, Any] = json.loads(await self._call(method, HttpMethod.POST, body))
        return answer

    async def ledger(self, order_ids: list[str]) -> list[LedgerEntry]:
        """The charges (with refunds) of these orders; orders never charged are absent."""
        data = await self._call("ledger/orders", HttpMethod.POST, {"order_ids": order_ids})
        return LedgerEntries.model_validate_json(data).entries

    async def ledger_day(self, day: date, offset: int, limit: int) -> LedgerDay:
        """A page of the charges the provider filed on one UTC day."""
        query = {"offset": str(offset), "limit": str(limit)}
        data = await self._call(f"ledger/days/{day.isoformat()}", HttpMethod.GET, None, query)
        return LedgerDay.model_validate_json(data)

    async def _call(
        self,
        method: str,
        verb: HttpMethod,
        body: dict[str, Any] | None,
        query: dict[str, str] | None = None,
    ) -> bytes:
        key = await self._secrets.get_secret(self._settings.secretstore_name, _SECRET, _VALUE)
        response = await self._invoker.invoke(
            self._settings.payment_app_id,
            method,
            data=None if body is None else json.dumps(body).encode(),
            http_verb=verb,
            headers={self._key_header: key.get_secret_value()},
            query=query,
        )
        return response.data
