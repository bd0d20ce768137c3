"""Exchange CSV exports → transactions in the `lots` request shape.

``parse(stream)`` detects the layout from the header (after any blank or preamble lines),
reads the file as a stream, keeps every good row and reports each bad one by the row number a
spreadsheet shows. See docs/importers.md for every layout and the choices made.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from . import binance, binance_us, coinbase, gemini, generic, kraken
from ._format import Columns, Format, Item
from ._stream import TooLarge, lines, meter, records

__all__ = ["FORMATS", "ImportResult", "TooLarge", "UnknownFormat", "parse"]

_ALL: tuple[Format, ...] = (*coinbase.FORMATS, *kraken.FORMATS, *binance_us.FORMATS,
                            *binance.FORMATS, *gemini.FORMATS, *generic.FORMATS)
#: Format id → what it is.
FORMATS: dict[str, str] = {fmt.id: fmt.description for fmt in _ALL}
#: Non-blank lines looked at for a header (Coinbase puts a few lines before it).
PREAMBLE = 12
MAX_ERRORS = 1000


class UnknownFormat(ValueError):
    """The header matches no supported export."""

    def __init__(self, seen: list[str] | None, reason: str | None = None) -> None:
        names = "; ".join(FORMATS.values())
        start = reason or ("The file looks empty." if not seen else
                           "This file's header is not one Bearings knows: "
                           + ", ".join(seen[:8]) + ".")
        super().__init__(f"{start} Supported exports: {names}.")


@dataclass
class ImportResult:
    """What an import found: the format, the transactions, the bad rows and the row count."""

    format: str
    transactions: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    rows: int
    skipped: int = field(default=0)


def parse(stream: BinaryIO | TextIO, *, max_bytes: int | None = None,
          progress: Callable[[int], Any] | None = None) -> ImportResult:
    """Read an exchange export and return its transactions and the rows that failed.

    :param stream: the file, binary (UTF-8, a byte-order mark is fine) or text.
    :param max_bytes: raise :class:`TooLarge` once more than this many bytes are read.
    :param progress: called with the number of bytes read so far, every 256 KiB and at the end.
    """
    gauge = meter(max_bytes, progress)
    rows = records(lines(stream, gauge))
    try:
        fmt, columns = _detect(rows)
    except csv.Error as exc:
        raise UnknownFormat(None, f"The file is not readable as CSV ({exc}).") from exc
    result = ImportResult(fmt.id, [], [], 0)
    last, seen = 0, set()
    try:
        for number, item in fmt.convert(columns, _counted(result, rows)):
            last = number
            _collect(result, number, item, seen)
    except csv.Error as exc:
        result.errors.append({"row": last + 1, "message": "The file cannot be read from this "
                              f"row on ({exc}); the rows before it were imported."})
    gauge.finish()
    return result


def _detect(rows: Any) -> tuple[Format, Columns]:
    """Return the format whose header comes first, skipping blank and preamble lines."""
    seen: list[str] | None = None
    looked = 0
    for _number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        columns = Columns(cells)
        for fmt in _ALL:
            if fmt.matches(columns):
                return fmt, columns
        seen = seen or [name for name in columns.names if name][:8]
        looked += 1
        if looked >= PREAMBLE:
            break
    raise UnknownFormat(seen)


def _collect(result: ImportResult, number: int, item: Item | Any, seen: set[str]) -> None:
    """Add one outcome to the result (a repeated id gets the row number added)."""
    if isinstance(item, dict):
        if item["id"] in seen:
            item["id"] = f"{item['id'][:80]}@row{number}-{len(seen)}"
        seen.add(item["id"])
        result.transactions.append(item)
    elif isinstance(item, str):
        if len(result.errors) < MAX_ERRORS:
            result.errors.append({"row": number, "message": item})
    else:
        result.skipped += 1


def _counted(result: ImportResult, rows: Any) -> Any:
    """Pass records through, counting the non-blank ones as data rows."""
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            result.rows += 1
        yield number, cells
