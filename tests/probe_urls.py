"""The project's URLs plus probe views that touch the database, for outage tests.

The probes exercise both paths an API request can take to the server-error handler: a
plain Django view and a DRF view (whose unhandled exceptions DRF re-raises).
"""

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exercises.models import Exercise
from hipext.urls import handler404, handler500
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


urlpatterns = [
    *project_urlpatterns,
    path("api/probe/django", exercise_count),
    path("api/probe/drf", exercise_count_drf),
    path("api/probe/crash/<str:kind>", crash),
    path("api/probe/crash-drf/<str:kind>", crash_drf),
    path("elsewhere/crash/<str:kind>", crash),
]

__all__ = ["handler404", "handler500", "urlpatterns"]
