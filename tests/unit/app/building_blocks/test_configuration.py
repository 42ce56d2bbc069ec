"""The configuration resolver and its layers, apart from any sidecar."""

from dataclasses import dataclass

import pytest

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.configuration import (
    ConfigResolver,
    DefaultsSource,
    EnvironmentSource,
    environment_name,
)
from app.building_blocks.configuration_store import DaprConfigurationSource
from app.building_blocks.errors import ConfigurationNotFoundError, InvalidRequestError


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        ("approval-threshold", "P_APPROVAL_THRESHOLD"),
        ("orders.max-items", "P_ORDERS__MAX_ITEMS"),
        ("a1", "P_A1"),
    ],
)
def test_environment_names(key: str, variable: str) -> None:
    """'-' becomes '_' and '.' becomes '__', so no two keys share a variable."""
    assert environment_name("P_", key) == variable


@pytest.mark.parametrize("key", ["", "Upper", "under_score", "-lead", "trail.", "a--b", "a b"])
def test_keys_outside_the_grammar_are_refused(key: str) -> None:
    resolver = ConfigResolver([DefaultsSource({})])
    with pytest.raises(InvalidRequestError, match="configuration key"):
        resolver.get(key)


def test_layers_are_asked_highest_priority_first_whatever_the_order_given() -> None:
    low = DefaultsSource({"k": "low"}, priority=1, name="low")
    high = DefaultsSource({"k": "high"}, priority=9, name="high")
    resolver = ConfigResolver([low, high])
    assert [source.name for source in resolver.sources] == ["high", "low"]
    assert resolver.get("k").source == "high"


def test_equal_priorities_are_refused() -> None:
    """Equal priorities would make the answer depend on the order the layers were given."""
    with pytest.raises(ValueError, match="distinct priorities"):
        ConfigResolver([DefaultsSource({}, name="a"), DefaultsSource({}, name="b")])


def test_key_in_no_layer_names_the_layers() -> None:
    resolver = ConfigResolver([EnvironmentSource("P_", environ={}), DefaultsSource({})])
    with pytest.raises(
        ConfigurationNotFoundError, match=r"'k' is in no layer \(environment, defaults\)"
    ):
        resolver.get("k")
    assert resolver.find("k") is None


def test_environment_layer_reads_the_mapping_at_each_lookup() -> None:
    """A variable set after the resolver was built is seen by the next lookup."""
    environ: dict[str, str] = {}
    resolver = ConfigResolver(
        [EnvironmentSource("P_", environ=environ), DefaultsSource({"k": "d"})]
    )
    assert resolver.get("k").value == "d"
    environ["P_K"] = ""
    assert (resolver.get("k").value, resolver.get("k").source) == ("", "environment")


@dataclass
class Item:
    value: str
    version: str = "1"


def test_store_layer_applies_updates_and_treats_empty_values_as_deleted() -> None:
    """Stream updates change the snapshot; an empty value (Redis delete) removes the key."""
    store = DaprConfigurationSource(DaprClientWrapper(DaprConfig()), "configstore")
    assert (store.name, store.lookup("k")) == ("dapr:configstore", None)
    store.apply({"k": Item("1500"), "other": Item("x")})
    assert store.lookup("k") == "1500"
    store.apply({"k": Item("")})
    assert store.lookup("k") is None
    assert store.lookup("other") == "x"
    assert not store.following
