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


def init_app(app: Flask) -> None:
    """Register every blueprint, the error handlers and the security headers."""
    errors.init_app(app)
    security.init_app(app)
    for module in (health, conversations, calculators, letters, flows, openapi, shown, chat,
                   widget):
        app.register_blueprint(module.bp)
