"""A time typed without a zone, in a real Chromium set to a zone of its own: the chat page and
the widget send the browser's zone, the answer is stored in UTC, and a passed deadline shows
a calm badge with what can still be done. With JavaScript off the person is asked for a zone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Site
from .pages import at, audit, check_screen, go_on, send

pytestmark = pytest.mark.browser
TITLE = "Help after a loss"


def stored(site: Site, access: Any) -> Any:
    """Return the time-check answer as the conversation keeps it."""
    return site.app.extensions["bearings"].export(access)["answers"]["when"]["wire_sent_at"]


def time_check(page: Any, site: Site) -> None:
    """Start the time-check flow on the chat page."""
    page.goto(site.base + "/")
    started = page.request.post(site.base + "/c", form={"flow": "time-check"})
    assert started.ok
    page.goto(started.url)
    at(page, "When did it happen?")


def test_the_chat_page_sends_the_browser_zone(open_page: Any, site: Site) -> None:
    page = open_page(timezone_id="America/Chicago")
    time_check(page, site)
    zone = page.locator("input[type=hidden][name=_time_zone]")
    expect(zone).to_have_value("America/Chicago")
    when = page.get_by_label("When was the wire sent?")
    expect(when).to_have_attribute("placeholder", "2026-11-20 2:00 PM ET")
    when.fill("2026-11-20 2:00 PM")
    send(page)
    at(page, "Your deadlines")
    assert stored(site, site.chat_access(page)) == "2026-11-20T20:00:00Z"


def test_with_javascript_off_a_time_needs_its_zone(open_page: Any, site: Site) -> None:
    page = open_page(timezone_id="America/Chicago", java_script_enabled=False)
    time_check(page, site)
    expect(page.locator("input[name=_time_zone]")).to_have_value("")
    page.get_by_label("When was the wire sent?").fill("2026-11-20 2:00 PM")
    go_on(page)
    expect(page.locator("#f-wire_sent_at-error")).to_contain_text(
        "Add your time zone, for example 2026-11-20 2:00 PM ET.")
    page.get_by_label("When was the wire sent?").fill("2026-11-20 2:00 PM CT")
    go_on(page)
    at(page, "Your deadlines")
    assert stored(site, site.chat_access(page)) == "2026-11-20T20:00:00Z"


def test_a_passed_deadline_on_the_chat_page(open_page: Any, site: Site) -> None:
    page = open_page(timezone_id="America/New_York")
    time_check(page, site)
    page.get_by_label("When was the wire sent?").fill("2020-03-02 9:30 AM")
    send(page)
    at(page, "Your deadlines")
    passed = page.locator(".deadlines li").filter(has_text="wire recall")
    expect(passed.locator(".badge")).to_have_text("Date passed")
    expect(passed).to_contain_text("Date passed The 72 hours have passed, but still ask")
    expect(passed).to_contain_text("It was due March 5, 2020 at 2:30 PM UTC.")
    check_screen(page, "a passed deadline")


def test_the_widget_sends_the_browser_zone_and_shows_a_passed_deadline(
        open_page: Any, site: Site) -> None:
    page = open_page(timezone_id="Asia/Tokyo")
    page.goto(site.host + "/times")
    page.get_by_role("button", name=TITLE).click()
    inside = page.frame_locator(f"iframe[title='{TITLE} chat']")
    inside.get_by_role("button", name="Start").click()
    page.wait_for_function("key => localStorage.getItem(key) !== null",
                           arg=f"bearings:{site.base}:time-check")
    at(inside, "When did it happen?")
    when = inside.get_by_label("When was the wire sent?")
    expect(when).to_have_attribute("placeholder", "2026-11-20 2:00 PM ET")
    when.fill("2020-03-02 9:30 AM")
    send(inside)
    at(inside, "Your deadlines")
    assert stored(site, site.widget_access(page, "time-check")) == "2020-03-02T00:30:00Z"
    passed = inside.locator(".deadlines-list li").filter(has_text="wire recall")
    expect(passed.locator(".badge")).to_have_text("Date passed")
    expect(passed).to_contain_text("Date passed The 72 hours have passed, but still ask")
    expect(passed).to_contain_text("It was due March 5, 2020 at 12:30 AM UTC.")
    audit(next(f for f in page.frames if f.url.startswith(site.base + "/widget")),
          "widget with a passed deadline")
