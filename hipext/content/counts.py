"""The pagination count cache: a list's total, kept per filter and content version."""

from django.conf import settings
from django.utils.translation import get_language

from hipext.http.cachebreaker import cache_call

from .memo import content_memo
from .publication import publication_token
from .version import CACHE_ALIAS, content_state, key_digest

COUNT_KEY_PREFIX = "hipext:api-count:"


def cached_count(queryset, identity=None):
    """``queryset.count()``, kept in the cache for the content version it was taken at.

    A list's total is the one query whose cost grows with the catalogue (a COUNT of a
    filter reads every matching row), yet it changes only when the content does. The
    key is the filter itself, so every page, page size and ordering of one filter
    shares it: ``identity`` when the caller knows what selects the rows (the view and
    its validated filter values: hipext.api.filtering), else the SQL and parameters
    selecting the rows' keys, without ordering or the annotations ordering adds
    (compiling it costs about as much as the rest of a list). Either way with the
    release, the database, the active language, and the publication horizon (a
    scheduled item that appears changes the rows, not the content version).
    """
    if identity is None:
        if settings.API_COUNT_CACHE_TIMEOUT <= 0:
            return queryset.count()
        try:
            identity = queryset.order_by().values("pk").query.sql_with_params()
        except Exception:  # EmptyResultSet and the like: let Django count (or not).
            return queryset.count()
    return cached_total(identity, queryset.count, using=queryset.db)


def cached_total(identity, count, *, using):
    """``count()``, kept as ``cached_count`` keeps it, for rows ``identity`` names."""
    timeout = settings.API_COUNT_CACHE_TIMEOUT
    if timeout <= 0:
        return count()
    key = COUNT_KEY_PREFIX + key_digest(
        repr(
            (
                settings.API_CACHE_RELEASE,
                using,
                get_language(),
                publication_token(using=using),
                identity,
            )
        )
    )
    # This process keeps a copy for the content version (hipext.content.memo): most
    # lists then make no round trip for their total.
    return content_memo(
        ("count", key), lambda: _shared_total(key, count, timeout), using=using
    )


def _shared_total(key, count, timeout):
    # The global version, not the list's own dependencies: a count is shared by every
    # process through the cache, and this process's log covers only its own lifetime.
    version = content_state().number
    found = cache_call(CACHE_ALIAS, lambda cache: cache.get_many([key]))
    if found is None:
        return count()
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    total = count()
    cache_call(CACHE_ALIAS, lambda cache: cache.set(key, (version, total), timeout))
    return total
