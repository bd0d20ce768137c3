"""JSON responses by orjson: the documents Flask's own provider writes, and the edge cases."""

from __future__ import annotations

import dataclasses
import gc
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.testing import FlaskClient
from markupsafe import Markup

from service.server import Server, options
from service.web.json_provider import OrjsonProvider


@dataclasses.dataclass
class _Point:
    x: int
    label: str


ODD = {"when": date(2026, 11, 20), "at": datetime(2026, 11, 20, 14, 30, tzinfo=UTC),
       "amount": Decimal("250000.10"), "point": _Point(1, "é"), "html": Markup("<b>x</b>"),
       "big": 2**70, "text": "Don’t panic — “breathe”", "nested": [{"a": None, "b": True}]}


def _flask_default(app: Flask, value: Any) -> Any:
    provider = DefaultJSONProvider(app)
    return json.loads(provider.dumps(value))


def test_the_app_writes_json_with_orjson(sqlite_client: FlaskClient) -> None:
    assert isinstance(sqlite_client.application.json, OrjsonProvider)
    response = sqlite_client.post("/api/v1/conversations", json={})
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.data.endswith(b"}\n")
    step = response.get_json()
    assert step["state"] == "welcome" and step["token"]


def test_a_step_reads_the_same_as_flasks_own_provider_wrote_it(
        sqlite_client: FlaskClient) -> None:
    app = sqlite_client.application
    response = sqlite_client.post("/api/v1/conversations", json={})
    step = response.get_json()
    assert json.loads(response.data) == _flask_default(app, step)
    with app.app_context():  # UTF-8 as such, not escaped
        assert app.json.response({"t": "Don’t"}).data == '{"t":"Don’t"}\n'.encode()


def test_types_orjson_would_write_its_own_way_are_written_as_flask_writes_them(
        sqlite_client: FlaskClient) -> None:
    app = sqlite_client.application
    with app.app_context():
        written = json.loads(app.json.response(ODD).data)
    assert written == _flask_default(app, ODD)
    assert written["when"] == "Fri, 20 Nov 2026 00:00:00 GMT"
    assert written["amount"] == "250000.10"
    assert written["point"] == {"x": 1, "label": "é"}
    assert written["big"] == 2**70


def test_dumps_takes_flasks_arguments(sqlite_client: FlaskClient) -> None:
    app = sqlite_client.application
    assert app.json.dumps({"a": 1}) == '{"a":1}'
    assert app.json.dumps({"a": 1}, indent=2) == '{\n  "a": 1\n}'
    assert app.json.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a": 2, "b": 1}'
    assert json.loads(app.json.dumps({1: "one"})) == {"1": "one"}


def test_a_debug_app_indents_its_responses(sqlite_client: FlaskClient) -> None:
    app = sqlite_client.application
    app.debug = True
    try:
        with app.app_context():
            assert app.json.response({"a": [1]}).data == b'{\n  "a": [\n    1\n  ]\n}\n'
    finally:
        app.debug = False


def test_a_worker_keeps_its_app_out_of_the_collectors_sight() -> None:
    built = Flask("built")
    server = Server(options("127.0.0.1", 0, 1), lambda: built)
    gc.unfreeze()
    try:
        assert server.load() is built
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
