"""Measures the cards' heights at every frame width in Chromium: a build step.

``manage.py measure_cards`` writes what this measures to ``heights.json``, which the
oEmbed endpoint answers from (``heights.py``). The browser loads each card, in every
supported language, from this process through Playwright's request routing (no
server runs), frames it on a page of the same origin, and reads the card's height at
each frame width as the card's own script does (``scripts/card.js``). Playwright is a
development dependency: this runs where the tests run, never in a web process.
"""

import contextlib
import os
from unittest import mock

from django.test import Client
from django.test.utils import override_settings

from hipext.content.languages import content_languages

from .heights import CARD_WIDTH, LAYOUTS, MIN_WIDTH, runs
from .views import card_path, diagram_path

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
  await new Promise((resolve, reject) => {
    frame.onload = resolve;
    setTimeout(() => reject(new Error(`${src} did not load`)), 15000);
    frame.src = src;
  });
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


def rendered(slugs, languages):
    """{path: response} of every card of ``slugs`` in ``languages`` and what it loads
    (its diagram).

    Rendered before the browser starts: Playwright calls its routing handler in a
    greenlet, whose context would give Django another database connection.
    """
    client = Client(HTTP_HOST=HOST)
    paths = [
        card_path(slug, layout, language)
        for language in languages
        for slug in slugs
        for layout in LAYOUTS
    ]
    paths += [diagram_path(slug, language) for language in languages for slug in slugs]
    # Nothing stored in the response cache: the content may be filled in for the
    # measuring only (measure_seeded_cards), and rolled back.
    with override_settings(ALLOWED_HOSTS=[HOST], API_RESPONSE_CACHE_TIMEOUT=0):
        responses = {path: client.get(path) for path in paths}
    for path, response in responses.items():
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    return responses


@contextlib.contextmanager
def measuring_page(browser, responses):
    """A page of ``browser`` at ORIGIN, answered from ``responses`` ({path: response})."""

    def answer(route):
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body="<!DOCTYPE html><body style=margin:0>")
        elif path in responses:
            response = responses[path]
            route.fulfill(
                status=response.status_code,
                headers=dict(response.headers.items()),
                body=response.content,
            )
        else:
            route.fulfill(status=404)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.route(f"{ORIGIN}/**", answer)
        page.goto(f"{ORIGIN}/")
        yield page
    finally:
        context.close()


def measure_cards(browser, slugs, languages=None):
    """{language: {slug: {layout: [[width, height], ...]}}} for the cards of
    ``slugs`` in ``languages`` (every supported one by default)."""
    languages = languages or content_languages()
    with measuring_page(browser, rendered(slugs, languages)) as page:
        return {
            language: {
                slug: {
                    layout: runs(
                        card_heights(page, ORIGIN + card_path(slug, layout, language))
                    )
                    for layout in LAYOUTS
                }
                for slug in slugs
            }
            for language in languages
        }


def measure_seeded_cards(browser):
    """measure_cards() for every exercise in every language, as the database has them
    (the seed loads the Spanish and German editions)."""
    from exercises.models import Exercise

    slugs = list(Exercise.objects.order_by("slug").values_list("slug", flat=True))
    return measure_cards(browser, slugs)


def measure_all_cards(browser_path=CHROMIUM):
    """measure_seeded_cards(), in a Chromium of its own."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, beside which Django
    # refuses synchronous ORM calls unless told that nothing here is async.
    with (
        mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=browser_path, args=CHROMIUM_ARGS
        )
        try:
            return measure_seeded_cards(browser)
        finally:
            browser.close()
