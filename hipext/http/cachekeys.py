"""What a cached API response is keyed on, and how many variants of a path are kept.

A response depends on the URL and on the representation content negotiation picks
for it, not on the raw ``Accept`` header: ``application/json``, ``*/*``, no header
and ``application/json, x/<anything>`` all get the same JSON, so they share one
cached copy and one ETag, while ``application/json; indent=4`` (indented JSON) gets
its own. The representation is worked out with DRF's own negotiation against the
renderers of the view the path resolves to, before the view runs; it depends only on
the URLconf, the path, ``Accept`` and ``?format=``, so it is worked out once per
combination of those and remembered (a bounded number, usual ``Accept`` headers only).

Query strings are the other source of variety (a free-text ``search``, a date, any
order of comma-separated values): at most ``API_RESPONSE_CACHE_VARIANTS`` responses
of one path are stored per content version; requests beyond that are answered
normally, just not stored.
"""

import functools
import types

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from rest_framework.exceptions import APIException
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from hipext.content.version import CACHE_ALIAS, key_digest

from .cachebreaker import cache_call

VARIANTS_KEY_PREFIX = "hipext:api-variants:"
# Answers that are errors, never stored, whatever the view: one key for all of them.
UNNEGOTIABLE = "unnegotiable"

_negotiation = DefaultContentNegotiation()
# Combinations remembered, and the longest path, Accept and ?format= together that is
# (longer ones are worked out each time, so that odd requests cannot fill the memory).
REPRESENTATIONS_KEPT = 4096
KEPT_LENGTH = 500


def _renderer_classes(urlconf, path):
    """The renderers of the DRF view (or viewset action) serving this path."""
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        view = None
    initkwargs = getattr(view, "initkwargs", None) or {}
    return (
        initkwargs.get("renderer_classes")
        or getattr(getattr(view, "cls", None), "renderer_classes", None)
        or api_settings.DEFAULT_RENDERER_CLASSES
    )


def _negotiated(urlconf, path, accept, format_value):
    renderers = [
        renderer_class() for renderer_class in _renderer_classes(urlconf, path)
    ]
    # What DRF's negotiation reads of a request: its Accept header and ?format=.
    asked = types.SimpleNamespace(
        headers={} if accept is None else {"accept": accept},
        query_params=(
            {}
            if format_value is None
            else {api_settings.URL_FORMAT_OVERRIDE: format_value}
        ),
    )
    try:
        renderer, media_type = _negotiation.select_renderer(asked, renderers)
    except (APIException, Http404):
        return UNNEGOTIABLE
    if isinstance(renderer, JSONRenderer):
        indent = renderer.get_indent(media_type, {})
        return f"{renderer.media_type};indent={indent}"
    return renderer.media_type


_negotiated_kept = functools.lru_cache(maxsize=REPRESENTATIONS_KEPT)(_negotiated)


def negotiated_forget():
    """Forget the representations worked out (the renderers' settings changed)."""
    _negotiated_kept.cache_clear()


def representation(request):
    """The media type the view will answer with (``application/json;indent=4``)."""
    accept = request.headers.get("accept")
    format_value = request.GET.get(api_settings.URL_FORMAT_OVERRIDE)
    # pytest-django's urls marker and override_settings change ROOT_URLCONF itself.
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    path = request.path_info
    arguments = (urlconf, path, accept, format_value)
    if len(path) + len(accept or "") + len(format_value or "") > KEPT_LENGTH:
        return _negotiated(*arguments)
    return _negotiated_kept(*arguments)


def request_identity(request):
    """What a response depends on: release, absolute URL, negotiated representation
    and language (hipext.http.language: from ``?lang=`` or ``Accept-Language``)."""
    return "\n".join(
        (
            settings.API_CACHE_RELEASE,
            request.build_absolute_uri(),
            representation(request),
            translation.get_language() or settings.LANGUAGE_CODE,
        )
    )


def variant_allowed(request, token):
    """Whether one more response of this path may be stored at this content version.

    Counts in the cache; ``True`` if the count cannot be kept (the store will then
    fail or be skipped too), and always when the bound is 0 (off).
    """
    budget = settings.API_RESPONSE_CACHE_VARIANTS
    if budget <= 0:
        return True
    path = key_digest(f"{settings.API_CACHE_RELEASE}\n{request.path_info}")
    key = f"{VARIANTS_KEY_PREFIX}{path}:{token}"
    timeout = settings.API_RESPONSE_CACHE_TIMEOUT

    def count(cache):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            return 1

    counted = cache_call(CACHE_ALIAS, count)
    return counted is None or counted <= budget
