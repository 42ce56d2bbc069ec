"""SIGTERM drains before uvicorn stops: unready first, the exit after the drain."""

import signal
import time

import uvicorn

from app.drain import DrainingServer, ShutdownDrain


def _server(drain: ShutdownDrain, drain_s: float, sidecar_up: bool = False) -> DrainingServer:
    config = uvicorn.Config("app.main:create_app", factory=True)
    return DrainingServer(config, drain_s, max_s=5.0, sidecar_up=lambda: sidecar_up, drain=drain)


def test_the_first_sigterm_only_marks_the_process_draining() -> None:
    drain = ShutdownDrain()
    server = _server(drain, drain_s=0.3)
    server.handle_exit(signal.SIGTERM, None)
    assert drain.draining
    assert not server.should_exit
    time.sleep(0.8)
    assert server.should_exit


def test_a_second_signal_exits_without_waiting() -> None:
    drain = ShutdownDrain()
    server = _server(drain, drain_s=30.0)
    server.handle_exit(signal.SIGTERM, None)
    server.handle_exit(signal.SIGTERM, None)
    assert server.should_exit


def test_sigint_is_not_drained() -> None:
    drain = ShutdownDrain()
    server = _server(drain, drain_s=30.0)
    server.handle_exit(signal.SIGINT, None)
    assert server.should_exit
    assert not drain.draining


def test_the_drain_waits_while_the_sidecar_still_runs() -> None:
    drain = ShutdownDrain()
    server = _server(drain, drain_s=0.0, sidecar_up=True)
    server.handle_exit(signal.SIGTERM, None)
    time.sleep(0.6)
    assert not server.should_exit  # max_s is 5 s: still waiting for daprd to leave
