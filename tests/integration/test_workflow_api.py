"""The workflow control API under /api/v1/workflows against the real sidecar."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from dapr.ext.workflow import DaprWorkflowClient

from workflows.restock import restock

PROBLEM = "application/problem+json"
BASE = "/api/v1/workflows"


def _sku() -> str:
    return f"SKU-{uuid.uuid4().hex[:8]}"


def _id(prefix: str = "api") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _start(api: httpx.Client, name: str, payload: dict[str, Any], **body: Any) -> httpx.Response:
    return api.post(f"{BASE}/{name}", json={"input": payload, **body})


def _start_approval(api: httpx.Client, timeout_s: int = 300) -> str:
    instance_id = _id("approval")
    payload = {"sku": _sku(), "quantity": 2, "approval_timeout_s": timeout_s}
    response = _start(api, "restock_approval", payload, instance_id=instance_id)
    assert response.status_code == 202, response.text
    _await_status(api, instance_id, "RUNNING")
    return instance_id


def _status(api: httpx.Client, instance_id: str) -> str:
    response = api.get(f"{BASE}/instances/{instance_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["runtime_status"])


def _await_status(api: httpx.Client, instance_id: str, wanted: str, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while (current := _status(api, instance_id)) != wanted:
        assert time.monotonic() < deadline, f"{instance_id} stayed {current}, wanted {wanted}"
        time.sleep(0.2)


def _problem(response: httpx.Response, status: int, error_code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["error_code"] == error_code
    return body


def test_start_answers_202_with_location_and_the_instance_completes(api: httpx.Client) -> None:
    """A started restock answers 202 + Location; wait returns its output; GET shows it all."""
    sku = _sku()
    response = _start(api, "restock", {"sku": sku, "quantity": 3})
    assert response.status_code == 202, response.text
    instance_id = response.json()["instance_id"]
    assert response.headers["location"] == f"{BASE}/instances/{instance_id}"
    done = api.get(f"{response.headers['location']}/wait", params={"timeout_s": 60}, timeout=70)
    assert done.status_code == 200, done.text
    detail = done.json()
    assert detail["runtime_status"] == "COMPLETED"
    assert detail["name"] == "restock"
    assert detail["input"] == {"sku": sku, "quantity": 3}
    assert detail["output"] == {"sku": sku, "on_hand": 3, "reserved": 0, "available": 3}
    assert detail["failure"] is None
    assert detail["created_at"] <= detail["last_updated_at"]
    assert api.get(f"{BASE}/instances/{instance_id}").json()["output"] == detail["output"]


def test_unknown_workflow_is_404(api: httpx.Client) -> None:
    """Starting a name the registry does not hold is a 404 problem naming it."""
    body = _problem(_start(api, "no-such-flow", {}), 404, "WORKFLOW_NOT_FOUND")
    assert "no-such-flow" in body["detail"]


def test_invalid_input_is_422_with_the_fields_at_fault(api: httpx.Client) -> None:
    """Input the workflow's model rejects is a 422 naming each bad field; nothing starts."""
    instance_id = _id()
    response = _start(api, "restock", {"sku": "", "quantity": 0}, instance_id=instance_id)
    body = _problem(response, 422, "VALIDATION_ERROR")
    assert {error["field"] for error in body["errors"]} == {"sku", "quantity"}
    _problem(api.get(f"{BASE}/instances/{instance_id}"), 404, "WORKFLOW_NOT_FOUND")


def test_bad_instance_id_is_422(api: httpx.Client) -> None:
    """An instance id outside the allowed characters is refused before anything runs;
    ':' too, which daprd uses to name an instance's activities."""
    for bad in ("a b||c", "order-1:", "a:b"):
        response = _start(api, "restock", {"sku": _sku(), "quantity": 1}, instance_id=bad)
        body = _problem(response, 422, "VALIDATION_ERROR")
        assert body["errors"][0]["field"] == "body.instance_id"


def test_duplicate_instance_id_is_409_while_running_and_after_completion(
    api: httpx.Client,
) -> None:
    """The same id twice never starts a second run: 409 while running and once finished."""
    instance_id = _start_approval(api)
    again = _start(api, "restock", {"sku": _sku(), "quantity": 1}, instance_id=instance_id)
    _problem(again, 409, "WORKFLOW_CONFLICT")

    sku = _sku()
    done_id = _id()
    first = api.post(
        f"{BASE}/restock",
        params={"instance_id": done_id},
        json={"input": {"sku": sku, "quantity": 1}},
    )
    assert first.status_code == 202
    assert (
        api.get(
            f"{BASE}/instances/{done_id}/wait", params={"timeout_s": 60}, timeout=70
        ).status_code
        == 200
    )
    before = api.get(f"{BASE}/instances/{done_id}").json()
    second = _start(api, "restock", {"sku": sku, "quantity": 1}, instance_id=done_id)
    _problem(second, 409, "WORKFLOW_CONFLICT")
    after = api.get(f"{BASE}/instances/{done_id}").json()
    assert after["runtime_status"] == "COMPLETED"
    assert after["created_at"] == before["created_at"]
    assert after["output"] == {"sku": sku, "on_hand": 1, "reserved": 0, "available": 1}


def test_unknown_instance_is_404_for_every_operation(api: httpx.Client) -> None:
    """Reading, signalling, waiting on or purging an id no instance has is a 404."""
    missing = f"{BASE}/instances/{_id('missing')}"
    for response in (
        api.get(missing),
        api.get(f"{missing}/wait", params={"timeout_s": 1}),
        api.post(f"{missing}/events/approval", json={"approved": True}),
        api.post(f"{missing}/terminate"),
        api.post(f"{missing}/pause"),
        api.post(f"{missing}/resume"),
        api.delete(missing),
    ):
        _problem(response, 404, "WORKFLOW_NOT_FOUND")


def test_pause_event_resume_completes_the_approval(api: httpx.Client) -> None:
    """Paused, an instance takes an event but acts on it only after resume."""
    instance_id = _start_approval(api)
    url = f"{BASE}/instances/{instance_id}"
    _problem(api.post(f"{url}/resume"), 409, "WORKFLOW_CONFLICT")  # running: would FAIL it
    assert _status(api, instance_id) == "RUNNING"
    assert api.post(f"{url}/pause").status_code == 202
    _await_status(api, instance_id, "SUSPENDED")
    _problem(api.post(f"{url}/pause"), 409, "WORKFLOW_CONFLICT")
    _problem(api.post(f"{url}/terminate"), 409, "WORKFLOW_CONFLICT")
    event = api.post(f"{url}/events/approval", json={"approved": True, "approver": "ops"})
    assert event.status_code == 202, event.text
    time.sleep(1)
    assert _status(api, instance_id) == "SUSPENDED"
    assert api.post(f"{url}/resume").status_code == 202
    done = api.get(f"{url}/wait", params={"timeout_s": 60}, timeout=70).json()
    assert done["runtime_status"] == "COMPLETED"
    assert done["output"]["approved"] is True
    assert done["output"]["level"]["on_hand"] == 2
    assert done["progress"] == {"step": "restocked"}
    _problem(api.post(f"{url}/events/approval", json={"approved": True}), 409, "WORKFLOW_CONFLICT")
    _problem(api.post(f"{url}/pause"), 409, "WORKFLOW_CONFLICT")


def test_pauses_that_race_a_step_still_complete_the_approval(api: httpx.Client) -> None:
    """A pause sent as soon as an approval runs often reaches the worker with the result of
    its first step; before keep_action_records_while_suspended, about 3 in 100 such
    instances ended FAILED (NonDeterminismError) once approved and resumed."""

    def paused_approved_resumed(_: int) -> str:
        instance_id = _start_approval(api)
        url = f"{BASE}/instances/{instance_id}"
        assert api.post(f"{url}/pause").status_code == 202
        _await_status(api, instance_id, "SUSPENDED")
        assert api.post(f"{url}/events/approval", json={"approved": True}).status_code == 202
        assert api.post(f"{url}/resume").status_code == 202
        done = api.get(f"{url}/wait", params={"timeout_s": 60}, timeout=70).json()
        return f"{instance_id}: {done['runtime_status']} {done.get('failure')}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(paused_approved_resumed, range(100)))
    assert [o for o in outcomes if " COMPLETED " not in o] == []


def test_progress_is_reported_while_waiting(api: httpx.Client) -> None:
    """The approval reports its step; GET and the list both show it."""
    instance_id = _start_approval(api)
    deadline = time.monotonic() + 30
    while (progress := api.get(f"{BASE}/instances/{instance_id}").json()["progress"]) is None:
        assert time.monotonic() < deadline, "no progress reported"
        time.sleep(0.2)
    assert progress == {"step": "awaiting approval"}
    listed = api.get(
        f"{BASE}/instances", params={"name": "restock_approval", "status": "RUNNING", "limit": 500}
    ).json()
    by_id = {item["instance_id"]: item for item in listed["items"]}
    assert by_id[instance_id]["progress"] == {"step": "awaiting approval"}
    api.post(f"{BASE}/instances/{instance_id}/terminate")


def test_terminate_then_purge(api: httpx.Client) -> None:
    """Purge refuses a running instance (409), then removes a terminated one everywhere."""
    instance_id = _start_approval(api)
    url = f"{BASE}/instances/{instance_id}"
    _problem(api.delete(url), 409, "WORKFLOW_CONFLICT")
    assert api.post(f"{url}/terminate").status_code == 202
    _await_status(api, instance_id, "TERMINATED")
    _problem(api.post(f"{url}/terminate"), 409, "WORKFLOW_CONFLICT")
    assert api.delete(url).status_code == 204
    _problem(api.get(url), 404, "WORKFLOW_NOT_FOUND")
    _problem(api.delete(url), 404, "WORKFLOW_NOT_FOUND")
    listed = api.get(f"{BASE}/instances", params={"name": "restock_approval", "limit": 500})
    assert instance_id not in {item["instance_id"] for item in listed.json()["items"]}


def test_wait_with_timeout_answers_202_with_the_current_state(api: httpx.Client) -> None:
    """Waiting on an instance that does not finish in time returns 202 and its state."""
    instance_id = _start_approval(api)
    started = time.monotonic()
    response = api.get(f"{BASE}/instances/{instance_id}/wait", params={"timeout_s": 1})
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.text
    assert response.json()["runtime_status"] == "RUNNING"
    assert 0.9 <= elapsed < 5


def test_approval_without_decision_ends_rejected_at_its_timer(api: httpx.Client) -> None:
    """The durable timer ends an undecided approval; nothing is restocked."""
    instance_id = _start_approval(api, timeout_s=1)
    done = api.get(f"{BASE}/instances/{instance_id}/wait", params={"timeout_s": 60}, timeout=70)
    assert done.json()["runtime_status"] == "COMPLETED"
    assert done.json()["output"]["approved"] is False


def test_list_filters_and_pages(api: httpx.Client) -> None:
    """Name and status filters hold, and pages split the filtered list without overlap."""
    running = {_start_approval(api) for _ in range(3)}
    listing = api.get(
        f"{BASE}/instances", params={"name": "restock_approval", "status": "RUNNING", "limit": 500}
    ).json()
    items = listing["items"]
    assert running <= {item["instance_id"] for item in items}
    assert {item["runtime_status"] for item in items} == {"RUNNING"}
    assert {item["name"] for item in items} == {"restock_approval"}
    assert listing["total"] == len(items)
    pages = [
        api.get(
            f"{BASE}/instances",
            params={"name": "restock_approval", "status": "RUNNING", "limit": 2, "offset": offset},
        ).json()["items"]
        for offset in range(0, listing["total"], 2)
    ]
    assert [item["instance_id"] for page in pages for item in page] == [
        item["instance_id"] for item in items
    ]
    completed = api.get(f"{BASE}/instances", params={"status": "COMPLETED", "limit": 500}).json()
    assert not running & {item["instance_id"] for item in completed["items"]}
    for instance_id in running:
        api.post(f"{BASE}/instances/{instance_id}/terminate")


def test_list_rejects_unknown_filters(api: httpx.Client) -> None:
    """An unknown status is a 422; an unknown workflow name is a 404."""
    _problem(api.get(f"{BASE}/instances", params={"status": "SLEEPING"}), 422, "VALIDATION_ERROR")
    _problem(api.get(f"{BASE}/instances", params={"name": "nope"}), 404, "WORKFLOW_NOT_FOUND")
    _problem(api.get(f"{BASE}/instances", params={"limit": 0}), 422, "VALIDATION_ERROR")


def test_instance_started_elsewhere_joins_the_index_when_read(
    api: httpx.Client, workflow_client: DaprWorkflowClient
) -> None:
    """An instance started outside the API (e.g. by an event) is listed once it was read."""
    instance_id = workflow_client.schedule_new_workflow(
        workflow=restock, input={"sku": _sku(), "quantity": 1}, instance_id=_id("outside")
    )
    assert api.get(f"{BASE}/instances/{instance_id}").status_code == 200
    listed = api.get(f"{BASE}/instances", params={"name": "restock", "limit": 500}).json()
    assert instance_id in {item["instance_id"] for item in listed["items"]}
