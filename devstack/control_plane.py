"""Command lines of the stack's control plane: sentry (mTLS), placement (actors) and, on the
lines that need it, the scheduler (actor reminders, so workflow timers and steps)."""

from pathlib import Path

from devstack.commands import Mtls
from devstack.ports import HOST
from devstack.runtime import DAPR_DIR, binary
from devstack.stack_config import PLACEMENT_ID, SCHEDULER_ID, StackPorts
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


def scheduler_argv(ports: StackPorts, mtls: Mtls, data_dir: Path) -> list[str]:
    """A one-member scheduler with its embedded etcd in `data_dir` (its default, ./data in
    the working directory, would be shared by every stack), taking only mTLS sidecars."""
    return [
        str(binary("scheduler")),
        f"--id={SCHEDULER_ID}",
        f"--etcd-data-dir={data_dir.resolve()}",
        f"--etcd-client-port={ports.scheduler_etcd_client}",
        f"--etcd-client-listen-address={HOST}",
        f"--etcd-initial-cluster={SCHEDULER_ID}=http://{HOST}:{ports.scheduler_etcd_peer}",
        *_listening_on(ports.scheduler, ports.scheduler_healthz, ports.scheduler_metrics),
        *mtls.placement_args(),  # the same four flags: TLS on, anchors, sentry, trust domain
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
