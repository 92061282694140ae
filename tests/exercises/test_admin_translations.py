"""The admin in every language: each language's texts edited, saved, found missing,
and restored by a revert."""

import json

import pytest
from django.urls import reverse
from modeltranslation.translator import translator
from reversion.models import Version

from exercises.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)
from hipext.content.documents import documents_rebuild
from hipext.content.history import content_revert, history_recorded
from hipext.content.historydiff import revisions_compare
from hipext.content.languages import content_languages, translated_fields
from hipext.models import Document
from tests.exercises.test_admin import _step_indexes, exercise_post_data
from tests.exercises.test_admin_history import history_url, revisions_of
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    ExerciseStepFactory,
    GuidelineFactory,
    MuscleFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded):
    """The seed without its Spanish and German texts: these tests give their own."""
    for model in translator.get_registered_models(abstract=False):
        model.objects.update(
            **{
                f"{name}_{language}": None
                for name in translated_fields(model)
                for language in ("es", "de")
            }
        )
    documents_rebuild()
    return seeded


def translate(obj, languages=("es", "de")):
    """Give ``obj`` a text in each language for every English text it has; saved."""
    for name in translated_fields(type(obj)):
        english = getattr(obj, f"{name}_en")
        for language in languages:
            setattr(
                obj, f"{name}_{language}", f"{english} [{language}]" if english else ""
            )
    obj.save()
    return obj


def changelist(admin_client, model, **params):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return admin_client.get(url, params)


def listed(response):
    assert response.status_code == 200
    return {obj.slug for obj in response.context["cl"].queryset}


# --- The change form --------------------------------------------------------------------


def test_the_change_form_groups_the_texts_by_language(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])

    response = admin_client.get(url)

    fieldsets = {fs.name: fs for fs in response.context["adminform"]}
    first = [name for line in fieldsets[None] for name in line.fields]
    assert first[:2] == ["name_en", "slug"]
    for language, title in (("es", "Español (es)"), ("de", "Deutsch (de)")):
        names = [name for line in fieldsets[title] for name in line.fields]
        assert sorted(names) == sorted(
            f"{name}_{language}" for name in translated_fields(Exercise)
        )
    form = response.context["adminform"].form
    assert "name" not in form.fields
    assert form.fields["name_en"].required
    assert not form.fields["name_es"].required
    assert not form.fields["name_de"].required
    steps = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "steps"
    )
    texts = [name for name in steps.forms[0].fields if name.startswith("text")]
    assert texts == ["text_en", "text_es", "text_de"]
    assert steps.forms[0].fields["text_en"].required
    assert not steps.forms[0].fields["text_es"].required


def test_a_spanish_name_is_saved_in_its_column_and_english_stays(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, data = exercise_post_data(admin_client, exercise)
    data["name_es"] = "Puente de glúteos"
    data["summary_de"] = "Eine Brücke für den Gesäßmuskel."

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    exercise.refresh_from_db()
    assert exercise.name_es == "Puente de glúteos"
    assert exercise.name_en == "Glute bridges"
    assert exercise.summary_de == "Eine Brücke für den Gesäßmuskel."
    assert exercise.name_de is None  # left empty: falls back to English
    spanish = Document.objects.get(
        kind="exercise", object_id=exercise.pk, language="es"
    )
    assert json.loads(bytes(spanish.body))["name"] == "Puente de glúteos"


def test_an_empty_english_name_is_refused(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, data = exercise_post_data(admin_client, exercise)
    data["name_en"] = ""
    data["name_es"] = "Puente de glúteos"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "name_en" in response.context["adminform"].form.errors
    assert Exercise.objects.get(pk=exercise.pk).name_es is None


def test_two_exercises_without_a_spanish_name_both_save(admin_client, seeded):
    # A missing name is stored as NULL, which the unique constraint lets repeat.
    for slug in ("glute-bridges", "hip-thrust"):
        exercise = Exercise.objects.get(slug=slug)
        url, data = exercise_post_data(admin_client, exercise)
        data["summary_es"] = f"Resumen de {slug}."

        response = admin_client.post(url, data)

        assert response.status_code == 302, response.context["errors"]
    assert Exercise.objects.filter(name_es__isnull=True).count() >= 2


def test_the_steps_translations_save_with_the_rows(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    english = list(exercise.steps.order_by("position").values_list("text", flat=True))
    url, data = exercise_post_data(admin_client, exercise)
    index = _step_indexes(data)
    data[f"steps-{index[1]}-text_es"] = "Túmbate boca arriba."
    data[f"steps-{index[2]}-text_de"] = "Drücke die Hüfte nach oben."
    new = int(data["steps-TOTAL_FORMS"])
    data["steps-TOTAL_FORMS"] = new + 1
    data[f"steps-{new}-position"] = new + 1
    data[f"steps-{new}-text_en"] = "Rest."
    data[f"steps-{new}-text_es"] = "Descansa."
    data[f"steps-{new}-exercise"] = exercise.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    rows = list(
        exercise.steps.order_by("position").values_list("text_en", "text_es", "text_de")
    )
    assert [en for en, _, _ in rows] == [*english, "Rest."]
    assert rows[0][1] == "Túmbate boca arriba."
    assert not rows[0][2]
    assert not rows[1][1]
    assert rows[1][2] == "Drücke die Hüfte nach oben."
    assert rows[-1][1] == "Descansa."


def test_the_search_finds_a_name_in_any_language(admin_client, seeded):
    Exercise.objects.filter(slug="hip-thrust").update(name_es="Empuje de cadera")

    response = changelist(admin_client, Exercise, q="empuje")

    assert listed(response) == {"hip-thrust"}


def test_the_routine_items_exercise_search_finds_a_spanish_name(admin_client, seeded):
    thrust = Exercise.objects.get(slug="hip-thrust")
    Exercise.objects.filter(pk=thrust.pk).update(name_es="Empuje de cadera")
    params = {
        "app_label": "routines",
        "model_name": "routineitem",
        "field_name": "exercise",
        "term": "empuje",
    }

    response = admin_client.get(reverse("admin:autocomplete"), params)

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(thrust.pk)]


# --- Missing translations ---------------------------------------------------------------


def complete_exercise(slug, variant=None):
    """An exercise translated into every language, its rows too."""
    exercise = translate(ExerciseFactory(slug=slug, name=slug.title(), tips="Go slow."))
    for position in (1, 2):
        translate(ExerciseStepFactory(exercise=exercise, position=position))
    translate(ExerciseEquipmentFactory(exercise=exercise, note="Any sturdy one."))
    if variant is not None:
        translate(VariationFactory(exercise=exercise, variant=variant, note="Harder."))
    return exercise


def test_the_missing_translation_filter_lists_exercises_missing_a_text_or_a_rows(
    admin_client, db
):
    other = complete_exercise("other")
    complete_exercise("complete", variant=other)  # English-empty cautions: not missing
    step = complete_exercise("step-es", variant=other)
    ExerciseStep.objects.filter(exercise=step, position=2).update(text_es="")
    variation = complete_exercise("variation-es", variant=other)
    Variation.objects.filter(exercise=variation).update(note_es=None)
    summary = complete_exercise("summary-de", variant=other)
    Exercise.objects.filter(pk=summary.pk).update(summary_de="")
    link = complete_exercise("link-de", variant=other)
    ExerciseEquipment.objects.filter(exercise=link).update(note_de=None)

    assert listed(changelist(admin_client, Exercise, missing_translation="es")) == {
        "step-es",
        "variation-es",
    }
    assert listed(changelist(admin_client, Exercise, missing_translation="de")) == {
        "summary-de",
        "link-de",
    }
    assert len(listed(changelist(admin_client, Exercise))) == 6


@pytest.mark.parametrize(
    ("model", "factory", "field"),
    [
        (Muscle, MuscleFactory, "description"),
        (Equipment, EquipmentFactory, "description"),
        (Guideline, GuidelineFactory, "text"),
    ],
)
def test_the_missing_translation_filter_on_lookup_tables_and_guidelines(
    admin_client, db, model, factory, field
):
    translate(factory(slug="complete", **{field: "Some text."}))
    translate(factory(slug="untranslated-text", **{field: "Some text."}), ["de"])
    translate(factory(slug="no-text", **{field: ""}))  # nothing to translate

    assert listed(changelist(admin_client, model, missing_translation="es")) == {
        "untranslated-text"
    }
    assert listed(changelist(admin_client, model, missing_translation="de")) == set()


def test_an_unknown_language_in_the_filter_is_the_admins_error_page(admin_client, db):
    response = changelist(admin_client, Exercise, missing_translation="fr")

    assert response.status_code == 302
    assert response.url.endswith("?e=1")


# --- History ----------------------------------------------------------------------------


def test_a_revert_restores_each_languages_texts(admin_client, seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    url, data = exercise_post_data(admin_client, exercise)
    data["name_es"] = "Puente de glúteos"
    data[f"steps-{_step_indexes(data)[1]}-text_es"] = "Túmbate boca arriba."
    assert admin_client.post(url, data).status_code == 302
    translated = revisions_of(exercise)[-1]
    url, data = exercise_post_data(admin_client, exercise)
    data["name_es"] = "Puente"
    data["name_de"] = "Brücke"
    data[f"steps-{_step_indexes(data)[1]}-text_es"] = "Otro texto."
    assert admin_client.post(url, data).status_code == 302
    comparison = revisions_compare(
        Exercise, exercise.pk, translated, revisions_of(exercise)[-1]
    )
    names = [c.label for c in comparison.fields if c.label.startswith("name")]
    assert names == ["name [es]", "name [de]"]

    response = admin_client.post(history_url(exercise, "history_revert", translated.pk))

    assert response.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.name_en, exercise.name_es, exercise.name_de) == (
        "Glute bridges",
        "Puente de glúteos",
        None,
    )
    assert exercise.steps.get(position=1).text_es == "Túmbate boca arriba."


def _untranslated(version):
    """``version`` as recorded before texts had a column per language."""
    [row] = json.loads(version.serialized_data)
    model = version.content_type.model_class()
    columns = {
        f"{name}_{code}"
        for name in translated_fields(model)
        for code in content_languages()
    }
    row["fields"] = {k: v for k, v in row["fields"].items() if k not in columns}
    version.serialized_data = json.dumps([row])
    version.save(update_fields=["serialized_data"])


def test_a_revision_from_before_translations_restores_english_and_keeps_the_rest(
    admin_user, seeded
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    old = revisions_of(exercise)[0]
    for version in Version.objects.filter(revision=old):
        _untranslated(version)
    with history_recorded(comment="Edited.", user=admin_user):
        exercise.name_en, exercise.name_es = "Renamed", "Puente de glúteos"
        exercise.save()
        step = exercise.steps.get(position=1)
        step.text_en, step.text_es = "Changed.", "Túmbate."
        step.save()

    content_revert(
        model=Exercise,
        object_id=exercise.pk,
        revision=old,
        user=admin_user,
        comment="x",
    )

    exercise.refresh_from_db()
    assert (exercise.name_en, exercise.name_es) == (
        "Glute bridges",
        "Puente de glúteos",
    )
    step = exercise.steps.get(position=1)
    assert step.text_en != "Changed."
    assert step.text_es == "Túmbate."
