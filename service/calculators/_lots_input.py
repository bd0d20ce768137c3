"""Validate the `lots` transactions list in one tight loop (marshmallow per row is too slow)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._lots_checks import check_row
from ._lots_values import (
    MAX_ERRORS,
    MAX_TEXT,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    text,
    time_key,
)

_plain = re.compile(r"\d{1,12}(?:\.\d{1,18})?").fullmatch
_FAST_KINDS = frozenset(("buy", "sell", "income", "fee", "transfer_in", "transfer_out"))
_FEE_KINDS = frozenset(("buy", "sell"))
_FAST_FIELDS = frozenset(("id", "time", "type", "asset", "quantity", "usd_value", "fee_usd",
                          "wallet"))


@dataclass
class Ledger:
    """The validated transactions: their sort keys and what matching needs to know up front."""

    rows: list[Mapping[str, Any]]
    keys: list[datetime]
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
        if key is not None:
            keys.append(key)
            if row["type"][0] == "t":
                transfers.append(index)
            ident = row.get("id")
        else:
            problems = check_row(row)
            if problems:
                if len(errors) < MAX_ERRORS:
                    errors[index] = problems
                keys.append(None)  # type: ignore[arg-type]
                continue
            keys.append(time_key(row["time"]))  # type: ignore[arg-type]
            code = TYPES[row["type"]]
            if code == TRANSFER_IN or code == TRANSFER_OUT:
                transfers.append(index)
            elif "lots" in row:
                ledger.names_lots = True
            ident = text(row["id"]) if "id" in row else None
        if ident is not None:
            earlier = seen.setdefault(ident, index)
            if earlier != index and len(errors) < MAX_ERRORS:
                errors.setdefault(index, {})["id"] = [
                    f"This id is already used by transaction {earlier}."]
    if errors:
        raise InvalidTransactions(errors)
    return ledger


def _fast(row: Any) -> datetime | None:
    """Return the sort key of a plainly valid row; None to check it field by field."""
    if type(row) is not dict or not row.keys() <= _FAST_FIELDS:
        return None
    kind = row.get("type")
    if kind not in _FAST_KINDS:
        return None
    quantity, value, fee = row.get("quantity"), row.get("usd_value"), row.get("fee_usd")
    if type(quantity) is not str or not _plain(quantity) or not quantity.strip("0."):
        return None
    if value is None:
        if kind[0] != "t":
            return None
    elif type(value) is not str or not _plain(value):
        return None
    if fee is not None and (type(fee) is not str or not _plain(fee)
                            or (kind not in _FEE_KINDS and fee.strip("0."))):
        return None
    asset, wallet, ident = row.get("asset"), row.get("wallet", "x"), row.get("id", "x")
    if (type(asset) is not str or not 0 < len(asset) <= 20 or not asset.isalnum()
            or not asset.isupper() or type(wallet) is not str or type(ident) is not str
            or not 0 < len(wallet) <= MAX_TEXT or wallet.strip() != wallet
            or not 0 < len(ident) <= MAX_TEXT or ident.strip() != ident):
        return None
    return time_key(row.get("time"))
