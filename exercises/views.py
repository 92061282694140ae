"""The public, read-only exercise content API."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from hipext.api.viewsets import ReadOnlyViewSet

from .examples import EXERCISE_EXAMPLES
from .filtersets import ExerciseFilterSet, MuscleFilterSet
from .models import (
    Equipment,
    Exercise,
    Guideline,
    Muscle,
)
from .selectors import exercise_detail_prefetches
from .serializers import (
    EquipmentSerializer,
    ExerciseSerializer,
    GuidelineSerializer,
    MuscleSerializer,
)


@extend_schema_view(
    list=extend_schema(examples=EXERCISE_EXAMPLES),
    retrieve=extend_schema(examples=EXERCISE_EXAMPLES),
)
class ExerciseViewSet(ReadOnlyViewSet):
    """Hip-extension exercises, each with its steps, dose, muscles, equipment and variations.

    The list gives every exercise in the same full shape as the detail, so one call
    is enough. Filters combine (all must hold); comma-separated values are any-of.
    """

    # One query per kind of nested data, whatever the page size (tests pin it).
    queryset = Exercise.objects.prefetch_related(*exercise_detail_prefetches())
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilterSet


class MuscleViewSet(ReadOnlyViewSet):
    """Muscles and muscle groups, each with its group, members and a link to its exercises."""

    queryset = Muscle.objects.select_related("group").prefetch_related("members")
    serializer_class = MuscleSerializer
    filterset_class = MuscleFilterSet


class EquipmentViewSet(ReadOnlyViewSet):
    """Equipment the exercises use, each with a link to the exercises using it."""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer


class GuidelineViewSet(ReadOnlyViewSet):
    """The source article's general guidance, in its order."""

    queryset = Guideline.objects.all()
    serializer_class = GuidelineSerializer
