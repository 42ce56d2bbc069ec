"""OrderViews: reads answered from the actor's latest answers, never an older one, and a
view another replica may have moved is re-read after its TTL."""

from datetime import UTC, datetime

from actors.order_interface import OrderView, Transition
from actors.order_states import OrderStatus
from app.building_blocks.run_endings import RunEnded
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


def test_an_order_just_placed_reads_as_accepted_until_its_first_step() -> None:
    """Polls right after a placement ask nobody: the placeholder answers for ttl_s, the
    first step's view replaces it, and a placeholder never hides an order that exists."""
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, clock=clock)
    views.accepted("o1")
    placeholder = views.get("o1")
    assert placeholder is not None
    assert not placeholder.exists
    views.put(OrderView(order_id="o1", status=OrderStatus.CREATED))  # no history yet
    views.accepted("o1")  # a late placeholder (the step's answer came first)
    kept = views.get("o1")
    assert kept is not None
    assert kept.exists
    views.accepted("o2")
    clock.now += 5
    assert views.get("o2") is None


def test_a_run_that_ended_here_is_kept_for_its_ttl_and_forgotten_on_a_new_run() -> None:
    """The ending answers reads for ended_ttl_s (a purge elsewhere is seen after that);
    placing the order again forgets it."""
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, ended_ttl_s=60, clock=clock)
    views.run_ended(RunEnded("o1", "order_fulfillment", "COMPLETED", output={"status": "x"}))
    ended = views.ending("o1")
    assert ended is not None
    assert ended.output == {"status": "x"}
    clock.now += 60
    assert views.ending("o1") is None
    views.run_ended(RunEnded("o2", "order_fulfillment", "FAILED", failure="boom"))
    views.accepted("o2")
    assert views.ending("o2") is None
