"""A circuit breaker around the shared cache: after a failure, skip it for a while.

Every use of the cache (the response cache, the content version, list counts, rate-limit
counters, API key records) has an answer without it: the database, or serving a
request uncounted. A Redis that refuses connections fails fast, but one that hangs
costs a socket timeout on every operation, several per request. So the first failure
of a cache opens its breaker in this process for ``CACHE_BREAKER_SECONDS``: until then
``cache_call`` returns the caller's fallback without touching that cache, and the next
call after it tries again. Each failure is logged as one line at most once per
interval, never as a traceback per request.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

# Per process and per cache alias: when the breaker closes, and when a failure was
# last logged (time.monotonic()).
_open_until = {}
_logged_at = {}


def cache_available(alias):
    """Whether the cache ``alias`` is to be used now (its breaker is closed)."""
    return time.monotonic() >= _open_until.get(alias, 0.0)


def cache_call(alias, operation, fallback=None, *, always=False):
    """``operation(cache)`` on the cache ``alias``, or ``fallback`` without it.

    The fallback is returned when the operation fails and, while the breaker is
    open, without trying. ``always`` tries even then: for invalidations, which must
    reach a cache that has just come back, and which are rare.
    """
    if not always and not cache_available(alias):
        return fallback
    try:
        return operation(caches[alias])
    except Exception as error:  # Whatever the backend raises, the caller copes.
        cache_failed(alias, error)
        return fallback


def cache_failed(alias, error):
    """Open the breaker of ``alias`` after ``error``; log it once per interval."""
    now = time.monotonic()
    interval = settings.CACHE_BREAKER_SECONDS
    _open_until[alias] = now + interval
    if now - _logged_at.get(alias, -math.inf) >= interval:
        _logged_at[alias] = now
        logger.warning(
            "Cache %r failed (%s: %s); serving without it for %s s",
            alias,
            type(error).__name__,
            error,
            interval,
        )


def breakers_reset():
    """Close every breaker and forget what was logged (tests)."""
    _open_until.clear()
    _logged_at.clear()
