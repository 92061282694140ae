"""Rate limits hold across gunicorn workers that share Redis."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.conftest import require_redis
from tests.servers import gunicorn, manage, server_env

REDIS_URL = "redis://127.0.0.1:6379/4"
LIMIT = 10
REQUESTS = 24
BATCHED_LIMIT = 300
PERIOD = 60

pytestmark = pytest.mark.slow


def fetch(url):
    """Status, headers and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def server(tmp_path):
    """gunicorn with two workers on a free loopback port, limited to 10/minute."""
    yield from serving(tmp_path, LIMIT)


@pytest.fixture
def batched_server(tmp_path):
    """The same, limited to 300/minute: workers reserve requests in batches."""
    yield from serving(tmp_path, BATCHED_LIMIT)


def serving(tmp_path, limit):
    require_redis()
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = server_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=REDIS_URL,
        API_RATE_ANON=f"{limit}/minute",
        # Every 200 must come from a worker (its pid in the body), not the cache.
        API_RESPONSE_CACHE_TIMEOUT="0",
    )
    # The API's middleware may read the database (content version, keys): give the
    # server a migrated one of its own.
    result = manage("migrate", "--no-input", "--verbosity", "0", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    try:
        with gunicorn(env, workers=2) as running:
            yield running.base
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()


def window_start_awaited():
    """The windows are aligned to the clock: start well inside one."""
    left = PERIOD - time.time() % PERIOD
    if left < 10:
        time.sleep(left + 0.2)


def next_window_awaited():
    """Sleep into the next window: a fresh count."""
    time.sleep(PERIOD - time.time() % PERIOD + 0.2)


def test_limit_holds_across_two_workers_sharing_redis(server):
    window_start_awaited()
    # Which worker accepts a connection is the kernel's choice: on a busy machine one
    # may take a whole burst. The burst is tried again, in a fresh window, until both
    # served some (the limit is checked on every try).
    for _ in range(3):
        started = time.monotonic()
        # Concurrent, slightly slow requests so that both workers serve some.
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(
                pool.map(fetch, [f"{server}/api/test-ping?sleep=0.05"] * REQUESTS)
            )

        assert time.monotonic() - started < 15
        statuses = [status for status, _, _ in results]
        assert statuses.count(200) == LIMIT
        assert statuses.count(429) == REQUESTS - LIMIT
        for status, headers, body in results:
            assert headers["RateLimit-Limit"] == str(LIMIT)
            if status == 429:
                assert 1 <= int(headers["Retry-After"]) <= PERIOD
                assert headers["Content-Type"] == "application/problem+json"
                assert json.loads(body)["status"] == 429
        pids = {json.loads(body)["pid"] for status, _, body in results if status == 200}
        if len(pids) == 2:
            break
        next_window_awaited()
    assert len(pids) == 2, "both workers should have served requests"


def test_batched_reservations_never_exceed_the_limit_across_workers(batched_server):
    """Past the first requests, each worker reserves up to an eighth of what is left."""
    window_start_awaited()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(fetch, [f"{batched_server}/api/test-ping"] * (BATCHED_LIMIT + 100))
        )

    statuses = [status for status, _, _ in results]
    assert set(statuses) == {200, 429}
    served = statuses.count(200)
    assert served <= BATCHED_LIMIT
    pids = {json.loads(body)["pid"] for status, _, body in results if status == 200}
    assert len(pids) == 2, "both workers should have served requests"
    counter = redis.Redis.from_url(REDIS_URL)
    (key,) = counter.keys("*ratelimit:ip:*")
    # The shared counter holds reservations: every request served was reserved.
    assert int(counter.get(key)) >= BATCHED_LIMIT
    assert all(h["RateLimit-Limit"] == str(BATCHED_LIMIT) for _, h, _ in results)
