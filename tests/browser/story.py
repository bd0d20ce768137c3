"""One person's story, answered field by field: a partner borrowed against the house and lost it.

The tests walk whatever path the shipped flow takes for this story, so a flow that grows new
steps does not break them: a field named here gets the story's answer, another required field
gets a plain answer of its type, and an optional one is left blank.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

STORY: dict[str, Any] = {
    "situation": "partner",
    "funding": ["heloc"],
    "secured_steps": ["logout", "passwords"],
    "incident_summary": "He opened a 10x short on July 1 and it was liquidated on July 2.",
    "timeline": "He opened a 10x short on July 1 and it was liquidated on July 2.",
    "learned_of_loss": "2026-11-02",
    "shared_finances": True,
    "funds_withdrawn": False,
    "state": "OH",
    "positions_status": "closed",
    "exchange_name": "Example Exchange",
    "full_name": "Dana Doe",
    "email": "dana@example.com",
    "tax_year": 2025,
    "filing_status": "married_joint",
    "short_term": "-250000.00",
    "tax_understood": True,
    "per_trade_cap": "1000.00",
    "cooling_off_hours": 48,
    "professionals": ["cpa"],
}
_TEXT = ("Sample answer", "1234", "A1")


def _bounded(value: Any, spec: dict[str, Any], convert: Any) -> Any:
    low, high = spec.get("min"), spec.get("max")
    if low is not None and value < convert(low):
        value = convert(low)
    if high is not None and value > convert(high):
        value = convert(high)
    return value


def plain(spec: dict[str, Any]) -> Any:
    """Return an answer of the field's type that its constraints accept."""
    kind = spec["type"]
    if kind in ("choice", "multichoice"):
        first = spec["choices"][0]["value"]
        return first if kind == "choice" else [first]
    if kind == "money":
        return f"{_bounded(Decimal('1000.00'), spec, lambda v: Decimal(str(v))):.2f}"
    if kind == "integer":
        return int(_bounded(1, spec, int))
    if kind == "date":
        return str(_bounded("2026-11-02", spec, str))
    fixed = {"boolean": False, "acknowledge": True, "decimal": "1", "email": "dana@example.com",
             "textarea": "A few lines about what happened.",
             "datetime": "2026-11-02T14:00:00Z"}
    if kind in fixed:
        return fixed[kind]
    pattern = spec.get("pattern")
    return next((t for t in _TEXT if not pattern or re.fullmatch(pattern, t)), _TEXT[0])


def value_for(spec: dict[str, Any]) -> Any:
    """Return the story's answer to a field, or None to leave it blank."""
    name, kind = spec["name"], spec["type"]
    values = {c["value"] for c in spec.get("choices", [])}
    told = STORY.get(name)
    if told is not None and kind == "choice" and told not in values:
        told = None
    if told is not None and kind == "multichoice":
        told = [v for v in told if v in values] or None
    if told is not None:
        return told
    return plain(spec) if spec["required"] else None


def form_data(step: dict[str, Any]) -> dict[str, Any]:
    """Return the form post that answers the step as the story tells it."""
    data: dict[str, Any] = {}
    for spec in step["fields"]:
        value = value_for(spec)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[spec["name"]] = value if isinstance(value, list) else str(value)
    return data


def shown_choice(spec: dict[str, Any], value: Any) -> str:
    """Return the label a person sees for a choice value (Yes and No for a boolean)."""
    if spec["type"] == "boolean":
        return "Yes" if value else "No"
    return next(c["label"] for c in spec["choices"] if c["value"] == value)
