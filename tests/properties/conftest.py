"""Hypothesis settings from the seed design ("ci" profile), and async clients for the
real stack.

Properties that cross the real sidecar use session-scoped fixtures (`stack`, `probe`,
`publisher`, the clients below), never function-scoped ones: Hypothesis runs many
examples inside one test call."""

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import settings

from app.bootstrap import dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.invoke import ServiceInvoker
from app.building_blocks.state import StateManager
from devstack.stack import Stack
from tests.sidecar import stack_settings

# The seed's profile: at least 100 examples per property, 5 s per example.
settings.register_profile("ci", max_examples=100, deadline=5000)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def runner() -> Iterator[asyncio.Runner]:
    """One event loop for the session: clients opened on it serve every example."""
    with asyncio.Runner() as session_runner:
        yield session_runner


@pytest.fixture(scope="session")
def dapr_client(
    stack: Stack, runner: asyncio.Runner, sdk_points_at_stack: None
) -> Iterator[DaprClientWrapper]:
    client = DaprClientWrapper(dapr_config(stack_settings(stack)))
    runner.run(client.open())
    try:
        yield client
    finally:
        runner.run(client.close())


@pytest.fixture(scope="session")
def state(dapr_client: DaprClientWrapper) -> StateManager:
    return StateManager(dapr_client, "statestore", max_value_bytes=1024 * 1024)


@pytest.fixture(scope="session")
def invoker(dapr_client: DaprClientWrapper) -> ServiceInvoker:
    return ServiceInvoker(dapr_client)


@pytest.fixture(scope="session")
def full_state(
    full_stack: Stack, runner: asyncio.Runner, sdk_points_at_stack: None
) -> Iterator[StateManager]:
    """The full profile's state store (PostgreSQL, with the query API)."""
    client = DaprClientWrapper(dapr_config(stack_settings(full_stack)))
    runner.run(client.open())
    try:
        yield StateManager(client, "statestore", max_value_bytes=1024 * 1024)
    finally:
        runner.run(client.close())
