"""User text is data, never source: templates, markup and spreadsheet formulas come out inert.

The payloads go in as answers and letter fields and come back out through every channel: the
step's text and HTML, the chat pages, the widget, letters as TXT, HTML, PDF and DOCX, the
evidence pack's CSVs and the Form 8949 CSV.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from service import calculators
from service.calculators.lots import form_8949_csv
from tests.conftest import Driver

STREAM = Path(__file__).parent / "fixtures" / "flows" / "stream"
TEMPLATE = "{{7*7}} {% if true %}yes{% endif %} ${7*7} #{7*7} {{ config }}"
MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(2)> [link](https://evil.example)"
FORMULA = '=HYPERLINK("https://evil.example","Click")'
FORMULAS = (FORMULA, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1")
NAME = f"Dana {TEMPLATE}"
SUMMARY = f"{MARKUP} **bold** `code`"
EVALUATED = re.compile(r"\b49\b|\byes\b(?! \{%)|&lt;config|<Config")


@pytest.fixture
def app(make_app: Any) -> Flask:
    """Return the app serving the small stream flow."""
    application: Flask = make_app(FLOWS_DIR=str(STREAM))
    return application


@pytest.fixture
def hostile(client: FlaskClient) -> Driver:
    """Return a stream conversation whose first two steps hold the payloads."""
    conv = Driver(client, "stream")
    conv.answer(full_name=NAME, email="dana@example.com")
    conv.answer(exchange_name=FORMULA, exchange_account_id="user-1",
                learned_of_loss="2025-07-03", incident_summary=SUMMARY,
                timeline_events=f"2025-07-01; {FORMULA}\n2025-07-02; @SUM(A1:A2)")
    return conv


def _inert(text: str) -> None:
    """Assert a template payload came out literally and nothing of it was evaluated."""
    assert "{{7*7}}" in text and "${7*7}" in text, text[:400]
    assert not EVALUATED.search(text.replace("{% if true %}yes{% endif %}", "")), text[:400]


def test_flow_text_shows_an_answer_literally_in_text_and_html(client: FlaskClient) -> None:
    conv = Driver(client, "stream")
    step = conv.answer(full_name=f"{NAME} {MARKUP}", email="dana@example.com")
    [message] = step["messages"]
    _inert(message["text"])
    assert MARKUP in message["text"]
    html = message["html"]
    _inert(html)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and "[link](https://evil.example)" in html


def test_the_chat_pages_show_answers_as_text(client: FlaskClient, hostile: Driver) -> None:
    client.set_cookie("bearings_token", hostile.token, path=f"/c/{hostile.id}")
    for page in ("", "/review", "/plan"):
        html = client.get(f"/c/{hostile.id}{page}").text
        assert "<script>alert(1)" not in html and "<img src=x" not in html, page
    review = client.get(f"/c/{hostile.id}/review").text
    _inert(review)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review


def test_the_widget_shows_its_title_as_text(make_app: Any) -> None:
    client = make_app(ALLOWED_ORIGINS=["https://help.example.org"]).test_client()
    page = client.get("/widget", query_string={"origin": "https://help.example.org",
                                               "title": f"{TEMPLATE} <script>x</script>"}).text
    assert "{{7*7}}" in page and "<script>x</script>" not in page and " 49 " not in page


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf", "docx"])
def test_a_letter_holds_every_payload_literally(client: FlaskClient, hostile: Driver,
                                                fmt: str) -> None:
    response = hostile.get(f"/documents/exchange-support-ticket.{fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    content = _letter_text(response.data, fmt)
    _inert(content)
    assert FORMULA in content.replace("&quot;", '"').replace("&#34;", '"')
    if fmt == "html":
        assert "<script>" not in content and "<img" not in content and "<strong>" not in content
        assert "&lt;script&gt;" in content


def _letter_text(data: bytes, fmt: str) -> str:
    """Return a letter's text as a reader of that format would see it."""
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    return data.decode("utf-8")


def test_a_letter_posted_on_its_own_holds_the_payload_literally(client: FlaskClient) -> None:
    fields = {"full_name": NAME, "email": "dana@example.com", "exchange_name": FORMULA,
              "exchange_account_id": "user-1",
              "learned_of_loss": "2025-07-03", "incident_summary": SUMMARY}
    response = client.post("/api/v1/letters/exchange-support-ticket?format=html", json=fields)
    assert response.status_code == 200, response.get_json()
    _inert(response.text)
    assert "<script>alert(1)" not in response.text


def _unsafe(cell: str) -> bool:
    """Return whether a spreadsheet would run the cell as a formula."""
    plain_number = re.fullmatch(r"-?\d+(\.\d+)?", cell)
    return cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not plain_number


def _csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return [cell for row in rows for cell in row]


def test_the_evidence_pack_csvs_hold_no_live_formula(hostile: Driver) -> None:
    response = hostile.get("/evidence-pack.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as pack:
        tables = [name for name in pack.namelist() if name.endswith(".csv")]
        cells = [c for name in tables for c in _csv_cells(pack.read(name))]
    assert "timeline.csv" in tables
    assert f"'{FORMULA}" in cells and "'@SUM(A1:A2)" in cells
    assert [c for c in cells if _unsafe(c)] == []


def test_the_form_8949_csv_holds_no_live_formula() -> None:
    result = calculators.run("lots", {"method": "fifo", "transactions": [
        {"id": "b", "time": "2024-01-05T10:00:00Z", "type": "buy", "asset": "BTC",
         "quantity": "1", "usd_value": "100.00", "wallet": "w"},
        {"id": "s", "time": "2025-02-05T10:00:00Z", "type": "sell", "asset": "BTC",
         "quantity": "1", "usd_value": "40.00", "wallet": "w"}]})
    assert [c for c in _csv_cells(form_8949_csv(result).encode()) if _unsafe(c)] == []
    crafted = {"disposals": [{**result["disposals"][0], "form_8949_box": payload,
                              "asset": payload, "quantity": payload, "acquired": payload}
                             for payload in FORMULAS]}
    cells = _csv_cells(form_8949_csv(crafted).encode())
    assert [c for c in cells if _unsafe(c)] == [] and f"'{FORMULA}" in cells
