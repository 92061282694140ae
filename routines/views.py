"""The public, read-only routine API and the routine builder."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from hipext.api import ReadOnlyViewSet
from hipext.schema import ProblemSerializer

from .builder import RoutineSuggestError, routine_suggest
from .filtersets import RoutineFilterSet, RoutineSuggestQuerySerializer
from .models import Routine
from .serializers import RoutineSerializer, RoutineSuggestionSerializer
from .services import ROUTINE_PREFETCH

SUGGEST_EXAMPLE = {
    "name": "Hip extension routine: Glute bridges and Standing kickbacks",
    "summary": (
        "2 hip extension exercises doable with no equipment at level beginner or "
        "below. Add them to your lower body workout along with other movement "
        "patterns, such as hip abduction, adduction, and rotation."
    ),
    "difficulty": "beginner",
    "warm_up": (
        "Before starting strength training, spend 5–10 minutes warming up with "
        "light cardio (e.g., walking) and dynamic stretching."
    ),
    "items": [
        {
            "position": 1,
            "exercise": {
                "url": "http://testserver/api/exercises/glute-bridges",
                "slug": "glute-bridges",
                "name": "Glute bridges",
                "summary": "Glute bridges are an excellent beginner exercise …",
                "difficulty": "beginner",
                "position": "lying_on_back",
                "laterality": "both",
            },
            "dose": {
                "sets_min": 2,
                "sets_max": 3,
                "reps_min": 8,
                "reps_max": 12,
                "per_side": False,
                "hold_seconds": 2,
            },
            "dose_text": "2–3 sets of 8–12 reps; hold 2 s at the top of each rep",
            "dose_overridden": False,
            "rest_seconds": 60,
            "note": "",
        },
        {"position": 2, "exercise": {"slug": "standing-kickbacks", "…": "…"}},
    ],
    "equipment_needed": [],
    "muscles": [
        {
            "slug": "gluteus-maximus",
            "name": "Gluteus maximus",
            "url": "http://testserver/api/muscles/gluteus-maximus",
            "group": "glutes",
            "role": "primary",
        }
    ],
    "estimated_minutes": {"min": 11, "max": 22},
    "guidance": [
        {
            "slug": "warm-up",
            "title": "Warm up before exercising",
            "text": "Before starting strength training, spend 5–10 minutes …",
        }
    ],
    "request": {
        "available": ["none"],
        "difficulty": "beginner",
        "muscle": [],
        "count": 2,
        "seed": None,
    },
}

UNMET_EXAMPLE = {
    "type": "about:blank",
    "title": "Invalid request",
    "status": 400,
    "detail": (
        "difficulty: only 2 exercises are doable with equipment [stability-ball] "
        "at level beginner; 3 are needed"
    ),
    "errors": {
        "difficulty": [
            "only 2 exercises are doable with equipment [stability-ball] at level "
            "beginner; 3 are needed"
        ]
    },
    "instance": "/api/routines/suggest?available=stability-ball&count=3",
}


@extend_schema_view(
    list=extend_schema(
        summary="List routines",
        description=(
            "Curated routines, each a warm-up and 2–3 hip extension exercises, in the "
            "same full shape as the detail. Filters combine (all must hold); "
            "comma-separated values are any-of."
        ),
    ),
    retrieve=extend_schema(summary="A routine"),
)
class RoutineViewSet(ReadOnlyViewSet):
    """Curated hip-extension routines: a warm-up, then 2–3 exercises in order."""

    # Four queries for any number of routines: see ROUTINE_PREFETCH.
    queryset = Routine.objects.prefetch_related(*ROUTINE_PREFETCH)
    serializer_class = RoutineSerializer
    filterset_class = RoutineFilterSet

    def get_allowed_query_params(self):
        if self.action == "suggest":
            return super().get_allowed_query_params() | set(
                RoutineSuggestQuerySerializer().fields
            )
        return super().get_allowed_query_params()

    @extend_schema(
        summary="Build a routine for your equipment and level",
        description=(
            "Builds a routine (not saved) of `count` exercises that can be done "
            "with only the `available` equipment, at the given level or easier, "
            "optionally working a muscle, with the article's warm-up and guidance. "
            "The same parameters always give the same routine; `seed` varies it. "
            "When too few exercises qualify, the answer is a 400 whose `errors` "
            "names the parameter whose constraint could not be met (`available`, "
            "`difficulty` or `muscle`), never an empty routine."
        ),
        parameters=[RoutineSuggestQuerySerializer],
        responses={
            200: OpenApiResponse(
                RoutineSuggestionSerializer,
                description="A routine meeting every constraint.",
                examples=[
                    OpenApiExample(
                        "No equipment, beginner",
                        value=SUGGEST_EXAMPLE,
                        description="GET /api/routines/suggest?available=none",
                    )
                ],
            ),
            400: OpenApiResponse(
                ProblemSerializer,
                description=(
                    "A parameter is missing, unknown or invalid, or no routine "
                    "meets the constraints (the message names which)."
                ),
                examples=[
                    OpenApiExample("Too few exercises qualify", value=UNMET_EXAMPLE)
                ],
            ),
        },
        filters=False,
    )
    @action(detail=False, pagination_class=None, filterset_class=None)
    def suggest(self, request):
        query = RoutineSuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            routine = routine_suggest(
                available=params["available"],
                difficulty=params["difficulty"],
                muscle=params.get("muscle", []),
                count=params["count"],
                seed=params.get("seed"),
            )
        except RoutineSuggestError as error:
            raise ValidationError({error.constraint: [str(error)]}) from error
        serializer = RoutineSuggestionSerializer(
            routine, context=self.get_serializer_context()
        )
        return Response(serializer.data)
