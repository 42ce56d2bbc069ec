"""The books' rules for one ended order, on what the actors and the provider answered.

Pure: no I/O, so the rules are tested in seconds (tests/unit/activities/test_books_checks.py).
A completed order holds exactly one charge of its amount, not refunded, and its units
committed; a cancelled or failed one holds no money (no approved charge, or one refunded in
full) and no units (none committed, or put back). The provider keys charges by order id,
so "more than one charge" cannot be recorded; "none" can.
"""

from collections import Counter

from activities.books_models import Violation, ViolationKind
from actors.inventory_interface import Commitment
from actors.order_interface import OrderView
from actors.order_states import OrderStatus
from payments.models import LedgerEntry

K = ViolationKind


def quantities(order: OrderView) -> dict[str, int]:
    """Units per SKU the order asked for (lines of one SKU added up)."""
    counts: Counter[str] = Counter()
    for line in order.details.lines if order.details else []:
        counts[line.sku] += line.quantity
    return dict(counts)


def check_order(
    order: OrderView, entry: LedgerEntry | None, commitments: dict[str, Commitment]
) -> list[Violation]:
    """Violations of an ended order (`status` completed, cancelled or failed)."""
    if order.status is OrderStatus.COMPLETED:
        return _completed(order, entry, commitments)
    return _ended_without_goods(order, entry, commitments)


def check_charge(entry: LedgerEntry, order_exists: bool) -> list[Violation]:
    """An approved charge must belong to an order the service knows."""
    if order_exists or not entry.charge.approved:
        return []
    charge = entry.charge
    refunded = "refunded" if entry.refund is not None else "not refunded"
    detail = f"charge of {charge.amount} {charge.currency} for an unknown order ({refunded})"
    return [
        Violation(
            order_id=charge.order_id,
            kind=K.CHARGE_WITHOUT_ORDER,
            detail=detail,
            charge_id=charge.charge_id,
        )
    ]


def _completed(
    order: OrderView, entry: LedgerEntry | None, commitments: dict[str, Commitment]
) -> list[Violation]:
    found: list[Violation] = []
    amount = order.details.amount if order.details else None
    if entry is None or not entry.charge.approved:
        found.append(_v(order, K.COMPLETED_WITHOUT_CHARGE, "completed with no approved charge"))
    else:
        charge = entry.charge
        if charge.amount != amount:
            detail = f"charged {charge.amount}, order amount {amount}"
            found.append(_v(order, K.CHARGE_AMOUNT_MISMATCH, detail, charge.charge_id))
        if entry.refund is not None:
            detail = f"completed but refunded ({entry.refund.refund_id})"
            found.append(_v(order, K.COMPLETED_REFUNDED, detail, charge.charge_id))
    for sku, wanted in quantities(order).items():
        taken = commitments.get(sku, Commitment(order_id=order.order_id))
        if taken.committed != wanted or taken.returned:
            detail = f"{wanted} ordered, {taken.committed} committed, returned {taken.returned}"
            found.append(_v(order, K.STOCK_NOT_COMMITTED, detail, sku=sku))
    return found


def _ended_without_goods(
    order: OrderView, entry: LedgerEntry | None, commitments: dict[str, Commitment]
) -> list[Violation]:
    found: list[Violation] = []
    if entry is not None and entry.charge.approved:
        charge, refund = entry.charge, entry.refund
        if refund is None:
            detail = f"{order.status} with {charge.amount} charged and not refunded"
            found.append(_v(order, K.CHARGE_NOT_REFUNDED, detail, charge.charge_id))
        elif refund.amount != charge.amount:
            detail = f"charged {charge.amount}, refunded {refund.amount}"
            found.append(_v(order, K.REFUND_AMOUNT_MISMATCH, detail, charge.charge_id))
    for sku in quantities(order):
        taken = commitments.get(sku, Commitment(order_id=order.order_id))
        if taken.committed and not taken.returned:
            detail = f"{order.status} with {taken.committed} units committed and not put back"
            found.append(_v(order, K.STOCK_KEPT, detail, sku=sku))
    return found


def _v(
    order: OrderView,
    kind: ViolationKind,
    detail: str,
    charge_id: str | None = None,
    sku: str | None = None,
) -> Violation:
    return Violation(
        order_id=order.order_id, kind=kind, detail=detail, charge_id=charge_id, sku=sku
    )
