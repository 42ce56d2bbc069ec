"""WorkflowAdmission: at most `capacity` runs in flight, idempotent per id, and a
Retry-After that follows the recent completion rate."""

import pytest

from app.api.error_status import http_status
from app.building_blocks.workflow_admission import (
    MAX_RETRY_AFTER_S,
    NO_RATE_RETRY_AFTER_S,
    WAITING_FOR_S,
    EngineAtCapacityError,
    WorkflowAdmission,
)
from app.observability.metrics import REGISTRY


def NO_JITTER(most: int) -> int:
    return 0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_admits_up_to_capacity_then_refuses_with_429() -> None:
    """The capacity-plus-first run is refused with a 429 error naming the count."""
    admission = WorkflowAdmission(2)
    admission.admit("a")
    admission.admit("b")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("c")
    assert http_status(refused.value) == 429
    assert refused.value.details["in_flight"] == 2


def test_admitting_the_same_id_twice_counts_it_once() -> None:
    """A retried placement of an admitted order takes no second slot."""
    admission = WorkflowAdmission(1)
    admission.admit("a")
    admission.admit("a")
    assert admission.in_flight == 1


def test_a_release_makes_room_and_unknown_ids_are_ignored() -> None:
    """An ended run frees its slot; ending a run never admitted here changes nothing."""
    admission = WorkflowAdmission(1)
    admission.admit("a")
    admission.release("not-admitted")
    assert admission.in_flight == 1
    admission.release("a")
    admission.admit("b")
    assert admission.in_flight == 1


def test_forget_frees_the_slot_of_a_start_that_never_reached_the_engine() -> None:
    """A start that failed gives its slot back."""
    admission = WorkflowAdmission(1)
    admission.admit("a")
    admission.forget("a")
    admission.admit("b")
    assert admission.in_flight == 1


def test_retry_after_without_recent_completions_is_the_fixed_default() -> None:
    """Nothing finished in the last minute: the default wait, not a division by zero."""
    admission = WorkflowAdmission(1, jitter=NO_JITTER)
    admission.admit("a")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("b")
    assert refused.value.retry_after_s == NO_RATE_RETRY_AFTER_S


def test_retry_after_is_the_time_a_quarter_of_the_runs_in_flight_take_to_finish() -> None:
    """10 completions over 10 s (1/s) with 16 in flight: retry after 4 s."""
    clock = Clock()
    admission = WorkflowAdmission(16, clock=clock, jitter=NO_JITTER)
    for n in range(10):
        admission.admit(f"done-{n}")
        clock.now += 1
        admission.release(f"done-{n}")
    for n in range(16):
        admission.admit(f"running-{n}")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("late")
    assert refused.value.retry_after_s == 4


def test_retry_after_is_bounded() -> None:
    """A very slow engine still gets a Retry-After of at most a minute."""
    clock = Clock()
    admission = WorkflowAdmission(5000, clock=clock, jitter=lambda most: most)
    admission.admit("one")
    clock.now += 59
    admission.release("one")
    for n in range(5000):
        admission.admit(f"r-{n}")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("late")
    assert refused.value.retry_after_s == MAX_RETRY_AFTER_S


def test_admitted_before_lists_only_old_admissions() -> None:
    """The sweeper sees runs admitted at least `age_s` ago."""
    clock = Clock()
    admission = WorkflowAdmission(5, clock=clock)
    admission.admit("old")
    clock.now += 100
    admission.admit("new")
    assert admission.admitted_before(50) == ["old"]


def test_retry_after_is_spread_over_up_to_twice_the_estimate() -> None:
    """Clients refused together get different Retry-After values (no herd): the jitter
    adds between 0 and the estimate itself."""
    admission = WorkflowAdmission(1)
    admission.admit("a")
    seen = set()
    for _ in range(200):
        with pytest.raises(EngineAtCapacityError) as refused:
            admission.admit("b")
        seen.add(refused.value.retry_after_s)
    assert min(seen) >= NO_RATE_RETRY_AFTER_S
    assert max(seen) <= 2 * NO_RATE_RETRY_AFTER_S
    assert len(seen) > 1


def test_the_admitted_count_and_the_refusals_are_metrics() -> None:
    """/metrics shows how many runs are admitted now and counts every refusal."""
    refused_before = REGISTRY.get_sample_value("orderflow_admission_refusals_total") or 0.0
    admission = WorkflowAdmission(2)
    admission.admit("a")
    admission.admit("b")
    with pytest.raises(EngineAtCapacityError):
        admission.admit("c")
    assert REGISTRY.get_sample_value("orderflow_workflows_admitted") == 2
    refused = REGISTRY.get_sample_value("orderflow_admission_refusals_total")
    assert refused == refused_before + 1
    admission.release("a")
    assert REGISTRY.get_sample_value("orderflow_workflows_admitted") == 1


def test_retry_after_spreads_the_waiting_clients_over_the_time_they_need() -> None:
    """1 completion/s, 40 distinct clients refused: they are spread over 40 / (4 x 1) =
    10 s past the soonest estimate, so they come back at four times the rate slots free
    up, not all within a few seconds. A client let in stops counting as waiting."""
    clock = Clock()
    admission = WorkflowAdmission(4, clock=clock, jitter=lambda most: most)
    for n in range(10):
        admission.admit(f"done-{n}")
        clock.now += 1
        admission.release(f"done-{n}")
    clock.now += 1  # 10 completions over the 10 s since the first: 1 per second
    for n in range(4):
        admission.admit(f"running-{n}")
    answers = []
    for n in range(40):
        with pytest.raises(EngineAtCapacityError) as refused:
            admission.admit(f"waiting-{n}")
        answers.append(refused.value.retry_after_s)
    assert answers[0] == 1 + 1  # one waiting: the soonest estimate (a quarter of 4 at 1/s)
    assert answers[-1] == 1 + 10
    admission.release("running-0")
    admission.admit("waiting-0")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("waiting-1")
    # 11 completions over 10 s, 39 waiting: ceil(39 / (4 x 1.1)) = 9
    assert refused.value.retry_after_s == 1 + 9


def test_refused_clients_stop_counting_as_waiting_after_a_while() -> None:
    """A client that gave up is forgotten WAITING_FOR_S after its last refusal."""
    clock = Clock()
    admission = WorkflowAdmission(1, clock=clock, jitter=lambda most: most)
    admission.admit("running")
    for n in range(30):
        with pytest.raises(EngineAtCapacityError):
            admission.admit(f"gone-{n}")
    admission.release("running")
    admission.admit("running-2")
    clock.now += WAITING_FOR_S + 1
    admission.release("running-2")  # the one completion in the last minute: 1 per second
    admission.admit("running-3")
    with pytest.raises(EngineAtCapacityError) as refused:
        admission.admit("new")
    assert refused.value.retry_after_s == 1 + 1  # only "new" waits


def test_a_reserved_slot_is_taken_by_admit_and_refused_to_others() -> None:
    """The gate reserves for a placement on its way; at capacity counting reservations a
    new id is refused, the reserving id is admitted, and an unused reservation returns."""
    admission = WorkflowAdmission(2)
    admission.admit("running")
    assert admission.reserve("a") is True
    assert admission.reserve("a") is False  # the same id again holds nothing more
    with pytest.raises(EngineAtCapacityError):
        admission.reserve("b")
    with pytest.raises(EngineAtCapacityError):
        admission.admit("b")  # a placement that came another way (an event) sees it too
    admission.admit("a")
    admission.unreserve("a")  # the gate's finally: nothing left to give back
    assert admission.in_flight == 2
    admission.release("a")
    assert admission.reserve("c") is True
    admission.unreserve("c")  # its route never admitted it (a duplicate, or an error)
    admission.admit("d")
    assert admission.in_flight == 2
