"""The one sandboxed Jinja2 environment, and the letter markup it produces, read as blocks.

A letter template writes plain lines; a line's first characters say what it is:

    # title        ## heading        - list item        | kept lines (an address)
    : Label: value (a labelled fact)  ? Label (a blank to fill in by hand)
    = Name (a signature line)         ~ small print      anything else: a paragraph

A blank line ends a block; other lines continue the paragraph or item above. Every value a
template prints passes through :func:`_finalize`, which wraps it in private-use markers and
turns its newlines into another marker, so a person's answer can never start a line, and so
never becomes markup: it is always data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from marshmallow import ValidationError

from ..paths import templates_dir
from ._fields import UtcDateTime
from ._vocabulary import spec

__all__ = ["Block", "environment", "lines_of", "longdate", "parse", "plain", "spans", "tight",
           "timed"]

BREAK = "\ue000"  # a newline inside a person's answer
OPEN = "\ue001"  # start of a printed value
CLOSE = "\ue002"  # end of a printed value
_MARKERS = {"# ": "title", "## ": "heading", "- ": "item", "| ": "lines", ": ": "field",
            "? ": "blank", "= ": "sign", "~ ": "note"}
_CONTINUED = {"item", "para", "note"}
_USER = re.compile(f"{OPEN}(.*?){CLOSE}", re.S)
#: A line that starts with an ISO date or time, then a separator and the rest.
_LEADING_TIME = re.compile(r"\s*(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                           r"(?:Z|[+-]\d{2}:?\d{2})?)?)(?:\s*[;,:]\s*|\s+|$)(.*)", re.S)


@dataclass(frozen=True)
class Block:
    """One piece of a letter: its kind, its text (markers kept) and, for facts, its label."""

    kind: str
    text: str
    label: str = ""


@pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    """Mark a printed value as data; leave HTML output to autoescaping."""
    if eval_ctx.autoescape or isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    return OPEN + text.replace("\n", BREAK) + CLOSE


def _money(value: Decimal | None) -> str:
    """Return dollars with cents and thousands separators, such as $1,234.50."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _quantity(value: Decimal | None) -> str:
    """Return a quantity without trailing zeros or exponent."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def longdate(value: date | None) -> str:
    """Return a day as people write it in a US letter, "July 3, 2025"; a time as
    "July 3, 2025 at 2:05 PM UTC" (times are held in UTC)."""
    if value is None:
        return ""
    day = f"{value:%B} {value.day}, {value.year}"
    if not isinstance(value, datetime):
        return day
    hour = value.hour % 12 or 12
    return f"{day} at {hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'} UTC"


def timed(text: str | None) -> str:
    """Return a line of free text with a leading ISO date or time written as :func:`longdate`
    writes it ("2026-11-17T03:12:00Z; 185.220.101.4" → "November 17, 2026 at 3:12 AM UTC:
    185.220.101.4"); any other line is returned as it is."""
    if not text:
        return ""
    found = _LEADING_TIME.match(text)
    if found is None:
        return text
    when, rest = found.group(1), found.group(2)
    try:
        moment: date = (date.fromisoformat(when) if len(when) == 10
                        else UtcDateTime().deserialize(when))
    except (ValueError, ValidationError):
        return text
    return f"{longdate(moment)}: {rest}" if rest else longdate(moment)


@cache
def environment() -> SandboxedEnvironment:
    """Return the shared sandboxed environment; HTML templates are autoescaped."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(templates_dir() / "letters"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(money=_money, quantity=_quantity, longdate=longdate, timed=timed,
                       number=lambda value: f"{value:,}")
    env.globals["choice"] = _choice
    return env


def _choice(name: str, value: str | None) -> str:
    """Return the label of a choice answer, as the person saw it."""
    return dict(spec(name).choices).get(value or "", value or "")


def _kind(line: str) -> tuple[str, str]:
    """Return the kind a line starts and the rest of it."""
    for marker in sorted(_MARKERS, key=len, reverse=True):
        if line.startswith(marker) or line == marker.strip():
            return _MARKERS[marker], line[len(marker):]
    return "para", line


def _split_field(text: str) -> tuple[str, str]:
    """Split a fact's line at the first ": " outside a printed value."""
    depth = 0
    for index, char in enumerate(text):
        depth += char == OPEN
        depth -= char == CLOSE
        if depth == 0 and text.startswith(": ", index):
            return text[:index], text[index + 2:]
    return text, ""


def _block(kind: str, text: str) -> Block:
    """Return one block; a fact's label is split from its value."""
    if kind == "field":
        label, value = _split_field(text)
        return Block(kind, value, label)
    return Block(kind, text)


def _blocks(source: str) -> Iterator[Block]:
    """Yield the blocks of rendered markup in order."""
    kind, text = "", ""
    for raw in source.split("\n"):
        line = raw.strip()
        if not line:
            if kind:
                yield _block(kind, text)
            kind = ""
            continue
        new_kind, rest = _kind(line)
        if new_kind == "para" and kind in _CONTINUED:
            text += " " + rest
            continue
        if new_kind == kind == "lines":
            text += BREAK + rest
            continue
        if kind:
            yield _block(kind, text)
        kind, text = new_kind, rest
    if kind:
        yield _block(kind, text)


def parse(source: str) -> list[Block]:
    """Return the blocks of rendered markup, dropping any left empty."""
    return [block for block in _blocks(source) if plain(block.text) or block.kind == "sign"]


def spans(text: str) -> list[tuple[str, bool]]:
    """Split block text into (text, is_answer) pieces; newlines inside answers stay as \\n."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _USER.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()].replace(BREAK, "\n"), False))
        if match.group(1):
            pieces.append((match.group(1).replace(BREAK, "\n"), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:].replace(BREAK, "\n"), False))
    return pieces


def plain(text: str) -> str:
    """Return block text as plain text, markers removed and answer newlines restored."""
    return text.replace(OPEN, "").replace(CLOSE, "").replace(BREAK, "\n")


def lines_of(text: str) -> list[list[tuple[str, bool]]]:
    """Return block text as lines, each a list of (text, is_answer) pieces."""
    lines: list[list[tuple[str, bool]]] = [[]]
    for piece, answer in spans(text):
        first, *rest = piece.split("\n")
        if first:
            lines[-1].append((first, answer))
        for part in rest:
            lines.append([(part, answer)] if part else [])
    return lines


_GROUPS = {"field": "facts", "blank": "facts", "item": "item"}


def tight(previous: Block | None, block: Block) -> bool:
    """Return True when ``block`` continues the group above it without a gap (a list, facts)."""
    group = _GROUPS.get(block.kind)
    return previous is not None and group is not None and _GROUPS.get(previous.kind) == group
