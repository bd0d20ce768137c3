"""Schemathesis drives every operation in /api/v1/openapi.json against the real app (WSGI).

No response may be a server error, and every response must have a status, a content type and
a body that the document describes. Operations on a conversation get a fresh conversation and
its token, so the generated bodies reach the engine instead of stopping at 401 or 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import create_app, letters
from service.web.openapi import document

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return the app on a fresh SQLite database, limits off, for the whole module."""
    folder = tmp_path_factory.mktemp("schemathesis")
    application = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bearings.db'}",
                              "INSTANCE_PATH": str(folder), "RATE_LIMIT": "off",
                              "SECRET_KEY": "test-secret", "LOG_LEVEL": "warning"})
    yield application
    application.extensions["bearings"].store.dispose()


@pytest.fixture(scope="module")
def api_schema(api_app: Flask) -> Any:
    """Return the app's own OpenAPI document, loaded by Schemathesis over WSGI."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)


OPERATIONS = [(method, path) for path, item in document()["paths"].items()
              for method in item if method in ("get", "post", "put", "patch", "delete")]


EXPORT = (Path(__file__).parent / "fixtures" / "exports" / "generic.csv").read_bytes()
LETTER_TYPES = sorted(t.id for t in letters.letter_types())


def _aim(app: Flask, case: Any, letter: str) -> None:
    """Aim a case at things that exist: a fresh conversation, its current step, a letter type."""
    path = case.path_parameters if case.path_parameters is not None else {}
    if "conversation_id" in path:
        step = app.test_client().post("/api/v1/conversations", json={}).get_json()
        path["conversation_id"] = step["id"]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {step['token']}"}
        if isinstance(case.body, dict) and "state" in case.body:
            case.body = {**case.body, "state": step["state"], "version": step["version"]}
    for name in ("letter_type", "document"):
        if name in path:
            path[name] = letter
    if "flow_id" in path:
        path["flow_id"] = "crypto-loss-recovery"
    if case.media_type == "multipart/form-data":
        case.body = {"file": EXPORT}


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}"
                                                             for m, p in OPERATIONS])
def test_every_operation_answers_as_documented(api_app: Flask, api_schema: Any, method: str,
                                               path: str) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=40, deadline=None,  # no timing limits: a busy machine is no bug
              suppress_health_check=list(HealthCheck), database=None)
    @given(case=cases, aimed=st.booleans(), letter=st.sampled_from(LETTER_TYPES))
    def exchange(case: Any, aimed: bool, letter: str) -> None:
        if aimed:
            _aim(api_app, case, letter)
        case.call_and_validate(checks=CHECKS)

    exchange()
