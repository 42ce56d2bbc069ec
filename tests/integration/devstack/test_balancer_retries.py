"""The replicas' HAProxy, real, in front of two plain HTTP backends: one answers every
API request 503 (a replica whose actors are being handed over), the other 200.

A read that lands on the first is sent again to the second, so the client sees 200; a
POST that lands on the first is not replayed (it may have cancelled or approved an
order), so the client sees that 503 and the request reached exactly one backend. The
POSTs have no body: HAProxy alone replays those (one with a body it streams, and does
not replay), so without our rule this test fails.
"""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from devstack.balancer import Balancer
from devstack.ports import HOST, reserve_free_ports


class _Backend(ThreadingHTTPServer):
    def __init__(self, port: int, api_status: int) -> None:
        self.api_status = api_status
        self.seen: Counter[str] = Counter()
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Backend

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self._answer()

    def _answer(self) -> None:
        ready = self.path == "/health/ready"
        if not ready:
            self.server.seen[self.command] += 1
        self.send_response(200 if ready else self.server.api_status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def balanced(tmp_path: Path) -> Iterator[tuple[Balancer, _Backend, _Backend]]:
    listen, leaving_port, staying_port = reserve_free_ports(3)
    leaving, staying = _Backend(leaving_port, 503), _Backend(staying_port, 200)
    for backend in (leaving, staying):
        threading.Thread(target=backend.serve_forever, daemon=True).start()
    balancer = Balancer(listen, [leaving_port, staying_port], tmp_path, tmp_path)
    balancer.prepare()
    balancer.process.start()
    try:
        deadline = time.monotonic() + 15
        while set(_states(balancer)) != {"UP"}:
            assert time.monotonic() < deadline, balancer.process.log_tail()
            time.sleep(0.2)
        yield balancer, leaving, staying
    finally:
        balancer.process.stop()
        for backend in (leaving, staying):
            backend.shutdown()
            backend.server_close()


def _states(balancer: Balancer) -> list[str]:
    try:
        return list(balancer.server_states().values())
    except OSError:  # the admin socket is not there yet
        return []


def test_a_read_answered_503_is_sent_again_to_another_replica_and_a_post_never_is(
    balanced: tuple[Balancer, _Backend, _Backend],
) -> None:
    balancer, leaving, staying = balanced
    with httpx.Client(base_url=balancer.url, timeout=10) as client:
        reads = [client.get("/api/v1/orders/o-1").status_code for _ in range(10)]
        posts = [client.post("/api/v1/orders/o-1/cancel").status_code for _ in range(10)]

    assert reads == [200] * 10
    assert leaving.seen["GET"] >= 1, "round robin never sent a read to the leaving replica"
    assert balancer.retries() >= leaving.seen["GET"]
    assert staying.seen["GET"] == 10
    assert leaving.seen["POST"] + staying.seen["POST"] == 10  # each POST reached one
    assert Counter(posts) == {503: leaving.seen["POST"], 200: staying.seen["POST"]}
    assert leaving.seen["POST"] >= 1
