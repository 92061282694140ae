"""The project's URLs plus the benchmark's ceiling view."""

from django.urls import path

from hipext.urls import handler400, handler403, handler404, handler500
from hipext.urls import urlpatterns as project_urlpatterns

from .ceiling import ceiling

urlpatterns = [
    *project_urlpatterns,
    path("bench/ceiling", ceiling, name="bench-ceiling"),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
