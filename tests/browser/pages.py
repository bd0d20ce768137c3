"""What the browser tests do on every screen: axe-core, the 360 px check, screenshots, and the
journey a person takes through the recovery flow (on the chat page or inside the widget)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

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


# -- the journey: a partner borrowed against the house and lost it ------------------------------

def current(scope: Any) -> Any:
    """Return the assistant's current message (the question being asked)."""
    return scope.locator(".message.current")


def at(scope: Any, title: str) -> None:
    """Wait until the question titled ``title`` is the current one."""
    expect(current(scope).get_by_role("heading", name=title, exact=True)).to_be_visible()


def go_on(scope: Any) -> None:
    """Press Continue."""
    scope.get_by_role("button", name="Continue", exact=True).click()


def tick(scope: Any, *labels: str) -> None:
    """Tick options by their visible label."""
    for label in labels:
        scope.get_by_label(label, exact=True).check()


def reply(scope: Any, label: str) -> None:
    """Press a quick-reply button."""
    scope.locator("button.reply", has_text=label).click()


def fill(scope: Any, label: str, value: str) -> None:
    """Type into the field labelled ``label``."""
    scope.get_by_label(label).fill(value)


def pick(scope: Any, label: str, value: str) -> None:
    """Choose ``value`` in a list, or type it where the field is free text."""
    control = scope.get_by_label(label)
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


Step = tuple[str, Callable[[Any], None]]

JOURNEY: list[Step] = [
    ("What happened?", lambda s: (
        tick(s, "A partner or family member traded without my agreement",
             "A home equity line (HELOC) or other loan"), go_on(s))),
    ("Stop the damage first", lambda s: (
        tick(s, "Logged out of the exchange on every device",
             "Changed the exchange and e-mail passwords"), go_on(s))),
    ("Keep proof while it is fresh", lambda s: (
        fill(s, "In a few lines, what happened and when?",
             "He opened a 10x short on July 1 and it was liquidated on July 2."), go_on(s))),
    ("Is anything still open?", lambda s: reply(s, "Yes, all closed")),
    ("Contact the platform", lambda s: (
        fill(s, "Which exchange or platform?", "Example Exchange"), go_on(s))),
    ("Tell the bank", lambda s: (
        fill(s, "When did you learn of the loss?", "2026-11-02"), go_on(s))),
    ("Did money leave for outside wallets?", lambda s: reply(s, "No")),
    ("Who shares these accounts and debts?", lambda s: reply(s, "Yes")),
    ("Talk to a family lawyer", lambda s: (pick(s, "Which US state do you live in?", "OH"),
                                           go_on(s))),
    ("The tax side", lambda s: (
        fill(s, "Tax year of the loss", "2025"), tick(s, "Married filing jointly"),
        fill(s, "Net short-term gain or loss this year (a loss is negative)", "-250000"),
        go_on(s))),
    ("What the loss means for your taxes", lambda s: (tick(s, "I have read this"), go_on(s))),
    ("Guardrails for the future", lambda s: (
        fill(s, "Largest single trade allowed, in dollars", "1000"),
        fill(s, "Hours to wait before trading after a big loss", "48"), go_on(s))),
    ("People who can help", lambda s: (tick(s, "A CPA or tax preparer"), go_on(s))),
]
FINAL = "Your recovery plan"


def walk(scope: Any, steps: list[Step], on_each: Callable[[str], None] | None = None) -> None:
    """Take ``steps`` in order, checking each question is the current one first."""
    for title, act in steps:
        at(scope, title)
        if on_each:
            on_each(title)
        act(scope)


def step_of(scope: Any) -> tuple[int, int]:
    """Return the "step N of M" the page shows."""
    text = scope.locator(".progress .count").inner_text()
    number, total = text.removeprefix("Step ").split(" of ")
    return int(number), int(total)
