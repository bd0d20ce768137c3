"""The dialog engine: one shared transitions Machine per flow, conversations as plain data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError
from transitions import Machine

from . import conditions
from .answers import REQUIRED, blank, build_schema, canonical
from .flowdef import Flow, StateDef
from .inputs import resolve
from .render import TextRenderer
from .step import build_step

NEXT = "next"
#: Field types whose answers come from a closed set the flow defines (safe to key a cache on).
CLOSED_TYPES = frozenset(("choice", "multichoice", "boolean", "acknowledge"))
#: How many distinct routes an engine remembers before it starts afresh.
ROUTES_KEPT = 4096
DocumentsFn = Callable[[Mapping[str, Any], Mapping[str, Any], Iterable[str]], list[dict[str, Any]]]
CalculatorFn = Callable[[str, Mapping[str, Any]], dict[str, Any]]
UploadFn = Callable[[str], "Mapping[str, Any] | None"]
CheckFn = Callable[[Mapping[str, Any]], None]
ConstraintsFn = Callable[[str], Mapping[str, Any]]


class Conflict(Exception):
    """The answer was for a state or version that is no longer current."""


class Finished(Exception):
    """The conversation is complete: there is nothing left to answer."""


@dataclass
class Conversation:
    """One person's way through a flow; plain data, persisted by the store."""

    id: str
    flow: str
    flow_version: str
    state: str
    version: int = 1
    status: str = "active"
    history: list[str] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """Return the private part that the store encrypts (the state too: it tells the branch)."""
        return {"state": self.state, "history": self.history, "answers": self.answers,
                "results": self.results}


@dataclass
class _Cursor:
    """The model the shared Machine moves: a state name and the facts conditions read."""

    state: str
    facts: Mapping[str, Any]


def _condition(when: dict[str, Any]) -> Callable[[Any], bool]:
    return lambda event: conditions.holds(when, event.model.facts)


def steering_fields(flow: Flow) -> tuple[str, ...] | None:
    """Return the fields the transitions read, or None when one is not a closed choice.

    The route through a flow depends on these answers alone, so it can be remembered per
    combination of them; a free-text, number or date field among them turns that off, so
    that no person's own words or figures are ever kept as a cache key.
    """
    names = sorted({name for state in flow.states.values() for transition in state.next
                    if transition.when for name in conditions.fields_in(transition.when)})
    types = {(spec.name, spec.type) for state in flow.states.values() for spec in state.fields}
    if any(kind not in CLOSED_TYPES for name, kind in types if name in names):
        return None
    return tuple(names)


def _frozen(value: Any) -> Any:
    """Return a hashable stand-in for an answer to a closed field (lists become tuples)."""
    if isinstance(value, list):
        return (list, tuple(_frozen(item) for item in value))
    return (type(value), value)


def build_machine(flow: Flow) -> Machine:
    """Return the one Machine for ``flow``: each state's ``next`` transitions, in order."""
    machine = Machine(model=None, states=list(flow.states), initial=flow.start,
                      send_event=True, auto_transitions=False, queued=False,
                      model_attribute="state")
    for state in flow.states.values():
        for transition in state.next:
            conds = [_condition(transition.when)] if transition.when else []
            machine.add_transition(NEXT, state.id, transition.to, conditions=conds)
    return machine


class Engine:
    """Drive conversations through one flow; knows nothing of HTTP or storage."""

    def __init__(self, flow: Flow, *, documents: DocumentsFn | None = None,
                 calculate: CalculatorFn | None = None, check: CheckFn | None = None,
                 constraints: ConstraintsFn | None = None) -> None:
        self.flow = flow
        self.machine = build_machine(flow)
        self._event = self.machine.events[NEXT]
        self._schemas: dict[str, Schema] = {s.id: build_schema(s.fields)
                                            for s in flow.states.values()}
        self.documents = documents
        self._calculate = calculate
        self._check = check
        self.constraints = constraints
        self.renderer = TextRenderer()
        self._steering = steering_fields(flow)
        self._routes: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._order = {state: index for index, state in enumerate(flow.states)}

    # -- moving -----------------------------------------------------------------------------

    def start(self, conversation_id: str) -> Conversation:
        """Return a new conversation at the flow's first state."""
        conv = Conversation(id=conversation_id, flow=self.flow.id,
                            flow_version=self.flow.version, state=self.flow.start,
                            history=[self.flow.start])
        self._compute(conv, self.flow.states[conv.state].compute, None)
        return conv

    def following(self, state: str, facts: Mapping[str, Any]) -> str | None:
        """Return the state after ``state`` for these facts (None at a final state)."""
        if self.flow.states[state].final:
            return None
        cursor = _Cursor(state, facts)
        if not self._event.trigger(cursor):
            raise ValidationError({"_flow": [f"State {state} has no way on for these answers."]})
        return cursor.state

    def path(self, conv: Conversation, facts: Mapping[str, Any] | None = None) -> list[str]:
        """Return the states on the path the answers so far lead to, start to finish."""
        facts = self.facts(conv) if facts is None else facts
        if self._steering is None:
            return self._walk(facts)
        key = tuple(_frozen(facts.get(name)) for name in self._steering)
        try:
            route = self._routes.get(key)
        except TypeError:  # an answer of an unexpected shape: walk, remember nothing
            return self._walk(facts)
        if route is None:
            route = tuple(self._walk(facts))
            if len(self._routes) >= ROUTES_KEPT:
                self._routes.clear()
            self._routes[key] = route
        return list(route)

    def _walk(self, facts: Mapping[str, Any]) -> list[str]:
        """Follow the transitions from the start for ``facts``."""
        route, state = [], self.flow.start
        while state is not None and state not in route:
            route.append(state)
            state = self.following(state, facts)
        return route

    def answer(self, conv: Conversation, state: str, version: int | None,
               submitted: Mapping[str, Any], uploads: UploadFn | None = None) -> None:
        """Validate ``submitted`` for the current step and move on; raise on a stale step."""
        if state != conv.state or (version is not None and version != conv.version):
            raise Conflict()
        if conv.status == "complete":
            raise Finished()
        definition = self.flow.states[state]
        values = self.validate(definition, submitted, uploads)
        conv.answers[state] = values
        target = self.following(state, self.facts(conv))
        if target is None:
            raise Finished()
        conv.history.append(target)
        conv.state = target
        self._prune(conv)
        self._compute(conv, (*definition.compute, *self.flow.states[target].compute), uploads)
        conv.version += 1

    def forward(self, conv: Conversation, uploads: UploadFn | None = None) -> None:
        """Pass every step ahead whose kept answers still stand, answering it with them again.

        After an earlier answer changes, this takes the conversation to the first step on the
        (possibly new) path that still needs an answer, or to the end, so letters and plan come
        back without the person clicking through. It stops at a step whose kept answers no
        longer pass, so that the person sees why. Answers of branches no longer reached are
        dropped as each step is answered.
        """
        while conv.status != "complete" and conv.state in conv.answers:
            try:
                self.answer(conv, conv.state, conv.version, conv.answers[conv.state], uploads)
            except (ValidationError, Finished):
                return

    def back(self, conv: Conversation) -> None:
        """Return to the previous step, keeping every answer."""
        if len(conv.history) > 1:
            conv.history.pop()
            conv.state = conv.history[-1]
            conv.status = "active"
            conv.version += 1

    def validate(self, definition: StateDef, submitted: Mapping[str, Any],
                 uploads: UploadFn | None = None) -> dict[str, Any]:
        """Return the canonical answers for one step or raise ValidationError per field."""
        specs = {spec.name: spec for spec in definition.fields}
        given = {k: v for k, v in submitted.items() if not (k in specs and blank(v))}
        missing = {name: [REQUIRED] for name, spec in specs.items()
                   if spec.required and name not in given}
        try:
            loaded = self._schemas[definition.id].load(given)
        except ValidationError as exc:
            raise ValidationError({**missing, **exc.normalized_messages()}) from exc
        if missing:
            raise ValidationError(missing)
        for name, spec in specs.items():
            if spec.type == "file" and name in loaded and (
                    uploads is None or uploads(loaded[name]) is None):
                raise ValidationError({name: ["Upload the file first, then send its id."]})
        values = {name: canonical(specs[name], value) for name, value in loaded.items()}
        if self._check is not None:
            self._check(values)
        return values

    # -- derived --------------------------------------------------------------------------

    def facts(self, conv: Conversation) -> dict[str, Any]:
        """Return every answer so far as one flat mapping, in the order of the flow."""
        order = self._order
        merged: dict[str, Any] = {}
        for state in sorted((s for s in conv.answers if s in order), key=order.__getitem__):
            merged.update(conv.answers[state])
        return merged

    def _prune(self, conv: Conversation) -> None:
        """Drop the answers of states that the current answers no longer reach."""
        reached = set(self.path(conv)) | set(conv.history)
        for state in [s for s in conv.answers if s not in reached]:
            del conv.answers[state]

    def _compute(self, conv: Conversation, names: Iterable[str],
                 uploads: UploadFn | None) -> None:
        """Mark a final state complete and run the calculators named, from the answers."""
        if self.flow.states[conv.state].final:
            conv.status = "complete"
        if self._calculate is None:
            return
        facts = self.facts(conv)
        for name in dict.fromkeys(names):
            spec = self.flow.calculators.get(name, {})
            try:
                conv.results[name] = self._calculate(name, resolve(spec, facts, uploads))
            except ValidationError:
                conv.results.pop(name, None)

    def step(self, conv: Conversation) -> dict[str, Any]:
        """Return the contract's step object for the conversation's current state."""
        return build_step(self, conv)
