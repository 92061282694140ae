"""Database constraints hold the content model's invariants."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exercises.dose import format_dose
from exercises.models import ExerciseStep, Guideline, Variation
from hipext.content.ordering import ordered_children_save
from tests.factories import (
    ExerciseFactory,
    ExerciseStepFactory,
    MuscleFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db


def test_two_steps_of_one_exercise_cannot_share_a_position():
    step = ExerciseStepFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseStep.objects.create(exercise=step.exercise, position=1, text="Again.")


@pytest.mark.parametrize("position", [1001, 30_000])
def test_the_database_refuses_a_step_position_past_the_range(position):
    step = ExerciseStepFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseStep.objects.filter(pk=step.pk).update(position=position)


@pytest.mark.parametrize("position", [1001, 30_000])
def test_the_database_refuses_a_guideline_position_past_the_range(position):
    guideline = Guideline.objects.create(
        slug="g", title="G", text="Text.", position=1, source="Test."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Guideline.objects.filter(pk=guideline.pk).update(position=position)


def test_full_clean_names_the_position_range():
    step = ExerciseStepFactory.build(exercise=ExerciseFactory(), position=30_000)
    with pytest.raises(ValidationError, match="from 1 to 1000"):
        step.full_clean()
    step.position = 1000
    step.full_clean()


def test_steps_at_the_ends_of_the_range_swap_places():
    # Moving rows are parked outside the range first: on PostgreSQL the parked value
    # must still fit a smallint (32767), and on every database the range constraint.
    exercise = ExerciseFactory()
    first = ExerciseStepFactory(exercise=exercise, position=1, text="First.")
    last = ExerciseStepFactory(exercise=exercise, position=1000, text="Last.")
    first.position, last.position = 1000, 1

    ordered_children_save(
        queryset=exercise.steps.all(), instances=[first, last], parent=exercise
    )

    assert list(exercise.steps.values_list("position", "text")) == [
        (1, "Last."),
        (1000, "First."),
    ]


def test_step_positions_start_at_one():
    exercise = ExerciseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseStep.objects.create(exercise=exercise, position=0, text="Zero.")


@pytest.mark.parametrize(
    ("field", "low", "high"), [("sets", 3, 2), ("reps", 12, 8), ("sets", 0, None)]
)
def test_a_dose_range_cannot_run_backwards_or_start_at_zero(field, low, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseFactory(**{f"{field}_min": low, f"{field}_max": high})


def test_a_dose_maximum_needs_a_minimum():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseFactory(sets_min=None, sets_max=3)


def test_an_unknown_difficulty_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseFactory(difficulty="expert")


def test_full_clean_names_the_broken_dose_rule():
    exercise = ExerciseFactory.build(sets_min=3, sets_max=2)
    with pytest.raises(ValidationError, match="Sets: the minimum must be at least 1"):
        exercise.full_clean()


def test_a_muscle_cannot_be_its_own_group():
    muscle = MuscleFactory()
    muscle.group = muscle
    with pytest.raises(IntegrityError), transaction.atomic():
        muscle.save()


def test_a_variation_cannot_point_at_its_own_exercise():
    exercise = ExerciseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Variation.objects.create(
            exercise=exercise, variant=exercise, name="Itself", kind="alternative"
        )


def test_an_exercise_links_to_another_exercise_once():
    variation = VariationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VariationFactory(exercise=variation.exercise, variant=variation.variant)


@pytest.mark.parametrize(
    ("dose", "text"),
    [
        (
            {"sets_min": 2, "sets_max": 3, "reps_min": 8, "reps_max": 12},
            "2–3 sets of 8–12 reps",
        ),
        (
            {
                "sets_min": 2,
                "sets_max": 3,
                "reps_min": 8,
                "reps_max": 12,
                "per_side": True,
            },
            "2–3 sets of 8–12 reps, each leg",
        ),
        ({"reps_min": 15, "reps_max": 20, "per_side": True}, "15–20 reps, each leg"),
        ({"sets_min": 3, "reps_min": 10}, "3 sets of 10 reps"),
        ({"sets_min": 1, "reps_min": 1}, "1 set of 1 rep"),
        ({"hold_seconds": 30}, "Hold 30 s at the top of each rep"),
        ({}, ""),
    ],
)
def test_dose_reads_as_a_person_would_say_it(dose, text):
    full = {
        "sets_min": None,
        "sets_max": None,
        "reps_min": None,
        "reps_max": None,
        "per_side": False,
        "hold_seconds": None,
    }
    assert format_dose(**(full | dose)) == text
