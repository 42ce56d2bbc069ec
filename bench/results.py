"""What a benchmark run records: series of trials, paired comparisons, the footprint,
and the run's context (machine, versions, profile)."""

from dataclasses import asdict, dataclass, field
from typing import Any

from bench.stats import Spread, TrialStats, ratio_spread

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


@dataclass
class BenchRun:
    context: dict[str, Any]
    series: list[Series] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    footprint: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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
        return cls(
            document["context"], series, comparisons, document["footprint"], document["notes"]
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
        }
