"""Routes of the exercise cards and the oEmbed endpoint, included at the root."""

from django.urls import re_path

from .views import OEmbedView, exercise_card, exercise_card_preview, sizer_script

# Both answer with or without a trailing slash, like the rest of the API.
urlpatterns = [
    re_path(
        r"^embed/exercises/(?P<slug>[-a-zA-Z0-9_]+)/?$",
        exercise_card,
        name="exercise-card",
    ),
    re_path(r"^embed/sizer\.js$", sizer_script, name="card-sizer"),
    re_path(r"^api/oembed/?$", OEmbedView.as_view(), name="oembed"),
    # A draft's card, by signed link (hipext/content/preview.py).
    re_path(
        r"^embed/preview/(?P<token>[-\w:]+)/?$",
        exercise_card_preview,
        name="exercise-card-preview",
    ),
]
