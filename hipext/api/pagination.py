"""The API's one pagination style: strict page numbers with a bounded page size."""

import re

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from hipext.content.counts import cached_count
from hipext.content.languages import LANG_PARAM, active_language, source_language

_POSITIVE_INTEGER = re.compile(r"[0-9]{1,9}")
# The largest number _POSITIVE_INTEGER reads, so the schema states the same bound.
MAX_PAGE_NUMBER = 999_999_999


def _positive_integer(raw):
    """``raw`` as an integer >= 1, or None when it is not one."""
    if not _POSITIVE_INTEGER.fullmatch(raw):
        return None
    number = int(raw)
    return number if number >= 1 else None


class CachedCountPaginator(Paginator):
    """Django's paginator, with the total kept per content version (``cached_count``).

    ``count_identity``: what selects the rows, as the filter backend noted it
    (hipext.api.filtering), or None to key the total on the queryset's SQL.
    """

    def __init__(self, *args, count_identity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_identity = count_identity

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list, self.count_identity)
        return super().count


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: 20 per page by default, at most 100.

    Unlike DRF's default, a malformed ``page`` or ``page_size`` (0, -1, "abc", over
    the maximum) is a 400 naming the parameter rather than being silently replaced
    by the default; a page past the last one is a 404.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    # "last" is DRF's shortcut; a client that wants the last page computes it from count.
    last_page_strings = ()
    invalid_page_message = "Page {page_number} does not exist: {message}"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        size = _positive_integer(raw)
        if size is None or size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Must be a whole number from 1 to {self.max_page_size}, "
                        f"not {raw!r}."
                    ]
                }
            )
        return size

    def django_paginator_class(self, object_list, per_page):
        # DRF makes its paginator by calling this attribute (usually a class): ours,
        # told what the filter backend noted the rows are.
        return CachedCountPaginator(
            object_list,
            per_page,
            count_identity=getattr(self.request, "count_identity", None),
        )

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "")
        if raw != "" and _positive_integer(raw) is None:
            raise ValidationError(
                {
                    self.page_query_param: [
                        f"Must be a whole number of at least 1, not {raw!r}."
                    ]
                }
            )
        return super().paginate_queryset(queryset, request, view)

    def get_next_link(self):
        return self._in_language(super().get_next_link())

    def get_previous_link(self):
        return self._in_language(super().get_previous_link())

    def _in_language(self, url):
        """``next`` and ``previous`` keep the page's language, however it was chosen."""
        language = active_language()
        if url is None or language == source_language():
            return url
        return replace_query_param(url, LANG_PARAM, language)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        # The page that wraps a list's example: its one result, as the filtered
        # request each example names answers (tests/hipext/api/test_examples.py).
        properties["count"]["example"] = 1
        properties["next"]["example"] = None
        properties["previous"]["example"] = None
        return paginated

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last one is a 404.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_NUMBER,
                },
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page: {self.page_size} by default, "
                    f"at most {self.max_page_size}."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
