"""Headers, cookies, who may open what, a copy of the database, erasure and export.

Each test here is named in docs/security.md beside the defence it shows.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service.store import crypto
from service.store.models import metadata
from tests.conftest import Driver

CANARY = "Canary-Wombat-3307"
ORIGIN = "https://help.example.org"
EXPORTS = Path(__file__).parent / "fixtures" / "exports"
STREAM = Path(__file__).parent / "fixtures" / "flows" / "stream"
FIRST = {"full_name": f"Dana {CANARY}", "email": "dana@example.com"}


@pytest.fixture
def app(make_app: Any) -> Flask:
    """Return the app serving the small stream flow (the shipped flow is for its own tests)."""
    application: Flask = make_app(FLOWS_DIR=str(STREAM))
    return application


@pytest.fixture
def driver(client: FlaskClient) -> Any:
    """Return a factory of drivers of stream conversations."""
    return lambda: Driver(client, "stream")


# -- headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/api/v1/flows", "/api/v1/openapi.json", "/healthz",
                                  "/no/such/page", "/api/v1/nope", "/assets/chat.css",
                                  "/embed.js", "/widget?origin=https://evil.example"])
def test_every_response_says_nosniff_no_referrer_and_has_a_policy(client: FlaskClient,
                                                                  path: str) -> None:
    with client.get(path) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_json_may_not_be_framed_or_run_as_a_page(client: FlaskClient) -> None:
    policy = client.get("/api/v1/flows").headers["Content-Security-Policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'; sandbox"


def _nonce(policy: str) -> str:
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found, policy
    return found.group(1)


def test_pages_run_only_their_own_scripts_with_a_fresh_nonce(client: FlaskClient) -> None:
    first, second = client.get("/"), client.get("/")
    policy = first.headers["Content-Security-Policy"]
    nonce = _nonce(policy)
    assert nonce != _nonce(second.headers["Content-Security-Policy"])
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    for tag in re.findall(r"<script\b[^>]*>", first.text):
        assert "src=" in tag or f'nonce="{nonce}"' in tag


def test_only_allowed_origins_may_frame_the_widget(make_app: Any) -> None:
    client = make_app(ALLOWED_ORIGINS=[ORIGIN]).test_client()
    framed = client.get("/widget", query_string={"origin": ORIGIN})
    assert framed.status_code == 200
    assert f"frame-ancestors 'self' {ORIGIN}" in framed.headers["Content-Security-Policy"]
    refused = client.get("/widget", query_string={"origin": "https://evil.example"})
    assert refused.status_code == 403
    assert "evil.example" not in refused.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]


def test_the_api_is_never_cached(client: FlaskClient, driver: Any) -> None:
    conv = driver()
    assert conv.get().headers["Cache-Control"] == "no-store"
    assert conv.get("/export").headers["Cache-Control"] == "no-store"


# -- cookies ---------------------------------------------------------------------------------

def _cookies_of_a_visit(client: FlaskClient, **kwargs: Any) -> list[str]:
    """Start in the chat, answer, save a resume code, resume it and erase; return Set-Cookie."""
    started = client.post("/c", data={"flow": "stream"}, **kwargs)
    url = started.headers["Location"]
    client.post(url, data={"_state": "who", "_version": "1", **FIRST}, **kwargs)
    saved = client.post(url + "/save", **kwargs).text
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", saved)
    assert code, saved
    resumed = client.post("/resume", data={"code": code.group(0)}, **kwargs)
    erased = client.post(url + "/delete", data={"confirm": "yes"}, **kwargs)
    return [c for r in (started, resumed, erased) for c in r.headers.getlist("Set-Cookie")]


def test_every_cookie_is_httponly_samesite_and_scoped_to_its_conversation(
        client: FlaskClient) -> None:
    cookies = _cookies_of_a_visit(client)
    assert len(cookies) == 3
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert re.search(r"Path=/c/[0-9a-f]{24}", cookie)


def test_over_https_cookies_are_secure_and_hsts_is_sent(client: FlaskClient) -> None:
    cookies = _cookies_of_a_visit(client, base_url="https://bearings.example")
    assert cookies and all("Secure" in c for c in cookies)
    response = client.get("/", base_url="https://bearings.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_trusted_proxy_its_https_makes_cookies_secure(make_app: Any) -> None:
    client = make_app(TRUSTED_PROXIES=1, FLOWS_DIR=str(STREAM)).test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    started = client.post("/c", data={"flow": "stream"}, headers=forwarded)
    assert "Secure" in started.headers["Set-Cookie"]
    assert "HttpOnly" in started.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in client.get("/", headers=forwarded).headers


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(client: FlaskClient) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    response = client.post("/c", data={"flow": "stream"}, headers=forwarded)
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "evil.example" not in response.headers["Location"]
    assert "Strict-Transport-Security" not in response.headers


# -- who may open what ---------------------------------------------------------------------

def _conversation_urls(app: Flask, conversation_id: str) -> list[tuple[str, str]]:
    """Return (method, url) for every API and widget route on one conversation."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "conversation_id" not in rule.arguments or not rule.rule.startswith(
                ("/api/", "/widget/api/")):
            continue
        values = {"conversation_id": conversation_id, "document": "exchange-support-ticket",
                  "fmt": "pdf"}
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], url)
        url = re.sub(r"<any\([^)]*\):fmt>", "pdf", url)
        urls += [(method, url) for method in sorted(rule.methods or ()) if method in (
            "GET", "POST", "DELETE")]
    return urls


def test_another_conversations_token_opens_nothing(app: Flask, client: FlaskClient,
                                                   driver: Any) -> None:
    mine, theirs = driver(), driver()
    mine.answer(**FIRST)
    urls = _conversation_urls(app, mine.id)
    assert len(urls) >= 12
    bodies = {"answers": {"state": "who", "version": 1, "answers": FIRST},
              "revisit": {"state": "who"}}
    for method, url in urls:
        body = bodies.get(url.rsplit("/", 1)[-1], {})
        for headers in ({"Authorization": f"Bearer {theirs.token}"}, {}):
            response = client.open(url, method=method, headers=headers, json=body)
            assert response.status_code == 401, (method, url, response.status_code)
    assert mine.get().get_json()["version"] == mine.step["version"]


def test_another_conversations_cookie_opens_no_chat_page(app: Flask, client: FlaskClient,
                                                         driver: Any) -> None:
    mine, theirs = driver(), driver()
    client.set_cookie("bearings_token", theirs.token, path=f"/c/{mine.id}")
    for page in ("", "/review", "/plan", "/save", "/export", "/delete",
                 "/documents/exchange-support-ticket.pdf"):
        assert client.get(f"/c/{mine.id}{page}").status_code == 401, page
    assert client.post(f"/c/{mine.id}/delete", data={"confirm": "yes"}).status_code == 401
    assert mine.get().status_code == 200


# -- a copy of the database ------------------------------------------------------------------

def _dump(app: Flask) -> bytes:
    """Return every row of every table, as someone with a copy of the database sees them."""
    rows = []
    with app.extensions["bearings"].store.engine.connect() as connection:
        for table in [*metadata.tables, "alembic_version"]:
            rows += connection.execute(text(f"SELECT * FROM {table}")).all()
    return repr(rows).encode()


def _upload(client: FlaskClient, conv: Any) -> Any:
    content = (EXPORTS / "generic.csv").read_bytes().replace(b"ledger", CANARY.encode())
    response = client.post(conv.url("/uploads"), headers=conv.headers,
                           data={"file": (io.BytesIO(content), "export.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_copy_of_the_database_holds_no_answer_token_code_or_upload(
        app: Flask, client: FlaskClient, driver: Any) -> None:
    conv = driver()
    conv.answer(**FIRST)
    conv.answer(exchange_name="Coinbase", exchange_account_id="user-4471",
                learned_of_loss="2025-07-03", incident_summary=f"It went wrong {CANARY}")
    _upload(client, conv)
    code = client.post(f"/widget/api/conversations/{conv.id}/resume-code",
                       headers=conv.headers).get_json()["code"]
    dump = _dump(app)
    assert conv.id.encode() in dump  # the rows are there ...
    for secret in (CANARY, conv.token, code, code.replace("-", ""), "Coinbase", "user-4471",
                   "dana@example.com", "2025-07-03"):
        assert secret.encode() not in dump, secret  # ... but nothing a person typed


def test_the_stored_token_hash_and_payload_open_nothing_without_the_token(
        app: Flask, driver: Any) -> None:
    conv = driver()
    conv.answer(**FIRST)
    with app.extensions["bearings"].store.engine.connect() as connection:
        token_hash, payload = connection.execute(text(
            "SELECT token_hash, payload FROM conversations WHERE id = :id"),
            {"id": conv.id}).one()
    assert token_hash == crypto.token_hash(conv.token) and len(conv.token) >= 43
    with pytest.raises(crypto.Undecryptable):
        crypto.unseal(crypto.derive_key(crypto.new_token(), conv.id), bytes(payload), conv.id)
    with pytest.raises(crypto.Undecryptable):  # bound to its row: another id does not open it
        crypto.unseal(crypto.derive_key(conv.token, "0" * 24), bytes(payload), "0" * 24)


def test_a_tampered_payload_is_refused_not_a_crash(app: Flask, driver: Any) -> None:
    conv = driver()
    conv.answer(**FIRST)
    engine = app.extensions["bearings"].store.write_engine
    with engine.begin() as connection:
        payload = bytes(connection.execute(text(
            "SELECT payload FROM conversations WHERE id = :id"), {"id": conv.id}).scalar_one())
        flipped = payload[:-1] + bytes([payload[-1] ^ 1])
        connection.execute(text("UPDATE conversations SET payload = :p WHERE id = :id"),
                           {"p": flipped, "id": conv.id})
    assert conv.get().status_code == 401
    assert conv.get("/answers").status_code == 401


# -- erasure, retention and export -----------------------------------------------------------

def _count(app: Flask, conversation_id: str) -> int:
    with app.extensions["bearings"].store.engine.connect() as connection:
        return sum(connection.execute(text(query), {"id": conversation_id}).scalar_one()
                   for query in ("SELECT count(*) FROM conversations WHERE id = :id",
                                 "SELECT count(*) FROM uploads WHERE conversation_id = :id"))


def test_delete_erases_the_conversation_its_uploads_and_its_resume_code(
        app: Flask, client: FlaskClient, driver: Any) -> None:
    conv = driver()
    conv.answer(**FIRST)
    _upload(client, conv)
    code = client.post(f"/widget/api/conversations/{conv.id}/resume-code",
                       headers=conv.headers).get_json()["code"]
    assert _count(app, conv.id) == 2
    assert client.delete(conv.url(), headers=conv.headers).status_code == 204
    assert _count(app, conv.id) == 0
    assert conv.get().status_code == 404
    assert client.post("/widget/api/resume", json={"code": code}).status_code == 404


def test_purge_erases_only_conversations_past_retention(app: Flask, driver: Any,
                                                        database_url: str,
                                                        tmp_path: Path) -> None:
    old, recent = driver(), driver()
    with app.extensions["bearings"].store.write_engine.begin() as connection:
        connection.execute(text("UPDATE conversations SET updated_at = :t WHERE id = :id"),
                           {"t": datetime.now(UTC) - timedelta(days=91), "id": old.id})
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEARINGS_")}
    env.update(BEARINGS_DATABASE_URL=database_url, BEARINGS_RETENTION_DAYS="90",
               BEARINGS_INSTANCE_PATH=str(tmp_path / "purge"))
    purged = subprocess.run([sys.executable, "-m", "service.cli", "purge"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert purged.returncode == 0, purged.stderr
    assert "untouched for 90 day(s)" in purged.stdout
    assert _count(app, old.id) == 0 and old.get().status_code == 404
    assert recent.get().status_code == 200


def test_export_holds_every_answer_result_and_upload(client: FlaskClient, driver: Any) -> None:
    conv = driver()
    conv.answer(**FIRST)
    upload = _upload(client, conv)
    exported = conv.get("/export")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    data = exported.get_json()
    assert data["answers"]["who"] == FIRST and data["id"] == conv.id
    [kept] = data["uploads"]
    assert kept["upload"] == upload["upload"]
    assert CANARY in repr(kept["data"]["transactions"])


def test_every_test_the_threat_model_names_exists() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", doc)
    assert len(named) >= 60
    for path, function in named:
        source = (Path(__file__).parent.parent / path).read_text(encoding="utf-8")
        assert not function or re.search(rf"^def {function}\(", source, re.M), (path, function)
