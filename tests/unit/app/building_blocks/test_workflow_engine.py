"""WorkflowEngine's local behaviour: registration, name lookup and input validation.

No sidecar is involved: the SDK's client and worker connect lazily, and every case here
is decided before a call would leave the process.
"""

import asyncio

import pytest
from pydantic import ValidationError

from app.building_blocks.workflows import UnknownWorkflowError, WorkflowEngine
from workflows import WORKFLOWS


def _engine() -> WorkflowEngine:
    engine = WorkflowEngine("127.0.0.1", 1)  # port 1: nothing listens, nothing may connect
    engine.register(WORKFLOWS, [])
    return engine


def test_the_same_registries_register_in_two_engines() -> None:
    """The SDK refuses a function registered before; our wrappers keep registries reusable."""
    assert (
        _engine().workflow_names
        == _engine().workflow_names
        == [
            "books_audit",
            "engine_canary",
            "inventory_audit",
            "order_compensation",
            "order_fulfillment",
            "restock",
            "restock_approval",
            "shipping",
        ]
    )


def test_unknown_workflow_name_is_a_typed_error() -> None:
    """Asking for a workflow nobody registered raises UnknownWorkflowError with the name."""
    with pytest.raises(UnknownWorkflowError, match="no-such-flow"):
        asyncio.run(_engine().schedule("no-such-flow", {}))


def test_invalid_input_is_refused_before_anything_is_scheduled() -> None:
    """Input that fails the workflow's model raises ValidationError naming the field."""
    with pytest.raises(ValidationError, match="quantity"):
        asyncio.run(_engine().schedule("restock", {"sku": "A-1", "quantity": -1}))


def test_engine_is_not_started_until_start() -> None:
    """Readiness relies on `started`, which stays False until the runtime runs."""
    assert _engine().started is False
