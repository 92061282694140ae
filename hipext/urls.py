"""hipext URL configuration."""

from django.contrib import admin
from django.urls import path

from hipext import health

urlpatterns = [
    path("admin/", admin.site.urls),
    # Probes for load balancers and orchestrators (README "Deployment").
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler500 = "hipext.health.server_error"
