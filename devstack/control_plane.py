"""Command lines of the stack's control plane: sentry (mTLS), placement (actors) and the
Scheduler (actor reminders: on 1.14 on stacks that keep them there, from 1.15 always)."""

from collections.abc import Callable
from pathlib import Path

from devstack.commands import Mtls
from devstack.ports import HOST
from devstack.runtime import DAPR_DIR, LINE, RuntimeLine, binary
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


def scheduler_argv(
    ports: StackPorts, data_dir: Path, mtls: Mtls, line: RuntimeLine = LINE
) -> list[str]:
    """A one-member Scheduler cluster: its embedded etcd keeps the jobs (the reminders) in
    `data_dir` (the default, ./data, is the working directory's) and listens on loopback
    only, its client port explicit too (the defaults 2379/2380 would clash with any other
    etcd). The etcd flags were renamed in 1.15 (`_EMBEDDED_ETCD_ARGS`)."""
    return [
        str(binary("scheduler")),
        f"--id={SCHEDULER_ID}",
        f"--etcd-data-dir={data_dir.resolve()}",
        *_EMBEDDED_ETCD_ARGS[line.line](ports),
        *_listening_on(ports.scheduler, ports.scheduler_healthz, ports.scheduler_metrics),
        *mtls.control_plane_args(),
    ]


def _etcd_args_1_14(ports: StackPorts) -> list[str]:
    # 1.14 binds etcd where the initial cluster's address says.
    etcd_peer = f"http://{HOST}:{ports.scheduler_etcd_peer}"
    return [
        f"--initial-cluster={SCHEDULER_ID}={etcd_peer}",
        f"--etcd-client-ports={SCHEDULER_ID}={ports.scheduler_etcd_client}",
    ]


def _etcd_args_1_18(ports: StackPorts) -> list[str]:
    etcd_peer = f"http://{HOST}:{ports.scheduler_etcd_peer}"
    return [
        f"--etcd-client-port={ports.scheduler_etcd_client}",
        f"--etcd-client-listen-address={HOST}",
        f"--etcd-initial-cluster={SCHEDULER_ID}={etcd_peer}",
    ]


_EMBEDDED_ETCD_ARGS: dict[str, Callable[[StackPorts], list[str]]] = {
    "1.14": _etcd_args_1_14,
    "1.18": _etcd_args_1_18,
}


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
