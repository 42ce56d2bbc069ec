"""PatientCalls: a caller stops waiting at its deadline but the call runs to its end (a
cancelled call can poison daprd 1.14's SQLite connection), and calls left running are
bounded."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.building_blocks.errors import DaprTimeoutError
from app.building_blocks.patient_calls import PatientCalls


def test_a_fast_call_answers_and_its_error_is_the_callers() -> None:
    """Within the deadline the result comes back; an error of the call is raised as is."""
    patient = PatientCalls(ThreadPoolExecutor(2), max_outstanding=1)

    def fails() -> int:
        raise ValueError("refused")

    assert asyncio.run(patient.within(1.0, lambda: 7, "fast")) == 7
    with pytest.raises(ValueError, match="refused"):
        asyncio.run(patient.within(1.0, fails, "fails"))


def test_a_slow_call_times_out_for_the_caller_and_still_finishes() -> None:
    """The caller gets DaprTimeoutError at its deadline; the call is not cut short."""
    patient = PatientCalls(ThreadPoolExecutor(2), max_outstanding=1)
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.3)
        finished.set()

    with pytest.raises(DaprTimeoutError, match="goes on"):
        asyncio.run(patient.within(0.05, slow, "slow"))
    assert patient.outstanding == 1
    assert finished.wait(2)
    time.sleep(0.05)
    assert patient.outstanding == 0


def test_past_the_bound_of_calls_left_running_nothing_more_is_sent() -> None:
    """With max_outstanding slow calls still running, the next one is refused unsent."""
    patient = PatientCalls(ThreadPoolExecutor(4), max_outstanding=1)
    release = threading.Event()
    sent: list[str] = []

    def blocked(name: str) -> None:
        sent.append(name)
        release.wait(2)

    with pytest.raises(DaprTimeoutError):
        asyncio.run(patient.within(0.05, lambda: blocked("first"), "first"))
    with pytest.raises(DaprTimeoutError, match="not asked"):
        asyncio.run(patient.within(0.05, lambda: blocked("second"), "second"))
    release.set()
    assert sent == ["first"]
