"""The 3-replica stack: three apps, each with its own daprd, on one placement, sharing
PostgreSQL and Redis (the full profile), behind HAProxy; and the payment peer.

Separate from the session's other stacks (its own servers and ports), started once for
the tests in this folder. The audit cron fires every 2 s on each of the three daprds, so
the once-per-tick test sees many ticks within seconds.
"""

from collections.abc import Iterator
from dataclasses import replace

import pytest

from devstack.replicas import free_replica_ports
from devstack.stack import Stack
from tests.conftest import TEST_APP_ENV, _quiet, _started
from tests.integration.replicas.client import ReplicaClient
from tests.support.full_profile import full_profile_config

REPLICAS = 3
AUDIT_SCHEDULE = "@every 2s"


@pytest.fixture(scope="session")
def replica_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    app_env = {**TEST_APP_ENV, "ORDERFLOW_APPROVAL_TIMEOUT": "PT120S"}
    with full_profile_config(tmp_path_factory, "replica-stack", app_env, with_payment=True) as full:
        config = replace(
            full,
            daprd_env={"ORDERFLOW_INVENTORY_AUDIT_SCHEDULE": AUDIT_SCHEDULE},
            replicas=free_replica_ports(REPLICAS),
        )
        with _started(lambda: Stack(config, progress=_quiet)) as running:
            yield running


@pytest.fixture
def replicas(replica_stack: Stack) -> Iterator[ReplicaClient]:
    with ReplicaClient(replica_stack) as client:
        yield client


@pytest.fixture(scope="session", autouse=True)
def _sdk_for_integration() -> None:
    """Overrides the integration folder's: these tests speak HTTP to the replicas and
    their sidecars only, and need no local-profile stack."""
