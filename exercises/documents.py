"""The exercise app's published documents, and which of them each change affects.

What each document embeds (tests/hipext/content/test_documents.py checks every rule):
- an exercise: its steps, its muscle links (each muscle's name, slug and group's
  slug), its equipment links (each item's and alternative's name and slug) and its
  variations (the other exercise's slug);
- a muscle: its group and its members (name and slug of each);
- equipment and a guideline: only themselves.
"""

from django.db.models import Q

from hipext.content.dependencies import depends, list_dependencies
from hipext.content.documents import DocumentKind, register
from hipext.content.version import ANY_FIELD

from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)
from .views import EquipmentViewSet, ExerciseViewSet, GuidelineViewSet, MuscleViewSet

# What each list parameter reads (exercises/filtersets.py), as document fields. A
# filter naming muscles or equipment also reads their slugs (and muscles' groups, at
# any depth), so it depends on every change of those kinds.
EQUIPMENT_FILTER = (("exercise", "equipment"), ("equipment", ANY_FIELD))
MUSCLE_FILTER = (("exercise", "muscles"), ("muscle", ANY_FIELD))
DIFFICULTY_FILTER = (("exercise", "difficulty"),)
EXERCISE_LIST = list_dependencies(
    "exercise",
    # The default order: the article's, then by name.
    order=("source_number", "name"),
    parameters={
        "equipment": EQUIPMENT_FILTER,
        "available": EQUIPMENT_FILTER,
        "muscle": MUSCLE_FILTER,
        "role": MUSCLE_FILTER,
        "difficulty": DIFFICULTY_FILTER,
        "max_difficulty": DIFFICULTY_FILTER,
        "laterality": (("exercise", "laterality"),),
        "position": (("exercise", "position"),),
        "search": tuple(
            ("exercise", field)
            for field in ("name", "aliases", "editorial_aliases", "summary", "steps")
        ),
        "updated_since": (("exercise", "updated_at"),),
    },
    ordering={
        "source": "source_number",
        "name": "name",
        "difficulty": "difficulty",
        "updated_at": "updated_at",
    },
)
MUSCLE_LIST = list_dependencies(
    "muscle",
    order=("name",),
    parameters={
        "group": (("muscle", ANY_FIELD),),
        "hip_role": (("muscle", "hip_role"),),
    },
)

register(
    DocumentKind.of_viewset("muscle", MuscleViewSet, list_fields=MUSCLE_LIST),
    DocumentKind.of_viewset(
        "equipment",
        EquipmentViewSet,
        list_fields=list_dependencies("equipment", order=("name",)),
    ),
    DocumentKind.of_viewset("exercise", ExerciseViewSet, list_fields=EXERCISE_LIST),
    DocumentKind.of_viewset(
        "guideline",
        GuidelineViewSet,
        list_fields=list_dependencies("guideline", order=("position",)),
    ),
)


def _exercises(links):
    return [("exercise", pk) for pk in links.values_list("exercise_id", flat=True)]


def muscle_affects(muscle):
    """The muscle, its group and members, and the exercises naming it or a member.

    An exercise gives each of its muscles' group by slug, so a group's change reaches
    the exercises working its members too.
    """
    members = Muscle.objects.filter(group_id=muscle.pk).values_list("pk", flat=True)
    return [
        ("muscle", muscle.pk),
        ("muscle", muscle.group_id),
        *(("muscle", pk) for pk in members),
        *_exercises(
            ExerciseMuscle.objects.filter(
                Q(muscle_id=muscle.pk) | Q(muscle__group_id=muscle.pk)
            ).distinct()
        ),
    ]


def equipment_affects(equipment):
    """The equipment, and the exercises using it as an item or an alternative."""
    return [
        ("equipment", equipment.pk),
        *_exercises(
            ExerciseEquipment.objects.filter(
                Q(equipment_id=equipment.pk) | Q(alternatives=equipment.pk)
            ).distinct()
        ),
    ]


def exercise_affects(exercise):
    """The exercise, and the exercises whose variations point to it."""
    return [
        ("exercise", exercise.pk),
        *_exercises(Variation.objects.filter(variant_id=exercise.pk)),
    ]


def exercise_part_affects(part):
    """A step, muscle link, equipment link or variation: its exercise."""
    return [("exercise", part.exercise_id)]


depends(Muscle, muscle_affects, moves=("group_id",))
depends(Equipment, equipment_affects)
depends(Exercise, exercise_affects)
for model in (ExerciseStep, ExerciseMuscle, ExerciseEquipment, Variation):
    depends(model, exercise_part_affects, moves=("exercise_id",))
depends(Guideline, lambda guideline: [("guideline", guideline.pk)])
