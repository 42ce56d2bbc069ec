"""Dashboard pages for workflows: the instance list and one instance with its actions.

Thin: each handler asks /api/v1 (app/ui/api_client.py) and renders a template; what to
show is app/ui/presenters.py's. Fragments (`/rows`, `/live`) are what the pages poll."""

import json
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.building_blocks.ids import INSTANCE_ID_PATTERN, child_instance_id
from app.ui.api_client import DashboardApi
from app.ui.presenters import (
    ENDED_NAMES,
    STATUSES,
    ListQuery,
    allowed_actions,
    awaits_approval,
    can_raise_events,
    history_timeline,
    instance_timeline,
    order_timeline,
    page_count,
    run_time,
)
from app.ui.templating import page
from cli.wire import ApiError
from workflows import ORDER_FULFILLMENT, WORKFLOWS
from workflows.events import APPROVAL_EVENT

router = APIRouter(prefix="/ui", include_in_schema=False)

InstanceId = Annotated[str, Path(pattern=INSTANCE_ID_PATTERN)]
# The child workflows an order may start, by role (app/building_blocks/ids.py names them).
ORDER_CHILDREN = ("shipping", "compensation")
_EVENTS = {spec.name: sorted(spec.events) for spec in WORKFLOWS}
# What each event's body holds, as a hint beside the form: "approval: approved*, reason".
_EVENT_BODIES = {
    spec.name: [
        f"{event}: "
        + ", ".join(
            f"{name}{'*' if field.is_required() else ''}"
            for name, field in model.model_fields.items()
        )
        for event, model in sorted(spec.events.items())
    ]
    for spec in WORKFLOWS
}
_WORKFLOW_ACTIONS = {"pause", "resume", "terminate"}
_APPROVALS = {"approve", "reject"}


@router.get("")
async def home() -> RedirectResponse:
    return RedirectResponse("/ui/workflows", status_code=303)


async def _list_context(request: Request) -> tuple[dict[str, Any], ApiError | None]:
    query = ListQuery.from_params(request.query_params)
    context: dict[str, Any] = {
        "query": query,
        "statuses": STATUSES,
        "names": sorted(_EVENTS),
        "now": datetime.now(UTC),
        "run_time": run_time,
        "listing": {"items": [], "total": 0, "counts": {}},
        "pages": 1,
    }
    try:
        async with DashboardApi(request) as api:
            listing = await api.get("/workflows/instances", query.api_params())
    except ApiError as problem:
        return context, problem
    context.update(listing=listing, pages=page_count(listing["total"]))
    return context, None


@router.get("/workflows", response_class=HTMLResponse)
async def workflows_page(request: Request) -> Response:
    """The instance table with filters, counts per status and paging."""
    context, problem = await _list_context(request)
    return page(request, "workflows.html", context, problem=problem)


@router.get("/workflows/rows", response_class=HTMLResponse)
async def workflow_rows(request: Request) -> Response:
    """The table alone, polled by the list page while it is open. A read that fails is a
    204: the page keeps what it shows and asks again at the next tick."""
    context, problem = await _list_context(request)
    if problem is not None:
        return Response(status_code=204)
    return page(request, "_workflow_rows.html", context)


_INSTANCES = "/workflows/instances"


async def _instance_context(request: Request, instance_id: str) -> dict[str, Any]:
    """The instance, its order (for orders: the OrderActor's view) and its children."""
    async with DashboardApi(request) as api:
        instance = await api.get(f"/workflows/instances/{instance_id}")
        order = None
        children: list[dict[str, Any]] = []
        if instance["name"] == ORDER_FULFILLMENT.name:
            order = await api.get_or_none(f"/orders/{instance_id}")
            for role in ORDER_CHILDREN:
                # An extra, not the page: a child the engine is too busy to say anything
                # of (504, its 50 ms read deadline) is left out until the next refresh.
                child = await api.get_or_none(
                    f"/workflows/instances/{child_instance_id(instance_id, role)}", also=(504,)
                )
                if child is not None:
                    children.append(child)
        # The runtime's own events where it keeps them (1.18), else the service's record;
        # an extra too (busy engine, or purged meanwhile: the record's timeline).
        history = None if order else await api.get_or_none(f"{_INSTANCES}/{instance_id}/history")
    status = instance["runtime_status"]
    if order:
        timeline = order_timeline(order)
    else:
        timeline = (history and history_timeline(history)) or instance_timeline(instance)
    return {
        "instance": instance,
        "order": order,
        "children": children,
        "timeline": timeline,
        "actions": allowed_actions(instance_id, status, awaits_approval(instance, order)),
        "events": _EVENTS.get(instance["name"], []) if can_raise_events(status) else [],
        "event_bodies": _EVENT_BODIES.get(instance["name"], []),
        "duration": run_time(instance, datetime.now(UTC)),
        "ended": status in ENDED_NAMES,
        "notice": request.query_params.get("done", ""),
    }


@router.get("/workflows/instances/{instance_id}", response_class=HTMLResponse)
async def instance_page(request: Request, instance_id: InstanceId) -> Response:
    """One instance: status, input, output or failure, progress, timeline, actions."""
    try:
        context = await _instance_context(request, instance_id)
    except ApiError as problem:
        return page(request, "not_found.html", {"instance_id": instance_id}, problem=problem)
    return page(request, "instance.html", context)


@router.get("/workflows/instances/{instance_id}/live", response_class=HTMLResponse)
async def instance_live(request: Request, instance_id: InstanceId) -> Response:
    """The changing part of the instance page, polled while the instance runs. An instance
    gone (purged elsewhere) ends the polling with a notice; any other failed read is a
    204, so the page keeps what it shows (a transient 504 under load is no error)."""
    try:
        context = await _instance_context(request, instance_id)
    except ApiError as problem:
        if problem.status == 404:
            return page(request, "_instance_gone.html", {"gone": problem})
        return Response(status_code=204)
    return page(request, "_instance_live.html", context)


async def _refused(request: Request, instance_id: str, problem: ApiError) -> Response:
    """The instance page again, with the API's problem at the top and its status."""
    try:
        context = await _instance_context(request, instance_id)
    except ApiError:
        return page(request, "not_found.html", {"instance_id": instance_id}, problem=problem)
    return page(request, "instance.html", context, problem=problem)


@router.post("/workflows/instances/{instance_id}/actions/{action}")
async def act(
    request: Request,
    instance_id: InstanceId,
    action: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Approve, reject, pause, resume, terminate or purge, through the API."""
    try:
        async with DashboardApi(request) as api:
            if action in _APPROVALS:
                await _decide(api, instance_id, action == "approve", reason)
            elif action in _WORKFLOW_ACTIONS:
                await api.post(f"/workflows/instances/{instance_id}/{action}")
            elif action == "purge":
                await api.delete(f"/workflows/instances/{instance_id}")
                return RedirectResponse("/ui/workflows?purged=1", status_code=303)
            else:
                problem = ApiError(404, "Unknown action", f"no action {action!r}")
                return await _refused(request, instance_id, problem)
    except ApiError as problem:
        return await _refused(request, instance_id, problem)
    return RedirectResponse(f"/ui/workflows/instances/{instance_id}?done={action}", status_code=303)


async def _decide(api: DashboardApi, instance_id: str, approved: bool, reason: str) -> None:
    """An order through the orders API (which checks the order's own status); another
    workflow through its `approval` event (approver: the dashboard)."""
    instance = await api.get(f"/workflows/instances/{instance_id}")
    if instance["name"] == ORDER_FULFILLMENT.name:
        verb = "approve" if approved else "reject"
        await api.post(f"/orders/{instance_id}/{verb}", {"reason": reason})
    else:
        body = {"approved": approved, "approver": "dashboard"}
        await api.post(f"/workflows/instances/{instance_id}/events/{APPROVAL_EVENT}", body)


@router.post("/workflows/instances/{instance_id}/events")
async def raise_event(
    request: Request,
    instance_id: InstanceId,
    event: Annotated[str, Form(max_length=100)],
    data: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """Raise a named event with a JSON body; the API checks the name and the body."""
    try:
        body = json.loads(data) if data.strip() else None
    except ValueError as error:
        problem = ApiError(422, "Invalid event data", f"the event data is not JSON: {error}")
        return await _refused(request, instance_id, problem)
    try:
        async with DashboardApi(request) as api:
            # Quoted whole: a name such as "../terminate" stays one segment.
            await api.post(
                f"/workflows/instances/{instance_id}/events/{quote(event, safe='')}", body
            )
    except ApiError as problem:
        return await _refused(request, instance_id, problem)
    return RedirectResponse(
        f"/ui/workflows/instances/{instance_id}?done={quote('event ' + event)}", status_code=303
    )
