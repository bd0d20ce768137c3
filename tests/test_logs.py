"""Structured logs: a JSON line per request with its id; no answer, token or code in any line.

The last test runs a whole conversation against a real server (gunicorn) at debug level,
touching every kind of endpoint with a canary in every answer, and greps everything the
server wrote for the canary, the token and the resume code.
"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.logs import JsonFormatter
from tests.test_crash import Server, answers_for, call, server_env, serving, start

CANARY = "Canary-Quokka-7719"
EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def _lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def _requests(err: str) -> list[dict[str, Any]]:
    return [e for e in _lines(err) if e["logger"] == "bearings.access"]


def test_each_request_is_one_json_line_with_its_id(client: FlaskClient,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789"})
    assert response.headers["X-Request-ID"] == "lb-0123456789"
    [entry] = _requests(capsys.readouterr().err)
    assert entry["request_id"] == "lb-0123456789" and entry["method"] == "GET"
    assert entry["path"] == "/healthz" and entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["level"] == "info"


@pytest.mark.parametrize("given", ["", "short", "has space", "x" * 65, "a;b<script>"])
def test_an_unusable_request_id_is_replaced(client: FlaskClient, given: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])
    assert _requests(capsys.readouterr().err)[0]["request_id"] == response.headers[
        "X-Request-ID"]


@pytest.mark.parametrize(("path", "logged"), [
    ("/r/7KQ2-M9XD-4T", "/r/<code>"),
    ("/resume?code=7KQ2M9XD4T", "/resume"),
    ("/api/v1/conversations/0123456789abcdef01234567", "/api/v1/conversations/<conversation_id>"),
    ("/no/such/7KQ2M9XD4T", "<unmatched>"),
])
def test_paths_are_logged_as_route_templates(client: FlaskClient, path: str, logged: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    client.get(path)
    err = capsys.readouterr().err
    assert [e["path"] for e in _requests(err)] == [logged]
    assert "7KQ2" not in err and "0123456789abcdef" not in err


def test_an_error_is_logged_by_type_and_place_never_by_message(
        make_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app: Flask = make_app()

    def boom() -> None:
        raise ValueError(f"cannot parse {CANARY}")

    app.add_url_rule("/boom", "boom", boom)
    capsys.readouterr()
    response = app.test_client().get("/boom")
    assert response.status_code == 500 and CANARY not in response.text
    err = capsys.readouterr().err
    [error] = [e for e in _lines(err) if e["level"] == "error"]
    assert error["error"] == "ValueError" and any("in boom" in w for w in error["where"])
    assert CANARY not in err


def test_the_formatter_keeps_messages_but_drops_exception_text() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("bearings.test-formatter")
    logger.addHandler(handler)
    try:
        raise KeyError(CANARY)
    except KeyError:
        logger.exception("lookup failed")
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "lookup failed" and entry["error"] == "KeyError"
    assert CANARY not in stream.getvalue()


def _walk_the_api(server: Server) -> tuple[str, set[str]]:
    """Run a conversation to the end with canary answers; return its token and request ids."""
    step, token = start(server.port)
    ids: set[str] = set()
    base = f"/api/v1/conversations/{step['id']}"
    while step["status"] == "active":
        answers = {k: (f"{v} {CANARY}" if isinstance(v, str) and k not in (
            "email", "learned_of_loss", "amount_lost", "noticed_at") else v)
            for k, v in answers_for(step["state"], "log").items()}
        status, body, headers = call(server.port, "POST", base + "/answers", {
            "state": step["state"], "version": step["version"], "answers": answers}, token)
        assert status == 200, body
        ids.add(headers["x-request-id"])
        step = body
    for suffix in ("", "/answers", "/export", "/documents", "/evidence-pack.zip",
                   "/documents/exchange-support-ticket.pdf",
                   "/documents/exchange-support-ticket.txt"):
        status, body, headers = call(server.port, "GET", base + suffix, token=token)
        assert status == 200, (suffix, body)
        ids.add(headers["x-request-id"])
    return token, ids


def _upload(server: Server, conversation_id: str, token: str) -> None:
    csv = (EXPORTS / "generic.csv").read_bytes().replace(b"coinbase", CANARY.encode())
    boundary = "canaryboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{CANARY}.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + csv + \
        f"\r\n--{boundary}--\r\n".encode()
    status, parsed, _ = call(server.port, "POST",
                             f"/api/v1/conversations/{conversation_id}/uploads", body, token,
                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 201, parsed


def _resume_and_refuse(server: Server, conversation_id: str, token: str) -> str:
    status, made, _ = call(server.port, "POST",
                           f"/widget/api/conversations/{conversation_id}/resume-code",
                           token=token)
    assert status == 200
    code = made["code"]
    assert call(server.port, "GET", f"/r/{code}")[0] == 200
    assert call(server.port, "GET", f"/resume?code={code}")[0] == 200
    assert call(server.port, "POST", "/widget/api/resume", {"code": code})[0] == 200
    refusals = [("POST", "/api/v1/calculators/capital-loss", {"filing_status": CANARY}, 422),
                ("POST", "/api/v1/letters/wire-recall?format=txt", {"full_name": CANARY}, 422),
                ("POST", "/api/v1/calculators/lots", f'{{"x": "{CANARY}"'.encode(), 400),
                ("GET", f"/widget?origin={CANARY}&title={CANARY}", None, 403),
                ("GET", f"/api/v1/conversations/{conversation_id}", None, 401)]
    for method, path, body, status in refusals:
        assert call(server.port, method, path, body, CANARY * 2)[0] == status, path
    return str(code)


@pytest.mark.slow
def test_a_whole_conversation_leaves_no_answer_token_or_code_in_the_logs(
        database_url: str, tmp_path: Path) -> None:
    env = server_env(database_url, tmp_path / "instance", BEARINGS_LOG_LEVEL="debug")
    with serving(env, tmp_path / "server.log") as server:
        token, ids = _walk_the_api(server)
        flow_id = call(server.port, "GET", "/api/v1/flows")[1][0]["id"]
        step, second = start(server.port)
        _upload(server, step["id"], second)
        code = _resume_and_refuse(server, step["id"], second)
        assert call(server.port, "DELETE", f"/api/v1/conversations/{step['id']}",
                    token=second)[0] == 204
    log = server.output()
    for secret in (CANARY, token, second, code, code.replace("-", "")):
        assert secret not in log, secret
    entries = _lines(log)
    assert flow_id == "stream" and ids <= {e.get("request_id") for e in entries}
    assert {e["status"] for e in entries if e["logger"] == "bearings.access"} >= {
        200, 201, 204, 400, 401, 403, 422}
