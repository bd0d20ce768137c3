"""The generic CSV: one row per transaction, columns named like the `lots` request fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._values import RowError, amount, asset, optional, tx, when

TYPES = ("buy", "sell", "transfer_in", "transfer_out", "income", "fee")
COLUMNS = ("id", "time", "type", "asset", "quantity", "usd_value", "fee_usd", "wallet")


def _handle(number: int, row: dict[str, str]) -> list[dict[str, Any]]:
    """Check one row and return it as a transaction."""
    kind = row["type"].lower()
    if kind not in TYPES:
        raise RowError(f"the type {row['type']!r} is not one of {', '.join(TYPES)}")
    if not row["asset"]:
        raise RowError("the asset is empty")
    quantity = amount(row["quantity"], "quantity")
    if quantity <= 0:
        raise RowError("the quantity must be greater than 0")
    value = optional(row.get("usd_value"), "usd_value")
    fee = optional(row.get("fee_usd"), "fee_usd")
    if value is None and kind not in ("transfer_in", "transfer_out"):
        raise RowError(f"a {kind} needs a usd_value")
    if (value is not None and value < 0) or (fee is not None and fee < 0):
        raise RowError("usd_value and fee_usd cannot be negative")
    return [tx(row.get("id") or f"row-{number}", when(row["time"]), kind, asset(row["asset"]),
               quantity, value, fee, row.get("wallet") or "default")]


def convert(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert every row."""
    return each_row(columns, records, _handle)


FORMATS = (
    Format("generic", "Generic CSV (id,time,type,asset,quantity,usd_value,fee_usd,wallet; "
           "id, usd_value, fee_usd and wallet may be left out)",
           ("time", "type", "asset", "quantity"), convert),
)
