"""Routine filters on rows built for each test, where the answer is known."""

import pytest

from exercises.models import Requirement
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseMuscleFactory,
    RoutineFactory,
    RoutineItemFactory,
)
from tests.routines.helpers import LIST, routine_slugs

pytestmark = pytest.mark.django_db


def test_muscle_filter_matches_a_group_through_its_members(api_client):
    hamstrings = ExerciseMuscleFactory().muscle
    member = ExerciseMuscleFactory(muscle__group=hamstrings).muscle
    item = RoutineItemFactory(routine__slug="works-member")
    ExerciseMuscleFactory(exercise=item.exercise, muscle=member)
    RoutineItemFactory(routine__slug="works-nothing")

    assert routine_slugs(api_client.get(LIST, {"muscle": hamstrings.slug})) == [
        "works-member"
    ]
    assert routine_slugs(api_client.get(LIST, {"muscle": member.slug})) == [
        "works-member"
    ]


def test_available_filter_requires_every_exercise_doable(api_client):
    ball, mat = EquipmentFactory(slug="ball"), EquipmentFactory(slug="mat")
    routine = RoutineFactory(slug="mixed")
    for position, gear in enumerate((ball, mat), start=1):
        item = RoutineItemFactory(routine=routine, position=position)
        ExerciseEquipmentFactory(exercise=item.exercise, equipment=gear)
    optional = RoutineItemFactory(routine__slug="optional-gear")
    ExerciseEquipmentFactory(
        exercise=optional.exercise, equipment=ball, requirement=Requirement.OPTIONAL
    )

    assert routine_slugs(api_client.get(LIST, {"available": "ball"})) == [
        "optional-gear"
    ]
    assert routine_slugs(api_client.get(LIST, {"available": "ball,mat"})) == [
        "mixed",
        "optional-gear",
    ]
    assert routine_slugs(api_client.get(LIST, {"available": "none"})) == [
        "optional-gear"
    ]
