"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from ..conversations import Conversations

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Answer while the process is up."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Any:
    """Answer 200 when the database is reachable, 503 otherwise."""
    service: Conversations = current_app.extensions["bearings"]
    if service.store.ping():
        return jsonify({"status": "ok"})
    return jsonify({"status": "unavailable", "message": "The database does not answer."}), 503
