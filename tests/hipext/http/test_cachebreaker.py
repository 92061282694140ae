"""The cache breaker: after a cache failure, requests skip the cache for a while."""

import logging
import types

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from hipext.http import cachebreaker
from hipext.http.cachebreaker import cache_available, cache_call


class FailingCache(LocMemCache):
    """A cache whose every operation fails, counting the attempts."""

    attempts = 0

    def _fail(self, *args, **kwargs):
        type(self).attempts += 1
        raise ConnectionError("Timeout reading from socket")

    get = set = add = delete = get_many = incr = _fail


@pytest.fixture
def clock(monkeypatch):
    now = types.SimpleNamespace(value=1000.0)
    monkeypatch.setattr(
        cachebreaker, "time", types.SimpleNamespace(monotonic=lambda: now.value)
    )
    return now


@pytest.fixture
def failing_cache(settings):
    """Both caches fail: the response cache and the rate limiter's."""
    backend = f"{__name__}.FailingCache"
    settings.CACHES = {
        "default": {"BACKEND": backend},
        "ratelimit": {"BACKEND": backend, "LOCATION": "ratelimit"},
    }
    settings.CACHE_BREAKER_SECONDS = 5
    FailingCache.attempts = 0
    return FailingCache


def test_a_failure_skips_the_cache_until_the_interval_ends(failing_cache, clock):
    def get(cache):
        return cache.get("key")

    assert cache_call("default", get, "fallback") == "fallback"
    assert failing_cache.attempts == 1
    assert not cache_available("default")

    clock.value += 4.9
    assert cache_call("default", get, "fallback") == "fallback"
    assert failing_cache.attempts == 1

    clock.value += 0.1
    assert cache_available("default")
    assert cache_call("default", get, "fallback") == "fallback"
    assert failing_cache.attempts == 2


def test_an_invalidation_is_tried_even_while_the_cache_is_skipped(failing_cache):
    cache_call("default", lambda cache: cache.get("key"))
    cache_call("default", lambda cache: cache.delete("key"), always=True)
    assert failing_cache.attempts == 2


def test_failures_are_logged_once_per_interval_without_a_traceback(
    failing_cache, clock, caplog
):
    caplog.set_level(logging.WARNING, logger=cachebreaker.__name__)
    for _ in range(3):
        cache_call("default", lambda cache: cache.delete("key"), always=True)
        clock.value += 1
    assert len(caplog.records) == 1
    [record] = caplog.records
    assert record.exc_info is None
    assert "ConnectionError: Timeout reading from socket" in record.getMessage()

    clock.value += 5
    cache_call("default", lambda cache: cache.get("key"))
    assert len(caplog.records) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/exercises", "/api/exercises?page=1"])
def test_after_one_failure_api_reads_never_touch_the_cache(failing_cache, path):
    client = Client()
    assert client.get(path).status_code == 200
    attempts = failing_cache.attempts
    assert attempts == 2  # the counter's cache and the response cache, once each

    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json()["count"] == 0
    assert failing_cache.attempts == attempts


@pytest.mark.django_db
def test_without_counters_the_limiter_fails_open_by_default(failing_cache):
    response = Client().get("/api/exercises")
    assert response.status_code == 200
    assert "RateLimit-Limit" not in response.headers


@pytest.mark.django_db
def test_without_counters_a_closed_limiter_answers_503(failing_cache, settings):
    settings.API_RATE_FAIL_OPEN = False
    response = Client().get("/api/exercises")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert Client().get("/healthz").status_code == 200
