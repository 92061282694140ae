"""The base of the public API's ViewSets."""

from rest_framework import viewsets

from .params import StrictQueryParamsMixin
from .routers import SLUG_PATTERN


class ReadOnlyViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """Base of the public API's ViewSets: GET/HEAD/OPTIONS by slug, strict parameters."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
