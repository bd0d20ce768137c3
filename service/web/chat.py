"""The web chat: server-rendered steps with plain form posts (works with JavaScript off)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from .. import charts, documents, letters
from ..conversations import Conversations, UnknownFlow
from ..engine import Conflict, Finished, mermaid, svg
from ..engine.answers import ZONE_KEY
from ..store import Access, NotFound, Stale, Unauthorized, Undecryptable
from ..store.resume import BadCode
from .auth import check_id
from .changes import answer_and_go_on
from .downloads import download
from .errors import ApiError
from .shown import answers_shown, field_labels, uploads_shown
from .uploads import parse_part, read_summary, stored

bp = Blueprint("chat", __name__, static_folder="static", static_url_path="/assets")
COOKIE = "bearings_token"
#: Form names of the step being answered; a leading _ never clashes with a flow's field names.
STATE, VERSION = "_state", "_version"
#: Form name (and query flag) marking an answer changed from the review screen.
CHANGE = "_change"
NOT_OPEN = ("This conversation is not open in this browser. Use your resume link or code to "
            "open it here.")


@bp.before_request
def _same_site_posts_only() -> None:
    """Refuse form posts another site makes a browser send (Fetch Metadata)."""
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise ApiError(403, "This form can only be sent from Bearings itself.")


def _service() -> Conversations:
    service: Conversations = current_app.extensions["bearings"]
    return service


def _access(conversation_id: str) -> Access:
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise ApiError(401, NOT_OPEN)
    return Access(check_id(conversation_id), token)


@contextmanager
def _opened() -> Iterator[None]:
    """Turn a missing or unopenable conversation into a readable page."""
    try:
        yield
    except NotFound:
        raise ApiError(404, "No conversation with that id. It may have been deleted.") from None
    except (Unauthorized, Undecryptable):
        raise ApiError(401, NOT_OPEN) from None


def _with_cookie(response: BaseResponse, conversation_id: str, token: str) -> BaseResponse:
    response.set_cookie(COOKIE, token, path=f"/c/{conversation_id}", httponly=True,
                        secure=request.is_secure, samesite="Lax", max_age=60 * 60 * 24 * 90)
    return response


def _to_step(conversation_id: str) -> BaseResponse:
    return redirect(url_for("chat.show", conversation_id=conversation_id), 303)


def _money(text: str) -> str:
    """Forgive a dollar sign, spaces and thousands separators in an amount."""
    return text.replace("$", "").replace(" ", "").replace(",", "")


def _form_answers(step: dict[str, Any]) -> dict[str, Any]:
    """Return the step's answers from the form, with the browser's time zone when chat.js
    filled it in (with JavaScript off there is none, and a time needs its zone typed)."""
    answers: dict[str, Any] = {}
    zone = request.form.get(ZONE_KEY, "").strip()
    if zone:
        answers[ZONE_KEY] = zone
    for spec in step["fields"]:
        name, kind = spec["name"], spec["type"]
        if kind == "multichoice":
            answers[name] = request.form.getlist(name)
        elif kind == "acknowledge":
            answers[name] = True if request.form.get(name) else None
        elif kind in ("money", "decimal"):
            answers[name] = _money(request.form.get(name, ""))
        else:
            answers[name] = request.form.get(name, "")
    return answers


def _take_files(access: Access, step: dict[str, Any],
                answers: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Store each file the form carries and answer its field with the upload's id.

    A field without a new file keeps the id of the file uploaded before (a hidden input).
    Return the errors of files that could not be read, and the id of the last file stored.
    """
    errors: dict[str, Any] = {}
    stored_id = None
    for spec in step["fields"]:
        part = request.files.get(spec["name"]) if spec["type"] == "file" else None
        if part is None or not part.filename:
            continue
        try:
            parsed = parse_part(part)
        except ApiError as exc:
            errors[spec["name"]] = exc.extra.get("errors", {}).get("file") or [exc.message]
            answers[spec["name"]] = ""
            continue
        stored_id = _service().store.add_upload(access, parsed.format, parsed.rows,
                                                stored(parsed))
        answers[spec["name"]] = stored_id
    return errors, stored_id


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _previous(entries: list[dict[str, Any]], state: str) -> dict[str, Any] | None:
    """Return the answered step just before ``state`` (the last exchange in the log)."""
    names = [e["state"] for e in entries]
    before = entries[:names.index(state)] if state in names else entries
    return before[-1] if before else None


def _step_page(access: Access, step: dict[str, Any], errors: dict[str, Any] | None = None,
               values: dict[str, Any] | None = None, status: int = 200, *,
               changing: bool = False, changed: bool = False, read: str = "") -> Response:
    service = _service()
    entries = answers_shown(service, access, step["flow"])
    values = values if values is not None else {f["name"]: f.get("value") for f in step["fields"]}
    labels = {f["name"]: f["label"] for f in step["fields"]}
    files = (uploads_shown(service, access)
             if any(f["type"] == "file" for f in step["fields"]) else {})
    upload = service.store.get_upload(access, read) if read else None
    return _page("web/step.html", status, step=step, errors=errors or {}, values=values,
                 labels=labels, previous=_previous(entries, step["state"]),
                 figures=charts.figures(step["results"]), changing=changing, changed=changed,
                 files=files, read=read_summary(upload) if upload else [])


# -- the conversation ------------------------------------------------------------------------

@bp.get("/")
def index() -> str:
    """Show the welcome page with a button to start."""
    return render_template("web/index.html")


@bp.post("/c")
def start() -> BaseResponse:
    """Start a conversation and keep its token in a cookie for this conversation only."""
    try:
        conv, token = _service().start(request.form.get("flow") or None)
    except UnknownFlow:
        raise ApiError(422, "There is no conversation of that kind here.") from None
    return _with_cookie(_to_step(conv.id), conv.id, token)


@bp.get("/c/<conversation_id>")
def show(conversation_id: str) -> Response:
    """Show the current step."""
    access = _access(conversation_id)
    with _opened():
        step = _service().step(access)
        read = request.args.get("read", "")
        return _step_page(access, step, changing=request.args.get("change") == "1"
                          and step["status"] == "active",
                          changed=request.args.get("changed") == "1",
                          read=read if read.isalnum() and len(read) <= 64 else "")


@bp.post("/c/<conversation_id>")
def answer(conversation_id: str) -> BaseResponse:
    """Take the form's answers; show the errors beside their fields, or move on."""
    access = _access(conversation_id)
    service = _service()
    changing = request.form.get(CHANGE) == "1"
    with _opened():
        step = service.step(access)
        answers = _form_answers(step)
        state, version = request.form.get(STATE, ""), request.form.get(VERSION, type=int)
        if state != step["state"] or (version is not None and version != step["version"]):
            return _to_step(conversation_id)  # a stale form: store none of its files
        unread, read = _take_files(access, step, answers)
        try:
            if unread:
                raise ValidationError(unread)
            if changing:
                answer_and_go_on(service, access, state, version, answers)
            else:
                service.answer(access, state, version, answers)
        except ValidationError as exc:
            return _step_page(access, step, exc.normalized_messages(), answers, status=422,
                              changing=changing)
        except (Conflict, Stale, Finished):
            return _to_step(conversation_id)
    flags = {"changed": 1} if changing else {}
    if read:
        flags["read"] = read
    if flags:
        return redirect(url_for("chat.show", conversation_id=conversation_id, **flags), 303)
    return _to_step(conversation_id)


@bp.post("/c/<conversation_id>/back")
def back(conversation_id: str) -> BaseResponse:
    """Go back one step."""
    access = _access(conversation_id)
    with _opened():
        _service().back(access)
    return _to_step(conversation_id)


def _step_and_answers(conversation_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the current step and every answer so far, as people read them."""
    access = _access(conversation_id)
    with _opened():
        step = _service().step(access)
        return step, answers_shown(_service(), access, step["flow"])


@bp.get("/c/<conversation_id>/review")
def review(conversation_id: str) -> Response:
    """Show every answer so far, each with a button to change it."""
    step, entries = _step_and_answers(conversation_id)
    return _page("web/review.html", step=step, entries=entries)


@bp.post("/c/<conversation_id>/edit")
def edit(conversation_id: str) -> BaseResponse:
    """Go to an answered step to change it; every other answer is kept."""
    access = _access(conversation_id)
    with _opened():
        try:
            _service().revisit(access, request.form.get(STATE, ""))
        except (Conflict, Stale):
            return _to_step(conversation_id)
    return redirect(url_for("chat.show", conversation_id=conversation_id, change=1), 303)


@bp.get("/c/<conversation_id>/plan")
def plan(conversation_id: str) -> Response:
    """Show the recovery plan so far, laid out for printing."""
    step, entries = _step_and_answers(conversation_id)
    return _page("web/plan.html", step=step, entries=entries,
                 figures=charts.figures(step["results"]), today=date.today())


@bp.get("/c/<conversation_id>/export")
def export(conversation_id: str) -> Response:
    """Download everything stored about the conversation, as JSON."""
    access = _access(conversation_id)
    with _opened():
        response = jsonify(_service().export(access))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bearings-{conversation_id}.json"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c/<conversation_id>/documents/<document>.<any(pdf,docx,txt,html):fmt>")
def document(conversation_id: str, document: str, fmt: str) -> Response:
    """Download one of the conversation's letters as pdf, docx, txt or html."""
    access = _access(conversation_id)
    with _opened():
        try:
            rendered = documents.render(_service(), access, document, fmt)
        except letters.UnknownLetter:
            raise ApiError(404, "This conversation has no letter by that name.") from None
        except documents.NotReady as exc:
            raise ApiError(422, "This letter still needs your answers on: "
                                f"{field_labels(exc.missing)}.") from None
    return _download(rendered.content, rendered.mimetype, rendered.filename)


@bp.get("/c/<conversation_id>/evidence-pack.zip")
def evidence_pack(conversation_id: str) -> Response:
    """Download every ready letter with the timeline, worksheets and checklist, as a ZIP."""
    access = _access(conversation_id)
    with _opened():
        content = documents.evidence_pack(_service(), access)
    return _download(content, "application/zip", f"bearings-evidence-{conversation_id}.zip")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    return download(content, mimetype, filename, no_store=True)


# -- save, resume and delete -----------------------------------------------------------------

@bp.route("/c/<conversation_id>/save", methods=["GET", "POST"])
def save(conversation_id: str) -> Response:
    """Explain saving; on POST make a resume code and show it with its link, once."""
    access = _access(conversation_id)
    with _opened():
        step = _service().step(access)
        code = _service().make_resume_code(access) if request.method == "POST" else None
    link = url_for("chat.resume_link", code=code, _external=True) if code else None
    return _page("web/save.html", step=step, code=code, link=link)


@bp.get("/resume")
@bp.get("/r/<code>")
def resume_link(code: str = "") -> Response:
    """Show the form that opens a conversation from its resume code."""
    return _page("web/resume.html", code=code or request.args.get("code", ""), error=None)


@bp.post("/resume")
def resume() -> BaseResponse:
    """Open the conversation a resume code belongs to, in this browser."""
    code = request.form.get("code", "")
    try:
        access = _service().resume(code)
    except (BadCode, NotFound) as exc:
        error = str(exc) if isinstance(exc, BadCode) else (
            "No conversation has that code. Check it, or make a new one on the device "
            "where you started.")
        return _page("web/resume.html", 422 if isinstance(exc, BadCode) else 404,
                     code=code, error=error)
    return _with_cookie(_to_step(access.id), access.id, access.token)


@bp.route("/c/<conversation_id>/delete", methods=["GET", "POST"])
def delete(conversation_id: str) -> BaseResponse:
    """Ask for confirmation; on POST with it, erase every trace of the conversation."""
    access = _access(conversation_id)
    with _opened():
        step = _service().step(access)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            missing = request.method == "POST"
            return _page("web/delete.html", 422 if missing else 200, step=step, missing=missing)
        _service().delete(access)
    response = _page("web/deleted.html")
    response.delete_cookie(COOKIE, path=f"/c/{conversation_id}", secure=request.is_secure,
                           httponly=True, samesite="Lax")
    return response


# -- the flow map for operators --------------------------------------------------------------

@bp.get("/flows/<flow_id>")
def flow_map(flow_id: str) -> Response:
    """Show a flow's state diagram with its mermaid source."""
    try:
        flow = _service().engine(flow_id).flow
    except UnknownFlow:
        raise ApiError(404, f"No flow called {flow_id!r}.") from None
    return _page("web/flow.html", flow=flow, picture=Markup(svg(flow)), source=mermaid(flow))


@bp.get("/flows/<flow_id>.svg")
def flow_svg(flow_id: str) -> Response:
    """Download a flow's state diagram as SVG."""
    try:
        flow = _service().engine(flow_id).flow
    except UnknownFlow:
        raise ApiError(404, f"No flow called {flow_id!r}.") from None
    response = Response(svg(flow), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{flow.id}.svg"'
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Serve the icon."""
    return send_from_directory(bp.static_folder or "", "favicon.svg", mimetype="image/svg+xml")
