"""Shipping label (output binding)."""

import json
from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import Label, ShippingInput
from activities.spec import ActivityDeps, ActivityFn


class ShippingActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._bindings = deps.bindings
        self._settings = deps.settings

    def activities(self) -> list[ActivityFn]:
        return [self.write_label]

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
