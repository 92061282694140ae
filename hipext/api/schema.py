"""OpenAPI schema generation: every operation documents its problem-details errors."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .problems import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem-details body, the shape of every API error."""

    type = serializers.CharField(
        help_text='Always "about:blank": see title and status.'
    )
    title = serializers.CharField(
        help_text="The HTTP status phrase, or a short summary."
    )
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong and how to fix it.")
    instance = serializers.CharField(
        required=False, help_text="The path and query of the request."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On a 400: the messages for each offending query parameter.",
    )


BAD_REQUEST = OpenApiResponse(
    ProblemSerializer,
    description=(
        "A query parameter is unknown, repeated or has an invalid value "
        "(the message names it and the valid values)."
    ),
    examples=[
        OpenApiExample(
            "Unknown parameter",
            value={
                "type": "about:blank",
                "title": "Invalid request",
                "status": 400,
                "detail": "equipments: Unknown query parameter 'equipments'. "
                "Valid parameters: available, equipment, page, page_size, …",
                "errors": {
                    "equipments": [
                        "Unknown query parameter 'equipments'. "
                        "Valid parameters: available, equipment, page, page_size, …"
                    ]
                },
                "instance": "/api/exercises?equipments=none",
            },
        ),
    ],
)

NOT_FOUND = OpenApiResponse(
    ProblemSerializer,
    description="No such object, or a page past the last one.",
    examples=[
        OpenApiExample(
            "Not found",
            value={
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": "No Exercise matches the given query.",
                "instance": "/api/exercises/no-such-exercise",
            },
        ),
    ],
)


NO_NUL = "^[^\\x00]*$"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, adding the 400 and 404 problem-details responses."""

    error_responses = {"400": BAD_REQUEST, "404": NOT_FOUND}

    def _get_parameters(self):
        parameters = super()._get_parameters()
        filters = getattr(
            getattr(self.view, "filterset_class", None), "base_filters", {}
        )
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            schema = parameter.get("schema", {})
            if schema.get("type") == "array":
                # An empty list would be an empty value: hipext.api.params refuses it.
                schema.setdefault("minItems", 1)
            value = schema.get("items", {}) if schema.get("type") == "array" else schema
            if value.get("type") != "string":
                continue
            if "enum" not in value and "format" not in value:
                # hipext.api.params refuses a NUL character and an empty value.
                value.setdefault("pattern", NO_NUL)
                value.setdefault("minLength", 1)
            # drf-spectacular leaves out a CharFilter's max_length; the form enforces it.
            filter_ = filters.get(parameter["name"])
            if filter_ is not None and filter_.extra.get("max_length"):
                value["maxLength"] = filter_.extra["max_length"]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method not in ("GET", "HEAD"):
            return responses
        for code, response in self.error_responses.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response, code, [PROBLEM_CONTENT_TYPE], direction
                )
        return responses


def without_trailing_slash(endpoints, **kwargs):
    """Preprocessing hook: document /api/exercises, not the router's /api/exercises/.

    Both forms answer (the routers match "/?"); the schema names each path once.
    """
    return [
        (path.rstrip("/") or "/", path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]
