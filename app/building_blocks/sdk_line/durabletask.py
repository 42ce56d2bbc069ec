"""durabletask, the workflow engine's Python half, wherever this SDK line keeps it.

1.14: the `durabletask` package (0.1.1a1, pinned: the release that speaks the protocol of
the 1.14 sidecar's backend). 1.18: `dapr.ext.workflow._durabletask`, bundled in
dapr-ext-workflow 1.18.3 (a private module: the SDK exports only TaskFailedError from it).
Workflows import Task and TaskFailedError from here.
"""

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from app.building_blocks.sdk_line import BUNDLES_DURABLETASK

PACKAGE = "dapr.ext.workflow._durabletask" if BUNDLES_DURABLETASK else "durabletask"


def module(name: str) -> ModuleType:
    """durabletask's `name` module (e.g. "worker", "internal.helpers") of this line."""
    return import_module(f"{PACKAGE}.{name}")


if TYPE_CHECKING:  # mypy reads the 1.14 modules (the default venv); 1.18's mirror them
    from durabletask import task, worker
    from durabletask.internal import helpers, shared
    from durabletask.internal import orchestrator_service_pb2 as pb
    from durabletask.task import Task, TaskFailedError
else:
    task = module("task")
    worker = module("worker")
    shared = module("internal.shared")
    helpers = module("internal.helpers")
    # The protobuf messages: one generated module in 1.14, re-exported by `protos` in 1.18.
    pb = module("internal.protos" if BUNDLES_DURABLETASK else "internal.orchestrator_service_pb2")
    Task = task.Task
    TaskFailedError = task.TaskFailedError

__all__ = [
    "PACKAGE",
    "Task",
    "TaskFailedError",
    "helpers",
    "module",
    "pb",
    "shared",
    "task",
    "worker",
]
