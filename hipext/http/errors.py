"""Django's error handlers: problem details under /api, Django's own pages elsewhere.

Errors that never reach a DRF view (an unknown path, a malformed request, a
PermissionDenied raised by middleware, an unhandled exception) would otherwise get
Django's HTML pages, and a 500 page under DEBUG a stack trace. Under DEBUG Django
answers a 404 with its debug page instead of calling handler404, so unknown public
paths end at ``not_found`` (the URLconf's last route) and ``PublicErrorsMiddleware``
turns the 404s and 405s of plain Django views under ``/api`` and ``/embed`` into
problem details, whatever DEBUG says.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponseNotAllowed
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from hipext.api.problems import ProblemResponse

from .health import database_unavailable
from .paths import API_PREFIX, is_api_path, is_rate_limited_path


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
    if is_rate_limited_path(request.path):
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


@csrf_exempt  # any method gets the 404, as when no route matches at all
def not_found(request, *args, **kwargs):
    """The last route under /api and /embed: no endpoint here, as problem details."""
    return page_not_found(request, None)


class PublicErrorsMiddleware:
    """Problem details for the errors of plain Django views under /api and /embed.

    Also exempts those paths from CSRF: they take no writes and no session, so a POST
    is a 405 (problem details) rather than an HTML "CSRF verification failed" 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and is_rate_limited_path(
            request.path
        ):
            allowed = response["Allow"]
            return ProblemResponse(
                405,
                f'Method "{request.method}" not allowed; use {allowed}.',
                headers={"Allow": allowed},
                instance=request.get_full_path(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_rate_limited_path(request.path):
            # What @csrf_exempt does; CsrfViewMiddleware comes after this one.
            request._dont_enforce_csrf_checks = True

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and is_rate_limited_path(request.path):
            return page_not_found(request, exception)
        return None
