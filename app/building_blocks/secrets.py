"""SecretsManager: secrets from Dapr secret stores, wrapped so their values never print.

Values come back as pydantic `SecretStr` (repr and str show asterisks) and are registered
with the process's Redactor, so the logging filter hides them from every log record.
A secret is a named set of values: single-valued stores answer `{key: value}`, while
Vault, Kubernetes and `secretstores.local.file` with `multiValued` answer several.
"""

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import TTLCache
from pydantic import SecretStr

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import InvalidRequestError, SecretNotFoundError
from app.building_blocks.redaction import Redactor

logger = logging.getLogger(__name__)

SecretValues = dict[str, SecretStr]
_CacheKey = tuple[str, str, frozenset[tuple[str, str]]]


class SecretsManager:
    """Reads secrets through the sidecar; keeps them for a short TTL (0 turns that off)."""

    def __init__(
        self,
        client: DaprClientWrapper,
        redactor: Redactor,
        cache_ttl_s: float = 30.0,
        cache_max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._redactor = redactor
        self._cache: TTLCache[_CacheKey, SecretValues] | None = (
            TTLCache(maxsize=cache_max_entries, ttl=cache_ttl_s, timer=clock)
            if cache_ttl_s > 0
            else None
        )

    def __repr__(self) -> str:
        cached = len(self._cache) if self._cache is not None else 0
        return f"SecretsManager({cached} cached secrets)"

    async def get_secret(
        self,
        store: str,
        key: str,
        field: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> SecretStr:
        """One value: `field` of the secret, or its only value when `field` is None."""
        values = await self.get_secret_values(store, key, metadata)
        if field is not None:
            if field not in values:
                raise SecretNotFoundError.for_key(store, key, field)
            return values[field]
        if len(values) == 1:
            return next(iter(values.values()))
        if key in values:  # single-valued stores name the one value after the secret
            return values[key]
        raise InvalidRequestError(
            f"secret {key!r} in store {store!r} holds {len(values)} values; name one with "
            f"field= ({', '.join(sorted(values))})",
            {"store": store, "key": key},
        )

    async def get_secret_values(
        self, store: str, key: str, metadata: Mapping[str, str] | None = None
    ) -> SecretValues:
        """Every value of the secret, by name."""
        _check_name("secret store name", store)
        _check_name("secret key", key, store=store)
        cache_key = (store, key, frozenset((metadata or {}).items()))
        if self._cache is not None and (cached := self._cache.get(cache_key)) is not None:
            return dict(cached)
        response = await self._client.grpc_call(
            "secret get",
            lambda dapr: dapr.get_secret(store, key, secret_metadata=dict(metadata or {})),
            store=store,
            key=key,
        )
        values = self._wrap(response.secret)
        if not values:  # a store that answers "nothing" has no such secret
            raise SecretNotFoundError.for_key(store, key)
        if self._cache is not None:
            self._cache[cache_key] = values
        logger.debug("read secret %r from store %r (%d values)", key, store, len(values))
        return dict(values)

    async def get_bulk_secrets(
        self, store: str, metadata: Mapping[str, str] | None = None
    ) -> dict[str, SecretValues]:
        """Every secret the store lets this app read (secret scopes apply), by key."""
        _check_name("secret store name", store)
        response = await self._client.grpc_call(
            "secret bulk get",
            lambda dapr: dapr.get_bulk_secret(store, secret_metadata=dict(metadata or {})),
            store=store,
        )
        secrets = {key: self._wrap(values) for key, values in response.secrets.items()}
        if self._cache is not None and not metadata:
            for key, values in secrets.items():
                self._cache[(store, key, frozenset())] = values
        logger.debug("read %d secrets from store %r", len(secrets), store)
        return {key: dict(values) for key, values in secrets.items()}

    def clear_cache(self) -> None:
        if self._cache is not None:
            self._cache.clear()

    def _wrap(self, values: Mapping[str, Any]) -> SecretValues:
        wrapped: SecretValues = {}
        for name, value in values.items():
            text = str(value)
            self._redactor.add(text)
            wrapped[str(name)] = SecretStr(text)
        return wrapped


def _check_name(what: str, name: str, **context: str) -> None:
    """Empty names are refused here, before anything is sent to the sidecar."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError(f"{what} must not be empty", {**context})
