"""The fault stack: a second payment provider (`payment-faults`) and a caller daprd whose
Resiliency file has short test policies aimed at it, so the session stack's real policies
stay as they are.

    resiliency-caller daprd --(app id)---------> payment-faults daprd -> payments.main
                            --(HTTPEndpoint x2)------------------------> payments.main

The caller's daprd loads `fault_resources/resiliency.yaml` and two HTTPEndpoint resources
written at start (they need the provider's port, which is free-picked): one target name per
policy set (constant retry on the app id; exponential retry and circuit breaker on the
endpoints). Its own app is the echo app, which only answers daprd's health checks. Both
daprds run in one data directory: they find each other in its name-resolution file.
"""

import functools
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from devstack.peers import PeerApp, peer_processes
from devstack.ports import HOST
from devstack.processes import ManagedProcess
from devstack.runtime import DAPR_DIR
from payments.models import API_KEY_HEADER
from tests.support.payments import dev_api_key

CALLER_APP_ID = "resiliency-caller"
PROVIDER_APP_ID = "payment-faults"
EXPONENTIAL_TARGET = "payment-faults-exponential"
BREAKER_TARGET = "payment-faults-breaker"
RESOURCES = Path(__file__).parent / "fault_resources"
PROVIDER_RESOURCES = Path(__file__).parent / "fault_provider_resources"
PROFILE = "local"  # the Configuration both daprds use (name resolution, tracing)


class FaultStackStartError(RuntimeError):
    pass


class FaultStack:
    def __init__(self, root: Path) -> None:
        self.data_dir = root / "data"
        log_dir = root / "logs"
        endpoints_dir = root / "endpoints"
        self.provider = PeerApp(
            app_id=PROVIDER_APP_ID,
            factory="payments.main:create_app",
            ports=PeerApp.free_ports(),
            # Its API key's store, and a ledger store of its own (the real one is scoped).
            resources=(DAPR_DIR / "peers" / "payment-service", PROVIDER_RESOURCES),
            # Two of the targets reach it as an HTTPEndpoint (a plain HTTP service, around
            # its sidecar), so it does not insist on its sidecar's app token here.
            env={"APP_API_TOKEN": ""},
        )
        self.caller = PeerApp(
            app_id=CALLER_APP_ID,
            factory="tests.support.echo_app:create_app",
            ports=PeerApp.free_ports(),
            resources=(RESOURCES, endpoints_dir),
        )
        self._endpoints_dir = endpoints_dir
        self.processes: list[ManagedProcess] = [
            *peer_processes(self.provider, PROFILE, self.data_dir, log_dir),
            *peer_processes(self.caller, PROFILE, self.data_dir, log_dir),
        ]
        self.http = httpx.Client(
            base_url=f"http://{HOST}:{self.caller.ports.dapr_http}",
            headers=self.caller.tokens.headers(),
        )
        self.headers = {API_KEY_HEADER: dev_api_key()}

    def _write_endpoints(self) -> None:
        base_url = f"http://{HOST}:{self.provider.ports.app}"
        self._endpoints_dir.mkdir(parents=True, exist_ok=True)
        documents = [
            "apiVersion: dapr.io/v1alpha1\n"
            "kind: HTTPEndpoint\n"
            f"metadata:\n  name: {name}\n"
            f"spec:\n  baseUrl: {base_url}\n"
            for name in (EXPONENTIAL_TARGET, BREAKER_TARGET)
        ]
        (self._endpoints_dir / "endpoints.yaml").write_text("---\n".join(documents))

    def start(self, timeout_s: float = 60.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._write_endpoints()
        try:
            for process in self.processes:
                process.start()
            for peer in (self.provider, self.caller):
                self._wait_for(functools.partial(_healthy, peer), timeout_s)
            # Through every target: the app id resolves and the endpoints are loaded.
            for target in (PROVIDER_APP_ID, EXPONENTIAL_TARGET, BREAKER_TARGET):
                self._wait_for(functools.partial(self._reaches, target), timeout_s)
        except BaseException:
            self.stop()
            raise

    def _reaches(self, target: str) -> bool:
        try:
            response = self.http.get(f"/v1.0/invoke/{target}/method/health", timeout=5.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _wait_for(self, is_ready: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not is_ready():
            for process in self.processes:
                if not process.is_running():
                    raise FaultStackStartError(
                        f"{process.name} exited (code {process.exit_code()}); its log "
                        f"{process.log_path}:\n{process.log_tail()}"
                    )
            if time.monotonic() > deadline:
                raise FaultStackStartError(
                    f"the fault stack was not ready after {timeout_s:.0f}s; caller daprd "
                    f"log:\n{self.processes[-1].log_tail()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        self.http.close()
        for process in reversed(self.processes):
            process.stop()

    def charge(self, target: str, order_id: str, timeout_s: float = 30.0) -> httpx.Response:
        """POST /charges to `target` through the caller's daprd (its policies apply)."""
        return self.http.post(
            f"/v1.0/invoke/{target}/method/charges",
            json={"order_id": order_id, "amount": "1.00"},
            headers=self.headers,
            timeout=timeout_s,
        )


def _healthy(peer: PeerApp) -> bool:
    """The peer's daprd is up and has reached its app."""
    try:
        url = f"http://{HOST}:{peer.ports.dapr_http}/v1.0/healthz"
        return httpx.get(url, timeout=2.0).status_code == 204
    except httpx.HTTPError:
        return False
