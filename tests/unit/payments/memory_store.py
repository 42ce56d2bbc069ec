"""An in-memory LedgerStore with the same first-write and ETag rules as the Dapr state API."""

import copy
import itertools
from typing import Any

from payments.store import LedgerStore


class MemoryLedgerStore(LedgerStore):
    """Values by key with a fresh ETag per write; shared by two ledgers, it stands in for
    one store behind a restarted provider."""

    def __init__(self) -> None:  # no sidecar, no HTTP client
        self.values: dict[str, tuple[dict[str, Any], str]] = {}
        self._etags = itertools.count(1)

    async def aclose(self) -> None:
        pass

    async def get(self, key: str) -> tuple[dict[str, Any] | None, str | None]:
        if key not in self.values:
            return None, None
        value, etag = self.values[key]
        return copy.deepcopy(value), etag

    async def insert(self, key: str, value: dict[str, Any]) -> bool:
        if key in self.values:
            return False
        self.values[key] = (copy.deepcopy(value), str(next(self._etags)))
        return True

    async def replace(self, key: str, value: dict[str, Any], etag: str) -> bool:
        if key not in self.values or self.values[key][1] != etag:
            return False
        self.values[key] = (copy.deepcopy(value), str(next(self._etags)))
        return True

    async def put(self, key: str, value: dict[str, Any]) -> None:
        self.values[key] = (copy.deepcopy(value), str(next(self._etags)))
