"""A small stand-in API for testing the caching middleware apart from the real one."""

from django.contrib import admin
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exercises.models import Exercise, Guideline

# How often each view ran, so tests can tell a cache hit from a rendering.
calls = {"exercises": 0, "flaky": 0}


@api_view(["GET", "HEAD"])
def exercise_list(request):
    calls["exercises"] += 1
    exercises = Exercise.objects.prefetch_related(
        "steps",
        "muscle_links__muscle",
        "equipment_links__equipment",
        "equipment_links__alternatives",
    )
    return Response(
        [
            {
                "slug": exercise.slug,
                "name": exercise.name,
                "steps": [step.text for step in exercise.steps.order_by("position")],
                "muscles": [link.muscle.name for link in exercise.muscle_links.all()],
                "equipment": [
                    {
                        "name": link.equipment.name,
                        "alternatives": [alt.name for alt in link.alternatives.all()],
                    }
                    for link in exercise.equipment_links.all()
                ],
            }
            for exercise in exercises
        ]
    )


@api_view(["GET", "HEAD"])
def guideline_list(request):
    return Response([g.title for g in Guideline.objects.all()])


@api_view(["GET", "HEAD"])
def flaky(request):
    """Fails with 503 on its first call, then succeeds."""
    calls["flaky"] += 1
    if calls["flaky"] == 1:
        return Response({"detail": "database unavailable"}, status=503)
    return Response({"ok": True})


def session_toucher(request):
    """A plain view that reads the session and asks for a CSRF token."""
    request.session.get("anything")
    request.session["visited"] = True
    get_token(request)
    return HttpResponse(b"{}", content_type="application/json")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/exercises", exercise_list),
    path("api/guidelines", guideline_list),
    path("api/flaky", flaky),
    path("api/session", session_toucher),
    path("elsewhere/session", session_toucher),
]
