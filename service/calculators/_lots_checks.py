"""Name every problem of one `lots` transaction, field by field (the slow, thorough path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._lots_values import (
    DEFAULT_WALLET,
    FIELDS,
    FORM_1099,
    REQUIRED,
    SELL,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    VALUED,
    asset_of,
    number,
    text,
    time_key,
)

_DISPOSALS = frozenset((SELL, TYPES["fee"]))
_TRANSFERS = frozenset((TRANSFER_IN, TRANSFER_OUT))
_FEE_TYPES = frozenset((TYPES["buy"], SELL))
_TEXT = "Enter text of 1 to 100 characters."


def check_row(row: Any) -> dict[str, list[str]]:
    """Return every problem of one transaction, by field name (empty when it is valid)."""
    if not isinstance(row, dict):
        return {"_schema": ["Send each transaction as an object."]}
    errors: dict[str, list[str]] = {}
    for name in row.keys() - FIELDS:
        errors[str(name)] = ["Unknown field."]
    code = TYPES.get(row.get("type")) if isinstance(row.get("type"), str) else None
    if code is None:
        errors["type"] = [_type_message(row)]
    for name, check in _CHECKS:
        message = check(row, code)
        if message:
            errors[name] = [message]
    return errors


def _type_message(row: dict[str, Any]) -> str:
    """Explain a missing or unknown type."""
    if "type" not in row:
        return REQUIRED
    return "Must be one of: " + ", ".join(TYPES) + "."


def _id(row: dict[str, Any], code: int | None) -> str | None:
    """Check the optional id."""
    return _TEXT if "id" in row and text(row["id"]) is None else None


def _time(row: dict[str, Any], code: int | None) -> str | None:
    """Check the time."""
    if "time" not in row:
        return REQUIRED
    if time_key(row["time"]) is None:
        return ("Enter a time between 1970 and 2100 with its zone, "
                "such as 2024-01-05T10:00:00Z.")
    return None


def _asset(row: dict[str, Any], code: int | None) -> str | None:
    """Check the asset symbol."""
    if "asset" not in row:
        return REQUIRED
    return "Enter an asset symbol such as BTC." if asset_of(row["asset"]) is None else None


def _amount(value: Any, what: str) -> str | None:
    """Explain why ``value`` is not an amount."""
    if isinstance(value, float):
        return 'Send numbers as strings, for example "0.5".'
    if number(value) is None:
        return f"Enter {what} of at least 0, with at most 18 decimal places."
    return None


def _quantity(row: dict[str, Any], code: int | None) -> str | None:
    """Check the quantity, which must be above zero."""
    if "quantity" not in row:
        return REQUIRED
    problem = _amount(row["quantity"], "a quantity such as 0.5")
    if problem is None and not number(row["quantity"]):
        return "Enter a quantity greater than 0."
    return problem


def _usd_value(row: dict[str, Any], code: int | None) -> str | None:
    """Check the dollar value, required except on transfers."""
    if row.get("usd_value") is None:
        return REQUIRED if code in VALUED else None
    return _amount(row["usd_value"], "an amount such as 1234.56")


def _fee_usd(row: dict[str, Any], code: int | None) -> str | None:
    """Check the fee, which only a buy or a sell may carry."""
    if row.get("fee_usd") is None:
        return None
    problem = _amount(row["fee_usd"], "an amount such as 1.50")
    if problem is None and number(row["fee_usd"]) and code not in _FEE_TYPES:
        return ("Only a buy or a sell carries fee_usd; record crypto spent on a fee as "
                "its own fee transaction.")
    return problem


def _wallet(row: dict[str, Any], code: int | None) -> str | None:
    """Check the optional wallet name."""
    return _TEXT if text(row.get("wallet"), DEFAULT_WALLET) is None else None


def _lots(row: dict[str, Any], code: int | None) -> str | None:
    """Check the optional list of lot ids a sale names."""
    if "lots" not in row:
        return None
    value = row["lots"]
    if not isinstance(value, list) or not all(text(item) for item in value):
        return "Send a list of the ids of the buys or income the sale uses."
    return None if code in _DISPOSALS else "Only a sell or a fee can name lots."


def _transfer_id(row: dict[str, Any], code: int | None) -> str | None:
    """Check the optional transfer id that pairs a transfer_out with a transfer_in."""
    if row.get("transfer_id") is None:
        return None
    if text(row["transfer_id"]) is None:
        return _TEXT
    return None if code in _TRANSFERS else "Only a transfer_in or transfer_out has a transfer_id."


def _form_1099(row: dict[str, Any], code: int | None) -> str | None:
    """Check the optional note of what the broker reported."""
    if row.get("form_1099") is None:
        return None
    if row["form_1099"] not in FORM_1099:
        return "Must be one of: " + ", ".join(FORM_1099) + "."
    return None if code in _DISPOSALS else "Only a sell or a fee has a form_1099."


_CHECKS: tuple[tuple[str, Callable[[dict[str, Any], int | None], str | None]], ...] = (
    ("id", _id), ("time", _time), ("asset", _asset), ("quantity", _quantity),
    ("usd_value", _usd_value), ("fee_usd", _fee_usd), ("wallet", _wallet), ("lots", _lots),
    ("transfer_id", _transfer_id), ("form_1099", _form_1099),
)
