"""Property 30: for a key held by several configuration layers, the highest-priority
layer's value wins, and `get` names that layer.

Only real layers take part: environment layers read the process's real environment
(variables set and removed around each example), defaults layers hold generated values.
The local profile has no Dapr configuration store, so the app's own layers here are the
environment over the defaults; this is checked on the composition root's resolver, built
against the test stack. What the full profile adds: `configstore` (configuration.postgresql)
as DaprConfigurationSource above both, loaded at start and kept live by the subscription;
its test belongs with that profile's stack (a row written in PostgreSQL must win over
the environment, and a change must show up through the subscription).
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bootstrap import configuration_layers
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

keys = st.from_regex(KEY_PATTERN, fullmatch=True).filter(lambda key: len(key) <= 60)
# What an environment variable can hold: any UTF-8-encodable text (no lone surrogates)
# but NUL.
values = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


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
