"""Transition conditions as data: ``{field, in|equals|contains|answered|gt|gte|lt|lte}``,
combined with ``all``, ``any`` and ``not``. Evaluated against a flat mapping of answers;
never ``eval``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError

COMPARISONS = ("in", "equals", "contains", "answered", "gt", "gte", "lt", "lte")
COMBINATORS = ("all", "any", "not")


def validate(condition: Any, where: str = "when") -> None:
    """Raise ValidationError unless ``condition`` is a well-formed condition."""
    if not isinstance(condition, Mapping) or not condition:
        raise ValidationError(f"{where}: a condition is a mapping such as {{field: x, in: [a]}}")
    keys = set(condition)
    combinator = keys & set(COMBINATORS)
    if combinator:
        if len(keys) != 1:
            key = next(iter(combinator))
            raise ValidationError(f"{where}: '{key}' stands alone in its mapping")
        key = next(iter(combinator))
        inner = condition[key]
        if key == "not":
            validate(inner, f"{where}.not")
            return
        if not isinstance(inner, list) or not inner:
            raise ValidationError(f"{where}.{key}: a non-empty list of conditions")
        for index, item in enumerate(inner):
            validate(item, f"{where}.{key}[{index}]")
        return
    if "field" not in keys or not isinstance(condition["field"], str):
        raise ValidationError(f"{where}: names a 'field' or uses all/any/not")
    tests = keys - {"field"}
    if len(tests) != 1 or not tests <= set(COMPARISONS):
        raise ValidationError(
            f"{where}: exactly one test of {', '.join(COMPARISONS)} beside 'field'")
    if "in" in tests and not isinstance(condition["in"], list):
        raise ValidationError(f"{where}.in: a list of values")


def fields_in(condition: Mapping[str, Any]) -> Iterator[str]:
    """Yield every field name a condition refers to."""
    if "field" in condition:
        yield condition["field"]
        return
    for key in COMBINATORS:
        if key in condition:
            inner = condition[key]
            for item in [inner] if key == "not" else inner:
                yield from fields_in(item)


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(op: str, value: Any, target: Any) -> bool:
    left, right = _number(value), _number(target)
    if left is None or right is None:
        left, right = str(value), str(target)  # ISO dates compare as text
    return {"gt": left > right, "gte": left >= right,  # type: ignore[operator]
            "lt": left < right, "lte": left <= right}[op]  # type: ignore[operator]


def holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """Return whether ``condition`` holds for the answers in ``facts``."""
    if "all" in condition:
        return all(holds(item, facts) for item in condition["all"])
    if "any" in condition:
        return any(holds(item, facts) for item in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    name = condition["field"]
    value = facts.get(name)
    if "answered" in condition:
        return (value not in (None, "", [])) == bool(condition["answered"])
    if value is None:
        return False
    if "in" in condition:
        return value in condition["in"]
    if "equals" in condition:
        return bool(value == condition["equals"])
    if "contains" in condition:
        return isinstance(value, list) and condition["contains"] in value
    op = next(key for key in ("gt", "gte", "lt", "lte") if key in condition)
    return _compare(op, value, condition[op])
