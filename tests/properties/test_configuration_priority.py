"""Property 30: for a key held by several configuration layers, the highest-priority
layer's value wins, and `get` names that layer.

Only real layers take part: environment layers read the process's real environment
(variables set and removed around each example), defaults layers hold generated values,
and the Dapr layer is the full profile's `configstore` (configuration.postgresql) read
through its own sidecar, with rows written into its PostgreSQL table. The local profile
has no configuration store: there the app's layers are the environment over the defaults.
"""

import asyncio
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bootstrap import configuration_layers, dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.configuration import (
    KEY_PATTERN,
    ConfigResolver,
    ConfigSource,
    DefaultsSource,
    EnvironmentSource,
    environment_name,
)
from app.building_blocks.errors import ConfigurationNotFoundError
from app.settings import Settings
from devstack.postgres import PostgresServer
from devstack.postgres_schema import CONFIG_TABLE
from devstack.stack import Stack
from tests.sidecar import stack_settings

keys = st.from_regex(KEY_PATTERN, fullmatch=True).filter(lambda key: len(key) <= 60)
# What an environment variable can hold: any UTF-8-encodable text (no lone surrogates)
# but NUL.
values = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
# The Dapr layer counts an empty value as absent (that is how Redis reports a deletion).
store_values = values.filter(bool)


@st.composite
def layer_specs(draw: st.DrawFn) -> list[tuple[str, int, str | None]]:
    """2 to 5 layers: (kind, distinct priority, value for the key or None)."""
    count = draw(st.integers(min_value=2, max_value=5))
    priorities = draw(
        st.lists(st.integers(-1000, 1000), min_size=count, max_size=count, unique=True)
    )
    return [
        (draw(st.sampled_from(["environment", "defaults"])), priority, draw(st.none() | values))
        for priority in priorities
    ]


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set real environment variables for the block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@given(key=keys, specs=layer_specs())
def test_highest_priority_layer_holding_the_key_wins(
    key: str, specs: list[tuple[str, int, str | None]]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 30: Configuration Priority Resolution**
    **Validates: Requirements 12.4**

    Among layers of any priorities, the highest one that holds the key answers, by name.
    """
    sources: list[ConfigSource] = []
    variables: dict[str, str] = {}
    for index, (kind, priority, value) in enumerate(specs):
        name = f"{kind}-{index}"
        if kind == "environment":
            prefix = f"ORDERFLOW_P30_{index}_"
            sources.append(EnvironmentSource(prefix, priority=priority, name=name))
            if value is not None:
                variables[environment_name(prefix, key)] = value
        else:
            held = {key: value} if value is not None else {}
            sources.append(DefaultsSource(held, priority=priority, name=name))
    holding = [
        (priority, f"{kind}-{index}", value)
        for index, (kind, priority, value) in enumerate(specs)
        if value is not None
    ]

    with environment(variables):
        resolver = ConfigResolver(sources)
        if not holding:
            with pytest.raises(ConfigurationNotFoundError):
                resolver.get(key)
            return
        resolved = resolver.get(key)

    _, winner, expected = max(holding)
    assert (resolved.key, resolved.value, resolved.source) == (key, expected, winner)


@given(key=keys, in_environment=st.none() | values, default=st.none() | values)
def test_app_layers_put_the_environment_over_the_defaults(
    dapr_client: DaprClientWrapper, key: str, in_environment: str | None, default: str | None
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 30: Configuration Priority Resolution**
    **Validates: Requirements 12.4**

    The composition root's layers (local profile): the environment beats the defaults.
    """
    defaults = {key: default} if default is not None else {}
    settings = Settings(profile="local")  # the test stack's profile
    resolver, store = configuration_layers(settings, dapr_client, defaults)
    assert store is None  # the local profile has no configuration store
    variable = environment_name(settings.configuration_env_prefix, key)
    assert variable not in os.environ  # nothing left over from another example
    with environment({variable: in_environment} if in_environment is not None else {}):
        resolved = resolver.find(key)

    if in_environment is not None:
        assert resolved is not None
        assert (resolved.value, resolved.source) == (in_environment, "environment")
    elif default is not None:
        assert resolved is not None
        assert (resolved.value, resolved.source) == (default, "defaults")
    else:
        assert resolved is None
    assert [source.name for source in resolver.sources] == ["environment", "defaults"]


@pytest.fixture(scope="module")
def full_client(
    full_stack: Stack, runner: asyncio.Runner, sdk_points_at_stack: None
) -> Iterator[DaprClientWrapper]:
    """The app's client wrapper on the full stack's sidecar."""
    client = DaprClientWrapper(dapr_config(stack_settings(full_stack)))
    runner.run(client.open())
    try:
        yield client
    finally:
        runner.run(client.close())


@pytest.fixture(scope="module")
def postgres(full_stack: Stack) -> PostgresServer:
    server = full_stack.server("postgres")
    assert isinstance(server, PostgresServer)
    return server


def _sql_text(value: str) -> str:
    """A SQL expression for any text, whatever its quotes, backslashes or encoding."""
    return f"convert_from(decode('{value.encode().hex()}', 'hex'), 'UTF8')"


# One example writes and deletes a PostgreSQL row through psql (about 30 ms) and reads
# the store through the sidecar: 100 examples stay within a few seconds.
@given(
    key=keys,
    in_store=st.none() | store_values,
    in_environment=st.none() | values,
    default=st.none() | values,
)
def test_full_profile_layers_put_the_store_over_environment_and_defaults(
    full_stack: Stack,
    runner: asyncio.Runner,
    full_client: DaprClientWrapper,
    postgres: PostgresServer,
    key: str,
    in_store: str | None,
    in_environment: str | None,
    default: str | None,
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 30: Configuration Priority Resolution**
    **Validates: Requirements 12.4**

    The composition root's layers (full profile): a store row beats the environment and
    the defaults, the environment beats the defaults.
    """
    key = f"p30-{uuid.uuid4().hex[:8]}-{key}"  # apart from other examples and other tests
    defaults = {key: default} if default is not None else {}
    settings = stack_settings(full_stack)
    resolver, store = configuration_layers(settings, full_client, defaults)
    assert store is not None
    variable = environment_name(settings.configuration_env_prefix, key)
    if in_store is not None:
        postgres.sql(f"INSERT INTO {CONFIG_TABLE} VALUES ('{key}', {_sql_text(in_store)}, '1')")
    try:
        runner.run(store.load())
        with environment({variable: in_environment} if in_environment is not None else {}):
            resolved = resolver.find(key)
    finally:
        postgres.sql(f"DELETE FROM {CONFIG_TABLE} WHERE key = '{key}'")

    layers = [
        ("dapr:configstore", in_store),
        ("environment", in_environment),
        ("defaults", default),
    ]
    holding = [(source, value) for source, value in layers if value is not None]
    if holding:
        assert resolved is not None
        assert (resolved.value, resolved.source) == (holding[0][1], holding[0][0])
    else:
        assert resolved is None
    assert [source.name for source in resolver.sources] == [name for name, _ in layers]
