"""The routine app's published documents, and which of them each change affects.

A routine embeds its items' exercises: their summary fields, URLs and doses, and,
through what it needs and works, their equipment and muscle links. All of that is in
the exercises' own documents, so a routine is re-rendered whenever one of its
exercises' documents is (tests/hipext/content/test_documents.py checks it).
"""

from exercises.models import Exercise
from hipext.content.documents import DocumentKind, depends, embeds, register
from hipext.content.publication import holders_register

from .models import Routine, RoutineItem
from .services import routines_holding
from .views import RoutineViewSet

register(DocumentKind.of_viewset("routine", RoutineViewSet))

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
