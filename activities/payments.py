"""Charging the order, and refunding it, through Dapr service invocation to the provider."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import ChargeInput, ChargeOutcome, RefundInput, RefundOutcome
from activities.provider import PaymentProvider
from activities.spec import ActivityDeps, ActivityFn
from app.building_blocks.errors import InvocationError

# The provider's answers that no retry changes: an unknown charge id, a declined charge.
_REFUSED = frozenset({404, 409})


class PaymentActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._provider = PaymentProvider(
            deps.invoker, deps.secrets, deps.settings, deps.payment_key_header
        )

    def activities(self) -> list[ActivityFn]:
        return [self.charge_payment, self.refund_payment]

    def charge_payment(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Charge once per order id (the provider keys charges by it, so a retry is safe).

        A decline is an outcome; a failure (the provider down or answering 5xx after
        daprd's own retries) raises, and the workflow's retry policy tries again.
        """
        charge = ChargeInput.model_validate(payload)
        body = {"order_id": charge.order_id, "amount": str(charge.amount)}
        answer = self._loop.run(self._provider.post("charges", body))
        return ChargeOutcome(
            approved=bool(answer["approved"]),
            charge_id=str(answer.get("charge_id", "")),
            reason=str(answer.get("reason", "")),
        ).model_dump()

    def refund_payment(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Refund the charge once (the provider keys refunds by charge id, so a retry returns
        the first refund). A refusal (unknown or declined charge) is an outcome; a failure
        raises, and the workflow's retry policy tries again."""
        refund = RefundInput.model_validate(payload)
        body = {"charge_id": refund.charge_id, "reason": refund.reason[:500]}
        try:
            answer = self._loop.run(self._provider.post("refunds", body))
        except InvocationError as error:
            if error.status not in _REFUSED:
                raise
            detail = str(error.details.get("body", ""))[:200]
            refused = f"refused ({error.status}): {detail}"
            return RefundOutcome(refunded=False, reason=refused).model_dump()
        return RefundOutcome(refunded=True, refund_id=str(answer["refund_id"])).model_dump()
