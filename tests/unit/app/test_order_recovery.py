"""Which orders need a person: stranded (workflow ended or gone while the order is under
way) and stalled (not moved for order_stall_after_s, not waiting for approval)."""

from datetime import UTC, datetime, timedelta

from dapr.ext.workflow import WorkflowStatus

from actors.order_interface import OrderView, Transition
from actors.order_states import OrderStatus
from app.order_recovery import attention

S = OrderStatus
STALL_S = 600.0


def _order(status: OrderStatus, idle_s: float = 0.0) -> OrderView:
    at = datetime.now(UTC) - timedelta(seconds=idle_s)
    return OrderView(order_id="o-1", status=status, history=[Transition(status=status, at=at)])


def test_an_order_under_way_whose_workflow_ended_is_stranded_and_restartable() -> None:
    """Terminated under an order still reserved: stranded, with the restart route."""
    found = attention(_order(S.RESERVED), WorkflowStatus.TERMINATED, True, STALL_S)
    assert found is not None
    assert found.kind == "stranded"
    assert found.action == "POST /api/v1/orders/o-1/restart"


def test_an_order_whose_workflow_is_gone_is_stranded() -> None:
    """No instance in the engine (purged, lost) under a live order."""
    found = attention(_order(S.AWAITING_APPROVAL), None, False, STALL_S)
    assert found is not None
    assert found.kind == "stranded"


def test_a_paid_order_left_behind_is_offered_the_compensating_cancel_not_a_restart() -> None:
    """Past payment a restart could double a charge: the action is the cancel that refunds."""
    found = attention(_order(S.PAID), WorkflowStatus.TERMINATED, True, STALL_S)
    assert found is not None
    assert found.action == "POST /api/v1/orders/o-1/cancel refunds the charge and cancels"
    assert "restart" not in found.action


def test_a_shipped_order_left_behind_is_settled_by_hand() -> None:
    """The goods are on their way: nothing to refund automatically."""
    found = attention(_order(S.SHIPPED), WorkflowStatus.TERMINATED, True, STALL_S)
    assert found is not None
    assert "by hand" in found.action


def test_a_running_order_idle_past_the_stall_time_is_stalled() -> None:
    """Running per the engine, but not moved for longer than order_stall_after_s."""
    found = attention(_order(S.RESERVED, idle_s=STALL_S + 1), WorkflowStatus.RUNNING, True, STALL_S)
    assert found is not None
    assert found.kind == "stalled"


def test_waiting_for_approval_is_never_stalled() -> None:
    """A person may take hours to approve; that is not a stall."""
    order = _order(S.AWAITING_APPROVAL, idle_s=STALL_S * 10)
    assert attention(order, WorkflowStatus.RUNNING, True, STALL_S) is None


def test_a_moving_or_ended_order_needs_nobody() -> None:
    """Recently moved and running, or ended: nothing to flag."""
    assert attention(_order(S.RESERVED), WorkflowStatus.RUNNING, True, STALL_S) is None
    assert attention(_order(S.COMPLETED), WorkflowStatus.COMPLETED, True, STALL_S) is None
