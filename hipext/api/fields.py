"""Serializer fields shared by the API: slug hyperlinks built once per route, each in
the request's language; what of a representation is not translated yet."""

import re
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hipext.content.languages import (
    LANG_PARAM,
    active_language,
    source_language,
    untranslated,
)

from .routers import SLUG_PATTERN

# A stand-in that matches SLUG_PATTERN, reversed once and then replaced by real slugs.
_SLUG_MARK = "__slug__"
_SLUG_RE = re.compile(rf"^{SLUG_PATTERN}$")


def slug_url(request, view_name, slug):
    """The absolute URL of the ``view_name`` route for ``slug``.

    Reversing a URL is the costliest step of serializing a list, done once per link;
    here it is done once per request and route, and each slug (URL-safe by its
    pattern) is put into the reversed template.
    """
    language = active_language()
    if request is None or not _SLUG_RE.match(slug):
        url = with_language(reverse(view_name, kwargs={"slug": slug}), language)
        return request.build_absolute_uri(url) if request is not None else url
    templates = request.__dict__.setdefault("_slug_url_templates", {})
    template = templates.get((view_name, language))
    if template is None:
        template = request.build_absolute_uri(
            with_language(reverse(view_name, kwargs={"slug": _SLUG_MARK}), language)
        )
        templates[(view_name, language)] = template
    return template.replace(_SLUG_MARK, slug)


def with_language(url, language=None):
    """``url`` naming its language (``?lang=es``) unless that is the source language.

    Links of a representation in another language keep it, whatever the following
    client's ``Accept-Language`` says; links of an English one carry none (a client
    asking by header for another language gets that one).
    """
    language = language or active_language()
    if language == source_language():
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({LANG_PARAM: language})}"


class SlugHyperlinkMixin:
    """DRF's hyperlink fields, building slug URLs with :func:`slug_url`."""

    def get_url(self, obj, view_name, request, format):
        if format or self.lookup_field != "slug" or obj.pk is None:
            return super().get_url(obj, view_name, request, format)
        return slug_url(request, view_name, obj.slug)


class SlugHyperlinkedIdentityField(
    SlugHyperlinkMixin, serializers.HyperlinkedIdentityField
):
    pass


class SlugHyperlinkedRelatedField(
    SlugHyperlinkMixin, serializers.HyperlinkedRelatedField
):
    pass


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "language": {
                "type": "string",
                "description": "The language of this representation's texts.",
            },
            "fallback": {
                "type": "array",
                "items": {"type": "string"},
                "description": (
                    "The fields (of this representation) holding some English text, "
                    "because it is not translated yet into `language`."
                ),
            },
        },
        "required": ["language", "fallback"],
    }
)
class TranslationField(serializers.Field):
    """The representation's language, and which of its fields fell back to English.

    ``fields`` maps each field of the representation to the translated texts it
    shows, as paths from the object: ``"summary"``, ``"steps.text"`` (every step's
    text), ``"muscle_links.muscle.name"``. A path's last name is a translated model
    field (hipext.content.languages); the others are attributes or related managers
    (read with ``all()``, so prefetched rows cost no query) or lists of objects.
    """

    def __init__(self, fields, **kwargs):
        self.paths = {
            name: [path.split(".") for path in paths] for name, paths in fields.items()
        }
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        language = active_language()
        fallback = []
        if language != source_language():
            fallback = [
                name
                for name, paths in self.paths.items()
                if any(_falls_back(value, path, language) for path in paths)
            ]
        return {"language": language, "fallback": fallback}


def _falls_back(obj, path, language):
    """Whether the translated text at ``path`` of ``obj`` falls back in ``language``."""
    if obj is None:
        return False
    *hops, field = path
    if not hops:
        return bool(untranslated(obj, language, [field]))
    related = getattr(obj, hops[0])
    if hasattr(related, "all"):
        related = related.all()
    if isinstance(related, (list, tuple)) or hasattr(related, "model"):
        return any(_falls_back(item, [*hops[1:], field], language) for item in related)
    return _falls_back(related, [*hops[1:], field], language)
