"""Command lines of the stack's control plane: sentry (mTLS), placement (actors) and the
Scheduler (actor reminders, on stacks that keep them there)."""

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
        *mtls.control_plane_args(),
    ]


def scheduler_argv(ports: StackPorts, data_dir: Path, mtls: Mtls) -> list[str]:
    """A one-member Scheduler cluster: its embedded etcd keeps the jobs (the reminders) in
    `data_dir` (the default, ./data, is the working directory's) and listens on loopback
    only (the initial cluster's address is where it binds), its client port explicit too
    (the defaults 2379/2380 would clash with any other etcd)."""
    etcd_peer = f"http://{HOST}:{ports.scheduler_etcd_peer}"
    return [
        str(binary("scheduler")),
        f"--id={SCHEDULER_ID}",
        f"--etcd-data-dir={data_dir.resolve()}",
        f"--initial-cluster={SCHEDULER_ID}={etcd_peer}",
        f"--etcd-client-ports={SCHEDULER_ID}={ports.scheduler_etcd_client}",
        *_listening_on(ports.scheduler, ports.scheduler_healthz, ports.scheduler_metrics),
        *mtls.control_plane_args(),
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
