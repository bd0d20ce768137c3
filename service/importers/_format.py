"""What every export format provides: an id, a description, its header and a converter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

#: One outcome per data row: a transaction (dict), an error (str) or nothing to import (None).
Item = tuple[int, dict[str, Any] | str | None]
Records = Iterable[tuple[int, list[str]]]


class Columns:
    """Find cells by header name, ignoring case and surrounding spaces."""

    def __init__(self, header: list[str]) -> None:
        self.names = [name.strip() for name in header]
        self.index = {name.lower(): number for number, name in enumerate(self.names)}

    def has(self, *names: str) -> bool:
        """Tell whether every one of ``names`` is a column."""
        return all(name.lower() in self.index for name in names)

    def row(self, cells: list[str]) -> dict[str, str]:
        """Return the row as lower-cased column name → stripped cell ("" when missing)."""
        return {name: cells[number].strip() if number < len(cells) else ""
                for name, number in self.index.items()}


@dataclass(frozen=True)
class Format:
    """One export layout."""

    id: str
    description: str
    required: tuple[str, ...]
    convert: Callable[[Columns, Records], Iterator[Item]]
    #: Columns whose presence rules this format out (to tell close layouts apart).
    excluded: tuple[str, ...] = ()

    def matches(self, columns: Columns) -> bool:
        """Tell whether ``columns`` is this format's header."""
        return columns.has(*self.required) and not any(columns.has(n) for n in self.excluded)


def each_row(columns: Columns, records: Records,
             handle: Callable[[int, dict[str, str]], list[Any] | None],
             ) -> Iterator[Item]:
    """Apply ``handle`` to every non-blank row; turn a ValueError into that row's error.

    ``handle`` returns the row's transactions and any error strings about part of the row (an
    empty list: nothing to import), or None when the row is held back to be combined with a
    later one.
    """
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            made = handle(number, columns.row(cells))
        except (ValueError, ArithmeticError) as exc:
            yield number, _sentence(str(exc))
            continue
        if made is None:
            continue
        if not made:
            yield number, None
        for item in made:
            yield number, item if isinstance(item, dict) else _sentence(item)


def _sentence(message: str) -> str:
    """Start a message with a capital letter and end it with a full stop."""
    message = message.strip() or "this row could not be read"
    message = message[0].upper() + message[1:]
    return message if message.endswith(".") else message + "."
