"""Plain-text (wrapped at 78 columns) and HTML (print stylesheet, no external assets) output."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ._markup import Block, environment, lines_of, plain, tight

__all__ = ["WIDTH", "markdown_text", "render_html", "render_txt"]

WIDTH = 78
FILL = "_" * 24
BY_HAND = "(write by hand)"


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Wrap every line of ``text`` at WIDTH, long words broken, blank lines kept."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        lead = first if number == 0 else rest
        wrapped = textwrap.wrap(line, WIDTH, initial_indent=lead, subsequent_indent=rest,
                                break_long_words=True, break_on_hyphens=False)
        out.extend(wrapped or [lead.rstrip()])
    return out


def _underlined(char: str) -> Callable[[Block], list[str]]:
    """Return a renderer that underlines the block's text with ``char``."""
    def render(block: Block) -> list[str]:
        lines = _wrap(plain(block.text))
        return [*lines, char * min(WIDTH, max(len(line) for line in lines))]
    return render


def _signature(block: Block) -> list[str]:
    """Return a signature line with the name under it."""
    return ["", "", "_" * 36, *_wrap(plain(block.text))]


_TXT: dict[str, Callable[[Block], list[str]]] = {
    "title": _underlined("="),
    "heading": _underlined("-"),
    "para": lambda block: _wrap(plain(block.text)),
    "item": lambda block: _wrap(plain(block.text), "  - ", "    "),
    "lines": lambda block: _wrap(plain(block.text)),
    "field": lambda block: _wrap(f"{plain(block.label)}: {plain(block.text)}", "", "    "),
    "blank": lambda block: _wrap(f"{plain(block.text)}: {FILL} {BY_HAND}", "", "    "),
    "sign": _signature,
    "note": lambda block: _wrap(plain(block.text)),
}


def render_txt(blocks: Sequence[Block]) -> str:
    """Return the letter as plain text, lines at most 78 characters where words allow."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if out and not tight(previous, block):
            out.append("")
        out.extend(_TXT[block.kind](block))
        previous = block
    return "\n".join(out) + "\n"


def _view(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """Return blocks grouped for the HTML template: lists and facts kept together."""
    groups: list[dict[str, Any]] = []
    previous: Block | None = None
    for block in blocks:
        entry = {"kind": block.kind, "label": lines_of(block.label),
                 "lines": lines_of(block.text)}
        if tight(previous, block):
            groups[-1]["blocks"].append(entry)
        else:
            groups.append({"kind": block.kind, "blocks": [entry]})
        previous = block
    return groups


def render_html(blocks: Sequence[Block], title: str) -> str:
    """Return the letter as a standalone HTML page ready to print."""
    template = environment().get_template("_document.html.j2")
    return template.render(title=title, groups=_view(blocks), fill=FILL, by_hand=BY_HAND)


_HEADING = re.compile(r"#{1,6}\s+(.*)")
_ITEM = re.compile(r"([-*+]|\d{1,3}[.)])\s+(.*)")
_STRONG = re.compile(r"(\*\*|__)(?![*_\s])(.+?)(?<![*_\s])\1")


def _markdown_blocks(markdown: str) -> Iterator[tuple[str, str, str]]:
    """Yield (kind, marker, text) for each heading, list item and paragraph of ``markdown``."""
    kind, marker, text = "", "", ""
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading, item = _HEADING.fullmatch(line), _ITEM.fullmatch(line)
        if not line or heading or item or kind == "heading":
            if kind:
                yield kind, marker, text
            kind, marker, text = "", "", ""
        if heading:
            kind, text = "heading", heading.group(1)
        elif item:
            kind, marker, text = "item", item.group(1), item.group(2)
        elif line:
            kind, text = kind or "para", f"{text} {line}".strip()
    if kind:
        yield kind, marker, text


def markdown_text(markdown: str) -> str:
    """Return Markdown (the plan) as plain text: headings underlined, no emphasis marks,
    paragraphs and list items wrapped at WIDTH."""
    out: list[str] = []
    previous = ""
    for kind, marker, text in _markdown_blocks(markdown):
        text = _STRONG.sub(r"\2", text)
        if out and not (kind == previous == "item"):
            out.append("")
        if kind == "heading":
            out += [text, "-" * min(WIDTH, len(text))]
        elif kind == "item":
            lead = "- " if marker in "-*+" else marker + " "
            out += _wrap(text, lead, " " * len(lead))
        else:
            out += _wrap(text)
        previous = kind
    return "\n".join(out) + "\n"
