"""A Redis instance of our own for the `full` profile (pub/sub streams), on loopback.

Never Debian's redis-server service on 6379. Persistence is off: streams live as long as
the stack, like the local profile's in-memory pub/sub. No password: it listens on
127.0.0.1 only and holds nothing but in-flight dev messages.
"""

import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.ports import HOST
from devstack.processes import ManagedProcess
from devstack.servers import ServerError


class RedisError(ServerError):
    pass


@dataclass
class RedisServer:
    port: int
    data_dir: Path
    log_dir: Path
    name: str = field(default="redis", init=False)
    package: str = field(default="redis-server", init=False)
    process: ManagedProcess = field(init=False)

    def __post_init__(self) -> None:
        self.work_dir = self.data_dir.resolve() / "redis"
        self.process = ManagedProcess(
            name=self.name,
            argv=[
                *("redis-server", "--bind", HOST, "--port", str(self.port)),
                *("--dir", str(self.work_dir), "--save", "", "--appendonly", "no"),
                *("--daemonize", "no", "--logfile", ""),  # log to stdout, i.e. our log file
            ],
            log_path=self.log_dir / "redis.log",
            cwd=self.data_dir,
        )

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def installed(self) -> bool:
        # redis-cli (package redis-tools, a dependency of redis-server) is for tests and people.
        return shutil.which("redis-server") is not None and shutil.which("redis-cli") is not None

    def prepare(self, progress: Callable[[str], None]) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)

    def is_ready(self) -> bool:
        """A real PING over RESP; Redis answers +PONG once it accepts commands."""
        try:
            with socket.create_connection((HOST, self.port), timeout=2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def provision(self) -> None:
        """Nothing to create: daprd makes its streams and consumer groups itself."""

    def daprd_env(self) -> dict[str, str]:
        return {"ORDERFLOW_REDIS_HOST": self.address}

    def cli(self, *args: str) -> str:
        """Run one redis-cli command against this instance and return its raw output."""
        result = subprocess.run(
            ["redis-cli", "-h", HOST, "-p", str(self.port), "--raw", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise RedisError(
                f"redis-cli {' '.join(args)} at {self.address} failed: {result.stderr.strip()}. "
                f"Server log: {self.process.log_path}"
            )
        return result.stdout
