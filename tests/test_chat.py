"""The server-rendered chat with plain form posts: what works with JavaScript off."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.browser.engines import with_letter_flow

#: Form posts for one whole path: a partner borrowed against the house and lost it.
JOURNEY: list[tuple[str, dict[str, Any]]] = [
    ("welcome", {"situation": "partner", "funding": ["heloc"]}),
    ("secure", {"secured_steps": ["logout", "passwords"]}),
    ("proof", {"timeline": "He opened a short on July 1 and it was liquidated."}),
    ("positions", {"positions_status": "closed"}),
    ("platform", {"exchange_name": "Example Exchange"}),
    ("bank_dispute", {"learned_of_loss": "2026-11-02", "bank_statement_date": ""}),
    ("tracing_check", {"funds_withdrawn": "false"}),
    ("legal_check", {"shared_finances": "true"}),
    ("legal", {"state": "OH"}),
    ("taxes", {"tax_year": "2025", "filing_status": "married_joint",
               "short_term": "-$250,000", "long_term": "", "taxable_income": ""}),
    ("tax_result", {"tax_understood": "true"}),
    ("guardrails", {"per_trade_cap": "1,000", "cooling_off_hours": "48"}),
    ("helpers", {"professionals": ["cpa", "counselor"]}),
]


class Tags(HTMLParser):
    """Collect every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    """Return the attributes of every ``name`` tag in ``html``."""
    parser = Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def start(client: FlaskClient) -> str:
    """Start a conversation as the welcome page's button does; return its URL."""
    response = client.post("/c")
    assert response.status_code == 303
    return response.headers["Location"]


def post(client: FlaskClient, url: str, state: str, data: dict[str, Any]) -> TestResponse:
    """Answer the current step with ``data`` as the page's form would send it."""
    page = client.get(url)
    version = re.search(r'name="_version" value="(\d+)"', page.text)
    assert version and f'name="_state" value="{state}"' in page.text, page.text[:2000]
    return client.post(url, data={"_state": state, "_version": version.group(1), **data})


def walk(client: FlaskClient, url: str, until: str | None = None) -> None:
    """Answer the journey's steps in order, stopping before ``until``."""
    for state, data in JOURNEY:
        if state == until:
            return
        response = post(client, url, state, data)
        assert response.status_code == 303, response.text[:3000]


def test_a_whole_conversation_with_plain_forms(client: FlaskClient) -> None:
    url = start(client)
    seen = []
    for state, data in JOURNEY:
        page = client.get(url).text
        progress = re.search(r"Step (\d+) of (\d+)", page)
        assert progress, page[:1500]
        seen.append(int(progress.group(1)))
        assert post(client, url, state, data).status_code == 303
    final = client.get(url).text
    assert "You have worked through every step" in final
    assert "Your recovery plan" in final and "Open your printable plan" in final
    assert 'name="_state"' not in final
    assert seen == sorted(seen) and seen[0] == 1 and len(set(seen)) == len(seen)


def test_errors_are_announced_and_tied_to_their_fields(client: FlaskClient) -> None:
    url = start(client)
    response = post(client, url, "welcome", {"situation": "partner"})
    assert response.status_code == 422
    html = response.text
    assert "<title>Error: What happened?" in html
    summary = [t for t in tags(html, "div") if t.get("id") == "error-summary"][0]
    assert "autofocus" in summary and summary["tabindex"] == "-1"
    fieldset = [t for t in tags(html, "fieldset") if t.get("id") == "f-funding"][0]
    assert fieldset["aria-describedby"] == "f-funding-help f-funding-error"
    assert 'id="f-funding-error"' in html and "This question needs an answer." in html
    assert '<a href="#f-funding">Where did the money come from?</a>' in html
    checked = [t for t in tags(html, "input") if t.get("value") == "partner"][0]
    assert "checked" in checked


def test_a_step_with_one_choice_offers_quick_reply_buttons(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="positions")
    html = client.get(url).text
    buttons = [t for t in tags(html, "button") if t.get("name") == "positions_status"]
    assert [b["value"] for b in buttons] == ["closed", "open", "unsure"]
    assert all(b["type"] == "submit" and b["class"] == "reply" for b in buttons)
    assert post(client, url, "positions", {"positions_status": "open"}).status_code == 303
    assert "Contact the platform" in client.get(url).text


def test_dates_and_money_get_proper_inputs(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="bank_dispute")
    date_input = [t for t in tags(client.get(url).text, "input") if t.get("name") ==
                  "learned_of_loss"][0]
    assert date_input["type"] == "date" and date_input["aria-required"] == "true"
    walk_rest = JOURNEY[5:9]
    for state, data in walk_rest:
        post(client, url, state, data)
    html = client.get(url).text
    money = [t for t in tags(html, "input") if t.get("name") == "short_term"][0]
    assert money["type"] == "text" and money["inputmode"] == "decimal"
    year = [t for t in tags(html, "input") if t.get("name") == "tax_year"][0]
    assert (year["type"], year["min"], year["max"]) == ("number", "2024", "2026")


def test_money_forgives_dollar_signs_and_separators(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="tax_result")
    html = client.get(url).text
    assert "$3,000" in html and "$247,000" in html


def test_back_keeps_the_answers(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="proof")
    assert client.post(url + "/back").status_code == 303
    html = client.get(url).text
    assert "Stop the damage first" in html and "Your earlier answer is filled in" in html
    ticked = {t["value"] for t in tags(html, "input") if t.get("name") == "secured_steps"
              and "checked" in t}
    assert ticked == {"logout", "passwords"}


def test_review_shows_answers_as_people_read_them_and_edits_any(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="platform")
    html = client.get(url + "/review").text
    assert "A partner or family member traded without my agreement" in html
    assert "A home equity line (HELOC) or other loan" in html
    assert "Logged out of the exchange on every device, Changed the exchange" in html
    states = [t["value"] for t in tags(html, "input") if t.get("name") == "_state"]
    assert states == ["welcome", "secure", "proof", "positions"]
    assert client.post(url + "/edit", data={"_state": "welcome"}).status_code == 303
    page = client.get(url).text
    assert "What happened?" in page and "Your earlier answer is filled in" in page
    post(client, url, "welcome", {"situation": "scam", "funding": ["heloc"]})
    assert client.post(url + "/edit", data={"_state": "positions"}).status_code == 303
    assert "Is anything still open?" in client.get(url).text
    review = client.get(url + "/review").text
    assert "The platform or a contact turned out to be a scam" in review


def test_a_stale_form_lands_on_the_current_step(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="secure")
    response = client.post(url, data={"_state": "welcome", "_version": "1",
                                      "situation": "scam", "funding": ["savings"]})
    assert response.status_code == 303
    assert "Stop the damage first" in client.get(url).text


def test_save_and_resume_on_another_device(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="proof")
    assert "Make my resume code" in client.get(url + "/save").text
    saved = client.post(url + "/save").text
    code = re.search(r'id="resume-code">([0-9A-Z-]+)<', saved)
    assert code and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code.group(1))
    assert f"http://localhost/r/{code.group(1)}" in saved
    other = app.test_client()
    assert other.get(url).status_code == 401
    form = other.get(f"/r/{code.group(1)}").text
    assert f'value="{code.group(1)}"' in form
    opened = other.post("/resume", data={"code": code.group(1).lower().replace("-", " ")})
    assert opened.status_code == 303 and opened.headers["Location"] == url
    assert "Keep proof while it is fresh" in other.get(url).text


@pytest.mark.parametrize(("code", "status", "says"), [
    ("nonsense", 422, "A resume code has 10 letters and digits"),
    ("0000-0000-00", 404, "No conversation has that code"),
])
def test_a_bad_resume_code_is_explained(client: FlaskClient, code: str, status: int,
                                        says: str) -> None:
    response = client.post("/resume", data={"code": code})
    assert response.status_code == status and says in response.text
    field = [t for t in tags(response.text, "input") if t.get("name") == "code"][0]
    assert field["aria-describedby"] == "code-help code-error" and field["aria-invalid"] == "true"


def test_delete_asks_for_confirmation_then_erases_everything(app: Flask,
                                                             client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="proof")
    code = re.search(r'id="resume-code">([0-9A-Z-]+)<', client.post(url + "/save").text)
    assert code
    assert "cannot be undone" in client.get(url + "/delete").text
    refused = client.post(url + "/delete")
    assert refused.status_code == 422 and "Tick the box" in refused.text
    assert client.get(url).status_code == 200
    erased = client.post(url + "/delete", data={"confirm": "yes"})
    assert erased.status_code == 200 and "Your conversation is erased" in erased.text
    assert f"Path={url}" in erased.headers["Set-Cookie"] and "Expires=Thu, 01 Jan 1970" in \
        erased.headers["Set-Cookie"]
    assert app.test_client().post("/resume", data={"code": code.group(1)}).status_code == 404


def test_the_token_cookie_is_httponly_lax_and_scoped(client: FlaskClient) -> None:
    response = client.post("/c")
    cookie = response.headers["Set-Cookie"]
    path = response.headers["Location"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Path={path}" in cookie


def test_a_form_post_from_another_site_is_refused(client: FlaskClient) -> None:
    url = start(client)
    response = client.post(url + "/back", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert client.post(url + "/back", headers={"Sec-Fetch-Site": "same-origin"}
                       ).status_code == 303


def test_a_conversation_not_opened_here_points_to_resuming(app: Flask,
                                                           client: FlaskClient) -> None:
    url = start(client)
    response = app.test_client().get(url)
    assert response.status_code == 401 and "resume link or code" in response.text


@pytest.mark.parametrize("page", ["", "/review", "/plan", "/save", "/delete"])
def test_pages_keep_a_strict_policy_and_local_assets(client: FlaskClient, page: str) -> None:
    url = start(client)
    walk(client, url, until="taxes")
    response = client.get(url + page)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    html = response.text
    assert all(s.get("src", "").startswith("/assets/") for s in tags(html, "script"))
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_plan_draws_the_carryover_and_lists_deadlines(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url)
    html = client.get(url + "/plan").text
    assert "Your recovery plan" in html and "What to do next" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "Loss carried forward, year by year" in html
    assert "Deadlines that are running" in html and "Tell your bank that a card" in html
    assert "Married filing jointly" in html and "OH" in html
    assert "data-print" in html


def test_user_text_comes_out_as_text(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="platform")
    post(client, url, "platform", {"exchange_name": "<script>alert(1)</script>{{7*7}}"})
    for page in ("/review", "/plan"):
        html = client.get(url + page).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html
        assert "<script>alert(1)" not in html


def test_export_downloads_everything_as_json(client: FlaskClient) -> None:
    url = start(client)
    walk(client, url, until="proof")
    response = client.get(url + "/export")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    assert data["answers"]["welcome"] == {"situation": "partner", "funding": ["heloc"]}


def test_the_flow_map_shows_the_picture_and_its_source(client: FlaskClient) -> None:
    html = client.get("/flows/crypto-loss-recovery").text
    assert "<svg" in html and "stateDiagram" in html and "Stop the damage first" in html
    download = client.get("/flows/crypto-loss-recovery.svg")
    assert download.mimetype == "image/svg+xml"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="crypto-loss-recovery.svg"')
    assert client.get("/flows/nope").status_code == 404


@pytest.fixture
def letter_client(make_app: Any) -> FlaskClient:
    """Return a client of an app that also serves the short letter-check flow."""
    application: Flask = make_app(ENGINES=with_letter_flow())
    return application.test_client()


def test_letters_download_in_every_format_once_ready(letter_client: FlaskClient) -> None:
    response = letter_client.post("/c", data={"flow": "letter-check"})
    url = response.headers["Location"]
    assert "Still needs: Your full name" in letter_client.get(url).text
    refused = letter_client.get(url + "/documents/attorney-intake.pdf")
    assert refused.status_code == 422 and "Your full name" in refused.text
    post(letter_client, url, "facts", {"full_name": "Dana <b>Doe</b>", "state": "OH",
                                      "learned_of_loss": "2026-11-02",
                                      "incident_summary": "My partner traded on margin."})
    html = letter_client.get(url).text
    links = [t["href"] for t in tags(html, "a") if "/documents/" in (t.get("href") or "")]
    assert links == [f"{url}/documents/attorney-intake.{fmt}"
                     for fmt in ("pdf", "docx", "txt", "html")]
    starts = {"pdf": b"%PDF", "docx": b"PK", "txt": b"", "html": b""}
    for link in links:
        with letter_client.get(link) as letter:
            assert letter.status_code == 200, link
            assert letter.headers["Content-Disposition"].startswith("attachment;")
            assert letter.data.startswith(starts[link.rsplit(".", 1)[1]])
    with letter_client.get(url + "/documents/attorney-intake.txt") as text:
        assert "Dana <b>Doe</b>" in text.get_data(as_text=True)
    with letter_client.get(url + "/evidence-pack.zip") as pack:
        assert pack.mimetype == "application/zip" and pack.data.startswith(b"PK")
    assert letter_client.get(url + "/documents/no-such-letter.pdf").status_code == 404
    assert letter_client.get(url + "/documents/attorney-intake.exe").status_code == 404
