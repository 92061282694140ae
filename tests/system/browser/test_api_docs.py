"""An app developer's first visit: the API docs load the schema and answer "Try it out"."""

import json

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def docs_server(live_server, seeded):
    return live_server


def test_swagger_ui_tries_the_no_equipment_question(page, docs_server, screenshot):
    page.goto(f"{docs_server.url}/api/docs")
    operation = page.locator("#operations-exercises-exercises_list")
    operation.wait_for()
    assert page.locator(".info .title").inner_text().startswith("hipext API")

    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    # equipment is an array parameter (comma-separated on the wire): one item, "none".
    equipment = operation.locator("tr[data-param-name='equipment']")
    equipment.get_by_role("button", name="Add string item").click()
    # The text box of the item (the row also holds Swagger UI's "send empty value" box).
    equipment.locator("input[type=text]").fill("none")
    with page.expect_response(
        lambda response: "/api/exercises?" in response.url
    ) as answer:
        operation.locator(".execute").click()

    response = answer.value
    assert response.status == 200
    slugs = [item["slug"] for item in json.loads(response.body())["results"]]
    assert slugs == ["glute-bridges", "standing-kickbacks"]
    shown = operation.locator(".live-responses-table .response-col_description pre")
    shown.first.wait_for()
    shown_slugs = [
        item["slug"] for item in json.loads(shown.first.inner_text())["results"]
    ]
    assert shown_slugs == ["glute-bridges", "standing-kickbacks"]
    assert "equipment=none" in operation.locator(".request-url").inner_text()
    # The request URL at the top of the screen, the answer below it.
    operation.locator(".request-url").evaluate("element => element.scrollIntoView()")
    screenshot(page, "docs-1-swagger-try-it-out-equipment-none", full_page=False)


def test_redoc_renders_the_schema(page, docs_server, screenshot):
    page.goto(f"{docs_server.url}/api/redoc")

    page.locator("h1:has-text('hipext API')").wait_for()
    for operation in ("exercises_list", "exercises_retrieve", "exercises_diagram"):
        page.locator(f"[data-section-id='operation/{operation}']").wait_for()
    assert page.get_by_text("/api/exercises/{slug}/diagram.svg").count() >= 1
    screenshot(page, "docs-2-redoc", full_page=False)
