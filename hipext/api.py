"""Shared API plumbing: routing, strict query parameters, the read-only ViewSet base."""

import re

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from rest_framework import routers, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

API_PREFIX = "/api"

# Query parameters every API view accepts whatever its filters; extend it with the
# HIPEXT_EXTRA_QUERY_PARAMS setting (a list of names) rather than editing this.
ALWAYS_ALLOWED_QUERY_PARAMS = frozenset()

# A slug, and nothing a database driver could choke on (NUL bytes, dots, slashes).
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


class OptionalSlashRouter(routers.SimpleRouter):
    """Routes answering identically with and without a trailing slash, never redirecting."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


def _filter_param_names(filterset_class):
    """The query parameter names a django-filter FilterSet reads."""
    names = []
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field_class.widget, "suffixes", None)
        if suffixes:
            names += [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
        else:
            names.append(name)
    return names


class StrictQueryParamsMixin:
    """Rejects unknown or repeated query parameters with a 400 naming them.

    A typo'd filter (``?equipments=none``) must never silently return the
    unfiltered list. The valid parameters of a list action are those its filter
    backends (FilterSet fields, search and ordering parameters) and paginator read;
    other actions take none unless ``get_allowed_query_params`` says otherwise.
    """

    def get_allowed_query_params(self):
        allowed = set(ALWAYS_ALLOWED_QUERY_PARAMS)
        allowed.update(getattr(settings, "HIPEXT_EXTRA_QUERY_PARAMS", ()))
        if getattr(self, "action", "list") != "list" or not hasattr(
            self, "get_queryset"
        ):
            return allowed
        for backend_class in getattr(self, "filter_backends", ()):
            backend = backend_class()
            if hasattr(backend, "get_filterset_class"):
                filterset_class = backend.get_filterset_class(self, self.get_queryset())
                if filterset_class is not None:
                    allowed.update(_filter_param_names(filterset_class))
            for attribute in ("search_param", "ordering_param"):
                if hasattr(backend, attribute):
                    allowed.add(getattr(backend, attribute))
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            for attribute in ("page_query_param", "page_size_query_param"):
                if getattr(paginator, attribute, None):
                    allowed.add(getattr(paginator, attribute))
        return allowed

    def check_query_params(self, request):
        if request.method == "OPTIONS":
            # Metadata ignores the query, and a CORS preflight carries the query
            # of the request it asks about.
            return
        allowed = self.get_allowed_query_params()
        errors = {}
        valid = ", ".join(sorted(allowed)) if allowed else "none"
        for name, values in request.query_params.lists():
            if name not in allowed:
                errors[name] = [
                    f"Unknown query parameter {name!r}. Valid parameters: {valid}."
                ]
            elif len(values) > 1:
                errors[name] = [
                    "Given more than once; give several values comma-separated "
                    f"in one {name!r} parameter instead."
                ]
            elif "\x00" in values[0]:
                errors[name] = ["Must not contain NUL characters."]
        if errors:
            raise ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        # Checked first, so a bad parameter is a 400 whatever else would go wrong,
        # except a method the view does not serve: that is a 405 whatever the query.
        method = request.method.lower()
        if method in self.http_method_names and hasattr(self, method):
            self.check_query_params(request)
        super().initial(request, *args, **kwargs)


class ReadOnlyViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """Base of the public API's ViewSets: GET/HEAD/OPTIONS by slug, strict parameters."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


class APIRootView(StrictQueryParamsMixin, APIView):
    """Links to every list endpoint and to the API's schema and documentation."""

    schema = None  # not an operation of the public API
    url_names = ()

    def get(self, request, *args, **kwargs):
        links = {}
        for key, url_name in self.url_names:
            try:
                links[key] = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:  # an app left out of this installation
                continue
        return Response(links)


def api_root_view(*routers_, extra=()):
    """The API root view for the list routes of ``routers_`` plus ``extra`` (key, url name)."""
    url_names = [
        (prefix, f"{basename}-list")
        for router in routers_
        for prefix, _viewset, basename in router.registry
    ]
    return APIRootView.as_view(url_names=(*url_names, *extra))


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
