"""hipext URL configuration."""

import os

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from exercises.urls import router as exercises_router
from routines.urls import router as routines_router

from . import health
from .api import api_root_view

urlpatterns = [
    path("admin/", admin.site.urls),
    # Embeddable exercise cards (/embed/exercises/<slug>) and /api/oembed.
    path("", include("exercises.embed")),
    # The public API. Every route answers with or without a trailing slash (no
    # redirect): the routers use "/?" and the fixed routes below do the same.
    re_path(
        r"^api/?$",
        api_root_view(
            exercises_router,
            routines_router,
            extra=[("schema", "schema"), ("docs", "swagger-ui"), ("redoc", "redoc")],
        ),
        name="api-root",
    ),
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(
        r"^api/docs/?$",
        SpectacularSwaggerView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    re_path(
        r"^api/redoc/?$", SpectacularRedocView.as_view(url_name="schema"), name="redoc"
    ),
    # Embeddable exercise cards (/embed/exercises/<slug>) and /api/oembed.
    path("", include("exercises.embed")),
    path("api/", include("exercises.urls")),
    path("api/", include("routines.urls")),
    # Probes for load balancers and orchestrators (README "Deployment").
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# The benchmark's ceiling view (bench/README.md), only when the benchmark asks for it.
if os.environ.get("HIPEXT_BENCH_CEILING") == "1":
    from .benchmark import ceiling

    urlpatterns.append(path("bench/ceiling", ceiling, name="bench-ceiling"))

# Problem details for /api paths; Django's pages elsewhere.
handler400 = "hipext.api.bad_request"
handler404 = "hipext.api.page_not_found"

# 503 problem details while the database is down; problem details, never HTML, on /api/.
handler500 = "hipext.health.server_error"
