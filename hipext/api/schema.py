"""OpenAPI schema generation, for docs and for generated clients.

Every operation documents each answer a client can get (problem details for every
error, 304 for a matching ``If-None-Match``, the rate limiter's 401, 429 and 503 with
their headers), the optional API key, a summary, and multi-valued parameters as
arrays that may repeat; response components mark every member they always carry as
required.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from hipext.content.languages import LANG_PARAM, content_languages

from .params import choice_values
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


class CommaSeparatedQueryFieldExtension(OpenApiSerializerFieldExtension):
    """A query serializer's list field is an array, as a FilterSet's is."""

    target_class = "hipext.api.queryfields.CommaSeparatedQueryField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        items = {"type": "string"}
        if field.value_choices is not None and not callable(field.value_choices):
            items["enum"] = sorted(map(str, choice_values(field.value_choices)))
        if field.max_length is not None:
            items["maxLength"] = field.max_length
        return {"type": "array", "items": items}


def enum_varnames(values):
    """Readable names for enum values such as "-name": NAME_DESC, or None if needless."""
    if not any(str(value).startswith("-") for value in values):
        return None
    return [
        str(value).lstrip("-").upper().replace("-", "_")
        + ("_DESC" if str(value).startswith("-") else "")
        for value in values
    ]


# The action's summary when the view gives none: "List exercises", "One exercise".
SUMMARIES = {"list": "List {plural}", "retrieve": "One {singular}, by its slug"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the 400 and 404 problem details, summaries,
    repeatable array parameters and readable enum names; document_every_answer adds
    what every operation shares."""

    error_responses = {"400": BAD_REQUEST, "404": NOT_FOUND}

    def get_summary(self):
        action = getattr(self.view, "action", None)
        queryset = getattr(self.view, "queryset", None)
        if action in SUMMARIES and queryset is not None:
            meta = queryset.model._meta
            return SUMMARIES[action].format(
                plural=meta.verbose_name_plural, singular=meta.verbose_name
            )
        return super().get_summary()

    def get_auth(self):
        # Operations inherit the document's security (document_every_answer): an
        # API key is optional everywhere. A per-operation list, even [{}], makes
        # generators demand an authenticated client.
        return []

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
                # Multi-valued: a,b or repeated (hipext.api.params), any-of.
                parameter["style"] = "form"
                parameter["explode"] = True
                # A query serializer's max_length bounds each value, not their count.
                schema.pop("maxItems", None)
                parameter["description"] = (
                    parameter.get("description", "").rstrip()
                    + "\n\nSeveral values: comma-separated (`a,b`), or the parameter "
                    "repeated (`name=a&name=b`), or both; they combine."
                ).strip()
            value = schema.get("items", {}) if schema.get("type") == "array" else schema
            varnames = enum_varnames(value.get("enum", []))
            if varnames:
                value["x-enum-varnames"] = varnames
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


def _problem(description, headers=None):
    response = {
        "description": description,
        "content": {
            PROBLEM_CONTENT_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
            }
        },
    }
    if headers:
        response["headers"] = headers
    return response


def _header(description, type_="integer"):
    return {"schema": {"type": type_}, "description": description}


RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": _header("Requests allowed in the current window."),
    "RateLimit-Remaining": _header("Requests left in the current window."),
    "RateLimit-Reset": _header("Seconds until the window resets."),
    "RateLimit-Policy": _header(
        'The limit and its window in seconds, such as "120;w=60".', "string"
    ),
}
VALIDATOR_HEADERS = {
    "ETag": _header(
        "The representation's validator: send it back as If-None-Match.", "string"
    ),
    "Last-Modified": _header("When the content last changed.", "string"),
}
RETRY_AFTER = _header("Seconds to wait before retrying.")

IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "The ETag of a copy the client holds: if the answer would be the same, "
        "it is a 304 with no body."
    ),
}


LANGUAGE_COMPONENT = "LanguageEnum"


def language_parameters():
    """``lang`` and ``Accept-Language``, which every public operation reads."""
    supported = ", ".join(content_languages())
    return [
        {
            "in": "query",
            "name": LANG_PARAM,
            "required": False,
            "schema": {"$ref": f"#/components/schemas/{LANGUAGE_COMPONENT}"},
            "description": (
                f"The language of the answer's texts ({supported}); it wins over "
                "Accept-Language. Any other value is a 400."
            ),
        },
        {
            "in": "header",
            "name": "Accept-Language",
            "required": False,
            "schema": {"type": "string"},
            "description": (
                "Used when `lang` is not given: the best supported language by "
                "quality value; English when none is supported."
            ),
        },
    ]


CONTENT_LANGUAGE = {
    "Content-Language": _header("The language of the answer's texts.", "string")
}


def answers_every_operation_may_give():
    """The responses any GET of the API may get besides its own (by the middleware)."""
    return {
        "304": {
            "description": (
                "Not modified: the If-None-Match ETag still matches; use the copy held."
            ),
            "headers": {**VALIDATOR_HEADERS, **CONTENT_LANGUAGE},
        },
        "400": _problem(BAD_REQUEST.description),
        "401": _problem(
            "The API key is unknown, revoked or expired, or the Authorization "
            "header uses another scheme than Api-Key.",
            {**RATE_LIMIT_HEADERS},
        ),
        "405": _problem(
            "Another method than GET, HEAD or OPTIONS (the Allow header lists them)."
        ),
        "406": _problem("The Accept header allows no representation the API has."),
        "429": _problem(
            "Rate limit exceeded: wait Retry-After seconds, or send an API key for "
            "a higher limit.",
            {"Retry-After": RETRY_AFTER, **RATE_LIMIT_HEADERS},
        ),
        "503": _problem(
            "The service cannot answer right now (its database or its request "
            "counters are unavailable); retry after Retry-After seconds.",
            {"Retry-After": RETRY_AFTER},
        ),
    }


SECURITY_SCHEMES = {
    "ApiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            "An API key as `Authorization: Api-Key <key>`: give the value "
            "`Api-Key <key>` (generated clients: a token with the prefix `Api-Key`). "
            "Optional: a key raises the rate limit."
        ),
    },
    "ApiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": "An API key as `X-Api-Key: <key>`. Optional, as above.",
    },
}

# Components whose members are not all always present: a problem has `errors`
# only on a 400, `instance` only for a request.
PARTIAL_COMPONENTS = frozenset({"Problem"})


def _refer_to_enum(parameter, enums):
    """Points a parameter's inline enum at the component with the same values.

    Generators name each inline enum; one with a component's values would take a
    suffixed name (DifficultyEnum1), or push the component's own aside.
    """
    schema = parameter.get("schema", {})
    holder, key = (
        (schema, "items") if schema.get("type") == "array" else (parameter, "schema")
    )
    value = holder.get(key, {})
    name = enums.get(frozenset(value.get("enum", ())))
    if name is None:
        return
    ref = {"$ref": f"#/components/schemas/{name}"}
    extra = {k: v for k, v in value.items() if k not in ("enum", "type", "minLength")}
    # A sibling of $ref is ignored in OpenAPI 3.0: a default goes beside an allOf.
    holder[key] = {"allOf": [ref], **extra} if extra else ref


def document_every_answer(result, generator, request, public):
    """Postprocessing hook: the answers, headers and security every operation shares.

    Also marks every member of the response components as required: the API only
    answers (nothing is sent to it), and a serializer renders every field it declares.
    """
    components = result.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    languages = content_languages()
    components.setdefault("schemas", {})[LANGUAGE_COMPONENT] = {
        "type": "string",
        "enum": languages,
        "description": "A supported language: " + ", ".join(languages) + ".",
    }
    # A key is optional everywhere: {} (anonymous) or either header. Operations
    # inherit it (AutoSchema.get_auth), so generated clients take an anonymous or a
    # keyed client.
    result["security"] = [{}, *({name: []} for name in SECURITY_SCHEMES)]
    for name, component in components.get("schemas", {}).items():
        properties = component.get("properties")
        if properties and name not in PARTIAL_COMPONENTS:
            component["required"] = list(properties)
        if "x-enum-varnames" not in component:
            varnames = enum_varnames(component.get("enum", []))
            if varnames:
                component["x-enum-varnames"] = varnames
        if name.startswith("Paginated"):
            # The paginator's example values wrap list examples; beside other
            # lists than the example's, they would mislead.
            for member in properties.values():
                member.pop("example", None)
    enums = {
        frozenset(component["enum"]): name
        for name, component in components.get("schemas", {}).items()
        if "enum" in component and component.get("type") == "string"
    }
    for item in result.get("paths", {}).values():
        operation = item.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            _refer_to_enum(parameter, enums)
        parameters = operation.setdefault("parameters", [])
        named = {(parameter["in"], parameter["name"]) for parameter in parameters}
        parameters += [
            parameter
            for parameter in (*language_parameters(), dict(IF_NONE_MATCH))
            if (parameter["in"], parameter["name"]) not in named
        ]
        responses = operation["responses"]
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(
                    {**VALIDATOR_HEADERS, **RATE_LIMIT_HEADERS, **CONTENT_LANGUAGE}
                )
        for code, response in answers_every_operation_may_give().items():
            responses.setdefault(code, response)
        operation["responses"] = dict(sorted(responses.items()))
    return result


def without_trailing_slash(endpoints, **kwargs):
    """Preprocessing hook: document /api/exercises, not the router's /api/exercises/.

    Both forms answer (the routers match "/?"); the schema names each path once.
    """
    return [
        (path.rstrip("/") or "/", path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]
