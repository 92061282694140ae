"""hipext URL configuration."""

from django.contrib import admin
from django.urls import path

from exercises.diagrams import ExerciseDiagramView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Muscle diagrams, before the API router so its detail route never shadows them.
    # The slash form answers the same, like every API path, but stays out of the schema.
    path(
        "api/exercises/<slug:slug>/diagram.svg",
        ExerciseDiagramView.as_view(),
        name="exercise-diagram",
    ),
    path(
        "api/exercises/<slug:slug>/diagram.svg/",
        ExerciseDiagramView.as_view(schema=None),
    ),
]
