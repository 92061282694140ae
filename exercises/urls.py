"""Routes of the exercise content API, included under /api/."""

from django.urls import re_path

from hipext.api.routers import SLUG_PATTERN, OptionalSlashRouter

from . import views
from .diagrams import ExerciseDiagramView

router = OptionalSlashRouter()
router.register("exercises", views.ExerciseViewSet)
router.register("muscles", views.MuscleViewSet)
router.register("equipment", views.EquipmentViewSet)
router.register("guidelines", views.GuidelineViewSet)

urlpatterns = [
    # Before the router, whose exercise detail route must never shadow it.
    re_path(
        rf"^exercises/(?P<slug>{SLUG_PATTERN})/diagram\.svg/?$",
        ExerciseDiagramView.as_view(),
        name="exercise-diagram",
    ),
    *router.urls,
]
