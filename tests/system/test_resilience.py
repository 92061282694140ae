"""Resilience against real servers: slow clients, hung or refused Redis, hung PostgreSQL.

Each bound asserted here is a promise of README "Reliability".
"""

import time

import pytest

from tests.conftest import skip_unless
from tests.servers import free_port, gunicorn, server_env
from tests.system.faults import (
    HungServer,
    SlowClients,
    ThrowawayRedis,
    probe,
    redis_server_binary,
)

pytestmark = pytest.mark.slow

# README "Reliability": other clients are answered within a second while 50 slow
# connections dribble a request.
SLOW_CONNECTIONS = 50
ANSWER_SECONDS = 1.0


@pytest.mark.parametrize("kind", ["headers", "body"])
def test_slow_clients_never_delay_other_clients(database_url, kind):
    env = server_env(database_url, GUNICORN_ACCESS_LOG="")
    with (
        gunicorn(env, workers=1) as server,
        SlowClients(server.port, count=SLOW_CONNECTIONS, kind=kind, interval=1.0),
    ):
        answers = probe(server, ["/healthz", "/api/exercises"], seconds=6)

    failed = [
        (path, status, round(seconds, 2))
        for path, status, seconds in answers
        if status != 200 or seconds >= ANSWER_SECONDS
    ]
    assert not failed, f"{len(failed)} of {len(answers)} probes failed: {failed[:4]}"
    assert len(answers) >= 10


# --- Redis hung, paused or refusing ---------------------------------------------------
# README "Reliability": while Redis hangs, every request is answered within a second,
# and once a process has seen Redis fail it skips Redis for CACHE_BREAKER_SECONDS,
# serving every later request at database speed (asserted: within half a second).
AFTER_FAILURE_SECONDS = 0.5
API_PATHS = ["/api/exercises", "/api/exercises/glute-bridges", "/healthz"]


def redis_server_env(database_url, redis_url, **extra):
    return server_env(
        database_url, REDIS_URL=redis_url, GUNICORN_ACCESS_LOG="", **extra
    )


def assert_served_without_redis(server, requests=12):
    timings = []
    for number in range(requests):
        answer = server.get(API_PATHS[number % len(API_PATHS)], timeout=10)
        assert answer.status == 200, answer.body[:300]
        timings.append(round(answer.seconds, 3))
    assert timings[0] < ANSWER_SECONDS, timings
    assert max(timings[1:]) < AFTER_FAILURE_SECONDS, timings


def test_a_hung_redis_costs_one_short_wait_per_process(database_url):
    with (
        HungServer() as hung,
        gunicorn(redis_server_env(database_url, hung.url)) as server,
    ):
        assert_served_without_redis(server)


def test_a_paused_redis_is_skipped_and_used_again_once_it_resumes(database_url):
    skip_unless(redis_server_binary(), "redis-server is not installed")
    with ThrowawayRedis() as redis:
        env = redis_server_env(database_url, redis.url(), CACHE_BREAKER_SECONDS="1")
        with gunicorn(env) as server:
            for path in API_PATHS:
                assert server.get(path).status == 200
            stored = redis.client().dbsize()
            assert stored > 0

            redis.pause()
            try:
                assert_served_without_redis(server)
            finally:
                redis.resume()
            time.sleep(1.5)
            answer = server.get("/api/exercises?page_size=5")
            assert answer.status == 200
            assert redis.client().dbsize() > stored


def test_a_refused_redis_is_logged_once_not_per_request(database_url):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with gunicorn(redis_server_env(database_url, closed)) as server:
        before = len(server.output())
        for number in range(30):
            assert server.get(API_PATHS[number % 2]).status == 200
        logged = server.output()[before:]
    # One line per cache (responses, rate limits) per CACHE_BREAKER_SECONDS.
    assert len(logged) < 2000, f"{len(logged)} bytes: {logged[:600]}"
    assert "Traceback" not in logged
