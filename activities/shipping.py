"""Shipping label (output binding) and the order.completed event (pub/sub)."""

import json
from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.models import CompletedEvent, Label, ShippingInput
from activities.spec import ActivityDeps, ActivityFn
from app.building_blocks.errors import DaprError


class ShippingActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._actors = deps.actors
        self._dapr = deps.dapr
        self._settings = deps.settings

    def activities(self) -> list[ActivityFn]:
        return [self.write_label, self.publish_completed]

    def write_label(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Write the label file through the output binding; the file name is the order id,
        so a repeated write replaces the same file."""
        shipment = ShippingInput.model_validate(payload)
        file_name = f"label-{shipment.order_id}.json"
        body = {
            "operation": "create",
            "data": {
                "order_id": shipment.order_id,
                "customer_id": shipment.customer_id,
                "skus": shipment.skus,
            },
            "metadata": {"fileName": file_name},
        }
        binding = self._settings.shipping_binding_name
        response = self._actors.call_blocking(
            self._dapr.http_call(
                f"binding {binding} create", "POST", f"/v1.0/bindings/{binding}", json=body
            )
        )
        if response.status_code >= 300:
            raise DaprError(f"binding {binding} answered {response.status_code}: {response.text}")
        return Label(file_name=file_name).model_dump()

    def publish_completed(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Publish order.completed; subscribers dedupe by order id (delivery is at least once)."""
        event = CompletedEvent.model_validate(payload)
        data = json.dumps({"type": "order.completed", **event.model_dump(mode="json")})
        pubsub, topic = self._settings.pubsub_name, self._settings.orders_topic
        self._actors.call_blocking(
            self._dapr.grpc_call(
                "publish order.completed",
                lambda client: client.publish_event(
                    pubsub,
                    topic,
                    data,
                    data_content_type="application/json",
                    publish_metadata={"cloudevent.type": "order.completed"},
                ),
            )
        )
