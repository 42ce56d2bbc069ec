"""How a workflow is declared in the registry."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class WorkflowSpec:
    """A workflow the service runs: its public name, orchestrator and typed input."""

    name: str
    orchestrator: Callable[..., Any]
    input_model: type[BaseModel]
