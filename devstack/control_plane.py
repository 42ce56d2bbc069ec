"""Command lines of the stack's control plane: sentry (mTLS) and placement (actors)."""

from pathlib import Path

from devstack.commands import Mtls
from devstack.ports import HOST
from devstack.runtime import DAPR_DIR, binary
from devstack.stack_config import PLACEMENT_ID, StackPorts
from devstack.trust_bundle import TRUST_DOMAIN


def sentry_argv(ports: StackPorts, trust_dir: Path) -> list[str]:
    """sentry signing with the stack's issuer (`trust_dir`), its lifetimes from
    dapr/sentry/config.yaml."""
    return [
        str(binary("sentry")),
        f"--issuer-credentials={trust_dir.resolve()}",
        f"--trust-domain={TRUST_DOMAIN}",
        f"--config={DAPR_DIR / 'sentry' / 'config.yaml'}",
        *_listening_on(ports.sentry, ports.sentry_healthz, ports.sentry_metrics),
    ]


def placement_argv(ports: StackPorts, mtls: Mtls) -> list[str]:
    """A one-member placement cluster, taking only sidecars with certificates of `mtls`."""
    return [
        str(binary("placement")),
        f"--id={PLACEMENT_ID}",
        f"--initial-cluster={PLACEMENT_ID}={HOST}:{ports.placement_raft}",
        *_listening_on(ports.placement, ports.placement_healthz, ports.placement_metrics),
        *mtls.placement_args(),
    ]


def _listening_on(port: int, healthz_port: int, metrics_port: int) -> list[str]:
    """A control-plane process's API, healthz and metrics ports, all on loopback."""
    return [
        f"--port={port}",
        f"--listen-address={HOST}",
        f"--healthz-port={healthz_port}",
        f"--healthz-listen-address={HOST}",
        f"--metrics-port={metrics_port}",
        f"--metrics-listen-address={HOST}",
        "--log-level=info",
    ]
