"""Layered configuration (the seed's ConfigManager): the highest-priority layer that holds
a key wins, and `get` says which layer that was.

The app's layers, highest first: the Dapr configuration store (full profile only, kept
live by a subscription: configuration_store.py), environment variables, defaults in code.
Each layer is a small object with a name, a priority and a synchronous `lookup`, so a
lookup on a hot path never waits for the network.
"""

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from app.building_blocks.errors import ConfigurationNotFoundError, InvalidRequestError

# Declared priorities of the app's layers; higher wins.
DAPR_STORE_PRIORITY = 300
ENVIRONMENT_PRIORITY = 200
DEFAULTS_PRIORITY = 100

# Lower-case words joined by "-" or ".": the environment name is then unambiguous.
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


class ConfigSource(Protocol):
    """One layer: a name for `Resolved.source`, a priority, and what it holds."""

    @property
    def name(self) -> str: ...

    @property
    def priority(self) -> int: ...

    def lookup(self, key: str) -> str | None:
        """The layer's value for `key`, or None when the layer does not hold it."""
        ...


@dataclass(frozen=True)
class Resolved:
    key: str
    value: str
    source: str


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise InvalidRequestError(
            "a configuration key is lower-case letters and digits, in words joined by "
            f"'-' or '.' (got {key!r})",
            {"key": key},
        )
    return key


def environment_name(prefix: str, key: str) -> str:
    """`approval-threshold` -> `<prefix>APPROVAL_THRESHOLD`; `a.b` -> `<prefix>A__B`."""
    return prefix + check_key(key).upper().replace(".", "__").replace("-", "_")


class ConfigResolver:
    """Asks the layers in priority order; the first that holds the key answers."""

    def __init__(self, sources: Iterable[ConfigSource]) -> None:
        ordered = sorted(sources, key=lambda source: source.priority, reverse=True)
        priorities = [source.priority for source in ordered]
        if len(set(priorities)) != len(priorities):
            # Equal priorities would make the answer depend on construction order.
            raise ValueError(f"configuration layers need distinct priorities: {priorities}")
        self._sources = tuple(ordered)

    @property
    def sources(self) -> tuple[ConfigSource, ...]:
        """The layers, highest priority first."""
        return self._sources

    def find(self, key: str) -> Resolved | None:
        check_key(key)
        for source in self._sources:
            value = source.lookup(key)
            if value is not None:
                return Resolved(key=key, value=value, source=source.name)
        return None

    def get(self, key: str) -> Resolved:
        """The value of the highest-priority layer holding `key`, and that layer's name."""
        resolved = self.find(key)
        if resolved is None:
            layers = ", ".join(source.name for source in self._sources)
            raise ConfigurationNotFoundError(
                f"configuration key {key!r} is in no layer ({layers})", {"key": key}
            )
        return resolved


class EnvironmentSource:
    """Environment variables `<prefix><KEY>`, read at each lookup (os.environ by default)."""

    def __init__(
        self,
        prefix: str,
        environ: Mapping[str, str] | None = None,
        priority: int = ENVIRONMENT_PRIORITY,
        name: str = "environment",
    ) -> None:
        self.prefix = prefix
        self.priority = priority
        self.name = name
        self._environ = os.environ if environ is None else environ

    def lookup(self, key: str) -> str | None:
        return self._environ.get(environment_name(self.prefix, key))


class DefaultsSource:
    """Values fixed in code: the bottom layer, so every known key has an answer."""

    def __init__(
        self,
        values: Mapping[str, str],
        priority: int = DEFAULTS_PRIORITY,
        name: str = "defaults",
    ) -> None:
        self.priority = priority
        self.name = name
        self._values = {check_key(key): value for key, value in values.items()}

    def lookup(self, key: str) -> str | None:
        return self._values.get(key)
