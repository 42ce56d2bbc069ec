"""State query (seed 6): on PostgreSQL (full profile) and on SQLite, which has no query API."""

import asyncio
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.errors import NotSupportedError
from app.building_blocks.state import StateManager

colours = st.sampled_from(["red", "green", "blue"])
records = st.lists(
    st.fixed_dictionaries({"colour": colours, "size": st.integers(min_value=0, max_value=99)}),
    min_size=0,
    max_size=12,
)


@given(batch=records, wanted=colours)
def test_state_query_result_correctness(
    runner: asyncio.Runner, full_state: StateManager, batch: list[dict[str, object]], wanted: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 6: State Query Result Correctness**
    **Validates: Requirements 4.6**

    Every item the query returns matches the filter, and every stored item that matches
    it is returned (PostgreSQL state store of the full profile).
    """
    batch_id = uuid.uuid4().hex
    stored = {
        f"q-{batch_id}-{index}": {**record, "batch": batch_id} for index, record in enumerate(batch)
    }
    for key, value in stored.items():
        runner.run(
            full_state.save(key, json.dumps(value).encode(), content_type="application/json")
        )
    query = {"filter": {"AND": [{"EQ": {"batch": batch_id}}, {"EQ": {"colour": wanted}}]}}
    found = runner.run(full_state.query(query))
    returned = {item.key: json.loads(item.value) for item in found}
    assert all(
        value["batch"] == batch_id and value["colour"] == wanted for value in returned.values()
    )
    assert returned == {key: value for key, value in stored.items() if value["colour"] == wanted}


@given(wanted=colours)
def test_state_query_on_a_store_without_query_api_is_a_typed_error(
    runner: asyncio.Runner, state: StateManager, wanted: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 6: State Query Result Correctness**
    **Validates: Requirements 4.6**

    On the local profile's SQLite store (no query API) every query is NotSupportedError,
    never a partial or empty result that could pass for "nothing matched".
    """
    with pytest.raises(NotSupportedError):
        runner.run(state.query({"filter": {"EQ": {"colour": wanted}}}))
