"""Routes of the routine API, included under /api/."""

from hipext.api.routers import OptionalSlashRouter

from . import views

router = OptionalSlashRouter()
router.register("routines", views.RoutineViewSet)

urlpatterns = router.urls
