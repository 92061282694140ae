"""Routine items: effective doses, database invariants and derived properties."""

import pytest
from django.db import IntegrityError, transaction

from exercises.models import MuscleRole, Requirement
from routines.models import Routine, RoutineItem
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    ExerciseMuscleFactory,
    MuscleFactory,
    RoutineFactory,
    RoutineItemFactory,
)

pytestmark = pytest.mark.django_db


def test_an_item_without_override_has_the_exercises_dose():
    exercise = ExerciseFactory(hold_seconds=2)
    item = RoutineItemFactory(exercise=exercise)

    assert item.dose.text == "2–3 sets of 8–12 reps; hold 2 s at the top of each rep"
    assert not item.is_overridden


def test_an_override_replaces_whole_ranges_and_keeps_the_rest():
    exercise = ExerciseFactory(per_side=True, hold_seconds=None)
    item = RoutineItemFactory(exercise=exercise, sets_min=2, reps_min=8)

    # sets_max and reps_max are not inherited: "2 sets", not "2–3 sets".
    assert item.dose.text == "2 sets of 8 reps, each leg"
    assert item.is_overridden


def test_per_side_override_can_turn_a_per_side_dose_off():
    exercise = ExerciseFactory(per_side=True)
    assert RoutineItemFactory(exercise=exercise, per_side=False).dose.per_side is False
    assert RoutineItemFactory(exercise=exercise).dose.per_side is True


@pytest.mark.parametrize(
    "fields",
    [
        {"position": 0},
        {"position": 1001},
        {"position": 30_000},
        {"sets_min": 3, "sets_max": 2},
        {"sets_max": 3},
        {"reps_min": 0},
        {"reps_max": 12},
        {"hold_seconds": 0},
    ],
)
def test_the_database_rejects_a_broken_item(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineItemFactory(**fields)


def test_two_items_cannot_share_a_position():
    first = RoutineItemFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineItemFactory(routine=first.routine, position=1)


def test_an_exercise_in_a_routine_cannot_be_deleted():
    item = RoutineItemFactory()
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        item.exercise.delete()


def test_deleting_a_routine_deletes_its_items():
    item = RoutineItemFactory()
    item.routine.delete()
    assert not RoutineItem.objects.exists()


def test_estimated_minutes_follow_the_documented_formula():
    routine = RoutineFactory()
    # Low: 2 sets × 8 reps × (3 s + 2 s hold) = 80 s, then 2 rests of 60 s.
    # High: 3 sets × 12 reps × 5 s = 180 s, then 3 rests of 60 s.
    RoutineItemFactory(
        routine=routine,
        position=1,
        exercise=ExerciseFactory(hold_seconds=2),
        rest_seconds=60,
    )
    # No set count: 1 set of 15 (or 20) reps × 3 s × 2 sides, no rest after the
    # routine's last set.
    RoutineItemFactory(
        routine=routine,
        position=2,
        exercise=ExerciseFactory(
            sets_min=None, sets_max=None, reps_min=15, reps_max=20, per_side=True
        ),
    )

    # 5 + ceil((200 + 90) / 60) = 10; 10 + ceil((360 + 120) / 60) = 18.
    assert routine.estimated_minutes == (10, 18)


def test_equipment_needed_lists_required_items_once_with_alternatives():
    bench, box, band = (
        EquipmentFactory(name=n, slug=n) for n in ("bench", "box", "band")
    )
    routine = RoutineFactory()
    for position in (1, 2):
        exercise = ExerciseFactory()
        link = ExerciseEquipmentFactory(exercise=exercise, equipment=box)
        link.alternatives.add(bench)
        ExerciseEquipmentFactory(
            exercise=exercise, equipment=band, requirement=Requirement.OPTIONAL
        )
        RoutineItemFactory(routine=routine, position=position, exercise=exercise)

    [need] = routine.equipment_needed

    assert need.equipment == box
    assert list(need.alternatives) == [bench]
    assert len(need.exercises) == 2


def test_muscles_worked_are_primary_when_any_exercise_works_them_so():
    glute, hamstring = MuscleFactory(name="Glute"), MuscleFactory(name="Hamstring")
    routine = RoutineFactory()
    first, second = ExerciseFactory(), ExerciseFactory()
    ExerciseMuscleFactory(exercise=first, muscle=hamstring, role=MuscleRole.SECONDARY)
    ExerciseMuscleFactory(exercise=second, muscle=hamstring, role=MuscleRole.PRIMARY)
    ExerciseMuscleFactory(exercise=second, muscle=glute, role=MuscleRole.SECONDARY)
    RoutineItemFactory(routine=routine, position=1, exercise=first)
    RoutineItemFactory(routine=routine, position=2, exercise=second)

    worked = [(m.muscle.name, m.role) for m in routine.muscles_worked]

    assert worked == [("Hamstring", "primary"), ("Glute", "secondary")]


def test_a_routine_is_found_by_its_natural_key():
    routine = RoutineFactory(slug="desk")
    assert Routine.objects.get_by_natural_key("desk") == routine
    assert routine.natural_key() == ("desk",)


def test_a_routine_cannot_take_the_builders_slug():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineFactory(slug="suggest")
