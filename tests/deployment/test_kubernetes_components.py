"""The kubernetes profile's Redis components, loaded by a real daprd 1.14.4 against a
real Redis (Debian's redis-server, as the full profile uses): the files of
deploy/kubernetes/base/dapr/components/ as they are, envRef and all. Kafka and Vault have
no Debian package and cannot run here; their components are schema-checked only."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.ports import HOST, reserve_free_ports
from devstack.processes import ManagedProcess
from devstack.redis import RedisServer
from devstack.runtime import binary
from devstack.servers import ensure_installed
from tests.deployment.manifests import KUBERNETES_DIR

COMPONENTS = KUBERNETES_DIR / "base" / "dapr" / "components"


def _daprd(app_id: str, files: list[str], root: Path, redis: RedisServer) -> ManagedProcess:
    resources = root / app_id
    resources.mkdir()
    for name in files:
        shutil.copy(COMPONENTS / name, resources / name)
    http, grpc, internal, metrics = reserve_free_ports(4)
    process = ManagedProcess(
        name=f"{app_id} daprd",
        argv=[
            str(binary("daprd")),
            *(f"--app-id={app_id}", f"--dapr-listen-addresses={HOST}"),
            *(f"--dapr-http-port={http}", f"--dapr-grpc-port={grpc}"),
            *(f"--dapr-internal-grpc-port={internal}", f"--metrics-port={metrics}"),
            f"--resources-path={resources}",
        ],
        log_path=root / f"{app_id}-daprd.log",
        cwd=root,
        env={"ORDERFLOW_REDIS_HOST": redis.address, "DAPR_HOST_IP": HOST},
    )
    process.start()
    url = f"http://{HOST}:{http}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.is_running():
        try:
            if httpx.get(f"{url}/v1.0/healthz/outbound", timeout=1).status_code == 204:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{app_id} daprd did not load its components:\n{process.log_tail()}")


@pytest.fixture(scope="module")
def sidecars(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RedisServer, dict[str, str]]]:
    """Redis, then python-api's daprd with `statestore` and payment-service's with
    `payment-ledger` (each file's scopes decide which daprd takes it)."""
    build()
    root = tmp_path_factory.mktemp("k8s-components")
    redis = RedisServer(reserve_free_ports(1)[0], root, root)
    ensure_installed([redis], root / "apt.log")
    redis.prepare(lambda _: None)
    redis.process.start()
    started: list[ManagedProcess] = [redis.process]
    try:
        while not redis.is_ready():
            assert redis.process.is_running(), redis.process.log_tail()
            time.sleep(0.1)
        urls = {}
        for app_id, files in (
            ("python-api", ["statestore.yaml", "payment-ledger.yaml"]),
            ("payment-service", ["statestore.yaml", "payment-ledger.yaml"]),
        ):
            daprd = _daprd(app_id, files, root, redis)
            started.append(daprd)
            port = next(a for a in daprd.argv if a.startswith("--dapr-http-port="))
            urls[app_id] = f"http://{HOST}:{port.split('=')[1]}"
        yield redis, urls
    finally:
        for process in reversed(started):
            process.stop()


def _components(url: str) -> dict[str, str]:
    metadata = httpx.get(f"{url}/v1.0/metadata", timeout=5).json()
    return {c["name"]: c["type"] for c in metadata.get("components", [])}


def test_each_daprd_loads_only_the_redis_components_scoped_to_it(
    sidecars: tuple[RedisServer, dict[str, str]],
) -> None:
    """statestore (state.redis, actor state store) for python-api, payment-ledger for
    payment-service: scopes, type and the envRef'd address all work in daprd 1.14.4."""
    _, urls = sidecars
    assert _components(urls["python-api"]) == {"statestore": "state.redis"}
    assert _components(urls["payment-service"]) == {"payment-ledger": "state.redis"}


def test_state_round_trips_with_etags_and_transactions_through_redis(
    sidecars: tuple[RedisServer, dict[str, str]],
) -> None:
    """What actors and the service's records need of the store: a transaction, a read
    with its ETag, a write with a stale ETag refused; the ledger's keys carry its name."""
    redis, urls = sidecars
    store = f"{urls['python-api']}/v1.0/state/statestore"
    operations = [{"operation": "upsert", "request": {"key": "k8s-check", "value": {"n": 1}}}]
    assert httpx.post(f"{store}/transaction", json={"operations": operations}).status_code == 204
    read = httpx.get(f"{store}/k8s-check")
    assert read.json() == {"n": 1}
    stale = [{"key": "k8s-check", "value": {"n": 2}, "etag": "999"}]
    assert httpx.post(store, json=stale).status_code == 409
    assert (
        httpx.post(
            store, json=[{"key": "k8s-check", "value": {"n": 2}, "etag": read.headers["etag"]}]
        ).status_code
        == 204
    )
    ledger = f"{urls['payment-service']}/v1.0/state/payment-ledger"
    assert httpx.post(ledger, json=[{"key": "charge-1", "value": "x"}]).status_code == 204
    assert "payment-ledger||charge-1" in redis.cli("KEYS", "*").split()
