"""The Spanish and German editions: loaded by the seed, complete, safe for editors'
translations, and carried by export and import (hipext.content.editions)."""

import shutil

import pytest
import yaml
from django.core.management import call_command
from modeltranslation.translator import translator

from exercises.models import Exercise, ExerciseStep, Variation
from hipext.content.languages import translated_fields, untranslated
from hipext.content.seeding import FIXTURES_DIR, SeedError, content_seed
from hipext.content.transfer import content_export_files
from hipext.models import DocumentChange, Edition, SeedRecord
from routines.models import Routine, RoutineItem

LANGUAGES = ["es", "de"]


def es_step(slug="glute-bridges", position=1):
    return ExerciseStep.objects.get(exercise__slug=slug, position=position)


def test_seed_loads_both_editions_and_their_review_status(seeded):
    assert {"exercise:es glute-bridges", "routine:de desk-break"} <= set(seeded.created)
    assert {"edition es", "edition de"} <= set(seeded.created)
    assert list(Edition.objects.values_list("language", "reviewed")) == [
        ("de", False),
        ("es", False),
    ]
    # One record per object and language, as the English seed keeps per object.
    assert SeedRecord.objects.filter(model="exercise:de").count() == 8
    assert SeedRecord.objects.filter(model="muscle:es").count() == 14


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translatable_field_of_every_seeded_object_is_translated(
    seeded, language
):
    missing, checked = [], 0
    for model in translator.get_registered_models(abstract=False):
        objects = list(model.objects.all())
        assert objects, f"no {model.__name__} seeded"
        checked += len(objects) * len(translated_fields(model))
        missing += [
            f"{model.__name__} {obj.pk}: {field}"
            for obj in objects
            for field in untranslated(obj, language)
        ]
    assert checked > 200  # fields of objects, with or without English text
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translated_step_is_its_english_text(seeded, language):
    steps = list(ExerciseStep.objects.values_list("text_en", f"text_{language}"))
    assert len(steps) == 37
    assert [english for english, translated in steps if translated == english] == []


def test_translations_pair_with_their_english_rows(seeded):
    variations = dict(
        Variation.objects.filter(exercise__slug="hip-thrust").values_list(
            "name_en", "name_es"
        )
    )
    assert variations == {
        "Glute bridges": "Puente de glúteos",
        "Upright hip thrusts": "Hip thrust de rodillas",
    }
    link = Exercise.objects.get(slug="hip-thrust").equipment_links.get(
        equipment__slug="barbell"
    )
    assert link.note_es.startswith("Colocada sobre el pliegue de la cadera")
    assert es_step(position=4).text_es == "Completa 2–3 series de 8–12 repeticiones."
    notes = list(
        RoutineItem.objects.filter(routine__slug="on-the-mat-beginner")
        .order_by("position")
        .values_list("note_en", "note_de")
    )
    # The edition's null note stays untranslated where the English has none.
    assert [bool(de) for _, de in notes] == [bool(en) for en, _ in notes]
    assert notes[1][1]
    assert notes[1][1] != notes[1][0]


def test_reseeding_unchanged_editions_writes_nothing(seeded):
    revisions = dict(Exercise.objects.values_list("slug", "revision"))
    log = DocumentChange.objects.count()

    report = content_seed()

    assert not report.changed
    assert "exercise:de hip-thrust" in report.unchanged
    assert "edition es" in report.unchanged
    assert dict(Exercise.objects.values_list("slug", "revision")) == revisions
    assert DocumentChange.objects.count() == log


def test_an_editor_s_translation_is_kept_until_overwrite(seeded):
    step = es_step()
    seeded_text = step.text_es
    step.text_es = "Traducción de una editora."
    step.save()

    report = content_seed()

    assert "exercise:es glute-bridges (changed by an editor)" in report.skipped
    # Only that language: the English and German texts are still the seed's.
    assert "exercise:de glute-bridges" in report.unchanged
    assert "exercise glute-bridges" in report.unchanged
    assert es_step().text_es == "Traducción de una editora."

    report = content_seed(overwrite=True)

    assert report.updated == ["exercise:es glute-bridges"]
    assert es_step().text_es == seeded_text


def test_an_editor_s_review_status_is_kept_until_overwrite(seeded):
    Edition.objects.filter(language="es").update(reviewed=True)
    edition = Edition.objects.get(language="es")
    edition.note = "Checked by a native-speaking physiotherapist."
    edition.save()

    assert "edition es (changed by an editor)" in content_seed().skipped
    assert Edition.objects.get(language="es").reviewed is True

    content_seed(overwrite=True)
    assert Edition.objects.get(language="es").reviewed is False


@pytest.fixture
def fixtures_copy(tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, copy)
    return copy


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_newer_edition_updates_translations_no_editor_touched(seeded, fixtures_copy):
    # Standing kickbacks: the German entry leaves out its (empty) equipment notes.
    slug = "standing-kickbacks"

    def add_english_step(entries):
        entry = next(e for e in entries if e["slug"] == slug)
        entry["steps"].append("Rest for a minute between sets.")

    def add_spanish_step(edition):
        entry = edition["exercises"][slug]
        entry["steps"].append("Descansa un minuto entre series.")
        entry["summary"] = "Un resumen nuevo."

    def add_german_step(edition):
        assert "equipment" not in edition["exercises"][slug]
        edition["exercises"][slug]["steps"].append(
            "Ruhe zwischen den Sätzen eine Minute aus."
        )

    _edit(fixtures_copy / "exercises.yaml", add_english_step)
    _edit(fixtures_copy / "translations" / "es.yaml", add_spanish_step)
    _edit(fixtures_copy / "translations" / "de.yaml", add_german_step)

    report = content_seed(directory=fixtures_copy)

    # The step the English update added changed the translations' shape, not an
    # editor: they are as the seed left them, and updated.
    assert {f"exercise {slug}", f"exercise:es {slug}", f"exercise:de {slug}"} <= set(
        report.updated
    )
    assert report.skipped == []
    step = es_step(slug, position=6)
    assert step.text_es == "Descansa un minuto entre series."
    assert step.text_de == "Ruhe zwischen den Sätzen eine Minute aus."
    assert Exercise.objects.get(slug=slug).summary_es == "Un resumen nuevo."


def test_an_edition_that_does_not_match_its_english_changes_nothing(db, fixtures_copy):
    _edit(
        fixtures_copy / "translations" / "de.yaml",
        lambda edition: edition["exercises"]["stepups"]["steps"].pop(),
    )

    with pytest.raises(SeedError, match=r"de\.yaml: exercises stepups: steps: 4"):
        content_seed(directory=fixtures_copy)

    assert not Exercise.objects.exists()
    assert not Edition.objects.exists()


def test_an_edition_with_an_unknown_field_is_refused(db, fixtures_copy):
    _edit(
        fixtures_copy / "translations" / "es.yaml",
        lambda edition: edition["routines"]["desk-break"].update(slogan="¡Arriba!"),
    )

    with pytest.raises(SeedError, match=r"routines desk-break: unknown fields"):
        content_seed(directory=fixtures_copy)
    assert not Routine.objects.exists()


# flush truncates tables, which PostgreSQL refuses inside a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["export", "export.yaml"])
def test_export_then_import_carries_translations_and_review_status(
    seeded, tmp_path, target
):
    step = es_step()
    step.text_es = "Traducción de una editora."
    step.save()
    edition = Edition.objects.get(language="de")
    edition.reviewed = True
    edition.save()
    before = content_export_files()
    assert before["translations/es.yaml"]["exercises"]["glute-bridges"]["steps"][0] == (
        "Traducción de una editora."
    )
    assert before["translations/de.yaml"]["reviewed"] is True

    call_command("export_content", str(tmp_path / target), verbosity=0)
    call_command("flush", "--no-input", verbosity=0)
    assert not ExerciseStep.objects.exists()
    call_command("import_content", str(tmp_path / target), verbosity=0)

    assert content_export_files() == before
    assert es_step().text_es == "Traducción de una editora."
    # The seed still knows which translation and which status an editor changed.
    report = content_seed()
    assert not report.changed
    assert sorted(report.skipped) == [
        "edition de (changed by an editor)",
        "exercise:es glute-bridges (changed by an editor)",
    ]
