"""Validate a plain transactions list column by column, with no Python code per transaction.

Most ledgers are plain: every importer's output and every client that follows the contract
sends objects with the usual fields, ASCII amounts and UTC times. For those, each check below
runs once over a whole column through builtins (``map``, ``set``, ``min``, one regular
expression over the joined column), several times faster than checking row by row. Anything
unusual (a bare date, another zone, a missing field, a duplicate id, a Unicode digit) makes
:func:`plain_ledger` return None, and the caller checks row by row, naming every problem. The
two paths give the same ledger; a property test holds them to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import compress, count, repeat
from operator import attrgetter, eq, is_not
from typing import Any

from ._lots_values import (
    BUY,
    DEFAULT_WALLET,
    MAX_TEXT,
    PLAIN_FIELDS,
    SELL,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    VALUED,
    Ledger,
    plain_asset,
    plain_text,
)

#: Bytes with every digit written as 0, to read the shape of amounts.
_SHAPE = bytes.maketrans(b"123456789", b"000000000")
#: What breaks ``[0-9]{1,12}(?:\.[0-9]{1,18})?`` in lines of digits (read as 0) and dots, each
#: line between newlines: an empty line, a dot first or last, 13 whole digits, 19 places.
_MISSHAPEN = (b"\n\n", b"\n.", b".\n", b"\n" + b"0" * 13, b"." + b"0" * 19)
#: A line with no digit but 0.
_ZERO = re.compile(rb"\n[0.]+\n")
_NONZERO = re.compile(r"[1-9]")
_TRANSFERS = frozenset((TRANSFER_IN, TRANSFER_OUT))
_UNVALUED = frozenset(TYPES.values()) - VALUED
_FEELESS = frozenset(TYPES.values()) - {BUY, SELL}
_ZONE = attrgetter("tzinfo")
_FIRST, _END = datetime(1970, 1, 1, tzinfo=UTC), datetime(2101, 1, 1, tzinfo=UTC)
_ABSENT = object()
_CHUNK = 1024


def plain_ledger(rows: list[Any]) -> Ledger | None:
    """Return the ledger of a plain transactions list, or None to check it row by row.

    The rows are taken a chunk at a time, so that every pass over a chunk finds its
    transactions still in the processor's cache.
    """
    if not rows:
        return None
    ledger, ids = Ledger([], []), set()
    try:
        for start in range(0, len(rows), _CHUNK):
            if not _add(ledger, rows[start:start + _CHUNK], start, ids):
                return None
    except (TypeError, ValueError):  # an unhashable value, or a time that is not ISO 8601
        return None
    return ledger


def _add(ledger: Ledger, rows: list[Any], start: int, ids: set[str]) -> bool:
    """Check each field over the rows (from index ``start``) and add them to ``ledger``.

    Return False at the first doubt; ``ids`` collects the ids given so far, to find repeats.
    """
    if set(map(type, rows)) != {dict} or not PLAIN_FIELDS.issuperset(set().union(*rows)):
        return False  # (a set's union walks each dict's keys with their hashes: no call a row)
    codes = list(map(TYPES.get, _column(rows, "type")))
    quantities = _column(rows, "quantity")
    values = _column(rows, "usd_value")
    fees = _column(rows, "fee_usd")
    if None in codes or not _amounts(quantities, positive=True):
        return False
    valued = list(map(is_not, values, repeat(None)))
    if not _UNVALUED.issuperset(compress(codes, map(eq, valued, repeat(False)))):
        return False  # a value missing where one is required
    charged = list(map(is_not, fees, repeat(None)))
    fees_given = list(compress(fees, charged))
    if not _amounts(list(compress(values, valued))) or not _amounts(fees_given):
        return False
    if _NONZERO.search("".join(compress(fees_given, map(_FEELESS.__contains__,
                                                        compress(codes, charged))))):
        return False  # only a buy or a sell carries a fee
    assets = _names(_column(rows, "asset"), plain_asset)
    wallets = _names(_column(rows, "wallet", DEFAULT_WALLET), plain_text)
    idents = _idents(_column(rows, "id", _ABSENT), start, ids)
    keys = list(map(datetime.fromisoformat, _column(rows, "time")))
    if (assets is None or wallets is None or idents is None or set(map(_ZONE, keys)) != {UTC}
            or min(keys) < _FIRST or max(keys) >= _END):
        return False
    ledger.rows.extend(zip(codes, keys, assets, wallets, quantities, values, fees, idents,
                           repeat(None)))
    ledger.keys.extend(keys)
    ledger.transfers.extend(compress(count(start), map(_TRANSFERS.__contains__, codes)))
    return True


def _column(rows: list[dict[str, Any]], name: str, default: Any = None) -> list[Any]:
    """Return one field of every row (``default`` where it is absent)."""
    return list(map(dict.get, rows, repeat(name), repeat(default)))


def _amounts(values: list[Any], positive: bool = False) -> bool:
    """Tell whether every value is text of ASCII digits (up to 12) with up to 18 decimal places
    (and above zero when ``positive``).

    The values are joined into lines and read as bytes, every digit as 0; a few passes of
    ``bytes.translate`` and substring searches find any misshapen line, several times faster
    than matching a pattern line by line.
    """
    if not values:
        return True
    if set(map(type, values)) != {str}:
        return False
    lines = "\n" + "\n".join(values) + "\n"
    if not lines.isascii() or lines.count("\n") != len(values) + 1:
        return False  # another alphabet, or a newline inside a value
    data = lines.encode("ascii")
    shape = data.translate(_SHAPE)
    if shape.translate(None, b"0.\n") or b".." in shape.translate(None, b"0"):
        return False  # another character, or two dots in one value
    return not (any(map(shape.__contains__, _MISSHAPEN))
                or (positive and _ZERO.search(data) is not None))


def _names(column: list[Any], plain: Callable[[Any], bool]) -> list[str] | None:
    """Return the column of names, or None if one of them is not plain."""
    return column if all(map(plain, set(column))) else None


def _idents(column: list[Any], start: int, ids: set[str]) -> list[str] | None:
    """Return the ids (``#<index>`` where absent); None if one is not plain or is repeated."""
    given = list(compress(column, map(is_not, column, repeat(_ABSENT))))
    if given:
        known = len(ids)
        if (set(map(type, given)) != {str} or max(map(len, given)) > MAX_TEXT
                or not all(map(eq, given, map(str.strip, given)))):
            return None
        ids.update(given)
        if len(ids) != known + len(given) or "" in ids:  # a repeat, or an empty id
            return None
    if len(given) == len(column):
        return column
    return [f"#{index}" if ident is _ABSENT else ident
            for index, ident in enumerate(column, start)]
