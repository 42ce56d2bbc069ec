"""The `shipping` child workflow: wait for the warehouse (a durable timer), write the label."""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext

from activities.order_models import Label, ShippingInput
from activities.shipping import ShippingActivities
from workflows.policies import ACTIVITY_RETRY


def shipping(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Generator[Any, Any, Any]:
    """The timer is durable: a restart during the wait resumes it, it does not start over."""
    shipment = ShippingInput.model_validate(payload)
    yield ctx.create_timer(timedelta(seconds=shipment.delay_s))
    label = yield ctx.call_activity(
        ShippingActivities.write_label, input=shipment.model_dump(), retry_policy=ACTIVITY_RETRY
    )
    return Label.model_validate(label).model_dump()
