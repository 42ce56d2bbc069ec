"""Reads of a kept order view that has aged past its TTL answer at once and refresh it in
the background (stale while revalidate).

Under a burst the OrderActor answers in 100-200 ms (two hops through daprd and a turn in
the actor); a poll that waited for it made the slowest 1 % of status reads. A view past
`ttl_s` is at most `max_stale_s` old here, and the next poll sees the refreshed one. Past
`max_stale_s` (or with `max_in_flight` refreshes already running) the read asks the
actor itself, so a view never goes stale for long when refreshes keep failing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from actors.order_interface import OrderView
from app.order_views import OrderViews

logger = logging.getLogger(__name__)


class OrderViewRefresh:
    def __init__(
        self,
        views: OrderViews,
        read: Callable[[str], Awaitable[OrderView]],
        max_stale_s: float,
        max_in_flight: int = 64,
    ) -> None:
        self._views = views
        self._read = read
        self._max_stale_s = max_stale_s
        self._max_in_flight = max_in_flight
        self._refreshing: dict[str, asyncio.Task[None]] = {}

    def stale(self, order_id: str) -> OrderView | None:
        """A kept view no older than `max_stale_s`, with a refresh started for it; None
        when there is none or no refresh can start now (the caller reads the actor)."""
        view = self._views.get(order_id, max_age_s=self._max_stale_s)
        if view is None:
            return None
        if order_id in self._refreshing:
            return view
        if len(self._refreshing) >= self._max_in_flight:
            return None
        task = asyncio.create_task(self._refresh(order_id), name=f"refresh view {order_id}")
        self._refreshing[order_id] = task
        task.add_done_callback(lambda _: self._refreshing.pop(order_id, None))
        return view

    async def _refresh(self, order_id: str) -> None:
        try:
            self._views.put(await self._read(order_id))
        except Exception as error:  # the next read past max_stale_s asks the actor itself
            logger.debug("refreshing the view of order %s failed: %s", order_id, error)
