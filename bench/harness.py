"""The stack under test: the service's local-profile stack (placement, the app, its daprd,
the payment-service peer) plus the workflow baseline behind its own daprd, from the same
Dapr build and on the same placement.

Both daprds run with their profiling server on (`--enable-profiling`, loopback only): the
burst scenario counts the goroutines waiting for an actor's turn from its goroutine dump,
since daprd 1.14's `pending_actor_calls` metric is a count of reports, not a gauge
(bench/sidecar_watch.py). The server costs nothing until asked.

The service runs with ORDERFLOW_SHIPPING_DELAY=PT0S: the shipping workflow's durable timer
still runs (a timer is a workflow step), but does not wait 2 s, which would measure the
clock instead of the service.
"""

import shutil
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path
from types import TracebackType

import httpx

from app.settings import Settings
from bench.sidecar_watch import SidecarTarget
from devstack.build import build
from devstack.commands import SidecarPorts, daprd_argv, daprd_env, uvicorn_argv
from devstack.ports import HOST, reserve_free_ports
from devstack.processes import ManagedProcess
from devstack.runtime import DAPR_DIR, DEV_SECRETS_FILE, PROJECT_ROOT
from devstack.stack import Stack
from devstack.stack_config import StackConfig

BASELINE_APP_ID = "bench-baseline"
APP_ENV = {
    "ORDERFLOW_SHIPPING_DELAY": "PT0S",
    # Longer than any benchmark run: reservations never expire mid-run.
    "ORDERFLOW_RESERVATION_HOLD": "PT3600S",
}


class BaselineStartError(RuntimeError):
    pass


def profiling_args(port: int) -> tuple[str, ...]:
    return ("--enable-profiling", f"--profile-port={port}")


class BenchStack:
    """Starts the service's stack, then the baseline app and its daprd; stops all."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="orderflow-bench-"))
        self._own_root = root is None
        self.profile_port, self.baseline_profile_port = reserve_free_ports(2)
        self.stack = Stack(
            replace(
                StackConfig.throwaway(self.root, APP_ENV),
                daprd_args=profiling_args(self.profile_port),
            ),
            progress=lambda _: None,
        )
        self.baseline_ports = SidecarPorts(*reserve_free_ports(len(fields(SidecarPorts))))
        self.baseline_app, self.baseline_daprd = self._baseline_processes()
        self.start_s = 0.0

    def _baseline_processes(self) -> tuple[ManagedProcess, ManagedProcess]:
        ports, data = self.baseline_ports, self.root / "baseline"
        app = ManagedProcess(
            name="baseline app",
            argv=uvicorn_argv("bench.baselines.bare_sdk_app:create_app", ports.app),
            log_path=self.root / "logs" / "baseline-app.log",
            cwd=PROJECT_ROOT,
            env={
                "PYTHONUNBUFFERED": "1",
                "DAPR_RUNTIME_HOST": HOST,
                "DAPR_GRPC_PORT": str(ports.dapr_grpc),
                "DAPR_HTTP_PORT": str(ports.dapr_http),
                **self.stack.config.tokens.env(),
            },
        )
        # The local profile's state store component (SQLite, actor state store) in a file
        # of its own, and the same Configuration: the same daprd, just without our app.
        sidecar = ManagedProcess(
            name="baseline daprd",
            argv=daprd_argv(
                BASELINE_APP_ID,
                ports,
                resources=(DAPR_DIR / "components" / "local",),
                config=DAPR_DIR / "config" / "local" / "config.yaml",
                placement_port=self.stack.config.ports.placement,
                scheduler_port=self.stack.scheduler_port,
                app_health_path="/health",
                extra_args=profiling_args(self.baseline_profile_port),
                mtls=self.stack.mtls,  # it joins the service's placement, which wants mTLS
            ),
            log_path=self.root / "logs" / "baseline-daprd.log",
            cwd=data,
            env={
                **daprd_env(DEV_SECRETS_FILE),
                "ORDERFLOW_STATE_DB": str((data / "state.db").resolve()),
                # The service's tokens: the SDK clients the scenarios build for either
                # sidecar take one token from the SDK's process-wide settings.
                **self.stack.config.tokens.env(),
            },
        )
        return app, sidecar

    def sdk_settings(self) -> Settings:
        """The service's sidecar and API token, for the SDK's process-wide settings."""
        ports = self.stack.config.ports
        return Settings(
            dapr_http_port=ports.dapr_http,
            dapr_grpc_port=ports.dapr_grpc,
            dapr_api_token=self.stack.config.tokens.dapr_api,
        )

    @property
    def baseline_app_url(self) -> str:
        return f"http://{HOST}:{self.baseline_ports.app}"

    @property
    def baseline_dapr_http_url(self) -> str:
        return f"http://{HOST}:{self.baseline_ports.dapr_http}"

    @property
    def baseline_grpc(self) -> tuple[str, int]:
        return HOST, self.baseline_ports.dapr_grpc

    def subject_sidecar(self) -> SidecarTarget:
        """The service's app and daprd, as the burst scenario watches them."""
        return SidecarTarget(
            metrics_url=f"http://{HOST}:{self.stack.config.ports.dapr_metrics}/metrics",
            profile_url=f"http://{HOST}:{self.profile_port}",
            pids={"app": self.stack.app.pid, "daprd": self.stack.daprd.pid},
        )

    def baseline_sidecar(self) -> SidecarTarget:
        return SidecarTarget(
            metrics_url=f"http://{HOST}:{self.baseline_ports.dapr_metrics}/metrics",
            profile_url=f"http://{HOST}:{self.baseline_profile_port}",
            pids={"app": self.baseline_app.pid, "daprd": self.baseline_daprd.pid},
        )

    def start(self) -> None:
        build()  # no-op when the binaries are cached
        started = time.monotonic()
        self.stack.start()
        self.start_s = time.monotonic() - started
        (self.root / "baseline").mkdir(parents=True, exist_ok=True)
        # The stack's trust anchors exist once it has started.
        self.baseline_daprd.env = {**self.baseline_daprd.env, **self.stack.mtls.daprd_env()}
        try:
            self.baseline_app.start()
            self.baseline_daprd.start()
            self._wait_for_baseline(90.0)
        except BaseException:
            self.stop()
            raise

    def _wait_for_baseline(self, timeout_s: float) -> None:
        healthz = f"http://{HOST}:{self.baseline_ports.dapr_http}/v1.0/healthz"
        deadline = time.monotonic() + timeout_s
        while True:
            for process in (self.baseline_app, self.baseline_daprd):
                if not process.is_running():
                    raise BaselineStartError(
                        f"{process.name} exited; its log {process.log_path}:\n{process.log_tail()}"
                    )
            try:
                if httpx.get(healthz, timeout=2.0).status_code == httpx.codes.NO_CONTENT:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise BaselineStartError(
                    f"the baseline daprd was not ready after {timeout_s:.0f}s; "
                    f"log {self.baseline_daprd.log_path}:\n{self.baseline_daprd.log_tail()}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        self.baseline_daprd.stop()
        self.baseline_app.stop()
        self.stack.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "BenchStack":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
