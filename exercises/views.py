"""The public, read-only exercise content API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from hipext.api.readmodel import DocumentReadMixin
from hipext.api.renderers import SVG_CONTENT_TYPE, SVGRenderer
from hipext.api.viewsets import ReadOnlyViewSet

from .diagrams import exercise_diagram_svg
from .examples import EXERCISE_EXAMPLES, EXERCISE_LIST_EXAMPLES
from .filtersets import ExerciseFilterSet, MuscleFilterSet
from .models import (
    Equipment,
    Exercise,
    Guideline,
    Muscle,
)
from .selectors import SOURCE_ORDER, exercise_detail_prefetches
from .serializers import (
    EquipmentSerializer,
    ExerciseSerializer,
    GuidelineSerializer,
    MuscleSerializer,
)


@extend_schema_view(
    list=extend_schema(examples=EXERCISE_LIST_EXAMPLES),
    retrieve=extend_schema(examples=EXERCISE_EXAMPLES),
)
class ExerciseViewSet(DocumentReadMixin, ReadOnlyViewSet):
    """Hip-extension exercises, each with its steps, dose, muscles, equipment and variations.

    The list gives every exercise in the same full shape as the detail, so one call
    is enough. Filters combine (all must hold); comma-separated values are any-of.
    """

    # One query per kind of nested data, whatever the page size (tests pin it).
    # Listed in the source article's order by default.
    queryset = Exercise.objects.order_by(*SOURCE_ORDER).prefetch_related(
        *exercise_detail_prefetches()
    )
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilterSet
    document_kind = "exercise"

    @extend_schema(
        operation_id="exercises_diagram",
        summary="An exercise's muscle diagram (SVG)",
        tags=["exercises"],
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        # The 400 and 404 problem-details responses come from hipext.api.schema.
        responses={
            (200, SVG_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=(
                    "An SVG image: back and front view of the hips and thighs, primary "
                    "muscles solid, secondary hatched, with a legend, a <title> and a "
                    "<desc> naming the muscles."
                ),
            ),
        },
    )
    @action(
        detail=True,
        url_path=r"diagram\.svg",
        url_name="diagram",
        # The name OPTIONS reports; DRF would derive "Diagram" from the method.
        name="Exercise Diagram",
        renderer_classes=[SVGRenderer],
    )
    def diagram(self, request, slug=None):
        """An SVG body map of the muscles an exercise works, primary and secondary."""
        # Not get_object(): the drawing needs only the name, not the detail prefetches.
        exercise = (
            Exercise.objects.published().only("slug", "name").filter(slug=slug).first()
        )
        if exercise is None:
            raise NotFound(f"No exercise has the slug {slug!r}.")
        # Given whole, so no "; charset=utf-8" is appended to the image's type.
        response = Response(
            exercise_diagram_svg(exercise), content_type=SVG_CONTENT_TYPE
        )
        # Opened directly, an SVG is a document: it needs nothing beyond itself.
        response["Content-Security-Policy"] = "default-src 'none'"
        return response


class MuscleViewSet(DocumentReadMixin, ReadOnlyViewSet):
    """Muscles and muscle groups, each with its group, members and a link to its exercises."""

    queryset = Muscle.objects.select_related("group").prefetch_related("members")
    serializer_class = MuscleSerializer
    filterset_class = MuscleFilterSet
    document_kind = "muscle"


class EquipmentViewSet(DocumentReadMixin, ReadOnlyViewSet):
    """Equipment the exercises use, each with a link to the exercises using it."""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer
    document_kind = "equipment"


class GuidelineViewSet(DocumentReadMixin, ReadOnlyViewSet):
    """The source article's general guidance, in its order."""

    queryset = Guideline.objects.all()
    serializer_class = GuidelineSerializer
    document_kind = "guideline"
