"""`orderflow inventory show|restock` and `orderflow dead-letters`."""

from typing import Any

import click

from cli.output import out, table, when
from cli.session import Session, json_option, pass_session


@click.group("inventory")
def group() -> None:
    """Stock per SKU: on hand, reserved for orders, available."""


def _levels(levels: list[dict[str, Any]]) -> None:
    grid = table(None, "SKU", "On hand", "Reserved", "Available")
    for level in levels:
        grid.add_row(level["sku"], *(str(level[k]) for k in ("on_hand", "reserved", "available")))
    out.print(grid)


@group.command("show")
@click.argument("skus", nargs=-1, required=True)
@json_option
@pass_session
def show(session: Session, skus: tuple[str, ...]) -> None:
    """Stock of each SKU given."""
    levels = [session.api.get(f"/inventory/{session.api.segment(sku)}").body for sku in skus]
    session.show(levels, _levels)


@group.command("restock")
@click.argument("sku")
@click.argument("quantity", type=click.IntRange(1))
@click.option("--restock-id", help="An idempotency key: the same id again adds nothing.")
@json_option
@pass_session
def restock(session: Session, sku: str, quantity: int, restock_id: str | None) -> None:
    """Add QUANTITY units to SKU's stock."""
    body = {"quantity": quantity, "restock_id": restock_id}
    level = session.api.post(f"/inventory/{session.api.segment(sku)}/restock", body).body
    session.show(level, lambda b: _levels([b]))


@click.command("dead-letters")
@click.option("--topic", help="The original or the dead-letter topic.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@json_option
@pass_session
def dead_letters(session: Session, topic: str | None, limit: int) -> None:
    """Kept dead-lettered messages, newest first."""
    letters = session.api.get("/dead-letters", topic=topic, limit=limit).body

    def human(rows: list[dict[str, Any]]) -> None:
        grid = table(None, "Received (UTC)", "Topic", "Type", "Event id")
        for letter in rows:
            grid.add_row(
                when(letter["received_at"]), letter["topic"], letter["type"], letter["event_id"]
            )
        out.print(grid)
        out.print(f"{len(rows)} dead letter(s)")

    session.show(letters, human)
