"""Values derived from published content, kept in this process for one content version.

Some reads derive the same small value from the content on every request: the valid
slugs of a filter, for instance. The value changes only when the content does, so each
process keeps it for the content version it was read at (this process's copy,
``content_state()``, which sees an edit made anywhere within its bound, 1 s) and reads
it again after the next change. The key holds the active language too, so a value that
holds words of one language is never served in another.

A transaction that has changed content and not committed computes its values afresh
and keeps none: its version number may be rolled back and then taken by another
transaction for other content.
"""

import threading

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import get_language

from .publication import publication_token
from .version import content_changed_uncommitted, content_state

# Keys may come from requests (a filter's values): past this many values in one
# version, the oldest are dropped.
MAX_VALUES = 1024

_lock = threading.Lock()
# (the content state, its number, its time) -> {key: value}; one generation at a time.
_generation = None
_values = {}


def content_memo(key, compute, *, using=DEFAULT_DB_ALIAS):
    """``compute()``, kept per process for this content version, language and database.

    ``key`` names the value (hashable); ``compute`` must read only content (what a
    content change bumps the version for).
    """
    global _generation, _values
    if content_changed_uncommitted(using=using):
        return compute()
    state = content_state()
    # The state object itself too (compared by identity): a new copy (tests, a
    # restore) starts afresh even if its number is one seen before.
    generation = (state, state.number, state.changed_at)
    full_key = (key, get_language(), using)
    with _lock:
        if _generation != generation:
            _generation, _values = generation, {}
        values = _values
        if full_key in values:
            return values[full_key]
    value = compute()
    with _lock:
        if _generation == generation:
            if len(values) >= MAX_VALUES:
                del values[next(iter(values))]
            values[full_key] = value
    return value


def _compiled(key, build, using):
    """``(model, sql, params)`` of ``build()``, kept per key, or None if it matches
    nothing."""

    def compile_():
        queryset = build()
        try:
            sql, params = queryset.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # no row can match: let the ORM say so
            return None
        return queryset.model, sql, params

    token = publication_token(using=using)
    return content_memo(("query", token, key), compile_, using=using)


def memo_query(key, build, *, using=DEFAULT_DB_ALIAS):
    """The rows of the queryset ``build()`` makes, as model instances (a RawQuerySet).

    Building a queryset with a few ``Exists`` and compiling it costs more than running
    it: the SQL and parameters are kept per ``key`` (which must hold every value the
    queryset is built from), content version, language and publication horizon (a
    parameter of every published() filter), and run as raw SQL. ``build()`` must give
    a queryset of model instances; its annotations become attributes as the ORM's do.
    A queryset that can match no row is not compiled: ``build()`` itself is returned.
    """
    compiled = _compiled(key, build, using)
    if compiled is None:
        return build()
    model, sql, params = compiled
    return model._default_manager.db_manager(using).raw(sql, params)


def memo_rows(key, build, fields, *, using=DEFAULT_DB_ALIAS):
    """The rows of ``build()``, a ``values_list(*fields)`` queryset, as a list of tuples.

    As ``memo_query``, for columns that need no conversion from what the database
    driver gives (numbers, text, bytes).
    """
    compiled = _compiled(key, build, using)
    if compiled is None:
        return list(build())
    _, sql, params = compiled
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        columns = [column[0] for column in cursor.description]
    # The SQL may select the columns in another order than asked (an annotation
    # first, where modeltranslation's values_list() reorders them): by their names.
    if columns == list(fields):
        return rows
    order = [columns.index(name) for name in fields]
    return [tuple(row[index] for index in order) for row in rows]
