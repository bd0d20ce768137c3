"""Coinbase transaction history (the current layout and the older USD-only one)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._values import USD_LIKE, RowError, amount, asset, optional, tx, when

WALLET = "coinbase"
BUYS = frozenset(("buy", "advanced trade buy"))
SELLS = frozenset(("sell", "advanced trade sell"))
INCOME = frozenset(("rewards income", "staking income", "learning reward", "coinbase earn",
                    "inflation reward", "reward income", "interest", "incentives rewards payout",
                    "airdrop"))
SENDS = frozenset(("send", "withdrawal", "pro withdrawal", "exchange withdrawal"))
RECEIVES = frozenset(("receive", "deposit", "pro deposit", "exchange deposit"))
_CONVERTED = re.compile(r"converted\s+([\d.,]+)\s+(\S+)\s+to\s+([\d.,]+)\s+(\S+)", re.I)
#: Column names of each layout, in a fixed order: time, type, asset, quantity, currency,
#: price, subtotal, total, fees, notes, id ("a|b": whichever the file has; 2022-2023 exports
#: say "Spot Price Currency" and "Spot Price at Transaction").
CURRENT = ("timestamp", "transaction type", "asset", "quantity transacted",
           "price currency|spot price currency", "price at transaction|spot price at transaction",
           "subtotal", "total (inclusive of fees and/or spread)", "fees and/or spread", "notes",
           "id")
LEGACY = ("timestamp", "transaction type", "asset", "quantity transacted", "",
          "usd spot price at transaction", "usd subtotal", "usd total (inclusive of fees)",
          "usd fees", "notes", "")


def _cell(row: dict[str, str], names: str) -> str:
    """Return the first of the ``|``-separated columns the row has ("" when none)."""
    for name in names.split("|"):
        if name in row:
            return row[name]
    return ""


def _layout(names: tuple[str, ...]) -> Any:
    """Return a converter reading rows by the given column names."""

    def convert(columns: Columns, records: Records) -> Iterator[Item]:
        return each_row(columns, records, lambda n, row: _row(n, row, names))

    return convert


def _row(number: int, row: dict[str, str], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Turn one Coinbase row into transactions."""
    get = [_cell(row, name) if name else "" for name in names]
    moment, kind, code, raw_quantity, currency, price, subtotal, _total, fees, notes, ident = get
    kind, name = kind.lower(), asset(code)
    currency = (currency or "USD").upper()
    ident = ident or f"coinbase-{number}"
    quantity = abs(amount(raw_quantity, "quantity"))
    if currency not in USD_LIKE:
        raise RowError(f"prices are in {currency}, not US dollars; Bearings reads USD exports")
    value = optional(subtotal, "subtotal")
    if value is None and price:
        value = quantity * amount(price, "price")
    fee = optional(fees, "fee") or Decimal(0)
    time = when(moment)
    if kind == "convert":
        return _convert(ident, time, name, quantity, value, fee, notes)
    if name in USD_LIKE:
        return []
    if kind in BUYS or kind in SELLS or kind in INCOME:
        if value is None:
            raise RowError("the row has no subtotal or price to value it in US dollars")
        side = "buy" if kind in BUYS else "sell" if kind in SELLS else "income"
        return [tx(ident, time, side, name, quantity, value, fee if side != "income" else None,
                   WALLET)]
    if kind in SENDS or kind in RECEIVES:
        side = "transfer_out" if kind in SENDS else "transfer_in"
        return [tx(ident, time, side, name, quantity, value, None, WALLET)]
    raise RowError(f"the transaction type {kind!r} is not one Bearings imports")


def _convert(ident: str, time: str, name: str, quantity: Decimal, value: Decimal | None,
             fee: Decimal, notes: str) -> list[dict[str, Any]]:
    """A Convert is a sale of one coin and a purchase of another, both at the subtotal."""
    match = _CONVERTED.search(notes)
    if match is None or value is None:
        raise RowError("a Convert row needs a subtotal and a note such as "
                       "'Converted 0.5 ETH to 0.02 BTC'")
    target, received = asset(match.group(4)), amount(match.group(3), "quantity received")
    rows = []
    if name not in USD_LIKE:
        rows.append(tx(f"{ident}-sell", time, "sell", name, quantity, value, fee, WALLET))
    if target not in USD_LIKE:
        rows.append(tx(f"{ident}-buy", time, "buy", target, received, abs(value) - abs(fee),
                       None, WALLET))
    return rows


FORMATS = (
    Format("coinbase", "Coinbase transaction history (ID, Timestamp, Transaction Type, Asset, "
           "Quantity Transacted, Price Currency, Price at Transaction, Subtotal, Total, Fees)",
           ("timestamp", "transaction type", "asset", "quantity transacted", "subtotal"),
           _layout(CURRENT)),
    Format("coinbase-legacy", "Coinbase transaction history, older layout (Timestamp, "
           "Transaction Type, Asset, Quantity Transacted, USD Spot Price at Transaction, "
           "USD Subtotal, USD Total, USD Fees)",
           ("timestamp", "transaction type", "asset", "quantity transacted",
            "usd spot price at transaction"), _layout(LEGACY)),
)
