"""The muscle diagram as a browser draws it, opened on its own."""

import pytest

pytestmark = pytest.mark.browser


def test_diagram_renders_both_views_and_a_legend(
    new_page, live_server, seeded, screenshot
):
    page = new_page({"width": 480, "height": 560})

    response = page.goto(f"{live_server.url}/api/exercises/glute-bridges/diagram.svg")

    assert response.headers["content-type"] == "image/svg+xml"
    assert page.evaluate("document.documentElement.tagName") == "svg"
    assert page.title() == "Muscles worked: Glute bridges"
    # The front view draws the core on both sides of the body.
    core = page.locator("[data-muscle=core] path")
    assert core.count() == 2
    for index in range(2):
        box = core.nth(index).bounding_box()
        assert box["width"] > 10
        assert box["height"] > 10
    legend = page.locator("[data-legend]").all_text_contents()
    assert legend[0] == "Primary: Gluteus maximus"
    screenshot(page, "diagram-glute-bridges", full_page=False)
