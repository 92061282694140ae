"""hipext URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Embeddable exercise cards (/embed/exercises/<slug>) and /api/oembed.
    path("", include("exercises.embed")),
]
