"""Gemini transaction history (per-currency amount columns such as "BTC Amount BTC")."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._trades import Trade, convert
from ._values import USD_LIKE, ZERO, RowError, asset, optional, pair, tx, when

WALLET = "gemini"
INCOME_WORDS = ("interest", "reward", "staking", "earn", "redeem")


def _amount(row: dict[str, str], code: str) -> Decimal | None:
    """Return the signed amount in the "<CODE> Amount <CODE>" column, None when blank."""
    code = code.lower()
    return optional(row.get(f"{code} amount {code}", ""), f"{code.upper()} amount")


def _fee(row: dict[str, str], code: str) -> Decimal:
    """Return the fee in ``code`` (either spelling of the fee column)."""
    code = code.lower()
    text = row.get(f"fee ({code}) {code}") or row.get(f"trading fee ({code}) {code}") or ""
    return abs(optional(text, "fee") or ZERO)


def _time(row: dict[str, str]) -> str:
    """Join the Date and Time (UTC) columns."""
    clock = row["time (utc)"]
    return when(clock if len(clock) > 12 else f"{row['date']} {clock}")


def _handle(number: int, row: dict[str, str]) -> list[dict[str, Any]]:
    """Turn one row into transactions."""
    kind, time = row["type"].lower(), _time(row)
    ident = row.get("trade id") or row.get("tx hash") or f"gemini-{number}"
    if kind in ("buy", "sell"):
        base, quote = pair(row["symbol"])
        quantity, total = _amount(row, base), _amount(row, quote)
        if quantity is None or total is None:
            raise RowError(f"the {base} or {quote} amount column is empty")
        made, note = convert(Trade(ident, time, kind, base, quantity, quote, total,
                                   _fee(row, quote), quote, WALLET))
        return [*made, note] if note else made
    if kind in ("credit", "debit"):
        return _movement(ident, time, kind, row)
    raise RowError(f"the type {row['type']!r} is not one Bearings imports")


def _movement(ident: str, time: str, kind: str, row: dict[str, str]) -> list[dict[str, Any]]:
    """A deposit, withdrawal or reward of one currency."""
    name = asset(row["symbol"])
    quantity = _amount(row, name)
    if quantity is None:
        raise RowError(f"the {name} amount column is empty")
    spec = row.get("specification", "").lower()
    if any(word in spec for word in INCOME_WORDS) and kind == "credit":
        if name in USD_LIKE:
            return []
        raise RowError(f"this {name} reward has no US dollar value in the file; add it with "
                       "the generic CSV at its value on the day")
    if name in USD_LIKE:
        return []
    side = "transfer_in" if kind == "credit" else "transfer_out"
    return [tx(ident, time, side, name, quantity, None, None, WALLET)]


def transactions(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert every row."""
    return each_row(columns, records, _handle)


FORMATS = (
    Format("gemini", "Gemini transaction history (Date, Time (UTC), Type, Symbol, "
           "Specification, Liquidity Indicator, Trading Fee Rate (bps), then per-currency "
           "Amount, Fee and Balance columns, Trade ID, Order ID, ..., Tx Hash, ...)",
           ("date", "time (utc)", "type", "symbol", "specification"), transactions),
)
