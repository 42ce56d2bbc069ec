"""Output and input bindings through real sidecars.

Output: the local profile's `shipping-labels` (bindings.localstorage) on the app's sidecar.
Input: the probe's test-only `probe-ticks` cron, served by the input-binding registry.
"""

import base64
import json
import uuid
from pathlib import Path

import pytest

from app.building_blocks.errors import ComponentNotFoundError, DaprError, NotSupportedError
from devstack.stack import Stack
from tests.support.probe import Probe, wait_until
from tests.support.sidecar_clients import invoke_binding

LABELS = "shipping-labels"


def _invoke(
    stack: Stack, operation: str, data: bytes = b"", metadata: dict[str, str] | None = None
) -> bytes:
    response = invoke_binding(stack, LABELS, operation, data, metadata)
    return response.data


def test_label_is_created_read_listed_and_deleted(stack: Stack) -> None:
    """A label file written through the binding reads back byte for byte, lists, and deletes."""
    folder = f"labels-{uuid.uuid4().hex}"
    file_name = f"{folder}/order-1.json"
    label = json.dumps({"order": "o-1", "carrier": "dhl"}).encode() + b"\n\x00\xff"
    # localstorage base64-decodes whatever decodes as base64 (and unquotes quoted
    # strings), so arbitrary bytes are sent encoded and come back raw.
    created = _invoke(stack, "create", base64.b64encode(label), {"fileName": file_name})
    assert json.loads(created) == {"fileName": file_name}

    assert _invoke(stack, "get", metadata={"fileName": file_name}) == label
    listed = json.loads(_invoke(stack, "list", metadata={"fileName": folder}))
    assert [Path(path).relative_to(Path(path).parents[1]).as_posix() for path in listed] == [
        file_name
    ]

    _invoke(stack, "delete", metadata={"fileName": file_name})
    with pytest.raises(DaprError, match="file not found") as missing:
        _invoke(stack, "get", metadata={"fileName": file_name})
    assert not isinstance(missing.value, ComponentNotFoundError)


def test_unknown_binding_is_component_not_found(stack: Stack) -> None:
    """A binding the sidecar has not loaded is ComponentNotFoundError."""
    with pytest.raises(ComponentNotFoundError):
        invoke_binding(stack, "no-such-binding", "create")


def test_unsupported_operation_is_not_supported(stack: Stack) -> None:
    """An operation the component does not offer is NotSupportedError."""
    with pytest.raises(NotSupportedError):
        _invoke(stack, "explode")


def test_cron_events_reach_the_registered_input_binding(probe: Probe) -> None:
    """daprd triggers a served input binding: cron events arrive with the binding's metadata."""
    wait_until(lambda: len(probe.ticks()) >= 2, 10, "two ticks of the one-second cron")
    tick = probe.ticks()[-1]
    assert "readtimeutc" in tick["metadata"]
    assert "timezone" in tick["metadata"]
