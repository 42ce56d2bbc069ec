"""What the workflow runtime does with calls the service guards against, measured on each
Dapr line through the raw SDK client (docs/runtimes.md fills its table from here).

Each test states the behaviour per line; a line whose runtime behaves otherwise fails the
test, so the table cannot drift from the runtimes. The service itself answers 409/404 for
all of these on both lines (test_workflow_api.py): these tests say why it must.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

import grpc
import httpx
from dapr.ext.workflow import DaprWorkflowClient

from app.building_blocks.sdk_line.durabletask import pb
from app.building_blocks.sdk_line.handles import durabletask_client
from devstack.runtime import LINE
from devstack.stack import Stack

APPROVAL = {"sku": "SKU-RUNTIME", "quantity": 1, "approval_timeout_s": 600}
SETTLE_S = 30.0


def _answer(call: Callable[[], Any]) -> str:
    """ "ok", or the gRPC status a call ends with."""
    try:
        call()
    except grpc.RpcError as error:
        return str(error.code().name)
    return "ok"


def _status(client: DaprWorkflowClient, instance_id: str) -> str | None:
    state = client.get_workflow_state(instance_id, fetch_payloads=False)
    return None if state is None else state.runtime_status.name


def _settles(client: DaprWorkflowClient, instance_id: str, wanted: set[str]) -> str | None:
    """The instance's status once it is one of `wanted`, or the last seen after SETTLE_S."""
    deadline = time.monotonic() + SETTLE_S
    while (seen := _status(client, instance_id)) not in wanted and time.monotonic() < deadline:
        time.sleep(0.2)
    return seen


def restock_approval(ctx: Any, payload: Any) -> None:
    """Names the app's workflow for the SDK client (0.5.0 takes no plain name)."""


def _start(client: DaprWorkflowClient, instance_id: str) -> None:
    client.schedule_new_workflow(workflow=restock_approval, input=APPROVAL, instance_id=instance_id)


def _running_approval(client: DaprWorkflowClient) -> str:
    instance_id = f"runtime-{uuid.uuid4().hex[:12]}"
    _start(client, instance_id)
    assert _settles(client, instance_id, {"RUNNING"}) == "RUNNING"
    time.sleep(1.0)  # past its first step: waiting for the decision
    return instance_id


def _ended(client: DaprWorkflowClient) -> str:
    instance_id = _running_approval(client)
    client.raise_workflow_event(instance_id, "approval", data={"approved": False})
    assert _settles(client, instance_id, {"COMPLETED"}) == "COMPLETED"
    return instance_id


def test_an_unknown_instance_id(workflow_client: DaprWorkflowClient) -> None:
    """1.14 answers GetInstance for an unknown id with UNKNOWN "no such instance exists";
    1.18 answers with an empty state (the SDK gives None). The engine maps both to None."""
    stub = durabletask_client(workflow_client)._stub
    request = pb.GetInstanceRequest(instanceId=f"runtime-unknown-{uuid.uuid4().hex[:8]}")
    expected = {"1.14": "UNKNOWN", "1.18": "ok"}[LINE.line]
    assert _answer(lambda: stub.GetInstance(request)) == expected


def test_resuming_a_running_instance_fails_it(workflow_client: DaprWorkflowClient) -> None:
    """Both lines: a resume the instance did not need ends it FAILED (the SDK's executor
    does not know `executionResumed` outside a pause)."""
    instance_id = _running_approval(workflow_client)
    assert _answer(lambda: workflow_client.resume_workflow(instance_id)) == "ok"
    assert _settles(workflow_client, instance_id, {"FAILED"}) == "FAILED"


def test_starting_the_id_of_a_finished_instance_replaces_it(
    workflow_client: DaprWorkflowClient,
) -> None:
    """Both lines: the start is accepted and a new run takes the id (the old is lost); an
    id still running is refused (ALREADY_EXISTS)."""
    instance_id = _ended(workflow_client)
    start = lambda: _start(workflow_client, instance_id)  # noqa: E731
    assert _answer(start) == "ok"
    assert _settles(workflow_client, instance_id, {"RUNNING"}) == "RUNNING"
    assert _answer(start) in {"ALREADY_EXISTS", "UNKNOWN"}  # 1.14 words it in UNKNOWN
    workflow_client.terminate_workflow(instance_id)


def test_calls_on_a_finished_instance_are_accepted_and_change_nothing(
    workflow_client: DaprWorkflowClient,
) -> None:
    """Both lines: raise event, pause and terminate on a completed instance answer ok."""
    instance_id = _ended(workflow_client)
    assert _answer(lambda: workflow_client.raise_workflow_event(instance_id, "approval")) == "ok"
    assert _answer(lambda: workflow_client.pause_workflow(instance_id)) == "ok"
    assert _answer(lambda: workflow_client.terminate_workflow(instance_id)) == "ok"
    time.sleep(2.0)
    assert _status(workflow_client, instance_id) == "COMPLETED"


def test_terminating_a_suspended_instance(workflow_client: DaprWorkflowClient) -> None:
    """1.14 holds the termination until a resume (the instance stays SUSPENDED); 1.18
    terminates it at once."""
    instance_id = _running_approval(workflow_client)
    workflow_client.pause_workflow(instance_id)
    assert _settles(workflow_client, instance_id, {"SUSPENDED"}) == "SUSPENDED"
    workflow_client.terminate_workflow(instance_id)
    expected = {"1.14": "SUSPENDED", "1.18": "TERMINATED"}[LINE.line]
    assert _settles(workflow_client, instance_id, {"TERMINATED"}) == expected
    if expected == "SUSPENDED":
        workflow_client.resume_workflow(instance_id)  # lets the held termination happen


def test_purging_a_running_instance_is_refused(workflow_client: DaprWorkflowClient) -> None:
    """Both lines: UNKNOWN "orchestration has not yet completed"; the instance runs on."""
    instance_id = _running_approval(workflow_client)
    stub = durabletask_client(workflow_client)._stub  # the 0.5.0 client has no purge
    purge = pb.PurgeInstancesRequest(instanceId=instance_id)
    assert _answer(lambda: stub.PurgeInstances(purge)) == "UNKNOWN"
    assert _status(workflow_client, instance_id) == "RUNNING"
    workflow_client.terminate_workflow(instance_id)


def test_the_runtime_lists_instances_and_their_history(
    stack: Stack, workflow_client: DaprWorkflowClient
) -> None:
    """1.18 answers ListInstanceIDs and GetInstanceHistory; 1.14 has neither (UNKNOWN). Sent
    as raw bytes: 1.14's SDK has neither message (an empty ListInstanceIDsRequest; field 1
    of GetInstanceHistoryRequest is the instance id)."""
    instance_id = _ended(workflow_client)
    history_request = b"\n" + bytes([len(instance_id)]) + instance_id.encode()
    expected = {"1.14": "UNKNOWN", "1.18": "ok"}[LINE.line]
    assert _raw_call(stack, "ListInstanceIDs", b"") == expected
    assert _raw_call(stack, "GetInstanceHistory", history_request) == expected


def _raw_call(stack: Stack, method: str, request: bytes) -> str:
    with grpc.insecure_channel(stack.dapr_grpc_address) as channel:
        call = channel.unary_unary(f"/TaskHubSidecarService/{method}")
        metadata = stack.config.tokens.grpc_metadata()
        return _answer(lambda: call(request, metadata=metadata, timeout=10))


def test_the_api_shows_progress_and_history_on_either_line(
    api: httpx.Client, workflow_client: DaprWorkflowClient
) -> None:
    """The service's answer, whichever path the line takes: progress from the custom status
    (1.18) or the record_progress activity (1.14); the history from the runtime (1.18) or
    an empty one marked not from the runtime (1.14)."""
    instance_id = _running_approval(workflow_client)
    detail = api.get(f"/api/v1/workflows/instances/{instance_id}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["progress"] == {"step": "awaiting approval"}
    history = api.get(f"/api/v1/workflows/instances/{instance_id}/history")
    assert history.status_code == 200, history.text
    body = history.json()
    assert body["from_runtime"] is (LINE.line != "1.14")
    kinds = [event["kind"] for event in body["events"]]
    assert ("executionStarted" in kinds) is body["from_runtime"]
    assert api.get("/api/v1/workflows/instances/runtime-nope/history").status_code == 404
    workflow_client.terminate_workflow(instance_id)
