"""Workflows the service runs. Bootstrap registers this list; the API resolves names from it,
and code that starts a workflow by name takes the name from its entry here."""

from activities.audit_models import AuditInput
from activities.books_models import BooksAuditInput
from activities.order_models import ShippingInput
from actors.order_interface import OrderDetails
from app.building_blocks.workflow_spec import WorkflowSpec
from workflows.books_audit import books_audit
from workflows.engine_canary import CanaryInput, engine_canary
from workflows.events import APPROVAL_EVENT, CANCEL_EVENT
from workflows.inventory_audit import inventory_audit
from workflows.order_compensation import CompensationInput, order_compensation
from workflows.order_fulfillment import order_fulfillment
from workflows.order_models import CancelRequest, OrderDecision
from workflows.restock import RestockOrder, restock
from workflows.restock_approval import RestockApprovalRequest, RestockDecision, restock_approval
from workflows.shipping import shipping

RESTOCK = WorkflowSpec(name="restock", orchestrator=restock, input_model=RestockOrder)
RESTOCK_APPROVAL = WorkflowSpec(
    name="restock_approval",
    orchestrator=restock_approval,
    input_model=RestockApprovalRequest,
    events={APPROVAL_EVENT: RestockDecision},
)
ORDER_FULFILLMENT = WorkflowSpec(
    name="order_fulfillment",
    orchestrator=order_fulfillment,
    input_model=OrderDetails,
    events={APPROVAL_EVENT: OrderDecision, CANCEL_EVENT: CancelRequest},
)
ORDER_COMPENSATION = WorkflowSpec(
    name="order_compensation", orchestrator=order_compensation, input_model=CompensationInput
)
SHIPPING = WorkflowSpec(name="shipping", orchestrator=shipping, input_model=ShippingInput)
INVENTORY_AUDIT = WorkflowSpec(
    name="inventory_audit", orchestrator=inventory_audit, input_model=AuditInput
)
BOOKS_AUDIT = WorkflowSpec(
    name="books_audit", orchestrator=books_audit, input_model=BooksAuditInput
)
ENGINE_CANARY = WorkflowSpec(
    name="engine_canary", orchestrator=engine_canary, input_model=CanaryInput
)

WORKFLOWS: list[WorkflowSpec] = [
    RESTOCK,
    RESTOCK_APPROVAL,
    ORDER_FULFILLMENT,
    ORDER_COMPENSATION,
    SHIPPING,
    INVENTORY_AUDIT,
    BOOKS_AUDIT,
    ENGINE_CANARY,
]
