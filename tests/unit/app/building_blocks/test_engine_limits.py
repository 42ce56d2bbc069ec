"""daprd's workflow concurrency limits stay within the SDK worker's threads, in every
profile: a step queued in the app for 30 s leaks one of daprd 1.14's engine slots for good
(docs/workflow-engine.md), and no step can queue while the limits fit the threads."""

import inspect
import re
from pathlib import Path

import pytest

from app.building_blocks.sdk_line.durabletask import worker
from app.building_blocks.sdk_line.handles import SDK_WORKER_THREADS
from devstack.runtime import DAPR_DIR

CONFIGS = sorted(DAPR_DIR.joinpath("config").glob("*/config.yaml"))


def _limit(config: Path, name: str) -> int:
    """The integer `name:` under `spec.workflow` (the only place these keys appear)."""
    found = re.findall(rf"^    {name}: (\d+)$", config.read_text(), re.MULTILINE)
    assert len(found) == 1, f"{config}: expected one {name}, found {found}"
    return int(found[0])


@pytest.mark.runtime_difference(
    "1.14",
    "durabletask 0.1.1a1 fixes its pool at 16; 1.18's takes a size (handles.workflow_runtime)",
)
def test_the_sdk_worker_still_has_the_thread_count_we_size_for() -> None:
    """durabletask's worker fixes its pool size in its source; an SDK upgrade that changes
    it must change SDK_WORKER_THREADS (and the limits) too."""
    source = inspect.getsource(worker.TaskHubGrpcWorker.start)
    assert f"ThreadPoolExecutor(max_workers={SDK_WORKER_THREADS})" in source


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.parent.name)
def test_engine_limits_fit_the_worker_threads(config: Path) -> None:
    """maxConcurrentWorkflowInvocations + maxConcurrentActivityInvocations <= threads, both
    set (daprd's defaults are 100 each)."""
    orchestrations = _limit(config, "maxConcurrentWorkflowInvocations")
    activities = _limit(config, "maxConcurrentActivityInvocations")
    assert orchestrations >= 1
    assert activities >= 1
    assert orchestrations + activities <= SDK_WORKER_THREADS


def test_every_profile_is_checked() -> None:
    """The parametrised test above sees the local and full profiles at least."""
    assert {path.parent.name for path in CONFIGS} >= {"local", "full"}
