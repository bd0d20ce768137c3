"""Check a conversation's answers against the vocabulary, as soon as they are given."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from marshmallow import ValidationError, fields

from ._context import ANSWER_RULES
from ._vocabulary import VOCABULARY


@cache
def _field(name: str) -> fields.Field:
    return VOCABULARY[name].build(required=False)


def check_answers(values: Mapping[str, Any]) -> None:
    """Raise ValidationError for each answer with a vocabulary name that a letter cannot use,
    then for answers that contradict each other (a range the wrong way round)."""
    errors: dict[str, Any] = {}
    loaded: dict[str, Any] = {}
    for name, value in values.items():
        if name in VOCABULARY and value not in (None, "", []):
            try:
                loaded[name] = _field(name).deserialize(value, name, values)
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    for rule in ANSWER_RULES:
        errors.update(rule(loaded))
    if errors:
        raise ValidationError(errors)


def vocabulary_type(name: str) -> str | None:
    """Return the step-field type a vocabulary answer has, or None for other names."""
    if name not in VOCABULARY:
        return None
    described: str = VOCABULARY[name].describe(False)["type"]
    return described


@cache
def vocabulary_constraints(name: str) -> dict[str, Any]:
    """Return the limits (min, max, max_length, pattern) letters enforce on an answer."""
    if name not in VOCABULARY:
        return {}
    described = VOCABULARY[name].describe(False)
    return {k: described[k] for k in ("min", "max", "max_length", "pattern") if k in described}
