"""The routine builder's words in the active language."""

import pytest
from django.utils.translation import override

from routines.builder import routine_suggest

pytestmark = pytest.mark.usefixtures("seeded_content")


def test_the_builder_explains_its_routine_in_english_by_default():
    routine = routine_suggest(available=["none"])
    assert routine.name.startswith("Hip extension routine: ")
    assert routine.summary.startswith(
        "2 hip extension exercises doable with no equipment at level beginner or "
        "below. Add them to your lower body workout"
    )
    assert routine.warm_up.startswith("Before starting strength training")


def test_the_builder_explains_its_routine_in_spanish():
    with override("es"):
        routine = routine_suggest(
            available=["dumbbell"], difficulty="intermediate", muscle=["glutes"]
        )
    assert routine.name.startswith("Rutina de extensión de cadera: ")
    assert routine.summary == (
        "2 ejercicios de extensión de cadera que puedes hacer con el material "
        "[dumbbell], de nivel intermedio o inferior, que trabajan glutes. "
        "Añádelos a tu entrenamiento del tren inferior junto con otros patrones de "
        "movimiento, como la abducción, la aducción y la rotación de cadera."
    )
    assert routine.warm_up.startswith("Antes de empezar el entrenamiento de fuerza")


def test_the_builder_explains_its_routine_in_german():
    with override("de"):
        routine = routine_suggest(available=["none"], count=2)
    names = routine.name.removeprefix("Hüftstreck-Routine: ")
    assert " und " in names
    assert routine.summary.startswith(
        "2 Hüftstreckübungen, machbar ohne Ausrüstung, auf Stufe Einsteiger oder "
        "leichter. Nimm sie in dein Unterkörpertraining auf"
    )
    assert routine.warm_up.startswith("Bevor du mit dem Krafttraining beginnst")
