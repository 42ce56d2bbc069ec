"""CloudEvents 1.0 in its JSON format: the envelope we publish and the one daprd delivers.

`to_json` and `from_json` are the one serialize/deserialize pair. Binary data travels as
`data_base64` (CloudEvents JSON format, section 3.1); every other value must be plain JSON.
Attributes we do not model (daprd adds `topic`, `pubsubname`, `traceid`, `expiration`;
other publishers add their own extensions) are kept in `extensions`, so nothing is lost.
"""

import base64
import binascii
import json
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from app.building_blocks.errors import InvalidRequestError

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
JSON_CONTENT_TYPE = "application/json"
BINARY_CONTENT_TYPE = "application/octet-stream"

_DATA_ATTRIBUTES = ("data", "data_base64")


class MalformedEventError(InvalidRequestError):
    """Bytes that are not a CloudEvents 1.0 JSON envelope."""

    error_code = "MALFORMED_CLOUD_EVENT"


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope (the seed's model, plus the extensions it carried)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    type: str = Field(min_length=1)
    source: str = Field(min_length=1)
    id: str = Field(min_length=1)
    time: AwareDatetime | None = None
    datacontenttype: str = JSON_CONTENT_TYPE
    data: Any = None
    traceparent: str | None = None
    tracestate: str | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


_MODELLED = frozenset(CloudEvent.model_fields) - {"extensions", "data"}


def check_json_data(data: Any) -> None:
    """Raise InvalidRequestError unless `data` is bytes or strict JSON (no NaN, no sets)."""
    if isinstance(data, bytes):
        return
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidRequestError(
            f"event data cannot be serialised as JSON: {error}",
            {"data_type": type(data).__name__},
        ) from None


def to_dict(event: CloudEvent) -> dict[str, Any]:
    """The envelope as the JSON object that goes on the wire."""
    check_json_data(event.data)
    envelope: dict[str, Any] = dict(event.extensions)
    envelope.update(event.model_dump(mode="json", include=set(_MODELLED), exclude_none=True))
    if isinstance(event.data, bytes):
        envelope["data_base64"] = base64.b64encode(event.data).decode("ascii")
    elif event.data is not None:
        envelope["data"] = event.data
    return envelope


def to_json(event: CloudEvent) -> bytes:
    return json.dumps(to_dict(event), allow_nan=False, separators=(",", ":")).encode()


def from_dict(envelope: Any) -> CloudEvent:
    """Parse a decoded JSON envelope; anything not CloudEvents 1.0 is MalformedEventError."""
    if not isinstance(envelope, dict):
        raise MalformedEventError("a CloudEvent is a JSON object", {})
    if "data" in envelope and "data_base64" in envelope:
        raise MalformedEventError("a CloudEvent has `data` or `data_base64`, not both", {})
    data: Any = envelope.get("data")
    if "data_base64" in envelope:
        encoded = envelope["data_base64"]
        if not isinstance(encoded, str):
            raise MalformedEventError("`data_base64` must be a string", {})
        try:
            data = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise MalformedEventError(f"`data_base64` is not base64: {error}", {}) from None
    fields = {key: value for key, value in envelope.items() if key in _MODELLED}
    extensions = {
        key: value
        for key, value in envelope.items()
        if key not in _MODELLED and key not in _DATA_ATTRIBUTES
    }
    try:
        return CloudEvent.model_validate({**fields, "data": data, "extensions": extensions})
    except ValidationError as error:
        raise MalformedEventError(
            "not a CloudEvents 1.0 envelope",
            {"errors": error.errors(include_input=False, include_url=False)},
        ) from None


def from_json(raw: bytes | str) -> CloudEvent:
    try:
        envelope = json.loads(raw, parse_constant=_reject_constant)
    except ValueError as error:
        raise MalformedEventError(f"the envelope is not JSON: {error}", {}) from None
    return from_dict(envelope)


def _reject_constant(name: str) -> float:
    # json.loads accepts NaN and Infinity by default; they are not JSON (RFC 8259).
    raise ValueError(f"{name} is not a JSON value")
