"""JSON errors with the contract's statuses; no input, however malformed, yields a 5xx."""

from __future__ import annotations

import json
import logging
import re
import time
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import is_
from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..logs import route

log = logging.getLogger("bearings")

MAX_DEPTH = 32
_CONTAINERS = frozenset((dict, list))
#: A ``\u`` escape of a surrogate (D800 to DFFF). Valid UTF-8 cannot hold a surrogate, so a
#: body without such an escape holds no lone one and its text needs no check. (An escaped
#: backslash before the letters only makes the text check run for nothing.)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class ApiError(Exception):
    """An error answered as ``{"message": ..., **extra}`` with ``status``."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra
        self.headers = headers or {}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "The body holds a lone surrogate escape (\\ud800 to \\udfff), "
                            "which is not text.") from None


def _check(value: Any, texts: bool = True) -> None:
    """Raise ApiError when ``value`` (as parsed from JSON) nests deeper than MAX_DEPTH or,
    with ``texts``, holds a string (or a key) that is not text.

    It goes one level at a time, each through builtins with no Python code per value: a
    ledger of ten thousand transactions takes a few milliseconds.
    """
    level = [value]
    for _ in range(MAX_DEPTH + 1):
        kinds = list(map(type, level))
        dicts = list(compress(level, map(is_, kinds, repeat(dict))))
        if texts:  # the level's strings and keys, joined: no Python code per string
            _text("".join(chain(compress(level, map(is_, kinds, repeat(str))),
                                chain.from_iterable(dicts))))
        if _CONTAINERS.isdisjoint(kinds):
            return
        level = list(chain(chain.from_iterable(map(dict.values, dicts)),
                           chain.from_iterable(compress(level, map(is_, kinds, repeat(list))))))
    raise ApiError(400, f"The body nests deeper than {MAX_DEPTH} levels.")


def json_body(*, required: bool = True) -> Any:
    """Return the request's JSON (numbers with fractions as Decimal) or raise ApiError."""
    raw = request.get_data(cache=True)
    if not raw and not required:
        return {}
    if request.mimetype != "application/json":
        raise ApiError(415, "Send the body as JSON with Content-Type: application/json.")
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal,
                          parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid UTF-8.") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "The body is not valid JSON.") from None
    _check(data, texts=_SURROGATE_ESCAPE.search(raw) is not None)
    return data


def json_object(*, required: bool = True) -> dict[str, Any]:
    """Return the request's JSON object or raise a 400."""
    data = json_body(required=required)
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return data


def invalid(messages: Any) -> ApiError:
    """Return the 422 for marshmallow ``messages``."""
    errors = messages if isinstance(messages, dict) else {"_schema": messages}
    return ApiError(422, "Some answers need another look.", errors=errors)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status: int, message: str, **extra: Any) -> Response | tuple[str, int]:
    if _wants_json():
        response = jsonify({"message": message, **extra})
        response.status_code = status
        return response
    return render_template("web/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Any:
        response = _respond(exc.status, exc.message, **exc.extra)
        if isinstance(response, Response):
            response.headers.update(exc.headers)
        return response

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError) -> Any:
        error = invalid(exc.normalized_messages())
        return _respond(error.status, error.message, **error.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if exc.code == 429:
            return _too_many(app, exc)
        return _respond(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, route())
        return _respond(500, "Something went wrong on our side. Your answers are safe; "
                             "please try again.")


def _seconds_to_wait(app: Flask) -> int:
    """Return how long the client should wait before the limit lets it through again."""
    limiter = app.extensions.get("bearings.limiter")
    try:
        reset_at = limiter.current_limit.reset_at if limiter and limiter.current_limit else 0
    except Exception:  # a storage hiccup must not turn a 429 into a 500
        reset_at = 0
    return max(1, int(reset_at - time.time()))


def _too_many(app: Flask, exc: HTTPException) -> Any:
    """Answer a refused request: 429, a Retry-After header and a message saying when."""
    wait = _seconds_to_wait(app)
    response = _respond(429, f"Too many requests from your address (the limit is "
                             f"{exc.description}). Please wait {wait} seconds and try again.",
                        retry_after=wait)
    if isinstance(response, tuple):
        response = make_response(response)
    response.headers["Retry-After"] = str(wait)
    return response
