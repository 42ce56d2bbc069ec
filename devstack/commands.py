"""Command lines of the stack's processes, shared by the service and its peer apps."""

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.serve import EVENT_LOOP, HTTP_PARSER
from devstack.ports import HOST
from devstack.runtime import binary


@dataclass(frozen=True)
class SidecarPorts:
    """The ports one app and its daprd use."""

    app: int
    dapr_http: int
    dapr_grpc: int
    dapr_internal_grpc: int
    dapr_metrics: int


# daprd calls its app over kept-alive connections that it drops after 90 s idle (Go's
# default transport). uvicorn drops them after 5 s by default, and a call daprd sends on a
# connection the app is closing at that moment fails with EOF: a 500 for an actor call
# (seen in bursts). The app keeps them longer than daprd, so daprd always closes first.
APP_KEEP_ALIVE_S = 120


def uvicorn_argv(factory: str, port: int) -> list[str]:
    """`factory` is "module:function" returning the ASGI app."""
    return [
        *(sys.executable, "-m", "uvicorn", "--factory", factory),
        *("--host", HOST, "--port", str(port), "--no-access-log"),
        *("--loop", EVENT_LOOP, "--http", HTTP_PARSER),
        *("--timeout-keep-alive", str(APP_KEEP_ALIVE_S)),
    ]


@dataclass(frozen=True)
class Mtls:
    """How a daprd, placement or the Scheduler joins the stack's mTLS: sentry's address,
    and the trust anchors (the root CA's PEM) it checks every peer and sentry against."""

    sentry_address: str
    trust_anchors_file: Path
    trust_domain: str

    def daprd_args(self) -> list[str]:
        return [
            "--enable-mtls",
            f"--sentry-address={self.sentry_address}",
            f"--control-plane-trust-domain={self.trust_domain}",
        ]

    def daprd_env(self) -> dict[str, str]:
        return {"DAPR_TRUST_ANCHORS": self.trust_anchors_file.read_text()}

    def control_plane_args(self) -> list[str]:
        """placement's and the Scheduler's: their certificate from sentry, and the anchors
        they check each daprd's against."""
        return [
            "--tls-enabled",
            f"--trust-anchors-file={self.trust_anchors_file}",
            f"--sentry-address={self.sentry_address}",
            f"--trust-domain={self.trust_domain}",
        ]


AUDIT_SCHEDULE_VARIABLE = "ORDERFLOW_INVENTORY_AUDIT_SCHEDULE"  # envRef of the audit cron
DEFAULT_AUDIT_SCHEDULE = "@every 5m"


def daprd_env(secrets_file: Path) -> dict[str, str]:
    """Environment every daprd of the stack gets."""
    return {
        # Register in name resolution with loopback, never the machine's other addresses.
        "DAPR_HOST_IP": HOST,
        "ORDERFLOW_SECRETS_FILE": str(secrets_file),
        AUDIT_SCHEDULE_VARIABLE: DEFAULT_AUDIT_SCHEDULE,
    }


def daprd_argv(
    app_id: str,
    ports: SidecarPorts,
    resources: Sequence[Path],
    config: Path,
    placement_port: int | None,
    app_health_path: str,
    extra_args: Sequence[str] = (),
    mtls: Mtls | None = None,
    scheduler_port: int | None = None,
) -> list[str]:
    """daprd for one app, every port explicit on loopback; actors only with placement.

    Paths are absolute: daprd runs in the stack's data directory. `extra_args` go last
    (the benchmarks add the profiling server, to count goroutines during a burst).
    """
    argv = [
        str(binary("daprd")),
        f"--app-id={app_id}",
        f"--app-port={ports.app}",
        f"--app-channel-address={HOST}",
        "--app-protocol=http",
        f"--dapr-listen-addresses={HOST}",
        f"--dapr-http-port={ports.dapr_http}",
        f"--dapr-grpc-port={ports.dapr_grpc}",
        f"--dapr-internal-grpc-port={ports.dapr_internal_grpc}",
        f"--dapr-internal-grpc-listen-address={HOST}",
        f"--metrics-port={ports.dapr_metrics}",
        f"--metrics-listen-address={HOST}",
        *(f"--resources-path={path}" for path in resources),
        f"--config={config}",
        # daprd 1.14 probes the app every 5s, allows 2s per probe (its 500ms default
        # flaps on a loaded machine) and calls it unhealthy after 3 misses in a row: it then
        # stops topic deliveries and input bindings until a probe passes again.
        "--enable-app-health-check",
        f"--app-health-check-path={app_health_path}",
        "--app-health-probe-interval=5",
        "--app-health-probe-timeout=2000",
        "--app-health-threshold=3",
        "--log-level=info",
    ]
    if placement_port is not None:
        argv.append(f"--placement-host-address={HOST}:{placement_port}")
    if scheduler_port is not None:
        argv.append(f"--scheduler-host-address={HOST}:{scheduler_port}")
    if mtls is not None:
        argv.extend(mtls.daprd_args())
    argv.extend(extra_args)
    return argv
