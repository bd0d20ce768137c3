"""The conversation API as a client uses it, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service.engine import Engine, load_flow
from service.web.uploads import NOT_TEXT

from .conftest import Driver

STEP_KEYS = {"id", "flow", "flow_version", "state", "version", "status", "stage", "progress",
             "messages", "fields", "checklist", "documents", "results", "can_go_back"}


def test_start_returns_a_step_and_a_token_once(client: FlaskClient, driver: Any) -> None:
    conv = driver()
    assert STEP_KEYS <= set(conv.step)
    assert conv.step["flow"] == "crypto-loss-recovery" and conv.step["status"] == "active"
    assert conv.step["progress"]["step"] == 1 and conv.step["can_go_back"] is False
    again = conv.get()
    assert again.status_code == 200 and "token" not in again.get_json()


def test_unknown_flow_is_named(client: FlaskClient) -> None:
    response = client.post("/api/v1/conversations", json={"flow": "nope"})
    assert response.status_code == 422
    assert "nope" in response.get_json()["errors"]["flow"][0]


def test_answers_move_on_and_progress_follows_the_branch(driver: Any) -> None:
    conv = driver()
    before = conv.step["progress"]["of"]
    conv.answer(situation="partner", funding=["heloc", "wire"])
    assert conv.step["state"] == "wire_urgent"
    assert conv.step["progress"] == {"step": 2, "of": conv.step["progress"]["of"]}
    assert conv.step["progress"]["of"] > before


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"Authorization": "Basic abc"}, 401),
    ({"Authorization": "Bearer " + "A" * 43}, 401),
])
def test_a_missing_or_wrong_token_is_401(driver: Any, client: FlaskClient,
                                         headers: dict[str, str], status: int) -> None:
    conv = driver()
    response = client.get(conv.url(), headers=headers)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "message" in response.get_json()


@pytest.mark.parametrize("conversation_id", ["0" * 24, "not-an-id", "../../etc/passwd"])
def test_an_unknown_id_is_404(driver: Any, client: FlaskClient, conversation_id: str) -> None:
    conv = driver()
    response = client.get(f"/api/v1/conversations/{conversation_id}", headers=conv.headers)
    assert response.status_code == 404 and response.get_json()["message"]


def test_a_stale_version_is_409_with_the_current_step(driver: Any, client: FlaskClient) -> None:
    conv = driver()
    old = dict(conv.step)
    conv.answer(situation="bad_trade", funding=["savings"])
    response = client.post(conv.url("/answers"), headers=conv.headers, json={
        "state": old["state"], "version": old["version"],
        "answers": {"situation": "scam", "funding": ["savings"]}})
    assert response.status_code == 409
    assert response.get_json()["current"]["state"] == conv.step["state"]


def test_invalid_answers_are_422_per_field_and_nothing_is_lost(driver: Any) -> None:
    conv = driver()
    body = conv.answer(expect=422, situation="aliens", funding="savings")
    assert set(body["errors"]) == {"situation", "funding"}
    assert conv.get().get_json()["version"] == conv.step["version"]


@pytest.mark.parametrize(("data", "content_type", "status"), [
    ("{not json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    ("NaN", "application/json", 400),
    ("[" * 5000 + "]" * 5000, "application/json", 400),
    ("state=x", "application/x-www-form-urlencoded", 415),
    ('{"state": "welcome", "version": "1", "answers": {}}', "application/json", 422),
    ('{"state": "welcome", "version": 1}', "application/json", 422),
])
def test_malformed_bodies_get_clear_4xx(driver: Any, client: FlaskClient, data: Any,
                                        content_type: str, status: int) -> None:
    conv = driver()
    response = client.post(conv.url("/answers"), headers=conv.headers, data=data,
                           content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["message"]


def test_oversized_body_is_413(make_app: Any) -> None:
    client = make_app(MAX_UPLOAD_BYTES=1000).test_client()
    response = client.post("/api/v1/calculators/capital-loss", data="x" * 200_000,
                           content_type="application/json")
    assert response.status_code == 413 and response.get_json()["message"]


def test_back_keeps_answers_and_review_lists_them(driver: Any) -> None:
    conv = driver()
    conv.answer(situation="misclick", funding=["savings"])
    step = conv.back()
    assert step["state"] == "welcome"
    assert {f["name"]: f.get("value") for f in step["fields"]} == {
        "situation": "misclick", "funding": ["savings"]}
    review = conv.get("/answers").get_json()["steps"]
    assert review[0]["state"] == "welcome"
    assert {a["name"] for a in review[0]["answers"]} == {"situation", "funding"}


def test_the_database_holds_no_answer_text(make_app: Any) -> None:
    engine = Engine(load_flow(Path(__file__).parent / "fixtures" / "flows" / "tiny.yaml"))
    app = make_app(ENGINES={"tiny": engine})
    conv = Driver(app.test_client(), "tiny")
    canary = "Canary-Zebra-4471 lost everything"
    conv.answer(name=canary, kind="a")
    with app.extensions["bearings"].store.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM conversations")).all()
    dump = repr(rows).encode()
    assert rows and b"Canary-Zebra" not in dump and b"apple" not in dump.lower()
    assert conv.token.encode() not in dump


def test_delete_erases_everything(app: Flask, driver: Any, client: FlaskClient) -> None:
    conv = driver()
    conv.answer(situation="bad_trade", funding=["savings"])
    assert client.delete(conv.url(), headers=conv.headers).status_code == 204
    assert conv.get().status_code == 404
    with app.extensions["bearings"].store.engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM conversations WHERE id = :id"),
                                  {"id": conv.id}).scalar()
    assert left == 0


def test_export_returns_everything_stored(driver: Any) -> None:
    conv = driver()
    conv.answer(situation="scam", funding=["ach"])
    data = conv.get("/export").get_json()
    assert data["answers"]["welcome"] == {"situation": "scam", "funding": ["ach"]}
    assert data["history"] == ["welcome", "secure"]


def test_concurrent_answers_to_one_step_give_one_success(app: Flask, driver: Any) -> None:
    conv = driver()
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def send(situation: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(conv.url("/answers"), headers=conv.headers, json={
            "state": "welcome", "version": 1,
            "answers": {"situation": situation, "funding": ["savings"]}})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(s,)) for s in
               ("misclick", "liquidation", "bad_trade", "takeover", "scam", "partner")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 5
    assert conv.get().get_json()["version"] == 2


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_flows_are_described(client: FlaskClient) -> None:
    flows = client.get("/api/v1/flows").get_json()
    assert [f["id"] for f in flows] == ["crypto-loss-recovery"]
    flow = client.get("/api/v1/flows/crypto-loss-recovery").get_json()
    assert {s["id"] for s in flow["stages"]} >= {"secure_accounts", "taxes", "guardrails"}
    assert all({"title", "text", "fields"} <= set(s) for s in flow["states"])
    assert client.get("/api/v1/flows/nope").status_code == 404
    diagram = client.get("/api/v1/flows/crypto-loss-recovery/diagram?format=mermaid")
    assert "stateDiagram-v2" in diagram.get_json()["source"]
    assert client.get("/api/v1/flows/crypto-loss-recovery/diagram?format=png").status_code == 422


def _upload(client: FlaskClient, conv: Any, content: bytes) -> Any:
    return client.post(conv.url("/uploads"), headers=conv.headers,
                       data={"file": (io.BytesIO(content), "export.csv")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("content", [
    b"\x00\x01\xff\xfePK\x03\x04garbage,\xc3(\n\x00x,y\n",
    bytes(range(256)) * 8,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
def test_an_upload_that_is_not_text_is_refused_in_words(driver: Any, client: FlaskClient,
                                                        content: bytes) -> None:
    response = _upload(client, driver(), content)
    assert response.status_code == 422
    message = response.get_json()["errors"]["file"][0]
    assert message == NOT_TEXT
    assert all(ch.isprintable() for ch in message) and "\ufffd" not in message


def test_bad_rows_of_an_upload_are_named_without_their_bytes(driver: Any,
                                                             client: FlaskClient) -> None:
    content = (b"id,time,type,asset,quantity,usd_value\n"
               b"1,2024-01-05T10:00:00Z,buy,btc,\x00\xff\xfe,100\n"
               b"2,2024-01-06T10:00:00Z,buy,btc,zero,100\n")
    response = _upload(client, driver(), content)
    assert response.status_code == 201, response.get_json()
    messages = [e["message"] for e in response.get_json()["errors"]]
    assert len(messages) == 2
    assert "not readable text" in messages[0]
    assert "'zero'" in messages[1]
    for message in messages:
        assert "\ufffd" not in message and "\\x00" not in message and "\x00" not in message


def test_text_letters_say_their_charset_once(driver: Any, client: FlaskClient) -> None:
    fields = json.loads((Path(__file__).parent / "golden" / "letters" / "reg-e-error-notice.json")
                        .read_text(encoding="utf-8"))
    for fmt, kind in (("txt", "text/plain"), ("html", "text/html")):
        response = client.post(f"/api/v1/letters/reg-e-error-notice?format={fmt}",
                               json=fields.get("data", fields))
        assert response.status_code == 200, response.get_json()
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
