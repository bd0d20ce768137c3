"""``bearings flow check``: find the defects of a flow file, each named by file and state."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import conditions
from .flowdef import Flow, FlowError, StateDef, load_flow
from .inputs import fields_in as input_fields
from .render import TextRenderer

Known = Callable[[str], bool]
TypeOf = Callable[[str], "str | None"]


def _no_vocabulary(name: str) -> str | None:
    return None


def _where(flow: Flow, state: StateDef | None = None) -> str:
    where = str(flow.path) if flow.path else flow.id
    if not state:
        return where
    return f"{where}: state {state.id}" + (f" (line {state.line})" if state.line else "")


def _graph(flow: Flow) -> dict[str, list[str]]:
    return {s.id: [t.to for t in s.next if t.to in flow.states] for s in flow.states.values()}


def _reachable(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for target in graph.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _structure(flow: Flow) -> Iterator[str]:
    stages = {s.id for s in flow.stages}
    for stage, count in Counter(s.id for s in flow.stages).items():
        if count > 1:
            yield f"{_where(flow)}: stage {stage}: duplicate id"
    if flow.start not in flow.states:
        yield f"{_where(flow)}: start state {flow.start} does not exist"
    if not any(s.final for s in flow.states.values()):
        yield f"{_where(flow)}: no state is final, so no conversation can finish"
    for state in flow.states.values():
        if state.stage not in stages:
            yield f"{_where(flow, state)}: unknown stage {state.stage}"
        for transition in state.next:
            if transition.to not in flow.states:
                yield f"{_where(flow, state)}: goes to unknown state {transition.to}"
        if state.final and (state.next or state.fields):
            yield f"{_where(flow, state)}: a final state has no fields and no transitions"
        if not state.final and not state.next:
            yield f"{_where(flow, state)}: dead end: not final and no transitions"
        if state.next and state.next[-1].when is not None:
            yield (f"{_where(flow, state)}: the last transition needs no 'when', so every "
                   "answer leads somewhere")


def _paths(flow: Flow) -> Iterator[str]:
    if flow.start not in flow.states:
        return
    graph = _graph(flow)
    reachable = _reachable(flow.start, graph)
    finals = {s.id for s in flow.states.values() if s.final}
    for state in flow.states.values():
        if state.id not in reachable:
            yield f"{_where(flow, state)}: unreachable from {flow.start}"
        elif not state.final and not (_reachable(state.id, graph) & finals):
            yield f"{_where(flow, state)}: dead end: no path to a final state"


def _fields(flow: Flow) -> Iterator[str]:
    names = Counter(f.name for s in flow.states.values() for f in s.fields)
    known = set(names)
    for state in flow.states.values():
        for spec in state.fields:
            if names[spec.name] > 1:
                yield f"{_where(flow, state)}: field {spec.name}: duplicate id in the flow"
            if spec.type in ("choice", "multichoice") and not spec.choices:
                yield f"{_where(flow, state)}: field {spec.name}: a {spec.type} with no choices"
            values = Counter(c.value for c in spec.choices)
            for value in (v for v, n in values.items() if n > 1):
                yield f"{_where(flow, state)}: field {spec.name}: duplicate choice {value}"
        conds = [t.when for t in state.next if t.when] + [i.done for i in state.checklist if i.done]
        for cond in conds:
            for name in conditions.fields_in(cond):
                if name not in known:
                    yield f"{_where(flow, state)}: condition uses unknown field {name}"
        for item, count in Counter(i.id for i in state.checklist).items():
            if count > 1:
                yield f"{_where(flow, state)}: checklist item {item}: duplicate id"


def _vocabulary(flow: Flow, field_type: TypeOf) -> Iterator[str]:
    for state in flow.states.values():
        for spec in state.fields:
            expected = field_type(spec.name)
            if expected is not None and expected != spec.type:
                yield (f"{_where(flow, state)}: field {spec.name}: letters read it as "
                       f"{expected}, not {spec.type}")


def _templates(flow: Flow, letter_known: Known, calc_known: Known) -> Iterator[str]:
    renderer = TextRenderer()
    known = {f.name for s in flow.states.values() for f in s.fields}
    for name, spec in flow.calculators.items():
        if not calc_known(name):
            yield f"{_where(flow)}: calculators: unknown calculator {name}"
        for field in sorted(input_fields(spec) - known):
            yield f"{_where(flow)}: calculators.{name}: unknown field {field}"
    for state in flow.states.values():
        problem = renderer.check(state.text)
        if problem:
            yield f"{_where(flow, state)}: {problem}"
        for letter in state.documents:
            if not letter_known(letter):
                yield f"{_where(flow, state)}: missing letter template {letter}"
        for name in state.compute:
            if name not in flow.calculators:
                yield f"{_where(flow, state)}: computes {name}, which has no inputs in calculators"


def check_flow(flow: Flow, letter_known: Known, calc_known: Known,
               field_type: TypeOf = _no_vocabulary) -> list[str]:
    """Return every defect of a loaded flow."""
    return [*_structure(flow), *_paths(flow), *_fields(flow),
            *_templates(flow, letter_known, calc_known), *_vocabulary(flow, field_type)]


def check_paths(paths: Iterable[Path], letter_known: Known, calc_known: Known,
                field_type: TypeOf = _no_vocabulary) -> list[str]:
    """Load and check flow files (a folder means every .yaml in it)."""
    problems: list[str] = []
    for path in paths:
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        if not files:
            problems.append(f"{path}: no flow files found")
        for file in files:
            try:
                problems += check_flow(load_flow(file), letter_known, calc_known, field_type)
            except FlowError as exc:
                problems += exc.problems
            except OSError as exc:
                problems.append(f"{file}: cannot read: {exc.strerror}")
    return problems
