"""GuardedList on the real state store: concurrent writers never lose each other's items."""

import asyncio
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import ConcurrencyError
from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import StateManager, StateOptions


def _key() -> str:
    return f"guarded-{uuid.uuid4().hex}"


@settings(max_examples=10)  # each example races up to 12 writers through the sidecar
@given(items=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=12, unique=True))
def test_concurrent_appends_keep_every_item(
    runner: asyncio.Runner, state: StateManager, items: list[str]
) -> None:
    """Writers appending at once each win eventually: every item is stored exactly once."""
    guarded = GuardedList(state, _key(), str)

    def appending(item: str) -> Callable[[list[str]], list[str]]:
        return lambda xs: [*xs, item]

    async def append_all() -> None:
        await asyncio.gather(*(guarded.update(appending(item)) for item in items))

    runner.run(append_all())
    assert sorted(runner.run(guarded.read())) == sorted(items)


def test_a_field_wrapped_list_is_stored_as_that_object(
    runner: asyncio.Runner, state: StateManager
) -> None:
    """With `field`, the key holds {field: [...]} (the SKU and workflow indexes' format)."""
    key = _key()
    runner.run(GuardedList(state, key, str, field="skus").update(lambda xs: [*xs, "SKU-1"]))
    item = runner.run(state.get(key))
    assert item is not None
    assert item.value == b'{"skus":["SKU-1"]}'


def test_an_unchanged_list_is_not_written_again(
    runner: asyncio.Runner, state: StateManager
) -> None:
    """A change that changes nothing leaves the stored ETag as it was: no write happened."""
    key = _key()
    guarded = GuardedList(state, key, str)
    runner.run(guarded.update(lambda xs: [*xs, "a"]))
    before = runner.run(state.get(key))
    runner.run(guarded.update(lambda xs: xs))
    after = runner.run(state.get(key))
    assert before is not None
    assert after is not None
    assert after.etag == before.etag


class RivalWritesFirst(StateManager):
    """A rival writer gets in between every guarded read and its write."""

    async def save(
        self,
        key: str,
        value: bytes,
        etag: str | None = None,
        options: StateOptions | None = None,
        ttl_seconds: int | None = None,
        content_type: str | None = None,
    ) -> None:
        if etag is not None:
            await super().save(key, b'["rival"]')
        await super().save(key, value, etag, options, ttl_seconds, content_type)


def test_a_writer_that_loses_every_round_gives_up_naming_the_key(
    runner: asyncio.Runner, dapr_client: DaprClientWrapper
) -> None:
    """After max_attempts lost rounds, ConcurrencyError (409) names the contended key."""
    rival_state = RivalWritesFirst(dapr_client, "statestore", max_value_bytes=1024)
    key = _key()
    runner.run(rival_state.save(key, b'["first"]'))
    guarded = GuardedList(rival_state, key, str, max_attempts=3)
    with pytest.raises(ConcurrencyError, match=key):
        runner.run(guarded.update(lambda xs: [*xs, "mine"]))
    assert runner.run(guarded.read()) == ["rival"]
