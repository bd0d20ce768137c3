"""Validate a step's answers with a marshmallow schema generated from its fields."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from ..calculators._common import Money
from .flowdef import FieldDef
from .fuzzy import ChoiceCheck
from .fuzzy import message as fuzzy_message
from .privacy import MESSAGES, secret_kind

REQUIRED = "This question needs an answer."
TEXT_LIMITS = {"text": 500, "textarea": 10000, "email": 254}


class _Text(fields.String):
    """Text that is trimmed, refused when it holds a secret, and bounded."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:
            raise ValidationError("Remove the invisible control characters from this answer.")
        kind = secret_kind(text)
        if kind:
            raise ValidationError(MESSAGES[kind])
        return text


class _Email(_Text):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        validate.Email(error="Enter an e-mail address such as name@example.com.")(text)
        return text


class _Upload(fields.String):
    """An upload id; the engine checks it belongs to the conversation."""


class _Date(fields.Date):
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD."}


class _DateTime(fields.AwareDateTime):
    default_error_messages = {
        "invalid": "Enter a date and time such as 2025-07-03T14:00:00Z.",
        "invalid_awareness": "Add a time zone, for example Z for UTC.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+14:00 is before the first UTC instant
            raise self.make_error("invalid") from None


class _Integer(fields.Integer):
    default_error_messages = {"invalid": "Enter a whole number."}


class _Boolean(fields.Boolean):
    default_error_messages = {"invalid": "Answer yes or no."}


class _Acknowledge(fields.Boolean):
    default_error_messages = {"invalid": "Tick the box to confirm."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not super()._deserialize(value, attr, data, **kwargs):
            raise self.make_error("invalid")
        return True


def _bounds(spec: FieldDef, convert: Any) -> list[validate.Validator]:
    if spec.min is None and spec.max is None:
        return []
    low = None if spec.min is None else convert(spec.min)
    high = None if spec.max is None else convert(spec.max)
    message = ("Enter a value of at least {min}." if high is None else
               "Enter a value of at most {max}." if low is None else
               "Enter a value from {min} to {max}.")
    return [validate.Range(min=low, max=high, error=message)]


class _MultiChoice(fields.List):
    """A list of choice values; a typed sentence gets the choices it seems to mean."""

    def __init__(self, spec: FieldDef, **kwargs: Any) -> None:
        super().__init__(fields.String(validate=ChoiceCheck(spec)), **kwargs)
        self.spec = spec

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            raise ValidationError(fuzzy_message(self.spec, value))
        return super()._deserialize(value, attr, data, **kwargs)


def build_field(spec: FieldDef) -> fields.Field:
    """Return the marshmallow field that validates answers to ``spec``."""
    common: dict[str, Any] = {"required": spec.required,
                              "error_messages": {"required": REQUIRED, "null": REQUIRED}}
    kind = spec.type
    if kind in ("text", "textarea", "email"):
        limit = min(spec.max_length or TEXT_LIMITS[kind], TEXT_LIMITS[kind])
        checks: list[validate.Validator] = [validate.Length(
            max=limit, error=f"Keep this under {limit} characters.")]
        if spec.pattern:
            checks.append(validate.Regexp(re.compile(rf"(?:{spec.pattern})\Z"),
                                          error="This does not look right; check the format."))
        cls = _Email if kind == "email" else _Text
        return cls(validate=checks, **common)
    if kind == "choice":
        return fields.String(validate=ChoiceCheck(spec), **common)
    if kind == "multichoice":
        return _MultiChoice(spec, **common)
    if kind == "boolean":
        return _Boolean(**common)
    if kind == "acknowledge":
        return _Acknowledge(**common)
    if kind in ("money", "decimal"):
        low = None if spec.min is None else Decimal(str(spec.min))
        high = None if spec.max is None else Decimal(str(spec.max))
        return Money(minimum=low, maximum=high, places=2 if kind == "money" else 18, **common)
    if kind == "integer":
        return _Integer(validate=_bounds(spec, int), **common)
    if kind == "date":
        return _Date(validate=_bounds(spec, date.fromisoformat), **common)
    if kind == "datetime":
        return _DateTime(default_timezone=None, **common)
    return _Upload(validate=validate.Length(min=1, max=64), **common)


def build_schema(specs: tuple[FieldDef, ...]) -> Schema:
    """Return a schema instance for one step's fields (built once per state)."""
    attrs: dict[str, fields.Field] = {spec.name: build_field(spec) for spec in specs}
    return Schema.from_dict(attrs, name="Answers")(unknown=RAISE)


def canonical(spec: FieldDef, value: Any) -> Any:
    """Return ``value`` as it is stored and sent: JSON-ready, money as 2-place strings."""
    if value is None:
        return None
    if spec.type == "money":
        return format(value.quantize(Decimal("0.01")), "f")
    if spec.type == "decimal":
        return format(value.normalize(), "f")
    if spec.type == "datetime":
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def blank(value: Any) -> bool:
    """Return whether a submitted value counts as not answered."""
    return value is None or value == "" or value == []
