"""The order's state machine: statuses, the legal moves between them, and the refusal."""

from enum import StrEnum


class OrderStatus(StrEnum):
    CREATED = "created"
    RESERVED = "reserved"
    AWAITING_APPROVAL = "awaiting_approval"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


S = OrderStatus
_ENDS = frozenset({S.COMPLETED, S.CANCELLED, S.FAILED})

# Cancelling is allowed until payment; after that the order is on its way.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.CREATED: frozenset({S.RESERVED, S.CANCELLED, S.FAILED}),
    S.RESERVED: frozenset({S.AWAITING_APPROVAL, S.PAID, S.CANCELLED, S.FAILED}),
    S.AWAITING_APPROVAL: frozenset({S.PAID, S.CANCELLED, S.FAILED}),
    S.PAID: frozenset({S.SHIPPED, S.FAILED}),
    S.SHIPPED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}


# Statuses from which an order whose workflow was lost may be run again from the start:
# nothing was charged yet, and every step before payment is idempotent per order id.
RESTARTABLE = frozenset({S.CREATED, S.RESERVED, S.AWAITING_APPROVAL})


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
