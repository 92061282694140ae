"""Database outages: 503 problem details with Retry-After, fast, and recovery unrestarted."""

import json
import subprocess
import sys
import time

import pytest
from django.test import Client

from tests.conftest import skip_unless
from tests.servers import (
    PROJECT_DIR,
    ThrowawayPostgres,
    free_port,
    gunicorn,
    postgres_bindir,
    server_env,
)

# Paths that need the database: the API's own endpoints, and probe views for both
# routes an exception takes to handler500 (a plain Django view and a DRF view).
DATABASE_PATHS = [
    "/api/exercises",
    "/api/exercises/glute-bridges",
    "/api/muscles?page=1",
    "/api/probe/django",
    "/api/probe/drf",
]


def assert_unavailable(answer):
    assert answer.status == 503, answer.body[:500]
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert int(answer.headers["Retry-After"]) > 0
    problem = json.loads(answer.body)
    assert problem["status"] == 503
    assert problem["title"] == "Service Unavailable"
    assert answer.seconds < 2, f"answered in {answer.seconds:.2f} s"


@pytest.mark.urls("tests.probe_urls")
class TestServerErrorHandler:
    """In process: the handler500 that turns database errors into 503 problem details."""

    @pytest.fixture
    def client(self, db):
        # db: the caching middleware reads the content version before the view runs.
        return Client(raise_request_exception=False)

    @pytest.mark.parametrize("view", ["crash", "crash-drf"])
    @pytest.mark.parametrize("kind", ["operational", "interface"])
    def test_database_errors_answer_503_problem_with_retry_after(
        self, client, view, kind
    ):
        response = client.get(f"/api/probe/{view}/{kind}")
        assert response.status_code == 503
        assert response["Content-Type"] == "application/problem+json"
        assert response["Retry-After"] == "5"
        assert response["Cache-Control"] == "no-store"
        assert response.json()["instance"] == f"/api/probe/{view}/{kind}"

    @pytest.mark.parametrize("view", ["crash", "crash-drf"])
    def test_other_api_errors_answer_500_problem_without_a_traceback(
        self, client, view
    ):
        response = client.get(f"/api/probe/{view}/bug")
        assert response.status_code == 500
        assert response["Content-Type"] == "application/problem+json"
        body = response.content.decode()
        assert "Traceback" not in body
        assert "secret" not in body
        assert "ZeroDivisionError" not in body
        assert response.json()["title"] == "Internal Server Error"

    def test_errors_outside_the_api_keep_django_s_page(self, client):
        response = client.get("/elsewhere/crash/bug")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        assert "secret" not in response.content.decode()

    def test_healthz_answers_without_the_database(self, client):
        # No django_db mark: any query would fail the request.
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    @pytest.mark.django_db
    def test_readyz_answers_200_while_the_database_answers(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.slow
def test_server_with_postgresql_unreachable_answers_503_fast_and_stays_alive():
    closed_port = free_port()
    env = server_env(f"postgres://postgres@127.0.0.1:{closed_port}/hipext")
    with gunicorn(env) as server:
        for path in [*DATABASE_PATHS, "/readyz"]:
            assert_unavailable(server.get(path))
        health = server.get("/healthz")
        assert health.status == 200
        assert json.loads(health.body) == {"status": "ok"}


BINDIR = postgres_bindir()


@pytest.mark.slow
def test_server_recovers_without_restart_when_postgresql_returns():
    skip_unless(
        BINDIR is not None, "PostgreSQL server binaries (initdb, pg_ctl) are absent"
    )
    started = time.monotonic()
    cluster = ThrowawayPostgres(BINDIR)
    try:
        cluster.initdb()
        cluster.start()
        for command in (["migrate", "--no-input"], ["seed"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=PROJECT_DIR,
                env=server_env(cluster.url),
                check=True,
                capture_output=True,
                timeout=60,
            )
        # Without the response cache, so that every request reaches the database: with
        # it, responses cached before the outage would (rightly) still be served.
        env = server_env(cluster.url, API_RESPONSE_CACHE_TIMEOUT="0")
        with gunicorn(env) as server:
            for path in [*DATABASE_PATHS, "/readyz"]:
                answer = server.get(path)
                assert answer.status == 200, (path, answer.body[:500])

            cluster.stop()
            for path in [*DATABASE_PATHS, "/readyz"]:
                assert_unavailable(server.get(path))
            assert server.get("/healthz").status == 200

            cluster.start()
            for path in [*DATABASE_PATHS, "/readyz"]:
                answer = server.get(path)
                assert answer.status == 200, answer.body[:500]
            assert json.loads(server.get("/api/probe/drf").body) == {"count": 8}
    finally:
        cluster.destroy()
    assert time.monotonic() - started < 60
