"""Peer apps: other Dapr apps in the stack, each with its own daprd (e.g. a payment
provider, or a test app that echoes what it receives through service invocation)."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from devstack.commands import Mtls, SidecarPorts, daprd_argv, daprd_env, uvicorn_argv
from devstack.ports import reserve_free_ports
from devstack.processes import ManagedProcess
from devstack.runtime import DAPR_DIR, DEV_SECRETS_FILE, PROJECT_ROOT
from devstack.tokens import SidecarTokens


@dataclass(frozen=True)
class PeerApp:
    app_id: str
    factory: str  # "module:function" returning the ASGI app
    ports: SidecarPorts
    resources: tuple[Path, ...] = ()
    health_path: str = "/health"
    env: Mapping[str, str] = field(default_factory=dict)
    tokens: SidecarTokens = field(default_factory=SidecarTokens)  # this peer's own pair
    config: Path | None = None  # its own Configuration; None: the stack's

    @staticmethod
    def free_ports() -> SidecarPorts:
        return SidecarPorts(*reserve_free_ports(len(fields(SidecarPorts))))


def peer_processes(
    peer: PeerApp,
    profile: str,
    data_dir: Path,
    log_dir: Path,
    daprd_config: Path | None = None,
    daprd_extra_env: Mapping[str, str] | None = None,
    app_extra_env: Mapping[str, str] | None = None,
    mtls: Mtls | None = None,
) -> tuple[ManagedProcess, ManagedProcess]:
    """The peer's app and its daprd (no placement: peers host no actors). The daprd reads
    `daprd_config` (the stack's, e.g. with trace export), by default the profile's."""
    app = ManagedProcess(
        name=f"{peer.app_id}",
        argv=uvicorn_argv(peer.factory, peer.ports.app),
        log_path=log_dir / f"{peer.app_id}.log",
        cwd=PROJECT_ROOT,
        # The peer finds its own sidecar through Dapr's variables, as the service does.
        env={
            "PYTHONUNBUFFERED": "1",
            "DAPR_HTTP_PORT": str(peer.ports.dapr_http),
            "DAPR_GRPC_PORT": str(peer.ports.dapr_grpc),
            **peer.tokens.env(),
            **(app_extra_env or {}),
            **peer.env,
        },
    )
    sidecar = ManagedProcess(
        name=f"{peer.app_id} daprd",
        argv=daprd_argv(
            peer.app_id,
            peer.ports,
            resources=peer.resources or (DAPR_DIR / "config" / profile,),
            config=daprd_config or DAPR_DIR / "config" / profile / "config.yaml",
            placement_port=None,
            app_health_path=peer.health_path,
            mtls=mtls,
        ),
        log_path=log_dir / f"{peer.app_id}-daprd.log",
        cwd=data_dir,
        env={
            **daprd_env(DEV_SECRETS_FILE),
            # A peer's own state store file (payment-service's ledger), one per app id.
            "ORDERFLOW_PEER_STATE_DB": str(data_dir.resolve() / f"{peer.app_id}-state.db"),
            **peer.tokens.env(),
            **(daprd_extra_env or {}),
        },
    )
    return app, sidecar


# Fixed ports for `make run`, beside the service's defaults. Random free ports are for
# tests only: the kernel may hand out one of the service's defaults (50002 was seen).
PAYMENT_SERVICE_PORTS = SidecarPorts(
    app=8001, dapr_http=3501, dapr_grpc=50011, dapr_internal_grpc=50012, dapr_metrics=9092
)


def payment_ports_from_env(env: Mapping[str, str]) -> SidecarPorts:
    """PAYMENT_SERVICE_PORTS, each overridable by ORDERFLOW_PAYMENT_<FIELD>_PORT (e.g.
    ORDERFLOW_PAYMENT_DAPR_HTTP_PORT): a test's `devstack run` takes free ones, so it never
    collides with a `make run` on the same machine."""
    values = {
        port.name: int(
            env.get(payment_port_variable(port.name), getattr(PAYMENT_SERVICE_PORTS, port.name))
        )
        for port in fields(SidecarPorts)
    }
    return SidecarPorts(**values)


def payment_port_variable(field_name: str) -> str:
    return f"ORDERFLOW_PAYMENT_{field_name.upper()}_PORT"


def payment_peer(ports: SidecarPorts = PAYMENT_SERVICE_PORTS) -> PeerApp:
    """The payment provider (payments/), with its own components: the secret store it reads
    its key from and the state store of its ledger."""
    return PeerApp(
        app_id="payment-service",
        factory="payments.main:create_app",
        ports=ports,
        resources=(DAPR_DIR / "peers" / "payment-service",),
        config=DAPR_DIR / "config" / "payment-service.yaml",  # access control, secret scope
    )
