"""PNG charts of a run (matplotlib, a bench-only dependency: requirements-bench.lock)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from bench.results import BenchRun, Series


def write_charts(run: BenchRun, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _throughput(run.series_of("workflows"), folder / "workflow_throughput.png"),
        _distribution(run.series_of("workflows"), folder / "workflow_latency.png", "workflows"),
        _distribution(
            [s for s in run.series if s.concurrency == 1 and s.scenario != "workflows"],
            folder / "call_latency.png",
            "actors and state, concurrency 1",
        ),
    ]
    return [path for path in written if path is not None]


def _throughput(series: list[Series], path: Path) -> Path | None:
    if not series:
        return None
    figure, (workflows, steps) = plt.subplots(1, 2, figsize=(11, 4.2))
    for variant in dict.fromkeys(s.variant for s in series):
        points = sorted((s for s in series if s.variant == variant), key=lambda s: s.concurrency)
        x = [s.concurrency for s in points]
        rates = [s.summary()["per_second"] for s in points]
        for axis, scale in ((workflows, [1] * len(points)), (steps, [s.steps for s in points])):
            axis.errorbar(
                x,
                [r.median * k for r, k in zip(rates, scale, strict=True)],
                yerr=[
                    [(r.median - r.low) * k for r, k in zip(rates, scale, strict=True)],
                    [(r.high - r.median) * k for r, k in zip(rates, scale, strict=True)],
                ],
                marker="o",
                capsize=3,
                label=variant,
            )
    workflows.set(xlabel="concurrency", ylabel="workflows completed / s", xscale="log")
    steps.set(xlabel="concurrency", ylabel="workflow steps completed / s", xscale="log")
    for axis in (workflows, steps):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle("Throughput against concurrency (median, min-max over trials)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _distribution(series: list[Series], path: Path, title: str) -> Path | None:
    series = [s for s in series if s.latencies_s]
    if not series:
        return None
    ordered = sorted(series, key=lambda s: (s.scenario, s.concurrency, s.variant))
    figure, axis = plt.subplots(figsize=(11, 0.5 * len(ordered) + 1.5))
    axis.boxplot(
        [[value * 1000 for value in s.latencies_s] for s in ordered],
        vert=False,
        showfliers=False,
        whis=(1, 99),
    )
    axis.set_yticks(
        range(1, len(ordered) + 1),
        [f"{s.scenario}: {s.variant} (c={s.concurrency})" for s in ordered],
        fontsize=8,
    )
    axis.set(xlabel="latency, ms (box: quartiles; whiskers: p1-p99)", xscale="log")
    axis.grid(alpha=0.3, axis="x")
    axis.set_title(f"Latency distribution: {title}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
