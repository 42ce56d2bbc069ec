"""Reading a daprd from outside: its Prometheus text and its goroutine dump."""

import pytest

from bench.sidecar_watch import (
    COMPLETING_ORCHESTRATION_FRAME,
    PENDING_CALLS_METRIC,
    WAITING_FOR_TURN_FRAME,
    SidecarPeaks,
    metric_total,
    parse_goroutine_dump,
    parse_metrics,
)

# As daprd 1.14.4 serves it: the pending-calls view is a Count, exported as a counter.
METRICS = """\
# HELP dapr_runtime_actor_pending_actor_calls The number of pending actor calls waiting to acquire the per-actor lock.
# TYPE dapr_runtime_actor_pending_actor_calls counter
dapr_runtime_actor_pending_actor_calls{actor_type="InventoryActor",app_id="python-api"} 402
dapr_runtime_actor_pending_actor_calls{actor_type="dapr.internal.default.python-api.workflow",app_id="python-api"} 2822
# TYPE go_goroutines gauge
go_goroutines 95
odd_metric{note="a \\"quoted\\" word"} 1.5 1700000000000
not a sample line
broken_value{a="b"} twelve
"""  # noqa: E501

# `/debug/pprof/goroutine?debug=1`: frames are tab-separated, with runs of tabs before the file.
DUMP = """\
goroutine profile: total 9
4 @ 0x43e84e 0x44f9f8 0x46c1c5 0x47b8bd 0x1a2b3c 0x471f01
#\t0x46c1c4\tsync.runtime_SemacquireMutex+0x24\t\t\t\t/usr/local/go/src/runtime/sema.go:95
#\t0x47b8bc\tsync.(*Mutex).lockSlow+0x15c\t\t\t\t\t/usr/local/go/src/sync/mutex.go:173
#\t0x1a2b3b\tgithub.com/dapr/dapr/pkg/actors.(*ActorLock).Lock+0x8c\t\t/go/pkg/actors/actor_lock.go:45
#\t0x1a2b4c\tgithub.com/dapr/dapr/pkg/actors.(*actor).lock+0x5d\t\t/go/pkg/actors/actor.go:124

3 @ 0x43e84e 0x40a0e5 0x2b3c4d 0x471f01
#\t0x2b3c4c\tgithub.com/dapr/dapr/pkg/runtime/wfengine/backends/actors.(*ActorBackend).CompleteOrchestrationWorkItem+0x1ac\t/go/backend.go:320

2 @ 0x43e84e 0x471f01
#\t0x43e84d\truntime.gopark+0xcd\t\t/usr/local/go/src/runtime/proc.go:402
"""


def test_metrics_are_samples_with_labels_and_comments_are_skipped() -> None:
    """Label values unescaped, a trailing timestamp ignored, unreadable lines skipped."""
    samples = parse_metrics(METRICS)
    assert [(s.name, s.value) for s in samples] == [
        (PENDING_CALLS_METRIC, 402.0),
        (PENDING_CALLS_METRIC, 2822.0),
        ("go_goroutines", 95.0),
        ("odd_metric", 1.5),
    ]
    assert samples[0].labels == {"actor_type": "InventoryActor", "app_id": "python-api"}
    assert samples[3].labels == {"note": 'a "quoted" word'}


def test_a_metric_total_sums_its_label_sets_and_is_none_when_absent() -> None:
    """A daprd exposes a metric only once something recorded it: absent is not zero."""
    samples = parse_metrics(METRICS)
    assert metric_total(samples, PENDING_CALLS_METRIC) == 3224.0
    assert metric_total(samples, "dapr_runtime_actor_timers") is None


def test_the_dump_counts_goroutines_by_a_frame_anywhere_on_their_stack() -> None:
    """Calls waiting for an actor's turn and goroutines stuck completing an orchestration
    are told apart by their frames; the total is the dump's own."""
    dump = parse_goroutine_dump(DUMP)
    assert dump.total == 9
    assert dump.count_in(WAITING_FOR_TURN_FRAME) == 4
    assert dump.count_in(COMPLETING_ORCHESTRATION_FRAME) == 3
    assert dump.count_in("runtime.gopark") == 2
    assert dump.groups[0][1][0] == "sync.runtime_SemacquireMutex"  # offsets stripped


def test_a_dump_without_its_header_totals_its_groups() -> None:
    body = DUMP.split("\n", 1)[1]
    assert parse_goroutine_dump(body).total == 9
    assert parse_goroutine_dump("").total == 0


def test_peaks_keep_the_highest_sample_and_turns_are_half_the_reports() -> None:
    """Each actor turn reports the pending count twice (lock, unlock)."""
    peaks = SidecarPeaks()
    peaks.add_dump(parse_goroutine_dump(DUMP))
    peaks.add_dump(parse_goroutine_dump("goroutine profile: total 2\n"))
    peaks.add_rss("daprd", 120.0)
    peaks.add_rss("daprd", 80.0)
    peaks.pending_reports = 3224.0
    assert (peaks.waiting_for_turn, peaks.completing_orchestration, peaks.goroutines) == (4, 3, 9)
    assert peaks.rss_mb == {"daprd": 120.0}
    assert peaks.actor_turns == pytest.approx(1612.0)
