"""The configuration layers against real stacks: the local one (no configuration store)
and the full one (`configstore`, configuration.postgresql, followed by subscription)."""

import asyncio
import uuid
from collections.abc import Callable, Iterator

import pytest

from app.building_blocks.configuration import ConfigResolver, DefaultsSource, Resolved
from app.building_blocks.configuration_store import DaprConfigurationSource
from app.building_blocks.errors import ComponentNotFoundError
from devstack.postgres import PostgresServer
from devstack.postgres_schema import CONFIG_CHANNEL, CONFIG_TABLE
from devstack.stack import Stack
from tests.sidecar import SidecarClient


@pytest.fixture(scope="module")
def sidecar(stack: Stack) -> Iterator[SidecarClient]:
    with SidecarClient(stack) as client:
        yield client


@pytest.fixture(scope="module")
def full_sidecar(full_stack: Stack) -> Iterator[SidecarClient]:
    with SidecarClient(full_stack) as client:
        yield client


@pytest.fixture(scope="module")
def postgres(full_stack: Stack) -> PostgresServer:
    server = full_stack.server("postgres")
    assert isinstance(server, PostgresServer)
    return server


def test_local_sidecar_has_no_configuration_store(sidecar: SidecarClient) -> None:
    """daprd's FAILED_PRECONDITION "configuration stores not configured" stops a store layer."""
    store = DaprConfigurationSource(sidecar.dapr, "configstore")
    with pytest.raises(ComponentNotFoundError, match="configuration stores not configured"):
        sidecar.run(store.start())
    assert not store.following


@pytest.mark.parametrize(
    ("which", "layers"),
    [("stack", "environment, defaults"), ("full_stack", "dapr:configstore, environment, defaults")],
)
def test_running_app_resolves_the_approval_threshold_through_its_layers(
    request: pytest.FixtureRequest, which: str, layers: str
) -> None:
    """At start-up the app logs its layers and where approval-threshold came from."""
    running: Stack = request.getfixturevalue(which)
    log = running.app.log_path.read_text(encoding="utf-8", errors="replace")
    expected = f"configuration layers: {layers}; approval-threshold = 1000 (from defaults)"
    assert expected in log


def _until(
    sidecar: SidecarClient, resolver: ConfigResolver, key: str, seen: Callable[[Resolved], bool]
) -> bool:
    """Let the subscription's task run on the client's loop until `seen`, for up to 2 s."""

    async def poll() -> bool:
        for _ in range(40):
            if seen(resolver.get(key)):
                return True
            await asyncio.sleep(0.05)
        return False

    return sidecar.run(poll())


def test_store_layer_follows_writes_and_falls_back_when_the_row_goes(
    full_sidecar: SidecarClient, postgres: PostgresServer
) -> None:
    """Through the subscription, a new row and each update win at once; once the row is
    deleted the next layer answers again (PostgreSQL notifies a delete with the old row)."""
    key = f"live-{uuid.uuid4().hex[:12]}"
    store = DaprConfigurationSource(
        full_sidecar.dapr, "configstore", {"pgNotifyChannel": CONFIG_CHANNEL}
    )
    resolver = ConfigResolver([store, DefaultsSource({key: "fallback"})])
    full_sidecar.run(store.start())
    try:
        assert resolver.get(key).source == "defaults"
        # daprd LISTENs in the background after confirming the subscription, so the first
        # write can go unheard: write new versions until one is (the layer's documented
        # healing is the next change).
        for version in range(1, 16):
            postgres.sql(
                f"INSERT INTO {CONFIG_TABLE} VALUES ('{key}', 'v{version}', '{version}') "
                if version == 1
                else f"UPDATE {CONFIG_TABLE} SET value = 'v{version}', version = '{version}' "
                f"WHERE key = '{key}'"
            )
            if _until(full_sidecar, resolver, key, lambda r: r.source == "dapr:configstore"):
                break
        assert resolver.get(key).source == "dapr:configstore"

        postgres.sql(
            f"UPDATE {CONFIG_TABLE} SET value = 'changed', version = '99' WHERE key = '{key}'"
        )
        assert _until(full_sidecar, resolver, key, lambda r: r.value == "changed")
        postgres.sql(f"DELETE FROM {CONFIG_TABLE} WHERE key = '{key}'")
        assert _until(full_sidecar, resolver, key, lambda r: r.source == "defaults")
        assert store.following
    finally:
        full_sidecar.run(store.stop())
        postgres.sql(f"DELETE FROM {CONFIG_TABLE} WHERE key = '{key}'")
    assert not store.following
