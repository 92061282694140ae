"""Answering reads from the published documents (hipext.content.documents).

A detail is one document; a list is the filtered, ordered page of ids (the FilterSet
and ordering still run in SQL over the normalized tables) joined to its documents in
the same query, concatenated without parsing inside DRF's pagination envelope. The
bytes are those the serializers give (tests/system/test_read_model.py compares every
endpoint both ways); a request the documents cannot answer byte for byte (another
renderer, an indented JSON, a filter on a detail, a document not there) takes the
serializer path. ``API_READ_MODEL`` turns it off.

A response made from documents says what it was made from (``content_dependencies``):
its documents, and for a list the document fields its filters and order read (the
kind's ``list_dependencies``), so that the response cache keeps it until one of them
changes (hipext.http.caching).
"""

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from hipext.content.counts import cached_total
from hipext.content.documents import (
    PLACEHOLDER_BASE,
    document_body_for,
    document_kind,
)
from hipext.content.languages import LANG_PARAM, active_language
from hipext.content.memo import memo_rows
from hipext.content.publication import publication_schedule
from hipext.content.publishing import documents_flush, documents_pending
from hipext.models import Document

from .filtering import FilterBackend


class _RenderedBody:
    """Stands in for the accepted renderer: its media type, the body made already."""

    def __init__(self, renderer, body):
        self.media_type = renderer.media_type
        self.format = renderer.format
        self.charset = renderer.charset
        self.body = body

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return self.body


class DocumentResponse(Response):
    """A response whose JSON body is made already (headers as DRF sets them)."""

    def __init__(self, body, dependencies, **kwargs):
        super().__init__(data=None, **kwargs)
        self.document_body = body
        # ((kind, (object_id, ...)),), ((kind, field), ...): see hipext.content.version.
        self.content_dependencies = dependencies

    @property
    def rendered_content(self):
        self.accepted_renderer = _RenderedBody(
            self.accepted_renderer, self.document_body
        )
        return super().rendered_content


# A list's rows: the object's key and its document's body.
LIST_ROW_FIELDS = ("pk", "document_body")


class _ListRows:
    """A list's rows as the paginator reads them (``count()`` and one slice), answered
    without building the filtered queryset once this process has run that filter.

    ``shape`` (the view, its valid filter values and ordering: hipext.api.filtering)
    says which rows; the total is the count cache's, the page's SQL is kept per shape
    and slice (hipext.content.memo), and ``build()`` makes the queryset when either
    is missing.
    """

    def __init__(self, build, shape, *, using):
        self.build = build
        self.shape = shape
        self.using = using

    def count(self):
        return cached_total(
            self.shape[0], lambda: self.build().count(), using=self.using
        )

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("a list's rows are read a page at a time")
        return memo_rows(
            ("list-page", self.shape, index.start, index.stop),
            lambda: self.build()[index],
            LIST_ROW_FIELDS,
            using=self.using,
        )


class DocumentReadMixin:
    """List and detail of a ViewSet answered from documents of ``document_kind``."""

    document_kind = None

    def _documents_answer(self, request, *, detail):
        if not settings.API_READ_MODEL:
            return False
        renderer = request.accepted_renderer
        # Documents are compact JSON, as JSONRenderer renders with no indent.
        if type(renderer) is not JSONRenderer or renderer.get_indent(
            request.accepted_media_type, {}
        ):
            return False
        # A filter applies to a detail too; it is rare enough to leave to the
        # serializers. The language is not a filter: the documents are per language.
        if detail and set(request.query_params) - {LANG_PARAM}:
            return False
        # Changes this connection has not yet rendered (in this transaction) first.
        if documents_pending():
            documents_flush()
        return True

    def retrieve(self, request, *args, **kwargs):
        if self._documents_answer(request, detail=True):
            # A scheduled object's document waits for its time; drafts have none.
            horizon = publication_schedule().horizon
            found = (
                Document.objects.filter(
                    Q(published_at__isnull=True) | Q(published_at__lte=horizon),
                    kind=self.document_kind,
                    language=active_language(),
                    slug=kwargs[self.lookup_field],
                )
                .values_list("object_id", "body")
                .first()
            )
            if found is not None:
                object_id, body = found
                dependencies = (((self.document_kind, (object_id,)),), ())
                return DocumentResponse(document_body_for(request, body), dependencies)
        return super().retrieve(request, *args, **kwargs)

    def _list_rows(self, request):
        """The list's ``(pk, document body)`` rows, for the paginator to count and slice."""

        def build():
            # The ids come from get_queryset(), which keeps only what apps see now.
            documents = Document.objects.filter(
                kind=self.document_kind,
                language=active_language(),
                object_id=OuterRef("pk"),
            ).values("body")
            return (
                self.filter_queryset(self.get_queryset())
                .prefetch_related(None)
                .annotate(document_body=Subquery(documents))
                .values_list(*LIST_ROW_FIELDS)
            )

        backends = self.filter_backends
        if len(backends) != 1 or not issubclass(backends[0], FilterBackend):
            return build()
        shape = backends[0]().list_shape(request, self)
        if shape is None:
            return build()
        return _ListRows(build, shape, using=self.queryset.db)

    def list(self, request, *args, **kwargs):
        if not self._documents_answer(request, detail=False):
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(self._list_rows(request))
        if page is None or any(body is None for _, body in page):
            # Not paginated, or an object without its document: the serializers.
            return super().list(request, *args, **kwargs)
        envelope = self.get_paginated_response([]).data
        head = JSONRenderer().render(envelope, "application/json")
        assert head.endswith(b"[]}")
        results = b",".join(bytes(body) for _, body in page)
        body = head[:-3] + b"[" + results + b"]}"
        if PLACEHOLDER_BASE in results:
            body = document_body_for(request, body)
        kind = document_kind(self.document_kind)
        dependencies = (
            ((kind.name, tuple(pk for pk, _ in page)),),
            kind.list_dependencies(request.query_params),
        )
        return DocumentResponse(body, dependencies)
