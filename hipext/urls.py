"""hipext URL configuration."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularRedocView

from exercises.urls import router as exercises_router
from routines.urls import router as routines_router

from .api.docs import SchemaView, SwaggerView
from .api.languages import LanguagesView
from .api.routers import api_root_view
from .api.sync import ChangesView, SnapshotView
from .http import errors, health, preview

urlpatterns = [
    path("admin/", admin.site.urls),
    # Embeddable exercise cards (/embed/exercises/<slug>) and /api/oembed.
    path("", include("exercises.embed.urls")),
    # The public API. Every route answers with or without a trailing slash (no
    # redirect): the routers use "/?" and the fixed routes below do the same.
    re_path(
        r"^api/?$",
        api_root_view(
            exercises_router,
            routines_router,
            extra=[
                ("routine_suggestion", "routine-suggest"),
                ("exercise_diagram", "exercise-diagram", "slug"),
                ("exercise_card", "exercise-card", "slug"),
                ("oembed", "oembed"),
                ("languages", "languages"),
                ("changes", "sync-changes"),
                ("snapshot", "sync-snapshot"),
                ("schema", "schema"),
                ("docs", "swagger-ui"),
                ("redoc", "redoc"),
            ],
        ),
        name="api-root",
    ),
    re_path(r"^api/languages/?$", LanguagesView.as_view(), name="languages"),
    # Sync for apps keeping a local copy (README "Sync").
    re_path(r"^api/changes/?$", ChangesView.as_view(), name="sync-changes"),
    re_path(r"^api/snapshot/?$", SnapshotView.as_view(), name="sync-snapshot"),
    re_path(r"^api/schema/?$", SchemaView.as_view(), name="schema"),
    re_path(
        r"^api/docs/?$",
        # No OPTIONS metadata: DRF would render it with the page's HTML renderer
        # and no template (a 500); OPTIONS answers 405 problem details instead.
        SwaggerView.as_view(url_name="schema", metadata_class=None),
        name="swagger-ui",
    ),
    re_path(
        r"^api/redoc/?$",
        SpectacularRedocView.as_view(url_name="schema", metadata_class=None),
        name="redoc",
    ),
    path("api/", include("exercises.urls")),
    path("api/", include("routines.urls")),
    # Staff previews of drafts by signed link (hipext/content/preview.py); the
    # card's is under /embed (exercises/embed/urls.py).
    re_path(
        r"^preview/(?P<token>[-\w:]+)/?$",
        preview.content_preview,
        name="content-preview",
    ),
    # Probes for load balancers and orchestrators (README "Production").
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Last: any other path under /api or /embed is a problem-details 404, with debug
    # on too (Django's debug 404 page never calls handler404).
    re_path(r"^(?:api|embed)(?:/.*)?$", errors.not_found),
]

# Problem details for /api paths, Django's pages elsewhere (hipext/http/errors.py).
handler400 = "hipext.http.errors.bad_request"
handler403 = "hipext.http.errors.permission_denied"
handler404 = "hipext.http.errors.page_not_found"
handler500 = "hipext.http.errors.server_error"
