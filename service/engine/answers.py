"""Validate a step's answers with a marshmallow schema generated from its fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from ..calculators._common import Money, dollars
from . import moments
from .flowdef import TODAY, FieldDef, day_bound
from .fuzzy import ChoiceCheck, exact_choice, exact_choices
from .fuzzy import message as fuzzy_message
from .privacy import MESSAGES, secret_kind
from .rows import list_columns, read_rows

REQUIRED = "This question needs an answer."
TEXT_LIMITS = {"text": 500, "textarea": 10000, "email": 254}
#: An answer key (never a field name: those start with a letter) with the person's time zone,
#: such as "America/New_York" or "-05:00", which the browser or terminal knows. A time typed
#: without a zone is read in it; without it, the person is asked to add a zone.
ZONE_KEY = "_time_zone"


def request_zone(data: Any) -> tzinfo | None:
    """Return the time zone the submitted answers carry, or None (a bad one is ignored)."""
    return moments.zone_named(data.get(ZONE_KEY)) if isinstance(data, Mapping) else None


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


class _Rows(_Text):
    """A list typed one item per line (a timeline, the orders involved), read as people write
    it and kept in the form letters read: parts separated by "; "."""

    def __init__(self, spec: FieldDef, columns: tuple[Any, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec, self.columns = spec, columns

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return read_rows(text, self.spec, self.columns, request_zone(data))


class _Email(_Text):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        validate.Email(error="Enter an e-mail address such as name@example.com.")(text)
        return text


class _Upload(fields.String):
    """An upload id; the engine checks it belongs to the conversation."""


class _Date(fields.Field):
    """A day as people write it (2026-11-20, 11/20/2026, Nov 20 2026, yesterday)."""

    default_error_messages = {"invalid": f"Enter a date, for example {moments.DATE_EXAMPLE}."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return moments.read(value, zone=request_zone(data)).day
        except moments.Unreadable:
            raise self.make_error("invalid") from None


class _DateTime(fields.Field):
    """A date and time as people write it, with a zone; returned in UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        return moments.read_datetime(value, request_zone(data))


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


def _shown(bound: Any) -> str:
    """Return a bound as people read it: 1,000 for numbers, 2026-11-20 for days."""
    return f"{bound:,}" if isinstance(bound, int) else str(bound)


def _bounds(spec: FieldDef, convert: Any, noun: str) -> list[validate.Validator]:
    if spec.min is None and spec.max is None:
        return []
    low = None if spec.min is None else convert(spec.min)
    high = None if spec.max is None else convert(spec.max)
    lowest, highest = _shown(low), _shown(high)
    message = (f"Enter {noun} of at least {lowest}." if high is None else
               f"Enter {noun} of at most {highest}." if low is None else
               f"Enter {noun} from {lowest} to {highest}.")
    return [validate.Range(min=low, max=high, error=message)]


class _DayBounds(validate.Validator):
    """Keep a day (or the UTC day of a time) within a field's bounds.

    The bounds are read when the answer comes, so that ``today`` moves with the calendar
    although the schema is built once.
    """

    def __init__(self, spec: FieldDef) -> None:
        self.low, self.high = spec.min, spec.max
        self.timed = spec.type == "datetime"

    def __call__(self, value: date) -> date:
        day = value.astimezone(UTC).date() if isinstance(value, datetime) else value
        low = None if self.low is None else day_bound(self.low)
        high = None if self.high is None else day_bound(self.high)
        if (low is None or day >= low) and (high is None or day <= high):
            return value
        if self.high == TODAY and high is not None and day > high:
            raise ValidationError("This time is still to come. Check the day, the time and the "
                                  "time zone." if self.timed else
                                  "This day is still to come. Enter the day it happened.")
        shown = [None if bound is None else bound.isoformat() for bound in (low, high)]
        raise ValidationError(f"Enter a value of at least {shown[0]}." if high is None else
                              f"Enter a value of at most {shown[1]}." if low is None else
                              f"Enter a value from {shown[0]} to {shown[1]}.")


class _Money(Money):
    """Money or a decimal: "$30,000" is read too, and the limits in messages are formatted."""

    def __init__(self, *, dollars_shown: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dollars_shown = dollars_shown

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, str):
            value = value.strip()
            if self.dollars_shown:
                value = value.replace("$", "", 1).replace(" ", "")
        number: Decimal = super()._deserialize(value, attr, data, **kwargs)
        return number

    def _limit(self, bound: Decimal) -> str:
        return dollars(bound) if self.dollars_shown else f"{bound:,}"

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        if key != "range":
            return super().make_error(key, **kwargs)
        noun = "an amount" if self.dollars_shown else "a number"
        return ValidationError(f"Enter {noun} from {self._limit(self.minimum)} to "
                               f"{self._limit(self.maximum)}.")


class _Choice(fields.String):
    """One choice: its value, or its label or one of the flow's synonyms, typed out."""

    def __init__(self, spec: FieldDef, **kwargs: Any) -> None:
        super().__init__(validate=ChoiceCheck(spec), **kwargs)
        self.spec = spec
        self.values = frozenset(choice.value for choice in spec.choices)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text in self.values:  # what the chat, the widget and the API send
            return text
        return exact_choice(self.spec, text) or text


class _MultiChoice(fields.List):
    """A list of choice values; a typed sentence gets the choices it seems to mean."""

    def __init__(self, spec: FieldDef, **kwargs: Any) -> None:
        super().__init__(_Choice(spec), **kwargs)
        self.spec = spec
        self.values = frozenset(choice.value for choice in spec.choices)

    def _named(self, item: Any) -> list[Any]:
        """Return the choices one item names: itself when it is a value or not text."""
        if not isinstance(item, str) or item in self.values:
            return [item]
        return exact_choices(self.spec, item) or [item]

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):  # the contract sends a list: suggest the choices meant
            raise ValidationError(fuzzy_message(self.spec, value))
        if not isinstance(value, list | tuple):
            raise ValidationError(fuzzy_message(self.spec, None))
        # an item typed as a list of its own ("savings and a credit card") is each of them
        value = [found for item in value for found in self._named(item)]
        try:
            picked = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:  # one plain message per problem, not one per position
            raise ValidationError(_flat(exc.messages) or [fuzzy_message(self.spec, None)]
                                  ) from None
        return list(dict.fromkeys(picked))


def _flat(messages: Any) -> list[str]:
    """Return the distinct messages of a nested error, in order."""
    if isinstance(messages, dict):
        messages = list(messages.values())
    if isinstance(messages, list):
        return list(dict.fromkeys(m for item in messages for m in _flat(item)))
    return [str(messages)]


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
        columns = list_columns(spec) if kind == "textarea" else None
        if columns:
            return _Rows(spec, columns, validate=checks, **common)
        cls = _Email if kind == "email" else _Text
        return cls(validate=checks, **common)
    if kind == "choice":
        return _Choice(spec, **common)
    if kind == "multichoice":
        return _MultiChoice(spec, **common)
    if kind == "boolean":
        return _Boolean(**common)
    if kind == "acknowledge":
        return _Acknowledge(**common)
    if kind in ("money", "decimal"):
        low = None if spec.min is None else Decimal(str(spec.min))
        high = None if spec.max is None else Decimal(str(spec.max))
        return _Money(minimum=low, maximum=high, places=2 if kind == "money" else 18,
                      dollars_shown=kind == "money", **common)
    if kind == "integer":
        return _Integer(validate=_bounds(spec, int, "a value"), **common)
    if kind in ("date", "datetime"):
        checks = [_DayBounds(spec)] if spec.min is not None or spec.max is not None else []
        return (_Date if kind == "date" else _DateTime)(validate=checks, **common)
    return _Upload(validate=validate.Length(min=1, max=64), **common)


class _Answers(Schema):
    @post_load
    def _without_zone(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Drop the request's time zone: it helped read the times and is not an answer."""
        data.pop(ZONE_KEY, None)
        return data


def build_schema(specs: tuple[FieldDef, ...]) -> Schema:
    """Return a schema instance for one step's fields (built once per state)."""
    attrs: dict[str, fields.Field] = {spec.name: build_field(spec) for spec in specs}
    attrs[ZONE_KEY] = fields.Raw(load_only=True, allow_none=True)
    return _Answers.from_dict(attrs, name="Answers")(unknown=RAISE)


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
