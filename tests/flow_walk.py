"""Walk every branch of a flow: answers chosen per field so that each condition is tried."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError

from service.engine import Engine, FieldDef
from service.letters import VOCABULARY

#: Answers to try, in order, for a text field whose format the plain sample does not meet
#: (a ``pattern``, or a letter answer read as one item per line with parts split by ";").
CANDIDATES = ("2025-07-03T14:00:00Z", "2025-07-03", "100.00", "1234", "Sample")


def condition_fields(engine: Engine) -> dict[str, set[Any]]:
    """Return each field that a condition reads, with the constants it is compared with."""
    found: dict[str, set[Any]] = {}

    def visit(cond: dict[str, Any]) -> None:
        for key in ("all", "any"):
            for item in cond.get(key, []):
                visit(item)
        if "not" in cond:
            visit(cond["not"])
        if "field" in cond:
            for op in ("gt", "gte", "lt", "lte"):
                if op in cond:
                    found.setdefault(cond["field"], set()).add(str(cond[op]))
            found.setdefault(cond["field"], set())

    for state in engine.flow.states.values():
        for transition in state.next:
            if transition.when:
                visit(transition.when)
    return found


def _accepts(spec: FieldDef, value: str) -> bool:
    """Return whether ``value`` meets the field's pattern and the letters' reading of it."""
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        return False
    if spec.name not in VOCABULARY:
        return True
    try:
        VOCABULARY[spec.name].build(required=False).deserialize(value)
    except ValidationError:
        return False
    return True


def _formatted(spec: FieldDef, plain: str) -> str:
    """Return a text answer in the field's format: the plain sample when it fits, else a
    candidate, else one line built part by part for a list answer."""
    if _accepts(spec, plain):
        return plain
    for candidate in CANDIDATES:
        if _accepts(spec, candidate):
            return candidate
    columns = getattr(VOCABULARY.get(spec.name), "columns", ())
    parts = [next(c for c in CANDIDATES if _cell_accepts(column.field, c)) for column in columns]
    return "; ".join(parts)


def _cell_accepts(field: Any, value: str) -> bool:
    try:
        field.deserialize(value)
    except ValidationError:
        return False
    return True


def _plain(spec: FieldDef) -> Any:
    samples: dict[str, Any] = {
        "text": "Sample answer", "textarea": "A few sample lines.", "email": "a@example.com",
        "money": "-1000.00", "decimal": "1", "date": "2025-07-03",
        "datetime": "2025-07-03T14:00:00Z", "acknowledge": True, "boolean": True,
    }
    if spec.type == "integer":
        return int(spec.min) if spec.min is not None else 1
    if spec.type == "money" and spec.min is not None and Decimal(str(spec.min)) >= 0:
        return str(Decimal(str(spec.min)) + 1000)
    if spec.type == "date" and spec.min is not None:
        return str(spec.min)
    if spec.type in ("choice", "multichoice"):
        first = spec.choices[0].value
        return first if spec.type == "choice" else [first]
    if spec.type in ("text", "textarea"):
        return _formatted(spec, samples[spec.type])
    return samples.get(spec.type)


def variants(spec: FieldDef, steering: dict[str, set[Any]]) -> list[Any]:
    """Return the answers to try for one field: every branch-relevant value, else one."""
    if spec.type == "file":
        return [None]
    if spec.name not in steering:
        return [_plain(spec)]
    if spec.type == "choice":
        return [c.value for c in spec.choices]
    if spec.type == "multichoice":
        return [[c.value] for c in spec.choices] + ([[]] if not spec.required else [])
    if spec.type == "boolean":
        return [True, False]
    if spec.type in ("money", "decimal", "integer"):
        pivots = {Decimal(v) for v in steering[spec.name]} or {Decimal(0)}
        values = sorted({p + d for p in pivots for d in (Decimal(-1), Decimal(0), Decimal(1))})
        return [int(v) if spec.type == "integer" else f"{v:.2f}" for v in values]
    return [_plain(spec)]


def answer_sets(engine: Engine, state: str, steering: dict[str, set[Any]]) -> Iterator[dict]:
    """Yield every combination of the variants of a state's fields."""
    specs = engine.flow.states[state].fields
    for combo in itertools.product(*(variants(s, steering) for s in specs)):
        yield {s.name: v for s, v in zip(specs, combo, strict=True) if v is not None}


def walk(engine: Engine, limit: int = 50000) -> tuple[set[tuple[str, str]], list[list[str]]]:
    """Return the edges taken and every finished path; fail if a walk gets stuck."""
    steering = condition_fields(engine)
    steering_names = set(steering)
    edges: set[tuple[str, str]] = set()
    finished: list[list[str]] = []
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    stack = [engine.start("walk")]
    while stack:
        conv = stack.pop()
        facts = engine.facts(conv)
        key = (conv.state, tuple(sorted((k, repr(v)) for k, v in facts.items()
                                        if k in steering_names)))
        if key in seen:
            continue
        seen.add(key)
        assert len(seen) < limit, "too many distinct paths to walk"
        if conv.status == "complete":
            finished.append(list(conv.history))
            continue
        for answers in answer_sets(engine, conv.state, steering):
            nxt = copy.deepcopy(conv)
            engine.answer(nxt, nxt.state, nxt.version, answers)
            edges.add((conv.state, nxt.state))
            stack.append(nxt)
    return edges, finished
