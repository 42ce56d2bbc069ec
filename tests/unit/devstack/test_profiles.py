"""Which servers and ports each profile has, without starting anything."""

from pathlib import Path

from devstack.postgres_schema import CONFIG_TABLE
from devstack.runtime import LINE, PROJECT_ROOT
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts


def _stack(tmp_path: Path, profile: str) -> Stack:
    config = StackConfig(
        ports=StackPorts(), data_dir=tmp_path / "data", log_dir=tmp_path / "logs", profile=profile
    )
    return Stack(config, progress=lambda _: None)


def test_server_ports_come_from_orderflow_variables_and_round_trip() -> None:
    """ORDERFLOW_POSTGRES_PORT / ORDERFLOW_REDIS_PORT move the servers; env() gives them back."""
    ports = StackPorts.from_env(
        {"ORDERFLOW_POSTGRES_PORT": "25432", "ORDERFLOW_REDIS_PORT": "26379"}
    )
    assert (ports.postgres, ports.redis) == (25432, 26379)
    assert StackPorts.from_env(ports.env()) == ports
    free = StackPorts.free()
    assert StackPorts.from_env(free.env()) == free


def test_local_profile_runs_no_servers_and_checks_none_of_their_ports(tmp_path: Path) -> None:
    """The local profile has no postgres or redis, so their ports are never checked."""
    stack = _stack(tmp_path, "local")
    assert stack.servers == []
    roles = {role for role, _ in stack.ports_to_check()}
    assert "postgres" not in roles
    assert "redis" not in roles
    control_plane = ["sentry", "placement", *(["scheduler"] if LINE.needs_scheduler else [])]
    assert [process.name for process in stack.processes] == [*control_plane, "app", "daprd"]


def test_full_profile_starts_postgres_and_redis_first_and_stops_them_last(
    tmp_path: Path,
) -> None:
    """Servers come before placement (so daprd finds them) and stop after daprd."""
    stack = _stack(tmp_path, "full")
    assert [server.name for server in stack.servers] == ["postgres", "redis"]
    assert {("postgres", 15432), ("redis", 16379)} <= set(stack.ports_to_check())
    names = [process.name for process in stack.processes]
    control_plane = ["sentry", "placement", *(["scheduler"] if LINE.needs_scheduler else [])]
    assert names == ["postgres", "redis", *control_plane, "app", "daprd"]


def test_config_store_reads_the_table_the_stack_creates() -> None:
    """configstore.yaml names the table devstack/postgres.py creates with its trigger."""
    component = (PROJECT_ROOT / "dapr/components/full/configstore.yaml").read_text()
    assert f"value: {CONFIG_TABLE}\n" in component
