"""Values of one `lots` transaction: numbers, times, text, and the type codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ._common import MAX_MONEY, ZERO

BUY, SELL, TRANSFER_IN, TRANSFER_OUT, INCOME, FEE = range(6)
TYPES = {"buy": BUY, "sell": SELL, "transfer_in": TRANSFER_IN, "transfer_out": TRANSFER_OUT,
         "income": INCOME, "fee": FEE}
TYPE_NAMES = {code: name for name, code in TYPES.items()}
#: A validated transaction is a tuple (a million dicts would not fit the memory budget):
#: type code, UTC time, asset, wallet, quantity, usd_value, fee_usd (amounts as plain ASCII
#: text when sent so, else as Decimal; None when absent), id (None until the index fills it
#: in) and the rare fields (lots, transfer_id, form_1099) as a dict, or None.
CODE, KEY, ASSET, WALLET, QTY, VALUE, FEE_USD, IDENT, EXTRA = range(9)
Row = tuple[Any, ...]
#: Types whose usd_value is required (a transfer's is optional).
VALUED = frozenset((BUY, SELL, INCOME, FEE))
FORM_1099 = ("none", "basis_reported", "basis_not_reported")
FIELDS = frozenset(("id", "time", "type", "asset", "quantity", "usd_value", "fee_usd", "wallet",
                    "lots", "transfer_id", "form_1099"))
DEFAULT_WALLET = "default"
MAX_TEXT = 100
MAX_ERRORS = 100
_PLACES = 18
REQUIRED = "Missing data for required field."
#: The fields a plainly valid transaction may have (the rare ones are checked row by row).
PLAIN_FIELDS = frozenset(("id", "time", "type", "asset", "quantity", "usd_value", "fee_usd",
                          "wallet"))


@dataclass
class Ledger:
    """The validated transactions: rows, their sort keys, and what matching needs up front.

    ``transfers`` holds the indexes of transfers; ``names_lots`` tells whether a sale names
    its lots (specific identification).
    """

    rows: list[Row]
    keys: list[datetime]
    transfers: list[int] = field(default_factory=list)
    names_lots: bool = False



def number(value: Any) -> Decimal | None:
    """Return a finite, non-negative Decimal of at most 18 places below a trillion, else None."""
    kind = type(value)
    if kind is str:
        try:
            result = Decimal(value)
        except InvalidOperation:
            return None
        if "e" in value or "E" in value or "_" in value:
            return _checked(result)
        if len(value.rpartition(".")[2].strip()) > _PLACES and "." in value:
            return None
    elif kind is int or kind is Decimal:
        return _checked(Decimal(value))
    else:
        return None
    if result.is_finite() and ZERO <= result <= MAX_MONEY:
        return result
    return None


def _checked(result: Decimal) -> Decimal | None:
    """Return ``result`` when finite, in range and at most 18 places, else None."""
    if not result.is_finite() or not ZERO <= result <= MAX_MONEY:
        return None
    return None if result.as_tuple().exponent < -_PLACES else result  # type: ignore[operator]


def time_key(value: Any) -> datetime | None:
    """Return an ISO 8601 time with a zone (or a bare date) as a UTC datetime in 1970-2100."""
    if type(value) is not str:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    zone = moment.tzinfo
    if zone is not UTC:
        if zone is not None:
            if not 1970 <= moment.year <= 2100:
                return None
            moment = moment.astimezone(UTC)
        elif len(value.strip()) == 10:
            moment = moment.replace(tzinfo=UTC)
        else:
            return None
    return moment if 1970 <= moment.year <= 2100 else None


def text(value: Any, default: str | None = None) -> str | None:
    """Return stripped text of 1..100 characters, ``default`` when absent, else None."""
    if value is None:
        return default
    if type(value) is int:
        value = str(value)
    if type(value) is not str:
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_TEXT else None


def asset_of(value: Any) -> str | None:
    """Return the upper-cased asset symbol, or None when it is not 1..20 characters."""
    if type(value) is not str:
        return None
    value = value.strip().upper()
    return value if 0 < len(value) <= 20 else None


def plain_asset(value: Any) -> bool:
    """Tell whether ``value`` is an asset symbol as sent plainly: 1-20 upper-case letters."""
    return (type(value) is str and 0 < len(value) <= 20 and value.isalnum()
            and value.isupper())


def plain_text(value: Any) -> bool:
    """Tell whether ``value`` is text of 1-100 characters without surrounding spaces."""
    return type(value) is str and 0 < len(value) <= MAX_TEXT and value.strip() == value
