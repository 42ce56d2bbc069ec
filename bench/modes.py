"""How much each mode measures. Quick (`make bench`) took under 3 minutes with stack
start on 2 cores before the burst scenario, which adds about 75 s; full repeats more,
with larger trials and bursts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    # Workflows: rounds of (subject, baseline) trials at each concurrency; trial sizes.
    workflow_rounds: int
    workflows_per_trial: dict[int, int]
    # Actors and state: rounds, operations per trial (Reserve+Release cycles: half as
    # many, each is two calls), and the concurrencies.
    call_rounds: int
    calls_per_trial: int
    call_concurrency: tuple[int, ...]
    # Pub/sub: trials of `events` events each, published by `publishers` at once.
    pubsub_trials: int
    pubsub_events: int
    pubsub_publishers: int = 10
    # State calls are sub-millisecond and the layer's margin is tens of microseconds:
    # larger trials and more rounds, for steadier medians (a trial takes under a second).
    state_calls_per_trial: int = 300
    state_rounds: int = 7
    measure_make_run: bool = True
    # Burst: orders placed at once (bare workflows started at once) per run, one run per
    # size per side; each run is cut off after burst_timeout_s and reported as unfinished.
    burst_sizes: tuple[int, ...] = (200, 500, 1000)
    burst_timeout_s: float = 300.0

    @property
    def workflow_concurrency(self) -> tuple[int, ...]:
        return tuple(sorted(self.workflows_per_trial))


QUICK = Mode(
    name="quick",
    workflow_rounds=2,
    workflows_per_trial={1: 3, 10: 10, 50: 50},
    call_rounds=3,
    calls_per_trial=40,
    call_concurrency=(1, 10),
    pubsub_trials=2,
    pubsub_events=20,
    # One size: a 200-order burst (the issue's) and its bare twin take about 75 s on two
    # cores; 500 would add 2.5 min more to a mode meant to stay near 3.
    burst_sizes=(200,),
)
FULL = Mode(
    name="full",
    workflow_rounds=3,
    workflows_per_trial={1: 10, 10: 40, 50: 100},
    call_rounds=5,
    calls_per_trial=120,
    call_concurrency=(1, 10, 50),
    pubsub_trials=5,
    pubsub_events=60,
    state_calls_per_trial=1000,
    state_rounds=9,
)
MODES = {mode.name: mode for mode in (QUICK, FULL)}
