"""The project's URLs plus a trivial API view, for middleware and server tests."""

import os
import time

from django.http import JsonResponse
from django.urls import path

from hipext.urls import urlpatterns as project_urlpatterns


def ping(request):
    """Answers with the serving process, after an optional short pause."""
    time.sleep(min(float(request.GET.get("sleep", "0")), 0.5))
    return JsonResponse({"pid": os.getpid()})


urlpatterns = [*project_urlpatterns, path("api/test-ping", ping)]
