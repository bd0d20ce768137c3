"""A bare Flask app served exactly as `bearings serve` serves Bearings: a start-up baseline.

    python bench/_bare_server.py PORT
"""

from __future__ import annotations

import sys

from flask import Flask, jsonify

from service.server import Server, options


def bare() -> Flask:
    """Return a Flask app with one route."""
    app = Flask("bare")
    app.get("/healthz")(lambda: jsonify(status="ok"))
    return app


if __name__ == "__main__":
    Server(options("127.0.0.1", int(sys.argv[1]), 2), bare).run()
