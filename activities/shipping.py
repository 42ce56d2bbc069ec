"""Shipping label (output binding) and the order.completed event (pub/sub)."""

import json
from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import CompletedEvent, Label, ShippingInput
from activities.spec import ActivityDeps, ActivityFn

ORDER_COMPLETED = "order.completed"


class ShippingActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._bindings = deps.bindings
        self._pubsub = deps.pubsub
        self._settings = deps.settings

    def activities(self) -> list[ActivityFn]:
        return [self.write_label, self.publish_completed]

    def write_label(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Write the label file through the output binding; the file name is the order id,
        so a repeated write replaces the same file."""
        shipment = ShippingInput.model_validate(payload)
        file_name = f"label-{shipment.order_id}.json"
        label = {
            "order_id": shipment.order_id,
            "customer_id": shipment.customer_id,
            "skus": shipment.skus,
        }
        # Compact with sorted keys: the bytes daprd's HTTP binding API wrote for this JSON.
        data = json.dumps(label, separators=(",", ":"), sort_keys=True)
        self._loop.run(
            self._bindings.invoke(
                self._settings.shipping_binding_name,
                "create",
                data,
                metadata={"fileName": file_name},
            )
        )
        return Label(file_name=file_name).model_dump()

    def publish_completed(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Publish order.completed; subscribers dedupe by order id (delivery is at least once)."""
        event = CompletedEvent.model_validate(payload)
        data = {"type": ORDER_COMPLETED, **event.model_dump(mode="json")}
        self._loop.run(
            self._pubsub.publish(
                self._settings.pubsub_name,
                self._settings.orders_topic,
                data,
                event_type=ORDER_COMPLETED,
            )
        )
