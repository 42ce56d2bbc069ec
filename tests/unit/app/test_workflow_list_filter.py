"""The instance list's filters beside name and status: an id prefix and a window of start
times, where a time without an offset is UTC (never a naive/aware TypeError, a 500)."""

from datetime import UTC, datetime, timedelta, timezone

from app.records.workflow_index import InstanceRecord
from app.workflow_control import InstanceFilter

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def _record(instance_id: str, created: datetime) -> InstanceRecord:
    return InstanceRecord(
        instance_id=instance_id, name="restock", status="RUNNING", created_at=created,
        updated_at=created,
    )  # fmt: skip


def test_no_filter_keeps_everything() -> None:
    assert InstanceFilter().keeps(_record("a", T0))


def test_the_id_prefix_keeps_only_ids_that_start_with_it() -> None:
    keep = InstanceFilter(id_prefix="order-")
    assert keep.keeps(_record("order-1", T0))
    assert not keep.keeps(_record("restock-1", T0))


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    keep = InstanceFilter(created_after=T0, created_before=T0 + timedelta(hours=1))
    assert keep.keeps(_record("a", T0))
    assert keep.keeps(_record("a", T0 + timedelta(minutes=59)))
    assert not keep.keeps(_record("a", T0 + timedelta(hours=1)))
    assert not keep.keeps(_record("a", T0 - timedelta(seconds=1)))


def test_a_time_without_an_offset_is_utc_and_one_with_an_offset_is_honoured() -> None:
    naive = InstanceFilter(created_after=datetime(2026, 12, 6, 10, 0))
    assert naive.keeps(_record("a", T0))
    assert not naive.keeps(_record("a", T0 - timedelta(seconds=1)))
    # 11:00 at +01:00 is 10:00 UTC.
    offset = InstanceFilter(
        created_after=datetime(2026, 12, 6, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    )
    assert offset.keeps(_record("a", T0))
