"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Screenshots of every scenario go to artifacts/screenshots/ (git-ignored) for a
reviewer to look at; the path is printed at the end of the run.
"""

import contextlib
import http.server
import os
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from tests.conftest import skip_unless

CHROMIUM = "/usr/bin/chromium"
# The Chromium the browser tests drive is Debian's (the playwright download is not
# used); these flags keep it headless, in a container, and off every network but ours.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

_written = []


def pytest_terminal_summary(terminalreporter):
    if _written:
        terminalreporter.write_line(
            f"Browser screenshots ({len(_written)}): {SCREENSHOTS}"
        )


# Per module, not per session: while Playwright runs, its event loop runs in this thread
# too, and the rest of the suite (async_to_sync, asyncio.run) must not run beside it.
@pytest.fixture(scope="module")
def chromium():
    skip_unless(
        os.access(CHROMIUM, os.X_OK),
        f"{CHROMIUM} is missing: apt-get install -y chromium",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for as long
    # as it is started, and Django refuses synchronous ORM calls (the tests' own, the
    # test database's setup and flushes) beside a running loop. Nothing here is async.
    with (
        mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Opens pages in fresh browser contexts (no shared cookies), closed afterwards."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    """Saves a screenshot as artifacts/screenshots/<name>.png and returns its path.

    The whole page by default; ``full_page=False`` keeps to what the viewport shows
    (scroll the interesting part into view first), a ``locator`` to one element.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, *, full_page=True, locator=None):
        path = SCREENSHOTS / f"{name}.png"
        if locator is not None:
            locator.screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=full_page)
        _written.append(path)
        print(f"screenshot: {path}")
        return path

    return take


@pytest.fixture
def other_origin():
    """Serves given HTML from a second loopback server, another origin than live_server.

    live_server answers at http://localhost:<port>; this one at http://127.0.0.1:<port>,
    a different host and port, so a page from it framing the card is cross-site.
    """
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(path, html):
        pages[path] = html
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield serve
    server.shutdown()
    with contextlib.suppress(OSError):
        server.server_close()
    thread.join(timeout=5)
