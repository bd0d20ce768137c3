"""Structured logs: one JSON object a line on standard error, each request with its own id.

A request line holds the request id, the method, the route's template (``/api/v1/
conversations/<conversation_id>/answers``, never the raw path, which may carry a resume code),
the status and the duration. Bodies, headers, query strings and cookies are never logged, and
an error keeps its type and where it happened but not its message, which may quote input.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from flask import Flask, Response, g, has_request_context, request

__all__ = ["JsonFormatter", "REQUEST_ID_HEADER", "init_app", "request_id", "route", "setup"]

REQUEST_ID_HEADER = "X-Request-ID"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_FIELDS = ("request_id", "method", "path", "status", "duration_ms")
access = logging.getLogger("bearings.access")


class _Stderr(logging.StreamHandler[Any]):
    """Write to whatever ``sys.stderr`` is at the moment (test runners swap it)."""

    @property  # type: ignore[override]  # a read-only view where the base has an attribute
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _where(tb: TracebackType | None) -> list[str]:
    return [f"{frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(tb)]


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line; errors as type and frames, never their message."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        if "request_id" not in record.__dict__ and has_request_context():
            entry["request_id"] = request_id()
        entry.update({key: record.__dict__[key] for key in _FIELDS if key in record.__dict__})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["where"] = _where(record.exc_info[2])
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup(level: str = "info") -> None:
    """Send the ``bearings`` loggers to standard error as JSON lines (once per process)."""
    logger = logging.getLogger("bearings")
    logger.setLevel(level.upper())
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.propagate = False


def request_id() -> str:
    """Return this request's id: the caller's X-Request-ID when well formed, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _GIVEN_ID.match(given) else secrets.token_hex(8)
    rid: str = g.request_id
    return rid


def route() -> str:
    """Return the matched route's template, or a placeholder when no route matched."""
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def init_app(app: Flask) -> None:
    """Log one line per request and hand the request id back in X-Request-ID."""
    setup(str(app.config.get("LOG_LEVEL") or "info"))

    @app.before_request
    def started() -> None:
        g.started = time.perf_counter()
        request_id()

    @app.after_request
    def finished(response: Response) -> Response:
        began = g.get("started")
        duration = None if began is None else round((time.perf_counter() - began) * 1000, 1)
        response.headers[REQUEST_ID_HEADER] = request_id()
        access.info("request", extra={"request_id": request_id(), "method": request.method,
                                      "path": route(), "status": response.status_code,
                                      "duration_ms": duration})
        return response
