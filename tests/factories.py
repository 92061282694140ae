"""factory_boy factories for unit tests that build only the rows they need."""

import datetime

import factory

from exercises.models import (
    Difficulty,
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    Laterality,
    Muscle,
    MuscleRole,
    Position,
    Requirement,
    Variation,
    VariationKind,
)
from hipext.content.publication import Publication

# Factories make published content (visible since this time), as the seed does; the
# admin's new objects start as drafts instead.
PUBLISHED_AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


class MuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Muscle
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Muscle {n}")
    slug = factory.Sequence(lambda n: f"muscle-{n}")


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Equipment {n}")
    slug = factory.Sequence(lambda n: f"equipment-{n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    name = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    summary = "A test exercise."
    difficulty = Difficulty.BEGINNER
    position = Position.LYING_ON_BACK
    laterality = Laterality.BOTH
    sets_min = 2
    sets_max = 3
    reps_min = 8
    reps_max = 12
    source = "Test data."
    status = Publication.PUBLISHED
    published_at = PUBLISHED_AT


class ExerciseStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseStep

    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Step text {n}.")


class ExerciseMuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseMuscle

    exercise = factory.SubFactory(ExerciseFactory)
    muscle = factory.SubFactory(MuscleFactory)
    role = MuscleRole.PRIMARY


class ExerciseEquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseEquipment

    exercise = factory.SubFactory(ExerciseFactory)
    equipment = factory.SubFactory(EquipmentFactory)
    requirement = Requirement.REQUIRED


class VariationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variation

    exercise = factory.SubFactory(ExerciseFactory)
    variant = factory.SubFactory(ExerciseFactory)
    name = factory.Sequence(lambda n: f"Variation {n}")
    kind = VariationKind.PROGRESSION


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guideline

    slug = factory.Sequence(lambda n: f"guideline-{n}")
    title = factory.Sequence(lambda n: f"Guideline {n}")
    text = "A test guideline."
    position = factory.Sequence(lambda n: n + 1)
    source = "Test data."
    status = Publication.PUBLISHED
    published_at = PUBLISHED_AT


def full_exercise(**kwargs):
    """An exercise with steps, muscles, equipment (with an alternative) and a variation."""
    exercise = ExerciseFactory(**kwargs)
    for position in (1, 2, 3, 4):
        ExerciseStepFactory(exercise=exercise, position=position)
    ExerciseMuscleFactory(exercise=exercise, role=MuscleRole.PRIMARY)
    ExerciseMuscleFactory(exercise=exercise, role=MuscleRole.SECONDARY)
    link = ExerciseEquipmentFactory(exercise=exercise)
    link.alternatives.add(EquipmentFactory())
    VariationFactory(exercise=exercise)
    return exercise


# --- Routines ------------------------------------------------------------------------

from routines.models import Routine, RoutineItem  # noqa: E402


class RoutineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Routine

    name = factory.Sequence(lambda n: f"Routine {n}")
    slug = factory.Sequence(lambda n: f"routine-{n}")
    summary = "A test routine."
    difficulty = Difficulty.BEGINNER
    warm_up = "Warm up."
    status = Publication.PUBLISHED
    published_at = PUBLISHED_AT


class RoutineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutineItem

    routine = factory.SubFactory(RoutineFactory)
    position = factory.Sequence(lambda n: n + 1)
    exercise = factory.SubFactory(ExerciseFactory)
