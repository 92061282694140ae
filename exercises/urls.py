"""Routes of the exercise content API, included under /api/."""

from hipext.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("exercises", views.ExerciseViewSet)
router.register("muscles", views.MuscleViewSet)
router.register("equipment", views.EquipmentViewSet)
router.register("guidelines", views.GuidelineViewSet)

urlpatterns = router.urls
