"""`orderflow orders ...`: place, show, approve, reject, cancel."""

from decimal import Decimal, InvalidOperation
from typing import Any

import click

from cli.output import facts, out, styled, table, when
from cli.session import Session, json_option, pass_session


@click.group("orders")
def group() -> None:
    """Orders: place them and decide on those waiting for approval."""


def _line(text: str) -> dict[str, Any]:
    """SKU:QUANTITY:UNIT_PRICE, e.g. SKU-1:2:19.90."""
    parts = text.split(":")
    if len(parts) != 3:
        raise click.BadParameter(f"{text!r} is not SKU:QUANTITY:UNIT_PRICE (e.g. SKU-1:2:19.90)")
    sku, quantity, price = parts
    try:
        return {"sku": sku, "quantity": int(quantity), "unit_price": str(Decimal(price))}
    except (ValueError, InvalidOperation) as error:
        raise click.BadParameter(f"{text!r}: quantity and unit price must be numbers") from error


@group.command("place")
@click.option("--id", "order_id", required=True, help="The order id (also its workflow's id).")
@click.option("--customer", required=True, help="The customer id.")
@click.option(
    "--line",
    "lines",
    multiple=True,
    required=True,
    metavar="SKU:QTY:PRICE",
    help="An order line; repeat for more (e.g. --line SKU-1:2:19.90).",
)
@json_option
@pass_session
def place(session: Session, order_id: str, customer: str, lines: tuple[str, ...]) -> None:
    """Place an order; its fulfilment starts at once (orders of 1000 or more wait for approval)."""
    body = {"order_id": order_id, "customer_id": customer, "lines": [_line(x) for x in lines]}
    answer = session.api.post("/orders", body).body

    def human(b: dict[str, Any]) -> None:
        out.print(
            f"placed {order_id}" if b["started"] else f"{order_id} exists; nothing new started"
        )

    session.show(answer, human)


def _order(body: dict[str, Any]) -> None:
    workflow = body.get("workflow") or {}
    details = body["order"].get("details") or {}
    rows: list[tuple[str, Any]] = [
        ("order", body["order_id"]),
        ("status", styled(body.get("status"))),
        ("workflow", styled(workflow.get("runtime_status"))),
        ("customer", details.get("customer_id", "-")),
    ]
    if body.get("attention"):
        rows.append(("attention", f"[yellow]{body['attention']}[/yellow]"))
    out.print(facts(rows))
    lines = table("Lines", "SKU", "Quantity", "Unit price")
    for line in details.get("lines", []):
        lines.add_row(line["sku"], str(line["quantity"]), str(line["unit_price"]))
    out.print(lines)
    history = table("History", "Step", "At (UTC)", "Reason")
    for step in body["order"].get("history", []):
        history.add_row(styled(step["status"]), when(step["at"]), step.get("reason", ""))
    out.print(history)


@group.command("show")
@click.argument("order_id")
@json_option
@pass_session
def show(session: Session, order_id: str) -> None:
    """The order's status, lines and history, and its workflow's status."""
    session.show(session.api.get(f"/orders/{session.api.segment(order_id)}").body, _order)


def _decision(verb: str, summary: str) -> click.Command:
    @click.option("--reason", default="", help="Why (kept in the order's history).")
    @json_option
    @pass_session
    def command(session: Session, order_id: str, reason: str) -> None:
        path = f"/orders/{session.api.segment(order_id)}/{verb}"
        body = {"reason": reason} if verb != "cancel" else None
        answer = session.api.post(path, body).body
        session.show(answer, lambda _: out.print(f"{verb} requested: {order_id}"))

    command.__doc__ = summary
    return click.command(verb)(click.argument("order_id")(command))


group.add_command(_decision("approve", "Approve an order waiting for approval."))
group.add_command(_decision("reject", "Reject an order waiting for approval (stock released)."))
group.add_command(
    _decision("cancel", "Cancel an order before payment (or settle a stranded paid one).")
)
