"""How a workflow is declared in the registry."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class WorkflowSpec:
    """A workflow the service runs: its public name, orchestrator and typed input, and
    the external events it waits for with each one's payload model (the raise-event API
    refuses other names and payloads those models refuse)."""

    name: str
    orchestrator: Callable[..., Any]
    input_model: type[BaseModel]
    events: Mapping[str, type[BaseModel]] = field(default_factory=dict)
