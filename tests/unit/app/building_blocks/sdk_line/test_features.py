"""The 1.18 features beside their 1.14 paths: progress as custom status or as the
record_progress activity, and reading it back from an instance's state."""

from types import SimpleNamespace
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext

from app.building_blocks.sdk_line.features import FEATURES, progress_of, report_progress
from tests.unit.support.workflow_context import FakeOrchestrationContext


def record_progress(ctx: Any, payload: Any) -> None:
    """Stands in for the activity: only its name is scheduled."""


def test_a_report_is_the_custom_status_where_the_sdk_sets_one_else_the_activity() -> None:
    """1.18: the custom status holds the progress, nothing is scheduled; 1.14: one
    record_progress call with the update, and no custom status."""
    fake = FakeOrchestrationContext("wf-1")
    update = {"instance_id": "wf-1", "progress": {"step": "awaiting approval"}}
    for task in report_progress(
        DaprWorkflowContext(fake), {"step": "awaiting approval"}, record_progress, update
    ):
        assert not FEATURES.custom_status, "1.18 schedules nothing"
        assert task is fake.scheduled[-1].task
    [call] = fake.scheduled
    assert call.name == "record_progress"
    if FEATURES.custom_status:
        assert call.kind == "status"
        assert progress_of(SimpleNamespace(serialized_custom_status=fake.custom_status)) == {
            "step": "awaiting approval"
        }
    else:
        assert (call.kind, call.input) == ("activity", update)


def test_progress_reads_a_json_object_or_nothing() -> None:
    """The SDK may hand the status back JSON-encoded once more; anything but an object is
    no progress."""
    assert progress_of(SimpleNamespace(serialized_custom_status='{"step": "x"}')) == {"step": "x"}
    assert progress_of(SimpleNamespace(serialized_custom_status='"{\\"step\\": \\"x\\"}"')) == {
        "step": "x"
    }
    for raw in (None, "", "not json", "[1]", '"text"'):
        assert progress_of(SimpleNamespace(serialized_custom_status=raw)) is None
