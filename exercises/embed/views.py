"""The embeddable exercise card and its oEmbed endpoint (https://oembed.com/)."""

import base64
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from exercises.diagrams import exercise_diagram_svg
from exercises.models import Exercise, MuscleRole
from exercises.selectors import equipment_links_prefetch, muscle_links_prefetch
from hipext.api.params import StrictQueryParamsMixin
from hipext.api.problems import PROBLEM_CONTENT_TYPE
from hipext.api.schema import ProblemSerializer
from hipext.content.preview import PreviewLinkInvalid, preview_object
from hipext.http.preview import preview_headers, preview_refused

from .serializers import OEmbedParamsSerializer, OEmbedSerializer

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

CARD_PREFETCH = ("steps", muscle_links_prefetch(), equipment_links_prefetch())


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
        Exercise.objects.published().prefetch_related(*CARD_PREFETCH), slug=slug
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


@xframe_options_exempt
@require_safe
def exercise_card_preview(request, token):
    """An exercise's card, draft or not, by signed link: never stored, no cookie."""
    try:
        _, exercise = preview_object(
            token, queryset=Exercise.objects.prefetch_related(*CARD_PREFETCH)
        )
    except PreviewLinkInvalid as error:
        return preview_refused(error)
    if not isinstance(exercise, Exercise):
        return preview_refused(PreviewLinkInvalid("Only exercises have a card."))
    context = {
        **card_context(exercise),
        # The public diagram is not there for a draft: the drawing goes inline.
        "diagram_url": "data:image/svg+xml;base64,"
        + base64.b64encode(exercise_diagram_svg(exercise).encode()).decode(),
        "card_url": request.build_absolute_uri(),
        "oembed_url": "",
        "preview": True,
    }
    response = HttpResponse(render_to_string("exercises/embed_card.html", context))
    response.headers["Content-Security-Policy"] = CARD_CSP
    return preview_headers(response)


def card_path(slug):
    return reverse("exercise-card", kwargs={"slug": slug})


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


class FormatNotImplemented(APIException):
    status_code = 501
    default_detail = "Only format=json is supported."


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Ignores ?format=: oEmbed gives it its own meaning (json or xml)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    get=extend_schema(
        summary="oEmbed for an exercise card",
        parameters=[OEmbedParamsSerializer],
        responses={
            200: OEmbedSerializer,
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="url is missing, or maxwidth or maxheight is not a "
                "positive whole number.",
            ),
            (404, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="url is not an exercise card on this service.",
            ),
            (501, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer, description="format=xml: only json is implemented."
            ),
        },
        tags=["embed"],
    )
)
class OEmbedView(StrictQueryParamsMixin, APIView):
    """oEmbed 1.0 (https://oembed.com/) for exercise cards, so any page can embed one.

    Other query parameters are ignored: the oEmbed spec lets consumers add their own.
    """

    content_negotiation_class = FirstRendererNegotiation
    # Its own parameters still follow the API's rules: one given twice, or holding a
    # NUL, is a 400 as on every endpoint.
    unknown_query_params_ignored = True

    def get_allowed_query_params(self):
        return super().get_allowed_query_params() | set(OEmbedParamsSerializer().fields)

    def get(self, request):
        params = OEmbedParamsSerializer(data=request.query_params)
        if not params.is_valid():
            errors = params.errors
            if set(errors) == {"format"}:
                raise FormatNotImplemented
            raise ValidationError(errors)
        data = params.validated_data
        if data["format"] != "json":
            raise FormatNotImplemented
        url = data["url"].strip()
        slug = _card_slug(url)
        exercise = (
            Exercise.objects.published().filter(slug=slug).only("name", "slug").first()
            if slug
            else None
        )
        if exercise is None:
            raise NotFound(
                "No exercise card at this url; cards live at /embed/exercises/<slug>."
            )
        parts = urlsplit(url)
        card_url = f"{parts.scheme}://{parts.netloc}{card_path(exercise.slug)}"
        width = min(CARD_WIDTH, data.get("maxwidth", CARD_WIDTH))
        height = min(CARD_HEIGHT, data.get("maxheight", CARD_HEIGHT))
        title = f"{exercise.name} – exercise card"
        html = (
            f'<iframe src="{escape(card_url)}" width="{width}" height="{height}" '
            f'title="{escape(title)}" loading="lazy" '
            'style="border:0;max-width:100%"></iframe>'
        )
        return Response(
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
            }
        )
