"""WorkflowEngine.worker_connected: a work-item stream counts only once it has stayed open
for STREAM_SETTLE_S (daprd refuses a premature one right after the call).

The SDK worker's stream handle is replaced by a fake; no sidecar is involved.
"""

import time
from types import SimpleNamespace

import pytest

from app.building_blocks import workflows
from app.building_blocks.workflows import WorkflowEngine


class FakeStream:
    def __init__(self) -> None:
        self.finished = False

    def done(self) -> bool:
        return self.finished


def _engine_with(stream: FakeStream | None) -> WorkflowEngine:
    engine = WorkflowEngine("127.0.0.1", 1)  # port 1: nothing listens, nothing connects
    engine._runtime = SimpleNamespace(
        _WorkflowRuntime__worker=SimpleNamespace(_response_stream=stream)
    )
    engine._started = True
    return engine


def test_a_new_stream_counts_only_after_it_settles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen open now: not yet; still open after the settle time: connected."""
    monkeypatch.setattr(workflows, "STREAM_SETTLE_S", 0.05)
    engine = _engine_with(FakeStream())
    assert engine.worker_connected() is False
    time.sleep(0.06)
    assert engine.worker_connected() is True


def test_a_finished_stream_or_none_is_not_connected() -> None:
    """A stream daprd ended (or no stream yet) is never connected."""
    stream = FakeStream()
    stream.finished = True
    assert _engine_with(stream).worker_connected() is False
    assert _engine_with(None).worker_connected() is False


def test_a_replaced_stream_settles_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a reconnect (a new stream object) the settle time starts over."""
    monkeypatch.setattr(workflows, "STREAM_SETTLE_S", 0.05)
    first = FakeStream()
    engine = _engine_with(first)
    engine.worker_connected()
    time.sleep(0.06)
    assert engine.worker_connected() is True
    worker = engine._runtime._WorkflowRuntime__worker
    worker._response_stream = FakeStream()
    assert engine.worker_connected() is False
