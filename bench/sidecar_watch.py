"""What a daprd is doing during a burst, sampled from outside: its Prometheus metrics, its
goroutine dump and the RSS of it and its app.

Pending actor calls: daprd 1.14.4 records `runtime/actor/pending_actor_calls` on every actor
lock and unlock, but registers its view with a *Count* aggregation
(pkg/diagnostics/service_monitoring.go), so `dapr_runtime_actor_pending_actor_calls` on the
metrics port is the number of those reports, a counter that only grows, not the number of
calls pending. Its growth over a burst still says something (two reports per actor turn:
lock and unlock), so it is kept as "actor turns". The number of calls waiting for an
actor's turn at a moment is read from the goroutine dump of daprd's profiling server
(`--enable-profiling`): each waiting call is one goroutine blocked under
`(*ActorLock).Lock` (pkg/actors/actor_lock.go). The dump also shows the goroutines in
`(*ActorBackend).CompleteOrchestrationWorkItem`, where daprd 1.14 leaks a workflow engine
slot for good when a step outlived its 30 s (docs/workflow-engine.md): a lasting count
there is the stall the burst scenario exists to catch.
"""

import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from bench.footprint import rss_mb

PENDING_CALLS_METRIC = "dapr_runtime_actor_pending_actor_calls"
WAITING_FOR_TURN_FRAME = "pkg/actors.(*ActorLock).Lock"
COMPLETING_ORCHESTRATION_FRAME = "(*ActorBackend).CompleteOrchestrationWorkItem"
# One sample a second, as often as the clients poll: a dump walks every goroutine of daprd
# with the world stopped, so sampling much faster would slow the daprd it measures.
SAMPLE_INTERVAL_S = 1.0
SAMPLE_TIMEOUT_S = 5.0

# `name{label="value",...} 12.5` or `name 12.5`, optionally followed by a timestamp.
_SAMPLE_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+\S+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
_GROUP_HEADER = re.compile(r"^(\d+) @")
_TOTAL = re.compile(r"^goroutine profile: total (\d+)")


@dataclass(frozen=True)
class MetricSample:
    name: str
    labels: Mapping[str, str]
    value: float


def parse_metrics(text: str) -> list[MetricSample]:
    """Samples of a Prometheus text exposition; comments and malformed lines are skipped."""
    samples = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE_LINE.match(line)
        if match is None:
            continue
        name, labels, value = match.groups()
        try:
            number = float(value)
        except ValueError:
            continue
        label_map = {key: _unescape(raw) for key, raw in _LABEL.findall(labels or "")}
        samples.append(MetricSample(name, label_map, number))
    return samples


def _unescape(raw: str) -> str:
    return raw.replace(r"\"", '"').replace(r"\n", "\n").replace("\\\\", "\\")


def metric_total(samples: Iterable[MetricSample], name: str) -> float | None:
    """The sum of `name` over all its label sets; None when daprd does not expose it (yet:
    a metric appears only once something has recorded it)."""
    values = [s.value for s in samples if s.name == name]
    return sum(values) if values else None


@dataclass(frozen=True)
class GoroutineDump:
    """`/debug/pprof/goroutine?debug=1`: goroutines grouped by identical stack."""

    total: int
    groups: tuple[tuple[int, tuple[str, ...]], ...]  # (count, function names, innermost first)

    def count_in(self, frame: str) -> int:
        """Goroutines with a function whose name contains `frame` anywhere on their stack."""
        return sum(count for count, functions in self.groups if any(frame in f for f in functions))


def parse_goroutine_dump(text: str) -> GoroutineDump:
    """Parse the debug=1 form: `N @ 0x...` heads a group of N goroutines, followed by one
    `#\\t0xPC\\tfunction+0xOFF\\tfile:line` line per frame."""
    total = 0
    groups: list[tuple[int, tuple[str, ...]]] = []
    count: int | None = None
    functions: list[str] = []

    def close() -> None:
        if count is not None:
            groups.append((count, tuple(functions)))

    for line in text.splitlines():
        if match := _TOTAL.match(line):
            total = int(match.group(1))
        elif match := _GROUP_HEADER.match(line):
            close()
            count, functions = int(match.group(1)), []
        elif line.startswith("#") and count is not None:
            parts = line.split("\t")
            if len(parts) >= 3:
                functions.append(parts[2].rsplit("+0x", 1)[0])
    close()
    return GoroutineDump(total or sum(n for n, _ in groups), tuple(groups))


@dataclass(frozen=True)
class SidecarTarget:
    """One daprd and its app: where to read the daprd, and the pids whose RSS to sample."""

    metrics_url: str
    profile_url: str
    pids: Mapping[str, int | None]

    @property
    def goroutine_url(self) -> str:
        return f"{self.profile_url}/debug/pprof/goroutine?debug=1"


@dataclass
class SidecarPeaks:
    """What the watch saw: each figure's highest sample, and the counter's growth."""

    waiting_for_turn: int = 0  # calls blocked waiting for an actor's turn
    completing_orchestration: int = 0  # goroutines in CompleteOrchestrationWorkItem
    goroutines: int = 0
    pending_reports: float = 0.0  # growth of dapr_runtime_actor_pending_actor_calls
    rss_mb: dict[str, float] = field(default_factory=dict)
    samples: int = 0
    failed_samples: int = 0

    @property
    def actor_turns(self) -> float:
        """Each actor turn records the pending count twice: on lock and on unlock."""
        return self.pending_reports / 2

    def add_dump(self, dump: GoroutineDump) -> None:
        self.waiting_for_turn = max(self.waiting_for_turn, dump.count_in(WAITING_FOR_TURN_FRAME))
        self.completing_orchestration = max(
            self.completing_orchestration, dump.count_in(COMPLETING_ORCHESTRATION_FRAME)
        )
        self.goroutines = max(self.goroutines, dump.total)

    def add_rss(self, name: str, mb: float) -> None:
        self.rss_mb[name] = max(self.rss_mb.get(name, 0.0), mb)


class SidecarWatch:
    """Samples a daprd (goroutine dump, metrics) and the RSS of its processes every
    `interval_s` on a thread of its own, from entry to exit; keeps the peaks.

    RSS is read every `rss_interval_s` (cheap: a /proc read), the daprd every `interval_s`.
    A failed sample (daprd too busy to answer within SAMPLE_TIMEOUT_S) is counted, not
    fatal: a stalled daprd is what the burst may show."""

    def __init__(
        self,
        target: SidecarTarget,
        interval_s: float = SAMPLE_INTERVAL_S,
        rss_interval_s: float = 0.2,
    ) -> None:
        self._target = target
        self._interval_s = interval_s
        self._rss_interval_s = rss_interval_s
        self.peaks = SidecarPeaks(rss_mb=dict.fromkeys(target.pids, 0.0))
        self._first_reports: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sidecar-watch", daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=SAMPLE_TIMEOUT_S) as client:
            next_sample = time.monotonic()
            while True:
                for name, pid in self._target.pids.items():
                    self.peaks.add_rss(name, rss_mb(pid))
                if time.monotonic() >= next_sample:
                    self._sample(client)
                    next_sample = time.monotonic() + self._interval_s
                if self._stop.wait(self._rss_interval_s):
                    break
            last = self._pending_reports(client)
            if last is not None:
                self.peaks.pending_reports = last - (self._first_reports or 0.0)

    def _pending_reports(self, client: httpx.Client) -> float | None:
        try:
            response = client.get(self._target.metrics_url)
            response.raise_for_status()
        except httpx.HTTPError:
            return None
        return metric_total(parse_metrics(response.text), PENDING_CALLS_METRIC)

    def _sample(self, client: httpx.Client) -> None:
        try:
            response = client.get(self._target.goroutine_url)
            response.raise_for_status()
        except httpx.HTTPError:
            self.peaks.failed_samples += 1
            return
        self.peaks.add_dump(parse_goroutine_dump(response.text))
        self.peaks.samples += 1

    def __enter__(self) -> "SidecarWatch":
        # Read before the load starts, not on the thread: no turn of the burst is missed.
        with httpx.Client(timeout=SAMPLE_TIMEOUT_S) as client:
            self._first_reports = self._pending_reports(client)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
