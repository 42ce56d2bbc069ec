"""The shipping child workflow through a fake orchestration context."""

from tests.unit.support.workflow_context import WorkflowRun
from workflows.policies import ACTIVITY_RETRY
from workflows.shipping import shipping

SHIPMENT = {"order_id": "order-1", "customer_id": "c-1", "skus": ["SKU-1"], "delay_s": 2.5}


def test_the_label_is_written_only_after_the_durable_timer() -> None:
    """A timer of `delay_s` first; write_label is scheduled only once it fires."""
    run = WorkflowRun(shipping, SHIPMENT, instance_id="order-1:shipping")
    [timer] = run.pending()
    assert timer.kind == "timer"
    assert timer.fire_at is not None
    assert (timer.fire_at - run.ctx.current_utc_datetime).total_seconds() == 2.5
    assert run.names() == ["timer"]

    run.fire_timer()
    [label] = run.pending()
    assert label.name == "write_label"
    assert label.input == SHIPMENT
    assert label.retry_policy is ACTIVITY_RETRY.obj


def test_the_result_is_the_label_the_activity_wrote() -> None:
    """The workflow's output is the Label model of write_label's answer."""
    run = WorkflowRun(shipping, SHIPMENT)
    run.fire_timer()
    run.complete("write_label", {"file_name": "label-order-1.json"})
    assert run.finished
    assert run.output == {"file_name": "label-order-1.json"}


def test_a_label_that_cannot_be_written_fails_the_child_workflow() -> None:
    """write_label failing after its retries fails the shipping workflow (the parent sees it)."""
    run = WorkflowRun(shipping, SHIPMENT)
    run.fire_timer()
    run.fail("write_label", "binding shipping-labels answered 500")
    assert run.finished
    assert run.failure is not None
    assert "binding shipping-labels answered 500" in str(run.failure)
