"""Routes of the exercise cards and the oEmbed endpoint, included at the root."""

from django.urls import re_path

from .views import OEmbedView, exercise_card, sizer_script

# Both answer with or without a trailing slash, like the rest of the API.
urlpatterns = [
    re_path(
        r"^embed/exercises/(?P<slug>[-a-zA-Z0-9_]+)/?$",
        exercise_card,
        name="exercise-card",
    ),
    re_path(r"^embed/sizer\.js$", sizer_script, name="card-sizer"),
    re_path(r"^api/oembed/?$", OEmbedView.as_view(), name="oembed"),
]
