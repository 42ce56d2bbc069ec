"""Dashboard pages for orders, stock and dead letters: place an order from a form, look
up and restock SKUs, list the dead letters. Thin over /api/v1, as workflow_pages.py is."""

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.ui.api_client import DashboardApi
from app.ui.order_form import OrderForm, sku_list
from app.ui.templating import page
from cli.wire import ApiError

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/orders/new", response_class=HTMLResponse)
async def new_order(request: Request) -> Response:
    """The order form, with a fresh order id."""
    return page(request, "order_new.html", {"form": OrderForm.blank()})


@router.post("/orders")
async def place_order(request: Request) -> Response:
    """Place the order through the API; its problem (e.g. the fields at fault) on refusal."""
    form = OrderForm.from_form(await request.form())
    try:
        async with DashboardApi(request) as api:
            await api.post("/orders", form.body())
    except ApiError as problem:
        return page(request, "order_new.html", {"form": form}, problem=problem)
    return RedirectResponse(f"/ui/workflows/instances/{form.order_id}?done=placed", status_code=303)


@router.get("/inventory", response_class=HTMLResponse)
async def inventory(request: Request) -> Response:
    """Stock of the SKUs asked for (`?skus=a,b`), and the last audit's summary."""
    asked = sku_list(request.query_params.get("skus", ""))
    levels: list[dict[str, Any]] = []
    audit = None
    problem = None
    try:
        async with DashboardApi(request) as api:
            audit = await api.get_or_none("/inventory/audit")
            for sku in asked:
                levels.append(await api.get(f"/inventory/{quote(sku, safe='')}"))
    except ApiError as refused:
        problem = refused
    context = {
        "levels": levels,
        "skus": ", ".join(asked),
        "audit": audit,
        "restocked": request.query_params.get("restocked", ""),
    }
    return page(request, "inventory.html", context, problem=problem)


@router.post("/inventory/restock")
async def restock(
    request: Request,
    sku: Annotated[str, Form(max_length=100)],
    quantity: Annotated[str, Form(max_length=20)],
) -> Response:
    """Add stock to one SKU through the API."""
    amount: Any = int(quantity) if quantity.strip().isdigit() else quantity
    try:
        async with DashboardApi(request) as api:
            await api.post(f"/inventory/{quote(sku, safe='')}/restock", {"quantity": amount})
    except ApiError as problem:
        context: dict[str, Any] = {"levels": [], "skus": sku, "audit": None, "restocked": ""}
        return page(request, "inventory.html", context, problem=problem)
    query = urlencode({"skus": sku, "restocked": sku})
    return RedirectResponse(f"/ui/inventory?{query}", status_code=303)


@router.get("/dead-letters", response_class=HTMLResponse)
async def dead_letters(request: Request) -> Response:
    """The kept dead-lettered messages, newest first."""
    topic = request.query_params.get("topic", "").strip()
    params = {"limit": 100, **({"topic": topic} if topic else {})}
    letters: list[Any] = []
    problem = None
    try:
        async with DashboardApi(request) as api:
            letters = await api.get("/dead-letters", params)
    except ApiError as refused:
        problem = refused
    return page(request, "dead_letters.html", {"letters": letters, "topic": topic}, problem=problem)
