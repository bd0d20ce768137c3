"""A letter field's definition: how it is described to the outside and how it is read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import fields, validate

from ..calculators._common import Money, Quantity
from ._fields import Column, Items, Lines, Text, UtcDateTime, When

__all__ = ["FIRST_DAY", "LAST_DAY", "Spec", "cell"]

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
TEXT_MAX = 5000
TEXTAREA_MAX = 20000

#: Internal kinds and the contract's field type each is described as.
_TYPES = {"lines": "textarea", "items": "textarea", "quantity": "decimal", "when": "text"}


@dataclass(frozen=True)
class Spec:
    """One answer a letter may use, shared by every letter that names it."""

    name: str
    kind: str
    label: str
    help: str
    choices: Sequence[tuple[str, str]] = ()
    minimum: int | Decimal | date | None = None
    maximum: int | Decimal | date | None = None
    max_length: int | None = None
    pattern: str | None = None
    columns: Sequence[Column] = field(default_factory=tuple)

    def describe(self, required: bool) -> dict[str, Any]:
        """Return the field as a step describes it."""
        out: dict[str, Any] = {"name": self.name, "type": _TYPES.get(self.kind, self.kind),
                               "label": self.label, "required": required, "help": self.help}
        if self.choices:
            out["choices"] = [{"value": value, "label": label} for value, label in self.choices]
        low, high = self.minimum, self.maximum
        if self.kind in ("date", "datetime"):  # the years Bearings counts in, as enforced
            low, high = low or FIRST_DAY, high or LAST_DAY
        for key, bound in (("min", low), ("max", high)):
            if bound is not None:
                out[key] = _json_bound(bound)
        if self.max_length is not None:
            out["max_length"] = self.max_length
        if self.pattern is not None:
            out["pattern"] = self.pattern
        return out

    def build(self, required: bool) -> fields.Field:
        """Return a marshmallow field that reads this answer."""
        return _BUILDERS[self.kind](self, required=required)


def _json_bound(bound: int | Decimal | date) -> int | str:
    """Return a bound as JSON carries it: dates as YYYY-MM-DD, numbers as integers."""
    return bound.isoformat() if isinstance(bound, date) else int(bound)


def _text(spec: Spec, **kw: Any) -> fields.Field:
    """Return a single-line or multi-line text field with its length and pattern."""
    checks: list[Any] = [validate.Length(min=1, max=spec.max_length)]
    if spec.pattern:
        checks.append(validate.Regexp(spec.pattern, error="Enter it in the form asked for."))
    return Text(multiline=spec.kind == "textarea", validate=checks, **kw)


def _email(spec: Spec, **kw: Any) -> fields.Field:
    """Return an e-mail address field."""
    return fields.Email(validate=validate.Length(max=spec.max_length or 320), **kw)


def _choice(spec: Spec, **kw: Any) -> fields.Field:
    """Return a field that takes one of the choices."""
    values = [value for value, _ in spec.choices]
    return fields.String(validate=validate.OneOf(values, error="Choose one of: {choices}."), **kw)


def _multichoice(spec: Spec, **kw: Any) -> fields.Field:
    """Return a field that takes a list of the choices."""
    values = [value for value, _ in spec.choices]
    inner = fields.String(validate=validate.OneOf(values, error="Choose from: {choices}."))
    return fields.List(inner, **kw)


def _range(spec: Spec) -> validate.Range:
    """Return the field's range check."""
    return validate.Range(min=spec.minimum, max=spec.maximum)


def _date(spec: Spec, **kw: Any) -> fields.Field:
    """Return a YYYY-MM-DD date field within the years Bearings counts."""
    return fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY,
                                               error="Enter a date from 2000 to 2100."), **kw)


_BUILDERS: dict[str, Callable[..., fields.Field]] = {
    "text": _text,
    "textarea": _text,
    "email": _email,
    "choice": _choice,
    "multichoice": _multichoice,
    "boolean": lambda spec, **kw: fields.Boolean(**kw),
    "money": lambda spec, **kw: Money(minimum=spec.minimum, maximum=spec.maximum, **kw),
    "quantity": lambda spec, **kw: Quantity(**kw),
    "integer": lambda spec, **kw: fields.Integer(strict=False, validate=_range(spec), **kw),
    "date": _date,
    "datetime": lambda spec, **kw: UtcDateTime(**kw),
    "when": lambda spec, **kw: When(**kw),
    "lines": lambda spec, **kw: Lines(**kw),
    "items": lambda spec, **kw: Items(spec.columns, **kw),
}


def cell(name: str, label: str, kind: str, *, required: bool = True) -> Column:
    """Return one column of a list answer, read as ``kind`` reads it."""
    spec = Spec(name, kind, label, "", max_length=TEXT_MAX)
    return Column(name, label, spec.build(required=False), required)
