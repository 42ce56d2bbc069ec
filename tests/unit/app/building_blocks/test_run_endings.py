"""reporting_end: a run's own outcome reported once as it ends, never on a replay."""

from collections.abc import Generator
from typing import Any

import pytest

from app.building_blocks.run_endings import RunEnded, reporting_end


class Context:
    def __init__(self, replaying: bool) -> None:
        self.instance_id = "o1"
        self.is_replaying = replaying


def _run(orchestrator: Any, ctx: Context) -> Any:
    """Drive a generator orchestrator to its end, answering each task with None."""
    steps = orchestrator(ctx)
    try:
        steps.send(None)
        while True:
            steps.send(None)
    except StopIteration as end:
        return end.value


def _completes(ctx: Any) -> Generator[None, None, dict[str, str]]:
    yield None
    return {"status": "completed"}


def _fails(ctx: Any) -> Generator[None, None, None]:
    yield None
    raise ValueError("out of stock")


def test_a_completed_run_reports_its_output_and_a_failed_one_its_message() -> None:
    """COMPLETED with the returned output; FAILED with str(error), as the engine records."""
    ended: list[RunEnded] = []
    assert _run(reporting_end(_completes, "wf", ended.append), Context(False)) == {
        "status": "completed"
    }
    with pytest.raises(ValueError, match="out of stock"):
        _run(reporting_end(_fails, "wf", ended.append), Context(False))
    assert ended == [
        RunEnded("o1", "wf", "COMPLETED", output={"status": "completed"}),
        RunEnded("o1", "wf", "FAILED", failure="out of stock"),
    ]


def test_a_replay_reports_nothing() -> None:
    """A replay re-executes an ending already reported: silence."""
    ended: list[RunEnded] = []
    _run(reporting_end(_completes, "wf", ended.append), Context(True))
    with pytest.raises(ValueError, match="out of stock"):
        _run(reporting_end(_fails, "wf", ended.append), Context(True))
    assert ended == []
