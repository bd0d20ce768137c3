"""The chat page in a real Chromium: the whole conversation, keyboard, errors, review and edit,
downloads, save and resume on another device, delete, phone width and dark mode."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Console, Site
from .pages import (
    FINAL,
    JOURNEY,
    at,
    audit,
    check_screen,
    fits,
    shoot,
    step_of,
    walk,
)

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "chat.png"


@pytest.fixture
def open_page(browser: Any, console: Console) -> Iterator[Any]:
    """Return a factory of pages, each in its own context (a separate device)."""
    contexts: list[Any] = []

    def factory(**options: Any) -> Any:
        contexts.append(browser.new_context(**{"viewport": LAPTOP, **options}))
        return console.watch(contexts[-1].new_page())

    yield factory
    for context in contexts:
        context.close()


def begin(page: Any, site: Site) -> str:
    """Open the welcome page, press Start and return the conversation's URL."""
    page.goto(site.base + "/")
    page.get_by_role("button", name="Start").click()
    at(page, "What happened?")
    return str(page.url)


def test_a_whole_conversation_on_the_chat_page(open_page: Any, site: Site,
                                               artifacts: Path) -> None:
    page = open_page()
    page.goto(site.base + "/")
    check_screen(page, "welcome page")
    page.get_by_role("button", name="Start").click()
    seen: list[tuple[int, int]] = []

    def each(title: str) -> None:
        seen.append(step_of(page))
        check_screen(page, title)
        if title == "Stop the damage first":
            shoot(page, artifacts, "chat-laptop-light")

    walk(page, JOURNEY, each)
    at(page, FINAL)
    assert [n for n, _ in seen] == list(range(1, len(JOURNEY) + 1))
    assert all(total >= number for number, total in seen) and step_of(page) == (14, 14)
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
    begin(page, site)
    page.get_by_label("Someone got into my account").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Where did the money come from? This question needs an")
    expect(page).to_have_title(re.compile(r"^Error: "))
    funding = page.get_by_role("group", name="Where did the money come from?")
    expect(funding).to_have_accessible_description(
        "Choose every source that applies. Error: This question needs an answer.")
    audit(page, "a step with errors")
    summary.get_by_role("link", name="Where did the money come from?").click()
    expect(page.get_by_label("Savings", exact=True)).to_be_focused()
    expect(page.get_by_label("Someone got into my account")).to_be_checked()


def test_every_control_works_from_the_keyboard_with_visible_focus(open_page: Any,
                                                                  site: Site) -> None:
    page = open_page()
    page.goto(site.base + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the main content")).to_be_focused()
    tab_to(page, "button", "Start")
    page.keyboard.press("Enter")
    at(page, "What happened?")
    tab_to(page, "input", "misclick")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("The platform or a contact turned out to be a scam")).to_be_checked()
    tab_to(page, "input", "savings")
    page.keyboard.press("Space")
    tab_to(page, "button", "Continue")
    page.keyboard.press("Enter")
    at(page, "Stop the damage first")
    tab_to(page, "button", "Back")
    page.keyboard.press("Enter")
    at(page, "What happened?")


def tab_to(page: Any, tag: str, name: str, limit: int = 40) -> None:
    """Press Tab until the control is focused; check its focus ring shows."""
    probe = """([tag, name]) => { const e = document.activeElement;
      return e.tagName.toLowerCase() === tag && (e.value === name || e.textContent.trim() === name
        || e.textContent.trim().endsWith(name)); }"""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(probe, [tag, name]):
            style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert style == "solid", f"{tag} {name} has no visible focus ({style})"
            return
    raise AssertionError(f"Tab never reached {tag} {name!r}")


def test_back_and_changing_an_answer_from_the_review_screen(open_page: Any, site: Site,
                                                            artifacts: Path) -> None:
    page = open_page()
    begin(page, site)
    walk(page, JOURNEY[:4])
    at(page, "Contact the platform")
    page.get_by_role("button", name="Back").click()
    at(page, "Is anything still open?")
    expect(page.locator("button.reply.chosen")).to_have_text(
        re.compile(r"^Yes, all closed"))
    page.get_by_role("link", name="Review answers").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.locator(".review")).to_contain_text(
        "A partner or family member traded without my agreement")
    check_screen(page, "review screen")
    shoot(page, artifacts, "review-laptop")
    page.get_by_role("button", name="Change your answer to: What happened?").click()
    at(page, "What happened?")
    expect(page.get_by_label("A partner or family member traded without my agreement")
           ).to_be_checked()
    page.get_by_label("Someone got into my account").check()
    page.get_by_role("button", name="Continue").click()
    at(page, "Stop the damage first")
    expect(page.get_by_label("Logged out of the exchange on every device")).to_be_checked()
    page.get_by_role("link", name="Review answers").click()
    expect(page.locator(".review")).to_contain_text("Someone got into my account")
    expect(page.locator(".review")).to_contain_text("Yes, all closed")
    page.get_by_role("button", name="Change your answer to: Is anything still open?").click()
    at(page, "Is anything still open?")


def test_downloads_of_the_answers_and_the_flow_map(open_page: Any, site: Site) -> None:
    page = open_page()
    begin(page, site)
    walk(page, JOURNEY[:2])
    with page.expect_download() as answers:
        page.get_by_role("link", name="Download all my answers (JSON)").click()
    data = json.loads(Path(answers.value.path()).read_text())
    assert answers.value.suggested_filename.startswith("bearings-")
    assert data["answers"]["secure"]["secured_steps"] == ["logout", "passwords"]
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
    at(page, "What the lawyer needs to know")
    expect(page.locator(".documents")).to_contain_text("Still needs: Your full name")
    page.get_by_label("Your full name").fill("Dana Doe")
    page.get_by_label("Ohio").check()
    page.get_by_label("When did you learn of the loss?").fill("2026-11-02")
    page.get_by_label("What happened").fill("My partner traded our savings on margin.")
    page.get_by_role("button", name="Continue").click()
    at(page, "Your letter is ready")
    check_screen(page, "a ready letter")
    with page.expect_download() as letter:
        page.get_by_role("link", name="PDF of Attorney intake summary").click()
    assert Path(letter.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as text:
        page.get_by_role("link", name="TXT of Attorney intake summary").click()
    assert "Dana Doe" in Path(text.value.path()).read_text()


def test_save_and_resume_on_another_device(open_page: Any, site: Site) -> None:
    page = open_page()
    begin(page, site)
    walk(page, JOURNEY[:2])
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
    at(phone, "Keep proof while it is fresh")
    tablet = open_page()
    tablet.goto(str(link))
    expect(tablet.get_by_label("Resume code")).to_have_value(code)
    tablet.get_by_role("button", name="Continue").click()
    at(tablet, "Keep proof while it is fresh")


def test_delete_my_data_asks_first(open_page: Any, site: Site) -> None:
    page = open_page()
    url = begin(page, site)
    walk(page, JOURNEY[:1])
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
    page.get_by_role("button", name="Start").click()

    def each(title: str) -> None:
        check_screen(page, f"{title}, phone, {scheme}")
        if title == "Stop the damage first":
            shoot(page, artifacts, f"chat-phone-{scheme}")

    walk(page, JOURNEY, each)
    at(page, FINAL)
    check_screen(page, f"final step, phone, {scheme}")
    page.get_by_role("link", name="Printable plan", exact=True).click()
    check_screen(page, f"plan, phone, {scheme}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(15, 20, 25)" if scheme == "dark" else "rgb(244, 245, 242)")


def test_laptop_in_dark_mode(open_page: Any, site: Site, artifacts: Path) -> None:
    page = open_page(color_scheme="dark")
    begin(page, site)
    walk(page, JOURNEY[:1])
    at(page, "Stop the damage first")
    check_screen(page, "step, laptop, dark")
    shoot(page, artifacts, "chat-laptop-dark")
    if os.environ.get("BEARINGS_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(artifacts / "chat-laptop-light.png", DOCS_SCREENSHOT)


def test_the_whole_conversation_with_javascript_off(open_page: Any, site: Site) -> None:
    page = open_page(java_script_enabled=False)
    url = begin(page, site)
    walk(page, JOURNEY)
    at(page, FINAL)
    page.get_by_role("link", name="Review answers").click()
    page.get_by_role("button", name="Change your answer to: Talk to a family lawyer").click()
    at(page, "Talk to a family lawyer")
    expect(page.get_by_label("Which US state do you live in?")).to_have_value("OH")
    page.get_by_role("link", name="Save and resume").click()
    page.get_by_role("button", name="Make my resume code").click()
    code = page.locator("#resume-code").inner_text()
    expect(page.get_by_role("button", name="Copy code")).to_be_hidden()
    other = open_page(java_script_enabled=False)
    other.goto(site.base + "/resume")
    other.get_by_label("Resume code").fill(code)
    other.get_by_role("button", name="Continue").click()
    at(other, "Talk to a family lawyer")
    assert other.url == url
    other.get_by_role("link", name="Delete my data").click()
    other.get_by_label("I understand that everything will be erased").check()
    other.get_by_role("button", name="Delete my data").click()
    expect(other.get_by_role("heading", name="Your conversation is erased")).to_be_visible()
    fits(other, "erased, JavaScript off")
