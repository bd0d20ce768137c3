"""The web chat: server-rendered steps with plain form posts (works with JavaScript off)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..conversations import Conversations
from ..engine import Conflict, Finished
from ..store import Access, NotFound, Stale, Unauthorized, Undecryptable
from .auth import check_id
from .errors import ApiError

bp = Blueprint("chat", __name__, static_folder="static", static_url_path="/assets")
COOKIE = "bearings_token"


@bp.record_once
def _share_secret(state: BlueprintSetupState) -> None:
    """Give the conversation service the app's secret key (resume codes are keyed by it)."""
    service: Conversations = state.app.extensions["bearings"]
    service.secret_key = service.secret_key or str(state.app.config["SECRET_KEY"])


def _service() -> Conversations:
    service: Conversations = current_app.extensions["bearings"]
    return service


def _access(conversation_id: str) -> Access:
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise ApiError(401, "This conversation is not open in this browser. Use your resume "
                            "link or code to open it here.")
    return Access(check_id(conversation_id), token)


def _with_cookie(response: BaseResponse, conversation_id: str, token: str) -> BaseResponse:
    response.set_cookie(COOKIE, token, path=f"/c/{conversation_id}", httponly=True,
                        secure=request.is_secure, samesite="Lax", max_age=60 * 60 * 24 * 90)
    return response


def _form_answers(step: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for spec in step["fields"]:
        name = spec["name"]
        if spec["type"] == "multichoice":
            answers[name] = request.form.getlist(name)
        elif spec["type"] == "acknowledge":
            answers[name] = True if request.form.get(name) else None
        elif spec["type"] == "file":
            answers[name] = request.form.get(name, "")
        else:
            answers[name] = request.form.get(name, "")
    return answers


def _page(step: dict[str, Any], errors: dict[str, Any] | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> Response:
    html = render_template("web/step.html", step=step, errors=errors or {},
                           values=values or {f["name"]: f.get("value") for f in step["fields"]})
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index() -> str:
    """Show the welcome page with a button to start."""
    return render_template("web/index.html")


@bp.post("/c")
def start() -> BaseResponse:
    """Start a conversation and keep its token in a cookie for this conversation only."""
    conv, token = _service().start(request.form.get("flow") or None)
    return _with_cookie(redirect(url_for("chat.show", conversation_id=conv.id), 303),
                        conv.id, token)


@bp.get("/c/<conversation_id>")
def show(conversation_id: str) -> Response:
    """Show the current step."""
    access = _access(conversation_id)
    try:
        return _page(_service().step(access))
    except NotFound:
        raise ApiError(404, "No conversation with that id.") from None
    except (Unauthorized, Undecryptable):
        raise ApiError(401, "This conversation is not open in this browser.") from None


@bp.post("/c/<conversation_id>")
def answer(conversation_id: str) -> BaseResponse:
    """Take the form's answers; show the errors beside their fields, or move on."""
    access = _access(conversation_id)
    service = _service()
    try:
        step = service.step(access)
        answers = _form_answers(step)
        version = request.form.get("version", type=int)
        service.answer(access, request.form.get("state", ""), version, answers)
    except ValidationError as exc:
        return _page(step, exc.normalized_messages(), answers, status=422)
    except (Conflict, Stale, Finished):
        pass
    except NotFound:
        raise ApiError(404, "No conversation with that id.") from None
    except (Unauthorized, Undecryptable):
        raise ApiError(401, "This conversation is not open in this browser.") from None
    return redirect(url_for("chat.show", conversation_id=conversation_id), 303)


@bp.post("/c/<conversation_id>/back")
def back(conversation_id: str) -> BaseResponse:
    """Go back one step."""
    access = _access(conversation_id)
    try:
        _service().back(access)
    except (NotFound, Unauthorized, Undecryptable):
        raise ApiError(404, "No conversation with that id.") from None
    return redirect(url_for("chat.show", conversation_id=conversation_id), 303)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Serve the icon."""
    return send_from_directory(bp.static_folder or "", "favicon.svg", mimetype="image/svg+xml")
