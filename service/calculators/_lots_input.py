"""Validate the `lots` transactions list (marshmallow per row is far too slow).

Each valid transaction becomes a compact row tuple (see ``_lots_values.Row``). A plain list is
checked column by column (``_lots_columns``); otherwise each row is checked in one tight loop.
A plainly valid row takes the fast path, which :func:`compact` also offers to a JSON
``object_hook``, so that a file of a million transactions never holds a million dicts; anything
else is checked field by field and every problem is named.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ._lots_checks import check_row
from ._lots_columns import plain_ledger
from ._lots_values import (
    BUY,
    DEFAULT_WALLET,
    EXTRA,
    FEE,
    IDENT,
    INCOME,
    KEY,
    MAX_ERRORS,
    PLAIN_FIELDS,
    SELL,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    Ledger,
    Row,
    asset_of,
    number,
    plain_asset,
    plain_text,
    text,
    time_key,
)

_intern = sys.intern
_FAST_CODES = dict(TYPES)
_VALUED = frozenset((BUY, SELL, INCOME, FEE))
_FEE_CODES = frozenset((BUY, SELL))
_NAMES_KEPT = 10_000
_RARE = ("lots", "transfer_id", "form_1099")


def _plain(value: str) -> bool:
    """Tell whether ``value`` is ASCII digits (at most 12) with a fraction (at most 18).

    The same as matching ``[0-9]{1,12}(?:\\.[0-9]{1,18})?`` in full, at half the cost. Other
    digits (Arabic-Indic, say) are left to the full check, which reads them as numbers.
    """
    whole, dot, fraction = value.partition(".")
    return (0 < len(whole) <= 12 and whole.isdecimal() and whole.isascii()
            and (not dot or (0 < len(fraction) <= 18 and fraction.isdecimal()
                             and fraction.isascii())))


class Names:
    """Asset and wallet names of one ledger seen plainly valid, each kept once.

    A ledger has a handful of each, so checking a name once and sharing one copy of it saves
    time and memory; a new ``Names`` per ledger keeps nothing from one request to the next.
    """

    __slots__ = ("assets", "wallets")

    def __init__(self) -> None:
        self.assets: dict[str, str] = {}
        self.wallets: dict[str, str] = {}


class InvalidTransactions(ValueError):
    """Problems found in the transactions, by index and then by field name."""

    def __init__(self, errors: dict[int, dict[str, list[str]]] | list[str]) -> None:
        super().__init__("invalid transactions")
        self.errors = errors


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while lots are checked or matched, then restore it.

    Both build up to millions of small objects and no reference cycles; letting the collector
    rescan them all repeatedly costs about 15% of the time at a million rows.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate(rows: Any) -> Ledger:
    """Check every transaction; return the ledger or raise InvalidTransactions."""
    if not isinstance(rows, list):
        raise InvalidTransactions(["Send the transactions as a list."])
    with quiet_collector():
        return plain_ledger(rows) or _row_by_row(rows)


def _row_by_row(rows: list[Any]) -> Ledger:
    """Check each transaction in turn; return the ledger or raise InvalidTransactions."""
    ledger, names = Ledger([], []), Names()
    errors: dict[int, dict[str, list[str]]] = {}
    seen: dict[str, int] = {}
    out, keys, transfers = ledger.rows, ledger.keys, ledger.transfers
    for index, row in enumerate(rows):
        if type(row) is not tuple:
            compacted = compact(row, names)
            if compacted is None:
                problems = check_row(row)
                if problems:
                    if len(errors) < MAX_ERRORS:
                        errors[index] = problems
                    out.append(None)  # type: ignore[arg-type]  # keeps indexes aligned
                    keys.append(None)  # type: ignore[arg-type]
                    continue
                compacted = _checked(row)
            row = compacted
        ident = row[IDENT]
        if ident is None:
            row = (*row[:IDENT], f"#{index}", row[EXTRA])
        else:
            earlier = seen.setdefault(ident, index)
            if earlier != index and len(errors) < MAX_ERRORS:
                errors.setdefault(index, {})["id"] = [
                    f"This id is already used by transaction {earlier}."]
        code = row[0]
        if code == TRANSFER_IN or code == TRANSFER_OUT:
            transfers.append(index)
        elif row[EXTRA] is not None and "lots" in row[EXTRA]:
            ledger.names_lots = True
        out.append(row)
        keys.append(row[KEY])
    if errors:
        raise InvalidTransactions(errors)
    return ledger


def compact(row: Any, names: Names) -> Row | None:
    """Return a plainly valid transaction as a row (its id None when absent), else None."""
    if type(row) is not dict or not row.keys() <= PLAIN_FIELDS:
        return None
    kind = row.get("type")
    code = _FAST_CODES.get(kind) if type(kind) is str else None
    if code is None:
        return None
    quantity, value, fee = row.get("quantity"), row.get("usd_value"), row.get("fee_usd")
    if type(quantity) is not str or not _plain(quantity) or not quantity.strip("0."):
        return None
    if value is None:
        if code in _VALUED:
            return None
    elif type(value) is not str or not _plain(value):
        return None
    if fee is not None and (type(fee) is not str or not _plain(fee)
                            or (code not in _FEE_CODES and fee.strip("0."))):
        return None
    raw_asset, raw_wallet = row.get("asset"), row.get("wallet", DEFAULT_WALLET)
    asset = names.assets.get(raw_asset) if type(raw_asset) is str else None
    if asset is None:
        asset = _known(names.assets, raw_asset, plain_asset)
    wallet = names.wallets.get(raw_wallet) if type(raw_wallet) is str else None
    if wallet is None:
        wallet = _known(names.wallets, raw_wallet, plain_text)
    ident = row.get("id")
    if asset is None or wallet is None or ("id" in row and not plain_text(ident)):
        return None
    when = row.get("time")
    try:
        key = datetime.fromisoformat(when)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if key.tzinfo is not UTC or not 1970 <= key.year <= 2100:
        key = time_key(when)
        if key is None:
            return None
    return (code, key, asset, wallet, quantity, value, fee, ident, None)


def _known(seen: dict[str, str], value: Any, plain: Callable[[Any], bool]) -> str | None:
    """Return the one kept copy of a plainly valid name, remembering it; None if not plain."""
    if not plain(value):
        return None
    if len(seen) < _NAMES_KEPT:
        seen[value] = value
    return value  # type: ignore[no-any-return]


def _fast(row: Any) -> datetime | None:
    """Return the sort key of a plainly valid row; None to check it field by field."""
    compacted = compact(row, Names())
    return None if compacted is None else compacted[KEY]


def make_hook() -> Callable[[dict[str, Any]], Any]:
    """Return a JSON ``object_hook`` that turns each plainly valid transaction into its row."""
    names = Names()

    def hook(obj: dict[str, Any]) -> Any:
        return compact(obj, names) or obj

    return hook


def _checked(row: dict[str, Any]) -> Row:
    """Return a row that passed the full check, every field normalized (amounts as Decimal)."""
    extra = {name: row[name] for name in _RARE if row.get(name) is not None}
    return (TYPES[row["type"]], time_key(row["time"]), _intern(asset_of(row["asset"]) or ""),
            _intern(text(row.get("wallet"), DEFAULT_WALLET) or DEFAULT_WALLET),
            number(row["quantity"]), number(row.get("usd_value")), number(row.get("fee_usd")),
            text(row["id"]) if "id" in row else None, extra or None)
