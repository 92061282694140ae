"""Cards framed on another site fit their frames: no scrolling, nothing clipped.

The host page embeds a full card and a compact one with the documented snippet
(oEmbed's html: the iframe and /embed/sizer.js), at a phone's and a desktop's width,
before and after the reader enlarges the text; and cards in Spanish and German, whose
texts are longer, at the heights oEmbed gives for their language.
"""

import json
import time
import urllib.parse
import urllib.request

import pytest

from exercises.embed.heights import measured_heights
from exercises.embed.measure import measure_seeded_cards
from tests.exercises.conftest import edition

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

LONGEST = "stability-ball-bridge-and-hamstring-curl"
CARD_HEIGHT_JS = "Math.ceil(document.documentElement.getBoundingClientRect().height)"


@pytest.fixture
def translated(seeded):
    """The seed, with its Spanish and German editions."""
    return seeded


def oembed(live_server, slug, card_query="", **params):
    query = urllib.parse.urlencode(
        {"url": f"{live_server.url}/embed/exercises/{slug}{card_query}", **params}
    )
    with urllib.request.urlopen(f"{live_server.url}/api/oembed?{query}") as answer:
        return json.load(answer)


def host_page(other_origin, name, snippets):
    """A blog post on another origin holding ``snippets`` between paragraphs."""
    body = "<p>Then the next one.</p>".join(snippets)
    return other_origin(
        f"/{name}.html",
        "<!DOCTYPE html><html><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>A fitness blog</title></head><body>"
        f"<h1>Today's workout</h1><p>Two exercises.</p>{body}<p>The end.</p>"
        "</body></html>",
    )


def card_frames(page):
    """(iframe element, its frame) for every card on the page, in page order."""
    elements = page.locator("iframe").element_handles()
    return [(element, element.content_frame()) for element in elements]


def frame_elements(page):
    return page.locator("iframe").element_handles()


def fitted(element, frame):
    """The frame's height and the card's content height, once it has a card."""
    if frame is None or "/embed/exercises/" not in frame.url:
        return None, None
    try:
        card = frame.evaluate(
            f"document.readyState === 'complete' ? {CARD_HEIGHT_JS} : null"
        )
    except Exception:  # the frame is between documents
        return None, None
    return element.evaluate("e => e.getBoundingClientRect().height"), card


def wait_until_fitted(element, frame, timeout=20):
    """Waits until the frame's height is the card's; returns it, or fails saying both.

    Equal twice in a row, a tenth of a second apart: the card has loaded, reported
    its height and the host script has applied it.
    """
    deadline = time.monotonic() + timeout
    seen = None
    while True:
        frame_height, card_height = fitted(element, frame)
        if card_height is not None and frame_height == card_height:
            if seen == card_height:
                return card_height
            seen = card_height
        else:
            seen = None
        if time.monotonic() > deadline:
            pytest.fail(f"frame {frame_height} px tall, card {card_height} px")
        time.sleep(0.1)


def assert_card_fits(page, element, frame):
    """The card neither scrolls nor is clipped: its last step is inside the frame."""
    height = wait_until_fitted(element, frame)
    scroll = frame.evaluate(
        "({height: document.documentElement.scrollHeight, inner: innerHeight,"
        " width: document.documentElement.scrollWidth, innerWidth})"
    )
    assert scroll["height"] <= scroll["inner"]
    assert scroll["width"] <= scroll["innerWidth"]
    box = element.bounding_box()
    for selector in ("ol.steps li", "footer"):
        last = frame.locator(selector).last.bounding_box()
        assert last["y"] + last["height"] <= box["y"] + box["height"]
    return height


def shoot_page(page, screenshot, name):
    """A screenshot of the whole page with every card drawn.

    Chromium draws a cross-site frame only while it is in view, so the viewport is
    made as tall as the page for the picture (its width, hence the layout, unchanged).
    """
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": height})
    for element in frame_elements(page):
        element.content_frame().evaluate(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
    screenshot(page, name)
    page.set_viewport_size(viewport)


def text_enlarged(page, size):
    """Sets the browser's default font size, as a reader does in the settings.

    Each card runs in a process of its own (another site), with its own settings.
    """
    for target in [
        page,
        *(element.content_frame() for element in frame_elements(page)),
    ]:
        session = page.context.new_cdp_session(target)
        session.send("Page.setFontSizes", {"fontSizes": {"standard": size}})


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_two_cards_on_another_origin_fit_before_and_after_a_font_change(
    new_page, live_server, seeded, other_origin, screenshot, viewport
):
    snippets = [
        oembed(live_server, LONGEST, maxwidth=viewport["width"])["html"],
        oembed(
            live_server, "glute-bridges", maxwidth=viewport["width"], layout="compact"
        )["html"],
    ]
    host_url = host_page(other_origin, "two-cards", snippets)
    assert urllib.parse.urlsplit(host_url).netloc not in live_server.url
    page = new_page(viewport)
    width = viewport["width"]

    page.goto(host_url)
    before = []
    for element in frame_elements(page):
        # Lazily loaded: the second card loads when the reader scrolls to it.
        element.scroll_into_view_if_needed()
        before.append(assert_card_fits(page, element, element.content_frame()))
    shoot_page(page, screenshot, f"embed-fit-{width}px")

    text_enlarged(page, 24)
    after = []
    for element in frame_elements(page):
        frame = element.content_frame()
        frame.wait_for_function("getComputedStyle(document.body).fontSize === '24px'")
        # Chromium renders a cross-site frame out of view only when it comes into
        # view; the card reports its new height then.
        element.scroll_into_view_if_needed()
        after.append(assert_card_fits(page, element, frame))
    shoot_page(page, screenshot, f"embed-fit-{width}px-larger-text")

    assert all(a > b for a, b in zip(after, before, strict=True))
    if width == PHONE["width"]:
        # The frames are narrower than oEmbed's 480 pixels here (max-width: 100%), so
        # the cards are taller than oEmbed said: the host script made them fit.
        assert before[0] > oembed(live_server, LONGEST, maxwidth=width)["height"]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("layout", ["full", "compact"])
def test_oembed_height_is_the_height_of_the_card_rendered_at_that_width(
    new_page, live_server, translated, other_origin, layout, language
):
    widths = (320, 375, 480)
    slugs = (LONGEST, "glute-bridges", "hip-thrust")
    answers = [
        oembed(live_server, slug, maxwidth=width, layout=layout, lang=language)
        for slug in slugs
        for width in widths
    ]
    # Without the host script: each frame keeps the size oEmbed gave it.
    snippets = [answer["html"].split("<script")[0] for answer in answers]
    for snippet in snippets:
        assert "loading=" in snippet
    eager = [snippet.replace('loading="lazy"', "") for snippet in snippets]
    page = new_page(DESKTOP)

    page.goto(host_page(other_origin, f"widths-{layout}-{language}", eager))

    frames = card_frames(page)
    assert len(frames) == len(answers)
    for answer, (element, frame) in zip(answers, frames, strict=True):
        frame.wait_for_load_state("load")
        assert frame.evaluate("document.documentElement.lang") == language
        box = element.bounding_box()
        assert box["width"] == answer["width"]
        assert box["height"] == answer["height"]
        assert abs(frame.evaluate(CARD_HEIGHT_JS) - answer["height"]) <= 2
        if layout == "compact":
            assert frame.locator("img.diagram").count() == 0


def test_the_measured_heights_are_those_of_the_cards_as_they_render_now(
    chromium, seeded
):
    # Every card in every language, as manage.py measure_cards measures them.
    measured = measure_seeded_cards(chromium)

    assert list(measured) == ["en", "es", "de"]
    # Else: manage.py measure_cards on the seeded content, and commit heights.json.
    assert measured == measured_heights()


def test_a_spanish_card_shows_spanish_text_and_fits_its_frame_on_a_phone(
    new_page, live_server, translated, other_origin, screenshot
):
    answer = oembed(live_server, LONGEST, "?lang=es", maxwidth=PHONE["width"])
    host_url = host_page(other_origin, "spanish-card", [answer["html"]])
    page = new_page(PHONE)

    page.goto(host_url)

    [element] = frame_elements(page)
    element.scroll_into_view_if_needed()
    frame = element.content_frame()
    height = assert_card_fits(page, element, frame)
    spanish = edition("es")["exercises"][LONGEST]
    assert frame.evaluate("document.documentElement.lang") == "es"
    assert frame.locator("h1").inner_text() == spanish["name"]
    assert frame.locator("ol.steps li").all_inner_texts() == [
        " ".join(step.split()) for step in spanish["steps"]
    ]
    assert frame.locator("h2").first.inner_text().lower() == "material"
    # The diagram, loaded from the card's own origin, is the Spanish one.
    diagram = frame.locator("img.diagram")
    assert diagram.evaluate("image => image.complete && image.naturalWidth > 0")
    assert diagram.get_attribute("src").endswith("diagram.svg?lang=es")
    src = diagram.get_attribute("src")
    with urllib.request.urlopen(urllib.parse.urljoin(frame.url, src)) as image:
        svg = image.read().decode()
    assert 'lang="es"' in svg
    assert f"Músculos trabajados: {spanish['name']}</title>" in svg
    # The frame is as tall as the card reported (the host script fitted it), and
    # that is the Spanish card: taller than oEmbed's Spanish height at 375 pixels,
    # as the frame is narrower than that on the phone's page.
    assert height >= answer["height"]
    shoot_page(page, screenshot, "embed-fit-spanish-375px")
