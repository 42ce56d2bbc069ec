"""The app's own DaprClientWrapper aimed at a test stack, on an event loop of its own.

For sync tests: gRPC's aio channel belongs to the loop that made it, so one
`asyncio.Runner` owns the wrapper and every call goes through `run`.

The SDK client's start-up health check reads the SDK's process-wide settings, which the
session aims at the local stack (`sdk_points_at_stack`); they are not re-aimed here, so
a wrapper on the full stack leaves ActorProxy pointing where the other tests expect.
"""

import asyncio
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from app.bootstrap import dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.settings import Profile, Settings
from devstack.stack import Stack

T = TypeVar("T")


def stack_settings(stack: Stack) -> Settings:
    """The settings the stack's app runs with: its profile and its sidecar's ports."""
    ports = stack.config.ports
    profile: Profile = "full" if stack.config.profile == "full" else "local"
    return Settings(profile=profile, dapr_http_port=ports.dapr_http, dapr_grpc_port=ports.dapr_grpc)


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
