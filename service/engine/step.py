"""The contract's step object, built from a conversation and its flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import conditions

if TYPE_CHECKING:
    from .core import Conversation, Engine


def _context(engine: Engine, conv: Conversation, facts: dict[str, Any]) -> dict[str, Any]:
    return {"answers": facts, "results": conv.results, "flow": engine.flow.title}


def _fields(engine: Engine, conv: Conversation) -> list[dict[str, Any]]:
    definition = engine.flow.states[conv.state]
    if conv.status == "complete":
        return []
    given = conv.answers.get(conv.state, {})
    out = []
    for spec in definition.fields:  # limits the check hook enforces are described too
        extra = engine.constraints(spec.name) if engine.constraints else {}
        described = {**spec.describe(), **{k: v for k, v in extra.items()
                                           if getattr(spec, k) is None}}
        if spec.name in given:
            described["value"] = given[spec.name]
        out.append(described)
    return out


def _checklist(engine: Engine, conv: Conversation, facts: dict[str, Any]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for state in dict.fromkeys(conv.history):
        for item in engine.flow.states[state].checklist:
            done = bool(item.done and conditions.holds(item.done, facts))
            seen.append({"id": item.id, "text": item.text, "done": done, "state": state})
    return seen


def wanted_documents(engine: Engine, conv: Conversation) -> list[str]:
    """Return the letter types the steps reached so far call for, in order."""
    wanted: dict[str, None] = {}
    for state in conv.history:
        wanted.update(dict.fromkeys(engine.flow.states[state].documents))
    return list(wanted)


def build_step(engine: Engine, conv: Conversation) -> dict[str, Any]:
    """Return the step object for the conversation's current state."""
    definition = engine.flow.states[conv.state]
    facts = engine.facts(conv)
    route = engine.path(conv, facts)
    position = route.index(conv.state) + 1 if conv.state in route else len(conv.history)
    text, html = engine.renderer.render(definition.text, _context(engine, conv, facts))
    documents = (engine.documents(facts, conv.results, wanted_documents(engine, conv))
                 if engine.documents else [])
    stage = engine.flow.stage(definition.stage)
    return {
        "id": conv.id, "flow": conv.flow, "flow_version": conv.flow_version,
        "state": conv.state, "version": conv.version, "status": conv.status,
        "title": definition.title,
        "stage": {"id": stage.id, "title": stage.title},
        "progress": {"step": position, "of": max(len(route), position)},
        "messages": [{"role": "assistant", "text": text, "html": html}],
        "fields": _fields(engine, conv),
        "checklist": _checklist(engine, conv, facts),
        "documents": documents,
        "results": conv.results,
        "can_go_back": len(conv.history) > 1,
        "plan": text if conv.status == "complete" else None,
    }
