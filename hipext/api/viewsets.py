"""The base of the public API's ViewSets."""

from rest_framework import viewsets

from hipext.content.publication import PublishableModel

from .params import StrictQueryParamsMixin
from .routers import SLUG_PATTERN


class ReadOnlyViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """Base of the public API's ViewSets: GET/HEAD/OPTIONS by slug, strict parameters.

    Of content with a publication state, only what apps see now: no drafts, nothing
    scheduled for later (hipext.content.publication).
    """

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, PublishableModel):
            queryset = queryset.published()
        return queryset
