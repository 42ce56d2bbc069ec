"""The one id rule: client ids, instance ids and derived child ids."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.ids import child_instance_id, is_client_id, is_instance_id
from tests.properties.strategies import client_ids

roles = st.from_regex(r"[a-z][a-z_]{0,31}", fullmatch=True)


@given(client_id=client_ids, role=roles)
def test_a_derived_child_id_is_never_a_client_id(client_id: str, role: str) -> None:
    """A child id can be read as an instance id but never chosen by a client."""
    child = child_instance_id(client_id, role)
    assert is_instance_id(child)
    assert not is_client_id(child)
    assert not child.endswith(":")
    assert "::" not in child


@given(client_id=client_ids)
def test_client_ids_are_instance_ids_without_a_colon(client_id: str) -> None:
    """Every client id is readable, and none carries daprd's activity separator."""
    assert is_instance_id(client_id)
    assert ":" not in client_id


@pytest.mark.parametrize(
    "value", ["o1:::1::1:", "P:shipping", "a:", "a::b", ":a", "", "-a", "a\n", "a/b", "x" * 129]
)
def test_ids_the_engine_cannot_run_or_that_collide_are_not_client_ids(value: str) -> None:
    """Trailing ':', '::', derived-looking ids, bad first characters and newlines are refused."""
    assert not is_client_id(value)


def test_no_child_id_is_derived_from_an_id_outside_the_rule() -> None:
    """Deriving from a non-client id (or with an odd role) is a programming error."""
    with pytest.raises(ValueError, match="no child id"):
        child_instance_id("a:b", "shipping")
    with pytest.raises(ValueError, match="no child id"):
        child_instance_id("a", "Ship:ping")
