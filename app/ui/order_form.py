"""The order form: what the browser posts, turned into the body of POST /api/v1/orders.

Values pass on as typed (numbers where they are numbers); the API validates them and its
problem names the fields at fault, shown above the form."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

LINE_ROWS = 3  # rows the form offers; empty ones are left out


@dataclass(frozen=True)
class Line:
    sku: str = ""
    quantity: str = ""
    unit_price: str = ""

    def is_empty(self) -> bool:
        return not (self.sku or self.quantity or self.unit_price)


@dataclass(frozen=True)
class OrderForm:
    order_id: str
    customer_id: str = ""
    lines: list[Line] = field(default_factory=list)

    @classmethod
    def blank(cls) -> "OrderForm":
        return cls(order_id=f"order-{uuid.uuid4().hex[:10]}", lines=[Line()] * LINE_ROWS)

    @classmethod
    def from_form(cls, form: FormData) -> "OrderForm":
        skus, quantities, prices = (
            [str(value).strip() for value in form.getlist(key)]
            for key in ("sku", "quantity", "unit_price")
        )
        rows = max(len(skus), len(quantities), len(prices))
        lines = [Line(_at(skus, i), _at(quantities, i), _at(prices, i)) for i in range(rows)]
        return cls(
            order_id=str(form.get("order_id", "")).strip(),
            customer_id=str(form.get("customer_id", "")).strip(),
            lines=lines,
        )

    def body(self) -> dict[str, Any]:
        """The API's OrderDetails; an empty line list is the API's to refuse."""
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "lines": [
                {
                    "sku": line.sku,
                    "quantity": int(line.quantity) if line.quantity.isdigit() else line.quantity,
                    "unit_price": line.unit_price,
                }
                for line in self.lines
                if not line.is_empty()
            ],
        }

    def rows(self) -> list[Line]:
        """The lines to show again, padded with empty rows."""
        kept = [line for line in self.lines if not line.is_empty()]
        return kept + [Line()] * max(0, LINE_ROWS - len(kept))


def _at(values: list[str], index: int) -> str:
    return values[index] if index < len(values) else ""


def sku_list(text: str, limit: int = 50) -> list[str]:
    """SKUs typed as 'a, b c' (commas or spaces), without repeats, at most `limit`."""
    names = [name for name in text.replace(",", " ").split() if name]
    return list(dict.fromkeys(names))[:limit]
