"""The command line and environment of the stack's app and of its daprd."""

from collections.abc import Sequence
from pathlib import Path

from devstack.commands import Mtls, SidecarPorts, daprd_argv, daprd_env
from devstack.ports import HOST
from devstack.runtime import LINE
from devstack.servers import BackingServer
from devstack.stack_config import StackConfig, profile_resources


def app_daprd_argv(config: StackConfig, daprd_config: Path, mtls: Mtls) -> list[str]:
    ports = config.ports
    sidecar_ports = SidecarPorts(
        app=ports.app,
        dapr_http=ports.dapr_http,
        dapr_grpc=ports.dapr_grpc,
        dapr_internal_grpc=ports.dapr_internal_grpc,
        dapr_metrics=ports.dapr_metrics,
    )
    return daprd_argv(
        config.app_id,
        sidecar_ports,
        resources=profile_resources(config.profile),
        config=daprd_config,
        placement_port=ports.placement,
        scheduler_port=ports.scheduler if LINE.needs_scheduler else None,
        # Liveness, not readiness: daprd 1.14 initialises actors and the workflow engine
        # only after the app's first healthy probe (runtime.go appHealthChanged), and
        # readiness waits for the workflow worker's stream to that engine, so readiness
        # would never pass. An unready app (a store down) also must not make daprd drop
        # its subscriptions: the local in-memory broker loses what is published meanwhile.
        app_health_path="/health/live",
        extra_args=config.daprd_args,
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


def app_env(config: StackConfig) -> dict[str, str]:
    ports = config.ports
    return {
        "ORDERFLOW_PROFILE": config.profile,
        "ORDERFLOW_APP_ID": config.app_id,
        "ORDERFLOW_APP_PORT": str(ports.app),
        "ORDERFLOW_DATA_DIR": str(config.data_dir.resolve()),
        "DAPR_RUNTIME_HOST": HOST,
        "DAPR_HTTP_PORT": str(ports.dapr_http),
        "DAPR_GRPC_PORT": str(ports.dapr_grpc),
        "PYTHONUNBUFFERED": "1",
        **config.tokens.env(),
        **(config.trace_export.app_env() if config.trace_export else {}),
        **config.app_env,
    }
