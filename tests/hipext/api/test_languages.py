"""/api/languages: the supported languages, their review status and how much of the
published content each translates."""

from pathlib import Path

import pytest
import yaml

from exercises.models import ExerciseStep, Guideline
from hipext.content.publication import Publication
from hipext.models import Edition

LANGUAGES = "/api/languages"
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def _english(name):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def _count(entry, fields):
    return sum(1 for field in fields if entry.get(field))


def seeded_texts():
    """The English fixtures' translatable texts, counted from the files: one per text
    field of an object, a list stored one item a line being one field."""
    texts = 0
    for entry in _english("muscles.yaml") + _english("equipment.yaml"):
        texts += _count(entry, ["name", "description"])
    for entry in _english("guidelines.yaml"):
        texts += _count(entry, ["title", "text"])
    for entry in _english("exercises.yaml"):
        texts += _count(
            entry,
            ["name", "summary", "difficulty_basis", "aliases", "editorial_aliases"],
        )
        texts += _count(entry, ["tips", "cautions"]) + len(entry["steps"])
        texts += sum(1 for link in entry.get("equipment") or [] if link.get("note"))
        for variation in entry.get("variations") or []:
            texts += _count(variation, ["name", "note"])
    for entry in _english("routines.yaml"):
        texts += _count(entry, ["name", "summary", "goal", "warm_up", "notes"])
        texts += sum(1 for item in entry["items"] if item.get("note"))
    return texts


def languages(client, **params):
    response = client.get(LANGUAGES, params)
    assert response.status_code == 200, response.content
    return {entry["code"]: entry for entry in response.json()["languages"]}


def test_the_seeded_editions_translate_every_published_text(seeded, api_client):
    texts = seeded_texts()
    assert texts > 150
    answer = languages(api_client)

    assert list(answer) == ["en", "es", "de"]
    assert answer["en"] == {
        "code": "en",
        "name": "English",
        "source": True,
        "reviewed": True,
        "translated": 1.0,
        "texts": texts,
        "translated_texts": texts,
    }
    for code, name in [("es", "Español"), ("de", "Deutsch")]:
        assert answer[code] == {
            "code": code,
            "name": name,
            "source": False,
            # Health guidance: unreviewed until a native-speaking editor checks it.
            "reviewed": False,
            "translated": 1.0,
            "texts": texts,
            "translated_texts": texts,
        }


def test_the_share_counts_published_content_and_follows_edits(seeded, api_client):
    texts = seeded_texts()
    step = ExerciseStep.objects.get(exercise__slug="stepups", position=1)
    step.text_es = ""
    step.save()
    guideline = Guideline.objects.get(slug="warm-up")
    guideline.status = Publication.DRAFT
    guideline.save()
    edition = Edition.objects.get(language="de")
    edition.reviewed = True
    edition.save()

    answer = languages(api_client)

    # A draft's title and text are not published texts; the step is untranslated.
    assert answer["en"]["texts"] == texts - 2
    assert answer["es"]["translated_texts"] == texts - 3
    assert answer["es"]["translated"] == round((texts - 3) / (texts - 2), 4)
    assert answer["es"]["translated"] < 1
    assert answer["de"]["translated"] == 1.0
    assert answer["de"]["reviewed"] is True


def test_an_edition_reviewed_in_the_admin_shows_at_once(seeded, api_client):
    assert languages(api_client)["es"]["reviewed"] is False
    edition = Edition.objects.get(language="es")
    edition.reviewed = True
    edition.save()
    # Not the stored answer of before: an edition's change is a content change.
    assert languages(api_client)["es"]["reviewed"] is True


def test_without_editions_nothing_is_translated(db, api_client):
    answer = languages(api_client)
    assert answer["es"]["texts"] == 0
    assert answer["es"]["translated"] == 1.0  # nothing to translate
    assert answer["es"]["reviewed"] is False


def test_lang_is_accepted_and_other_parameters_are_refused(seeded, api_client):
    response = api_client.get(LANGUAGES, {"lang": "de"})
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    response = api_client.get(LANGUAGES, {"code": "es"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "code" in response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/languages", "/api/languages/"])
def test_it_is_linked_from_the_api_root(seeded, api_client, path):
    assert (
        api_client.get("/api").json()["languages"] == "http://testserver/api/languages"
    )
    assert api_client.get(path).status_code == 200


def test_query_count(seeded, api_client, django_assert_num_queries):
    # One count per translated model (muscle, equipment, exercise, step, equipment
    # link, variation, guideline, routine, routine item), every language in each,
    # and the editions' review status; the publication horizon is the seed's.
    with django_assert_num_queries(10):
        assert api_client.get(LANGUAGES).status_code == 200
