"""What a benchmark run records: series of trials, paired comparisons, the footprint,
and the run's context (machine, versions, profile)."""

from dataclasses import asdict, dataclass, field
from typing import Any

from bench.stats import Spread, TrialStats, ratio_spread

BURST_SCENARIO = "burst"
# Pooled latencies kept per series for the distribution chart (a sample, not all of them).
MAX_KEPT_LATENCIES = 2000


@dataclass
class Series:
    """One variant of one scenario at one concurrency: its trials, in round order."""

    scenario: str
    variant: str
    concurrency: int
    trials: list[TrialStats] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    steps: int = 1  # workflow steps per operation (1 for everything else)

    def add(self, stats: TrialStats, latencies_s: list[float]) -> None:
        self.trials.append(stats)
        room = MAX_KEPT_LATENCIES - len(self.latencies_s)
        if room > 0:
            self.latencies_s.extend(latencies_s[:room])

    def summary(self) -> dict[str, Spread]:
        return {
            "per_second": Spread.of([t.per_second for t in self.trials]),
            "p50_s": Spread.of([t.p50_s for t in self.trials]),
            "p95_s": Spread.of([t.p95_s for t in self.trials]),
            "p99_s": Spread.of([t.p99_s for t in self.trials]),
        }

    def cost_per_step_s(self) -> list[float]:
        """Wall time per completed step, per trial (the inverse of step throughput)."""
        return [t.wall_s / (t.count * self.steps) for t in self.trials]


@dataclass(frozen=True)
class Comparison:
    """subject / baseline for one metric, the median of the ratios of adjacent trials."""

    scenario: str
    label: str
    concurrency: int
    metric: str
    ratio: Spread
    target: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio.median <= self.target

    @classmethod
    def between(
        cls,
        subject: list[float],
        baseline: list[float],
        *,
        scenario: str,
        label: str,
        concurrency: int,
        metric: str,
        target: float | None = None,
    ) -> "Comparison":
        return cls(scenario, label, concurrency, metric, ratio_spread(subject, baseline), target)


@dataclass(frozen=True)
class BurstRow:
    """One burst: `orders` placed at once (workflows started, for the bare SDK), each
    polled every second until terminal or `timeout_s`; what the clients and daprd saw."""

    variant: str
    orders: int
    terminal: int
    elapsed_s: float  # until every one was terminal, or until the timeout
    timeout_s: float
    outcomes: dict[str, int]  # terminal status (or last status read) -> count
    refused_429: int
    status_reads: int
    read_errors: int
    place_errors: int  # orders (instances) never accepted: an error other than 429
    status_p50_s: float
    status_p99_s: float
    status_max_s: float
    waiting_for_turn_peak: int  # daprd goroutines waiting for an actor's turn, sampled
    completing_orchestration_peak: int  # daprd goroutines in CompleteOrchestrationWorkItem
    goroutines_peak: int
    actor_turns: float  # from the growth of daprd's pending_actor_calls count
    app_rss_peak_mb: float
    daprd_rss_peak_mb: float
    sidecar_samples: int
    failed_sidecar_samples: int
    stock: int | None = None  # units on hand before the burst (None: no stock involved)
    # The same reads by a poller in a process of its own (devstack/read_observer.py): the
    # burst's own client queues its reads behind its followers and 429 retries.
    observer_reads: int = 0
    observer_p50_s: float = 0.0
    observer_p99_s: float = 0.0
    observer_max_s: float = 0.0

    @property
    def finished(self) -> bool:
        return self.terminal == self.orders

    @property
    def orders_per_s(self) -> float:
        return self.terminal / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass
class BenchRun:
    context: dict[str, Any]
    series: list[Series] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    footprint: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    bursts: list[BurstRow] = field(default_factory=list)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> "BenchRun":
        """The run `to_json` wrote (summaries are recomputed from the trials)."""
        series = [
            Series(
                scenario=s["scenario"],
                variant=s["variant"],
                concurrency=s["concurrency"],
                trials=[TrialStats(**t) for t in s["trials"]],
                latencies_s=s["latencies_s"],
                steps=s["steps"],
            )
            for s in document["series"]
        ]
        comparisons = [
            Comparison(
                scenario=c["scenario"],
                label=c["label"],
                concurrency=c["concurrency"],
                metric=c["metric"],
                ratio=Spread(**c["ratio"]),
                target=c["target"],
            )
            for c in document["comparisons"]
        ]
        bursts = [BurstRow(**row) for row in document.get("bursts", [])]  # none before issue 11
        return cls(
            document["context"],
            series,
            comparisons,
            document["footprint"],
            document["notes"],
            bursts,
        )

    def series_of(self, scenario: str) -> list[Series]:
        return [s for s in self.series if s.scenario == scenario]

    def to_json(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "series": [
                {
                    "scenario": s.scenario,
                    "variant": s.variant,
                    "concurrency": s.concurrency,
                    "steps": s.steps,
                    "summary": {k: asdict(v) for k, v in s.summary().items()},
                    "trials": [asdict(t) for t in s.trials],
                    "latencies_s": s.latencies_s,
                }
                for s in self.series
            ],
            "comparisons": [{**asdict(c), "met": c.met} for c in self.comparisons],
            "footprint": self.footprint,
            "notes": self.notes,
            "bursts": [asdict(row) for row in self.bursts],
        }

    def merged_into(self, base: "BenchRun", scenarios: list[str]) -> "BenchRun":
        """`base` with the named scenarios' results taken from this run instead (a run
        made with --only): the page keeps the last full run's other tables, and a note
        says where the replaced ones come from. Footprint and context stay base's."""
        replaced = set(scenarios)
        started = self.context.get("started", "?")
        commit = self.context.get("versions", {}).get("orderflow commit", "?")
        load = self.context.get("machine", {}).get("load average at end (1/5/15 min)", "?")
        note = (
            f"{', '.join(sorted(replaced))}: from a separate `--only` run started {started}"
            f" (commit {commit}, {self.context.get('mode')} mode, load at its end {load});"
            " everything else from the run described above."
        )
        return BenchRun(
            context=base.context,
            series=[s for s in base.series if s.scenario not in replaced]
            + [s for s in self.series if s.scenario in replaced],
            comparisons=[c for c in base.comparisons if c.scenario not in replaced]
            + [c for c in self.comparisons if c.scenario in replaced],
            footprint=base.footprint,
            notes=[*base.notes, note, *self.notes],
            bursts=self.bursts if BURST_SCENARIO in replaced else base.bursts,
        )
