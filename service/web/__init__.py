"""The web layer: thin blueprints that parse, call the service, and serialize."""

from __future__ import annotations

from flask import Flask

from . import (
    calculators,
    chat,
    conversations,
    errors,
    flows,
    health,
    letters,
    openapi,
    security,
    shown,
    widget,
)
from .json_provider import OrjsonProvider


def init_app(app: Flask) -> None:
    """Set the JSON provider; register every blueprint, the error handlers, the headers."""
    app.json = OrjsonProvider(app)
    errors.init_app(app)
    security.init_app(app)
    for module in (health, conversations, calculators, letters, flows, openapi, shown, chat,
                   widget):
        app.register_blueprint(module.bp)
