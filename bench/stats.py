"""Summaries of repeated trials: medians of trial medians with their spread, and ratios
of paired trials (each pair measured back to back on the same stack)."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Spread:
    """A median over trials, with the quartiles and extremes of those trials."""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        if not values:
            raise ValueError("spread of no values")
        return cls(
            median=statistics.median(values),
            q1=percentile(values, 25),
            q3=percentile(values, 75),
            low=min(values),
            high=max(values),
            n=len(values),
        )


@dataclass(frozen=True)
class TrialStats:
    """One trial: `count` operations in `wall_s` seconds, and their latencies."""

    count: int
    wall_s: float
    p50_s: float
    p95_s: float
    p99_s: float

    @property
    def per_second(self) -> float:
        return self.count / self.wall_s

    @classmethod
    def of(cls, latencies_s: Sequence[float], wall_s: float) -> "TrialStats":
        if wall_s <= 0:
            raise ValueError("a trial takes some time")
        return cls(
            count=len(latencies_s),
            wall_s=wall_s,
            p50_s=percentile(latencies_s, 50),
            p95_s=percentile(latencies_s, 95),
            p99_s=percentile(latencies_s, 99),
        )


def paired_ratios(subject: Sequence[float], baseline: Sequence[float]) -> list[float]:
    """subject[i] / baseline[i] for each pair of adjacent trials."""
    if len(subject) != len(baseline):
        raise ValueError(f"{len(subject)} subject trials but {len(baseline)} baseline trials")
    if any(value <= 0 for value in baseline):
        raise ValueError("a baseline measurement must be positive")
    return [s / b for s, b in zip(subject, baseline, strict=True)]


def ratio_spread(subject: Sequence[float], baseline: Sequence[float]) -> Spread:
    """The median of the per-pair ratios, with their spread."""
    return Spread.of(paired_ratios(subject, baseline))
