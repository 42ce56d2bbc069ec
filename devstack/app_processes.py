"""The command line and environment of the stack's app(s) and of their daprd."""

import sys
from collections.abc import Sequence
from pathlib import Path

from devstack.balancer import SHUTDOWN_DRAIN_S
from devstack.commands import (
    AUDIT_SCHEDULE_VARIABLE,
    DEFAULT_AUDIT_SCHEDULE,
    Mtls,
    SidecarPorts,
    daprd_argv,
    daprd_env,
)
from devstack.ports import HOST
from devstack.processes import ManagedProcess
from devstack.replicas import (
    DAPRD_GRACEFUL_SHUTDOWN_S,
    DRAIN_TIMEOUT_S,
    HANDOVER_TIMEOUT_S,
    Replica,
)
from devstack.runtime import PROJECT_ROOT
from devstack.servers import BackingServer
from devstack.stack_config import StackConfig, profile_resources


def replica_ports(config: StackConfig) -> tuple[SidecarPorts, ...]:
    """Each replica's ports: the stack's own for a single app, else config.replicas."""
    if config.replicas:
        return config.replicas
    ports = config.ports
    single = SidecarPorts(
        app=ports.app,
        dapr_http=ports.dapr_http,
        dapr_grpc=ports.dapr_grpc,
        dapr_internal_grpc=ports.dapr_internal_grpc,
        dapr_metrics=ports.dapr_metrics,
    )
    return (single,)


def build_replicas(config: StackConfig, daprd_config: Path, mtls: Mtls) -> list[Replica]:
    """The app and daprd processes of every replica; a single app keeps the names (and
    log files) `app` and `daprd`, replica i of several `app-i` and `daprd-i`."""
    several = bool(config.replicas)
    replicas = []
    for index, ports in enumerate(replica_ports(config)):
        suffix = f"-{index}" if several else ""
        app = ManagedProcess(
            name=f"app{suffix}",
            # app.serve: uvicorn that turns unready on SIGTERM before it stops (app/drain.py)
            argv=[sys.executable, "-m", "app.serve"],
            log_path=config.log_dir / f"app{suffix}.log",
            cwd=PROJECT_ROOT,
            env=app_env(config, ports),
        )
        daprd = ManagedProcess(
            name=f"daprd{suffix}",
            argv=app_daprd_argv(config, daprd_config, mtls, ports),
            log_path=config.log_dir / f"daprd{suffix}.log",
            cwd=config.data_dir,
            env={},  # set at start: server credentials exist only once servers are prepared
        )
        replicas.append(Replica(index, ports, app, daprd, sidecar_headers=config.tokens.headers()))
    return replicas


def app_daprd_argv(
    config: StackConfig, daprd_config: Path, mtls: Mtls, sidecar_ports: SidecarPorts
) -> list[str]:
    extra_args = config.daprd_args
    if config.replicas:
        # Time to hand actors over on SIGTERM (its default, 5 s, cuts the drain short).
        shutdown = f"--dapr-graceful-shutdown-seconds={DAPRD_GRACEFUL_SHUTDOWN_S}"
        extra_args = (shutdown, *extra_args)
    return daprd_argv(
        config.app_id,
        sidecar_ports,
        resources=profile_resources(config.profile),
        config=daprd_config,
        placement_port=config.ports.placement,
        # Reminders go to the Scheduler (with 1.14's SchedulerReminders feature on, in
        # devstack/daprd_configs.py, daprd refuses to start its actors without it).
        scheduler_port=config.ports.scheduler if config.reminder_store == "scheduler" else None,
        # Liveness, not readiness: daprd 1.14 initialises actors and the workflow engine
        # only after the app's first healthy probe (runtime.go appHealthChanged), and
        # readiness waits for the workflow worker's stream to that engine, so readiness
        # would never pass. An unready app (a store down) also must not make daprd drop
        # its subscriptions: the local in-memory broker loses what is published meanwhile.
        app_health_path="/health/live",
        extra_args=extra_args,
        mtls=mtls,
    )


def app_daprd_env(
    config: StackConfig, mtls: Mtls, servers: Sequence[BackingServer]
) -> dict[str, str]:
    """Values the component files read through `envRef` (daprd refuses envRef to DAPR_*
    names, hence ORDERFLOW_*): file paths, the servers' addresses and credentials; and the
    tokens and trust anchors. Built at start: they exist only once servers are prepared."""
    data = config.data_dir.resolve()
    env = {
        **daprd_env(config.app_secrets_file.resolve()),
        "ORDERFLOW_STATE_DB": str(data / "state.db"),
        "ORDERFLOW_LOCALSTORAGE_DIR": str(data / "localstorage"),
        **config.tokens.env(),
        **mtls.daprd_env(),
    }
    for server in servers:
        env.update(server.daprd_env())
    if config.trace_export is not None:
        env.update(config.trace_export.exporter_env())
    return {**env, **config.daprd_env}


def app_env(config: StackConfig, ports: SidecarPorts) -> dict[str, str]:
    return {
        "ORDERFLOW_PROFILE": config.profile,
        "ORDERFLOW_APP_ID": config.app_id,
        "ORDERFLOW_APP_PORT": str(ports.app),
        "ORDERFLOW_DATA_DIR": str(config.data_dir.resolve()),
        "DAPR_RUNTIME_HOST": HOST,
        "DAPR_HTTP_PORT": str(ports.dapr_http),
        "DAPR_GRPC_PORT": str(ports.dapr_grpc),
        "PYTHONUNBUFFERED": "1",
        # Unready this long after SIGTERM before stopping (app/drain.py): the balancer's
        # detection time with replicas; with one app there is nothing to drain from, and
        # SIGTERM stops it at once (as before), whether its daprd runs or not.
        "ORDERFLOW_SHUTDOWN_DRAIN_S": str(SHUTDOWN_DRAIN_S if config.replicas else 0),
        "ORDERFLOW_SHUTDOWN_DRAIN_MAX_S": str(
            DRAIN_TIMEOUT_S + HANDOVER_TIMEOUT_S if config.replicas else 0
        ),
        # The cron's schedule, which the app needs to tell one tick from the next when
        # every replica's daprd fires it (app/api/bindings/inventory_audit.py).
        AUDIT_SCHEDULE_VARIABLE: config.daprd_env.get(
            AUDIT_SCHEDULE_VARIABLE, DEFAULT_AUDIT_SCHEDULE
        ),
        **config.tokens.env(),
        **(config.trace_export.app_env() if config.trace_export else {}),
        **config.app_env,
    }
