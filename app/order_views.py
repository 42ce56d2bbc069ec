"""The latest view of each order, kept from the OrderActor's own answers.

Status reads are what clients do most while orders run: hundreds of polls a second in a
burst. Asking the OrderActor for each one costs two HTTP hops through daprd and a turn in
the actor, on a machine the burst already keeps busy. The activities that move an order
get the actor's new view in the answer, so they leave it here, and a read of an order
this replica moved recently is a dictionary lookup (docs/workflow-engine.md).

An order placed here is kept as accepted (no actor yet) from the moment the engine took
it, so the polls that follow a burst of placements ask nobody until its first step. And
a run that ended here is kept with its outcome for `ended_ttl_s`: the poll that sees an
order end would otherwise ask the engine, the one part of the stack a burst keeps busy.

Per process: a view another replica moved is not seen here, so a view not refreshed
within `ttl_s` is read from the actor again; an ended order's view does not change.
Thread-safe: activities run on the workflow worker's threads.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from actors.order_interface import OrderView
from actors.order_states import is_terminal
from app.building_blocks.run_endings import RunEnded


class OrderViews:
    def __init__(
        self,
        max_entries: int,
        ttl_s: float,
        ended_ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._ttl_s = ttl_s
        self._ended_ttl_s = ended_ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._views: OrderedDict[str, tuple[OrderView, float]] = OrderedDict()
        self._endings: OrderedDict[str, tuple[RunEnded, float]] = OrderedDict()

    def accepted(self, order_id: str) -> None:
        """Keep "accepted, not created yet" for an order the engine has just taken (and
        forget an earlier run's ending); the first step's view replaces it, and past
        `ttl_s` the actor is asked again."""
        with self._lock:
            self._endings.pop(order_id, None)
        self._keep(OrderView(order_id=order_id, exists=False))

    def run_ended(self, run: RunEnded) -> None:
        """Keep the outcome of a run that ended in this process."""
        with self._lock:
            self._endings[run.instance_id] = (run, self._clock())
            self._endings.move_to_end(run.instance_id)
            while len(self._endings) > self._max_entries:
                self._endings.popitem(last=False)

    def ending(self, instance_id: str) -> RunEnded | None:
        """The run's outcome if it ended here within `ended_ttl_s` (a purge or a rerun
        elsewhere is not seen here, so older endings are asked of the engine again)."""
        with self._lock:
            kept = self._endings.get(instance_id)
        if kept is None or self._clock() - kept[1] >= self._ended_ttl_s:
            return None
        return kept[0]

    def put(self, view: OrderView) -> None:
        """Keep `view` unless a view with a longer history is already kept (answers of
        concurrent calls can arrive out of order)."""
        if view.exists:
            self._keep(view)

    def _keep(self, view: OrderView) -> None:
        with self._lock:
            kept = self._views.get(view.order_id)
            if kept is not None and _newer(kept[0], view):
                return
            self._views[view.order_id] = (view, self._clock())
            self._views.move_to_end(view.order_id)
            while len(self._views) > self._max_entries:
                self._views.popitem(last=False)

    def get(self, order_id: str, max_age_s: float | None = None) -> OrderView | None:
        """The kept view if it is current enough to answer a read (kept within `ttl_s`,
        or within `max_age_s` when given), else None. An ended order's view is current."""
        with self._lock:
            kept = self._views.get(order_id)
        if kept is None:
            return None
        view, stored_at = kept
        ended = view.status is not None and is_terminal(view.status)
        age_limit = self._ttl_s if max_age_s is None else max_age_s
        if ended or self._clock() - stored_at < age_limit:
            return view
        return None


def _newer(kept: OrderView, offered: OrderView) -> bool:
    """`kept` says more than `offered`: a longer history, or the order exists at all."""
    return len(kept.history) > len(offered.history) or (kept.exists and not offered.exists)
