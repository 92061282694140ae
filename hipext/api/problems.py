"""RFC 9457 problem details: every API error has this shape and media type."""

from http import HTTPStatus

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status, detail, *, title=None, type_="about:blank", **extensions):
    """The JSON members of a problem-details body."""
    return {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extensions,
    }


class ProblemResponse(JsonResponse):
    """A plain Django response carrying problem details (for middleware and views)."""

    def __init__(self, status, detail, *, title=None, headers=None, **extensions):
        super().__init__(
            problem_body(status, detail, title=title, **extensions),
            status=status,
            headers=headers,
            content_type=PROBLEM_CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False},
        )


class ProblemAPIResponse(Response):
    """A DRF response whose problem body is JSON whatever renderer the view chose.

    DRF renders an error with the renderer the view negotiated: YAML for the OpenAPI
    schema, an HTML template for Swagger UI and ReDoc (which fails without one).
    """

    @property
    def rendered_content(self):
        self.accepted_renderer = JSONRenderer()
        self.accepted_media_type = PROBLEM_CONTENT_TYPE
        return super().rendered_content


def _flatten(detail):
    """DRF's nested error detail as {field: [messages]} or a list of messages."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def problem_exception_handler(exc, context):
    """DRF's exception handler, answering with problem details instead of {"detail"}."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if isinstance(errors, dict):
            detail = "; ".join(
                f"{field}: {' '.join(messages) if isinstance(messages, list) else messages}"
                for field, messages in errors.items()
            )
        else:
            detail = " ".join(str(message) for message in errors)
        body = problem_body(status, detail, title="Invalid request", errors=errors)
    else:
        body = problem_body(status, _flatten(getattr(exc, "detail", str(exc))))
    request = context.get("request")
    if request is not None:
        body["instance"] = request.get_full_path()
    problem = ProblemAPIResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    # DRF's handler adds WWW-Authenticate and Retry-After where they apply.
    for header, value in response.headers.items():
        if header.lower() != "content-type":
            problem[header] = value
    return problem
