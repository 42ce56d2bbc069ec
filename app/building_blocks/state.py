"""StateManager: key/value state with ETags, TTL, bulk, transactions and query."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from dapr.clients.grpc._request import TransactionalStateOperation, TransactionOperationType
from dapr.clients.grpc._state import Concurrency as SdkConcurrency
from dapr.clients.grpc._state import Consistency as SdkConsistency
from dapr.clients.grpc._state import StateItem as SdkStateItem
from dapr.clients.grpc._state import StateOptions as SdkStateOptions

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import InvalidRequestError

# Dapr uses "||" to build actor state keys; a key containing it could alias actor state.
_RESERVED_IN_KEYS = "||"
MAX_KEY_LENGTH = 1024


class Consistency(StrEnum):
    EVENTUAL = "eventual"
    STRONG = "strong"


class Concurrency(StrEnum):
    FIRST_WRITE = "first-write"
    LAST_WRITE = "last-write"


@dataclass(frozen=True)
class StateOptions:
    consistency: Consistency = Consistency.STRONG
    concurrency: Concurrency = Concurrency.LAST_WRITE

    def to_sdk(self) -> SdkStateOptions:
        return SdkStateOptions(
            consistency=SdkConsistency.strong
            if self.consistency is Consistency.STRONG
            else SdkConsistency.eventual,
            concurrency=SdkConcurrency.first_write
            if self.concurrency is Concurrency.FIRST_WRITE
            else SdkConcurrency.last_write,
        )


_DEFAULT_SDK_OPTIONS = StateOptions().to_sdk()  # built once: most saves use the defaults


@dataclass(frozen=True)
class StateItem:
    key: str
    value: bytes
    etag: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StateOperation:
    """One step of a transaction: upsert a value, or delete a key (optionally ETag-guarded)."""

    kind: Literal["upsert", "delete"]
    key: str
    value: bytes = b""
    etag: str | None = None


class StateManager:
    """One state store. Inputs are checked before anything is sent: a bad key or an
    oversize value is an InvalidRequestError and nothing is written."""

    def __init__(self, client: DaprClientWrapper, store_name: str, max_value_bytes: int) -> None:
        self._client = client
        self.store_name = store_name
        self._max_value_bytes = max_value_bytes

    def _check_key(self, key: str) -> None:
        if not key or not key.strip():
            raise InvalidRequestError("state key must not be empty", {"store": self.store_name})
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidRequestError(
                f"state key is longer than {MAX_KEY_LENGTH} characters", {"store": self.store_name}
            )
        if _RESERVED_IN_KEYS in key:
            raise InvalidRequestError(
                "state key must not contain '||' (reserved by Dapr for actor state)",
                {"store": self.store_name, "key": key},
            )

    def _check_value(self, key: str, value: bytes) -> None:
        if len(value) > self._max_value_bytes:
            raise InvalidRequestError(
                f"value of {len(value)} bytes exceeds the limit of {self._max_value_bytes}",
                {"store": self.store_name, "key": key},
            )

    def _context(self, **extra: Any) -> dict[str, Any]:
        return {"store": self.store_name, **extra}

    async def get(self, key: str) -> StateItem | None:
        """The item, or None when the key holds nothing."""
        self._check_key(key)
        response = await self._client.grpc_call(
            "state get",
            lambda dapr: dapr.get_state(self.store_name, key),
            store=self.store_name,
            key=key,
        )
        if not response.data:
            return None
        return StateItem(key=key, value=bytes(response.data), etag=response.etag or None)

    async def get_bulk(self, keys: Sequence[str], parallelism: int = 10) -> list[StateItem]:
        """Items for the keys that hold something, in the order asked."""
        for key in keys:
            self._check_key(key)
        if not keys:
            return []
        response = await self._client.grpc_call(
            "state bulk get",
            lambda dapr: dapr.get_bulk_state(self.store_name, list(keys), parallelism=parallelism),
            **self._context(keys=len(keys)),
        )
        by_key = {item.key: item for item in response.items if item.data}
        return [
            StateItem(key=key, value=_as_bytes(by_key[key].data), etag=by_key[key].etag or None)
            for key in keys
            if key in by_key
        ]

    async def save(
        self,
        key: str,
        value: bytes,
        etag: str | None = None,
        options: StateOptions | None = None,
        ttl_seconds: int | None = None,
        content_type: str | None = None,
    ) -> None:
        """Save; with an ETag (or first-write) the write is refused if the value changed.

        `content_type="application/json"` stores the value as JSON, which the query API
        needs to filter on its fields; otherwise stores keep the bytes (base64 in SQL).
        """
        self._check_key(key)
        self._check_value(key, value)
        metadata = _ttl_metadata(ttl_seconds)
        if content_type:
            metadata["contentType"] = content_type
        sdk_options = _DEFAULT_SDK_OPTIONS if options is None else options.to_sdk()
        await self._client.grpc_call(
            "state save",
            lambda dapr: dapr.save_state(
                self.store_name, key, value, etag=etag, options=sdk_options, state_metadata=metadata
            ),
            store=self.store_name,
            key=key,
        )

    async def save_bulk(self, items: Sequence[StateItem]) -> None:
        for item in items:
            self._check_key(item.key)
            self._check_value(item.key, item.value)
        if not items:
            return
        sdk_items = [
            SdkStateItem(
                key=item.key, value=item.value, etag=item.etag, metadata=dict(item.metadata)
            )
            for item in items
        ]
        await self._client.grpc_call(
            "state bulk save",
            lambda dapr: dapr.save_bulk_state(self.store_name, sdk_items),
            **self._context(items=len(items)),
        )

    async def delete(self, key: str, etag: str | None = None) -> None:
        """Delete; with an ETag the delete is refused if the value changed since."""
        self._check_key(key)
        options = StateOptions(
            concurrency=Concurrency.FIRST_WRITE if etag else Concurrency.LAST_WRITE
        )
        await self._client.grpc_call(
            "state delete",
            lambda dapr: dapr.delete_state(
                self.store_name, key, etag=etag, options=options.to_sdk()
            ),
            **self._context(key=key),
        )

    async def transaction(self, operations: Sequence[StateOperation]) -> None:
        """Apply every operation or none (the store must be transactional)."""
        for operation in operations:
            self._check_key(operation.key)
            if operation.kind == "upsert":
                self._check_value(operation.key, operation.value)
        if not operations:
            return
        sdk_operations = [
            TransactionalStateOperation(
                key=operation.key,
                data=operation.value,
                etag=operation.etag,
                operation_type=TransactionOperationType.upsert
                if operation.kind == "upsert"
                else TransactionOperationType.delete,
            )
            for operation in operations
        ]
        await self._client.grpc_call(
            "state transaction",
            lambda dapr: dapr.execute_state_transaction(self.store_name, sdk_operations),
            **self._context(operations=len(operations)),
        )

    async def query(self, query: Mapping[str, Any]) -> list[StateItem]:
        """Run a state query (stores with the query API only; others: NotSupportedError)."""
        if not isinstance(query, Mapping) or not query:
            raise InvalidRequestError("a query is a non-empty JSON object", self._context())
        response = await self._client.grpc_call(
            "state query",
            lambda dapr: dapr.query_state(self.store_name, json.dumps(query)),
            **self._context(),
        )
        return [
            StateItem(key=item.key, value=bytes(item.value), etag=item.etag or None)
            for item in response.results
        ]


def _ttl_metadata(ttl_seconds: int | None) -> dict[str, str]:
    if ttl_seconds is None:
        return {}
    if ttl_seconds <= 0:
        raise InvalidRequestError("ttl_seconds must be positive", {"ttl_seconds": ttl_seconds})
    return {"ttlInSeconds": str(ttl_seconds)}


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)
