"""The widget on a host page of another origin, in a real Chromium: launcher, iframe, events,
origin checks both ways, third-party cookies blocked, a host that is not allowed, a phone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, Console, Site
from .pages import at, audit, fits, go_on, send, shoot, walk
from .story import value_for

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
TITLE = "Help after a loss"


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    """Close every browser context a test opens."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def host_page(browser: Any, console: Console, contexts: list[Any], url: str,
              **options: Any) -> Any:
    """Open the host page in a fresh context (a separate device)."""
    contexts.append(browser.new_context(**{"viewport": LAPTOP, **options}))
    page = console.watch(contexts[-1].new_page())
    page.goto(url)
    return page


def widget(page: Any) -> Any:
    """Return the widget's iframe as a frame locator."""
    return page.frame_locator(f"iframe[title='{TITLE} chat']")


def frame(page: Any, site: Site) -> Any:
    """Return the widget's frame, for running scripts in it."""
    return next(f for f in page.frames if f.url.startswith(site.base + "/widget"))


def launch(page: Any) -> Any:
    """Press the launcher and return the widget once it shows its first screen."""
    page.get_by_role("button", name=TITLE).click()
    inside = widget(page)
    expect(inside.locator("#app > *").first).to_be_visible()
    return inside


def begin(page: Any, inside: Any, site: Site) -> Any:
    """Press Start in the widget; return a function giving the conversation's current step."""
    inside.get_by_role("button", name="Start").click()
    page.wait_for_function("key => localStorage.getItem(key) !== null",
                           arg=f"bearings:{site.base}:crypto-loss-recovery")
    return site.widget_steps(page)


def events(page: Any, name: str) -> list[Any]:
    """Return the details of the events the host page received under ``name``."""
    seen: list[dict[str, Any]] = page.evaluate("window.seen")
    return [event["detail"] for event in seen if event["name"] == name]


def stored(page: Any, site: Site) -> Any:
    """Return what the host page keeps in its own localStorage for the widget."""
    raw = page.evaluate("key => localStorage.getItem(key)",
                        f"bearings:{site.base}:crypto-loss-recovery")
    return json.loads(raw) if raw else None


def test_the_widget_on_a_page_from_another_origin(browser: Any, console: Console, site: Site,
                                                  contexts: list[Any], artifacts: Path) -> None:
    page = host_page(browser, console, contexts, site.host + "/")
    bearer: list[str] = []
    page.on("request", lambda r: "/api/v1/" in r.url and bearer.append(
        r.headers.get("authorization", "")))
    launcher = page.get_by_role("button", name=TITLE)
    expect(launcher).to_have_css("background-color", "rgb(107, 47, 143)")
    corner = launcher.bounding_box()
    assert corner and corner["x"] + corner["width"] == LAPTOP["width"] - 20
    assert corner["y"] + corner["height"] == LAPTOP["height"] - 20
    audit(page, "host page with the launcher")
    inside = launch(page)
    page.wait_for_function("window.seen.some(e => e.name === 'ready')")
    audit(frame(page, site), "widget start screen")
    steps = begin(page, inside, site)
    first = steps()
    at(inside, first["title"])
    go_on(inside)
    expect(inside.locator("#error-summary")).to_be_focused()
    audit(frame(page, site), "widget step with errors")
    seen = walk(inside, steps, steps=3)
    inside.get_by_role("button", name="Back").click()
    at(inside, seen[2]["title"])
    inside.get_by_role("button", name="Review answers").click()
    audit(frame(page, site), "widget review")
    inside.get_by_role("button", name=f"Change your answer to: {first['title']}").click()
    at(inside, first["title"])
    choice = next(f for f in first["fields"] if f["type"] == "choice")
    other = next(c for c in choice["choices"] if c["value"] != value_for(choice))
    inside.get_by_label(other["label"], exact=True).check()
    send(inside)
    walk(inside, steps, on_each=lambda step: step["progress"]["step"] == 4 and shoot(
        page, artifacts, "widget-laptop", full=False))
    page.wait_for_function("window.seen.some(e => e.name === 'complete')")
    conversation = stored(page, site)
    assert events(page, "complete") == [{"id": conversation["id"]}]
    states = [step["state"] for step in events(page, "step")]
    assert states[:3] == [s["state"] for s in seen]
    assert states[4:6] == [seen[2]["state"], first["state"]]
    assert states[-1] == steps()["state"]
    assert "answers" not in json.dumps(events(page, "step"))
    assert bearer and set(bearer) - {""} == {"Bearer " + conversation["token"]}
    inside.get_by_role("button", name="Open your plan").click()
    expect(inside.get_by_role("img", name="Loss carried forward, year by year")).to_be_visible()
    audit(frame(page, site), "widget plan")
    with page.expect_download() as download:
        inside.get_by_role("button", name="Download all my answers (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["answers"][first["state"]][choice["name"]] == other["value"]
    page.wait_for_function("window.seen.some(e => e.name === 'document')")
    assert events(page, "document") == [{"id": "answers", "format": "json"}]
    inside.get_by_role("button", name="Close the chat").click()
    expect(page.locator("iframe")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_save_and_delete_inside_the_widget(browser: Any, console: Console, site: Site,
                                           contexts: list[Any]) -> None:
    page = host_page(browser, console, contexts, site.host + "/")
    inside = launch(page)
    steps = begin(page, inside, site)
    walk(inside, steps, steps=1)
    here = steps()
    at(inside, here["title"])
    inside.get_by_role("button", name="Save and resume").click()
    inside.get_by_role("button", name="Make my resume code").click()
    code = inside.locator("#resume-code-shown").inner_text()
    audit(frame(page, site), "widget save and resume")
    laptop = host_page(browser, console, contexts, site.base + "/resume")
    laptop.get_by_label("Resume code").fill(code)
    laptop.get_by_role("button", name="Continue").click()
    at(laptop, here["title"])
    menu = inside.get_by_role("navigation", name="This conversation")
    menu.get_by_role("button", name="Delete my data").click()
    erase = inside.locator("section").get_by_role("button", name="Delete my data")
    erase.click()
    expect(inside.get_by_text("Tick the box to confirm")).to_be_visible()
    audit(frame(page, site), "widget delete confirmation")
    inside.get_by_label("I understand that everything will be erased for good.").check()
    erase.click()
    expect(inside.get_by_text("Your conversation is erased.")).to_be_visible()
    assert stored(page, site) is None
    laptop.reload()
    expect(laptop.get_by_role("heading", name="Sorry, that did not work.")).to_be_visible()


def test_a_letter_downloads_from_inside_the_widget(browser: Any, console: Console, site: Site,
                                                   contexts: list[Any]) -> None:
    page = host_page(browser, console, contexts, site.host + "/letters")
    inside = launch(page)
    inside.get_by_role("button", name="Start").click()
    at(inside, "Where do you live?")
    audit(frame(page, site), "widget quick replies")
    inside.get_by_role("button", name="Ohio", exact=True).click()
    at(inside, "What the lawyer needs to know")
    inside.get_by_label("Your full name").fill("Dana Doe")
    inside.get_by_label("When did you learn of the loss?").fill("2026-11-02")
    inside.get_by_label("What happened").fill("My partner traded our savings on margin.")
    go_on(inside)
    at(inside, "Your letter is ready")
    audit(frame(page, site), "widget with a ready letter")
    with page.expect_download() as letter:
        inside.get_by_role("button", name="DOCX of Attorney intake summary").click()
    assert letter.value.suggested_filename == "attorney-intake.docx"
    assert Path(letter.value.path()).read_bytes().startswith(b"PK")
    page.wait_for_function("window.seen.some(e => e.name === 'document')")
    assert events(page, "document") == [{"id": "attorney-intake", "format": "docx"}]
    assert events(page, "complete")


def test_the_widget_resumes_where_third_party_cookies_are_blocked(
        strict_browser: Any, console: Console, site: Site, contexts: list[Any]) -> None:
    page = host_page(strict_browser, console, contexts, site.host + "/")
    inside = launch(page)
    probe = frame(page, site).evaluate(
        "document.cookie = 'probe=1; SameSite=None; Secure'; document.cookie")
    assert probe == "", "this browser must block third-party cookies for the test to mean much"
    cookies: list[str] = []
    page.on("request", lambda r: r.url.startswith(site.base) and cookies.append(
        r.headers.get("cookie", "")))
    steps = begin(page, inside, site)
    walk(inside, steps, steps=2)
    here = steps()
    at(inside, here["title"])
    page.reload()
    inside = launch(page)
    at(inside, here["title"])
    expect(inside.locator(".progress .count")).to_have_text(
        f"Step {here['progress']['step']} of {here['progress']['of']}")
    assert cookies and not any(cookies)
    stranger = host_page(strict_browser, console, contexts, site.host + "/")
    expect(launch(stranger).get_by_role("button", name="Start")).to_be_visible()


def test_a_host_not_on_the_list_gets_no_widget_and_a_clear_message(
        browser: Any, console: Console, site: Site, contexts: list[Any]) -> None:
    console.expect("BEARINGS_ALLOWED_ORIGINS")
    console.expect("frame-ancestors")
    console.expect("this origin is not allowed")
    contexts.append(browser.new_context(viewport=LAPTOP))
    page = console.watch(contexts[-1].new_page())
    with page.expect_console_message(lambda m: "BEARINGS_ALLOWED_ORIGINS" in m.text) as said:
        page.goto(site.stranger + "/")
    assert said.value.type == "error"
    assert f"not shown on {site.stranger}" in said.value.text
    page.evaluate("window.Bearings.open()")
    expect(page.get_by_role("button", name=TITLE)).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(0)
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text):
        page.evaluate("""([base, origin]) => { const f = document.createElement('iframe');
          f.src = base + '/widget?origin=' + encodeURIComponent(origin);
          document.body.appendChild(f); }""", [site.base, site.host])
    assert not [f for f in page.frames if f.url.startswith(site.base)]


def test_messages_from_anyone_else_are_ignored_both_ways(browser: Any, console: Console,
                                                         site: Site, contexts: list[Any]) -> None:
    page = host_page(browser, console, contexts, site.host + "/")
    inside = launch(page)
    steps = begin(page, inside, site)
    walk(inside, steps, steps=1)
    here = steps()
    genuine = stored(page, site)
    forged = {"type": "save", "detail": {"conversation": {"id": "f" * 24, "token": "x" * 43}}}
    after = page.evaluate("""([message, key]) => new Promise(done => {
        window.addEventListener("message", () => done(localStorage.getItem(key)), {once: true});
        window.postMessage(message, "*"); })""",
                          [forged, f"bearings:{site.base}:crypto-loss-recovery"])
    assert json.loads(after) == genuine
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    init = {"type": "init", "conversation": {"id": "f" * 24, "token": "x" * 43}}
    frame(page, site).evaluate("""message => new Promise(done => {
        window.addEventListener("message", () => done(), {once: true});
        window.postMessage(message, "*"); })""", init)
    at(inside, here["title"])
    assert not [url for url in asked if "f" * 24 in url]


def test_the_widget_fills_a_phone_screen(browser: Any, console: Console, site: Site,
                                         contexts: list[Any], artifacts: Path) -> None:
    page = host_page(browser, console, contexts, site.host + "/", viewport=PHONE,
                     is_mobile=True, has_touch=True, color_scheme="dark")
    fits(page, "host page on a phone")
    inside = launch(page)
    box = page.locator("iframe").bounding_box()
    assert box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
    expect(page.get_by_role("button", name=TITLE)).to_be_hidden()
    steps = begin(page, inside, site)
    walk(inside, steps, steps=1)
    at(inside, steps()["title"])
    inner = frame(page, site)
    assert inner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    audit(inner, "widget on a phone, dark")
    shoot(page, artifacts, "widget-phone", full=False)
    inside.get_by_role("button", name="Close the chat").click()
    expect(page.get_by_role("button", name=TITLE)).to_be_visible()


def test_a_host_reload_does_not_announce_the_same_step_again(
        browser: Any, console: Console, site: Site, contexts: list[Any]) -> None:
    page = host_page(browser, console, contexts, site.host + "/")
    inside = launch(page)
    steps = begin(page, inside, site)
    walk(inside, steps, steps=2)
    here = steps()
    at(inside, here["title"])
    page.wait_for_function(f"window.seen.some(e => e.name === 'step' && "
                           f"e.detail.state === '{here['state']}')")
    page.reload()
    inside = launch(page)
    at(inside, here["title"])
    page.wait_for_function("window.seen.some(e => e.name === 'ready')")
    assert events(page, "step") == []
    assert events(page, "ready")[0]["step"]["state"] == here["state"]
    walk(inside, steps, steps=1)
    after = steps()
    at(inside, after["title"])
    page.wait_for_function("window.seen.some(e => e.name === 'step')")
    assert [e["state"] for e in events(page, "step")] == [after["state"]]


def menu_and_question_show(inner: Any) -> dict[str, Any]:
    """Return where the menu and the current question sit under the widget's sticky bar."""
    return inner.evaluate("""() => {
        const bar = document.querySelector('.wbar').getBoundingClientRect();
        const nav = document.querySelector('.tools').getBoundingClientRect();
        const q = document.querySelector('.message.current h2').getBoundingClientRect();
        return {bar: bar.bottom, navTop: nav.top, navBottom: nav.bottom, qTop: q.top,
                height: innerHeight, focused: document.activeElement.matches('.current h2')};
    }""")


@pytest.mark.parametrize("answered", [1, 7])
def test_after_continue_the_menu_is_never_cut_off(browser: Any, console: Console, site: Site,
                                                  contexts: list[Any], answered: int) -> None:
    page = host_page(browser, console, contexts, site.host + "/")
    inside = launch(page)
    steps = begin(page, inside, site)
    walk(inside, steps, steps=answered)
    at(inside, steps()["title"])
    where = menu_and_question_show(frame(page, site))
    whole = where["navTop"] >= where["bar"] - 0.5
    gone = where["navBottom"] <= where["bar"] + 0.5
    assert whole or gone, where
    assert where["focused"] and where["bar"] - 0.5 <= where["qTop"] < where["height"] - 40, where
    if answered == 1:
        assert whole, where


CHANGE_EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "coinbase.csv"


def test_the_widget_uploads_a_csv_and_a_change_keeps_the_plan(
        browser: Any, console: Console, site: Site, contexts: list[Any], tmp_path: Path) -> None:
    page = host_page(browser, console, contexts, site.host + "/changes")
    inside = launch(page)
    inside.get_by_role("button", name="Start").click()
    at(inside, "What happened?")
    inside.get_by_label("A wire transfer").check()
    inside.get_by_label("A trade").check()
    send(inside)
    at(inside, "The wire")
    inside.get_by_label("How much was lost").fill("5000")
    inside.get_by_label("Your mailing address").fill("1 Main St\nColumbus, OH 43004")
    send(inside)
    at(inside, "What the lawyer needs to know")
    bubble = inside.locator(".message.you").last
    expect(bubble.locator("br")).to_have_count(1)
    expect(bubble).to_contain_text("1 Main St")
    inside.get_by_label("Your full name").fill("Dana Doe")
    inside.get_by_label("Ohio").check()
    inside.get_by_label("When did you learn of the loss?").fill("2026-11-02")
    inside.get_by_label("What happened").fill("July 1: a short.\nJuly 2: liquidated.")
    send(inside)
    at(inside, "Small habits")
    send(inside)
    at(inside, "Your trade history")
    assert inside.locator(".message.you").count() == 3  # none for the step with nothing asked
    control = inside.locator("#f-trades_file")
    expect(control).to_have_attribute("type", "file")
    junk = tmp_path / "photo.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    control.set_input_files(str(junk))
    expect(inside.locator("#f-trades_file-error")).to_contain_text(
        "This file is not a CSV text file.")
    audit(frame(page, site), "widget upload refused")
    control.set_input_files(str(CHANGE_EXPORT))
    expect(inside.locator("#f-trades_file-status")).to_contain_text(
        "Your file is read: a Coinbase transaction history file with")
    expect(inside.locator("#f-trades_file-error")).to_be_hidden()
    audit(frame(page, site), "widget upload read")
    send(inside)
    at(inside, "Your plan is ready")
    expect(inside.locator(".message.you").last).to_contain_text("Coinbase transaction history")
    access = site.widget_access(page, "change-check")
    upload = site.step(access)
    assert upload["status"] == "complete"
    letters = inside.get_by_role("button", name="PDF of Police and FBI IC3 report")
    expect(letters).to_be_visible()
    inside.get_by_role("button", name="Review answers").click()
    expect(inside.get_by_role("heading", name="Small habits")).to_have_count(0)
    inside.get_by_role("button", name="Change your answer to: What happened?").click()
    at(inside, "What happened?")
    expect(inside.get_by_text("you go straight on to the next question")).to_be_visible()
    inside.get_by_label("A wire transfer").uncheck()
    send(inside)
    at(inside, "Your plan is ready")
    expect(inside.get_by_text("Your change is saved.")).to_be_visible()
    expect(inside.locator(".progress .count")).to_have_text("Step 5 of 5")
    expect(letters).to_have_count(0)
    expect(inside.get_by_role("button", name="PDF of Attorney intake summary")).to_be_visible()
    assert site.step(access)["status"] == "complete"
