"""Embeddable exercise cards and their oEmbed endpoint (https://oembed.com/)."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import Resolver404, re_path, resolve, reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from hipext.errors import ProblemResponse

from .models import Exercise, ExerciseEquipment, ExerciseMuscle, MuscleRole

PROVIDER_NAME = "hipext"
# The card's natural size in CSS pixels; it reflows to any narrower frame.
CARD_WIDTH = 480
CARD_HEIGHT = 720
# How long consumers may cache an oEmbed answer (seconds).
OEMBED_CACHE_AGE = 86400
# Other sites may frame the card and load nothing from elsewhere into it.
CARD_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors *"
)

CARD_PREFETCH = (
    "steps",
    Prefetch(
        "muscle_links",
        queryset=ExerciseMuscle.objects.select_related("muscle__group"),
    ),
    Prefetch(
        "equipment_links",
        queryset=ExerciseEquipment.objects.select_related("equipment").prefetch_related(
            "alternatives"
        ),
    ),
)


def card_context(exercise):
    """What the card template shows, with every list in display order."""
    muscles_by_role = [
        (
            label,
            sorted(
                (
                    link.muscle
                    for link in exercise.muscle_links.all()
                    if link.role == role
                ),
                key=lambda muscle: muscle.name,
            ),
        )
        for role, label in MuscleRole.choices
    ]
    return {
        "exercise": exercise,
        "steps": sorted(exercise.steps.all(), key=lambda step: step.position),
        "muscles_by_role": [
            (label, muscles) for label, muscles in muscles_by_role if muscles
        ],
        "equipment_links": exercise.equipment_links.all(),
        # Same origin as the card, so its img-src 'self' policy lets it load.
        "diagram_url": reverse("exercise-diagram", kwargs={"slug": exercise.slug}),
    }


@xframe_options_exempt
@require_safe
def exercise_card(request, slug):
    """A self-contained HTML card for one exercise, meant to be framed elsewhere."""
    exercise = get_object_or_404(
        Exercise.objects.prefetch_related(*CARD_PREFETCH), slug=slug
    )
    card_url = request.build_absolute_uri(card_path(slug))
    context = {
        **card_context(exercise),
        "card_url": card_url,
        "oembed_url": request.build_absolute_uri(
            reverse("oembed") + "?" + urlencode({"url": card_url, "format": "json"})
        ),
    }
    # Rendered without the request: no context processor may touch the session,
    # so the card never sets a cookie.
    response = HttpResponse(render_to_string("exercises/embed_card.html", context))
    response.headers["Content-Security-Policy"] = CARD_CSP
    return response


def card_path(slug):
    return reverse("exercise-card", kwargs={"slug": slug})


def _dimension(request, name):
    """A positive integer query parameter, or None when absent."""
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a positive whole number of pixels.")
    return int(value)


def _card_slug(url):
    """The slug of the exercise card at ``url`` on this service, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    domain, _ = split_domain_port(parts.netloc)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.url_name != "exercise-card":
        return None
    return match.kwargs["slug"]


def oembed(request):
    """oEmbed 1.0 for exercise cards: ``?url=<card URL>&format=json``."""
    if request.method not in ("GET", "HEAD"):
        return ProblemResponse(
            405,
            f"{request.method} is not allowed: the API is read-only.",
            headers={"Allow": "GET, HEAD"},
            instance=request.get_full_path(),
        )
    url = request.GET.get("url", "").strip()
    if not url:
        return ProblemResponse(
            400,
            "The url parameter is required: the address of an exercise card, "
            "such as /embed/exercises/glute-bridges on this service.",
            instance=request.get_full_path(),
        )
    response_format = request.GET.get("format", "json").strip().lower()
    if response_format != "json":
        return ProblemResponse(
            501,
            f"format={response_format} is not supported; use format=json.",
            instance=request.get_full_path(),
        )
    try:
        max_width = _dimension(request, "maxwidth")
        max_height = _dimension(request, "maxheight")
    except ValueError as error:
        return ProblemResponse(400, str(error), instance=request.get_full_path())
    slug = _card_slug(url)
    exercise = (
        Exercise.objects.filter(slug=slug).only("name", "slug").first()
        if slug
        else None
    )
    if exercise is None:
        return ProblemResponse(
            404,
            "No exercise card at this url; cards live at /embed/exercises/<slug>.",
            instance=request.get_full_path(),
        )
    parts = urlsplit(url)
    card_url = f"{parts.scheme}://{parts.netloc}{card_path(exercise.slug)}"
    width = min(CARD_WIDTH, max_width or CARD_WIDTH)
    height = min(CARD_HEIGHT, max_height or CARD_HEIGHT)
    title = f"{exercise.name} – exercise card"
    html = (
        f'<iframe src="{escape(card_url)}" width="{width}" height="{height}" '
        f'title="{escape(title)}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>'
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": exercise.name,
            "provider_name": PROVIDER_NAME,
            "provider_url": f"{parts.scheme}://{parts.netloc}/",
            "cache_age": OEMBED_CACHE_AGE,
            "html": html,
            "width": width,
            "height": height,
        },
        json_dumps_params={"ensure_ascii": False},
    )


# Both answer with or without a trailing slash, like the rest of the API.
urlpatterns = [
    re_path(
        r"^embed/exercises/(?P<slug>[-\w]+)/?$", exercise_card, name="exercise-card"
    ),
    re_path(r"^api/oembed/?$", oembed, name="oembed"),
]
