"""Render flow text: sandboxed Jinja2 with answers as data, then a safe Markdown subset."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from jinja2 import ChainableUndefined, TemplateSyntaxError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..calculators._common import dollars

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_TAG = re.compile(r"\{[{%#]")
#: A list in the render context that notes each value a text interpolates.
_SEEN = "_bearings_interpolated"
#: How many distinct interpolation-free texts keep their HTML.
HTML_KEPT = 1024


def _money(value: Any) -> str:
    try:
        return dollars(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@pass_context
def _escape_markdown(context: Context, value: Any) -> Any:
    """Escape Markdown in an interpolated value so a person's text is shown literally."""
    if value is None or isinstance(value, ChainableUndefined):
        return ""
    out = value if isinstance(value, Markup) else _MD_SPECIAL.sub(r"\\\1", str(value))
    seen = context.get(_SEEN)
    if out and seen is not None:
        seen.append(True)
    return out


def _plain(value: Any) -> Any:
    return "" if value is None or isinstance(value, ChainableUndefined) else value


def _environment(finalize: Any) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=ChainableUndefined, autoescape=False,
                                        finalize=finalize, keep_trailing_newline=False)
    env.filters["money"] = _money
    return env


class TextRenderer:
    """Compile each state's text once; render it as plain text and as HTML."""

    def __init__(self) -> None:
        self._plain = _environment(_plain)
        self._markdown = _environment(_escape_markdown)
        self._md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
        self._cache: dict[str, tuple[Any, Any]] = {}
        self._static: dict[str, tuple[str, str]] = {}
        self._html: dict[str, str] = {}

    def check(self, source: str) -> str | None:
        """Return a readable syntax problem in ``source``, or None."""
        try:
            self._plain.parse(source)
        except TemplateSyntaxError as exc:
            return f"text line {exc.lineno}: {exc.message}"
        return None

    def _compiled(self, source: str) -> tuple[Any, Any]:
        if source not in self._cache:
            self._cache[source] = (self._plain.from_string(source),
                                   self._markdown.from_string(source))
        return self._cache[source]

    def render(self, source: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """Return ``(text, html)`` for ``source`` with ``context`` as data.

        Text without any Jinja2 tag reads nothing from the context, so it is rendered once.
        """
        static = self._static.get(source)
        if static is not None:
            return static
        if not _TAG.search(source):
            static = self._static[source] = self._render(source, {})
            return static
        return self._render(source, context)

    def _render(self, source: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """Render ``source``; keep the HTML of a result that interpolated no value.

        Such a result is made only of the flow's own words (the answers merely chose which),
        so its HTML can be reused; a text that shows a value is rendered every time, and no
        person's answer is ever kept.
        """
        plain, markdown = self._compiled(source)
        seen: list[bool] = []
        source_md = markdown.render({**context, _SEEN: seen})
        if seen:
            return plain.render(context).strip(), self._md.render(source_md).strip()
        html = self._html.get(source_md)
        if html is None:
            html = self._md.render(source_md).strip()
            if len(self._html) >= HTML_KEPT:
                self._html.clear()
            self._html[source_md] = html
        return source_md.strip(), html
