"""The CloudEvents JSON codec on examples the round-trip property does not reach."""

import json
from datetime import UTC, datetime

import pytest

from app.building_blocks.cloudevents import (
    CloudEvent,
    MalformedEventError,
    from_json,
    to_dict,
    to_json,
)
from app.building_blocks.errors import InvalidRequestError


def _event(**fields: object) -> CloudEvent:
    return CloudEvent.model_validate({"id": "e-1", "source": "tests", "type": "t", **fields})


def test_binary_data_travels_as_data_base64() -> None:
    """Bytes become `data_base64` on the wire and bytes again when read."""
    event = _event(data=b"\x00\xff label", datacontenttype="application/octet-stream")
    wire = to_dict(event)
    assert "data" not in wire
    assert wire["data_base64"] == "AP8gbGFiZWw="
    assert from_json(to_json(event)).data == b"\x00\xff label"


def test_unmodelled_attributes_are_kept_as_extensions() -> None:
    """Attributes daprd adds (topic, pubsubname, traceid) survive a read as extensions."""
    raw = {"specversion": "1.0", "id": "e-1", "source": "s", "type": "t", "topic": "restocks"}
    event = from_json(json.dumps(raw))
    assert event.extensions == {"topic": "restocks"}
    assert to_dict(event)["topic"] == "restocks"


def test_time_is_rfc3339_with_offset() -> None:
    """`time` is written with its offset and read back as the same instant."""
    moment = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    assert to_dict(_event(time=moment))["time"] == "2026-01-02T03:04:05.600000Z"
    assert from_json(to_json(_event(time=moment))).time == moment


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"specversion": "1.0", "source": "s", "type": "t"}',
        b'{"specversion": "0.3", "id": "e", "source": "s", "type": "t"}',
        b'{"specversion": "1.0", "id": "", "source": "s", "type": "t"}',
        b'{"specversion": "1.0", "id": "e", "source": "s", "type": "t", "time": "yesterday"}',
        b'{"specversion": "1.0", "id": "e", "source": "s", "type": "t", "data_base64": "%%"}',
        b'{"specversion": "1.0", "id": "e", "source": "s", "type": "t", "data": 1, '
        b'"data_base64": "AA=="}',
        b'{"specversion": "1.0", "id": "e", "source": "s", "type": "t", "data": NaN}',
    ],
)
def test_malformed_envelopes_are_refused(raw: bytes) -> None:
    """Anything that is not a CloudEvents 1.0 JSON envelope is MalformedEventError."""
    with pytest.raises(MalformedEventError):
        from_json(raw)


@pytest.mark.parametrize("data", [{1, 2}, float("nan"), {"when": datetime.now(UTC)}, object()])
def test_data_that_is_not_json_cannot_be_serialised(data: object) -> None:
    """Sets, NaN and arbitrary objects are refused with a typed error, not a TypeError."""
    with pytest.raises(InvalidRequestError, match="cannot be serialised"):
        to_json(_event(data=data))
