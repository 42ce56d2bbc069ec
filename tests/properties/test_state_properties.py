"""State management properties (seed 2-5) against the real sidecar's state store."""

import asyncio
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.errors import ConcurrencyError
from app.building_blocks.state import StateItem, StateManager, StateOperation

# Keys: printable text without Dapr's reserved "||"; a uuid prefix keeps examples apart.
key_suffixes = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters="|"),
    min_size=1,
    max_size=60,
)
values = st.binary(min_size=1, max_size=10_000)


def _key(suffix: str) -> str:
    return f"prop-{uuid.uuid4().hex[:8]}-{suffix}"


@given(suffix=key_suffixes, value=values)
def test_state_round_trip(
    runner: asyncio.Runner, state: StateManager, suffix: str, value: bytes
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 2: State Management Round-Trip**
    **Validates: Requirements 4.1, 4.2**
    """
    key = _key(suffix)
    runner.run(state.save(key, value))
    item = runner.run(state.get(key))
    assert item is not None
    assert item.value == value
    assert item.etag


@given(suffix=key_suffixes, value=values)
def test_state_deletion_consistency(
    runner: asyncio.Runner, state: StateManager, suffix: str, value: bytes
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 3: State Deletion Consistency**
    **Validates: Requirements 4.3**
    """
    key = _key(suffix)
    runner.run(state.save(key, value))
    runner.run(state.delete(key))
    assert runner.run(state.get(key)) is None


@given(batch=st.dictionaries(key_suffixes, values, min_size=1, max_size=20))
def test_bulk_state_operations_completeness(
    runner: asyncio.Runner, state: StateManager, batch: dict[str, bytes]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 4: Bulk State Operations Completeness**
    **Validates: Requirements 4.4**
    """
    prefix = f"prop-{uuid.uuid4().hex[:8]}-"
    items = [StateItem(key=prefix + suffix, value=value) for suffix, value in batch.items()]
    runner.run(state.save_bulk(items))
    keys = [item.key for item in items]
    read = runner.run(state.get_bulk(keys))
    assert {item.key: item.value for item in read} == {item.key: item.value for item in items}


@given(
    writes=st.dictionaries(key_suffixes, values, min_size=1, max_size=10),
    stale_index=st.one_of(st.none(), st.integers(min_value=0, max_value=9)),
)
def test_transactional_state_atomicity(
    runner: asyncio.Runner,
    state: StateManager,
    writes: dict[str, bytes],
    stale_index: int | None,
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 5: Transactional State Atomicity**
    **Validates: Requirements 4.5**

    Every key starts at a known value. The transaction upserts all keys, each guarded by
    the ETag read before it; with `stale_index` set, that key is changed behind the
    transaction's back first. Then either every write lands or none does.
    """
    prefix = f"prop-{uuid.uuid4().hex[:8]}-"
    keys = [prefix + suffix for suffix in writes]
    runner.run(state.save_bulk([StateItem(key=key, value=b"before") for key in keys]))
    etags = {item.key: item.etag for item in runner.run(state.get_bulk(keys))}
    stale_key = keys[stale_index % len(keys)] if stale_index is not None else None
    if stale_key is not None:
        runner.run(state.save(stale_key, b"changed behind the transaction"))
    operations = [
        StateOperation("upsert", key, writes[key.removeprefix(prefix)], etag=etags[key])
        for key in keys
    ]
    if stale_key is None:
        runner.run(state.transaction(operations))
        expected = {key: writes[key.removeprefix(prefix)] for key in keys}
    else:
        with pytest.raises(ConcurrencyError):
            runner.run(state.transaction(operations))
        expected = {key: b"before" for key in keys}
        expected[stale_key] = b"changed behind the transaction"
    after = {item.key: item.value for item in runner.run(state.get_bulk(keys))}
    assert after == expected
