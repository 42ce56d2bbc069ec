"""The 3-replica stack: three apps, each with its own daprd, on one placement, sharing
PostgreSQL and Redis (the full profile), behind HAProxy; and the payment peer.

Separate from the session's other stacks (its own servers and ports), started once for
the tests in this folder. The audit cron fires every 2 s on each of the three daprds, so
the once-per-tick test sees many ticks within seconds.
"""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.peers import PeerApp, payment_peer
from devstack.replicas import free_replica_ports
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts
from tests.conftest import TEST_APP_ENV, _quiet, _started
from tests.integration.replicas.client import ReplicaClient

REPLICAS = 3
AUDIT_SCHEDULE = "@every 2s"


@pytest.fixture(scope="session")
def replica_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # PostgreSQL runs as `postgres`, who must reach its cluster: not under pytest's 0700.
    data_root = Path(tempfile.mkdtemp(prefix="orderflow-replicas-"))
    data_root.chmod(0o711)
    config = StackConfig(
        ports=StackPorts.free(),
        data_dir=data_root / "data",
        log_dir=tmp_path_factory.mktemp("replica-stack") / "logs",
        profile="full",
        app_env={**TEST_APP_ENV, "ORDERFLOW_APPROVAL_TIMEOUT": "PT120S"},
        daprd_env={"ORDERFLOW_INVENTORY_AUDIT_SCHEDULE": AUDIT_SCHEDULE},
        peers=(payment_peer(PeerApp.free_ports()),),
        replicas=free_replica_ports(REPLICAS),
    )
    try:
        with _started(lambda: Stack(config, progress=_quiet)) as running:
            yield running
    finally:
        shutil.rmtree(data_root, ignore_errors=True)


@pytest.fixture
def replicas(replica_stack: Stack) -> Iterator[ReplicaClient]:
    with ReplicaClient(replica_stack) as client:
        yield client


@pytest.fixture(scope="session", autouse=True)
def _sdk_for_integration() -> None:
    """Overrides the integration folder's: these tests speak HTTP to the replicas and
    their sidecars only, and need no local-profile stack."""
