"""Marshmallow fields for letter answers: clean text, UTC times, and one-item-per-line lists."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import ValidationError, fields

__all__ = ["Column", "Items", "Lines", "Text", "UtcDateTime", "When", "clean_text"]

#: C0/C1 controls (tab and newline kept), lone surrogates, the private-use area the renderers
#: use as markers, and byte-order marks. None of them can be printed or stored in DOCX XML.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufeff\ufffe\uffff]"
)
#: Most lines a list answer may hold.
MAX_ITEMS = 500


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Return ``value`` without characters that cannot be printed, newlines normalized."""
    text = _UNPRINTABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


class Text(fields.String):
    """A string answer, stripped of unprintable characters; single-line unless ``multiline``."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return clean_text(text, multiline=self.multiline)


_OUTSIDE_YEARS = "Enter a time from 2000 to 2100."


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 time, returned in UTC; a time without an offset is taken as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=UTC, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> datetime:
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+14:00 is before the first UTC instant
            raise ValidationError(_OUTSIDE_YEARS) from None
        if not 2000 <= moment.year <= 2100:  # the years dates are held to, and clocks count in
            raise ValidationError(_OUTSIDE_YEARS)
        return moment


class When(fields.Field):
    """A day (YYYY-MM-DD) or a moment (ISO 8601, returned in UTC)."""

    default_error_messages = {"invalid": "Enter a date (YYYY-MM-DD) or a time (ISO 8601)."}

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> date | datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return UtcDateTime().deserialize(text)
        except (ValueError, ValidationError) as exc:
            raise self.make_error("invalid") from exc


def _rows(value: Any, error: str) -> list[Any]:
    """Return the non-blank lines of a text answer, or the items of a list answer."""
    if isinstance(value, str):
        rows: list[Any] = [row for row in value.replace("\r", "\n").split("\n") if row.strip()]
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        rows = list(value)
    else:
        raise ValidationError(error)
    if len(rows) > MAX_ITEMS:
        raise ValidationError(f"Enter at most {MAX_ITEMS} lines.")
    return rows


class Lines(fields.Field):
    """A list of short texts: one per line of a textarea, or a JSON list of strings."""

    default_error_messages = {"invalid": "Enter one item per line."}

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> list[str]:
        lines = []
        for row in _rows(value, self.error_messages["invalid"]):
            if not isinstance(row, str):
                raise self.make_error("invalid")
            if cleaned := clean_text(row, multiline=False):
                lines.append(cleaned)
        return lines


@dataclass(frozen=True)
class Column:
    """One part of a list item: its key, how it is read, and whether it may be left empty."""

    name: str
    label: str
    field: fields.Field
    required: bool = True


class Items(fields.Field):
    """A list of records: one per line with parts separated by ";", or a JSON list of objects.

    The last part of a line takes the rest of it, so a description may itself hold ";".
    """

    default_error_messages = {"invalid": "Enter one item per line, its parts separated by ;."}

    def __init__(self, columns: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = tuple(columns)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> list[dict[str, Any]]:
        items, errors = [], []
        for number, row in enumerate(_rows(value, self.error_messages["invalid"]), start=1):
            try:
                items.append(self._item(row))
            except ValidationError as exc:
                errors.append(f"Line {number}: {_first_message(exc)}")
        if errors:
            raise ValidationError(errors)
        return items

    def _item(self, row: Any) -> dict[str, Any]:
        """Return one record read from a line of text or a JSON object."""
        if isinstance(row, str):
            parts = [part.strip() for part in row.split(";", len(self.columns) - 1)]
            row = dict(zip((column.name for column in self.columns), parts, strict=False))
        if not isinstance(row, Mapping):
            raise ValidationError(self.error_messages["invalid"])
        return {column.name: self._cell(column, row.get(column.name)) for column in self.columns}

    @staticmethod
    def _cell(column: Column, value: Any) -> Any:
        """Return one part read by its column's field, or None when it is empty and allowed."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if column.required:
                raise ValidationError(f"{column.label} is missing.")
            return None
        try:
            return column.field.deserialize(value)
        except ValidationError as exc:
            raise ValidationError(f"{column.label}: {_first_message(exc)}") from exc


def _first_message(exc: ValidationError) -> str:
    """Return the first message of a validation error, however it is nested."""
    messages: Any = exc.messages
    while isinstance(messages, list | dict):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages))
    return str(messages)
