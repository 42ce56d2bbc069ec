"""The app's own DaprClientWrapper aimed at a test stack, on an event loop of its own.

For sync tests: gRPC's aio channel belongs to the loop that made it, so one
`asyncio.Runner` owns the wrapper and every call goes through `run`.

The SDK client's start-up health check reads the SDK's process-wide settings, which the
session aims at the local stack (`sdk_points_at_stack`); they are not re-aimed here, so
a wrapper on the full stack leaves ActorProxy pointing where the other tests expect.
"""

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

import grpc
from dapr.clients import DaprClient
from dapr.conf import settings as dapr_sdk_settings

from app.bootstrap import dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.settings import Profile, Settings
from devstack.stack import Stack

T = TypeVar("T")


@contextmanager
def sdk_token_of(stack: Stack) -> Iterator[None]:
    """The SDK's own clients take their sidecar's API token from the SDK's process-wide
    settings when they are built: build them here for `stack`, whose token may not be
    the one the session aimed the SDK at."""
    sdk: Any = dapr_sdk_settings
    original, sdk.DAPR_API_TOKEN = sdk.DAPR_API_TOKEN, stack.config.tokens.dapr_api
    try:
        yield
    finally:
        sdk.DAPR_API_TOKEN = original


class _TokenOnStreams(grpc.UnaryStreamClientInterceptor):  # type: ignore[misc]
    """The 1.14.1 SDK adds the API token to unary calls only; its configuration
    subscription is a stream, which this gives the token too."""

    def __init__(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self._metadata = metadata

    def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        with_token = details._replace(metadata=(*(details.metadata or ()), *self._metadata))
        return continuation(with_token, request)


def sdk_client(stack: Stack) -> DaprClient:
    """The SDK's own (sync) client of `stack`'s sidecar, its token on every call."""
    with sdk_token_of(stack):
        interceptors = [_TokenOnStreams(stack.config.tokens.grpc_metadata())]
        return DaprClient(address=stack.dapr_grpc_address, interceptors=interceptors)


def stack_settings(stack: Stack) -> Settings:
    """The settings the stack's app runs with: its profile and its sidecar's ports."""
    ports = stack.config.ports
    profile: Profile = "full" if stack.config.profile == "full" else "local"
    return Settings(
        profile=profile,
        dapr_http_port=ports.dapr_http,
        dapr_grpc_port=ports.dapr_grpc,
        dapr_api_token=stack.config.tokens.dapr_api,
    )


class SidecarClient:
    def __init__(self, stack: Stack) -> None:
        self.settings = stack_settings(stack)
        self._runner = asyncio.Runner()
        self.dapr = DaprClientWrapper(dapr_config(self.settings))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coroutine)

    def __enter__(self) -> "SidecarClient":
        self.run(self.dapr.open())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.run(self.dapr.close())
        finally:
            self._runner.close()
