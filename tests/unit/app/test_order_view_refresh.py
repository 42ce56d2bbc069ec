"""OrderViewRefresh: a view past its TTL answers at once while one refresh runs, and
never past max_stale_s; a failed refresh leaves the read to the actor later."""

import asyncio

from actors.order_interface import OrderView
from actors.order_states import OrderStatus
from app.order_view_refresh import OrderViewRefresh
from app.order_views import OrderViews


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Actor:
    """The OrderActor's answers: `status`, or an error while `failing`."""

    def __init__(self) -> None:
        self.reads = 0
        self.status = OrderStatus.RESERVED
        self.failing = False

    async def read(self, order_id: str) -> OrderView:
        self.reads += 1
        await asyncio.sleep(0)
        if self.failing:
            raise ConnectionError("daprd is gone")
        return OrderView(order_id=order_id, status=self.status)


def _setup() -> tuple[Clock, OrderViews, Actor, OrderViewRefresh]:
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, clock=clock)
    actor = Actor()
    return clock, views, actor, OrderViewRefresh(views, actor.read, max_stale_s=30)


def test_a_stale_view_answers_at_once_and_one_refresh_replaces_it() -> None:
    """Two reads past the TTL: both get the kept view, one actor read refreshes it."""
    asyncio.run(_a_stale_view_answers_at_once_and_one_refresh_replaces_it())


async def _a_stale_view_answers_at_once_and_one_refresh_replaces_it() -> None:
    clock, views, actor, refresh = _setup()
    views.put(OrderView(order_id="o1", status=OrderStatus.CREATED))
    clock.now += 6
    first = refresh.stale("o1")
    second = refresh.stale("o1")
    assert first is not None
    assert second is not None
    assert first.status is OrderStatus.CREATED
    await asyncio.sleep(0.01)
    assert actor.reads == 1
    current = views.get("o1")
    assert current is not None
    assert current.status is OrderStatus.RESERVED


def test_no_view_is_served_past_max_stale_s() -> None:
    """A view older than max_stale_s is not served: the caller asks the actor."""
    asyncio.run(_no_view_is_served_past_max_stale_s())


async def _no_view_is_served_past_max_stale_s() -> None:
    clock, views, actor, refresh = _setup()
    views.put(OrderView(order_id="o1", status=OrderStatus.CREATED))
    clock.now += 31
    assert refresh.stale("o1") is None
    assert actor.reads == 0


def test_a_failed_refresh_keeps_the_old_view_until_max_stale_s() -> None:
    """daprd down: the refresh fails quietly, the view answers until it is too old."""
    asyncio.run(_a_failed_refresh_keeps_the_old_view_until_max_stale_s())


async def _a_failed_refresh_keeps_the_old_view_until_max_stale_s() -> None:
    clock, views, actor, refresh = _setup()
    actor.failing = True
    views.put(OrderView(order_id="o1", status=OrderStatus.CREATED))
    clock.now += 6
    assert refresh.stale("o1") is not None
    await asyncio.sleep(0.01)
    assert actor.reads == 1
    clock.now += 25
    assert refresh.stale("o1") is None


def test_refreshes_in_flight_are_bounded() -> None:
    """With max_in_flight refreshes running, a further stale read asks the actor itself."""
    asyncio.run(_refreshes_in_flight_are_bounded())


async def _refreshes_in_flight_are_bounded() -> None:
    clock = Clock()
    views = OrderViews(max_entries=10, ttl_s=5, clock=clock)
    gate = asyncio.Event()

    async def slow_read(order_id: str) -> OrderView:
        await gate.wait()
        return OrderView(order_id=order_id, status=OrderStatus.RESERVED)

    refresh = OrderViewRefresh(views, slow_read, max_stale_s=30, max_in_flight=1)
    for order_id in ("a", "b"):
        views.put(OrderView(order_id=order_id, status=OrderStatus.CREATED))
    clock.now += 6
    assert refresh.stale("a") is not None
    assert refresh.stale("b") is None
    gate.set()
    await asyncio.sleep(0.01)
    assert refresh.stale("b") is not None
