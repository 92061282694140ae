"""An editor publishes, unpublishes and previews content in the admin, in a browser."""

import json

import pytest

from exercises.models import Exercise
from hipext.content.publication import Publication
from routines.models import Routine
from tests.system.browser.test_admin import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(django_user_model, seeded):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.org", PASSWORD
    )


def api_status(page, live_server, path):
    return page.request.get(f"{live_server.url}{path}").status


def select_and_run(page, name, action):
    """Ticks the changelist row of ``name`` and runs ``action``, as a person does."""
    row = page.locator("#result_list tbody tr", has_text=name)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_unpublishing_an_exercise_lists_its_routines_and_confirms(
    page, live_server, editor, screenshot
):
    log_in(page, live_server, editor)
    routines = list(
        Routine.objects.filter(items__exercise__slug="glute-bridges")
        .distinct()
        .values_list("name", flat=True)
    )
    assert routines  # the seed's curated routines use glute bridges
    page.goto(f"{live_server.url}/admin/exercises/exercise/")
    select_and_run(page, "Glute bridges", "unpublish")

    # Asked first, with every routine that goes along named.
    page.wait_for_selector("#unpublish-holders")
    listed = page.locator("#unpublish-holders").inner_text()
    assert all(name in listed for name in routines)
    assert api_status(page, live_server, "/api/exercises/glute-bridges") == 200
    screenshot(page, "publishing-1-unpublish-asks-to-confirm")

    page.click("input[value='Yes, unpublish them all']")

    page.wait_for_selector(".messagelist .success")
    assert "Also unpublished" in page.locator(".messagelist").inner_text()
    assert api_status(page, live_server, "/api/exercises/glute-bridges") == 404
    assert all(
        Routine.objects.get(name=name).status == Publication.DRAFT for name in routines
    )
    page.goto(f"{live_server.url}/admin/exercises/exercise/?status__exact=draft")
    assert "Glute bridges" in page.locator("#result_list").inner_text()
    screenshot(page, "publishing-2-unpublished-drafts-listed")

    # Publishing it again, then a routine holding it.
    select_and_run(page, "Glute bridges", "publish")
    page.wait_for_selector(".messagelist .success")
    assert api_status(page, live_server, "/api/exercises/glute-bridges") == 200
    page.goto(f"{live_server.url}/admin/routines/routine/")
    select_and_run(page, routines[0], "publish")
    page.wait_for_selector(".messagelist")
    screenshot(page, "publishing-3-published-again")


def test_publishing_a_routine_holding_a_draft_names_the_draft(
    page, live_server, editor, screenshot
):
    Exercise.objects.filter(slug="stepups").update(status=Publication.DRAFT)
    log_in(page, live_server, editor)
    routine = Routine.objects.filter(items__exercise__slug="stepups").first()
    routine.status = Publication.DRAFT
    routine.save()
    page.goto(f"{live_server.url}/admin/routines/routine/")
    select_and_run(page, routine.name, "publish")
    page.wait_for_selector(".messagelist .error")
    assert "“Stepups” is a draft" in page.locator(".messagelist").inner_text()
    screenshot(page, "publishing-4-routine-with-a-draft-refused")


def test_a_draft_is_previewed_as_card_and_json_without_a_login(
    page, new_page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="quadruped-kickbacks")
    exercise.status = Publication.DRAFT
    exercise.save()
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/exercises/exercise/{exercise.pk}/change/")
    page.locator("fieldset", has_text="Publication").scroll_into_view_if_needed()
    screenshot(page, "publishing-5-draft-with-preview-links", full_page=False)
    links = page.locator("a.preview-link")
    json_url, card_url = (
        links.nth(0).get_attribute("href"),
        links.nth(1).get_attribute("href"),
    )

    # A fresh browser, not logged in: the signed link alone opens the preview.
    stranger = new_page()
    card = stranger.goto(f"{live_server.url}{card_url}")
    assert card.status == 200
    assert card.headers["cache-control"] == "private, no-store"
    assert "set-cookie" not in card.headers
    assert stranger.locator(".preview").inner_text().startswith("Preview: Draft")
    screenshot(stranger, "publishing-6-draft-card-preview")

    answer = stranger.goto(f"{live_server.url}{json_url}")
    assert answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    assert json.loads(answer.body())["slug"] == "quadruped-kickbacks"
    assert stranger.context.cookies() == []
    # The public paths still do not show it.
    assert (
        api_status(stranger, live_server, "/api/exercises/quadruped-kickbacks") == 404
    )
    assert (
        api_status(stranger, live_server, "/embed/exercises/quadruped-kickbacks") == 404
    )
