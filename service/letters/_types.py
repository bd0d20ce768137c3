"""A letter type: its fields, how they are checked, and the extra values its template uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, pre_load

from ._vocabulary import spec

__all__ = ["MISSING", "LetterType", "merge_errors", "require"]

MISSING = "Missing data for required field."
Context = Callable[[dict[str, Any], date], dict[str, Any]]
Check = Callable[[dict[str, Any]], dict[str, list[str]]]


class _Answers(Schema):
    """Answers for one letter; other answers of the conversation are ignored."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _drop_empty(self, data: Any, **kwargs: Any) -> Any:
        """Treat null, blank text and empty lists as not answered."""
        if not isinstance(data, Mapping):
            raise ValidationError({"_schema": ["Send a JSON object."]})
        return {key: value for key, value in data.items()
                if value is not None and value != [] and not (isinstance(value, str)
                                                              and not value.strip())}


def _no_context(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Add nothing."""
    return {}


def _no_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Find nothing wrong."""
    return {}


def _no_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """Take nothing from calculator results."""
    return {}


def _offers_every(choice: str, data: Mapping[str, Any]) -> bool:
    """Offer a letter for every choice of its variant."""
    return True


def require(data: dict[str, Any], *names: str) -> dict[str, list[str]]:
    """Return a missing-field error for each of ``names`` not answered."""
    return {name: [MISSING] for name in names if data.get(name) in (None, "", [])}


def merge_errors(*groups: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Merge field errors, keeping every message once."""
    merged: dict[str, list[str]] = {}
    for group in groups:
        for name, messages in group.items():
            bucket = merged.setdefault(name, [])
            bucket.extend(message for message in messages if message not in bucket)
    return merged


@dataclass(frozen=True)
class LetterType:
    """One kind of letter the product drafts."""

    id: str
    title: str
    purpose: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    order: int
    when: str
    context: Context = _no_context
    check: Check = _no_check
    from_results: Callable[[Mapping[str, Any]], dict[str, Any]] = _no_results
    variant: str | None = None
    #: Whether a variant's choice fits the answers (listed when the variant is not chosen yet).
    offers: Callable[[str, Mapping[str, Any]], bool] = _offers_every

    @property
    def names(self) -> tuple[str, ...]:
        """Return every field name, required first."""
        return self.required + self.optional

    @cached_property
    def schema(self) -> Schema:
        """Return the marshmallow schema of this letter's fields."""
        declared = {name: spec(name).build(name in self.required) for name in self.names}
        return _Answers.from_dict(declared, name=f"Letter_{self.id.replace('-', '_')}")()

    def fields(self) -> list[dict[str, Any]]:
        """Return the fields as a step describes them."""
        return [spec(name).describe(name in self.required) for name in self.names]

    def load(self, data: Any) -> dict[str, Any]:
        """Validate ``data``; raise ValidationError naming every missing or invalid field."""
        try:
            loaded: dict[str, Any] = self.schema.load(data)
        except ValidationError as exc:
            valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            raise ValidationError(merge_errors(messages, self.check(valid))) from None
        if errors := self.check(loaded):
            raise ValidationError(errors)
        return loaded
