"""Order history times are UTC with their offset, whatever clock recorded them."""

from datetime import UTC, datetime, timedelta, timezone

from activities.order_models import RecordStep
from actors.order_interface import OrderView, Transition
from actors.order_states import OrderStatus


def test_a_naive_workflow_time_is_recorded_as_utc() -> None:
    """ctx.current_utc_datetime is naive UTC: the step leaves with +00:00."""
    step = RecordStep(order_id="o-1", status=OrderStatus.PAID, at=datetime(2026, 1, 2, 3, 4, 5))
    assert step.model_dump(mode="json")["at"] == "2026-01-02T03:04:05Z"


def test_history_stored_before_the_fix_still_loads_with_an_offset() -> None:
    """A naive time kept in an old actor state reads back as UTC, not as a failure."""
    stored = {
        "order_id": "o-1",
        "status": "created",
        "history": [{"status": "created", "at": "2026-01-02T03:04:05", "reason": ""}],
    }
    (step,) = OrderView.model_validate(stored).history
    assert step.at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_offset_time_is_converted_to_utc() -> None:
    """Another offset is kept as the same instant, expressed in UTC."""
    at = datetime(2026, 1, 2, 5, 34, 5, tzinfo=timezone(timedelta(hours=2, minutes=30)))
    assert Transition(status=OrderStatus.CREATED, at=at).at == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC
    )
