"""OrderViews: reads answered from the actor's latest answers, never an older one, and a
view another replica may have moved is re-read after its TTL."""

from datetime import UTC, datetime

from actors.order_interface import OrderView, Transition
from actors.order_states import OrderStatus
from app.order_views import OrderViews


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _view(order_id: str, *statuses: OrderStatus) -> OrderView:
    history = [Transition(status=s, at=datetime(2026, 12, 6, tzinfo=UTC)) for s in statuses]
    return OrderView(order_id=order_id, status=statuses[-1], history=history)


def test_a_kept_view_answers_until_its_ttl() -> None:
    """A running order's view is served for ttl_s, then left to the actor."""
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, clock=clock)
    views.put(_view("o1", OrderStatus.CREATED))
    assert views.get("o1") is not None
    clock.now += 5
    assert views.get("o1") is None


def test_an_ended_order_is_served_past_the_ttl() -> None:
    """An ended order cannot move again, so its view stays current."""
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, clock=clock)
    views.put(_view("o1", OrderStatus.CREATED, OrderStatus.FAILED))
    clock.now += 3600
    view = views.get("o1")
    assert view is not None
    assert view.status is OrderStatus.FAILED


def test_an_older_answer_never_replaces_a_newer_one() -> None:
    """Answers of concurrent calls may arrive out of order; the longer history wins."""
    views = OrderViews(max_entries=10, ttl_s=5)
    views.put(_view("o1", OrderStatus.CREATED, OrderStatus.RESERVED))
    views.put(_view("o1", OrderStatus.CREATED))
    view = views.get("o1")
    assert view is not None
    assert view.status is OrderStatus.RESERVED


def test_the_oldest_views_are_dropped_beyond_max_entries() -> None:
    """Memory is bounded: the least recently stored view goes first."""
    views = OrderViews(max_entries=2, ttl_s=5)
    for order_id in ("a", "b", "c"):
        views.put(_view(order_id, OrderStatus.CREATED))
    assert views.get("a") is None
    assert views.get("c") is not None


def test_an_order_never_created_is_not_kept() -> None:
    """A `exists: false` answer is not a view of an order."""
    views = OrderViews(max_entries=2, ttl_s=5)
    views.put(OrderView(order_id="x", exists=False))
    assert views.get("x") is None
