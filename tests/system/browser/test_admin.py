"""An editor at work in the admin: create an exercise, reorder its steps, break a rule."""

import json

import pytest

from exercises.models import Exercise

pytestmark = pytest.mark.browser

PASSWORD = "a-long-editor-passphrase"
STEPS = [
    "Lie on your back with one foot flat and the other leg straight.",
    "Press through the planted heel and lift your hips.",
    "Lower slowly and repeat, then switch legs.",
]


@pytest.fixture
def editor(django_user_model, seeded):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.org", PASSWORD
    )


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")


def add_inline_row(page, prefix):
    """Clicks the inline's "Add another" link; returns the new row's index."""
    total = int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))
    page.click(f"#{prefix}-group .add-row a")
    page.wait_for_selector(f"#id_{prefix}-{total}-id", state="attached")
    return total


def choose_autocomplete(page, select_id, text):
    """Picks an option in an admin autocomplete (select2) field by typing, as a person does."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def handles(page, prefix):
    """The drag handles of an ordered inline's rows, top to bottom."""
    return page.locator(f"#{prefix}-group tr.has_original td.original p")


def drag(page, source, target, *, below=False):
    """Drags ``source`` onto ``target`` with the mouse, in small moves as a hand does."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    end = target.bounding_box()
    x, y0 = start["x"] + 5, start["y"] + start["height"] / 2
    y = end["y"] + (end["height"] * 0.8 if below else end["height"] * 0.2)
    page.mouse.move(x, y0)
    page.mouse.down()
    # A short first move starts the drag; the pauses let the list make room, as it
    # does under a hand (a loaded machine needs them).
    page.mouse.move(x, y0 + (5 if y > y0 else -5))
    page.wait_for_timeout(150)
    for step in range(1, 11):
        page.mouse.move(x, y0 + (y - y0) * step / 10, steps=3)
        page.wait_for_timeout(40)
    page.wait_for_timeout(250)
    page.mouse.up()
    page.wait_for_timeout(400)  # the drop's animation, then the renumbering


def api_steps(page, live_server, slug):
    response = page.request.get(f"{live_server.url}/api/exercises/{slug}")
    assert response.status == 200
    return [step["text"] for step in json.loads(response.body())["steps"]]


def test_editor_creates_an_exercise_and_reorders_its_steps(
    page, live_server, editor, screenshot
):
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/exercises/exercise/add/")
    # Typed key by key, so the admin's script fills in the slug as it does for a person.
    page.locator("#id_name_en").press_sequentially("Single-leg glute bridge")
    assert page.input_value("#id_slug") == "single-leg-glute-bridge"
    page.fill("#id_summary_en", "A glute bridge on one leg, for more load per side.")
    page.select_option("#id_difficulty", "intermediate")
    page.select_option("#id_position", "lying_on_back")
    page.select_option("#id_laterality", "each_side")
    page.fill("#id_sets_min", "2")
    page.fill("#id_sets_max", "3")
    page.fill("#id_reps_min", "8")
    page.fill("#id_reps_max", "10")
    page.check("#id_per_side")
    page.fill("#id_source", "Written for the browser test.")
    # New exercises start as drafts; this one is published at once for apps.
    assert page.input_value("#id_status") == "draft"
    page.select_option("#id_status", "published")
    for text in STEPS:
        row = add_inline_row(page, "steps")
        # The page gives each new step the next position itself.
        assert page.input_value(f"#id_steps-{row}-position") == str(row + 1)
        page.fill(f"#id_steps-{row}-text_en", text)
    for name, role in [("Gluteus maximus", "primary"), ("Hamstrings", "secondary")]:
        row = add_inline_row(page, "muscle_links")
        choose_autocomplete(page, f"id_muscle_links-{row}-muscle", name)
        page.select_option(f"#id_muscle_links-{row}-role", role)
    row = add_inline_row(page, "equipment_links")
    choose_autocomplete(page, f"id_equipment_links-{row}-equipment", "Dumbbell")
    page.select_option(f"#id_equipment_links-{row}-requirement", "optional")
    screenshot(page, "admin-1-new-exercise-form")

    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    assert api_steps(page, live_server, "single-leg-glute-bridge") == STEPS
    exercise = Exercise.objects.get(slug="single-leg-glute-bridge")
    assert {(link.muscle.slug, link.role) for link in exercise.muscle_links.all()} == {
        ("gluteus-maximus", "primary"),
        ("hamstrings", "secondary"),
    }
    assert [link.equipment.slug for link in exercise.equipment_links.all()] == [
        "dumbbell"
    ]
    # The diagram on the change page shows what was just saved, hamstrings hatched.
    diagram = page.locator("svg[role=img]")
    assert diagram.locator("[data-muscle=gluteus-maximus]").get_attribute(
        "data-role"
    ) == ("primary")
    assert diagram.locator("[data-muscle=semitendinosus]").get_attribute(
        "data-role"
    ) == ("secondary")
    screenshot(page, "admin-2-saved-with-diagram")

    # Last step first, dragged by its handle: a permutation of the positions, which
    # the unique (exercise, position) constraint must not trip over.
    drag(page, handles(page, "steps").nth(2), handles(page, "steps").nth(0))
    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    assert api_steps(page, live_server, "single-leg-glute-bridge") == [
        STEPS[2],
        STEPS[0],
        STEPS[1],
    ]
    assert [page.input_value(f"#id_steps-{row}-text_en") for row in range(3)] == [
        STEPS[2],
        STEPS[0],
        STEPS[1],
    ]
    screenshot(page, "admin-3-steps-reordered")


def stored(exercise):
    exercise.refresh_from_db()
    return (
        exercise.sets_min,
        exercise.sets_max,
        list(exercise.steps.values_list("position", "text")),
    )


def test_a_save_that_breaks_an_invariant_shows_the_error_and_changes_nothing(
    page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = stored(exercise)
    log_in(page, live_server, editor)
    change_url = f"{live_server.url}/admin/exercises/exercise/{exercise.pk}/change/"

    page.goto(change_url)
    # The page numbers positions itself; a crafted post could still repeat one.
    page.locator("#id_steps-1-position").evaluate("input => { input.value = '1'; }")
    page.fill("#id_steps-0-text_en", "An edit that must not be saved.")
    page.click("input[name=_continue]")

    page.wait_for_selector(".errornote")
    errors = page.locator("#steps-group .errorlist").all_inner_texts()
    assert any("duplicate" in error and "position" in error for error in errors), errors
    assert stored(exercise) == before
    screenshot(
        page,
        "admin-4-duplicate-step-position-refused",
        locator=page.locator("#steps-group"),
    )

    page.goto(change_url)
    page.fill("#id_sets_min", "3")
    page.fill("#id_sets_max", "2")
    page.click("input[name=_continue]")

    page.wait_for_selector(".errornote")
    assert "the maximum, if given, at least the minimum" in page.inner_text(
        "#content-main"
    )
    assert stored(exercise) == before
    page.locator(".errornote").scroll_into_view_if_needed()
    screenshot(page, "admin-5-sets-range-refused", full_page=False)
