"""Workflows the service runs. Bootstrap registers this list; the API resolves names from it."""

from activities.audit_models import AuditInput
from activities.models import ShippingInput
from actors.order_interface import OrderDetails
from workflows.engine_canary import CanaryInput, engine_canary
from workflows.inventory_audit import inventory_audit
from workflows.order_fulfillment import order_fulfillment
from workflows.order_models import APPROVAL_EVENT, CANCEL_EVENT, ApprovalDecision, CancelRequest
from workflows.restock import RestockOrder, restock
from workflows.restock_approval import APPROVAL_EVENT as RESTOCK_APPROVAL_EVENT
from workflows.restock_approval import ApprovalDecision as RestockDecision
from workflows.restock_approval import RestockApprovalRequest, restock_approval
from workflows.shipping import shipping
from workflows.spec import WorkflowSpec

WORKFLOWS: list[WorkflowSpec] = [
    WorkflowSpec(name="restock", orchestrator=restock, input_model=RestockOrder),
    WorkflowSpec(
        name="restock_approval",
        orchestrator=restock_approval,
        input_model=RestockApprovalRequest,
        events={RESTOCK_APPROVAL_EVENT: RestockDecision},
    ),
    WorkflowSpec(
        name="order_fulfillment",
        orchestrator=order_fulfillment,
        input_model=OrderDetails,
        # payment.* events reach it from the `payments` topic only (app/api/subscriptions).
        events={APPROVAL_EVENT: ApprovalDecision, CANCEL_EVENT: CancelRequest},
    ),
    WorkflowSpec(name="shipping", orchestrator=shipping, input_model=ShippingInput),
    WorkflowSpec(name="inventory_audit", orchestrator=inventory_audit, input_model=AuditInput),
    WorkflowSpec(name="engine_canary", orchestrator=engine_canary, input_model=CanaryInput),
]
