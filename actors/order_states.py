"""The order's state machine: statuses, the legal moves between them, and the refusal."""

from enum import StrEnum


class OrderStatus(StrEnum):
    CREATED = "created"
    RESERVED = "reserved"
    AWAITING_APPROVAL = "awaiting_approval"
    PAID = "paid"
    REFUNDED = "refunded"  # the charge was given back; the order then ends without goods
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


S = OrderStatus
_ENDS = frozenset({S.COMPLETED, S.CANCELLED, S.FAILED})

# Before payment an order may end at once. A paid order ends without its goods only
# through `refunded` (its charge given back), or `failed` when the refund itself could not
# be made ("refund pending: ..."): no path leaves money taken with the order cancelled.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.CREATED: frozenset({S.RESERVED, S.CANCELLED, S.FAILED}),
    S.RESERVED: frozenset({S.AWAITING_APPROVAL, S.PAID, S.CANCELLED, S.FAILED}),
    S.AWAITING_APPROVAL: frozenset({S.PAID, S.CANCELLED, S.FAILED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDED, S.FAILED}),
    S.REFUNDED: frozenset({S.CANCELLED, S.FAILED}),
    S.SHIPPED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}


# Statuses before payment: a person may cancel the order, and one whose workflow was lost
# may be run again from the start (nothing was charged yet, or the charge started and the
# provider replays it: every step before payment is idempotent per order id).
BEFORE_PAYMENT = frozenset({S.CREATED, S.RESERVED, S.AWAITING_APPROVAL})
RESTARTABLE = BEFORE_PAYMENT
# Paid statuses whose workflow may have ended without settling (terminated): the
# compensating cancel refunds them (app/order_recovery.py).
SETTLEABLE = frozenset({S.PAID, S.REFUNDED})


def is_terminal(status: OrderStatus) -> bool:
    return status in _ENDS


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether `current -> target` is legal; staying put is not a move (callers treat a
    repeat of the last transition as already done)."""
    return target in TRANSITIONS[current]


class IllegalTransitionError(Exception):
    """The order cannot move from its status to the one asked for."""

    error_code = "ILLEGAL_ORDER_TRANSITION"

    def __init__(self, order_id: str, current: str, target: str) -> None:
        super().__init__(f"order {order_id} is {current}; it cannot become {target}")
        self.details = {"order_id": order_id, "current": current, "target": target}
