"""Validate the `lots` transactions list in one tight loop (marshmallow per row is too slow)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._lots_checks import check_row
from ._lots_values import (
    DEFAULT_WALLET,
    FEE,
    INCOME,
    MAX_ERRORS,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    VALUED,
    asset_of,
    number,
    text,
    time_key,
)

_FAST_FIELDS = frozenset(("id", "time", "type", "asset", "quantity", "usd_value", "fee_usd",
                          "wallet"))


@dataclass
class Ledger:
    """The validated transactions: their sort keys and what matching needs to know up front."""

    rows: list[Mapping[str, Any]]
    keys: list[int]
    transfers: list[int] = field(default_factory=list)
    names_lots: bool = False


class InvalidTransactions(ValueError):
    """Problems found in the transactions, by index and then by field name."""

    def __init__(self, errors: dict[int, dict[str, list[str]]] | list[str]) -> None:
        super().__init__("invalid transactions")
        self.errors = errors


def validate(rows: Any) -> Ledger:
    """Check every transaction; return the ledger or raise InvalidTransactions."""
    if not isinstance(rows, list):
        raise InvalidTransactions(["Send the transactions as a list."])
    ledger = Ledger(rows, [])
    errors: dict[int, dict[str, list[str]]] = {}
    seen: dict[str, int] = {}
    keys, transfers = ledger.keys, ledger.transfers
    for index, row in enumerate(rows):
        key = _fast(row)
        if key is None:
            problems = check_row(row)
            if problems:
                if len(errors) < MAX_ERRORS:
                    errors[index] = problems
                keys.append(0)
                continue
            key = time_key(row["time"])
        keys.append(key)  # type: ignore[arg-type]
        code = TYPES[row["type"]]
        if code == TRANSFER_IN or code == TRANSFER_OUT:
            transfers.append(index)
        elif "lots" in row:
            ledger.names_lots = True
        if "id" in row:
            ident = text(row["id"])
            earlier = seen.setdefault(ident, index)  # type: ignore[arg-type]
            if earlier != index and len(errors) < MAX_ERRORS:
                errors.setdefault(index, {})["id"] = [
                    f"This id is already used by transaction {earlier}."]
    if errors:
        raise InvalidTransactions(errors)
    return ledger


def _fast(row: Any) -> int | None:
    """Return the sort key of a plainly valid buy/sell/income row; None to check it in full."""
    if type(row) is not dict or not row.keys() <= _FAST_FIELDS:
        return None
    code = TYPES.get(row.get("type"))  # type: ignore[arg-type]
    if code is None or code not in VALUED or code == FEE:
        return None
    quantity = number(row.get("quantity"))
    if not quantity or number(row.get("usd_value")) is None:
        return None
    if "fee_usd" in row:
        fee = number(row["fee_usd"])
        if fee is None or (fee and code == INCOME):
            return None
    if asset_of(row.get("asset")) is None or text(row.get("wallet"), DEFAULT_WALLET) is None:
        return None
    if "id" in row and text(row["id"]) is None:
        return None
    return time_key(row.get("time"))
