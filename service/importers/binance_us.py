"""Binance.US transaction history (its tax export, with a US dollar value on every leg)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._values import USD_LIKE, ZERO, RowError, asset, optional, tx, when

WALLET = "binance.us"
#: Categories that give up the Base asset for the Quote asset.
BASE_FOR_QUOTE = frozenset(("quick buy", "quick sell", "convert", "buy", "sell"))


def _leg(row: dict[str, str], side: str) -> tuple[str, Decimal, Decimal | None]:
    """Return one leg: asset, quantity and US dollar value (primary, base, quote or fee)."""
    prefix = f"realized_amount_for_{side}_asset"
    name = asset(row.get(f"{side}_asset", ""))
    quantity = optional(row.get(prefix, ""), f"{side} amount") or ZERO
    value = optional(row.get(f"{prefix}_in_usd_value", ""), f"{side} US dollar value")
    return name, abs(quantity), None if value is None else abs(value)


def _handle(number: int, row: dict[str, str]) -> list[dict[str, Any]]:
    """Turn one row into transactions."""
    category, operation = row["category"].lower(), row["operation"].lower()
    ident, time = row.get("transaction_id") or f"binance-us-{number}", when(row["time"])
    if category == "deposit" or category == "withdrawal":
        name, quantity, value = _leg(row, "primary")
        if name in USD_LIKE:
            return []
        kind = "transfer_in" if category == "deposit" else "transfer_out"
        return [tx(ident, time, kind, name, quantity, value, None, WALLET)]
    if category == "distribution":
        name, quantity, value = _leg(row, "primary")
        if value is None:
            raise RowError(f"this {name} distribution has no US dollar value")
        return [tx(ident, time, "income", name, quantity, value, None, WALLET)]
    if category == "spot trading" or category in BASE_FOR_QUOTE:
        gives_base = category != "spot trading" or operation == "sell"
        return _swap(ident, time, row, gives_base)
    raise RowError(f"the category {row['category']!r} is not one Bearings imports")


def _swap(ident: str, time: str, row: dict[str, str], gives_base: bool) -> list[dict[str, Any]]:
    """Give up one asset for another: a sale of the first and a purchase of the second."""
    base, quote = _leg(row, "base"), _leg(row, "quote")
    (given, given_qty, given_value), (got, got_qty, got_value) = (
        (base, quote) if gives_base else (quote, base))
    value = got_value if got_value is not None else given_value
    if value is None:
        raise RowError("the trade has no US dollar value")
    fee_name, fee_qty, fee_value = _leg(row, "fee")
    rows, fee_usd = [], ZERO
    if fee_qty and fee_name in USD_LIKE:
        fee_usd = fee_value if fee_value is not None else fee_qty
    elif fee_qty and fee_name == got:
        got_qty -= fee_qty
    elif fee_qty and fee_name == given:
        given_qty += fee_qty
    elif fee_qty:
        rows.append(tx(f"{ident}-fee", time, "fee", fee_name, fee_qty, fee_value, None, WALLET))
        fee_usd = fee_value or ZERO
    if given not in USD_LIKE:
        rows.append(tx(f"{ident}-sell", time, "sell", given, given_qty,
                       given_value if given_value is not None else value,
                       fee_usd if got in USD_LIKE else None, WALLET))
    if got not in USD_LIKE:
        rows.append(tx(f"{ident}-buy", time, "buy", got, got_qty, value, fee_usd, WALLET))
    return rows


def convert(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert every row."""
    return each_row(columns, records, _handle)


FORMATS = (
    Format("binance-us", "Binance.US transaction history (User_Id, Time, Category, Operation, "
           "Order_Id, Transaction_Id, Primary_Asset, Realized_Amount_For_Primary_Asset, ... "
           "Realized_Amount_For_Fee_Asset_In_USD_Value, Payment_Method, Withdrawal_Method, "
           "Additional_Note)",
           ("time", "category", "operation", "primary_asset", "base_asset", "quote_asset",
            "realized_amount_for_primary_asset"), convert),
)
