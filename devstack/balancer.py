"""The load balancer in front of a stack's replicas: Debian's HAProxy, installed when
missing, its configuration rendered per stack into the data directory.

Clients keep one URL (the stack's app port). HAProxy probes every replica's
/health/ready each second and takes a replica out after two failures; a replica that
shuts down turns unready first (app/drain.py), so the balancer stops sending before
it stops listening. A request refused at connect (a replica already gone) is sent to
another one: connecting is retried and redispatched, and nothing was sent yet, so even a
POST is safe to retry. A read that answered 503 or 504 (its actor's host was leaving) is
sent again to another replica; any other request already sent is never replayed (no
double order).
"""

import shutil
import socket
from collections.abc import Sequence
from pathlib import Path

from devstack.ports import HOST
from devstack.processes import ManagedProcess
from devstack.servers import ServerInstallError, install_packages

PACKAGE = "haproxy"
BACKEND = "replicas"
# Probe each replica this often; this many failures take it out, this many passes back in.
CHECK_INTERVAL_MS = 1000
FALL = 2
RISE = 2
# How long a replica stays up but unready after SIGTERM: the balancer notices in
# CHECK_INTERVAL_MS * FALL, plus a probe's own time.
SHUTDOWN_DRAIN_S = CHECK_INTERVAL_MS * FALL / 1000 + 1


def binary() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )


def ensure_installed(log_path: Path) -> str:
    """HAProxy's path, installing Debian's package first when it is missing (as root)."""
    found = binary()
    if found is None:
        install_packages([PACKAGE], log_path, why="a stack with more than one replica")
        found = binary()
    if found is None:
        raise ServerInstallError(f"apt-get succeeded but haproxy is still missing; see {log_path}")
    return found


def server_name(index: int) -> str:
    return f"replica-{index}"


def render_config(listen_port: int, replica_ports: Sequence[int], stats_socket: Path) -> str:
    servers = "\n".join(
        f"    server {server_name(i)} {HOST}:{port} check" for i, port in enumerate(replica_ports)
    )
    fallbacks = "\n".join(
        f"    server fallback-{i} {HOST}:{port} backup" for i, port in enumerate(replica_ports)
    )
    return f"""# Rendered by devstack/balancer.py for this stack; do not edit.
global
    maxconn 4096
    stats socket {stats_socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 10s
    # A connect refused (a replica that just stopped listening) is retried, then sent to
    # another replica: nothing was sent, so any method is safe to retry.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response 503 504

frontend orderflow
    bind {HOST}:{listen_port}
    # A read (GET, HEAD) that reached a replica whose actors were being handed over, and
    # answered 503 or 504, is sent again to another replica; reads change nothing. Any
    # other request that reached a replica is never replayed (no double order).
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend {BACKEND}

backend {BACKEND}
    balance roundrobin
    # One request per server connection: never one sent on a kept-alive connection the
    # replica is closing as it shuts down.
    option http-server-close
    option httpchk GET /health/ready
    http-check expect status 200
    default-server inter {CHECK_INTERVAL_MS} fall {FALL} rise {RISE}
{servers}
    # Every replica unready at once (a slow engine makes every canary late together):
    # send to all of them anyway, unchecked, rather than answer 503 from here. A replica
    # that is really gone refuses the connect, and the request goes to the next.
    option allbackups
{fallbacks}
"""


class Balancer:
    """HAProxy on `listen_port` in front of the replicas' app ports."""

    def __init__(
        self, listen_port: int, replica_ports: Sequence[int], data_dir: Path, log_dir: Path
    ) -> None:
        self.listen_port = listen_port
        self.replica_ports = tuple(replica_ports)
        self.config_path = data_dir / "haproxy.cfg"
        self.stats_socket = data_dir / "haproxy.sock"
        self.apt_log = log_dir / "apt-haproxy.log"
        self.process = ManagedProcess(
            name="balancer",
            argv=[],  # set at prepare(): the binary is known once installed
            log_path=log_dir / "balancer.log",
            cwd=data_dir,
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.listen_port}"

    def prepare(self) -> None:
        """Install HAProxy if needed and write this stack's configuration."""
        executable = ensure_installed(self.apt_log)
        self.config_path.write_text(
            render_config(self.listen_port, self.replica_ports, self.stats_socket)
        )
        # -db: stay in the foreground and log to stderr (the stack supervises it).
        self.process.argv = [executable, "-db", "-f", str(self.config_path)]

    def command(self, line: str) -> str:
        """One command on HAProxy's admin socket (e.g. `show stat`), its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5.0)
            sock.connect(str(self.stats_socket))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self) -> dict[str, str]:
        """Each replica's state as the balancer sees it: UP, DOWN, `UP 1/2`, ..."""
        return {name: row.get("status", "") for name, row in self._replica_rows().items()}

    def drained(self, name: str) -> bool:
        """The balancer took replica `name` out and no request it sent there is still
        open (`scur`, one session per request with http-server-close)."""
        row = self._replica_rows().get(name, {})
        return row.get("status", "").startswith("DOWN") and row.get("scur") == "0"

    def retries(self) -> int:
        """How many times the balancer sent a request again (`wretr` of the backend): a
        connect refused, or a read answered 503 or 504."""
        return int(self._backend_rows().get("BACKEND", {}).get("wretr") or 0)

    def _replica_rows(self) -> dict[str, dict[str, str]]:
        return {
            name: row for name, row in self._backend_rows().items() if name.startswith("replica-")
        }

    def _backend_rows(self) -> dict[str, dict[str, str]]:
        """`show stat` of the backend, one row per server (and BACKEND for its total)."""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == BACKEND:
                rows[row.get("svname", "")] = row
        return rows
