"""Charging the order through Dapr service invocation to the payment provider."""

import json
from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import ChargeInput, ChargeOutcome
from activities.spec import ActivityDeps, ActivityFn

_SECRET, _VALUE = "payment", "api-key"


class PaymentActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._key_header = deps.payment_key_header
        self._invoker = deps.invoker
        self._secrets = deps.secrets
        self._settings = deps.settings

    def activities(self) -> list[ActivityFn]:
        return [self.charge_payment]

    def charge_payment(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Charge once per order id (the provider keys charges by it, so a retry is safe).

        A decline is an outcome; a failure (the provider down or answering 5xx after
        daprd's own retries) raises, and the workflow's retry policy tries again.
        """
        charge = ChargeInput.model_validate(payload)
        key = self._loop.run(
            self._secrets.get_secret(self._settings.secretstore_name, _SECRET, _VALUE)
        )
        body = json.dumps({"order_id": charge.order_id, "amount": str(charge.amount)}).encode()
        response = self._loop.run(
            self._invoker.invoke(
                self._settings.payment_app_id,
                "charges",
                data=body,
                headers={self._key_header: key.get_secret_value()},
            )
        )
        answer = json.loads(response.data)
        return ChargeOutcome(
            approved=bool(answer["approved"]),
            charge_id=str(answer.get("charge_id", "")),
            reason=str(answer.get("reason", "")),
        ).model_dump()
