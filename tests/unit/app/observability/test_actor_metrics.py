"""Labels of calls into hosted actors stay within declared actor types and methods."""

from app.observability.actor_metrics import OTHER, _labels

METHODS = {"InventoryActor": frozenset({"Reserve", "Release"})}


def test_declared_method_is_labelled_by_type_and_method() -> None:
    """A method call on a hosted type is counted under its own names."""
    params = {"actor_type_name": "InventoryActor", "actor_id": "SKU-1", "method_name": "Reserve"}
    assert _labels(params, METHODS) == ("InventoryActor", "Reserve")


def test_undeclared_names_are_other() -> None:
    """An unknown method or type never becomes a label value of its own."""
    unknown_method = {"actor_type_name": "InventoryActor", "actor_id": "x", "method_name": "Zap"}
    unknown_type = {"actor_type_name": "Nope", "actor_id": "x", "method_name": "Reserve"}
    assert _labels(unknown_method, METHODS) == ("InventoryActor", OTHER)
    assert _labels(unknown_type, METHODS) == (OTHER, OTHER)


def test_timers_and_reminders_are_counted_by_kind_not_name() -> None:
    """A reminder's name can carry an id, so only its kind is a label."""
    reminder = {"actor_type_name": "InventoryActor", "actor_id": "x", "reminder_name": "hold-o-1"}
    timer = {"actor_type_name": "InventoryActor", "actor_id": "x", "timer_name": "t-9"}
    assert _labels(reminder, METHODS) == ("InventoryActor", "reminder")
    assert _labels(timer, METHODS) == ("InventoryActor", "timer")


def test_deactivation_is_not_an_actor_call() -> None:
    """DELETE /actors/{type}/{id} has no method: not counted."""
    assert _labels({"actor_type_name": "InventoryActor", "actor_id": "x"}, METHODS) is None
