"""Content text refuses control characters, which no reader wants and XML 1.0 forbids."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from exercises.models import Exercise
from hipext.content.apps import content_models
from tests.factories import ExerciseFactory, MuscleFactory

pytestmark = pytest.mark.django_db


def text_fields():
    return [
        pytest.param(field, id=f"{model._meta.label}.{field.name}")
        for model in content_models()
        for field in model._meta.local_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


@pytest.mark.parametrize("field", text_fields())
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85"])
def test_every_text_field_of_the_content_refuses_control_characters(field, character):
    with pytest.raises(ValidationError):
        field.clean(f"Gluteus{character}maximus", None)


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_a_name_refuses_line_breaks_and_tabs(character):
    muscle = MuscleFactory.build(name=f"Gluteus{character}maximus")
    with pytest.raises(ValidationError, match="control character"):
        muscle.full_clean()


def test_multi_line_text_keeps_line_breaks_and_tabs():
    exercise = ExerciseFactory.build(
        tips="Keep your back flat.\r\nBreathe out\tas you lift.\n"
    )
    exercise.full_clean()


def test_the_message_names_the_character():
    exercise = ExerciseFactory.build(summary="Lift\x01 slowly.")
    with pytest.raises(ValidationError) as error:
        exercise.full_clean()
    assert error.value.message_dict["summary"] == [
        "Remove the control character U+0001 at position 5."
    ]


def test_plain_text_in_every_script_is_kept():
    muscle = MuscleFactory.build(name="Gluteus maximus — großer Gesäßmuskel ✓ 臀大肌")
    muscle.full_clean()
    assert Exercise._meta.get_field("summary").clean("Ça va ☺", None) == "Ça va ☺"
