"""How answers are shown to people: dollars, spelled-out dates, choice labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from flask import Blueprint
from markupsafe import Markup, escape

from .. import importers, letters
from ..calculators._common import dollars
from ..conversations import Conversations
from ..store import Access

bp = Blueprint("shown", __name__)


@bp.app_template_filter("dollars")
def _dollars(amount: Any) -> str:
    """Format a decimal string as dollars for people: $17,000."""
    try:
        return dollars(Decimal(str(amount)))
    except InvalidOperation:
        return str(amount)


@cache
def _letter_labels() -> dict[str, str]:
    return {f["name"]: f["label"] for kind in letters.describe() for f in kind["fields"]}


@bp.app_template_filter("field_labels")
def field_labels(names: list[str]) -> str:
    """Name the answers a letter still needs the way the questions do."""
    return ", ".join(_letter_labels().get(name, name.replace("_", " ")) for name in names)


@bp.app_template_filter("lines")
def lines(text: Any) -> Markup:
    """Escape an answer and keep its line breaks (a timeline, an address) as <br>."""
    parts = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>\n").join(escape(part) for part in parts)


@bp.app_template_filter("people_date")
def _people_date(value: Any) -> str:
    """Spell a date out (July 3, 2025); a UTC time gets its hour too."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    clock = f", {text[11:16]} UTC" if len(text) > 10 else ""
    return f"{day:%B} {day.day}, {day.year}{clock}"


def _shown(spec: dict[str, Any] | None, value: Any) -> str:
    """Return an answer as a person reads it: choice labels, dollars, spelled-out dates."""
    kind = spec["type"] if spec else "text"
    labels = {c["value"]: c["label"] for c in (spec or {}).get("choices", [])}
    if kind == "multichoice":
        return ", ".join(labels.get(v, str(v)) for v in value) or "None chosen"
    if kind == "choice":
        return labels.get(value, str(value))
    if kind in ("boolean", "acknowledge"):
        return ("Confirmed" if kind == "acknowledge" else "Yes") if value else "No"
    try:
        if kind == "money":
            return dollars(Decimal(value))
        if kind in ("date", "datetime"):
            return _people_date(value)
    except (InvalidOperation, ValueError, TypeError):
        pass
    return str(value)


def format_name(fmt: str) -> str:
    """Return an export format as people know it: "Coinbase transaction history"."""
    return importers.FORMATS.get(fmt, fmt).split(" (", 1)[0]


def upload_shown(meta: Mapping[str, Any]) -> str:
    """Describe a stored upload from its format and row count."""
    rows = int(meta.get("rows") or 0)
    return (f"{format_name(str(meta.get('format', '')))} file, "
            f"{rows} row{'' if rows == 1 else 's'} read")


def uploads_shown(service: Conversations, access: Access) -> dict[str, str]:
    """Return each upload of the conversation, by id, as people read it."""
    return {u["upload"]: upload_shown(u) for u in service.store.uploads(access)}


def answers_shown(service: Conversations, access: Access, flow: str) -> list[dict[str, Any]]:
    """Return the review entries with each answer as people read it."""
    states = service.engine(flow).flow.states
    entries = service.review(access)
    files: dict[str, str] | None = None
    for entry in entries:
        specs = {f.name: f.describe() for f in states[entry["state"]].fields}
        for item in entry["answers"]:
            spec = specs.get(item["name"])
            if spec and spec["type"] == "file" and item["value"]:
                files = uploads_shown(service, access) if files is None else files
                item["shown"] = files.get(item["value"], "An uploaded file")
            else:
                item["shown"] = _shown(spec, item["value"])
    return entries
