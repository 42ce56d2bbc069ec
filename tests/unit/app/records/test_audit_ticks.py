"""Which slot an audit cron tick claims: one per `@every` period whatever the phase of
each replica's daprd, else the tick's own second."""

from datetime import UTC, datetime

import pytest

from app.records.audit_ticks import every_period_s, slot_of, tick_time

NOW = datetime(2026, 12, 6, 21, 30, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "period"),
    [("@every 5m", 300.0), ("@every 2s", 2.0), ("@every 1m30s", 90.0), ("@every 500ms", 0.5)],
)
def test_every_schedules_have_their_go_duration_as_period(schedule: str, period: float) -> None:
    assert every_period_s(schedule) == period


def test_a_cron_expression_has_no_period() -> None:
    assert every_period_s("*/5 * * * *") is None


def test_daprds_tick_time_is_read_to_the_second() -> None:
    tick = "2026-12-06 21:30:08.002762173 +0000 UTC"
    assert tick_time(tick, NOW) == datetime(2026, 12, 6, 21, 30, 8, tzinfo=UTC)


def test_an_unreadable_tick_time_falls_back_to_now() -> None:
    assert tick_time("?", NOW) == NOW


def test_ticks_of_replicas_in_different_phases_share_the_slot_of_their_period() -> None:
    one = datetime(2026, 12, 6, 21, 30, 1, tzinfo=UTC)
    other = datetime(2026, 12, 6, 21, 34, 59, tzinfo=UTC)
    assert slot_of("@every 5m", one) == slot_of("@every 5m", other)
    assert slot_of("@every 5m", one) != slot_of("@every 5m", NOW.replace(minute=35))


def test_a_cron_expression_slot_is_the_ticks_second() -> None:
    assert slot_of("0 */5 * * * *", NOW) == "20261206T213000"
