"""The routine app's published documents, and which of them each change affects.

A routine embeds its items' exercises: their summary fields, URLs and doses, and,
through what it needs and works, their equipment and muscle links. All of that is in
the exercises' own documents, so a routine is re-rendered whenever one of its
exercises' documents is (tests/hipext/content/test_documents.py checks it).
"""

from exercises.models import Exercise
from hipext.content.dependencies import depends, embeds, list_dependencies
from hipext.content.documents import DocumentKind, register
from hipext.content.publication import holders_register
from hipext.content.version import ANY_FIELD

from .models import Routine, RoutineItem
from .services import routines_holding
from .views import RoutineViewSet

# What each list parameter reads (routines/filtersets.py), as document fields: the
# routine's own, and its exercises' where the filter looks through its items.
ROUTINE_DIFFICULTY = (("routine", "difficulty"),)
ROUTINE_LIST = list_dependencies(
    "routine",
    order=("name",),
    parameters={
        "difficulty": ROUTINE_DIFFICULTY,
        "max_difficulty": ROUTINE_DIFFICULTY,
        "available": (
            ("routine", "items"),
            ("exercise", "equipment"),
            ("equipment", ANY_FIELD),
        ),
        "muscle": (
            ("routine", "items"),
            ("exercise", "muscles"),
            ("muscle", ANY_FIELD),
        ),
        "search": (
            *(("routine", field) for field in ("name", "summary", "goal", "notes")),
            ("routine", "items"),
            ("exercise", "name"),
            ("exercise", "aliases"),
            ("exercise", "editorial_aliases"),
        ),
    },
)

register(DocumentKind.of_viewset("routine", RoutineViewSet, list_fields=ROUTINE_LIST))

depends(Routine, lambda routine: [("routine", routine.pk)])
depends(RoutineItem, lambda item: [("routine", item.routine_id)], moves=("routine_id",))
embeds(
    "routine",
    "exercise",
    lambda exercise_pks: (
        RoutineItem.objects.filter(exercise_id__in=exercise_pks)
        .values_list("routine_id", flat=True)
        .distinct()
    ),
)

# A published routine shows its exercises: unpublishing one asks to unpublish it too.
holders_register(Exercise, routines_holding)
