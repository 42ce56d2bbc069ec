"""SecretsManager's own logic: input checks, value selection, the TTL cache, wrapping.

The sidecar is replaced by a DaprClientWrapper subclass that answers from a dict and
records what would have been sent.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import InvalidRequestError, SecretNotFoundError
from app.building_blocks.redaction import REDACTED, Redactor
from app.building_blocks.secrets import SecretsManager

T = TypeVar("T")

STORE = "secretstore"
SECRETS = {
    "single": {"single": "single-value-1"},
    "multi": {"user": "multi-user-value", "password": "multi-password-value"},
}


@dataclass
class _SecretResponse:
    secret: Mapping[str, str]


@dataclass
class _BulkResponse:
    secrets: Mapping[str, Mapping[str, str]]


class _StoreAnswers:
    """Stands in for the SDK client: answers get_secret and get_bulk_secret from SECRETS."""

    async def get_secret(
        self, store: str, key: str, secret_metadata: Mapping[str, str]
    ) -> _SecretResponse:
        return _SecretResponse(SECRETS.get(key, {}))

    async def get_bulk_secret(
        self, store: str, secret_metadata: Mapping[str, str]
    ) -> _BulkResponse:
        return _BulkResponse(SECRETS)


class RecordingWrapper(DaprClientWrapper):
    def __init__(self) -> None:
        super().__init__(DaprConfig())
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def grpc_call(
        self,
        operation: str,
        call: Callable[[Any], Awaitable[T]],
        timeout_s: float | None = None,
        **context: Any,
    ) -> T:
        self.sent.append((operation, context))
        return await call(_StoreAnswers())


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _manager(ttl_s: float = 30.0) -> tuple[SecretsManager, RecordingWrapper, Redactor]:
    wrapper, redactor = RecordingWrapper(), Redactor()
    return SecretsManager(wrapper, redactor, cache_ttl_s=ttl_s), wrapper, redactor


@pytest.mark.parametrize(
    ("store", "key"), [("", "single"), (" ", "single"), (STORE, ""), (STORE, "\t")]
)
def test_empty_names_are_refused_before_anything_is_sent(store: str, key: str) -> None:
    """An empty store or key is InvalidRequestError, and the sidecar is never called."""
    manager, wrapper, _ = _manager()
    with pytest.raises(InvalidRequestError, match="must not be empty"):
        asyncio.run(manager.get_secret(store, key))
    assert wrapper.sent == []


def test_single_valued_secret_gives_its_one_value() -> None:
    """Without a field, a secret with one value answers that value, wrapped."""
    manager, _, _ = _manager()
    value = asyncio.run(manager.get_secret(STORE, "single"))
    assert isinstance(value, SecretStr)
    assert value.get_secret_value() == "single-value-1"


def test_multi_valued_secret_needs_a_field_and_names_the_choices() -> None:
    """Several values and no field: InvalidRequestError listing value names, not values."""
    manager, _, _ = _manager()
    with pytest.raises(InvalidRequestError, match=r"\(password, user\)") as refused:
        asyncio.run(manager.get_secret(STORE, "multi"))
    assert "multi-user-value" not in str(refused.value)
    user = asyncio.run(manager.get_secret(STORE, "multi", field="user"))
    assert user.get_secret_value() == "multi-user-value"


def test_missing_field_is_secret_not_found() -> None:
    manager, _, _ = _manager()
    with pytest.raises(SecretNotFoundError, match="value 'nope' of secret 'multi'"):
        asyncio.run(manager.get_secret(STORE, "multi", field="nope"))


def test_empty_answer_is_secret_not_found() -> None:
    """A store that answers no values for a key does not have that secret."""
    manager, _, _ = _manager()
    with pytest.raises(SecretNotFoundError, match="secret 'absent' not found in store"):
        asyncio.run(manager.get_secret(STORE, "absent"))


def test_second_read_within_the_ttl_is_served_from_the_cache() -> None:
    """Within the TTL one call reaches the sidecar; after it, the next read goes again."""
    wrapper, clock = RecordingWrapper(), Clock()
    manager = SecretsManager(wrapper, Redactor(), cache_ttl_s=10, clock=clock)
    for now in (0.0, 9.9, 10.1):
        clock.now = now
        asyncio.run(manager.get_secret(STORE, "single"))
    assert len(wrapper.sent) == 2


def test_zero_ttl_reads_through_every_time() -> None:
    manager, wrapper, _ = _manager(ttl_s=0)
    for _ in range(3):
        asyncio.run(manager.get_secret(STORE, "single"))
    assert len(wrapper.sent) == 3


def test_bulk_read_fills_the_cache_for_single_reads() -> None:
    """After get_bulk_secrets, reading one of its secrets needs no further call."""
    manager, wrapper, _ = _manager()
    bulk = asyncio.run(manager.get_bulk_secrets(STORE))
    assert {key: set(values) for key, values in bulk.items()} == {
        "single": {"single"},
        "multi": {"user", "password"},
    }
    asyncio.run(manager.get_secret(STORE, "multi", field="password"))
    assert [operation for operation, _ in wrapper.sent] == ["secret bulk get"]


def test_every_value_read_is_registered_for_redaction() -> None:
    """Values from single and bulk reads are all hidden by the process's redactor."""
    manager, _, redactor = _manager()
    asyncio.run(manager.get_bulk_secrets(STORE))
    text = "single-value-1 multi-user-value multi-password-value"
    assert redactor.redact(text) == " ".join([REDACTED] * 3)


def test_reprs_show_no_value() -> None:
    """The manager's repr counts cached secrets; wrapped values print as asterisks."""
    manager, _, _ = _manager()
    value = asyncio.run(manager.get_secret(STORE, "single"))
    assert "single-value-1" not in repr(manager) + repr(value) + str(value)
    assert repr(manager) == "SecretsManager(1 cached secrets)"


def test_context_sent_names_store_and_key_only() -> None:
    """What goes into error details and logs: the store and the key."""
    manager, wrapper, _ = _manager()
    asyncio.run(manager.get_secret(STORE, "single"))
    assert wrapper.sent == [("secret get", {"store": STORE, "key": "single"})]
