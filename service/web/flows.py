"""The flows served: their stages, states and diagram."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..conversations import Conversations, UnknownFlow
from ..engine import Engine, mermaid, svg
from .errors import ApiError

bp = Blueprint("flows", __name__, url_prefix="/api/v1/flows")


def _engine(flow_id: str) -> Engine:
    service: Conversations = current_app.extensions["bearings"]
    try:
        return service.engine(flow_id)
    except UnknownFlow:
        raise ApiError(404, f"No flow called {flow_id!r}.") from None


@bp.get("")
def index() -> Any:
    """List the flows served."""
    service: Conversations = current_app.extensions["bearings"]
    return jsonify([{"id": e.flow.id, "title": e.flow.title, "version": e.flow.version,
                     "description": e.flow.description} for e in service.engines.values()])


@bp.get("/<flow_id>")
def describe(flow_id: str) -> Any:
    """Return the flow's stages and states, each with its title, text and fields."""
    flow = _engine(flow_id).flow
    return jsonify({
        "id": flow.id, "title": flow.title, "version": flow.version,
        "description": flow.description, "start": flow.start,
        "stages": [{"id": s.id, "title": s.title} for s in flow.stages],
        "states": [{"id": s.id, "stage": s.stage, "title": s.title, "text": s.text,
                    "fields": [f.describe() for f in s.fields], "final": s.final,
                    "documents": list(s.documents),
                    "next": [{"to": t.to, "when": t.when} for t in s.next]}
                   for s in flow.states.values()],
    })


@bp.get("/<flow_id>/diagram")
def diagram(flow_id: str) -> Any:
    """Return the flow's state diagram as mermaid text or an SVG picture."""
    engine = _engine(flow_id)
    kind = request.args.get("format", "mermaid")
    if kind == "mermaid":
        return jsonify({"format": "mermaid", "source": mermaid(engine.flow)})
    if kind == "svg":
        return Response(svg(engine.flow), mimetype="image/svg+xml")
    raise ApiError(422, "Choose format=mermaid or format=svg.",
                   errors={"format": ["Choose mermaid or svg."]})
