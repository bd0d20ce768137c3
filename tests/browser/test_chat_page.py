"""The chat page in a real Chromium: the whole conversation, keyboard, errors, review and edit,
downloads, save and resume on another device, delete, phone width, dark mode, JavaScript off."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Site
from .pages import at, audit, check_screen, fits, go_on, send, shoot, step_of, walk
from .story import shown_choice, value_for

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "chat.png"


def begin(page: Any, site: Site) -> dict[str, Any]:
    """Open the welcome page, press Start and return the first step."""
    page.goto(site.base + "/")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("[data-step-version]")).to_be_visible()
    step = site.chat_steps(page)()
    at(page, step["title"])
    return step


def test_a_whole_conversation_on_the_chat_page(open_page: Any, site: Site,
                                               artifacts: Path) -> None:
    page = open_page()
    page.goto(site.base + "/")
    check_screen(page, "welcome page")
    begin(page, site)
    shown: list[tuple[int, int]] = []

    def each(step: dict[str, Any]) -> None:
        assert step_of(page) == (step["progress"]["step"], step["progress"]["of"])
        shown.append(step_of(page))
        check_screen(page, step["title"])
        if len(shown) == 2:
            shoot(page, artifacts, "chat-laptop-light")
            shoot(page, artifacts, "chat-laptop-top", full=False)
            if os.environ.get("BEARINGS_UPDATE_SCREENSHOTS") == "1":
                DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(artifacts / "chat-laptop-top.png", DOCS_SCREENSHOT)

    walk(page, site.chat_steps(page), on_each=each)
    number, total = step_of(page)
    assert [n for n, _ in shown] == list(range(1, len(shown) + 1)) and number == total
    check_screen(page, "final step")
    page.get_by_role("link", name="Open your printable plan").click()
    expect(page.get_by_role("heading", name="Your recovery plan", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Loss carried forward, year by year")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    check_screen(page, "printable plan")
    shoot(page, artifacts, "plan-laptop")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="This conversation")).to_be_hidden()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()


def test_errors_are_announced_and_tied_to_their_fields(open_page: Any, site: Site) -> None:
    page = open_page()
    first = begin(page, site)
    field = next(f for f in first["fields"] if f["required"])
    go_on(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"{field['label']} This question needs an answer.")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(f"#f-{field['name']}")).to_have_accessible_description(
        re.compile(r"Error: This question needs an answer\.$"))
    audit(page, "a step with errors")
    summary.get_by_role("link", name=field["label"]).click()
    focused = page.evaluate("document.activeElement.name")
    assert focused == field["name"]


def tab_to(page: Any, test: str, arg: Any, limit: int = 60) -> None:
    """Press Tab until ``test`` holds for the focused element; check its focus ring shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"([arg]) => {{ const e = document.activeElement; return {test}; }}",
                         [arg]):
            style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert style == "solid", f"no visible focus on {arg!r} ({style})"
            return
    raise AssertionError(f"Tab never reached {arg!r}")


def test_every_control_works_from_the_keyboard_with_visible_focus(open_page: Any,
                                                                  site: Site) -> None:
    page = open_page()
    page.goto(site.base + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the main content")).to_be_focused()
    tab_to(page, "e.textContent.trim() === arg", "Start")
    page.keyboard.press("Enter")
    expect(page.locator("[data-step-version]")).to_be_visible()
    first = site.chat_steps(page)()
    for spec in first["fields"]:
        tab_to(page, "e.name === arg", spec["name"])
        if spec["type"] == "choice":
            page.keyboard.press("ArrowDown")
            expect(page.get_by_label(spec["choices"][1]["label"], exact=True)).to_be_checked()
        elif spec["type"] in ("multichoice", "acknowledge"):
            page.keyboard.press("Space")
        elif spec["required"]:
            page.keyboard.type(str(value_for(spec)))
    tab_to(page, "e.textContent.trim() === arg", "Continue")
    page.keyboard.press("Enter")
    second = site.chat_steps(page)
    expect(page.locator("[data-step-version]")).not_to_have_attribute(
        "data-step-version", str(first["version"]))
    at(page, second()["title"])
    tab_to(page, "e.textContent.trim().endsWith(arg)", "Back")
    page.keyboard.press("Enter")
    at(page, first["title"])


def test_back_and_changing_an_answer_from_the_review_screen(open_page: Any, site: Site,
                                                            artifacts: Path) -> None:
    page = open_page()
    begin(page, site)
    seen = walk(page, site.chat_steps(page), steps=3)
    page.get_by_role("button", name="Back").click()
    at(page, seen[2]["title"])
    expect(page.get_by_text("Your earlier answer is filled in.")).to_be_visible()
    page.get_by_role("link", name="Review answers").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    choice = next(f for f in seen[0]["fields"] if f["type"] == "choice")
    expect(page.locator(".review")).to_contain_text(shown_choice(choice, value_for(choice)))
    check_screen(page, "review screen")
    shoot(page, artifacts, "review-laptop")
    page.get_by_role("button", name=f"Change your answer to: {seen[0]['title']}").click()
    at(page, seen[0]["title"])
    expect(page.get_by_label(shown_choice(choice, value_for(choice)), exact=True)).to_be_checked()
    page.get_by_role("link", name="Review answers").click()
    page.get_by_role("button", name=f"Change your answer to: {seen[2]['title']}").click()
    at(page, seen[2]["title"])
    page.get_by_role("link", name="Review answers").click()
    page.get_by_role("button", name=f"Change your answer to: {seen[0]['title']}").click()
    other = next(c for c in choice["choices"] if c["value"] != value_for(choice))
    page.get_by_label(other["label"], exact=True).check()
    send(page)
    page.get_by_role("link", name="Review answers").click()
    expect(page.locator(".review")).to_contain_text(other["label"])


def test_downloads_of_the_answers_and_the_flow_map(open_page: Any, site: Site) -> None:
    page = open_page()
    begin(page, site)
    first = walk(page, site.chat_steps(page), steps=1)[0]
    with page.expect_download() as answers:
        page.get_by_role("link", name="Download all my answers (JSON)").click()
    data = json.loads(Path(answers.value.path()).read_text())
    assert answers.value.suggested_filename.startswith("bearings-")
    assert data["answers"][first["state"]] == {
        f["name"]: value_for(f) for f in first["fields"] if value_for(f) is not None}
    page.goto(site.base + "/flows/crypto-loss-recovery")
    expect(page.get_by_role("img", name="Recovering after a crypto loss")).to_be_visible()
    check_screen(page, "flow map")
    with page.expect_download() as picture:
        page.get_by_role("link", name="Download the map (SVG)").click()
    assert picture.value.suggested_filename == "crypto-loss-recovery.svg"
    assert Path(picture.value.path()).read_text().startswith("<svg")


def test_a_letter_downloads_once_its_facts_are_in(open_page: Any, site: Site) -> None:
    page = open_page()
    page.goto(site.base + "/")
    started = page.request.post(site.base + "/c", form={"flow": "letter-check"})
    assert started.ok
    page.goto(started.url)
    at(page, "Where do you live?")
    page.get_by_role("button", name="Ohio", exact=True).click()
    at(page, "What the lawyer needs to know")
    expect(page.locator(".documents")).to_contain_text("Still needs: Your full name")
    page.get_by_label("Your full name").fill("Dana Doe")
    page.get_by_label("When did you learn of the loss?").fill("2026-11-02")
    page.get_by_label("How much was lost").fill("250000")
    page.get_by_label("What happened").fill("My partner traded our savings on margin.")
    go_on(page)
    at(page, "Your letter is ready")
    check_screen(page, "a ready letter")
    with page.expect_download() as letter:
        page.get_by_role("link", name="PDF of Attorney intake summary").click()
    assert Path(letter.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as text:
        page.get_by_role("link", name="TXT of Attorney intake summary").click()
    assert "Dana Doe" in Path(text.value.path()).read_text()
    page.get_by_role("link", name="Review answers").click()
    expect(page.locator(".review")).to_contain_text("$250,000")


def test_save_and_resume_on_another_device(open_page: Any, site: Site) -> None:
    page = open_page()
    begin(page, site)
    walk(page, site.chat_steps(page), steps=2)
    here = site.chat_steps(page)()
    page.get_by_role("link", name="Save and resume").click()
    page.get_by_role("button", name="Make my resume code").click()
    code = page.locator("#resume-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code)
    expect(page.get_by_role("button", name="Copy code")).to_be_visible()
    check_screen(page, "save and resume")
    link = page.locator("#resume-link").get_attribute("href")
    phone = open_page(viewport=PHONE)
    phone.goto(site.base + "/resume")
    check_screen(phone, "resume form")
    phone.get_by_label("Resume code").fill(code.lower().replace("-", " "))
    phone.get_by_role("button", name="Continue").click()
    at(phone, here["title"])
    tablet = open_page()
    tablet.goto(str(link))
    expect(tablet.get_by_label("Resume code")).to_have_value(code)
    tablet.get_by_role("button", name="Continue").click()
    at(tablet, here["title"])


def test_delete_my_data_asks_first(open_page: Any, site: Site) -> None:
    page = open_page()
    begin(page, site)
    url = page.url
    walk(page, site.chat_steps(page), steps=1)
    page.get_by_role("link", name="Delete my data").click()
    check_screen(page, "delete confirmation")
    page.get_by_role("button", name="Delete my data").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    expect(page.get_by_label("I understand that everything will be erased")).to_be_focused()
    page.get_by_label("I understand that everything will be erased").check()
    page.get_by_role("button", name="Delete my data").click()
    expect(page.get_by_role("heading", name="Your conversation is erased")).to_be_visible()
    check_screen(page, "erased")
    page.goto(url)
    expect(page.get_by_role("heading", name="Sorry, that did not work.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_width_in_light_and_dark(open_page: Any, site: Site, artifacts: Path,
                                       scheme: str) -> None:
    page = open_page(viewport=PHONE, color_scheme=scheme, is_mobile=True, has_touch=True)
    page.goto(site.base + "/")
    check_screen(page, f"welcome page, phone, {scheme}")
    begin(page, site)

    def each(step: dict[str, Any]) -> None:
        check_screen(page, f"{step['title']}, phone, {scheme}")
        if step["progress"]["step"] == 2:
            shoot(page, artifacts, f"chat-phone-{scheme}")

    walk(page, site.chat_steps(page), on_each=each)
    check_screen(page, f"final step, phone, {scheme}")
    page.get_by_role("link", name="Printable plan", exact=True).click()
    expect(page.get_by_role("img", name="Loss carried forward, year by year")).to_be_visible()
    check_screen(page, f"plan, phone, {scheme}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(15, 20, 25)" if scheme == "dark" else "rgb(244, 245, 242)")


def test_laptop_in_dark_mode(open_page: Any, site: Site, artifacts: Path) -> None:
    page = open_page(color_scheme="dark")
    begin(page, site)
    walk(page, site.chat_steps(page), steps=1)
    check_screen(page, "step, laptop, dark")
    shoot(page, artifacts, "chat-laptop-dark")


def test_the_whole_conversation_with_javascript_off(open_page: Any, site: Site) -> None:
    page = open_page(java_script_enabled=False)
    begin(page, site)
    url = page.url
    seen = walk(page, site.chat_steps(page))
    page.get_by_role("link", name="Review answers").click()
    page.get_by_role("button", name=f"Change your answer to: {seen[-1]['title']}").click()
    at(page, seen[-1]["title"])
    page.get_by_role("link", name="Save and resume").click()
    page.get_by_role("button", name="Make my resume code").click()
    code = page.locator("#resume-code").inner_text()
    expect(page.get_by_role("button", name="Copy code")).to_be_hidden()
    other = open_page(java_script_enabled=False)
    other.goto(site.base + "/resume")
    other.get_by_label("Resume code").fill(code)
    other.get_by_role("button", name="Continue").click()
    at(other, seen[-1]["title"])
    assert other.url == url
    other.get_by_role("link", name="Delete my data").click()
    other.get_by_label("I understand that everything will be erased").check()
    other.get_by_role("button", name="Delete my data").click()
    expect(other.get_by_role("heading", name="Your conversation is erased")).to_be_visible()
    fits(other, "erased, JavaScript off")


EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def test_a_csv_upload_and_a_change_from_review_on_the_chat_page(open_page: Any, site: Site,
                                                                tmp_path: Path) -> None:
    # The upload is a plain multipart form post (tests/test_chat.py sends it as a browser with
    # JavaScript off does); Playwright cannot choose a file in a page with JavaScript off.
    page = open_page()
    page.goto(site.base + "/")
    started = page.request.post(site.base + "/c", form={"flow": "change-check"})
    assert started.ok
    page.goto(started.url)
    at(page, "What happened?")
    page.get_by_label("A wire transfer").check()
    page.get_by_label("A trade").check()
    send(page)
    page.get_by_label("How much was lost").fill("5000")
    page.get_by_label("Your mailing address").fill("1 Main St\nColumbus, OH 43004")
    send(page)
    at(page, "What the lawyer needs to know")
    expect(page.locator(".message.you br")).to_have_count(1)
    page.get_by_label("Your full name").fill("Dana Doe")
    page.get_by_label("Ohio").check()
    page.get_by_label("When did you learn of the loss?").fill("2026-11-02")
    page.get_by_label("What happened").fill("July 1: a short.\nJuly 2: liquidated.")
    send(page)
    at(page, "Small habits")
    send(page)
    at(page, "Your trade history")
    expect(page.locator(".message.you")).to_have_count(0)
    junk = tmp_path / "photo.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    page.locator("#f-trades_file").set_input_files(str(junk))
    go_on(page)
    expect(page.locator("#f-trades_file-error")).to_contain_text(
        "This file is not a CSV text file.")
    check_screen(page, "upload refused")
    page.locator("#f-trades_file").set_input_files(str(EXPORTS / "kraken_trades.csv"))
    go_on(page)
    at(page, "Your plan is ready")
    expect(page.get_by_role("status")).to_contain_text("Your file is read: a Kraken trades file")
    check_screen(page, "upload read")
    page.get_by_role("link", name="Review answers").click()
    expect(page.locator(".review")).to_contain_text("Kraken trades file")
    expect(page.locator(".review dd br")).to_have_count(2)
    page.get_by_role("button", name="Change your answer to: What happened?").click()
    at(page, "What happened?")
    page.get_by_label("A wire transfer").uncheck()
    go_on(page)
    at(page, "Your plan is ready")
    expect(page.get_by_role("status")).to_contain_text("Your change is saved.")
    assert step_of(page) == (5, 5)
    expect(page.get_by_role("link", name="PDF of Attorney intake summary")).to_be_visible()
    expect(page.get_by_role("link", name="PDF of Police and FBI IC3 report")).to_have_count(0)
