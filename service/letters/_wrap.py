"""Greedy line breaking by measured width, long words broken anywhere (hashes, addresses)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["wrap"]

Measure = Callable[[str], float]


def _fit(measure: Measure, word: str, width: float) -> int:
    """Return how many leading characters of ``word`` fit in ``width`` (at least one)."""
    used = 0.0
    for index, char in enumerate(word):
        used += measure(char)
        if used > width:
            return max(index, 1)
    return len(word)


def _paragraph(measure: Measure, text: str, width: float, first: float) -> list[str]:
    """Break one paragraph (no newlines) into lines; the first line is ``first`` wide."""
    lines: list[str] = []
    current, used, started, space = "", 0.0, False, measure(" ")
    for word in text.split(" "):
        room = width if lines else first
        size = measure(word)
        if started and used + space + size <= room:
            current, used = f"{current} {word}", used + space + size
            continue
        if started:
            lines.append(current)
            room = width
        while size > room and len(word) > 1:
            cut = _fit(measure, word, room)
            lines.append(word[:cut])
            word, room = word[cut:], width
            size = measure(word)
        current, used, started = word, size, True
    lines.append(current)
    return lines


def wrap(measure: Measure, text: str, width: float, first: float | None = None) -> list[str]:
    """Return ``text`` broken into lines no wider than ``width`` where words allow.

    :param measure: the width of a string in the current font.
    :param width: the width of every line.
    :param first: the width of the first line, when narrower (after a label).
    """
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        start = first if number == 0 and first is not None else width
        lines.extend(_paragraph(measure, paragraph, width, start))
    return lines
