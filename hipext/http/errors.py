"""Django's error handlers: problem details under /api, Django's own pages elsewhere.

Errors that never reach a DRF view (an unknown path, a malformed request, a
PermissionDenied raised by middleware, an unhandled exception) would otherwise get
Django's HTML pages, and a 500 page under DEBUG a stack trace.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.views import defaults

from hipext.api.problems import ProblemResponse

from .health import database_unavailable
from .paths import API_PREFIX, is_api_path


def bad_request(request, exception):
    """handler400 (e.g. too many query parameters)."""
    if is_api_path(request.path):
        return ProblemResponse(
            400,
            "The request could not be read (too many query parameters, or a "
            "malformed header).",
            instance=request.path,
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """handler403."""
    if is_api_path(request.path):
        return ProblemResponse(
            403, "This request is not allowed.", instance=request.path
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """handler404."""
    if is_api_path(request.path):
        return ProblemResponse(
            404,
            f"There is no endpoint at {request.path}. The endpoints are listed at "
            f"{API_PREFIX} and documented at {API_PREFIX}/docs.",
            instance=request.get_full_path(),
        )
    return defaults.page_not_found(request, exception)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 while the database is down; no stack trace for API clients."""
    # Django calls this inside its exception handling, so the error is still at hand.
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    if is_api_path(request.path):
        return ProblemResponse(
            500,
            "The server failed to answer this request; the error has been logged.",
            instance=request.get_full_path(),
        )
    return defaults.server_error(request, template_name)
