"""Serializer fields shared by the API: slug hyperlinks built once per route."""

import re

from django.urls import reverse
from rest_framework import serializers

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
    if request is None or not _SLUG_RE.match(slug):
        url = reverse(view_name, kwargs={"slug": slug})
        return request.build_absolute_uri(url) if request is not None else url
    templates = request.__dict__.setdefault("_slug_url_templates", {})
    template = templates.get(view_name)
    if template is None:
        template = request.build_absolute_uri(
            reverse(view_name, kwargs={"slug": _SLUG_MARK})
        )
        templates[view_name] = template
    return template.replace(_SLUG_MARK, slug)


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
