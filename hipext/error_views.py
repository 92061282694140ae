"""Django's 403 and 500 handlers, answering problem details under /api.

Errors that never reach a DRF view (a PermissionDenied raised by middleware, an
unhandled exception) would otherwise get Django's HTML pages, and a 500 page under
DEBUG a stack trace. The admin and other pages keep Django's own. The 400 and 404
handlers live with the API's routing in hipext/api.py.
"""

from django.views import defaults

from .api import _is_api_path
from .errors import ProblemResponse


def permission_denied(request, exception):
    """handler403."""
    if _is_api_path(request.path):
        return ProblemResponse(
            403, "This request is not allowed.", instance=request.path
        )
    return defaults.permission_denied(request, exception)


def server_error(request):
    """handler500: no stack trace and no HTML for API clients."""
    if _is_api_path(request.path):
        return ProblemResponse(
            500,
            "The server failed to answer this request; the error has been logged.",
            instance=request.path,
        )
    return defaults.server_error(request)
