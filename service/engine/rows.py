"""Lists typed one item per line, such as a timeline or the orders involved.

Letters read such an answer (a vocabulary field of kind ``items``) as lines whose parts are
separated by ";". People also write "2026-11-10: Mark drew the money" or "11/10/2026 - Mark drew
the money", leave out the empty parts at the end, and write times as they say them. This module
reads each line the way people write it and returns the list in the form letters read, so a
line is refused only for a real gap, with a message that shows what a line looks like.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Any

from marshmallow import ValidationError

from . import moments
from .flowdef import FieldDef

__all__ = ["ERRORS_SHOWN", "example", "list_columns", "read_rows", "shape"]

#: How many lines with a problem are named; past that, a count of the rest.
ERRORS_SHOWN = 5
#: Where a leading date or time may end: ";", ": " or " - " (or a dash).
_AFTER_TIME = re.compile(r";|:(?=\s)|\s[-\u2013\u2014]+\s")
_EXAMPLE = re.compile(r"(?:for example|example|e\.g\.)\s*[:,]?\s*(\S.*?)\s*$",
                      re.IGNORECASE | re.DOTALL)


@cache
def _vocabulary() -> dict[str, Any]:
    from ..letters import VOCABULARY  # letters sit below the engine; loaded on first use

    return VOCABULARY


def list_columns(spec: FieldDef) -> tuple[Any, ...] | None:
    """Return the parts of a line when letters read ``spec`` as a list of items, else None."""
    vocabulary = _vocabulary().get(spec.name)
    if vocabulary is None or vocabulary.kind != "items" or not vocabulary.columns:
        return None
    return tuple(vocabulary.columns)


def _time_kind(column: Any) -> str | None:
    """Return "when" (a day or a time), "datetime" or None for other columns."""
    from ..letters._fields import UtcDateTime, When

    if isinstance(column.field, When):
        return "when"
    if isinstance(column.field, UtcDateTime):
        return "datetime"
    return None


def shape(columns: Sequence[Any]) -> str:
    """Return the parts of a line, in order: "When; What happened"."""
    return "; ".join(column.label + ("" if column.required else " (optional)")
                     for column in columns)


def example(spec: FieldDef) -> str | None:
    """Return the example line the flow's help (or the letters' help) gives, if any."""
    vocabulary = _vocabulary().get(spec.name)
    for text in (spec.help, getattr(vocabulary, "help", "")):
        found = _EXAMPLE.search(text or "")
        if found and ";" in found.group(1):
            return found.group(1).replace("\u2026", "")
    return None


def _needed(columns: Sequence[Any]) -> int:
    """Return how many parts a line needs: up to the last one that may not be left out."""
    return max((index + 1 for index, column in enumerate(columns) if column.required), default=1)


def _split(line: str, columns: Sequence[Any], zone: tzinfo | None) -> list[str]:
    """Return the parts of one line; a leading date may end in ";", ": " or " - "."""
    count = len(columns)
    if _time_kind(columns[0]) is not None and count > 1:
        for found in _AFTER_TIME.finditer(line):
            head = line[:found.start()].strip()
            try:
                moments.read(head, zone=zone)
            except moments.Unreadable:
                if found.group() == ";":
                    break  # the first part ends here whatever it holds
                continue
            rest = line[found.end():]
            return [head, *(part.strip() for part in rest.split(";", count - 2))]
    return [part.strip() for part in line.split(";", count - 1)]


def _time_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _cell(column: Any, text: str, zone: tzinfo | None) -> str:
    """Return one part as letters read it; raise ValidationError naming the part."""
    kind = _time_kind(column)
    try:
        if kind == "when":
            return _time_text(moments.read_when(text, zone))
        if kind == "datetime":
            return _time_text(moments.read_datetime(text, zone))
        column.field.deserialize(text)
    except ValidationError as exc:
        raise ValidationError(f"{column.label}: {_first(exc.messages)}") from None
    return text


def _first(messages: Any) -> str:
    while isinstance(messages, list | dict):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages), "")
    return str(messages)


def _line(line: str, columns: Sequence[Any], zone: tzinfo | None, hint: str) -> str:
    """Return one line in the form letters read; raise ValidationError saying what is wrong."""
    parts = _split(line, columns, zone)
    needed = _needed(columns)
    given = len(parts)
    if given < needed:
        word = "part" if given == 1 else "parts"
        raise ValidationError(f"this line has {given} {word}, and a line needs {needed}, "
                              f"with a semicolon (;) between them: {shape(columns)}.{hint}")
    out = []
    for column, text in zip(columns, parts, strict=False):
        if not text:
            if column.required:
                raise ValidationError(f"{column.label} is missing.{hint}")
            out.append("")
            continue
        out.append(_cell(column, text, zone))
    while out and not out[-1]:
        out.pop()
    return "; ".join(out)


def read_rows(text: str, spec: FieldDef, columns: Sequence[Any], zone: tzinfo | None) -> str:
    """Return the list ``text`` holds, one item per line in the form letters read.

    Raise ValidationError with one message per line that has a problem.
    """
    sample = example(spec)
    hint = f" For example: {sample}" if sample else ""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out, errors = [], []
    for number, line in enumerate((line for line in lines if line), start=1):
        try:
            out.append(_line(line, columns, zone, hint))
        except ValidationError as exc:
            message = _first(exc.messages)
            errors.append(f"Line {number}: {message[:1].upper()}{message[1:]}")
    if errors:
        shown = errors[:ERRORS_SHOWN]
        if len(errors) > ERRORS_SHOWN:
            shown.append(f"{len(errors) - ERRORS_SHOWN} more lines need the same kind of fix.")
        raise ValidationError(shown)
    return "\n".join(out)
