"""The order form becomes the body of POST /api/v1/orders: empty rows left out, numbers
as numbers, anything else passed on for the API to refuse with its fields at fault."""

from starlette.datastructures import FormData, UploadFile

from app.ui.order_form import LINE_ROWS, OrderForm, sku_list


def _form(*lines: tuple[str, str, str]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = [("order_id", " o-1 "), ("customer_id", "c-1")]
    for sku, quantity, price in lines:
        items += [("sku", sku), ("quantity", quantity), ("unit_price", price)]
    return FormData(items)


def test_filled_rows_become_order_lines_and_empty_rows_are_dropped() -> None:
    form = OrderForm.from_form(_form(("A", "2", "600.00"), ("", "", ""), ("B", "1", "5")))
    assert form.body() == {
        "order_id": "o-1",
        "customer_id": "c-1",
        "lines": [
            {"sku": "A", "quantity": 2, "unit_price": "600.00"},
            {"sku": "B", "quantity": 1, "unit_price": "5"},
        ],
    }


def test_a_quantity_that_is_not_a_number_goes_to_the_api_as_typed() -> None:
    """The API's 422 then names lines.0.quantity; the form does not guess."""
    body = OrderForm.from_form(_form(("A", "two", "1.00"))).body()
    assert body["lines"][0]["quantity"] == "two"


def test_the_form_shows_again_with_what_was_typed_and_empty_rows_to_fill() -> None:
    form = OrderForm.from_form(_form(("A", "2", "1.00")))
    rows = form.rows()
    assert len(rows) == LINE_ROWS
    assert rows[0].sku == "A"
    assert all(row.is_empty() for row in rows[1:])


def test_a_blank_form_has_a_fresh_order_id() -> None:
    first, second = OrderForm.blank(), OrderForm.blank()
    assert first.order_id.startswith("order-")
    assert first.order_id != second.order_id


def test_skus_are_read_from_commas_or_spaces_once_each() -> None:
    assert sku_list("A, B  C,A,,") == ["A", "B", "C"]
    assert sku_list("") == []
    assert len(sku_list(" ".join(f"S{i}" for i in range(80)))) == 50
