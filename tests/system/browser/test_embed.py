"""An end user meets an exercise card: on a phone, inside another site's page."""

import pytest

from exercises.models import Exercise

pytestmark = pytest.mark.browser

SLUG = "stability-ball-bridge-and-hamstring-curl"  # the longest name
NAME = "Glute bridge and hamstring curl on the stability ball"


@pytest.fixture
def card_url(live_server, seeded):
    return f"{live_server.url}/embed/exercises/{SLUG}"


def image_loaded(frame, selector):
    """Whether the image at ``selector`` loaded and decoded (a broken one has no size)."""
    return frame.eval_on_selector(
        selector, "image => image.complete && image.naturalWidth > 0"
    )


def test_card_fits_a_phone_and_shows_the_diagram(new_page, card_url, screenshot):
    page = new_page({"width": 375, "height": 812})

    page.goto(card_url)

    page.locator("img.diagram").wait_for()
    assert page.inner_text("h1") == NAME
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert image_loaded(page, "img.diagram")
    box = page.locator("img.diagram").bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    steps = Exercise.objects.get(slug=SLUG).steps.order_by("position")
    assert page.locator("ol.steps li").all_inner_texts() == [s.text for s in steps]
    screenshot(page, "embed-1-card-on-a-375px-phone")


def test_card_works_framed_by_a_page_from_another_origin(
    page, card_url, other_origin, screenshot
):
    host_url = other_origin(
        "/article.html",
        "<!DOCTYPE html><title>A fitness blog</title>"
        "<h1>Today's workout</h1>"
        f'<iframe id="card" src="{card_url}" width="375" height="900" '
        'style="border:1px solid #999"></iframe>',
    )
    assert host_url.split("/")[2] != card_url.split("/")[2]  # another origin

    page.goto(host_url)

    card = page.frame_locator("#card")
    card.locator("img.diagram").wait_for()
    assert card.locator("h1").inner_text() == NAME
    frame = page.frame(url=card_url)
    assert frame is not None
    assert image_loaded(frame, "img.diagram")
    assert frame.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "embed-2-card-framed-by-another-origin")


def test_admin_refuses_to_be_framed(page, live_server, other_origin, screenshot):
    admin_url = f"{live_server.url}/admin/login/"
    host_url = other_origin(
        "/phishing.html",
        "<!DOCTYPE html><title>Not the admin</title><h1>Framing the admin</h1>"
        f'<iframe id="admin" src="{admin_url}" width="600" height="400"></iframe>',
    )

    with page.expect_response(admin_url) as answer:
        page.goto(host_url)
    page.wait_for_load_state("load")

    assert answer.value.headers["x-frame-options"] == "DENY"
    # Chromium refuses to show it: the frame holds an error page, not the login form.
    assert page.frame_locator("#admin").locator("#id_username").count() == 0
    framed = [frame for frame in page.frames if frame != page.main_frame]
    assert len(framed) == 1
    assert not framed[0].url.startswith(live_server.url)
    screenshot(page, "embed-3-admin-refuses-to-be-framed")
