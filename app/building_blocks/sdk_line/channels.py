"""A bounded gRPC reconnect backoff for the workflow SDK's channels.

durabletask 0.1.1a1 (under dapr-ext-workflow 0.5.0) opens its worker and client channels
with no options (1.18's bundled copy adds keepalive options of its own, and its
WorkflowRuntime passes none of ours), so gRPC's default reconnect backoff applies: it
grows to 120 s while daprd is down, and the worker found a restarted daprd only 40 s
after a 90 s outage.
A fresh channel does not help (gRPC shares subchannels, with their backoff, across
channels to the same address). The SDK offers no way to pass channel options, so the
`grpc` name its channel factory uses is given these options; nothing else changes.
"""

from collections.abc import Sequence
from typing import Any

import grpc

from app.building_blocks.sdk_line.durabletask import shared

ChannelOptions = Sequence[tuple[str, Any]]


class _GrpcWithChannelOptions:
    """The grpc module as durabletask's channel factory sees it: insecure channels get
    `options` added; every other name is grpc's own."""

    def __init__(self, options: ChannelOptions) -> None:
        self._options = list(options)

    def __getattr__(self, name: str) -> Any:
        return getattr(grpc, name)

    def insecure_channel(
        self, target: str, options: ChannelOptions | None = None, compression: Any = None
    ) -> grpc.Channel:
        return grpc.insecure_channel(
            target, options=[*self._options, *(options or [])], compression=compression
        )


def reconnect_options(max_backoff_ms: int) -> list[tuple[str, int]]:
    """Retry a lost connection after 250 ms, backing off to at most `max_backoff_ms`."""
    return [
        ("grpc.initial_reconnect_backoff_ms", min(250, max_backoff_ms)),
        ("grpc.max_reconnect_backoff_ms", max_backoff_ms),
    ]


def bound_reconnect_backoff(max_backoff_ms: int) -> None:
    """Give every channel durabletask opens from now on a bounded reconnect backoff."""
    shared.grpc = _GrpcWithChannelOptions(reconnect_options(max_backoff_ms))
