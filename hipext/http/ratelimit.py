"""Rate limits for the public API and the embeddable cards.

Anonymous clients are counted per IP address, clients sending a valid API key per
key, in fixed windows aligned to the clock. Counters live in the Django cache named
by ``API_RATE_CACHE`` (Redis in production, so every worker and server shares them);
each process reserves requests from them in batches (hipext.http.allowances), so most
requests are counted without a round trip and the limit still holds across processes.
The middleware sits near the top of ``MIDDLEWARE`` so that it counts every request,
including those the response cache or a conditional GET answers without a view.

Responses carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``
(seconds until the window resets), the separate-header form of the IETF draft
"RateLimit header fields for HTTP", plus ``RateLimit-Policy`` (``120;w=60``).
"""

import contextlib
import functools
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from hipext.api.problems import ProblemResponse

from .allowances import Allowances
from .apikeys import api_key_check, api_key_from_request, api_key_scheme_problem
from .cachebreaker import cache_call
from .paths import is_rate_limited_path

logger = logging.getLogger(__name__)

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    """A number of requests allowed per period of seconds."""

    limit: int
    period: int

    @property
    def policy(self):
        return f"{self.limit};w={self.period}"


@functools.lru_cache(maxsize=32)
def rate_parse(text):
    """``"120/minute"`` (or ``120/min``, ``120/60s``, ``120/m``) as a Rate."""
    try:
        count, _, unit = text.strip().partition("/")
        limit = int(count)
        unit = unit.strip().lower()
        if unit.endswith("s") and unit[:-1].isdigit():
            period = int(unit[:-1])
        else:
            period = next(
                seconds
                for name, seconds in PERIODS.items()
                if unit and name.startswith(unit)
            )
    except (ValueError, StopIteration):
        raise ValueError(
            f"Invalid rate {text!r}: use N/second, N/minute, N/hour, N/day or N/<n>s."
        ) from None
    if limit < 0 or period < 1:
        raise ValueError(
            f"Invalid rate {text!r}: the limit and period must be positive."
        )
    return Rate(limit, period)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    With ``API_RATE_PROXY_COUNT = n`` the n-th address from the right of
    X-Forwarded-For is used: the one the outermost trusted proxy saw. Addresses to
    its left are client-supplied and never trusted. IPv6 clients are counted per /64,
    the block one subscriber usually holds; IPv4 clients that reach an IPv6 socket
    (``::ffff:a.b.c.d`` behind a ``[::]`` bind) are counted by their IPv4 address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.API_RATE_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    if ":" in address:
        with contextlib.suppress(ValueError):
            mapped = ipaddress.IPv6Address(address).ipv4_mapped
            if mapped is not None:
                return str(mapped)
            address = str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return address


def counter_hit(alias, key, period, now, amount=1):
    """Add ``amount`` requests in this window of cache ``alias``: the total, seconds left."""
    cache = caches[alias]
    key = f"ratelimit:{key}:{int(now // period)}"
    reset = window_reset(period, now)
    # A little longer than the window, so a slow clock elsewhere still finds it.
    timeout = period + 5
    if isinstance(cache, RedisCache):
        # One round trip instead of add + exists + incr, on the backend's own client.
        full_key = cache.make_and_validate_key(key)
        pipe = get_redis_connection(alias).pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incrby(full_key, amount)
        return pipe.execute()[1], reset
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key, amount), reset
    except ValueError:  # expired between add and incr
        cache.add(key, amount, timeout)
        return amount, reset


def window_reset(period, now):
    """Seconds until the window holding ``now`` ends (at least 1)."""
    return max(1, math.ceil((int(now // period) + 1) * period - now))


def rate_headers(rate, remaining, reset):
    return {
        "RateLimit-Limit": str(rate.limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset),
        "RateLimit-Policy": rate.policy,
    }


def counters_unavailable(request):
    """503 problem details: requests cannot be counted, and the limiter fails closed."""
    return ProblemResponse(
        503,
        "Requests cannot be counted against their rate limit right now; retry shortly.",
        headers={
            "Retry-After": str(math.ceil(settings.CACHE_BREAKER_SECONDS)),
            "Cache-Control": "no-store",
        },
        instance=request.get_full_path(),
    )


class RateLimitMiddleware:
    """Identifies API keys and enforces per-IP and per-key request limits."""

    def __init__(self, get_response):
        self.get_response = get_response
        # One per process: Django builds the middleware once per handler.
        self.allowances = Allowances(self._reserve, batch=settings.API_RATE_BATCH)

    @staticmethod
    def _reserve(ident, period, now, amount):
        """Add ``amount`` to the shared counter: its total, or ``None`` without it."""
        alias = settings.API_RATE_CACHE
        counted = cache_call(
            alias, lambda _cache: counter_hit(alias, ident, period, now, amount)
        )
        return None if counted is None else counted[0]

    def __call__(self, request):
        if not is_rate_limited_path(request.path_info):
            return self.get_response(request)
        request.api_key_prefix = None
        now = time.time()
        problem = api_key_scheme_problem(request)
        key = None if problem else api_key_from_request(request)
        if key is not None:
            try:
                problem = api_key_check(key, now)
            except Exception:
                # Without the cache or the database the key cannot be checked; serve
                # the request as anonymous rather than fail it.
                logger.exception("API key check failed")
                problem = None
                key = None
        if key is not None and problem is None:
            request.api_key_prefix = key.partition(".")[0]
            ident = f"key:{request.api_key_prefix}"
            rate = rate_parse(settings.API_RATE_KEY)
        else:
            # A request with a bad key counts against its address, so guessing keys
            # is limited like any anonymous traffic.
            ident = f"ip:{client_ip(request)}"
            rate = rate_parse(settings.API_RATE_ANON)
        verdict = self.allowances.hit(ident, rate, now)
        if verdict is None:
            # The cache breaker has logged why.
            if settings.API_RATE_FAIL_OPEN:
                return self.get_response(request)
            return counters_unavailable(request)
        reset = window_reset(rate.period, now)
        headers = rate_headers(rate, verdict.remaining, reset)
        if not verdict.allowed or problem is not None:
            # Said to this client, now: no shared cache may keep it.
            headers["Cache-Control"] = "no-store"
        if not verdict.allowed:
            headers["Retry-After"] = str(reset)
            return ProblemResponse(
                429,
                f"Rate limit of {rate.limit} requests per {rate.period} s exceeded; "
                f"retry in {reset} s."
                + ("" if key else " Send an API key for a higher limit."),
                headers=headers,
                instance=request.get_full_path(),
            )
        if problem is not None:
            return ProblemResponse(
                401,
                problem,
                title="Invalid API key",
                headers={**headers, "WWW-Authenticate": 'Api-Key realm="hipext"'},
                instance=request.get_full_path(),
            )
        response = self.get_response(request)
        for name, value in headers.items():
            response.headers[name] = value
        return response
