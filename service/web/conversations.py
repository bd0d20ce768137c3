"""The conversation API: start, read, answer, go back, review, upload, export, erase."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from marshmallow import Schema, ValidationError, fields, validate

from .. import documents as conversation_documents
from .. import letters
from ..conversations import Conversations, UnknownFlow
from ..engine import Conflict, Finished
from ..store import Access, NotFound, Stale, Unauthorized, Undecryptable
from .auth import bearer
from .downloads import download
from .errors import ApiError, invalid, json_object
from .uploads import receive_upload, row_errors, stored

bp = Blueprint("conversations", __name__, url_prefix="/api/v1/conversations")


class StartRequest(Schema):
    flow = fields.String(load_default=None, validate=validate.Length(max=64))


class AnswerRequest(Schema):
    state = fields.String(required=True, validate=validate.Length(min=1, max=64))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    answers = fields.Dict(keys=fields.String(), required=True)


#: Built once: a marshmallow schema holds no per-load state, and building one per request
#: (its fields, validators and hooks) cost more than the load itself.
_START, _ANSWER = StartRequest(), AnswerRequest()


def conversations() -> Conversations:
    """Return the app's conversation service."""
    service: Conversations = current_app.extensions["bearings"]
    return service


@contextmanager
def translated(access: Access | None = None) -> Iterator[None]:
    """Turn store and engine exceptions into the contract's errors."""
    try:
        yield
    except NotFound:
        raise ApiError(404, "No conversation with that id.") from None
    except (Unauthorized, Undecryptable):
        raise ApiError(401, "That token does not open this conversation.",
                       headers={"WWW-Authenticate": "Bearer"}) from None
    except (Conflict, Stale, Finished):
        current = conversations().step(access) if access else None
        raise ApiError(409, "This step has moved on: here is the current one.",
                       current=current) from None
    except UnknownFlow as exc:
        served = ", ".join(sorted(conversations().engines))
        raise invalid({"flow": [f"Unknown flow {exc.args[0]!r}. Served: {served}."]}) from None
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None


@bp.post("")
def start() -> tuple[Response, int]:
    """Start a conversation; the token is in this response only."""
    with translated():
        body = _START.load(json_object(required=False))
        conv, token = conversations().start(body["flow"])
        step = conversations().engine(conv.flow).step(conv)
    response = jsonify({**step, "token": token})
    response.headers["Location"] = f"{bp.url_prefix}/{conv.id}"
    return response, 201


@bp.get("/<conversation_id>")
def read(conversation_id: str) -> Any:
    """Return the current step."""
    access = bearer(conversation_id)
    with translated(access):
        return jsonify(conversations().step(access))


@bp.post("/<conversation_id>/answers")
def answer(conversation_id: str) -> Any:
    """Answer the current step; 409 when it moved on, 422 naming each field."""
    access = bearer(conversation_id)
    with translated(access):
        body = _ANSWER.load(json_object())
        return jsonify(conversations().answer(access, body["state"], body["version"],
                                              body["answers"]))


@bp.post("/<conversation_id>/back")
def back(conversation_id: str) -> Any:
    """Go back one step; later answers are kept."""
    access = bearer(conversation_id)
    with translated(access):
        return jsonify(conversations().back(access))


@bp.get("/<conversation_id>/answers")
def review(conversation_id: str) -> Any:
    """Return every answer so far with its step."""
    access = bearer(conversation_id)
    with translated(access):
        return jsonify({"steps": conversations().review(access)})


@bp.post("/<conversation_id>/uploads")
def upload(conversation_id: str) -> tuple[Response, int]:
    """Store an exchange CSV export for this conversation."""
    access = bearer(conversation_id)
    with translated(access):
        conversations().load(access)
        parsed = receive_upload()
        upload_id = conversations().store.add_upload(access, parsed.format, parsed.rows,
                                                     stored(parsed))
    return jsonify({"upload": upload_id, "format": parsed.format, "rows": parsed.rows,
                    "errors": row_errors(parsed.errors)}), 201


@bp.get("/<conversation_id>/export")
def export(conversation_id: str) -> Any:
    """Return everything stored about the conversation."""
    access = bearer(conversation_id)
    with translated(access):
        response = jsonify(conversations().export(access))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bearings-{conversation_id}.json"')
    return response


@bp.delete("/<conversation_id>")
def erase(conversation_id: str) -> tuple[str, int]:
    """Erase every trace of the conversation."""
    access = bearer(conversation_id)
    with translated(access):
        conversations().delete(access)
    return "", 204


def _document_urls(conversation_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    base = f"{bp.url_prefix}/{conversation_id}/documents/{entry['id']}"
    return {**entry, "urls": {fmt: f"{base}.{fmt}" for fmt in entry["formats"]}}


@bp.get("/<conversation_id>/documents")
def documents(conversation_id: str) -> Any:
    """List the documents the conversation calls for, ready or with what they still need."""
    access = bearer(conversation_id)
    with translated(access):
        listed = conversation_documents.listed(conversations(), access)
    return jsonify([_document_urls(conversation_id, entry) for entry in listed])


@bp.get("/<conversation_id>/documents/<document>.<any(pdf,docx,txt,html):fmt>")
def document(conversation_id: str, document: str, fmt: str) -> Any:
    """Download one letter, filled from the conversation."""
    access = bearer(conversation_id)
    with translated(access):
        try:
            rendered = conversation_documents.render(conversations(), access, document, fmt)
        except letters.UnknownLetter:
            raise ApiError(404, "This conversation has no document called "
                                f"{document!r}.") from None
        except conversation_documents.NotReady as exc:
            raise invalid({name: ["Answer this question first."]
                           for name in exc.missing}) from None
    return download(rendered.content, rendered.mimetype, rendered.filename,
                    attachment=fmt != "html")


@bp.get("/<conversation_id>/evidence-pack.zip")
def evidence_pack(conversation_id: str) -> Any:
    """Download every ready letter with the timeline, worksheets, checklist and reminders."""
    access = bearer(conversation_id)
    with translated(access):
        content = conversation_documents.evidence_pack(conversations(), access)
    return download(content, "application/zip", f"bearings-evidence-{conversation_id}.zip")
