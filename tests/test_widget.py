"""The embeddable widget's server side: loader, iframe page, origin checks and its API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.web.widget import text_on
from tests.browser.engines import with_letter_flow
from tests.browser.story import shown_choice, value_for

HOST = "https://help.example.org"


@pytest.fixture
def widget_app(make_app: Any) -> Flask:
    """Return an app that lets one host origin embed the widget."""
    application: Flask = make_app(ALLOWED_ORIGINS=[HOST, "http://127.0.0.2:8001"])
    return application


@pytest.fixture
def web(widget_app: Flask) -> FlaskClient:
    """Return a client of that app."""
    return widget_app.test_client()


def started(web: FlaskClient) -> tuple[str, dict[str, str]]:
    """Start a conversation through the JSON API; return its id and auth header."""
    body = web.post("/api/v1/conversations", json={}).get_json()
    return body["id"], {"Authorization": f"Bearer {body['token']}"}


def answer(web: FlaskClient, cid: str, auth: dict[str, str], **answers: Any) -> Any:
    """Answer the current step through the JSON API."""
    step = web.get(f"/api/v1/conversations/{cid}", headers=auth).get_json()
    response = web.post(f"/api/v1/conversations/{cid}/answers", headers=auth, json={
        "state": step["state"], "version": step["version"], "answers": answers})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_loader_is_plain_javascript_any_page_may_load(web: FlaskClient) -> None:
    with web.get("/embed.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        source = response.get_data(as_text=True)
    for needle in ("window.Bearings", "postMessage(message, base)", "event.origin !== base",
                   "localStorage", "/widget/config", '"ready"', '"step"', '"document"',
                   '"complete"', "data.position", "max-width: 600px"):
        assert needle in source


def test_the_widget_may_be_framed_only_by_allowed_origins(web: FlaskClient) -> None:
    response = web.get("/widget", query_string={"origin": HOST, "flow": "crypto-loss-recovery"})
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {HOST} http://127.0.0.2:8001" in policy
    assert "unsafe-inline" not in policy
    settings = re.search(r'<script type="application/json" id="bearings-settings">(.*?)</script>',
                         response.text)
    assert settings and json.loads(settings.group(1))["origin"] == HOST
    assert "X-Frame-Options" not in response.headers
    assert not re.search(r'(src|href)="(https?:)?//', response.text)
    assert re.search(r'<style nonce="[^"]+">', response.text)
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'<style nonce="{nonce.group(1)}">' in response.text


def test_chat_pages_still_refuse_framing(web: FlaskClient) -> None:
    assert "frame-ancestors 'none'" in web.get("/").headers["Content-Security-Policy"]


def test_a_host_not_on_the_list_gets_no_widget(web: FlaskClient) -> None:
    response = web.get("/widget", query_string={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert "https://evil.example" in response.text and "BEARINGS_ALLOWED_ORIGINS" in response.text
    assert "bearings-settings" not in response.text


def test_the_config_tells_a_host_page_whether_it_may_show_the_widget(web: FlaskClient) -> None:
    allowed = web.get("/widget/config", headers={"Origin": HOST})
    assert allowed.get_json() == {"origin": HOST, "allowed": True, "message": None}
    assert allowed.headers["Access-Control-Allow-Origin"] == HOST
    refused = web.get("/widget/config", headers={"Origin": "https://evil.example"})
    body = refused.get_json()
    assert body["allowed"] is False and refused.headers["Access-Control-Allow-Origin"] == "*"
    assert body["message"].startswith("Bearings: the widget is not shown on https://evil.example")
    assert "BEARINGS_ALLOWED_ORIGINS" in body["message"]


def test_theming_is_checked_before_it_reaches_the_page(web: FlaskClient) -> None:
    themed = web.get("/widget", query_string={"origin": HOST, "color": "#7a3e9d",
                                              "title": "<b>Help</b> after a loss"}).text
    assert "--brand: #7a3e9d; --brand-text: #ffffff;" in themed
    assert "&lt;b&gt;Help&lt;/b&gt; after a loss" in themed and "<b>Help" not in themed
    hostile = web.get("/widget", query_string={"origin": HOST,
                                               "color": "red;}body{display:none"}).text
    assert "--brand: #1f5f8b;" in hostile and "display:none" not in hostile


@pytest.mark.parametrize(("colour", "text"), [
    ("#1f5f8b", "#ffffff"), ("#7a3e9d", "#ffffff"), ("#ffd54f", "#000000"),
    ("#ffffff", "#000000"), ("#000000", "#ffffff")])
def test_text_on_the_brand_colour_stays_readable(colour: str, text: str) -> None:
    assert text_on(colour) == text


def test_a_resume_code_made_in_the_widget_opens_it_anywhere(web: FlaskClient) -> None:
    cid, auth = started(web)
    assert web.post(f"/widget/api/conversations/{cid}/resume-code").status_code == 401
    code = web.post(f"/widget/api/conversations/{cid}/resume-code", headers=auth).get_json()
    opened = web.post("/widget/api/resume", json={"code": code["code"].lower()}).get_json()
    assert opened == {"id": cid, "token": auth["Authorization"].split()[1]}


@pytest.mark.parametrize(("body", "status", "key"), [
    ({"code": "nonsense"}, 422, "errors"), ({"code": "0000-0000-00"}, 404, "message"),
    ({}, 422, "errors"), ([], 400, "message")])
def test_a_bad_resume_request_is_answered_in_json(web: FlaskClient, body: Any, status: int,
                                                  key: str) -> None:
    response = web.post("/widget/api/resume", json=body)
    assert response.status_code == status and key in response.get_json()


def story_walk(web: FlaskClient, cid: str, auth: dict[str, str], steps: int = 200) -> list[Any]:
    """Answer up to ``steps`` steps with the story's answers through the JSON API."""
    seen: list[Any] = []
    step = web.get(f"/api/v1/conversations/{cid}", headers=auth).get_json()
    while step["status"] != "complete" and len(seen) < steps:
        seen.append(step)
        answers = {f["name"]: value_for(f) for f in step["fields"] if value_for(f) is not None}
        step = answer(web, cid, auth, **answers)
    return seen


def test_revisit_review_and_figures(web: FlaskClient) -> None:
    cid, auth = started(web)
    base = f"/widget/api/conversations/{cid}"
    seen = story_walk(web, cid, auth, steps=2)
    review = web.get(base + "/review", headers=auth).get_json()["steps"]
    assert [entry["state"] for entry in review] == [s["state"] for s in seen]
    choice = next(f for f in seen[0]["fields"] if f["type"] == "choice")
    shown = {a["name"]: a["shown"] for a in review[0]["answers"]}
    assert shown[choice["name"]] == shown_choice(choice, value_for(choice))
    assert web.get(base + "/figures", headers=auth).get_json() == {
        "carryover": None, "loss": None, "deadlines": []}
    step = web.post(base + "/revisit", headers=auth, json={"state": seen[0]["state"]}).get_json()
    assert step["state"] == seen[0]["state"]
    assert {f["name"]: f.get("value") for f in step["fields"] if "value" in f} == {
        f["name"]: value_for(f) for f in seen[0]["fields"] if value_for(f) is not None}
    final = next(s["id"] for s in web.get("/api/v1/flows/crypto-loss-recovery").get_json()[
        "states"] if s["final"])
    stale = web.post(base + "/revisit", headers=auth, json={"state": final})
    assert stale.status_code == 409 and stale.get_json()["current"]["state"] == seen[0]["state"]


def test_figures_are_narrow_svg_once_the_tax_step_is_answered(web: FlaskClient) -> None:
    cid, auth = started(web)
    story_walk(web, cid, auth)
    figures = web.get(f"/widget/api/conversations/{cid}/figures", headers=auth).get_json()
    assert figures["carryover"].startswith('<svg xmlns="http://www.w3.org/2000/svg" '
                                           'viewBox="0 0 340 ')
    assert "Loss carried forward" in figures["carryover"]


def test_the_widget_api_needs_the_token(web: FlaskClient) -> None:
    cid, auth = started(web)
    for path in ("/review", "/figures"):
        assert web.get(f"/widget/api/conversations/{cid}{path}").status_code == 401
        wrong = {"Authorization": "Bearer " + "x" * 43}
        assert web.get(f"/widget/api/conversations/{cid}{path}", headers=wrong
                       ).status_code == 401


def test_a_change_goes_on_past_the_steps_still_answered(web: FlaskClient) -> None:
    cid, auth = started(web)
    base = f"/widget/api/conversations/{cid}"
    seen = story_walk(web, cid, auth)
    done = web.get(f"/api/v1/conversations/{cid}", headers=auth).get_json()
    assert done["status"] == "complete" and done["documents"]
    first = web.post(base + "/revisit", headers=auth, json={"state": seen[0]["state"]}).get_json()
    kept = {f["name"]: f["value"] for f in first["fields"] if "value" in f}
    body = {"state": first["state"], "version": first["version"], "answers": kept}
    step = web.post(base + "/change", headers=auth, json=body)
    assert step.status_code == 200, step.get_json()
    after = step.get_json()
    assert after["status"] == "complete" and after["state"] == done["state"]
    assert after["progress"] == done["progress"]
    assert [d["id"] for d in after["documents"]] == [d["id"] for d in done["documents"]]
    stale = web.post(base + "/change", headers=auth, json=body)
    assert stale.status_code == 409 and stale.get_json()["current"]["state"] == done["state"]
    assert web.post(base + "/change", json=body).status_code == 401
    assert web.post(base + "/change", headers=auth, json={"state": "x"}).status_code == 422


def test_the_widget_knows_the_export_formats_by_name(web: FlaskClient) -> None:
    page = web.get("/widget", query_string={"origin": HOST}).get_data(as_text=True)
    settings = json.loads(page.split('id="bearings-settings">', 1)[1].split("</script>", 1)[0])
    assert settings["formats"]["generic"] == "Generic CSV"
    assert settings["formats"]["coinbase"] == "Coinbase transaction history"


def test_a_change_reads_a_time_in_the_zone_the_widget_sends(make_app: Any) -> None:
    web = make_app(ALLOWED_ORIGINS=[HOST], ENGINES=with_letter_flow()).test_client()
    body = web.post("/api/v1/conversations", json={"flow": "time-check"}).get_json()
    cid, auth = body["id"], {"Authorization": f"Bearer {body['token']}"}
    base = f"/widget/api/conversations/{cid}"
    answer(web, cid, auth, wire_sent_at="2020-03-02 9:30 AM", _time_zone="America/New_York")
    first = web.post(base + "/revisit", headers=auth, json={"state": "when"}).get_json()
    assert first["fields"][0]["value"] == "2020-03-02T14:30:00Z"
    change = {"state": "when", "version": first["version"],
              "answers": {"wire_sent_at": "2020-03-02 9:30 AM"}}
    refused = web.post(base + "/change", headers=auth, json=change)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["wire_sent_at"][0].startswith("Add your time zone")
    change["answers"]["_time_zone"] = "America/Chicago"
    step = web.post(base + "/change", headers=auth, json=change).get_json()
    assert step["status"] == "complete"
    deadline = web.get(base + "/figures", headers=auth).get_json()["deadlines"][0]
    assert (deadline["passed"], deadline["due_text"]) == (True, "March 5, 2020 at 3:30 PM UTC")
    assert deadline["action"].startswith("The 72 hours have passed, but still ask your bank")


def test_the_widget_panel_shows_a_passed_deadline_calmly(web: FlaskClient) -> None:
    # the panel itself is drawn in a real browser in tests/browser/test_time_zones.py
    with web.get("/assets/widget-panels.js") as response:
        source = response.get_data(as_text=True)
    assert "Date has passed" not in source and "UI.peopleDate(item.due)" not in source
    assert 'item.passed ? [' in source and '"badge passed", text: "Date passed"' in source
    assert "item.due_text" in source
    with web.get("/assets/widget-chat.js") as response:
        assert "answers: UI.withTimeZone(answers)" in response.get_data(as_text=True)
