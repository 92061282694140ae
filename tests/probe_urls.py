"""The project's URLs plus probe views for tests, in process and in server processes.

The database probes exercise both paths an API request can take to the server-error
handler: a plain Django view and a DRF view (whose unhandled exceptions DRF
re-raises). The ping names the process that served it, for tests of several workers
and of middleware around a trivial API view; the echo reports the body it received,
for tests of the serving worker.
"""

import hashlib
import os
import time

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exercises.models import Exercise
from hipext.urls import handler400, handler403, handler404, handler500
from hipext.urls import urlpatterns as project_urlpatterns

CRASHES = {
    "operational": OperationalError("connection refused"),
    "interface": InterfaceError("connection already closed"),
    "bug": ZeroDivisionError("a bug with a secret in its traceback"),
}


def exercise_count(request):
    return JsonResponse({"count": Exercise.objects.count()})


@api_view(["GET"])
def exercise_count_drf(request):
    return Response({"count": Exercise.objects.count()})


def crash(request, kind):
    raise CRASHES[kind]


@api_view(["GET"])
def crash_drf(request, kind):
    raise CRASHES[kind]


def ping(request):
    """Answers with the serving process, after an optional short pause."""
    time.sleep(min(float(request.GET.get("sleep", "0")), 0.5))
    return JsonResponse({"pid": os.getpid()})


@csrf_exempt
def echo(request):
    """The length and digest of the request body, as the application received it."""
    body = request.body
    return JsonResponse(
        {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    )


# Before the project's: its last route answers every other /api path with a 404.
urlpatterns = [
    path("api/probe/django", exercise_count),
    path("api/probe/drf", exercise_count_drf),
    path("api/probe/crash/<str:kind>", crash),
    path("api/probe/crash-drf/<str:kind>", crash_drf),
    path("api/test-ping", ping),
    path("elsewhere/crash/<str:kind>", crash),
    path("test-echo", echo),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
