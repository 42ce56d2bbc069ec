"""bound_reconnect_backoff: durabletask's channel factory gets bounded reconnect options and
otherwise sees grpc unchanged. (The recovery it buys is measured against a real daprd by
`python -m devstack.outage_recovery`.)"""

import grpc
import pytest

from app.building_blocks.sdk_line.channels import bound_reconnect_backoff, reconnect_options
from app.building_blocks.sdk_line.durabletask import shared


def test_options_bound_the_backoff() -> None:
    """Reconnects start after 250 ms and never wait longer than the maximum."""
    assert dict(reconnect_options(2000)) == {
        "grpc.initial_reconnect_backoff_ms": 250,
        "grpc.max_reconnect_backoff_ms": 2000,
    }
    assert dict(reconnect_options(100))["grpc.initial_reconnect_backoff_ms"] == 100


def test_the_factory_builds_working_channels_with_grpc_otherwise_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the call, durabletask still builds a usable channel, and every other grpc name
    it uses is grpc's own."""
    monkeypatch.setattr(shared, "grpc", grpc)  # restored after the test
    bound_reconnect_backoff(2000)
    assert shared.grpc is not grpc
    assert shared.grpc.StatusCode is grpc.StatusCode
    channel = shared.get_grpc_channel("127.0.0.1:1", None)  # nothing listens; lazy connect
    try:
        assert isinstance(channel, grpc.Channel)
    finally:
        channel.close()
