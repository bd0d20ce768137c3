"""Money, quantities and worksheet lines shared by every calculator."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: Larger magnitudes are refused: no household loss comes near a trillion dollars.
MAX_MONEY = Decimal("1000000000000")


def to_decimal(value: Any) -> Decimal:
    """Return ``value`` (a str, int or Decimal) as a finite Decimal; raise ValueError otherwise."""
    if isinstance(value, float):
        raise ValueError("send numbers as strings, for example \"1234.56\"")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError("not a number")
    try:
        text = value.strip().replace(",", "") if isinstance(value, str) else value
        if isinstance(text, str) and len(text) > 64:
            raise ValueError("too long to be an amount")
        result = Decimal(text)
    except (InvalidOperation, TypeError, ValueError, OverflowError) as exc:
        raise ValueError("not a number") from exc
    if not result.is_finite():
        raise ValueError("not a finite number")
    return result


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up (the one rounding, at the edge)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Format a Decimal as a 2-place decimal string, as JSON carries money."""
    result = cents(value)
    return str(result + ZERO if result != 0 else CENT * 0)


def dollars(value: Decimal) -> str:
    """Format an amount for people: ``$17,000`` or ``$1,234.56``."""
    amount = cents(abs(value))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return ("-$" if value < 0 else "$") + text


class Money(fields.Field):
    """A decimal amount of dollars: a string such as "1234.56", an integer, or a JSON decimal.

    Floats from Python code are refused; JSON numbers arrive as Decimal (the app and CLI parse
    them so). ``minimum`` / ``maximum`` bound the value; magnitudes past a trillion are refused.
    """

    default_error_messages = {
        "invalid": "Enter an amount such as 1234.56.",
        "too_precise": "Use at most two decimal places.",
        "range": "Enter an amount between {minimum} and {maximum}.",
    }

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None,
                 places: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum = -MAX_MONEY if minimum is None else minimum
        self.maximum = MAX_MONEY if maximum is None else maximum
        self.places = places

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> Decimal:
        try:
            number = to_decimal(value)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if number.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise self.make_error("too_precise")
        if not self.minimum <= number <= self.maximum:
            raise self.make_error("range", minimum=self.minimum, maximum=self.maximum)
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else money(to_decimal(value))


class Quantity(Money):
    """A quantity of an asset: up to 18 decimal places, never negative unless allowed."""

    default_error_messages = {
        "invalid": "Enter a quantity such as 0.5.",
        "too_precise": "Use at most 18 decimal places.",
        "range": "Enter a quantity between {minimum} and {maximum}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("places", 18)
        kwargs.setdefault("minimum", ZERO)
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format(to_decimal(value).normalize(), "f")


def line(number: str | int, label: str, amount: Decimal | str | None) -> dict[str, Any]:
    """Return one worksheet line, the amount formatted as money when it is a Decimal."""
    shown = money(amount) if isinstance(amount, Decimal) else amount
    return {"line": str(number), "label": label, "amount": shown}


def load(schema: Schema, payload: Any) -> dict[str, Any]:
    """Validate ``payload`` with ``schema``; raise ValidationError naming each bad field."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"_schema": ["Send a JSON object."]})
    result: dict[str, Any] = schema.load(payload)
    return result
