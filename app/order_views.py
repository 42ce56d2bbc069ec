"""The latest view of each order, kept from the OrderActor's own answers.

Status reads are what clients do most while orders run: hundreds of polls a second in a
burst. Asking the OrderActor for each one costs two HTTP hops through daprd and a turn in
the actor, on a machine the burst already keeps busy. The activities that move an order
get the actor's new view in the answer, so they leave it here, and a read of an order
this replica moved recently is a dictionary lookup (docs/workflow-engine.md).

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


class OrderViews:
    def __init__(
        self, max_entries: int, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_entries = max_entries
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._views: OrderedDict[str, tuple[OrderView, float]] = OrderedDict()

    def put(self, view: OrderView) -> None:
        """Keep `view` unless a view with a longer history is already kept (answers of
        concurrent calls can arrive out of order)."""
        if not view.exists:
            return
        with self._lock:
            kept = self._views.get(view.order_id)
            if kept is not None and len(kept[0].history) > len(view.history):
                return
            self._views[view.order_id] = (view, self._clock())
            self._views.move_to_end(view.order_id)
            while len(self._views) > self._max_entries:
                self._views.popitem(last=False)

    def get(self, order_id: str) -> OrderView | None:
        """The kept view if it is current enough to answer a read, else None."""
        with self._lock:
            kept = self._views.get(order_id)
        if kept is None:
            return None
        view, stored_at = kept
        ended = view.status is not None and is_terminal(view.status)
        if ended or self._clock() - stored_at < self._ttl_s:
            return view
        return None
