"""Workflows the service runs. Bootstrap registers this list; the API resolves names from it."""

from workflows.restock import RestockOrder, restock
from workflows.spec import WorkflowSpec

WORKFLOWS: list[WorkflowSpec] = [
    WorkflowSpec(name="restock", orchestrator=restock, input_model=RestockOrder),
]
