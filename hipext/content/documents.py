"""The published documents: each object's public representation, rendered at write time.

A document is the body the object's detail endpoint answers, rendered by the endpoint's
own serializer and stored as bytes (hipext.models.Document) with a content hash and the
sequence number of its last change in the document log (DocumentChange, whose deletes
are tombstones). Absolute URLs depend on the request, so documents are rendered for a
placeholder base that can never be a real host; a reader swaps in its own
(document_body_for).

This module is the engine and knows no app. Each content app fills the registry from
its own ``documents.py``: its kinds (model, serializer, the detail view's queryset),
and the rules of hipext.content.dependencies: which documents a change to one of its
rows affects (``depends``), which documents embed another kind's (``embeds``: a
routine embeds its exercises), and which document fields each list parameter reads
(``list_dependencies``). When documents are rendered (once per transaction) is
hipext.content.publishing's concern.

Each log entry names the document's top-level fields the change altered, so that a
cached list is out of date only when a document on it changes, or one of the fields
its filters and order read changes in any document of the kind, or a document of the
kind comes or goes (hipext.content.version, hipext.http.caching).

Only published content has documents: a draft's is never rendered, and unpublishing
removes it (a tombstone in the log). A scheduled object's document is rendered at once
and carries its ``published_at``; reads filter on it (hipext.content.publication).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from hipext.models import ALL_FIELDS, Document

from .changes import log_uuids_fill, log_write
from .dependencies import CHUNK_SIZE, with_embedders
from .languages import content_languages, source_language
from .publication import Publication, PublishableModel, schedule_renew
from .version import ANY_FIELD, MEMBERSHIP, content_changed, key_digest

# ".invalid" is reserved (RFC 2606): no request can ever come from this host.
PLACEHOLDER_HOST = "hipext.invalid"
PLACEHOLDER_BASE = f"http://{PLACEHOLDER_HOST}".encode()

# The public API's URLconf: documents link by its routes even where a test or a tool
# serves requests through another.
API_URLCONF = "hipext.urls"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of published document: what it renders and how."""

    name: str
    model: type[Model]
    serializer_class: type
    queryset: Callable[[], QuerySet]
    # The list's rule (list_dependencies); by default a list depends on every field.
    list_fields: Callable | None = None

    @classmethod
    def of_viewset(cls, name, viewset, *, list_fields=None):
        """The kind a ViewSet's detail endpoint answers, with its queryset's prefetches."""
        return cls(
            name=name,
            model=viewset.queryset.model,
            serializer_class=viewset.serializer_class,
            queryset=viewset.queryset.all,
            list_fields=list_fields,
        )

    def list_dependencies(self, query):
        """The ``(kind, field)`` pairs a list with these query parameters reads."""
        if self.list_fields is None:
            return frozenset({(self.name, MEMBERSHIP), (self.name, ANY_FIELD)})
        return self.list_fields(query)


_kinds = {}


def register(*kinds):
    """Publish these kinds of documents."""
    for kind in kinds:
        if kind.name in _kinds:
            raise ValueError(f"A document kind {kind.name!r} is registered already.")
        _kinds[kind.name] = kind


def document_kinds():
    """Every registered kind, in registration order."""
    return list(_kinds.values())


def document_kind(name):
    return _kinds[name]


class _PlaceholderHttpRequest(HttpRequest):
    """A GET from the placeholder host, which ALLOWED_HOSTS need not (and must not) list."""

    def get_host(self):
        return PLACEHOLDER_HOST


def placeholder_request():
    """The request documents are rendered for: a plain GET of the placeholder base."""
    request = _PlaceholderHttpRequest()
    request.method = "GET"
    request.path = request.path_info = "/"
    return Request(request)


def document_render(kind, obj, request):
    """One object's document body, as its detail endpoint renders it for ``request``."""
    context = {"request": request, "format": None, "view": None}
    data = kind.serializer_class(obj, context=context).data
    return JSONRenderer().render(data, "application/json")


def rendered_objects(kind):
    """The objects of ``kind`` that have documents: all, or the published (scheduled too)."""
    queryset = kind.queryset()
    if issubclass(kind.model, PublishableModel):
        queryset = queryset.filter(status=Publication.PUBLISHED)
    return queryset


def documents_render(kind, pks=None):
    """``{pk: (slug, {language: body}, published_at)}`` of ``kind``'s objects with
    documents: one body per supported language.

    Of ``pks``, or all of them; ``published_at`` is None for a kind without drafts.
    The objects are read once: each language reads its own columns of the same rows.
    """
    request = placeholder_request()
    queryset = rendered_objects(kind)
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    # URLs are rendered at the root; a reader puts its base (with any script prefix).
    prefix, urlconf = get_script_prefix(), get_urlconf()
    set_script_prefix("/")
    set_urlconf(API_URLCONF)
    try:
        objects = list(queryset)
        bodies = {obj.pk: {} for obj in objects}
        # Each language in turn, whatever language the writing request speaks.
        for language in content_languages():
            with translation.override(language):
                for obj in objects:
                    bodies[obj.pk][language] = document_render(kind, obj, request)
        return {
            obj.pk: (obj.slug, bodies[obj.pk], getattr(obj, "published_at", None))
            for obj in objects
        }
    finally:
        set_script_prefix(prefix)
        set_urlconf(urlconf)


def document_etag(body):
    """A short hash of a document's body."""
    return key_digest(body)


def document_body_for(request, body):
    """A stored body with its URLs at ``request``'s base instead of the placeholder."""
    base = request.build_absolute_uri(get_script_prefix()).rstrip("/")
    return bytes(body).replace(PLACEHOLDER_BASE, base.encode())


def documents_write(keys):
    """Render and store the documents of ``keys`` and of their embedders; the count.

    A document whose object is gone is removed and a tombstone logged; an unchanged
    one is not written. Run it inside a transaction.
    """
    rendered = 0
    by_kind = {}
    for kind, pk in with_embedders(keys):
        by_kind.setdefault(kind, set()).add(pk)
    for kind in document_kinds():
        pks = sorted(by_kind.get(kind.name, ()))
        for start in range(0, len(pks), CHUNK_SIZE):
            chunk = pks[start : start + CHUNK_SIZE]
            bodies = documents_render(kind, chunk)
            rendered += len(bodies)
            documents_store(kind.name, chunk, bodies)
    # A publication made or moved here changes the horizon or the next scheduled time.
    schedule_renew()
    return rendered


def changed_fields(before, after):
    """The top-level fields that differ between two bodies, comma-separated."""
    try:
        old, new = json.loads(bytes(before)), json.loads(after)
    except ValueError:
        return ALL_FIELDS
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ALL_FIELDS
    missing = object()
    names = sorted(
        name
        for name in old.keys() | new.keys()
        if old.get(name, missing) != new.get(name, missing)
    )
    # Bytes that differ with equal values (only the encoding): anything may differ.
    return ",".join(names) or ALL_FIELDS


def _visible(doc, now):
    """Whether apps see the stored ``doc`` (None: there is none) at ``now``."""
    return doc is not None and (doc.published_at is None or doc.published_at <= now)


def _fields_changed(docs, bodies):
    """The top-level fields that differ in any language (ALL_FIELDS for a new one)."""
    names = set()
    for language, body in bodies.items():
        doc = docs.get(language)
        if doc is None:
            return ALL_FIELDS
        fields = changed_fields(doc.body, body)
        if fields == ALL_FIELDS:
            return ALL_FIELDS
        names.update(fields.split(","))
    return ",".join(sorted(names)) or ALL_FIELDS


def documents_store(kind, pks, bodies):
    """Store ``bodies`` (``{pk: (slug, {language: body}, published_at)}``); remove
    other ``pks``'.

    An object's documents change together: one log entry for the object (the fields
    that changed in any language), every language's document pointing to it. A
    document removed because its object is gone or back to a draft leaves a tombstone;
    a new ``published_at`` (a publication rescheduled) is a change too. Bumps the
    content version first: holding its row until the commit orders the log entries as
    their transactions commit (hipext.content.version).
    """
    existing = {}
    for doc in Document.objects.filter(kind=kind, object_id__in=pks).only(
        "object_id", "language", "slug", "etag", "body", "seq", "published_at"
    ):
        existing.setdefault(doc.object_id, {})[doc.language] = doc
    upserts, deletes = [], []
    for pk in pks:
        docs = existing.get(pk, {})
        if pk in bodies:
            slug, by_language, published_at = bodies[pk]
            # Bodies, not only hashes: a rebuild repairs whatever a row holds.
            if set(docs) != set(by_language) or any(
                (doc.slug, bytes(doc.body), doc.published_at)
                != (slug, by_language[doc.language], published_at)
                or doc.etag != document_etag(by_language[doc.language])
                for doc in docs.values()
            ):
                fields = _fields_changed(docs, by_language)
                upserts.append((pk, slug, by_language, fields, published_at))
        elif docs:
            deletes.append(pk)
    if not upserts and not deletes:
        return
    content_changed()
    now = timezone.now()
    source = source_language()
    changes = log_write(
        document_kind(kind).model if kind in _kinds else None,
        kind,
        [
            (pk, slug, _visible(_any(existing.get(pk)), now), fields, published_at)
            for pk, slug, _, fields, published_at in upserts
        ],
        # One tombstone per object, whatever languages it had.
        [existing[pk].get(source) or _any(existing[pk]) for pk in deletes],
    )
    created, updated, gone = [], [], []
    for (pk, slug, by_language, _, published_at), change in zip(
        upserts, changes, strict=False
    ):
        docs = existing.get(pk, {})
        gone += [
            doc.pk for language, doc in docs.items() if language not in by_language
        ]
        for language, body in by_language.items():
            doc = docs.get(language) or Document(
                kind=kind, object_id=pk, language=language
            )
            doc.slug, doc.body, doc.etag, doc.seq, doc.updated_at = (
                slug,
                body,
                document_etag(body),
                change.seq,
                now,
            )
            doc.published_at = published_at
            (updated if doc.pk else created).append(doc)
    Document.objects.bulk_create(created)
    Document.objects.bulk_update(
        updated, ["slug", "body", "etag", "seq", "published_at", "updated_at"]
    )
    gone += [doc.pk for pk in deletes for doc in existing[pk].values()]
    if gone:
        Document.objects.filter(pk__in=gone).delete()


def _any(docs):
    """One of an object's documents (they agree on all but the body), or None."""
    return next(iter(docs.values()), None) if docs else None


def documents_rebuild():
    """Render every object of every kind and remove orphaned documents; the counts."""
    rendered = 0
    for kind in document_kinds():
        pks = sorted(kind.model._default_manager.values_list("pk", flat=True))
        for start in range(0, len(pks), CHUNK_SIZE):
            chunk = pks[start : start + CHUNK_SIZE]
            bodies = documents_render(kind, chunk)
            rendered += len(bodies)
            documents_store(kind.name, chunk, bodies)
    orphans = _orphans()
    for kind, docs in orphans.items():
        documents_store(kind, sorted({doc.object_id for doc in docs}), {})
    log_uuids_fill([(kind.name, kind.model) for kind in document_kinds()])
    schedule_renew()
    return rendered, sum(len(docs) for docs in orphans.values())


def documents_check():
    """Every stored document that is not what a fresh render gives.

    Yields ``(kind, object_id, slug, problem)`` with problem "differs (language)",
    "missing (language)" (the object has no document in that language) or "orphaned"
    (the document has no object).
    """
    for kind in document_kinds():
        stored = {
            (doc.object_id, doc.language): doc
            for doc in Document.objects.filter(kind=kind.name).only(
                "object_id", "language", "slug", "etag", "body", "published_at"
            )
        }
        fresh = documents_render(kind)
        for pk, (slug, bodies, published_at) in sorted(fresh.items()):
            for language, body in bodies.items():
                doc = stored.get((pk, language))
                if doc is None:
                    yield (kind.name, pk, slug, f"missing ({language})")
                elif (
                    bytes(doc.body) != body
                    or doc.etag != document_etag(body)
                    or doc.slug != slug
                    or doc.published_at != published_at
                ):
                    yield (kind.name, pk, slug, f"differs ({language})")
    for docs in _orphans().values():
        for doc in docs:
            yield (doc.kind, doc.object_id, doc.slug, "orphaned")


def _orphans():
    """Stored documents whose object (or kind) no longer exists or is a draft, by kind."""
    orphans = {}
    for doc in Document.objects.only("kind", "object_id", "language", "slug").order_by(
        "kind", "object_id", "language"
    ):
        orphans.setdefault(doc.kind, []).append(doc)
    for name, docs in list(orphans.items()):
        kind = _kinds.get(name)
        if kind is None:
            continue
        # A draft's document is an orphan too: drafts have none.
        alive = set(
            rendered_objects(kind)
            .prefetch_related(None)
            .order_by()
            .values_list("pk", flat=True)
        )
        # (A language no longer supported goes when rebuild renders its object.)
        orphans[name] = [doc for doc in docs if doc.object_id not in alive]
    return {name: docs for name, docs in orphans.items() if docs}
