"""What every scenario works with: the running stacks, clients on them, the run's record."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from bench.harness import BenchStack
from bench.load import IndexBlocks
from bench.modes import Mode
from bench.results import BenchRun


class Bar(Protocol):
    """A progress bar (tqdm's interface)."""

    def update(self, n: float | None = 1) -> bool | None: ...

    def close(self) -> None: ...


class _NoBar:
    def update(self, n: float | None = 1) -> bool | None:
        return None

    def close(self) -> None:
        return None


def no_bar(total: int, description: str) -> Bar:
    return _NoBar()


@dataclass
class BenchContext:
    bench: BenchStack
    mode: Mode
    run: BenchRun
    api: httpx.AsyncClient  # the service's HTTP API
    sidecar: httpx.AsyncClient  # the service's daprd HTTP API
    run_id: str
    bar: Callable[[int, str], Bar] = no_bar
    indices: IndexBlocks = field(default_factory=IndexBlocks)  # unique across the run

    @property
    def dapr_grpc_address(self) -> str:
        return self.bench.stack.dapr_grpc_address

    @property
    def dapr_http_url(self) -> str:
        return self.bench.stack.dapr_http_url
