"""Generated text in the active language: doses, labels, the diagram, the card."""

import re

import pytest
from django.utils.translation import override

from exercises.diagrams import exercise_diagram_svg
from exercises.dose import format_dose
from exercises.models import (
    Difficulty,
    Exercise,
    MuscleRole,
    Position,
    Requirement,
    VariationKind,
)

CARD = "/embed/exercises/glute-bridges"


def dose(**given):
    """The text of a dose with only the given parts."""
    return format_dose(
        **{
            "sets_min": None,
            "sets_max": None,
            "reps_min": None,
            "reps_max": None,
            "per_side": False,
            "hold_seconds": None,
            **given,
        }
    )


@pytest.mark.parametrize(
    ("language", "given", "text"),
    [
        (
            "es",
            {"sets_min": 2, "sets_max": 3, "reps_min": 8, "reps_max": 12},
            "2–3 series de 8–12 repeticiones",
        ),
        ("es", {"sets_min": 1, "reps_min": 1}, "1 serie de 1 repetición"),
        ("es", {"sets_min": 1, "sets_max": 2}, "1–2 series"),
        (
            "es",
            {"reps_min": 10, "per_side": True, "hold_seconds": 1},
            "10 repeticiones, con cada pierna; mantén 1 s arriba en cada repetición",
        ),
        ("es", {"per_side": True}, "Con cada pierna"),
        (
            "de",
            {"sets_min": 2, "sets_max": 3, "reps_min": 8, "reps_max": 12},
            "2–3 Sätze mit je 8–12 Wiederholungen",
        ),
        ("de", {"sets_min": 1}, "1 Satz"),
        ("de", {"sets_min": 3, "reps_min": 1}, "3 Sätze mit je 1 Wiederholung"),
        (
            "de",
            {"reps_min": 15, "reps_max": 20, "per_side": True},
            "15–20 Wiederholungen, pro Bein",
        ),
        ("de", {"hold_seconds": 30}, "Halte oben bei jeder Wiederholung 30 s"),
        ("en", {"sets_min": 1, "reps_min": 1}, "1 set of 1 rep"),
        (
            "en",
            {
                "sets_min": 2,
                "sets_max": 3,
                "reps_min": 8,
                "reps_max": 12,
                "per_side": True,
            },
            "2–3 sets of 8–12 reps, each leg",
        ),
    ],
)
def test_dose_text_is_in_the_active_language_with_its_plurals(language, given, text):
    with override(language):
        assert dose(**given) == text


def test_an_unsupported_language_falls_back_to_english():
    with override("fr"):
        assert dose(sets_min=2, reps_min=10, per_side=True) == (
            "2 sets of 10 reps, each leg"
        )


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        (
            "es",
            ["principiante", "intermedio", "avanzado", "Boca arriba", "Principal"],
        ),
        (
            "de",
            ["Einsteiger", "mittelschwer", "fortgeschritten", "Rückenlage", "Primär"],
        ),
        (
            "en",
            ["Beginner", "Intermediate", "Advanced", "Lying on the back", "Primary"],
        ),
    ],
)
def test_choice_labels_are_translated(language, labels):
    with override(language):
        assert [str(label) for _, label in Difficulty.choices] == labels[:3]
        assert str(Position.LYING_ON_BACK.label) == labels[3]
        assert str(MuscleRole.PRIMARY.label) == labels[4]
        # Every other enumeration is translated too.
        assert (str(Requirement.OPTIONAL.label) == "Optional") == (language != "es")
        assert (str(VariationKind.REGRESSION.label) == "Regression (easier)") == (
            language == "en"
        )


def test_diagram_title_legend_and_labels_follow_the_language(seeded_content):
    exercise = Exercise.objects.get(slug="glute-bridges")
    english = exercise_diagram_svg(exercise)
    with override("es"):
        spanish = exercise_diagram_svg(exercise)
    with override("de"):
        german = exercise_diagram_svg(exercise)

    assert '<title id="diagram-glute-bridges-title">Muscles worked: Glute bridges' in (
        english
    )
    assert "Músculos trabajados: Puente de glúteos</title>" in spanish
    assert "Beanspruchte Muskeln: Glute Bridge</title>" in german
    assert 'aria-label="Leyenda"' in spanish
    assert 'aria-label="Legende"' in german
    assert 'aria-label="Vista posterior"' in spanish
    assert ">Hinten</text>" in german
    assert re.search(r'data-legend="primary">Principal: ', spanish)
    assert re.search(r'data-legend="secondary">Sekundär: ', german)
    assert "Mapa corporal de las caderas y los muslos" in spanish
    assert ": nicht beansprucht</title>" in german
    assert "Primary" not in spanish + german
    # Only the words change: the drawing is the same.
    assert english.count("<path") == spanish.count("<path") == german.count("<path")


def test_card_headings_and_html_lang_follow_the_language(client, seeded_content):
    english = client.get(CARD).content.decode()
    spanish = client.get(CARD, {"lang": "es"}).content.decode()
    german = client.get(CARD, HTTP_ACCEPT_LANGUAGE="de-AT, en;q=0.5").content.decode()

    assert english.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert spanish.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert german.startswith('<!DOCTYPE html>\n<html lang="de">')
    headings = re.compile(r"<h2>(.*?)</h2>")
    assert headings.findall(english) == [
        "Equipment",
        "Steps",
        "Muscles",
        "Variations",
    ]
    assert headings.findall(spanish) == [
        "Material",
        "Pasos",
        "Músculos",
        "Variantes",
    ]
    assert headings.findall(german) == [
        "Ausrüstung",
        "Schritte",
        "Muskeln",
        "Varianten",
    ]
    assert '<span class="badge">Einsteiger</span> · Rückenlage' in german
    assert "2–3 series de 8–12 repeticiones" in spanish
    assert "(opcional)</span> – o Minibanda" in spanish
    assert "· Steigerung (schwerer)" in german
    assert 'alt="Músculos que trabaja Puente de glúteos"' in spanish
    assert "<h3>Primär</h3>" in german


def test_oembed_title_follows_the_language(api_client, seeded_content):
    body = api_client.get(
        "/api/oembed", {"url": "http://testserver" + CARD, "lang": "de"}
    ).json()
    assert 'title="Glute Bridge – Übungskarte"' in body["html"]
