"""The books' rules for one ended order and one charge, on plain answers (no sidecar)."""

from datetime import UTC, datetime
from decimal import Decimal

from activities.books_audit import ORDER_WORKFLOW
from activities.books_checks import check_charge, check_order
from activities.books_models import ViolationKind
from actors.inventory_interface import Commitment
from actors.order_interface import OrderDetails, OrderLine, OrderView
from actors.order_states import OrderStatus
from payments.models import Charge, LedgerEntry, Refund
from workflows import ORDER_FULFILLMENT

K = ViolationKind
DETAILS = OrderDetails(
    order_id="o-1",
    customer_id="c",
    lines=[
        OrderLine(sku="A", quantity=2, unit_price=Decimal("10.00")),
        OrderLine(sku="B", quantity=1, unit_price=Decimal("5.00")),
    ],
)
CHARGE = Charge(
    order_id="o-1",
    amount=Decimal("25.00"),
    currency="EUR",
    approved=True,
    charge_id="ch-1",
    charged_at=datetime(2026, 12, 6, tzinfo=UTC),
)
REFUND = Refund(
    refund_id="rf-1", charge_id="ch-1", order_id="o-1", amount=Decimal("25.00"), currency="EUR"
)
TAKEN = {
    "A": Commitment(order_id="o-1", committed=2),
    "B": Commitment(order_id="o-1", committed=1),
}
NOTHING_TAKEN: dict[str, Commitment] = {}


def order(status: OrderStatus) -> OrderView:
    return OrderView(order_id="o-1", status=status, details=DETAILS)


def kinds(found: list) -> list[ViolationKind]:  # type: ignore[type-arg]
    return [v.kind for v in found]


def test_a_completed_order_with_one_charge_and_its_units_balances() -> None:
    """Charged its amount, not refunded, every line committed: nothing to report."""
    assert check_order(order(OrderStatus.COMPLETED), LedgerEntry(charge=CHARGE), TAKEN) == []


def test_a_completed_order_without_charge_refunded_or_short_of_stock_is_reported() -> None:
    """No charge; a refund; a wrong amount; a line not committed or put back: each reported."""
    completed = order(OrderStatus.COMPLETED)
    assert kinds(check_order(completed, None, TAKEN)) == [K.COMPLETED_WITHOUT_CHARGE]
    declined = CHARGE.model_copy(update={"approved": False})
    assert kinds(check_order(completed, LedgerEntry(charge=declined), TAKEN)) == [
        K.COMPLETED_WITHOUT_CHARGE
    ]
    refunded = LedgerEntry(charge=CHARGE, refund=REFUND)
    assert kinds(check_order(completed, refunded, TAKEN)) == [K.COMPLETED_REFUNDED]
    wrong = LedgerEntry(charge=CHARGE.model_copy(update={"amount": Decimal("24.99")}))
    assert kinds(check_order(completed, wrong, TAKEN)) == [K.CHARGE_AMOUNT_MISMATCH]
    short = {**TAKEN, "B": Commitment(order_id="o-1", committed=1, returned=True)}
    found = check_order(completed, LedgerEntry(charge=CHARGE), short)
    assert [(v.kind, v.sku) for v in found] == [(K.STOCK_NOT_COMMITTED, "B")]


def test_an_order_ended_without_goods_must_hold_no_money_and_no_units() -> None:
    """Cancelled or failed: no charge, a declined one, or one refunded in full balance;
    a charge kept, a partial refund, units committed and not put back do not."""
    for status in (OrderStatus.CANCELLED, OrderStatus.FAILED):
        ended = order(status)
        assert check_order(ended, None, NOTHING_TAKEN) == []
        declined = LedgerEntry(charge=CHARGE.model_copy(update={"approved": False}))
        assert check_order(ended, declined, NOTHING_TAKEN) == []
        returned = {s: c.model_copy(update={"returned": True}) for s, c in TAKEN.items()}
        assert check_order(ended, LedgerEntry(charge=CHARGE, refund=REFUND), returned) == []
        assert kinds(check_order(ended, LedgerEntry(charge=CHARGE), NOTHING_TAKEN)) == [
            K.CHARGE_NOT_REFUNDED
        ]
        partial = REFUND.model_copy(update={"amount": Decimal("1")})
        assert kinds(
            check_order(ended, LedgerEntry(charge=CHARGE, refund=partial), NOTHING_TAKEN)
        ) == [K.REFUND_AMOUNT_MISMATCH]
        assert kinds(check_order(ended, None, TAKEN)) == [K.STOCK_KEPT, K.STOCK_KEPT]


def test_an_approved_charge_needs_an_order() -> None:
    """A charge whose order does not exist is reported; a declined one took no money."""
    [found] = check_charge(LedgerEntry(charge=CHARGE), order_exists=False)
    assert (found.kind, found.order_id, found.charge_id) == (K.CHARGE_WITHOUT_ORDER, "o-1", "ch-1")
    assert check_charge(LedgerEntry(charge=CHARGE), order_exists=True) == []
    declined = LedgerEntry(charge=CHARGE.model_copy(update={"approved": False}))
    assert check_charge(declined, order_exists=False) == []


def test_the_audit_reads_the_order_workflows_index() -> None:
    """The name the audit pages by is the order workflow's registered name."""
    assert ORDER_FULFILLMENT.name == ORDER_WORKFLOW
