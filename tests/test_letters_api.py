"""Letters over HTTP: the catalogue, rendering from fields, and a conversation's documents."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service import calculators, letters
from service.engine import Engine, load_flow

from .conftest import Driver

GOLDEN = Path(__file__).parent / "golden" / "letters"


def test_every_letter_type_is_listed_with_step_fields(client: FlaskClient) -> None:
    listed = client.get("/api/v1/letters").get_json()
    assert len(listed) == 16
    for entry in listed:
        assert {"type", "title", "fields"} <= set(entry)
        for field in entry["fields"]:
            assert {"name", "type", "label", "required"} <= set(field)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "txt", "html"])
def test_a_letter_renders_in_each_format(client: FlaskClient, fmt: str) -> None:
    data = json.loads((GOLDEN / "reg-e-error-notice.json").read_text(encoding="utf-8"))
    fields = data.get("data", data)
    response = client.post(f"/api/v1/letters/reg-e-error-notice?format={fmt}", json=fields)
    assert response.status_code == 200, response.get_json()
    magic = {"pdf": b"%PDF", "docx": b"PK", "txt": b"", "html": b"<!doctype"}[fmt]
    assert response.data.lower().startswith(magic.lower())


def test_missing_fields_are_named(client: FlaskClient) -> None:
    response = client.post("/api/v1/letters/heloc-suspension?format=txt", json={})
    assert response.status_code == 422
    assert "full_name" in response.get_json()["errors"]


@pytest.mark.parametrize(("path", "status"), [
    ("/api/v1/letters/no-such-letter?format=pdf", 404),
    ("/api/v1/letters/heloc-suspension?format=exe", 422),
])
def test_bad_letter_requests(client: FlaskClient, path: str, status: int) -> None:
    assert client.post(path, json={}).status_code == status



@pytest.fixture
def letters_client(make_app: Any) -> FlaskClient:
    flow = load_flow(Path(__file__).parent / "fixtures" / "flows" / "letters.yaml")
    engine = Engine(flow, calculate=calculators.run, documents=letters.documents_for,
                    check=letters.check_answers, constraints=letters.vocabulary_constraints)
    return make_app(ENGINES={flow.id: engine}).test_client()


def test_documents_list_what_they_still_need_then_render(letters_client: FlaskClient) -> None:
    conv = Driver(letters_client, "letters-test")
    assert conv.get("/documents").get_json()[0]["ready"] is False
    conv.answer(full_name="Ana {{7*7}} <b>Wałęsa</b>")
    [entry] = conv.get("/documents").get_json()
    assert entry["id"] == "exchange-support-ticket" and entry["ready"] is False
    assert {"email", "exchange_account_id"} <= set(entry["missing"])
    response = conv.get("/documents/exchange-support-ticket.pdf")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == set(entry["missing"])
    conv.back()
    conv.answer(full_name="Ana {{7*7}} <b>Wałęsa</b>", email="ana@example.com")
    described = {f["name"]: f for f in conv.step["fields"]}
    assert (described["learned_of_loss"]["min"], described["learned_of_loss"]["max"]) == (
        "2000-01-01", "2100-12-31")  # the letters' limits, enforced, so described
    assert conv.answer(expect=422, exchange_name="Kraken", exchange_account_id="AA-1",
                       learned_of_loss="1999-12-31",
                       incident_summary="x")["errors"]["learned_of_loss"]
    body = conv.answer(expect=422, exchange_name="Kraken", exchange_account_id="AA-1",
                       learned_of_loss="2025-07-03", incident_summary="A short by mistake.",
                       timeline_events="Monday he lost it")
    assert "timeline_events" in body["errors"]
    conv.answer(exchange_name="Kraken", exchange_account_id="AA-1",
                learned_of_loss="2025-07-03", incident_summary="A short by mistake.",
                timeline_events="2025-07-03; the short order filled")
    [entry] = conv.get("/documents").get_json()
    assert entry["ready"] is True and entry["urls"]["txt"].endswith(".txt")
    text = conv.get("/documents/exchange-support-ticket.txt")
    assert text.status_code == 200
    assert "Ana {{7*7}} <b>Wałęsa</b>" in text.get_data(as_text=True)
    assert "Kraken" in text.get_data(as_text=True)
    pack = zipfile.ZipFile(io.BytesIO(conv.get("/evidence-pack.zip").data))
    assert any(n.endswith(".pdf") and "exchange-support-ticket" in n for n in pack.namelist())
    assert conv.get("/documents/not-a-letter.pdf").status_code == 404


def test_the_evidence_pack_is_a_zip_with_an_index(driver: Any) -> None:
    conv = driver()
    conv.answer(situation="bad_trade", funding=["savings"])
    response = conv.get("/evidence-pack.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "index.html" in names and "reminders.ics" in names


def test_upload_and_lots_from_a_csv(driver: Any, client: FlaskClient) -> None:
    export = Path(__file__).parent / "fixtures" / "exports" / "generic.csv"
    conv = driver()
    response = client.post(conv.url("/uploads"), headers=conv.headers,
                           data={"file": (io.BytesIO(export.read_bytes()), "generic.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["format"] == "generic" and body["rows"] >= 1 and body["upload"]
    lots = client.post("/api/v1/calculators/lots?method=fifo",
                       data={"file": (io.BytesIO(export.read_bytes()), "generic.csv")},
                       content_type="multipart/form-data")
    assert lots.status_code == 200 and lots.get_json()["import"]["format"] == "generic"
    junk = client.post(conv.url("/uploads"), headers=conv.headers,
                       data={"file": (io.BytesIO(b"a,b,c\n1,2,3\n"), "x.csv")},
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and "file" in junk.get_json()["errors"]


def test_openapi_describes_every_route(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/conversations/{conversation_id}/answers",
                 "/api/v1/conversations/{conversation_id}/documents",
                 "/api/v1/conversations/{conversation_id}/evidence-pack.zip",
                 "/api/v1/letters", "/api/v1/letters/{letter_type}",
                 "/api/v1/calculators/capital-loss", "/healthz"):
        assert path in spec["paths"], path
