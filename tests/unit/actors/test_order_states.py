"""The order state machine's table, without a sidecar."""

import itertools

from actors.order_states import TRANSITIONS, OrderStatus, can_move, is_terminal

S = OrderStatus


def test_the_happy_path_is_legal_step_by_step() -> None:
    """created -> reserved -> awaiting_approval -> paid -> shipped -> completed."""
    path = [S.CREATED, S.RESERVED, S.AWAITING_APPROVAL, S.PAID, S.SHIPPED, S.COMPLETED]
    assert all(can_move(a, b) for a, b in itertools.pairwise(path))


def test_ends_are_final_and_payment_closes_cancelling() -> None:
    """Nothing leaves completed, cancelled or failed; paid and later cannot be cancelled."""
    for end in (S.COMPLETED, S.CANCELLED, S.FAILED):
        assert is_terminal(end)
        assert TRANSITIONS[end] == frozenset()
    for status in (S.PAID, S.SHIPPED):
        assert not can_move(status, S.CANCELLED)
    assert not can_move(S.CREATED, S.PAID)  # no skipping the reservation


def test_every_status_has_a_row() -> None:
    """A status added without a row would raise KeyError at the first move."""
    assert set(TRANSITIONS) == set(OrderStatus)


def test_money_taken_goes_back_before_a_paid_order_ends_without_goods() -> None:
    """paid -> refunded -> cancelled or failed; paid -> failed only for a refund still owed;
    nothing before payment is refunded, and a refunded order never ships."""
    assert can_move(S.PAID, S.REFUNDED)
    assert TRANSITIONS[S.REFUNDED] == frozenset({S.CANCELLED, S.FAILED})
    assert not is_terminal(S.REFUNDED)
    for unpaid in (S.CREATED, S.RESERVED, S.AWAITING_APPROVAL):
        assert not can_move(unpaid, S.REFUNDED)
    assert not can_move(S.REFUNDED, S.SHIPPED)
    assert not can_move(S.SHIPPED, S.REFUNDED)  # the goods left: a person settles it
