"""The admin: every model editable, steps reorderable in one save, atomic saves."""

import threading
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from exercises.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseStep,
    Guideline,
    Muscle,
)
from hipext.models import Document
from routines.models import Routine
from tests.conftest import postgresql_only, run_in_thread
from tests.factories import ExerciseFactory, VariationFactory
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
    data[f"steps-{new}-text_en"] = "A sixth step."
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
    data["name_en"] = "Renamed glute bridges"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for position" in response.content.decode()
    assert list(exercise.steps.values_list("pk", "position", "text")) == before
    assert Exercise.objects.get(pk=exercise.pk).name == "Glute bridges"


@pytest.mark.parametrize("position", [1001, 30_000])
def test_a_step_position_past_the_range_is_refused(admin_client, seeded, position):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = list(exercise.steps.values_list("pk", "position"))
    url, data = exercise_post_data(admin_client, exercise)
    data[f"steps-{_step_indexes(data)[4]}-position"] = position

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Positions run from 1 to 1000." in response.content.decode()
    assert list(exercise.steps.values_list("pk", "position")) == before


def test_a_save_with_a_backwards_dose_shows_the_rule_and_changes_nothing(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url, data = exercise_post_data(admin_client, exercise)
    data["sets_min"], data["sets_max"] = 3, 2
    data[f"steps-{_step_indexes(data)[1]}-text_en"] = "Changed."

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
        "name_en": "Wall bridge",
        "slug": "wall-bridge",
        "summary_en": "A test exercise.",
        "difficulty": "beginner",
        "position": "lying_on_back",
        "laterality": "both",
        "source": "Editor.",
        # The form's default, as a browser sends it: a new exercise is a draft.
        "status": "draft",
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 0,
        "steps-0-position": 2,
        "steps-0-text_en": "Second.",
        "steps-1-position": 1,
        "steps-1-text_en": "First.",
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
    assert exercise.status == "draft"
    assert admin_client.get("/api/exercises/wall-bridge").status_code == 404
    assert ExerciseStep.objects.filter(exercise=exercise).count() == 2


# --- Two editors, one exercise ---------------------------------------------------------

STALE_MESSAGE = "Another editor saved this exercise after you opened it"


def test_a_stale_form_is_refused_and_never_reverts_the_other_editors_reorder(
    admin_client, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, stale = exercise_post_data(admin_client, exercise)  # editor B opens the page
    _, fresh = exercise_post_data(admin_client, exercise)  # so does editor A
    index = _step_indexes(fresh)
    fresh[f"steps-{index[1]}-position"] = 2
    fresh[f"steps-{index[2]}-position"] = 1
    assert admin_client.post(url, fresh).status_code == 302  # A swaps two steps
    reordered = list(exercise.steps.values_list("pk", "position", "text"))
    stale["summary_en"] = "Editor B's summary."

    response = admin_client.post(url, stale)  # B saves a summary change

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE_MESSAGE in page
    assert f'<a href="{url}">' in page  # the link to reload it
    assert list(exercise.steps.values_list("pk", "position", "text")) == reordered
    assert Exercise.objects.get(pk=exercise.pk).summary != "Editor B's summary."


def test_two_editors_adding_the_next_step_get_a_message_not_a_500(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, first = exercise_post_data(admin_client, exercise)
    _, second = exercise_post_data(admin_client, exercise)
    for data, text in ((first, "A's fifth step."), (second, "B's fifth step.")):
        new = int(data["steps-TOTAL_FORMS"])
        data["steps-TOTAL_FORMS"] = new + 1
        data[f"steps-{new}-position"] = new + 1
        data[f"steps-{new}-text_en"] = text
        data[f"steps-{new}-exercise"] = exercise.pk
    assert admin_client.post(url, first).status_code == 302

    response = admin_client.post(url, second)

    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    assert list(exercise.steps.values_list("text", flat=True))[-1] == "A's fifth step."
    assert exercise.steps.count() == 5


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_once_one_saves_and_one_is_refused(admin_user, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    editors = {"A": Client(), "B": Client()}
    for client in editors.values():
        client.force_login(admin_user)
    url, data = exercise_post_data(editors["A"], exercise)
    new = int(data["steps-TOTAL_FORMS"])
    start = threading.Barrier(2)
    statuses = {}

    def save(name):
        form = {
            **data,
            "steps-TOTAL_FORMS": new + 1,
            f"steps-{new}-position": new + 1,
            f"steps-{new}-text_en": f"{name}'s fifth step.",
            f"steps-{new}-exercise": exercise.pk,
        }

        def run():
            start.wait(10)
            statuses[name] = editors[name].post(url, form).status_code

        return run

    threads = [run_in_thread(save(name)) for name in editors]
    for thread, errors in threads:
        thread.join(30)
        assert not errors

    assert sorted(statuses.values()) == [200, 302]
    [saved] = [name for name, status in statuses.items() if status == 302]
    texts = list(exercise.steps.values_list("text", flat=True))
    assert texts[-1] == f"{saved}'s fifth step."
    assert len(texts) == 5


def test_a_form_opened_after_the_other_save_saves(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, first = exercise_post_data(admin_client, exercise)
    first["summary_en"] = "First edit."
    assert admin_client.post(url, first).status_code == 302
    _, second = exercise_post_data(admin_client, exercise)  # reloaded
    second["summary_en"] = "Second edit."

    assert admin_client.post(url, second).status_code == 302

    assert Exercise.objects.get(pk=exercise.pk).summary == "Second edit."


def test_a_form_shown_again_for_another_error_still_saves(admin_client, seeded):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url, data = exercise_post_data(admin_client, exercise)
    data["sets_min"], data["sets_max"] = 3, 2
    assert admin_client.post(url, data).status_code == 200  # the dose error

    data["sets_min"], data["sets_max"] = 2, 4
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert Exercise.objects.get(pk=exercise.pk).sets_max == 4


def test_every_save_makes_a_new_revision(seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = exercise.revision
    exercise.summary = "Changed."
    exercise.save()
    assert Exercise.objects.get(pk=exercise.pk).revision == before + 1


# --- Text and deletions ----------------------------------------------------------------


def test_a_muscle_name_with_a_control_character_is_refused_and_the_diagram_stays_xml(
    admin_client, seeded
):
    muscle = Muscle.objects.get(slug="gluteus-maximus")
    url = reverse("admin:exercises_muscle_change", args=[muscle.pk])
    data = {
        "name_en": "Gluteus\x01maximus",
        "slug": muscle.slug,
        "hip_role": muscle.hip_role,
        "description_en": muscle.description,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Remove the control character U+0001" in response.content.decode()
    assert Muscle.objects.get(pk=muscle.pk).name == "Gluteus maximus"
    diagram = admin_client.get(
        reverse("exercise-diagram", kwargs={"slug": "glute-bridges"})
    )
    assert "Gluteus maximus" in ET.fromstring(diagram.content).findtext(
        "{http://www.w3.org/2000/svg}desc"
    )


def test_equipment_used_only_as_an_alternative_cannot_be_deleted(admin_client, seeded):
    band = Equipment.objects.get(slug="loop-mini-band")
    assert not band.exercise_links.exists()  # only ever an alternative
    url = reverse("admin:exercises_equipment_delete", args=[band.pk])

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert "Loop mini-band as an alternative to Dumbbell for Glute bridges" in page
    assert response.status_code == 200
    assert Equipment.objects.filter(pk=band.pk).exists()
    dumbbell = ExerciseEquipment.objects.get(
        exercise__slug="glute-bridges", equipment__slug="dumbbell"
    )
    assert list(dumbbell.alternatives.all()) == [band]


def test_an_exercise_another_one_names_as_its_variant_cannot_be_deleted_alone(
    admin_client, db
):
    harder = ExerciseFactory(name="Harder")
    variation = VariationFactory(variant=harder, name="Go harder")
    url = reverse("admin:exercises_exercise_delete", args=[harder.pk])

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert "Go harder" in page
    assert response.status_code == 200
    assert Exercise.objects.filter(pk=harder.pk).exists()
    assert Exercise.objects.get(pk=variation.exercise_id).variations.count() == 1


def test_two_exercises_naming_each_other_are_deleted_together(admin_client, db):
    first, second = ExerciseFactory(), ExerciseFactory()
    VariationFactory(exercise=first, variant=second)
    VariationFactory(exercise=second, variant=first)

    response = admin_client.post(
        reverse("admin:exercises_exercise_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [first.pk, second.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Exercise.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_an_admin_save_with_inlines_renders_the_exercise_document_once(
    admin_client, api_client, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    before = Document.objects.get(
        kind="exercise", object_id=exercise.pk, language="en"
    ).etag
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-position"] = 2
    data[f"steps-{index[2]}-position"] = 1
    data["name_en"] = "Bridges, renamed"

    with renders() as made:
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    # The exercise, those varying into it, and the routines holding any of them,
    # each once per language.
    exercises = {exercise, *(v.exercise for v in exercise.variant_of.all())}
    routines = Routine.objects.filter(items__exercise__in=exercises).distinct()
    assert sorted(made) == sorted(
        (kind, slug, language)
        for kind, slug in [("exercise", e.slug) for e in exercises]
        + [("routine", r.slug) for r in routines]
        for language, _ in settings.LANGUAGES
    )
    assert len(exercises) > 1
    assert (
        Document.objects.get(kind="exercise", object_id=exercise.pk, language="en").etag
        != before
    )
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
    assert Document.objects.filter(
        kind="guideline"
    ).count() == Guideline.objects.count() * len(settings.LANGUAGES)
