"""The probe: `probe_app` and its own daprd, started for the tests that need test-only
subscriptions or input bindings.

Why a second sidecar and not test topics in the app: pubsub.in-memory lives inside one
daprd, so a test subscriber must sit behind the sidecar it publishes to, and the app
under test should carry no test handlers. The probe's daprd loads the local profile's
components and configuration unchanged, plus `probe_resources/` (a one-second cron
binding). It runs as app id `python-api` because the profile's Resiliency is scoped to
that id: deliveries are retried exactly as they are for the app. It has no placement
(the probe hosts no actors), so it never joins the app's actor ring.
"""

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import httpx

from devstack.commands import SidecarPorts, daprd_argv, daprd_env
from devstack.ports import HOST, reserve_free_ports
from devstack.processes import ManagedProcess
from devstack.runtime import DAPR_DIR, DEV_SECRETS_FILE, PROJECT_ROOT
from devstack.stack_config import profile_resources

PROBE_APP_ID = "python-api"
PROFILE = "local"
RESOURCES = Path(__file__).parent / "probe_resources"


@dataclass(frozen=True)
class ProbePorts:
    app: int
    dapr_http: int
    dapr_grpc: int
    dapr_internal_grpc: int
    dapr_metrics: int

    @classmethod
    def free(cls) -> "ProbePorts":
        return cls(*reserve_free_ports(len(fields(cls))))


class ProbeStartError(RuntimeError):
    pass


class Probe:
    def __init__(self, root: Path) -> None:
        self.ports = ProbePorts.free()
        self.data_dir = root / "data"
        log_dir = root / "logs"
        self.app = ManagedProcess(
            name="probe app",
            argv=[
                *(sys.executable, "-m", "uvicorn", "--factory"),
                "tests.support.probe_app:create_app",
                *("--host", HOST, "--port", str(self.ports.app), "--no-access-log"),
            ],
            log_path=log_dir / "probe-app.log",
            cwd=PROJECT_ROOT,
            env={
                "ORDERFLOW_APP_ID": PROBE_APP_ID,
                "DAPR_RUNTIME_HOST": HOST,
                "DAPR_HTTP_PORT": str(self.ports.dapr_http),
                "DAPR_GRPC_PORT": str(self.ports.dapr_grpc),
                "PYTHONUNBUFFERED": "1",
            },
        )
        self.daprd = ManagedProcess(
            name="probe daprd",
            argv=self._daprd_argv(),
            log_path=log_dir / "probe-daprd.log",
            cwd=self.data_dir,  # the name-resolution file is relative to it
            env={
                **daprd_env(DEV_SECRETS_FILE),
                "ORDERFLOW_STATE_DB": str((self.data_dir / "state.db").resolve()),
                "ORDERFLOW_LOCALSTORAGE_DIR": str((self.data_dir / "localstorage").resolve()),
            },
        )

    def _daprd_argv(self) -> list[str]:
        return daprd_argv(
            PROBE_APP_ID,
            SidecarPorts(**{f.name: getattr(self.ports, f.name) for f in fields(self.ports)}),
            resources=(*profile_resources(PROFILE), RESOURCES),
            config=DAPR_DIR / "config" / PROFILE / "config.yaml",
            placement_port=None,
            app_health_path="/health",
        )

    @property
    def processes(self) -> list[ManagedProcess]:
        return [self.app, self.daprd]

    @property
    def app_url(self) -> str:
        return f"http://{HOST}:{self.ports.app}"

    @property
    def dapr_http_url(self) -> str:
        return f"http://{HOST}:{self.ports.dapr_http}"

    @property
    def dapr_grpc_address(self) -> str:
        return f"{HOST}:{self.ports.dapr_grpc}"

    def start(self, timeout_s: float = 60.0) -> None:
        (self.data_dir / "localstorage").mkdir(parents=True, exist_ok=True)
        try:
            self.app.start()
            self.daprd.start()
            # /v1.0/healthz answers 204 once daprd reached the app; its subscriptions
            # are then read, which the metadata API shows.
            self._wait_for(lambda: _status(f"{self.dapr_http_url}/v1.0/healthz") == 204, timeout_s)
            self._wait_for(self._subscriptions_loaded, timeout_s)
        except BaseException:
            self.stop()
            raise

    def _subscriptions_loaded(self) -> bool:
        try:
            metadata = httpx.get(f"{self.dapr_http_url}/v1.0/metadata", timeout=2.0).json()
        except httpx.HTTPError:
            return False
        return bool(metadata.get("subscriptions"))

    def _wait_for(self, is_ready: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not is_ready():
            for process in self.processes:
                if not process.is_running():
                    raise ProbeStartError(
                        f"{process.name} exited (code {process.exit_code()}); its log "
                        f"{process.log_path}:\n{process.log_tail()}"
                    )
            if time.monotonic() > deadline:
                raise ProbeStartError(
                    f"the probe was not ready after {timeout_s:.0f}s; daprd log:\n"
                    f"{self.daprd.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    # --- what the probe app recorded ---------------------------------------------------
    def deliveries(self, topic: str, *event_ids: str) -> list[dict[str, Any]]:
        """What the probe's handler for `topic` was given (and answered), in order: all,
        or those of `event_ids`."""
        response = httpx.get(
            f"{self.app_url}/probe/deliveries/{topic}",
            params={"event_id": list(event_ids)},
            timeout=5.0,
        )
        response.raise_for_status()
        return list(response.json())

    def deliveries_of(self, topic: str, event_id: str) -> list[dict[str, Any]]:
        return self.deliveries(topic, event_id)

    def ticks(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.app_url}/probe/ticks", timeout=5.0)
        response.raise_for_status()
        return list(response.json())


def wait_until(
    condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.05
) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(interval_s)


def _status(url: str) -> int:
    try:
        return httpx.get(url, timeout=2.0).status_code
    except httpx.HTTPError:
        return 0
