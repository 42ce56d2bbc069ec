"""Progress lines for long work: each step, what it is doing, and the time it took."""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def elapsed(since: float) -> str:
    seconds = int(time.monotonic() - since)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


@contextmanager
def step(title: str) -> Iterator[None]:
    """Announce a step, then report how long it took or that it failed."""
    started = time.monotonic()
    say(f"==> {title}")
    try:
        yield
    except BaseException:
        say(f"<== FAILED after {elapsed(started)}: {title}")
        raise
    say(f"<== done in {elapsed(started)}: {title}")
