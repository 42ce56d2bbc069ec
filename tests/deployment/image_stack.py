"""The dev stack with the app and payment-service running from their images.

placement and both daprd are devstack's own binaries on the host; each app runs in its
container on the host network (`podman run --network host`), so its daprd reaches it on
loopback exactly as in the dev stack. Both containers run with a read-only root
filesystem, as the Kubernetes securityContext asks.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path

from devstack.containers import podman_env
from devstack.image import ORDERFLOW, PAYMENT_SERVICE
from devstack.peers import PeerApp, payment_peer
from devstack.ports import HOST
from devstack.processes import ManagedProcess
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts
from tests.stack_secrets import write_secrets_file


def container_argv(name: str, image: str, env_names: Iterable[str]) -> list[str]:
    """`podman run` in the foreground: the supervisor's SIGTERM reaches the container
    (podman proxies signals), and --rm leaves nothing behind. Variables are passed by
    name only, so their values (the sidecar tokens among them) never appear on a command
    line or in the log's "starting" line: podman copies them from its own environment."""
    return [
        *("podman", "run", "--rm", "--name", name, "--network", "host", "--read-only"),
        # No systemd here to run podman's health-check timer; tests run it by hand.
        "--health-interval=disable",
        *(arg for key in env_names for arg in ("--env", key)),
        image,
    ]


def _containerized(
    process: ManagedProcess, name: str, image: str, env: Mapping[str, str]
) -> ManagedProcess:
    return ManagedProcess(
        name=f"{process.name} (container {name})",
        argv=container_argv(name, image, env),
        log_path=process.log_path,
        cwd=process.cwd,
        env={**podman_env(), **env},
    )


class ImageStack(Stack):
    """A Stack whose app processes are containers; placement and daprd stay binaries."""

    def __init__(self, root: Path) -> None:
        ports = StackPorts.free()
        secrets = write_secrets_file(root / "secrets.json")
        payment = payment_peer(PeerApp.free_ports())
        config = StackConfig(
            ports=ports,
            data_dir=root / "data",
            log_dir=root / "logs",
            secrets_file=secrets,
            peers=(payment,),
        )
        super().__init__(config, progress=lambda _: None)
        self.app_container = f"orderflow-test-{ports.app}"
        self.payment_container = f"payment-service-test-{payment.ports.app}"
        # The app reads its settings from the environment only: the same variables the
        # dev stack gives the uvicorn process, with the data dir left out (host path).
        app_env = {k: v for k, v in self.app.env.items() if k != "ORDERFLOW_DATA_DIR"}
        # The stack starts its replicas' apps; `app` is replica 0's, named for the tests.
        self.app = self.replicas[0].app = _containerized(
            self.app,
            self.app_container,
            ORDERFLOW.reference,
            {**app_env, "ORDERFLOW_APP_HOST": HOST},
        )
        peer_app, peer_daprd = self.peers[0]
        peer_env = {**peer_app.env, "UVICORN_HOST": HOST, "UVICORN_PORT": str(payment.ports.app)}
        self.peers[0] = (
            _containerized(peer_app, self.payment_container, PAYMENT_SERVICE.reference, peer_env),
            peer_daprd,
        )
