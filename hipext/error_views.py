"""Django's error handlers, answering problem details under /api.

Errors that never reach a DRF view (a query string over
DATA_UPLOAD_MAX_NUMBER_FIELDS, a suspicious request, an unhandled exception) would
otherwise get Django's HTML pages. The admin and other pages keep Django's own.
"""

from django.views import defaults

from .api import API_PREFIX
from .errors import ProblemResponse


def _is_api(request):
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def bad_request(request, exception):
    """handler400."""
    if _is_api(request):
        return ProblemResponse(
            400,
            "The request could not be read: too many query parameters, or a "
            "malformed or suspicious request.",
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """handler403."""
    if _is_api(request):
        return ProblemResponse(403, "This request is not allowed.")
    return defaults.permission_denied(request, exception)


def server_error(request):
    """handler500: no stack trace, no HTML, for API clients."""
    if _is_api(request):
        return ProblemResponse(
            500, "The server failed to answer this request; it has been logged."
        )
    return defaults.server_error(request)
