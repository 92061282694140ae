"""Rate limits hold across gunicorn workers that share Redis."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/4"
LIMIT = 10
REQUESTS = 24
PERIOD = 60

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, deadline):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


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
    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.gunicorn_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "gunicorn-test-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "API_RATE_ANON": f"{LIMIT}/minute",
    }
    root = Path(__file__).resolve().parent.parent
    # The API's middleware may read the database (content version, keys): give the
    # server a migrated one of its own.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=root,
        env=env,
        check=True,
        timeout=60,
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--timeout=20",
            "hipext.wsgi:application",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_for_port(port, process, time.monotonic() + 15):
            log.flush()
            pytest.fail(
                "gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()
            )
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        redis.Redis.from_url(REDIS_URL).flushdb()


def test_limit_holds_across_two_workers_sharing_redis(server):
    # The windows are aligned to the clock: start well inside one.
    left = PERIOD - time.time() % PERIOD
    if left < 10:
        time.sleep(left + 0.2)
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
    pids = {json.loads(body)["pid"] for status, _, body in results if status == 200}
    assert len(pids) == 2, "both workers should have served requests"
    for status, headers, body in results:
        assert headers["RateLimit-Limit"] == str(LIMIT)
        if status == 429:
            assert 1 <= int(headers["Retry-After"]) <= PERIOD
            assert headers["Content-Type"] == "application/problem+json"
            assert json.loads(body)["status"] == 429
