"""A PostgreSQL instance of our own for the `full` profile: cluster under the data dir.

It never touches Debian's default cluster or port 5432. PostgreSQL refuses to run as
root, so initdb and postgres run as the `postgres` system user (created by the Debian
package) through `runuser`, and that user owns the cluster directory. Unix sockets are
off; everything connects over TCP on 127.0.0.1 with a password generated on first use.
"""

import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.ports import HOST
from devstack.postgres_schema import CONFIG_SCHEMA, DATABASE, ROLE, role_and_database
from devstack.processes import ManagedProcess
from devstack.servers import ServerError

SYSTEM_USER = "postgres"
SUPERUSER = "postgres"
DEBIAN_BIN_ROOT = Path("/usr/lib/postgresql")


class PostgresError(ServerError):
    pass


def debian_bin_dir() -> Path | None:
    """The newest PostgreSQL major in /usr/lib/postgresql/<major>/bin, if any is installed."""
    majors = [
        path.parent
        for path in DEBIAN_BIN_ROOT.glob("*/bin/postgres")
        if path.parent.parent.name.isdigit()
    ]
    return max(majors, key=lambda bin_dir: int(bin_dir.parent.name), default=None)


@dataclass
class PostgresServer:
    port: int
    data_dir: Path
    log_dir: Path
    name: str = field(default="postgres", init=False)
    package: str = field(default="postgresql", init=False)
    process: ManagedProcess = field(init=False)

    def __post_init__(self) -> None:
        self.cluster_dir = self.data_dir.resolve() / "postgres"
        # Dev-only credentials for this data dir, readable by root only.
        self.password_file = self.data_dir.resolve() / "postgres.password"
        self.process = ManagedProcess(
            name=self.name,
            argv=[],  # set by prepare(): the binary's path is known once the package is
            log_path=self.log_dir / "postgres.log",
            cwd=self.data_dir,
            stop_signal=signal.SIGINT,  # fast shutdown: roll back open sessions, checkpoint
        )

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def installed(self) -> bool:
        bin_dir = debian_bin_dir()
        return (
            bin_dir is not None
            and all((bin_dir / tool).exists() for tool in ("initdb", "pg_isready", "psql"))
            and shutil.which("runuser") is not None
            and _system_user_exists()
        )

    # --- before start --------------------------------------------------------------
    def prepare(self, progress: Callable[[str], None]) -> None:
        """Create the cluster on first use, and point the process at this major's binary."""
        bin_dir = self._bin_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not (self.cluster_dir / "PG_VERSION").exists():
            progress(f"  new PostgreSQL {bin_dir.parent.name} cluster in {self.cluster_dir}")
            self._initdb(bin_dir)
        self._check_cluster(bin_dir)
        self.process.argv = [
            *("runuser", "-u", SYSTEM_USER, "--", str(bin_dir / "postgres")),
            *("-D", str(self.cluster_dir), "-p", str(self.port)),
            *("-c", f"listen_addresses={HOST}"),
            *("-c", "unix_socket_directories="),  # no socket dir to own; TCP only
        ]

    def _initdb(self, bin_dir: Path) -> None:
        if self.cluster_dir.exists():
            shutil.rmtree(self.cluster_dir)  # a half-made cluster from a failed initdb
        self.cluster_dir.mkdir(mode=0o700)
        shutil.chown(self.cluster_dir, SYSTEM_USER, SYSTEM_USER)
        self._check_reachable()
        password = secrets.token_hex(16)
        # initdb reads the superuser's password from a file the postgres user can open.
        password_file = self.data_dir.resolve() / ".initdb-password"
        password_file.write_text(password)
        password_file.chmod(0o600)
        shutil.chown(password_file, SYSTEM_USER, SYSTEM_USER)
        try:
            self._run_logged(
                [
                    *("runuser", "-u", SYSTEM_USER, "--", str(bin_dir / "initdb")),
                    *("-D", str(self.cluster_dir), "-U", SUPERUSER),
                    f"--pwfile={password_file}",
                    *("--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"),
                ],
                "initdb",
            )
        except PostgresError:
            shutil.rmtree(self.cluster_dir, ignore_errors=True)
            raise
        finally:
            password_file.unlink(missing_ok=True)
        self.password_file.write_text(password)
        self.password_file.chmod(0o600)

    def _check_reachable(self) -> None:
        """The postgres user must be able to walk down to the cluster directory."""
        probe = subprocess.run(
            ["runuser", "-u", SYSTEM_USER, "--", "test", "-w", str(self.cluster_dir)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )
        if probe.returncode == 0:
            return
        closed = next(
            (
                parent
                for parent in reversed(self.cluster_dir.parents)
                if not parent.stat().st_mode & stat.S_IXOTH
            ),
            None,
        )
        where = f"{closed} is closed to other users" if closed else "a parent directory is closed"
        raise PostgresError(
            f"PostgreSQL runs as the `{SYSTEM_USER}` user, which cannot reach "
            f"{self.cluster_dir}: {where}. Use a data dir it can reach "
            f"(`python -m devstack run --profile full --data-dir /var/tmp/orderflow`), "
            f"or allow passing through with `chmod o+x {closed or '<that directory>'}`."
        )

    def _check_cluster(self, bin_dir: Path) -> None:
        cluster_major = (self.cluster_dir / "PG_VERSION").read_text().strip()
        if cluster_major != bin_dir.parent.name:
            raise PostgresError(
                f"{self.cluster_dir} was made by PostgreSQL {cluster_major} but "
                f"{bin_dir.parent.name} is installed. Its data is dev-only: remove that "
                f"directory and {self.password_file} to start afresh."
            )
        if not self.password_file.exists():
            raise PostgresError(
                f"{self.password_file} is missing, so the cluster in {self.cluster_dir} cannot "
                "be logged into. Remove that directory to start afresh (dev-only data)."
            )

    # --- once running --------------------------------------------------------------
    def is_ready(self) -> bool:
        probe = [str(self._bin_dir() / "pg_isready"), "-q", "-h", HOST, "-p", str(self.port)]
        return subprocess.run(probe, stdin=subprocess.DEVNULL, timeout=10).returncode == 0

    def provision(self) -> None:
        """Create, if missing, daprd's role and database and the configuration table."""
        self.sql(role_and_database(self.password()), user=SUPERUSER, database="postgres")
        self.sql(CONFIG_SCHEMA, single_transaction=True)

    def daprd_env(self) -> dict[str, str]:
        return {"ORDERFLOW_POSTGRES_CONNECTION_STRING": self.connection_string()}

    def connection_string(self) -> str:
        return (
            f"host={HOST} port={self.port} user={ROLE} password={self.password()} "
            f"dbname={DATABASE} sslmode=disable connect_timeout=10"
        )

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def sql(
        self,
        script: str,
        *,
        user: str = ROLE,
        database: str = DATABASE,
        single_transaction: bool = False,
    ) -> str:
        """Run SQL through psql over TCP; rows come back as `a|b` lines.

        The script goes in on stdin so the password in it never shows in a command line.
        """
        argv = [
            *(str(self._bin_dir() / "psql"), "-X", "-q", "-A", "-t"),
            *("-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", str(self.port)),
            *("-U", user, "-d", database, "-f", "-"),
        ]
        if single_transaction:
            argv.append("--single-transaction")
        result = subprocess.run(
            argv,
            input=script,
            capture_output=True,
            text=True,
            env={**os.environ, "PGPASSWORD": self.password(), "PGCONNECT_TIMEOUT": "10"},
            timeout=60,
        )
        if result.returncode != 0:
            raise PostgresError(
                f"psql as {user} on database {database} at {self.address} failed "
                f"(exit {result.returncode}): {result.stderr.strip()}. "
                f"Server log: {self.process.log_path}"
            )
        return result.stdout

    # --- helpers -------------------------------------------------------------------
    def _bin_dir(self) -> Path:
        bin_dir = debian_bin_dir()
        if bin_dir is None:
            raise PostgresError(
                f"no PostgreSQL under {DEBIAN_BIN_ROOT}; install the Debian package "
                "`postgresql` (the full profile's start does this when run as root)."
            )
        return bin_dir

    def _run_logged(self, argv: list[str], what: str) -> None:
        log_path = self.process.log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            log.write(f"\n--- {what}: {' '.join(argv)}\n".encode())
            log.flush()
            result = subprocess.run(
                argv, cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        if result.returncode != 0:
            raise PostgresError(
                f"{what} failed (exit {result.returncode}). Its output is in {log_path}:\n"
                f"{self.process.log_tail()}"
            )


def _system_user_exists() -> bool:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        return False
    return True
