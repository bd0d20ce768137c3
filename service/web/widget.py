"""The embeddable widget: /embed.js for host pages, /widget for the iframe, and its helpers.

The host page's script keeps the conversation token in the host's own storage and hands it to
the iframe by postMessage, so the widget keeps working where third-party cookies are blocked.
The iframe talks to the JSON API with ``Authorization: Bearer``; the few calls the public API
lacks (resume codes, changing an earlier answer and going on past the steps still answered,
answers as people read them, the pictures) live here under /widget/api.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from .. import charts, importers
from ..store import NotFound
from ..store.resume import BadCode
from . import chat, shown
from .auth import bearer
from .changes import answer_and_go_on
from .conversations import conversations, translated
from .errors import ApiError, invalid, json_object

bp = Blueprint("widget", __name__)
api = Blueprint("api", __name__, url_prefix="/widget/api")

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f5f8b"
DEFAULT_TITLE = "Bearings"


class ResumeRequest(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))


class RevisitRequest(Schema):
    state = fields.String(required=True, validate=validate.Length(min=1, max=64))


def allowed_origins() -> list[str]:
    """Return the origins that may embed the widget (BEARINGS_ALLOWED_ORIGINS)."""
    origins: list[str] = current_app.config["ALLOWED_ORIGINS"]
    return origins


def text_on(colour: str) -> str:
    """Return black or white, whichever reads better on ``colour`` (WCAG luminance)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def refusal(origin: str) -> str:
    """Return the message a refused host page logs to its console."""
    return (f"Bearings: the widget is not shown on {origin or 'this page'} because that origin "
            "is not in BEARINGS_ALLOWED_ORIGINS on the Bearings server. Ask its operator to add "
            "it, exactly as scheme://host[:port].")


# -- for the host page -----------------------------------------------------------------------

@bp.get("/embed.js")
def embed() -> Response:
    """Serve the one script a host page includes."""
    response = send_from_directory(chat.bp.static_folder or "", "embed.js",
                                   mimetype="text/javascript", max_age=300)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/widget/config")
def config() -> Response:
    """Tell a host page whether its origin may show the widget (readable cross-origin)."""
    origin = request.headers.get("Origin") or request.args.get("origin", "")
    allowed = origin in allowed_origins()
    response = jsonify({"origin": origin, "allowed": allowed,
                        "message": None if allowed else refusal(origin)})
    response.headers["Access-Control-Allow-Origin"] = origin if allowed else "*"
    response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the iframe ------------------------------------------------------------------------------

@bp.get("/widget")
def frame() -> Response:
    """Serve the chat inside the host's iframe; only allowed origins may frame it."""
    g.embeddable = True
    origin = request.args.get("origin", "")
    if origin not in allowed_origins():
        html = render_template("web/widget_refused.html", message=refusal(origin))
        return make_response(html, 403)
    colour = request.args.get("color", "")
    colour = colour if _COLOUR.match(colour) else DEFAULT_COLOUR
    title = (request.args.get("title") or DEFAULT_TITLE).strip()[:60] or DEFAULT_TITLE
    settings = {"origin": origin, "flow": request.args.get("flow") or None, "title": title,
                "formats": {fmt: shown.format_name(fmt) for fmt in importers.FORMATS}}
    response = make_response(render_template("web/widget.html", settings=settings, title=title,
                                             colour=colour, colour_text=text_on(colour)))
    response.headers["Cache-Control"] = "no-store"
    return response


# -- what the public API lacks ---------------------------------------------------------------

@api.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    response = jsonify({"message": exc.message, **exc.extra})
    response.status_code = exc.status
    response.headers.update(exc.headers)
    return response


@api.errorhandler(ValidationError)
def _invalid(exc: ValidationError) -> Response:
    return _api_error(invalid(exc.normalized_messages()))


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _api_error(ApiError(exc.code or 500, exc.description or exc.name))


@api.post("/resume")
def resume() -> Response:
    """Trade a resume code for the conversation id and token."""
    body = ResumeRequest().load(json_object())
    try:
        access = conversations().resume(body["code"])
    except BadCode as exc:
        raise invalid({"code": [str(exc)]}) from None
    except NotFound:
        raise ApiError(404, "No conversation has that resume code.") from None
    return jsonify({"id": access.id, "token": access.token})


@api.post("/conversations/<conversation_id>/resume-code")
def resume_code(conversation_id: str) -> Response:
    """Make a new resume code for the conversation."""
    access = bearer(conversation_id)
    with translated(access):
        code = conversations().make_resume_code(access)
    return jsonify({"code": code})


@api.post("/conversations/<conversation_id>/revisit")
def revisit(conversation_id: str) -> Any:
    """Go to an answered step to change it; every other answer is kept."""
    access = bearer(conversation_id)
    with translated(access):
        body = RevisitRequest().load(json_object())
        return jsonify(conversations().revisit(access, body["state"]))


class ChangeRequest(Schema):
    state = fields.String(required=True, validate=validate.Length(min=1, max=64))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    answers = fields.Dict(keys=fields.String(), required=True)


@api.post("/conversations/<conversation_id>/change")
def change(conversation_id: str) -> Any:
    """Answer a step changed from the review screen, then pass every step still answered."""
    access = bearer(conversation_id)
    with translated(access):
        conversations().load(access)  # the token first: a stranger learns nothing from a 422
        body = ChangeRequest().load(json_object())
        return jsonify(answer_and_go_on(conversations(), access, body["state"],
                                        body["version"], body["answers"]))


@api.get("/conversations/<conversation_id>/review")
def review(conversation_id: str) -> Any:
    """Return every answer so far, each also as people read it."""
    access = bearer(conversation_id)
    with translated(access):
        step = conversations().step(access)
        return jsonify({"steps": shown.answers_shown(conversations(), access, step["flow"])})


@api.get("/conversations/<conversation_id>/figures")
def figures(conversation_id: str) -> Any:
    """Return the step's pictures, narrow for the widget, as SVG text (null when none)."""
    access = bearer(conversation_id)
    with translated(access):
        drawn = charts.figures(conversations().step(access)["results"])
    return jsonify({"carryover": drawn["carryover_narrow"] and str(drawn["carryover_narrow"]),
                    "loss": drawn["loss_narrow"] and str(drawn["loss_narrow"]),
                    "deadlines": drawn["deadlines"]})


bp.register_blueprint(api)
