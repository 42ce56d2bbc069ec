"""Bindings: invoking output bindings, and serving the routes input bindings call.

Output bindings go through the SDK's gRPC client, whose answer carries the binding's
response metadata (the HTTP API would fold it into headers).

Input bindings: daprd asks the app with OPTIONS /<binding-name> whether it serves a
binding (2xx or 405 means yes) and only then starts reading from it; each event is then
POSTed to that route with the data as body and the binding's metadata as headers
(dapr/dapr `pkg/runtime/processor/binding/send.go`). 200 acknowledges the event (daprd's
inbound resiliency treats any other status, even 204, as a failed attempt); anything else
reports a failure to the component, which may retry (cron does not).
"""

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fastapi import APIRouter, Request, Response, status

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import (
    ComponentNotFoundError,
    DaprConnectionError,
    DaprError,
    DaprTimeoutError,
    InvalidRequestError,
    NotSupportedError,
)

logger = logging.getLogger(__name__)

D = TypeVar("D")

# daprd sends a binding's metadata as request headers (names lower-cased on the way);
# these are the HTTP client's own and say nothing about the event.
_TRANSPORT_HEADERS = frozenset({"host", "user-agent", "content-length", "accept-encoding"})


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


@dataclass(frozen=True)
class BindingEvent:
    """One event from an input binding: its data and the binding's metadata (header
    names, so lower-case: cron sends `readtimeutc` and `timezone`)."""

    binding: str
    data: bytes
    metadata: Mapping[str, str]


InputBindingHandler = Callable[[BindingEvent, D], Awaitable[None]]


@dataclass(frozen=True)
class InputBinding(Generic[D]):
    """An input binding the app serves; `name` matches the component's metadata.name."""

    name: str
    handler: InputBindingHandler[D]


@dataclass(frozen=True)
class _Active(Generic[D]):
    deps: D


class InputBindingRegistry(Generic[D]):
    """Mounts POST and OPTIONS /<name> per input binding; bootstrap activates it."""

    def __init__(self, bindings: Sequence[InputBinding[D]]) -> None:
        names = [binding.name for binding in bindings]
        for name in names:
            if not name.strip() or "/" in name:
                raise ValueError(f"input binding name {name!r} must be one non-empty path segment")
        if len(set(names)) != len(names):
            raise ValueError(f"input bindings registered twice: {names}")
        self._bindings = list(bindings)
        self._active: _Active[D] | None = None

    def activate(self, deps: D) -> None:
        self._active = _Active(deps)

    def deactivate(self) -> None:
        self._active = None

    @property
    def names(self) -> list[str]:
        return [binding.name for binding in self._bindings]

    def router(self) -> APIRouter:
        router = APIRouter(tags=["bindings"])
        for binding in self._bindings:
            router.add_api_route(
                f"/{binding.name}",
                _serves_binding,
                methods=["OPTIONS"],
                status_code=status.HTTP_204_NO_CONTENT,
                name=f"serves {binding.name}",
                summary=f"Tells daprd this app serves input binding `{binding.name}`",
            )
            router.add_api_route(
                f"/{binding.name}",
                self._endpoint(binding),
                methods=["POST"],
                name=f"binding {binding.name}",
                summary=f"Events of input binding `{binding.name}`",
            )
        return router

    def _endpoint(self, binding: InputBinding[D]) -> Callable[[Request], Awaitable[Response]]:
        async def receive(request: Request) -> Response:
            metadata = {
                name: value
                for name, value in request.headers.items()
                if name not in _TRANSPORT_HEADERS
            }
            event = BindingEvent(binding.name, await request.body(), metadata)
            return await self._deliver(binding, event)

        return receive

    async def _deliver(self, binding: InputBinding[D], event: BindingEvent) -> Response:
        active = self._active
        if active is None:
            logger.warning("%s: binding event before start-up finished", binding.name)
            return Response(status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
        try:
            await binding.handler(event, active.deps)
        except Exception:
            logger.exception("%s: binding handler failed", binding.name)
            return Response(status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(status_code=status.HTTP_200_OK)


async def _serves_binding() -> Response:
    """daprd's OPTIONS probe: any 2xx says the app serves the binding."""
    return Response(status_code=status.HTTP_204_NO_CONTENT)
