"""The embeddable exercise card and its oEmbed endpoint (https://oembed.com/)."""

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port, validate_host
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from exercises.diagrams import exercise_diagram_svg
from exercises.models import Exercise, MuscleRole, Requirement, VariationKind
from exercises.selectors import (
    equipment_links_prefetch,
    muscle_links_prefetch,
    variations_prefetch,
)
from hipext.api.fields import with_language
from hipext.api.params import StrictQueryParamsMixin
from hipext.api.problems import PROBLEM_CONTENT_TYPE, ProblemResponse
from hipext.api.schema import ProblemSerializer
from hipext.content.languages import LANG_PARAM, active_language
from hipext.content.preview import PreviewLinkInvalid, preview_object
from hipext.http.language import UnsupportedLanguage, language_from_param
from hipext.http.preview import preview_headers, preview_refused

from .heights import CARD_WIDTH, card_height
from .serializers import CardParamsSerializer, OEmbedParamsSerializer, OEmbedSerializer

PROVIDER_NAME = "hipext"
SCRIPTS = Path(__file__).with_name("scripts")
# The card's one script, inline: it posts the card's height to the framing page.
CARD_SCRIPT = (SCRIPTS / "card.js").read_text()
# What host pages include to fit framed cards to that height (served at /embed/sizer.js).
SIZER_SCRIPT = (SCRIPTS / "sizer.js").read_text()
# Other sites may frame the card and load nothing from elsewhere into it; the one
# script it runs is allowed by its hash, no other.
CARD_SCRIPT_HASH = base64.b64encode(hashlib.sha256(CARD_SCRIPT.encode()).digest())
CARD_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    f"script-src 'sha256-{CARD_SCRIPT_HASH.decode()}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)

# Labels as the card words them inside a line ("Mat (optional)"): lower case where
# the language writes them so, which a |lower filter would get wrong for German nouns.
REQUIREMENT_TEXT = {
    Requirement.REQUIRED: pgettext_lazy("equipment, in a sentence", "required"),
    Requirement.OPTIONAL: pgettext_lazy("equipment, in a sentence", "optional"),
}
KIND_TEXT = {
    VariationKind.PROGRESSION: pgettext_lazy(
        "variation, in a sentence", "progression (harder)"
    ),
    VariationKind.REGRESSION: pgettext_lazy(
        "variation, in a sentence", "regression (easier)"
    ),
    VariationKind.ALTERNATIVE: pgettext_lazy("variation, in a sentence", "alternative"),
}

CARD_PREFETCH = (
    "steps",
    muscle_links_prefetch(),
    equipment_links_prefetch(),
    variations_prefetch(),
)


def card_context(exercise, layout="full"):
    """What the card template shows, with every list in display order.

    In the active language: the texts (django-modeltranslation), the generated words
    (gettext) and the links, which keep a language other than English.
    """
    language = active_language()
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
    variations = list(exercise.variations.all())
    equipment_links = list(exercise.equipment_links.all())
    for link in equipment_links:
        link.requirement_text = REQUIREMENT_TEXT[link.requirement]
    for variation in variations:
        variation.kind_text = KIND_TEXT[variation.kind]
        if variation.variant is not None:
            variation.card_url = card_path(variation.variant.slug, layout, language)
    return {
        "exercise": exercise,
        "compact": layout == "compact",
        "card_script": mark_safe(CARD_SCRIPT),  # a file of this package, not content
        "steps": sorted(exercise.steps.all(), key=lambda step: step.position),
        "variations": variations,
        "muscles_by_role": [
            (label, muscles) for label, muscles in muscles_by_role if muscles
        ],
        "equipment_links": equipment_links,
        # Same origin as the card, so its img-src 'self' policy lets it load. Its
        # language always named: the image is part of the card, in the card's language
        # whatever the reader's Accept-Language says (a card asked for ?lang=en).
        "diagram_url": diagram_path(exercise.slug, language),
    }


@xframe_options_exempt
@require_safe
def exercise_card(request, slug):
    """A self-contained HTML card for one exercise, meant to be framed elsewhere.

    It reads one query parameter, ``layout``, and the language (``lang``, read by
    hipext.http.language); others are ignored, since the pages framing it may add
    their own to its address.
    """
    layout, errors = card_layout(request.GET)
    if errors:
        return ProblemResponse(
            400,
            "; ".join(f"{name}: {' '.join(e)}" for name, e in errors.items()),
            title="Invalid request",
            errors=errors,
            instance=request.get_full_path(),
        )
    exercise = get_object_or_404(
        Exercise.objects.published().prefetch_related(*CARD_PREFETCH), slug=slug
    )
    card_url = request.build_absolute_uri(card_path(slug, layout, active_language()))
    context = {
        **card_context(exercise, layout),
        "card_url": card_url,
        "oembed_url": request.build_absolute_uri(
            with_language(
                reverse("oembed") + "?" + urlencode({"url": card_url, "format": "json"})
            )
        ),
    }
    # Rendered without the request: no context processor may touch the session,
    # so the card never sets a cookie.
    response = HttpResponse(render_to_string("exercises/embed_card.html", context))
    response.headers["Content-Security-Policy"] = CARD_CSP
    return response


@require_safe
def sizer_script(request):
    """The host pages' script fitting framed cards to their height (README)."""
    return HttpResponse(SIZER_SCRIPT, content_type="text/javascript; charset=utf-8")


def card_layout(query):
    """The card's layout from a query (a QueryDict), and {name: [messages]} errors.

    The card's own parameters follow the API's rules (one given twice or holding a
    NUL is an error); others are ignored.
    """
    errors = {}
    for name in CardParamsSerializer().fields:
        values = query.getlist(name)
        if len(values) > 1:
            errors[name] = ["Given more than once; give it once."]
        elif values and "\x00" in values[0]:
            errors[name] = ["Must not contain NUL characters."]
    if errors:
        return None, errors
    # A plain dict: DRF reads an empty value in a QueryDict as no value at all.
    params = CardParamsSerializer(
        data={
            name: query[name] for name in CardParamsSerializer().fields if name in query
        }
    )
    if not params.is_valid():
        return None, {
            name: [str(message) for message in messages]
            for name, messages in params.errors.items()
        }
    return params.validated_data["layout"], {}


def card_path(slug, layout="full", language=None):
    """The card's path; the full layout, the default, takes no query.

    ``language``, unless English, is kept as ``?lang=`` (hipext.api.fields), as in
    every link of the API; None: the active language.
    """
    path = reverse("exercise-card", kwargs={"slug": slug})
    if layout != "full":
        path = f"{path}?{urlencode({'layout': layout})}"
    return with_language(path, language)


def diagram_path(slug, language=None):
    """The path of the exercise's diagram in ``language`` (None: the active one),
    named even when English: the card shows it in the card's own language."""
    path = reverse("exercise-diagram", kwargs={"slug": slug})
    return f"{path}?{urlencode({LANG_PARAM: language or active_language()})}"


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
        # An invalid value of any parameter, format's included, is a 400; only a
        # valid format this provider does not give (xml) is oEmbed's 501.
        params.is_valid(raise_exception=True)
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
        card_query = QueryDict(parts.query)
        layout = data.get("layout")
        if layout is None:
            layout, errors = card_layout(card_query)
            if errors:
                raise ValidationError(
                    {"url": [f"{n}: {' '.join(e)}" for n, e in errors.items()]}
                )
        language = card_language(request, card_query)
        origin = f"{parts.scheme}://{parts.netloc}"
        card_url = origin + card_path(exercise.slug, layout, language)
        width = min(CARD_WIDTH, data.get("maxwidth", CARD_WIDTH))
        height = card_height(exercise.slug, layout, width, language)
        height = min(height, data.get("maxheight", height))
        with translation.override(language):
            # only() loads every language's column of the name (modeltranslation).
            name = exercise.name
            title = gettext("%(name)s – exercise card") % {"name": name}
        # The script fits the frame to the card whatever the page does to its width
        # or font size; without it (a host that strips scripts) the frame keeps the
        # height measured for this width.
        html = (
            f'<iframe src="{escape(card_url)}" width="{width}" height="{height}" '
            f'title="{escape(title)}" loading="lazy" '
            'style="border:0;max-width:100%"></iframe>'
            f'<script src="{escape(origin + reverse("card-sizer"))}" async></script>'
        )
        return Response(
            {
                "version": "1.0",
                "type": "rich",
                "title": name,
                "provider_name": PROVIDER_NAME,
                "provider_url": f"{parts.scheme}://{parts.netloc}/",
                # As long as its Cache-Control lets anyone keep it (max-age).
                "cache_age": settings.API_CACHE_MAX_AGE,
                "html": html,
                "width": width,
                "height": height,
            },
            # The card's, which the url may name apart from the request's.
            headers={"Content-Language": language},
        )


def card_language(request, card_query):
    """The language of the card oEmbed describes.

    The oEmbed request's own ``lang`` first (the consumer's explicit choice), else the
    one the card's url names (``…?lang=es``: the card the author pasted), else the
    request's ``Accept-Language`` (hipext.http.language chose the active language
    from these two). A url naming no supported language is a 400 about ``url``.
    """
    if request.query_params.getlist(LANG_PARAM):
        return active_language()
    try:
        named = language_from_param(card_query.getlist(LANG_PARAM))
    except UnsupportedLanguage as error:
        raise ValidationError({"url": [f"{LANG_PARAM}: {error}"]}) from None
    return named or active_language()
