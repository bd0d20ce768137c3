"""The flow file format: YAML validated by marshmallow into plain dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from . import conditions, moments

FIELD_TYPES = ("text", "textarea", "email", "choice", "multichoice", "boolean", "money",
               "decimal", "integer", "date", "datetime", "file", "acknowledge")
NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="Use lower-case letters, digits and _.")
SLUG = validate.Regexp(r"^[a-z][a-z0-9_-]*$", error="Use lower-case letters, digits, - and _.")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: str
    required: bool = True
    help: str = ""
    choices: tuple[Choice, ...] = ()
    min: Any = None
    max: Any = None
    max_length: int | None = None
    pattern: str | None = None

    def describe(self) -> dict[str, Any]:
        """Return the contract's description of this field."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "label": self.label,
                               "required": self.required, "help": self.help}
        if self.choices:
            out["choices"] = [{"value": c.value, "label": c.label} for c in self.choices]
        for key in ("min", "max", "max_length", "pattern"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("min", "max"):
            if out.get(key) == TODAY:
                out[key] = day_bound(TODAY).isoformat()
        return out


#: A bound of a date or datetime field that moves with the calendar: no later than today
#: (for things that have already happened).
TODAY = "today"


def day_bound(bound: str) -> date:
    """Return a date bound as a day; ``today`` is the latest day it is anywhere (UTC+14).

    A person who says "today" late in the evening in Hawaii is a day ahead of UTC, and no one
    is more than 14 hours ahead of it, so ``today`` never refuses a day that has begun.
    """
    if bound == TODAY:
        return (moments.now() + timedelta(hours=14)).date()
    return date.fromisoformat(bound)


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    done: dict[str, Any] | None = None


@dataclass(frozen=True)
class Transition:
    to: str
    when: dict[str, Any] | None = None


@dataclass(frozen=True)
class StateDef:
    id: str
    stage: str
    title: str
    text: str = ""
    fields: tuple[FieldDef, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    documents: tuple[str, ...] = ()
    compute: tuple[str, ...] = ()
    next: tuple[Transition, ...] = ()
    final: bool = False
    line: int = 0


@dataclass(frozen=True)
class Stage:
    id: str
    title: str


@dataclass(frozen=True)
class Flow:
    id: str
    version: str
    title: str
    description: str
    start: str
    stages: tuple[Stage, ...]
    states: dict[str, StateDef]
    calculators: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None

    def stage(self, stage_id: str) -> Stage:
        """Return the stage called ``stage_id``."""
        return next(s for s in self.stages if s.id == stage_id)


class _ChoiceSchema(Schema):
    class Meta:
        unknown = RAISE

    value = fields.String(required=True, validate=validate.Length(min=1, max=100))
    label = fields.String(required=True, validate=validate.Length(min=1))
    #: Other ways people say this choice, for matching typed answers (engine.fuzzy).
    synonyms = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                           load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Choice:
        data["synonyms"] = tuple(data["synonyms"])
        return Choice(**data)


class _FieldSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=NAME)
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    label = fields.String(required=True)
    required = fields.Boolean(load_default=True)
    help = fields.String(load_default="")
    choices = fields.List(fields.Nested(_ChoiceSchema), load_default=list)
    min = fields.Raw(load_default=None)
    max = fields.Raw(load_default=None)
    max_length = fields.Integer(load_default=None, validate=validate.Range(min=1))
    pattern = fields.String(load_default=None)

    @validates_schema
    def check_day_bounds(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("type") not in ("date", "datetime"):
            return
        for key in ("min", "max"):
            bound = data.get(key)
            if bound is None or isinstance(bound, date):
                continue
            try:
                day_bound(str(bound))
            except ValueError:
                raise ValidationError(f"a date as YYYY-MM-DD, or {TODAY}", key) from None

    @validates_schema
    def check_pattern(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("pattern") is not None:
            try:
                re.compile(data["pattern"])
            except re.error as exc:
                raise ValidationError(f"not a regular expression: {exc}", "pattern") from exc

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> FieldDef:
        data["choices"] = tuple(data["choices"])
        for key in ("min", "max"):  # YAML reads 2025-01-01 as a date: keep the contract's text
            if data[key] is not None and not isinstance(data[key], int | str):
                data[key] = str(data[key])
        if data["type"] in ("file", "boolean"):
            data["required"] = data["required"] and data["type"] != "file"
        return FieldDef(**data)


class _Condition(fields.Raw):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        conditions.validate(value)
        return value


class _ChecklistSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=NAME)
    text = fields.String(required=True)
    done = _Condition(load_default=None)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ChecklistItem:
        return ChecklistItem(**data)


class _TransitionSchema(Schema):
    class Meta:
        unknown = RAISE

    to = fields.String(required=True)
    when = _Condition(load_default=None)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Transition:
        return Transition(**data)


class _StateSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=NAME)
    stage = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(load_default="")
    fields_ = fields.List(fields.Nested(_FieldSchema), data_key="fields", load_default=list)
    checklist = fields.List(fields.Nested(_ChecklistSchema), load_default=list)
    documents = fields.List(fields.String(validate=SLUG), load_default=list)
    compute = fields.List(fields.String(validate=SLUG), load_default=list)
    next = fields.List(fields.Nested(_TransitionSchema), load_default=list)
    final = fields.Boolean(load_default=False)
    line = fields.Integer(load_default=0)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> StateDef:
        data["fields"] = tuple(data.pop("fields_"))
        for key in ("checklist", "documents", "compute", "next"):
            data[key] = tuple(data[key])
        return StateDef(**data)


class _StageSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=NAME)
    title = fields.String(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Stage:
        return Stage(**data)


class FlowSchema(Schema):
    """The whole flow file."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=SLUG)
    version = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(load_default="")
    start = fields.String(required=True)
    stages = fields.List(fields.Nested(_StageSchema), required=True,
                         validate=validate.Length(min=1))
    states = fields.List(fields.Nested(_StateSchema), required=True,
                         validate=validate.Length(min=1))
    calculators = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


class FlowError(ValueError):
    """A flow file that cannot be loaded; ``problems`` are readable messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_SAFE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x


class _LineLoader(_SAFE):  # type: ignore[valid-type,misc]
    """A safe loader (libyaml's when present) that remembers the line each state starts on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    if "id" in mapping and "stage" in mapping and "line" not in mapping:
        mapping["line"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [m for key, value in messages.items()
                for m in _flatten(value, f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix}: {m}" for m in messages]
    return [f"{prefix}: {messages}"]


def _state_lines(text: str) -> list[int]:
    """Return the line each item of the flow's ``states`` list starts on (1-based)."""
    try:
        root = yaml.compose(text, Loader=_SAFE)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "states" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _named(where: str, raw: dict[str, Any], messages: Any, text: str = "") -> list[str]:
    """Return load errors with each state named by its id and line, not its index."""
    if not isinstance(messages, dict) or not isinstance(messages.get("states"), dict):
        return [f"{where}: {m}" for m in _flatten(messages)]
    states = raw.get("states") if isinstance(raw.get("states"), list) else []
    lines = _state_lines(text)
    out = [f"{where}: {m}" for m in _flatten({k: v for k, v in messages.items()
                                               if k != "states"})]
    for index, problems in messages["states"].items():
        item = states[index] if isinstance(index, int) and index < len(states) else {}
        item = item if isinstance(item, dict) else {}
        line = item.get("line") or (lines[index] if isinstance(index, int)
                                    and index < len(lines) else None)
        name = f"state {item.get('id', f'#{index + 1}' if isinstance(index, int) else index)}"
        name += f" (line {line})" if line else ""
        out += [f"{where}: {name}: {m}" for m in _flatten(problems)]
    return out


def parse_flow(text: str, path: Path | None = None) -> Flow:
    """Parse and validate flow YAML; raise FlowError with readable problems."""
    where = str(path) if path else "<flow>"
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise FlowError([f"{where}: not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise FlowError([f"{where}: a flow file is a mapping with id, stages and states"])
    try:
        data = FlowSchema().load(raw)
    except ValidationError as exc:
        raise FlowError(_named(where, raw, exc.messages, text)) from exc
    states: dict[str, StateDef] = {}
    duplicates = []
    for state in data["states"]:
        if state.id in states:
            duplicates.append(f"{where}: state {state.id}"
                              f"{f' (line {state.line})' if state.line else ''}: duplicate id")
        states[state.id] = state
    if duplicates:
        raise FlowError(duplicates)
    return Flow(id=data["id"], version=data["version"], title=data["title"],
                description=data["description"], start=data["start"],
                stages=tuple(data["stages"]), states=states,
                calculators=data["calculators"], path=path)


def load_flow(path: Path) -> Flow:
    """Load one flow file."""
    return parse_flow(path.read_text(encoding="utf-8"), path)


__all__ = ["FIELD_TYPES", "Choice", "ChecklistItem", "FieldDef", "Flow", "FlowError",
           "FlowSchema", "Stage", "StateDef", "Transition", "load_flow", "parse_flow"]
