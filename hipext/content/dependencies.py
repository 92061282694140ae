"""Which published documents a change affects, and which fields a list reads.

The rules the content apps declare in their ``documents.py``: ``depends`` (the documents
a change to a row affects), ``embeds`` (documents that embed another kind's, re-rendered
with it) and ``list_dependencies`` (the document fields a list's parameters read, so a
stored list stays valid until one of them changes: hipext.http.caching). The engine
that renders and stores documents is hipext.content.documents.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model

from .version import ANY_FIELD, MEMBERSHIP

# Lookups by primary key go in chunks, below SQLite's limit on query parameters.
CHUNK_SIZE = 500

# List parameters that choose a page of the same list (or its language: an object's
# log entries cover every language of its documents), not which list it is.
PAGING_PARAMETERS = frozenset({"page", "page_size", "format", "lang"})


def list_dependencies(kind, *, order=(), parameters=None, ordering=None):
    """The rule saying which document fields a list of ``kind`` depends on.

    A list's members, order and count depend on which documents of ``kind`` exist, on
    the fields of its default ``order``, on ``parameters[name]`` (``(kind, field)``
    pairs) for each query parameter it has, and on the field of each ``ordering`` key
    it asks for. Any other parameter makes it depend on every field of ``kind``. The
    rule gives ``(kind, field)`` pairs for a request's query parameters.
    """
    parameters = parameters or {}
    ordering = ordering or {}
    base = frozenset({(kind, MEMBERSHIP), *((kind, field) for field in order)})

    def fields(query):
        found = set(base)
        for name, value in query.items():
            if name in PAGING_PARAMETERS:
                continue
            if name == "ordering" and ordering:
                for key in value.split(","):
                    field = ordering.get(key.strip().lstrip("-"), ANY_FIELD)
                    found.add((kind, field))
            else:
                found.update(parameters.get(name, ((kind, ANY_FIELD),)))
        return frozenset(found)

    return fields


@dataclass(frozen=True)
class Dependency:
    """Which documents a change to a row of ``model`` affects.

    ``affected(row)`` gives ``(kind, pk)`` pairs. Where a foreign key in ``moves`` can
    change, the documents the row affected before the change are affected too.
    """

    model: type[Model]
    affected: Callable[[Model], Iterable[tuple[str, int]]]
    moves: tuple = ()


@dataclass(frozen=True)
class Embedding:
    """Documents of ``kind`` embed documents of ``embedded``: ``embedders(pks)`` finds them."""

    kind: str
    embedded: str
    embedders: Callable[[list[int]], Iterable[int]]


_dependencies = {}
_embeddings = []


def depends(model, affected, *, moves=()):
    """Declare which documents a change to a row of ``model`` affects."""
    _dependencies.setdefault(model, []).append(Dependency(model, affected, moves))


def embeds(kind, embedded, embedders):
    """Declare that documents of ``kind`` embed documents of ``embedded``."""
    _embeddings.append(Embedding(kind, embedded, embedders))


def dependencies_of(model):
    """The dependency rules of ``model``'s rows (none for a model no document shows)."""
    return _dependencies.get(model, ())


def affected_by(row):
    """The documents a change to ``row`` affects directly, as ``(kind, pk)`` pairs."""
    return {
        (kind, pk)
        for rule in dependencies_of(type(row))
        for kind, pk in rule.affected(row)
        if pk is not None
    }


def with_embedders(keys):
    """``keys`` and every document that embeds one of them, at any depth."""
    result = set(keys)
    todo = set(keys)
    while todo:
        found = set()
        for embedding in _embeddings:
            pks = sorted(pk for kind, pk in todo if kind == embedding.embedded)
            for start in range(0, len(pks), CHUNK_SIZE):
                found.update(
                    (embedding.kind, pk)
                    for pk in embedding.embedders(pks[start : start + CHUNK_SIZE])
                )
        todo = found - result
        result |= todo
    return result
