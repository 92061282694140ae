"""Measures the cards' heights at every frame width in Chromium: a build step.

``manage.py measure_cards`` writes what this measures to ``heights.json``, which the
oEmbed endpoint answers from (``heights.py``). The browser loads each card from this
process through Playwright's request routing (no server runs), frames it on a page of
the same origin, and reads the card's height at each frame width as the card's own
script does (``scripts/card.js``). Playwright is a development dependency: this runs
where the tests run, never in a web process.
"""

import contextlib
import os
from unittest import mock

from django.test import Client
from django.test.utils import override_settings

from .heights import CARD_WIDTH, LAYOUTS, MIN_WIDTH
from .views import card_path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
HOST = "hipext.measure"
ORIGIN = f"http://{HOST}"

# Frames the card in an iframe far taller than any card (so it never scrolls, as
# when fitted), and reads its height at each width: the same expression as card.js.
MEASURE_JS = """async ([src, widths]) => {
  const frame = document.createElement("iframe");
  frame.style.cssText = "border:0;display:block;height:20000px";
  frame.style.width = widths[0] + "px";
  document.body.append(frame);
  await new Promise((resolve) => { frame.onload = resolve; frame.src = src; });
  const root = frame.contentDocument.documentElement;
  const heights = {};
  for (const width of widths) {
    frame.style.width = width + "px";
    heights[width] = Math.ceil(root.getBoundingClientRect().height);
  }
  frame.remove();
  return heights;
}"""


def card_heights(page, card_url, widths=range(MIN_WIDTH, CARD_WIDTH + 1)):
    """{width: height} of the card at ``card_url``, framed on ``page``'s origin."""
    heights = page.evaluate(MEASURE_JS, [card_url, list(widths)])
    return {int(width): height for width, height in heights.items()}


@contextlib.contextmanager
def chromium_page(browser_path=CHROMIUM):
    """A blank page at ORIGIN whose every request this process answers."""
    from playwright.sync_api import sync_playwright

    client = Client(HTTP_HOST=HOST)

    def answer(route):
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body="<!DOCTYPE html><body style=margin:0>", status=200)
            return
        response = client.get(path)
        route.fulfill(
            status=response.status_code,
            headers={k: v for k, v in response.headers.items()},
            body=response.content,
        )

    # Playwright's sync API runs an event loop in this thread, beside which Django
    # refuses synchronous ORM calls unless told that nothing here is async.
    with (
        mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
        override_settings(ALLOWED_HOSTS=[HOST]),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=browser_path, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(f"{ORIGIN}/**", answer)
            page.goto(f"{ORIGIN}/")
            yield page
        finally:
            browser.close()


def measure_cards(slugs, browser_path=CHROMIUM):
    """{slug: {layout: [[width, height], ...]}} for every card of ``slugs``."""
    from .heights import runs

    with chromium_page(browser_path) as page:
        return {
            slug: {
                layout: runs(card_heights(page, ORIGIN + card_path(slug, layout)))
                for layout in LAYOUTS
            }
            for slug in slugs
        }
