"""The admin: every model editable, steps reorderable in one save, atomic saves."""

import pytest
from django.urls import reverse

from exercises.models import Equipment, Exercise, ExerciseStep, Guideline, Muscle
from hipext.models import Document
from routines.models import Routine
from tests.hipext.content.test_documents import assert_documents_match_the_api, renders

pytestmark = pytest.mark.django_db

MODELS = [Exercise, Muscle, Equipment, Guideline]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_render_for_staff(admin_client, seeded, model):
    opts = model._meta
    for view in ("changelist", "add"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
        assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_page_renders_for_staff(admin_client, seeded, model):
    obj = model.objects.first()
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert str(obj) in response.content.decode()


def test_exercise_changelist_filters_by_equipment_and_muscle(admin_client, seeded):
    url = reverse("admin:exercises_exercise_changelist")
    ball = Equipment.objects.get(slug="stability-ball")
    response = admin_client.get(url, {"equipment_links__equipment__id__exact": ball.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    response = admin_client.get(url, {"q": "Step-ups"})
    assert [e.slug for e in response.context["cl"].result_list] == ["stepups"]


def _inline_prefixes(response):
    return {
        formset.formset.prefix: formset.formset
        for formset in response.context["inline_admin_formsets"]
    }


def exercise_post_data(admin_client, exercise):
    """The change form's own data for ``exercise``, as the browser would post it."""
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    response = admin_client.get(url)
    data = {}
    adminform = response.context["adminform"].form
    for name, field in adminform.fields.items():
        value = adminform.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for prefix, formset in _inline_prefixes(response).items():
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{prefix}-{name}"] = management.initial[name]
        for index, form in enumerate(formset.forms):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if name == "id":
                    value = form.instance.pk
                elif name == formset.fk.name:
                    value = exercise.pk
                if value is None:
                    continue
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, list | tuple):
                    data[f"{prefix}-{index}-{name}"] = [
                        getattr(v, "pk", v) for v in value
                    ]
                    continue
                data[f"{prefix}-{index}-{name}"] = value
    return url, data


def _step_indexes(data):
    """{position: form index} of the steps inline in posted data."""
    return {
        int(value): int(key.split("-")[1])
        for key, value in data.items()
        if key.startswith("steps-") and key.endswith("-position")
    }


def test_swapping_two_steps_in_one_save_works(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    first, second = exercise.steps.order_by("position")[:2]
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data[f"steps-{index[2]}-position"] = 1

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    texts = list(exercise.steps.order_by("position").values_list("text", flat=True))
    assert texts[:2] == [second.text, first.text]
    assert len(texts) == 4


def test_reversing_all_steps_and_adding_one_in_one_save_works(admin_client, seeded):
    exercise = Exercise.objects.get(slug="stepups")
    before = list(exercise.steps.order_by("position").values_list("text", flat=True))
    url, data = exercise_post_data(admin_client, exercise)
    for position, index in _step_indexes(data).items():
        data[f"steps-{index}-position"] = 6 - position
    new = int(data["steps-TOTAL_FORMS"])
    data["steps-TOTAL_FORMS"] = new + 1
    data[f"steps-{new}-position"] = 6
    data[f"steps-{new}-text"] = "A sixth step."
    data[f"steps-{new}-exercise"] = exercise.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    after = list(exercise.steps.order_by("position").values_list("text", flat=True))
    assert after == [*reversed(before), "A sixth step."]


def test_a_save_with_two_steps_at_one_position_shows_an_error_and_changes_nothing(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = list(exercise.steps.values_list("pk", "position", "text"))
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data["name"] = "Renamed glute bridges"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for position" in response.content.decode()
    assert list(exercise.steps.values_list("pk", "position", "text")) == before
    assert Exercise.objects.get(pk=exercise.pk).name == "Glute bridges"


def test_a_save_with_a_backwards_dose_shows_the_rule_and_changes_nothing(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url, data = exercise_post_data(admin_client, exercise)
    data["sets_min"], data["sets_max"] = 3, 2
    data[f"steps-{_step_indexes(data)[1]}-text"] = "Changed."

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Sets: the minimum must be at least 1" in response.content.decode()
    exercise.refresh_from_db()
    assert (exercise.sets_min, exercise.sets_max) == (2, 3)
    assert exercise.steps.get(position=1).text != "Changed."


def test_equipment_cannot_be_its_own_alternative(admin_client, seeded):
    exercise = Exercise.objects.get(slug="stepups")
    url, data = exercise_post_data(admin_client, exercise)
    box = Equipment.objects.get(slug="box")
    data["equipment_links-0-alternatives"] = [box.pk]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "is the item itself" in response.content.decode()


def test_an_editor_creates_an_exercise_with_steps(admin_client, seeded):
    url = reverse("admin:exercises_exercise_add")
    muscle = Muscle.objects.get(slug="gluteus-maximus")
    data = {
        "name": "Wall bridge",
        "slug": "wall-bridge",
        "summary": "A test exercise.",
        "difficulty": "beginner",
        "position": "lying_on_back",
        "laterality": "both",
        "source": "Editor.",
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 0,
        "steps-0-position": 2,
        "steps-0-text": "Second.",
        "steps-1-position": 1,
        "steps-1-text": "First.",
        "muscle_links-TOTAL_FORMS": 1,
        "muscle_links-INITIAL_FORMS": 0,
        "muscle_links-0-muscle": muscle.pk,
        "muscle_links-0-role": "primary",
        "equipment_links-TOTAL_FORMS": 0,
        "equipment_links-INITIAL_FORMS": 0,
        "variations-TOTAL_FORMS": 0,
        "variations-INITIAL_FORMS": 0,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    exercise = Exercise.objects.get(slug="wall-bridge")
    assert list(exercise.steps.values_list("text", flat=True)) == ["First.", "Second."]
    assert exercise.uuid is not None
    assert ExerciseStep.objects.filter(exercise=exercise).count() == 2


def test_an_admin_save_with_inlines_renders_the_exercise_document_once(
    admin_client, api_client, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = Document.objects.get(kind="exercise", object_id=exercise.pk).etag
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data[f"steps-{index[2]}-position"] = 1
    data["name"] = "Bridges, renamed"

    with renders() as made:
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    # The exercise, those varying into it, and the routines holding any of them.
    exercises = {exercise, *(v.exercise for v in exercise.variant_of.all())}
    routines = Routine.objects.filter(items__exercise__in=exercises).distinct()
    assert sorted(made) == sorted(
        [("exercise", e.slug) for e in exercises]
        + [("routine", r.slug) for r in routines]
    )
    assert len(exercises) > 1
    assert Document.objects.get(kind="exercise", object_id=exercise.pk).etag != before
    assert_documents_match_the_api(api_client)


def test_an_admin_bulk_delete_leaves_tombstones(admin_client, seeded):
    guidelines = list(Guideline.objects.order_by("pk")[:2])
    url = reverse("admin:exercises_guideline_changelist")
    data = {
        "action": "delete_selected",
        "_selected_action": [g.pk for g in guidelines],
        "post": "yes",
    }

    assert admin_client.post(url, data).status_code == 302

    assert not Document.objects.filter(
        kind="guideline", object_id__in=[g.pk for g in guidelines]
    ).exists()
    assert (
        Document.objects.filter(kind="guideline").count() == Guideline.objects.count()
    )
