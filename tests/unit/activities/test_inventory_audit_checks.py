"""The audit's stock invariants, on raw GetStock answers."""

from activities.inventory_audit import check_stock


def test_consistent_stock_has_no_anomaly() -> None:
    """on_hand 5, reserved 2, available 3 is sound."""
    assert check_stock("S", {"sku": "S", "on_hand": 5, "reserved": 2, "available": 3}) == []


def test_each_broken_invariant_is_one_anomaly() -> None:
    """Negative on hand, negative reserved and a wrong available are each reported."""
    found = check_stock("S", {"on_hand": -1, "reserved": -2, "available": 7})
    assert [a.problem for a in found] == [
        "on_hand < 0",
        "reserved < 0",
        "available != on_hand - reserved",
    ]
    assert found[0].on_hand == -1


def test_a_malformed_answer_is_an_anomaly() -> None:
    """Missing or non-integer numbers are reported, not raised."""
    assert check_stock("S", {"on_hand": 1, "reserved": True, "available": 1})[0].problem.startswith(
        "malformed"
    )
    assert len(check_stock("S", {})) == 1
