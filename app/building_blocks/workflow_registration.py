"""How the engine hands workflows and activities to the SDK: under their registered name,
as fresh function objects whose signature both SDK lines read alike (a run's end is
reported by app/building_blocks/run_endings.py)."""

from collections.abc import Callable
from typing import Any

_NO_INPUT: Any = object()


def named(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A fresh function object for one registration.

    SDK 0.5.0 marks the function it registers with attributes and refuses a function it
    has marked before; registering a wrapper keeps our registries reusable (a second app
    in one process, or a bound method whose function is shared by every instance).
    """

    def registered(ctx: Any, payload: Any = _NO_INPUT) -> Any:
        # Two named parameters: the 1.18 SDK reads the signature to decide whether to pass
        # the input at all (`*args` reads as "no input"); 0.5.0 passes it when not None.
        return fn(ctx) if payload is _NO_INPUT else fn(ctx, payload)

    registered.__name__ = name
    registered.__qualname__ = name
    return registered
