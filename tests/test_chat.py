"""The server-rendered chat with plain form posts: what works with JavaScript off.

The conversation follows the story in tests/browser/story.py along whatever path the shipped
flow takes for it; details of inputs are checked on the short letter-check flow."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.store import Access
from tests.browser.engines import with_letter_flow
from tests.browser.story import form_data, shown_choice, value_for


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


def start(client: FlaskClient, flow: str | None = None) -> str:
    """Start a conversation as the welcome page's button does; return its URL."""
    response = client.post("/c", data={"flow": flow} if flow else {})
    assert response.status_code == 303
    return response.headers["Location"]


def current(app: Flask, client: FlaskClient, url: str) -> dict[str, Any]:
    """Return the conversation's current step, opened with the browser's cookie."""
    cookie = client.get_cookie("bearings_token", path=url)
    assert cookie is not None
    step: dict[str, Any] = app.extensions["bearings"].step(Access(url.rsplit("/", 1)[1],
                                                                  cookie.value))
    return step


def post(client: FlaskClient, url: str, step: dict[str, Any],
         data: dict[str, Any] | None = None) -> TestResponse:
    """Answer ``step`` as its form would: the story's answers unless ``data`` is given."""
    answers = form_data(step) if data is None else data
    return client.post(url, data={"_state": step["state"], "_version": str(step["version"]),
                                  **answers})


def walk(app: Flask, client: FlaskClient, url: str, steps: int = 200) -> list[dict[str, Any]]:
    """Answer up to ``steps`` steps of the story; return the steps answered."""
    seen: list[dict[str, Any]] = []
    while len(seen) < steps:
        step = current(app, client, url)
        if step["status"] == "complete":
            return seen
        response = post(client, url, step)
        assert response.status_code == 303, (step["state"], response.text[:3000])
        seen.append(step)
    return seen


@pytest.fixture
def letter_app(make_app: Any) -> Flask:
    """Return an app that also serves the short letter-check flow."""
    application: Flask = make_app(ENGINES=with_letter_flow())
    return application


def test_a_whole_conversation_with_plain_forms(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    numbers = []
    for _ in range(200):
        step = current(app, client, url)
        page = client.get(url).text
        if step["status"] == "complete":
            break
        assert f"<h1 id=\"step-title\" tabindex=\"-1\">{step['title']}</h1>" in page
        count = re.search(r"Step (\d+) of (\d+)", page)
        assert count and (int(count.group(1)), int(count.group(2))) == (
            step["progress"]["step"], step["progress"]["of"])
        numbers.append(step["progress"]["step"])
        assert post(client, url, step).status_code == 303
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert "Open your printable plan" in page and 'name="_state"' not in page
    assert step["title"] in page


def test_errors_are_announced_and_tied_to_their_fields(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    step = current(app, client, url)
    required = [f for f in step["fields"] if f["required"]]
    assert required
    response = post(client, url, step, {})
    assert response.status_code == 422
    html = response.text
    assert f"<title>Error: {step['title']}" in html
    summary = [t for t in tags(html, "div") if t.get("id") == "error-summary"][0]
    assert "autofocus" in summary and summary["tabindex"] == "-1"
    described = {t.get("id"): t.get("aria-describedby") or "" for t in
                 tags(html, "fieldset") + tags(html, "input") + tags(html, "select")
                 + tags(html, "textarea")}
    for field in required:
        assert f'id="f-{field["name"]}-error"' in html
        assert f"f-{field['name']}-error" in described[f"f-{field['name']}"].split()
        assert f'<a href="#f-{field["name"]}">{field["label"]}</a>' in html


def test_a_step_with_one_choice_offers_quick_reply_buttons(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "letter-check")
    buttons = [t for t in tags(client.get(url).text, "button") if t.get("name") == "state"]
    assert [b["value"] for b in buttons] == ["OH", "PA"]
    assert all(b["type"] == "submit" and b["class"] == "reply" for b in buttons)
    assert post(client, url, current(letter_app, client, url), {"state": "PA"}).status_code == 303
    assert "What the lawyer needs to know" in client.get(url).text
    client.post(url + "/back")
    chosen = [t for t in tags(client.get(url).text, "button") if "chosen" in (t["class"] or "")]
    assert [b["value"] for b in chosen] == ["PA"]


def test_dates_and_money_get_proper_inputs_and_money_forgives(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "letter-check")
    post(client, url, current(letter_app, client, url), {"state": "OH"})
    inputs = {t["name"]: t for t in tags(client.get(url).text, "input") if t.get("name")}
    assert (inputs["learned_of_loss"]["type"], inputs["learned_of_loss"]["min"],
            inputs["learned_of_loss"]["max"]) == ("date", "2000-01-01", "2100-12-31")
    assert inputs["learned_of_loss"]["aria-required"] == "true"
    assert (inputs["loss_amount"]["type"], inputs["loss_amount"]["inputmode"]) == (
        "text", "decimal")
    post(client, url, current(letter_app, client, url), {
        "full_name": "Dana Doe", "learned_of_loss": "2026-11-02", "loss_amount": "$250,000",
        "incident_summary": "My partner traded our savings."})
    assert "$250,000" in client.get(url + "/review").text
    assert "November 2, 2026" in client.get(url + "/review").text
    assert json.loads(client.get(url + "/export").data)["answers"]["facts"][
        "loss_amount"] == "250000.00"


def test_back_keeps_the_answers(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    seen = walk(app, client, url, steps=2)
    assert client.post(url + "/back").status_code == 303
    html = client.get(url).text
    assert seen[1]["title"] in html and "Your earlier answer is filled in" in html
    for spec in seen[1]["fields"]:
        value = value_for(spec)
        if spec["type"] in ("choice", "multichoice") and value is not None:
            ticked = {t["value"] for t in tags(html, "input")
                      if t.get("name") == spec["name"] and "checked" in t}
            assert ticked == set(value if isinstance(value, list) else [value])


def test_review_shows_answers_as_people_read_them_and_edits_any(app: Flask,
                                                                client: FlaskClient) -> None:
    url = start(client)
    seen = walk(app, client, url, steps=3)
    first = seen[0]
    situation = next(f for f in first["fields"] if f["type"] == "choice")
    html = client.get(url + "/review").text
    assert shown_choice(situation, value_for(situation)) in html
    states = [t["value"] for t in tags(html, "input") if t.get("name") == "_state"]
    assert states == [s["state"] for s in seen]
    assert client.post(url + "/edit", data={"_state": first["state"]}).status_code == 303
    assert current(app, client, url)["state"] == first["state"]
    assert "Your earlier answer is filled in" in client.get(url).text
    client.post(url + "/edit", data={"_state": seen[2]["state"]})
    assert current(app, client, url)["state"] == seen[2]["state"]
    client.post(url + "/edit", data={"_state": first["state"]})
    other = next(c for c in situation["choices"] if c["value"] != value_for(situation))
    post(client, url, current(app, client, url), {**form_data(first),
                                                  situation["name"]: other["value"]})
    assert other["label"] in client.get(url + "/review").text


def test_a_stale_form_lands_on_the_current_step(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    first = walk(app, client, url, steps=1)[0]
    now = current(app, client, url)
    assert post(client, url, first).status_code == 303
    assert current(app, client, url)["state"] == now["state"]


def test_save_and_resume_on_another_device(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    walk(app, client, url, steps=2)
    here = current(app, client, url)
    assert "Make my resume code" in client.get(url + "/save").text
    saved = client.post(url + "/save").text
    code = re.search(r'id="resume-code">([0-9A-Z-]+)<', saved)
    assert code and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code.group(1))
    assert f"http://localhost/r/{code.group(1)}" in saved
    other = app.test_client()
    assert other.get(url).status_code == 401
    assert f'value="{code.group(1)}"' in other.get(f"/r/{code.group(1)}").text
    opened = other.post("/resume", data={"code": code.group(1).lower().replace("-", " ")})
    assert opened.status_code == 303 and opened.headers["Location"] == url
    assert here["title"] in other.get(url).text


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
    walk(app, client, url, steps=1)
    code = re.search(r'id="resume-code">([0-9A-Z-]+)<', client.post(url + "/save").text)
    assert code
    assert "cannot be undone" in client.get(url + "/delete").text
    refused = client.post(url + "/delete")
    assert refused.status_code == 422 and "Tick the box" in refused.text
    assert client.get(url).status_code == 200
    erased = client.post(url + "/delete", data={"confirm": "yes"})
    assert erased.status_code == 200 and "Your conversation is erased" in erased.text
    assert f"Path={url}" in erased.headers["Set-Cookie"]
    assert "Expires=Thu, 01 Jan 1970" in erased.headers["Set-Cookie"]
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
def test_pages_keep_a_strict_policy_and_local_assets(app: Flask, client: FlaskClient,
                                                     page: str) -> None:
    url = start(client)
    walk(app, client, url, steps=4)
    response = client.get(url + page)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    html = response.text
    assert all((s.get("src") or "").startswith("/assets/") for s in tags(html, "script"))
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_plan_draws_the_figures_and_lists_deadlines(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    walk(app, client, url)
    results = current(app, client, url)["results"]
    html = client.get(url + "/plan").text
    assert "Your recovery plan" in html and "What to do next" in html
    assert results["capital-loss"]["projection"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert html.count("Loss carried forward, year by year") == 2  # wide and narrow
    for deadline in (results.get("deadlines") or {}).get("deadlines", []):
        assert deadline["title"] in html
    if "loss-summary" in results and results["loss-summary"]["by_source"]:
        assert "Where the loss came from" in html
    assert "Married filing jointly" in html and "data-print" in html


def test_user_text_comes_out_as_text(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "letter-check")
    post(client, url, current(letter_app, client, url), {"state": "OH"})
    post(client, url, current(letter_app, client, url), {
        "full_name": "<script>alert(1)</script>{{7*7}}", "learned_of_loss": "2026-11-02",
        "incident_summary": "<img src=x onerror=alert(2)>"})
    for page in ("/review", "/plan"):
        html = client.get(url + page).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_export_downloads_everything_as_json(app: Flask, client: FlaskClient) -> None:
    url = start(client)
    first = walk(app, client, url, steps=1)[0]
    response = client.get(url + "/export")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    stored = json.loads(response.data)["answers"][first["state"]]
    assert stored == {s["name"]: value_for(s) for s in first["fields"]
                      if value_for(s) is not None}


def test_the_flow_map_shows_the_picture_and_its_source(app: Flask, client: FlaskClient) -> None:
    flow = app.extensions["bearings"].engine("crypto-loss-recovery").flow
    html = client.get("/flows/crypto-loss-recovery").text
    assert "<svg" in html and "stateDiagram" in html
    assert all(state.title in html for state in flow.states.values())
    download = client.get("/flows/crypto-loss-recovery.svg")
    assert download.mimetype == "image/svg+xml"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="crypto-loss-recovery.svg"')
    assert client.get("/flows/nope").status_code == 404


def test_letters_download_in_every_format_once_ready(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "letter-check")
    post(client, url, current(letter_app, client, url), {"state": "OH"})
    assert "Still needs: Your full name" in client.get(url).text
    refused = client.get(url + "/documents/attorney-intake.pdf")
    assert refused.status_code == 422 and "Your full name" in refused.text
    post(client, url, current(letter_app, client, url), {
        "full_name": "Dana <b>Doe</b>", "learned_of_loss": "2026-11-02",
        "incident_summary": "My partner traded on margin."})
    links = [t["href"] for t in tags(client.get(url).text, "a")
             if "/documents/" in (t.get("href") or "")]
    assert links == [f"{url}/documents/attorney-intake.{fmt}"
                     for fmt in ("pdf", "docx", "txt", "html")]
    starts = {"pdf": b"%PDF", "docx": b"PK", "txt": b"", "html": b""}
    for link in links:
        with client.get(link) as letter:
            assert letter.status_code == 200, link
            assert letter.headers["Content-Disposition"].startswith("attachment;")
            assert letter.data.startswith(starts[link.rsplit(".", 1)[1]])
    with client.get(url + "/documents/attorney-intake.txt") as text:
        assert "Dana <b>Doe</b>" in text.get_data(as_text=True)
        assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    with client.get(url + "/documents/attorney-intake.html") as page:
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    with client.get(url + "/evidence-pack.zip") as pack:
        assert pack.mimetype == "application/zip" and pack.data.startswith(b"PK")
    assert client.get(url + "/documents/no-such-letter.pdf").status_code == 404
    assert client.get(url + "/documents/attorney-intake.exe").status_code == 404


ADDRESS = "1 Main St\nColumbus, OH 43004"
SUMMARY = "July 1: he opened a short.\nJuly 2: <b>it</b> was liquidated."
CHANGE_FORMS = {
    "what": {"what": ["wire", "trade"]},
    "wire": {"loss_amount": "5,000", "mailing_address": ADDRESS},
    "facts": {"full_name": "Dana Doe", "state": "OH", "learned_of_loss": "2026-11-02",
              "incident_summary": SUMMARY},
    "habits": {},
    "trades": {},
}


def walk_change_flow(app: Flask, client: FlaskClient, until: str | None = None) -> str:
    """Answer the change-check flow up to step ``until`` (None: to its end); return its URL."""
    url = start(client, "change-check")
    for _ in range(10):
        step = current(app, client, url)
        if step["state"] == until or (until is None and step["status"] == "complete"):
            return url
        assert post(client, url, step, CHANGE_FORMS[step["state"]]).status_code == 303
    raise AssertionError(f"the change-check flow did not reach {until or 'its end'}")


def finish_change_flow(app: Flask, client: FlaskClient) -> str:
    """Answer every step of the change-check flow; return the conversation's URL."""
    return walk_change_flow(app, client)


def letter_links(html: str) -> list[str]:
    return sorted({t["href"].rsplit("/", 1)[1].split(".")[0] for t in tags(html, "a")
                   if "/documents/" in (t.get("href") or "")})


def test_changing_an_answer_from_review_keeps_the_plan_and_letters(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = finish_change_flow(letter_app, client)
    assert letter_links(client.get(url).text) == ["attorney-intake", "police-ic3-report"]
    edit = client.post(url + "/edit", data={"_state": "what"})
    assert edit.status_code == 303 and edit.headers["Location"].endswith("?change=1")
    page = client.get(edit.headers["Location"]).text
    assert '<input type="hidden" name="_change" value="1">' in page
    assert "you go straight on to the next question" in page
    step = current(letter_app, client, url)
    assert step["state"] == "what"
    response = post(client, url, step, {"what": ["trade"], "_change": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("?changed=1")
    after = current(letter_app, client, url)
    assert after["status"] == "complete" and after["progress"] == {"step": 5, "of": 5}
    html = client.get(response.headers["Location"]).text
    assert "Your change is saved" in html and "your plan and\n  letters are up to date" in html
    assert letter_links(html) == ["attorney-intake"]  # the wire's police report no longer applies
    assert "You are at step" not in client.get(url + "/plan").text
    assert "The wire" not in client.get(url + "/review").text


def test_a_change_that_opens_a_branch_stops_at_its_first_question(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "change-check")
    post(client, url, current(letter_app, client, url), {"what": ["trade"]})
    for state in ("facts", "habits", "trades"):
        post(client, url, current(letter_app, client, url), CHANGE_FORMS[state])
    client.post(url + "/edit", data={"_state": "what"})
    post(client, url, current(letter_app, client, url), {"what": ["wire"], "_change": "1"})
    assert current(letter_app, client, url)["state"] == "wire"
    assert "This\n  question still needs an answer" in client.get(url + "?changed=1").text
    refused = post(client, url, current(letter_app, client, url), {"_change": "1"})
    assert refused.status_code == 422 and 'name="_change" value="1"' in refused.text
    post(client, url, current(letter_app, client, url), {**CHANGE_FORMS["wire"], "_change": "1"})
    assert current(letter_app, client, url)["status"] == "complete"


def test_plain_back_and_continue_still_go_one_step_on(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = finish_change_flow(letter_app, client)
    for _ in range(4):
        client.post(url + "/back")
    post(client, url, current(letter_app, client, url), CHANGE_FORMS["what"])
    assert current(letter_app, client, url)["state"] == "wire"


def test_multi_line_answers_keep_their_line_breaks_escaped(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = finish_change_flow(letter_app, client)
    shown_summary = "July 1: he opened a short.<br>\nJuly 2: &lt;b&gt;it&lt;/b&gt; was liquidated."
    for page in ("/review", "/plan"):
        html = client.get(url + page).text
        assert "1 Main St<br>\nColumbus, OH 43004" in html, page
        assert shown_summary in html and "<b>it</b>" not in html, page
    client.post(url + "/edit", data={"_state": "wire"})
    post(client, url, current(letter_app, client, url), CHANGE_FORMS["wire"])
    bubble = client.get(url).text.split('class="message you"', 1)[1].split("</li>", 1)[0]
    assert "1 Main St<br>\nColumbus, OH 43004" in bubble


def test_a_step_with_nothing_to_answer_shows_no_empty_answer_bubble(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = start(client, "change-check")
    post(client, url, current(letter_app, client, url), {"what": ["trade"]})
    post(client, url, current(letter_app, client, url), CHANGE_FORMS["facts"])
    assert 'class="message you"' in client.get(url).text  # after facts: the answers
    post(client, url, current(letter_app, client, url), {})
    html = client.get(url).text
    assert current(letter_app, client, url)["state"] == "trades"
    assert "Small habits" in html and 'class="message you"' not in html
    review = client.get(url + "/review").text
    assert "Small habits" not in review and "What the lawyer needs to know" in review


EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def at_trades(app: Flask, client: FlaskClient) -> str:
    """Answer the change-check flow up to its upload step; return the conversation's URL."""
    return walk_change_flow(app, client, "trades")


def send_file(client: FlaskClient, url: str, step: dict[str, Any], name: str,
              content: bytes) -> TestResponse:
    return client.post(url, content_type="multipart/form-data", data={
        "_state": step["state"], "_version": str(step["version"]),
        "trades_file": (io.BytesIO(content), name)})


@pytest.mark.parametrize(("export", "shown"), [
    ("coinbase.csv", "Coinbase transaction history file"),
    ("kraken_trades.csv", "Kraken trades file"),
    ("generic.csv", "Generic CSV file"),
])
def test_a_file_field_uploads_a_csv_with_plain_forms(letter_app: Flask, export: str,
                                                    shown: str) -> None:
    client = letter_app.test_client()
    url = at_trades(letter_app, client)
    html = client.get(url).text
    form = [t for t in tags(html, "form") if t.get("class") == "answer"][0]
    assert form["enctype"] == "multipart/form-data"
    control = [t for t in tags(html, "input") if t.get("name") == "trades_file"][0]
    assert control["type"] == "file" and ".csv" in (control["accept"] or "")
    step = current(letter_app, client, url)
    response = send_file(client, url, step, export, (EXPORTS / export).read_bytes())
    assert response.status_code == 303, response.text[:2000]
    upload_id = current(letter_app, client, url)["status"] and json.loads(
        client.get(url + "/export").data)["answers"]["trades"]["trades_file"]
    assert response.headers["Location"].endswith(f"?read={upload_id}")
    page = client.get(response.headers["Location"]).text
    assert f"Your file is read: a {shown}" in page and 'role="status"' in page
    assert shown in client.get(url + "/review").text
    assert upload_id not in client.get(url + "/review").text


def test_a_bad_file_gets_a_kind_error_and_the_step_stays(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = at_trades(letter_app, client)
    step = current(letter_app, client, url)
    response = send_file(client, url, step, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    assert response.status_code == 422
    assert "This file is not a CSV text file." in response.text
    assert "\ufffd" not in response.text and "\x00" not in response.text
    assert current(letter_app, client, url)["state"] == "trades"
    assert 'id="f-trades_file-error"' in response.text


def test_bad_rows_are_named_and_a_kept_file_stays_on_going_back(letter_app: Flask) -> None:
    client = letter_app.test_client()
    url = at_trades(letter_app, client)
    content = (EXPORTS / "generic.csv").read_bytes() + b"x9,2024-13-45T00:00:00Z,buy,btc,1,5,0,\n"
    response = send_file(client, url, current(letter_app, client, url), "mine.csv", content)
    page = client.get(response.headers["Location"]).text
    assert "3 rows were not read, so they are left out of your figures:" in page
    assert "Row 8: The time &#39;2024-13-45T00:00:00Z&#39; is not a date and time." in page
    client.post(url + "/back")
    html = client.get(url).text
    assert "Uploaded: Generic CSV file" in html
    kept = [t for t in tags(html, "input") if t.get("name") == "trades_file"]
    assert [t["type"] for t in kept] == ["hidden", "file"]
    assert post(client, url, current(letter_app, client, url), {
        "trades_file": kept[0]["value"]}).status_code == 303
    assert current(letter_app, client, url)["status"] == "complete"


def at_time_check(app: Flask) -> tuple[FlaskClient, str, dict[str, Any]]:
    """Start the time-check flow; return the client, its URL and the step asking the time."""
    client = app.test_client()
    url = start(client, "time-check")
    return client, url, current(app, client, url)


def test_every_step_form_carries_an_empty_time_zone_for_the_script(letter_app: Flask) -> None:
    client, url, _ = at_time_check(letter_app)
    html = client.get(url).text
    zone = [t for t in tags(html, "input") if t.get("name") == "_time_zone"]
    assert zone == [{"type": "hidden", "name": "_time_zone", "value": ""}]
    when = next(t for t in tags(html, "input") if t.get("name") == "wire_sent_at")
    assert when["placeholder"] == "2026-11-20 2:00 PM ET"


def test_a_time_without_a_zone_is_read_in_the_zone_the_browser_sent(letter_app: Flask) -> None:
    client, url, step = at_time_check(letter_app)
    response = post(client, url, step, {"wire_sent_at": "2026-11-20 2:00 PM",
                                        "_time_zone": "America/Chicago"})
    assert response.status_code == 303
    answers = json.loads(client.get(url + "/export").data)["answers"]["when"]
    assert answers == {"wire_sent_at": "2026-11-20T20:00:00Z"}  # the zone is not an answer


def test_without_javascript_a_time_without_a_zone_asks_for_one(letter_app: Flask) -> None:
    client, url, step = at_time_check(letter_app)
    for zone in ("", "Mars/Base"):
        response = post(client, url, step, {"wire_sent_at": "2026-11-20 2:00 PM",
                                            "_time_zone": zone})
        assert response.status_code == 422
        error = re.search(r'<p class="error" id="f-wire_sent_at-error">(.*?)</p>',
                          response.text, re.S)
        assert error and "Add your time zone, for example 2026-11-20 2:00 PM ET." in error.group(1)
        assert 'value="2026-11-20 2:00 PM"' in response.text
    assert current(letter_app, client, url)["state"] == "when"


def test_a_passed_deadline_says_calmly_what_can_still_be_done(letter_app: Flask) -> None:
    client, url, step = at_time_check(letter_app)
    post(client, url, step, {"wire_sent_at": "2020-03-02 9:30 AM ET",
                             "learned_of_loss": "2100-01-04"})
    deadlines = current(letter_app, client, url)["results"]["deadlines"]["deadlines"]
    passed = next(d for d in deadlines if d["passed"])
    running = next(d for d in deadlines if not d["passed"])
    for page in (client.get(url).text, client.get(url + "/plan").text):
        panel = page.split('<section class="card deadlines"', 1)[1].split("</section>", 1)[0]
        assert "Date has passed" not in panel and "badge overdue" not in panel
        shown = panel.split(passed["title"], 1)[1].split("</li>", 1)[0]
        assert '<span class="badge passed">Date passed</span> ' + passed["action"] in shown
        assert f"It was due {passed['due_text']}." in shown
        assert passed["due_text"] == "March 5, 2020 at 2:30 PM UTC"
        later = panel.split(running["title"], 1)[1].split("</li>", 1)[0]
        assert f"Due {running['due_text']}" in later and running["action"] in later
