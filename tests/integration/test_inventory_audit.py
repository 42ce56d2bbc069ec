"""The `inventory_audit` workflow on the real stack: SKU index, paging, record, cron route."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from dapr.ext.workflow import DaprWorkflowClient, WorkflowStatus

from app.api.bindings.inventory_audit import AUDIT_INSTANCE_ID
from app.records.inventory_index import SKU_INDEX_KEY
from tests.support.orders import new_id, place, stocked_sku, wait_for
from workflows.inventory_audit import inventory_audit
from workflows.restock import restock


def _restock_skus(api: httpx.Client, workflow_client: DaprWorkflowClient) -> list[str]:
    """Five SKUs through the route, one through the restock workflow's activity."""
    skus = [f"AUDIT-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    for sku in skus[:5]:
        assert api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 3}).status_code == 200
    instance = workflow_client.schedule_new_workflow(
        workflow=restock, input={"sku": skus[5], "quantity": 2}
    )
    done = workflow_client.wait_for_workflow_completion(instance, timeout_in_seconds=60)
    assert done is not None
    assert done.runtime_status == WorkflowStatus.COMPLETED
    return skus


def test_restocked_skus_are_indexed_and_audited_across_pages(
    api: httpx.Client, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """Pages of 2 continue as new until the last; no anomalies; the route shows the record."""
    skus = _restock_skus(api, workflow_client)
    index = sidecar_http.get(f"/v1.0/state/statestore/{SKU_INDEX_KEY}").json()
    assert set(skus) <= set(index["skus"])

    instance = f"audit-test-{uuid.uuid4().hex[:8]}"
    workflow_client.schedule_new_workflow(
        workflow=inventory_audit, input={"page_size": 2}, instance_id=instance
    )
    state = workflow_client.wait_for_workflow_completion(instance, timeout_in_seconds=120)
    assert state is not None
    assert state.runtime_status == WorkflowStatus.COMPLETED
    assert state.serialized_output is not None
    record = json.loads(state.serialized_output)
    assert record["instance_id"] == instance
    assert record["skus_checked"] >= len(index["skus"])
    assert record["pages"] >= 3  # one run per page: continue_as_new happened at least twice
    assert record["anomaly_count"] == 0
    assert record["anomalies"] == []

    last = api.get("/api/v1/inventory/audit")
    assert last.status_code == 200
    assert last.json()["instance_id"] == instance
    assert last.json()["pages"] == record["pages"]


def test_cron_route_starts_the_audit_under_its_fixed_id(
    api: httpx.Client, workflow_client: DaprWorkflowClient
) -> None:
    """POST /inventory-audit as daprd's cron does starts the audit; later ticks are accepted."""
    tick = {"readtimeutc": "2026-01-01T00:00:00Z", "timezone": "UTC"}
    assert api.post("/inventory-audit", headers=tick).status_code == 200
    assert api.post("/inventory-audit", headers=tick).status_code == 200  # running: skipped
    state = workflow_client.wait_for_workflow_completion(AUDIT_INSTANCE_ID, timeout_in_seconds=120)
    assert state is not None
    assert state.runtime_status == WorkflowStatus.COMPLETED
    first_created = state.created_at
    assert api.get("/api/v1/inventory/audit").json()["instance_id"] == AUDIT_INSTANCE_ID

    # A tick after the audit finished starts a fresh run under the same id.
    assert api.post("/inventory-audit", headers=tick).status_code == 200
    again = workflow_client.wait_for_workflow_completion(AUDIT_INSTANCE_ID, timeout_in_seconds=120)
    assert again is not None
    assert again.runtime_status == WorkflowStatus.COMPLETED
    assert again.created_at > first_created


def test_concurrent_restocks_of_new_skus_lose_none(
    api: httpx.Client, sidecar_http: httpx.Client
) -> None:
    """Twelve first restocks at once: the ETag-guarded index keeps every SKU."""
    skus = [f"RACE-{uuid.uuid4().hex[:8]}" for _ in range(12)]

    def restock_one(sku: str) -> int:
        return api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 1}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert list(pool.map(restock_one, skus)) == [200] * 12
    index = sidecar_http.get(f"/v1.0/state/statestore/{SKU_INDEX_KEY}").json()
    assert set(skus) <= set(index["skus"])


def test_an_audit_drops_skus_that_hold_nothing_and_a_restock_brings_them_back(
    api: httpx.Client, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """A SKU sold out (on hand 0, nothing held) leaves the index at the end of an audit;
    one with stock stays; restocking the empty one indexes it again."""
    empty, kept = stocked_sku(api, 1), stocked_sku(api, 2)
    order_id = new_id("prune")
    assert place(api, order_id, [(empty, 1, "1.00")]).status_code == 202
    wait_for(api, order_id, {"completed"})

    instance = f"audit-prune-{uuid.uuid4().hex[:8]}"
    workflow_client.schedule_new_workflow(workflow=inventory_audit, input={}, instance_id=instance)
    state = workflow_client.wait_for_workflow_completion(instance, timeout_in_seconds=120)
    assert state is not None
    assert state.runtime_status == WorkflowStatus.COMPLETED
    assert json.loads(state.serialized_output or "{}")["skus_pruned"] >= 1
    index = sidecar_http.get(f"/v1.0/state/statestore/{SKU_INDEX_KEY}").json()["skus"]
    assert empty not in index
    assert kept in index

    assert api.post(f"/api/v1/inventory/{empty}/restock", json={"quantity": 1}).status_code == 200
    index = sidecar_http.get(f"/v1.0/state/statestore/{SKU_INDEX_KEY}").json()["skus"]
    assert empty in index
