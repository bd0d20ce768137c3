"""Letters on their own: every type with its fields, and rendering from posted fields."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from .. import letters
from .downloads import download
from .errors import ApiError, json_object

bp = Blueprint("letters", __name__, url_prefix="/api/v1/letters")


@bp.get("")
def index() -> Any:
    """List every letter type with the fields it needs."""
    return jsonify(letters.describe())


@bp.post("/<letter_type>")
def render(letter_type: str) -> Any:
    """Render one letter from the posted fields in the format asked for."""
    fmt = request.args.get("format", "pdf")
    try:
        letters.resolve(letter_type)
    except letters.UnknownLetter:
        raise ApiError(404, f"No letter type called {letter_type!r}.") from None
    rendered = letters.render(letter_type, json_object(), fmt)
    return download(rendered.content, rendered.mimetype, rendered.filename,
                    attachment=fmt != "html")
