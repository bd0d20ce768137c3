"""Browser fixtures: Debian's Chromium through Playwright, the real app on a loopback server,
and a host page on another origin that embeds the widget."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

from service import create_app
from service.store import Access

from .engines import with_letter_flow

IN_CI = os.environ.get("CI") == "true"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
HOST_NONCE = "host-page-nonce"
LAPTOP = {"width": 1280, "height": 900}
#: A busy CI machine can take more than Playwright's default 5 s to show the next step.
expect.set_options(timeout=20_000)


def chromium_path() -> str:
    """Return Debian's Chromium; fail in CI and skip loudly elsewhere when it is missing."""
    path = os.environ.get("BEARINGS_CHROMIUM", "/usr/bin/chromium")
    if Path(path).is_file() or shutil.which(path):
        return path
    hint = (f"Chromium not found at {path}: install it (apt-get install -y chromium) or set "
            "BEARINGS_CHROMIUM")
    if IN_CI:
        pytest.fail("CI must run the browser tests. " + hint)
    pytest.skip("BROWSER TESTS NOT RUN: " + hint)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Start Playwright once."""
    from playwright.sync_api import sync_playwright

    chromium_path()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Launch Chromium once for the session."""
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def strict_browser(playwright: Any) -> Iterator[Any]:
    """Launch a Chromium that blocks third-party cookies."""
    launched = playwright.chromium.launch(executable_path=chromium_path(),
                                          args=[*ARGS, "--test-third-party-cookie-phaseout"])
    yield launched
    launched.close()


@dataclass
class Console:
    """What pages logged: errors fail a test unless it expects them."""

    errors: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect(self, words: str) -> None:
        """Allow console errors that contain ``words`` (a refusal the test provokes)."""
        self.expected.append(words)

    pages: list[Any] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        """Record the console and uncaught errors of ``page``; return it."""
        self.pages.append(page)
        page.on("console", lambda m: (self.messages.append(m.text),
                                      m.type == "error" and self.errors.append(m.text)))
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        return page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def console(request: pytest.FixtureRequest) -> Iterator[Console]:
    """Collect console output; fail on any error nobody expected (a CSP refusal, a JS bug).

    When the test fails, each page it watched is saved to tests/artifacts/failed-*.png.
    """
    seen = Console()
    yield seen
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(seen.pages):
            if not page.is_closed():
                page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{number}.png"),
                                full_page=True)
    answered = re.compile(r"the server responded with a status of 4(01|03|04|09|22) ")
    unexpected = [e for e in seen.errors if not answered.search(e)
                  and not any(words in e for words in seen.expected)]
    assert not unexpected, unexpected


class _Quiet(WSGIRequestHandler):
    """Serve requests without logging each one."""

    def log_request(self, *args: Any) -> None:
        """Keep the test output quiet."""


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


def _serve(server: Any) -> Any:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Credit Union: help after a loss</title></head>
<body><main><h1>Example Credit Union</h1>
<p>If you lost money on a crypto platform, our guide can help. Open it with the button.</p>
<button type="button" id="open-guide">Open the guide</button></main>
<script nonce="{nonce}">
  window.seen = [];
  document.addEventListener("bearings:load", function () {{
    ["ready", "step", "document", "complete"].forEach(function (name) {{
      window.Bearings.on(name, function (detail) {{
        window.seen.push({{name: name, detail: detail}});
      }});
    }});
    document.getElementById("open-guide").addEventListener("click", function () {{
      window.Bearings.open();
    }});
  }});
</script>
<script src="{base}/embed.js" data-flow="{flow}" data-title="Help after a loss"
  data-color="#6b2f8f" data-position="right" async></script>
</body></html>"""


class _HostPage(BaseHTTPRequestHandler):
    """A third-party page with a strict policy of its own that embeds the widget.

    /letters embeds the short letter-check flow, /changes the change-check flow, /times the
    time-check flow; every other path the recovery flow.
    """

    base = ""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        flow = ("letter-check" if self.path.startswith("/letters") else
                "change-check" if self.path.startswith("/changes") else
                "time-check" if self.path.startswith("/times") else "crypto-loss-recovery")
        body = HOST_PAGE.format(nonce=HOST_NONCE, base=self.base, flow=flow).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy",
                         f"default-src 'none'; script-src {self.base} 'nonce-{HOST_NONCE}'; "
                         f"frame-src {self.base}; connect-src {self.base}; style-src 'none'")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Keep the test output quiet."""


@dataclass
class Site:
    """The running servers: Bearings, an allowed host page and a host page not allowed."""

    base: str
    host: str
    stranger: str
    app: Any

    def step(self, access: Access) -> dict[str, Any]:
        """Return a conversation's current step, straight from the service."""
        step: dict[str, Any] = self.app.extensions["bearings"].step(access)
        return step

    def chat_access(self, page: Any) -> Access:
        """Return the access the chat page at ``page.url`` holds in its cookie."""
        path = urlparse(page.url).path
        token = next(c["value"] for c in page.context.cookies()
                     if c["name"] == "bearings_token" and c["path"] == path)
        return Access(path.rsplit("/", 1)[1], token)

    def widget_access(self, page: Any, flow: str = "crypto-loss-recovery") -> Access:
        """Return the access the host page keeps for the widget in its localStorage."""
        kept = page.evaluate("key => JSON.parse(localStorage.getItem(key))",
                             f"bearings:{self.base}:{flow}")
        return Access(kept["id"], kept["token"])

    def chat_steps(self, page: Any) -> Any:
        """Return a function giving the current step of the chat page's conversation."""
        return lambda: self.step(self.chat_access(page))

    def widget_steps(self, page: Any, flow: str = "crypto-loss-recovery") -> Any:
        """Return a function giving the current step of the widget's conversation."""
        return lambda: self.step(self.widget_access(page, flow))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the real app and two host pages on loopback, each on its own origin."""
    handler = type("HostPage", (_HostPage,), {})
    host = _serve(ThreadingHTTPServer(("127.0.0.2", 0), handler))
    stranger = _serve(ThreadingHTTPServer(("127.0.0.2", 0), handler))
    host_origin = f"http://127.0.0.2:{host.server_port}"
    folder = tmp_path_factory.mktemp("bearings")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bearings.db'}",
                      "INSTANCE_PATH": str(folder), "RATE_LIMIT": "off",
                      "SECRET_KEY": "browser-test-secret", "ALLOWED_ORIGINS": [host_origin],
                      "ENGINES": with_letter_flow()})
    server = _serve(make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet))
    handler.base = f"http://127.0.0.1:{server.server_port}"
    yield Site(handler.base, host_origin, f"http://127.0.0.2:{stranger.server_port}", app)
    for running in (server, host, stranger):
        running.shutdown()
        running.server_close()
    app.extensions["bearings"].store.dispose()


@pytest.fixture
def artifacts() -> Path:
    """Return the folder screenshots go to (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
