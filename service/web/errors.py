"""JSON errors with the contract's statuses; no input, however malformed, yields a 5xx."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("bearings")

MAX_DEPTH = 32


class ApiError(Exception):
    """An error answered as ``{"message": ..., **extra}`` with ``status``."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra
        self.headers = headers or {}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


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
    if _depth(data) > MAX_DEPTH:
        raise ApiError(400, f"The body nests deeper than {MAX_DEPTH} levels.")
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
        status = exc.code or 500
        response = _respond(status, exc.description or exc.name)
        if isinstance(response, Response) and exc.code == 429:
            headers = exc.get_response().headers
            for name in ("Retry-After",):
                if name in headers:
                    response.headers[name] = headers[name]
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _respond(500, "Something went wrong on our side. Your answers are safe; "
                             "please try again.")
