"""The app's own DaprClientWrapper aimed at the test stack, on an event loop of its own.

Hypothesis runs tests synchronously, and gRPC's aio channel belongs to the loop that made
it; so one `asyncio.Runner` owns the wrapper and every call goes through `run`.
"""

import asyncio
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from app.bootstrap import configure_sdk, dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.settings import Settings
from devstack.stack import Stack

T = TypeVar("T")


class SidecarClient:
    def __init__(self, stack: Stack) -> None:
        ports = stack.config.ports
        self.settings = Settings(dapr_http_port=ports.dapr_http, dapr_grpc_port=ports.dapr_grpc)
        # The SDK client's constructor health-checks the port in the SDK's global settings.
        configure_sdk(self.settings)
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
