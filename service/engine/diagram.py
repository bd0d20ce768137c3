"""The flow's state diagram, drawn by transitions' own mermaid support (no graphviz)."""

from __future__ import annotations

import re
from typing import Any

from transitions.extensions import GraphMachine

from .flowdef import Flow

_UNSAFE = re.compile(r"[^A-Za-z0-9 _,.\-=!<>]")


class _Drawing:
    """A throwaway model: transitions draws the graph of a machine's model."""


def describe_condition(condition: dict[str, Any]) -> str:
    """Return a short readable form of a condition, for edge labels."""
    for key in ("all", "any"):
        if key in condition:
            joiner = " and " if key == "all" else " or "
            return "(" + joiner.join(describe_condition(c) for c in condition[key]) + ")"
    if "not" in condition:
        return "not " + describe_condition(condition["not"])
    name = condition["field"]
    op, value = next((k, v) for k, v in condition.items() if k != "field")
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return _UNSAFE.sub("", f"{name} {op} {shown}")


def mermaid(flow: Flow) -> str:
    """Return the flow as a mermaid ``stateDiagram-v2``."""
    machine = GraphMachine(model=_Drawing(), states=list(flow.states), initial=flow.start,
                           auto_transitions=False, graph_engine="mermaid",
                           title=_UNSAFE.sub("", flow.title), show_conditions=True)
    for state in flow.states.values():
        for transition in state.next:
            conds = [describe_condition(transition.when)] if transition.when else []
            machine.add_transition("next", state.id, transition.to, conditions=conds)
    source: str = machine.get_graph().draw(None)
    return source
