"""Workflows the service runs. Bootstrap registers this list; the API resolves names from it."""

from workflows.restock import RestockOrder, restock
from workflows.restock_approval import RestockApprovalRequest, restock_approval
from workflows.spec import WorkflowSpec

WORKFLOWS: list[WorkflowSpec] = [
    WorkflowSpec(name="restock", orchestrator=restock, input_model=RestockOrder),
    WorkflowSpec(
        name="restock_approval",
        orchestrator=restock_approval,
        input_model=RestockApprovalRequest,
    ),
]
