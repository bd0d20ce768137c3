"""What the browser tests do on every screen: axe-core, the 360 px check, screenshots, and the
story (tests/browser/story.py) told through the chat page or the widget, step by step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .story import plain, shown_choice, value_for

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
}"""


def audit(target: Any, screen: str) -> None:
    """Run axe-core in a page or frame; fail on any serious or critical violation."""
    if not target.evaluate("typeof window.axe === 'object'"):
        target.evaluate(AXE + "\n;undefined")  # DevTools evaluation: the page's CSP stays on
    violations = target.evaluate(RUN_AXE)
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {screen}: {bad}"


def fits(page: Any, screen: str) -> None:
    """Fail when the page scrolls sideways."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{screen} scrolls sideways: {wide}px"


def check_screen(page: Any, screen: str) -> None:
    """Audit the page and check that it fits its width."""
    audit(page, screen)
    fits(page, screen)


def shoot(page: Any, folder: Path, name: str, *, full: bool = True) -> Path:
    """Save a screenshot under tests/artifacts and return its path."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


# -- the story, told through the page ------------------------------------------------------------

def current(scope: Any) -> Any:
    """Return the assistant's current message (the question being asked)."""
    return scope.locator(".message.current")


def at(scope: Any, title: str) -> None:
    """Wait until the question titled ``title`` is the current one."""
    expect(current(scope).get_by_role("heading", name=title, exact=True)).to_be_visible()


def go_on(scope: Any) -> None:
    """Press Continue."""
    scope.get_by_role("button", name="Continue", exact=True).click()


def reply(scope: Any, label: str) -> None:
    """Press a quick-reply button."""
    scope.locator(".replies").get_by_role("button", name=label, exact=True).click()


def fill_field(scope: Any, spec: dict[str, Any], value: Any) -> None:
    """Answer one field through its control, as a person would."""
    control = scope.locator(f"#f-{spec['name']}")
    kind = spec["type"]
    if kind == "choice" and len(spec["choices"]) > 8:
        control.select_option(value)
    elif kind in ("choice", "boolean"):
        control.get_by_label(shown_choice(spec, value), exact=True).check()
    elif kind == "multichoice":
        for each in value:
            control.get_by_label(shown_choice(spec, each), exact=True).check()
    elif kind == "acknowledge":
        control.check()
    else:
        control.fill(str(value))


def answer_step(scope: Any, step: dict[str, Any]) -> None:
    """Answer the step with the story's answers and send it."""
    fields = step["fields"]
    if len(fields) == 1 and fields[0]["type"] in ("choice", "boolean"):
        value = value_for(fields[0])
        reply(scope, shown_choice(fields[0], plain(fields[0]) if value is None else value))
        return
    for spec in fields:
        value = value_for(spec)
        if value is not None:
            fill_field(scope, spec, value)
    go_on(scope)


def send(scope: Any) -> None:
    """Press Continue and wait until the page shows the next step."""
    version = scope.locator("[data-step-version]").get_attribute("data-step-version")
    go_on(scope)
    expect(scope.locator("[data-step-version]")).not_to_have_attribute(
        "data-step-version", str(version))


def moved_on(scope: Any, step: dict[str, Any]) -> None:
    """Wait until the page shows a step other than ``step``."""
    expect(scope.locator("[data-step-version]")).not_to_have_attribute(
        "data-step-version", str(step["version"]))


def walk(scope: Any, fetch: Callable[[], dict[str, Any]], steps: int = 200,
         on_each: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Answer up to ``steps`` steps of the story; return the steps answered."""
    seen: list[dict[str, Any]] = []
    while len(seen) < steps:
        step = fetch()
        at(scope, step["title"])
        if step["status"] == "complete":
            break
        if on_each:
            on_each(step)
        answer_step(scope, step)
        moved_on(scope, step)
        seen.append(step)
    return seen


def step_of(scope: Any) -> tuple[int, int]:
    """Return the "step N of M" the page shows."""
    text = scope.locator(".progress .count").inner_text()
    number, total = text.removeprefix("Step ").split(" of ")
    return int(number), int(total)
