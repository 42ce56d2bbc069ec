"""BindingsManager: invoking output bindings.

Calls go through the SDK's gRPC client, whose answer carries the binding's response
metadata (the HTTP API would fold it into headers). Input bindings: input_bindings.py.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import (
    ComponentNotFoundError,
    DaprConnectionError,
    DaprError,
    DaprTimeoutError,
    InvalidRequestError,
    NotSupportedError,
)


@dataclass(frozen=True)
class BindingResponse:
    data: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)


def _check_not_blank(what: str, value: str) -> None:
    if not value or not value.strip():
        raise InvalidRequestError(f"{what} must not be empty", {what: value})


class BindingsManager:
    """Invokes output bindings; input is checked before anything is sent."""

    def __init__(self, client: DaprClientWrapper, max_data_bytes: int) -> None:
        self._client = client
        self._max_data_bytes = max_data_bytes

    async def invoke(
        self,
        name: str,
        operation: str,
        data: bytes | str = b"",
        metadata: Mapping[str, str] | None = None,
    ) -> BindingResponse:
        """Run `operation` on binding `name`; the component's answer, data and metadata."""
        _check_not_blank("binding name", name)
        _check_not_blank("operation", operation)
        payload = data.encode() if isinstance(data, str) else data
        if len(payload) > self._max_data_bytes:
            raise InvalidRequestError(
                f"binding data of {len(payload)} bytes exceeds the limit of {self._max_data_bytes}",
                {"binding": name, "operation": operation},
            )
        binding_metadata = dict(metadata or {})
        try:
            response = await self._client.grpc_call(
                "binding invoke",
                lambda dapr: dapr.invoke_binding(
                    name, operation, payload, binding_metadata=binding_metadata
                ),
                binding=name,
                binding_operation=operation,
            )
        except DaprError as error:
            raise _by_cause(error, name, operation) from error
        return BindingResponse(data=bytes(response.data), metadata=dict(response.binding_metadata))


def _by_cause(error: DaprError, name: str, operation: str) -> DaprError:
    """Classify a failed invocation by its cause.

    daprd reports every failure as INTERNAL "error invoking output binding <name>: <cause>",
    and the cause may be the component's own ("file not found: ..."), which the generic
    translation would mistake for a missing component.
    """
    if isinstance(error, DaprConnectionError | DaprTimeoutError):
        return error
    cause = str(error).split(f"error invoking output binding {name}: ", 1)[-1]
    details = {**error.details, "binding": name, "binding_operation": operation}
    if cause.startswith("couldn't find output binding"):
        return ComponentNotFoundError(f"output binding {name!r} is not loaded", details)
    if "does not support operation" in cause:
        return NotSupportedError(f"binding {name!r} does not support {operation!r}", details)
    return DaprError(f"binding {name} {operation} failed: {cause}", details)
