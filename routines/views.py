"""The public, read-only routine API and the routine builder."""

import re

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from hipext.api.params import repeatable_field_names
from hipext.api.problems import PROBLEM_CONTENT_TYPE
from hipext.api.readmodel import DocumentReadMixin, DocumentResponse
from hipext.api.routers import SLUG_PATTERN
from hipext.api.schema import AutoSchema, ProblemSerializer
from hipext.api.viewsets import ReadOnlyViewSet
from hipext.content.documents import document_body_for

from .builder import RoutineSuggestError, routine_suggest
from .examples import (
    ROUTINE_EXAMPLES,
    ROUTINE_LIST_EXAMPLES,
    SUGGESTION_EXAMPLES,
    UNMET_SUGGESTION_EXAMPLES,
)
from .filtersets import RoutineFilterSet
from .models import RESERVED_SLUGS, Routine
from .selectors import ROUTINE_PREFETCH
from .serializers import (
    RoutineSerializer,
    RoutineSuggestionSerializer,
    RoutineSuggestQuerySerializer,
)
from .suggestions import suggestion_data

# One query serializer for every request: validating reads its fields and keeps
# nothing, and DRF deep-copies a serializer's fields for each new instance (a tenth
# of a suggestion's time).
SUGGEST_QUERY = RoutineSuggestQuerySerializer()
SUGGEST_PARAMS = frozenset(SUGGEST_QUERY.fields)
SUGGEST_REPEATABLE_PARAMS = frozenset(
    repeatable_field_names(RoutineSuggestQuerySerializer)
)


class SuggestSchema(AutoSchema):
    """The suggest operation documents its own 400 and never answers 404."""

    error_responses = {}


@extend_schema_view(
    list=extend_schema(
        summary="List routines",
        description=(
            "Curated routines, each a warm-up and 2–3 hip extension exercises, in the "
            "same full shape as the detail. Filters combine (all must hold); "
            "comma-separated values are any-of."
        ),
        examples=ROUTINE_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(summary="A routine", examples=ROUTINE_EXAMPLES),
)
class RoutineViewSet(DocumentReadMixin, ReadOnlyViewSet):
    """Curated hip-extension routines: a warm-up, then 2–3 exercises in order."""

    # Four queries for any number of routines: see ROUTINE_PREFETCH.
    queryset = Routine.objects.prefetch_related(*ROUTINE_PREFETCH)
    serializer_class = RoutineSerializer
    filterset_class = RoutineFilterSet
    document_kind = "routine"
    # /api/routines/suggest is the builder, so no routine has a reserved slug; the
    # schema's slug pattern says so (the router tries the builder's route first).
    lookup_value_regex = (
        f"(?!(?:{'|'.join(map(re.escape, RESERVED_SLUGS))})/?$){SLUG_PATTERN}"
    )

    def get_allowed_query_params(self):
        if self.action == "suggest":
            return super().get_allowed_query_params() | SUGGEST_PARAMS
        return super().get_allowed_query_params()

    def get_repeatable_query_params(self):
        if self.action == "suggest":
            return SUGGEST_REPEATABLE_PARAMS
        return super().get_repeatable_query_params()

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
            ),
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description=(
                    "A parameter is missing, unknown or invalid, or no routine "
                    "meets the constraints (the message names which)."
                ),
                examples=UNMET_SUGGESTION_EXAMPLES,
            ),
        },
        examples=SUGGESTION_EXAMPLES,
        filters=False,
    )
    @action(
        detail=False,
        pagination_class=None,
        filterset_class=None,
        schema=SuggestSchema(),
    )
    def suggest(self, request):
        # What is_valid() runs; its ValidationError carries the same errors.
        params = SUGGEST_QUERY.run_validation(request.query_params)
        try:
            routine = routine_suggest(
                available=params["available"],
                difficulty=params["difficulty"],
                muscle=params.get("muscle", []),
                count=params["count"],
                seed=params.get("seed"),
                # The chosen exercises' documents, where they give the same bytes.
                documents=self._documents_answer(request, detail=False),
            )
        except RoutineSuggestError as error:
            raise ValidationError({error.constraint: [str(error)]}) from error
        if routine.documents is not None:
            body = JSONRenderer().render(suggestion_data(routine), "application/json")
            # Built from any exercise that qualifies: valid while the version is.
            return DocumentResponse(document_body_for(request, body), None)
        serializer = RoutineSuggestionSerializer(
            routine, context=self.get_serializer_context()
        )
        return Response(serializer.data)
