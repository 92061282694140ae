"""Routing of the public API: slash-optional routers, the slug pattern, the root view."""

from django.urls import NoReverseMatch, reverse
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.views import APIView

from .params import StrictQueryParamsMixin

# A slug, and nothing a database driver could choke on (NUL bytes, dots, slashes).
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


class OptionalSlashRouter(routers.SimpleRouter):
    """Routes answering identically with and without a trailing slash, never redirecting."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


# Reversed in place of a slug, then shown as the URI template's "{slug}".
SLUG_PLACEHOLDER = "slug-placeholder"


class APIRootView(StrictQueryParamsMixin, APIView):
    """Links to every endpoint and to the API's schema and documentation."""

    schema = None  # not an operation of the public API
    url_names = ()

    def get(self, request, *args, **kwargs):
        links = {}
        for key, url_name, *slug in self.url_names:
            # A route taking a slug is linked as a URI template (RFC 6570): {slug}.
            kwargs = {"slug": SLUG_PLACEHOLDER} if slug else None
            try:
                url = request.build_absolute_uri(reverse(url_name, kwargs=kwargs))
            except NoReverseMatch:  # an app left out of this installation
                continue
            links[key] = url.replace(SLUG_PLACEHOLDER, "{slug}")
        return Response(links)


def api_root_view(*routers_, extra=()):
    """The API root view for the list routes of ``routers_`` plus ``extra``.

    ``extra`` holds (key, url name) pairs, and (key, url name, "slug") for a route
    taking a slug.
    """
    url_names = [
        (prefix, f"{basename}-list")
        for router in routers_
        for prefix, _viewset, basename in router.registry
    ]
    return APIRootView.as_view(url_names=(*url_names, *extra))
