"""How the engine hands workflows and activities to the SDK: under their registered name,
as fresh function objects, and (for workflows) reporting when a run really ends."""

from collections.abc import Callable, Generator
from types import GeneratorType
from typing import Any


def reporting_end(
    orchestrator: Callable[..., Any], on_end: Callable[[str], None]
) -> Callable[..., Any]:
    """`orchestrator`, calling `on_end(instance_id)` when a run ends for real: completed
    or failed in an execution that is not a replay. Memory only, no I/O (the callee counts
    the run out of admission); a replay reports nothing, so each end is reported once per
    process that executes it."""

    def reporting(ctx: Any, *payload: Any) -> Generator[Any, Any, Any]:
        try:
            result = orchestrator(ctx, *payload)
            if isinstance(result, GeneratorType):
                result = yield from result
        except Exception:
            if not ctx.is_replaying:
                on_end(ctx.instance_id)
            raise
        if not ctx.is_replaying:
            on_end(ctx.instance_id)
        return result

    return reporting


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
