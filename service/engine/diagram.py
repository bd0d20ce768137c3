"""The flow's state diagram, drawn by transitions' own mermaid support (no graphviz)."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

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
    from transitions.extensions import GraphMachine  # with asyncio: only where drawn

    machine = GraphMachine(model=_Drawing(), states=list(flow.states), initial=flow.start,
                           auto_transitions=False, graph_engine="mermaid",
                           title=_UNSAFE.sub("", flow.title), show_conditions=True)
    for state in flow.states.values():
        for transition in state.next:
            conds = [describe_condition(transition.when)] if transition.when else []
            machine.add_transition("next", state.id, transition.to, conditions=conds)
    source: str = machine.get_graph().draw(None)
    return source


_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _PAD = 180, 44, 60, 18, 20
_PALETTE = ("#e8f0fe", "#e6f4ea", "#fef7e0", "#fce8e6", "#f3e8fd", "#e0f7fa", "#fff3e0",
            "#ede7f6", "#f1f8e9", "#eceff1")


def _layers(flow: Flow) -> dict[str, int]:
    """Return each reachable state's column: its shortest distance from the start."""
    depth, frontier = {flow.start: 0}, [flow.start]
    while frontier:
        nxt = []
        for state in frontier:
            for transition in flow.states[state].next:
                if transition.to in flow.states and transition.to not in depth:
                    depth[transition.to] = depth[state] + 1
                    nxt.append(transition.to)
        frontier = nxt
    return depth


def _label(text: str, limit: int = 26) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return escape(short)


def svg(flow: Flow) -> str:
    """Return the flow map as a standalone SVG: columns by distance from the start."""
    depth = _layers(flow)
    columns: dict[int, list[str]] = {}
    for state, column in depth.items():
        columns.setdefault(column, []).append(state)
    where = {s: (_PAD + c * (_BOX_W + _GAP_X), _PAD + r * (_BOX_H + _GAP_Y))
             for c, states in columns.items() for r, s in enumerate(states)}
    width = _PAD * 2 + len(columns) * (_BOX_W + _GAP_X)
    height = _PAD * 2 + max(len(v) for v in columns.values()) * (_BOX_H + _GAP_Y)
    stages = {stage.id: _PALETTE[i % len(_PALETTE)] for i, stage in enumerate(flow.stages)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" font-family="sans-serif" '
             f'font-size="12"><title>{escape(flow.title)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="#555"/></marker></defs>']
    for state, (x, y) in where.items():
        for transition in flow.states[state].next:
            if transition.to in where:
                tx, ty = where[transition.to]
                dash = ' stroke-dasharray="4 3"' if transition.when else ""
                parts.append(f'<line x1="{x + _BOX_W}" y1="{y + _BOX_H / 2}" x2="{tx}" '
                             f'y2="{ty + _BOX_H / 2}" stroke="#555"{dash} '
                             'marker-end="url(#arrow)"/>')
    for state, (x, y) in where.items():
        definition = flow.states[state]
        fill = stages.get(definition.stage, "#fff")
        border = "#1a7f37" if definition.final else "#444"
        parts.append(f'<g><title>{escape(definition.id)}: {escape(definition.title)}</title>'
                     f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="8" '
                     f'fill="{fill}" stroke="{border}"/><text x="{x + 8}" y="{y + 18}" '
                     f'fill="#111">{_label(definition.title)}</text><text x="{x + 8}" '
                     f'y="{y + 34}" fill="#555" font-size="10">{_label(definition.id, 30)}'
                     '</text></g>')
    parts.append("</svg>")
    return "".join(parts)
