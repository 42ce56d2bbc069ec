"""A status poller in a process of its own, beside a burst.

    python -m devstack.read_observer BASE_URL [--interval 0.02]   (ids on stdin)

The burst's own client runs hundreds of order followers and thousands of 429 retries on
one event loop, so the latency it measures for a status read includes its own queueing.
This process does nothing else: it reads the order ids the burst had accepted from stdin
(one per line), polls them round-robin, one read every `--interval` seconds, each until
it is terminal, as a client that placed those orders would, and prints each read's
latency in milliseconds (one per line). It ends when stdin is closed and no order is left
to follow. The token comes from ORDERFLOW_TOKEN.
"""

import argparse
import os
import queue
import sys
import threading
import time
from collections import deque

import httpx

TERMINAL = frozenset({"completed", "cancelled", "failed"})


def _feed(ids: "queue.Queue[str | None]") -> None:
    for line in sys.stdin:
        if line.strip():
            ids.put(line.strip())
    ids.put(None)  # stdin closed: no more ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base_url")
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between reads")
    args = parser.parse_args()
    token = os.environ.get("ORDERFLOW_TOKEN", "")
    headers = {"authorization": f"Bearer {token}"} if token else {}
    incoming: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_feed, args=(incoming,), daemon=True).start()
    following: deque[str] = deque()
    more_to_come = True
    with httpx.Client(base_url=args.base_url, headers=headers, timeout=30.0) as client:
        while more_to_come or following:
            while True:
                try:
                    order_id = incoming.get(block=not following and more_to_come, timeout=1.0)
                except queue.Empty:
                    break
                if order_id is None:
                    more_to_come = False
                    break
                following.append(order_id)
            if not following:
                continue
            order_id = following.popleft()
            started = time.perf_counter()
            try:
                response = client.get(f"/api/v1/orders/{order_id}")
            except httpx.HTTPError:
                print("error", flush=True)
                following.append(order_id)
            else:
                print(f"{(time.perf_counter() - started) * 1000:.2f}", flush=True)
                if response.status_code != 200 or response.json().get("status") not in TERMINAL:
                    following.append(order_id)
            time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
