"""The order service's rules that need no sidecar."""

from actors.order_states import OrderStatus
from app.order_service import CANCELLABLE


def test_the_cancellable_statuses_are_the_transition_tables() -> None:
    """An order can be cancelled until it is paid: the statuses the table lets cancel."""
    assert {
        OrderStatus.CREATED,
        OrderStatus.RESERVED,
        OrderStatus.AWAITING_APPROVAL,
    } == CANCELLABLE
