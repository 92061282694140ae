"""An editor orders steps by dragging, inserts one, reads the history, reverts, recovers."""

import pytest

from exercises.models import Equipment, Exercise, ExerciseMuscle, Muscle
from hipext.content.history import history_recorded
from routines.models import Routine
from tests.factories import ExerciseFactory, ExerciseStepFactory
from tests.system.browser import test_admin
from tests.system.browser.test_admin import api_steps, drag, handles, log_in

pytestmark = pytest.mark.browser

editor = test_admin.editor  # the same editor fixture


def change_url(live_server, obj):
    opts = obj._meta
    return (
        f"{live_server.url}/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
    )


def step_texts(page):
    rows = page.locator("#steps-group tr.has_original")
    return [
        rows.nth(i).locator("textarea[name$='-text_en']").input_value()
        for i in range(rows.count())
    ]


def save_and_continue(page):
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


def test_editor_drags_a_step_to_the_top_and_saves(
    page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = api_steps(page, live_server, "glute-bridges")
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise))
    assert step_texts(page) == before

    drag(page, handles(page, "steps").nth(2), handles(page, "steps").nth(0))

    expected = [before[2], before[0], before[1], before[3]]
    assert step_texts(page) == expected
    positions = page.locator("#steps-group tr.has_original input._reorder_")
    assert [positions.nth(i).input_value() for i in range(4)] == ["1", "2", "3", "4"]
    screenshot(page, "history-1-step-dragged", locator=page.locator("#steps-group"))
    save_and_continue(page)

    assert api_steps(page, live_server, "glute-bridges") == expected
    assert step_texts(page) == expected


def test_editor_inserts_a_step_between_two_without_numbering(
    page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = api_steps(page, live_server, "glute-bridges")
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise))
    page.click("#steps-group .add-row a")
    new_row = page.locator("#steps-group tr.dynamic-steps").last
    new_row.locator("textarea[name$='-text_en']").fill("Pause for a breath at the top.")
    # The new row already has the next position, and a handle to drag it by.
    assert new_row.locator("input._reorder_").input_value() == str(len(before) + 1)

    drag(page, handles(page, "steps").nth(len(before)), handles(page, "steps").nth(1))

    expected = [before[0], "Pause for a breath at the top.", *before[1:]]
    assert step_texts(page) == expected
    screenshot(page, "history-2-step-inserted", locator=page.locator("#steps-group"))
    save_and_continue(page)

    assert api_steps(page, live_server, "glute-bridges") == expected
    assert list(exercise.steps.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_editor_drags_routine_items_into_another_order(
    page, live_server, editor, screenshot
):
    routine = Routine.objects.get(slug="desk-break")
    items = list(
        routine.items.order_by("position").values_list("exercise__slug", flat=True)
    )
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, routine))

    drag(page, handles(page, "items").nth(1), handles(page, "items").nth(0))
    screenshot(
        page, "history-3-routine-items-dragged", locator=page.locator("#items-group")
    )
    save_and_continue(page)

    assert list(
        routine.items.order_by("position").values_list("exercise__slug", flat=True)
    ) == [items[1], items[0], *items[2:]]


def test_editor_compares_two_revisions_and_reverts(
    page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = api_steps(page, live_server, "glute-bridges")
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise))
    page.fill("#id_steps-1-text_en", "Press through your heels and lift.")
    drag(page, handles(page, "steps").nth(3), handles(page, "steps").nth(0))
    page.fill("#id_revision_comment", "Shorter second step; lowering first.")
    save_and_continue(page)
    edited = api_steps(page, live_server, "glute-bridges")
    assert edited[0] == before[3]

    page.click("a.historylink")
    page.wait_for_selector("#revisions")
    rows = page.locator("#revisions tbody tr")
    assert rows.count() == 2
    assert "Shorter second step; lowering first." in rows.nth(0).inner_text()
    assert "editor" in rows.nth(0).inner_text()
    assert "Seed." in rows.nth(1).inner_text()
    screenshot(page, "history-4-revisions", locator=page.locator("#content"))

    page.click("#compare-button")
    page.wait_for_selector(".section-diff")
    steps = page.locator(".section-diff[data-section='Exercise steps']")
    # A line holds a step's text in every language: a step whose English alone
    # changed is a changed line, the step moved a removed and an added one.
    added = " ".join(
        steps.locator("tr.added td.new, tr.changed td.new").all_inner_texts()
    )
    removed = " ".join(
        steps.locator("tr.removed td.old, tr.changed td.old").all_inner_texts()
    )
    assert before[3] in added  # moved to the top
    assert before[3] in removed  # from the bottom
    assert "Press through your heels and lift." in added
    assert before[1] in removed
    screenshot(page, "history-5-diff", full_page=True)

    page.click("button.revert-button")
    page.wait_for_selector(".messagelist .success")
    assert "recorded as a new revision" in page.inner_text(".messagelist")
    assert api_steps(page, live_server, "glute-bridges") == before
    screenshot(page, "history-6-reverted", full_page=False)

    page.click("a.historylink")
    rows = page.locator("#revisions tbody tr")
    assert rows.count() == 3
    assert "Reverted to revision" in rows.nth(0).inner_text()


def test_editor_deletes_an_exercise_and_recovers_it_with_its_steps(
    page, live_server, editor, screenshot
):
    exercise = ExerciseFactory(name="Wall bridge", slug="wall-bridge")
    texts = ["Lie down with feet on the wall.", "Lift the hips.", "Lower slowly."]
    for position, text in enumerate(texts, start=1):
        ExerciseStepFactory(exercise=exercise, position=position, text=text)
    pk = exercise.pk
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise))
    page.click("a.deletelink")
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert not Exercise.objects.filter(pk=pk).exists()

    page.click("a.recoverlink")
    page.wait_for_selector("#deleted-objects")
    assert "Wall bridge" in page.inner_text("#deleted-objects")
    screenshot(page, "history-7-recover-list", locator=page.locator("#content"))
    page.click("#deleted-objects button.recover-button")

    page.wait_for_selector(".messagelist .success")
    recovered = Exercise.objects.get(pk=pk)
    assert list(recovered.steps.values_list("text", flat=True)) == texts
    assert step_texts(page) == texts
    screenshot(page, "history-8-recovered", full_page=False)


def test_the_alternatives_search_never_offers_the_item_itself(
    page, live_server, editor, screenshot
):
    exercise = Exercise.objects.get(slug="stepups")
    link = exercise.equipment_links.select_related("equipment").first()
    own = link.equipment
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise))

    page.click("#id_equipment_links-0-alternatives + .select2 .select2-selection")
    page.wait_for_selector(".select2-results__option:not(.loading-results)")
    offered = page.locator(".select2-results__option").all_inner_texts()
    assert own.name not in offered
    others = Equipment.objects.exclude(pk=own.pk).exclude(
        pk__in=link.alternatives.all()
    )
    assert {item.name for item in others} <= set(offered)
    screenshot(page, "history-9-alternatives-search", full_page=False)


def test_a_revert_that_cannot_apply_says_why(page, live_server, editor, screenshot):
    exercise = Exercise.objects.get(slug="glute-bridges")
    muscle = Muscle.objects.create(name="Test muscle", slug="test-muscle")
    with history_recorded(comment="With the test muscle.", user=editor):
        ExerciseMuscle.objects.create(
            exercise=exercise, muscle=muscle, role="secondary"
        )
        exercise.save()
    with history_recorded(comment="Without it.", user=editor):
        exercise.muscle_links.filter(muscle=muscle).delete()
        exercise.save()
    muscle.delete()
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, exercise).replace("/change/", "/history/"))

    page.locator("#revisions tbody tr").nth(1).locator("button.revert-button").click()

    page.wait_for_selector(".messagelist .error")
    message = page.inner_text(".messagelist .error")
    assert "names a muscle deleted since" in message
    assert "Test muscle" not in exercise.muscle_links.values_list(
        "muscle__name", flat=True
    )
    screenshot(page, "history-10-revert-refused", full_page=False)
