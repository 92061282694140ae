"""Production serving: gunicorn with debug off, WhiteNoise, Redis shared by workers."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_redis

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/3"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    require_redis()
    tmp_path = tmp_path_factory.mktemp("serving")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hipext.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "serving-test-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "REDIS_URL": REDIS_URL,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        # Plain HTTP on loopback: no redirect to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return env, f"http://127.0.0.1:{port}"


def run_python(env, code):
    """Run ``code`` in a fresh process with the production environment."""
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def gunicorn(production_env):
    env, base = production_env
    # What `make serve` does before starting gunicorn (plus the seed), in one process.
    run_python(
        env,
        "from django.core.cache import cache; "
        "from django.core.management import call_command as run; "
        "run('migrate', verbosity=0); run('seed', verbosity=0); "
        "run('collectstatic', interactive=False, verbosity=0); cache.clear()",
    )
    server = subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                fetch(base + "/admin/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()) from None
                time.sleep(0.2)
        yield env, base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_production_settings_serve_the_admin_api_and_static_files(gunicorn):
    _, base = gunicorn

    status, headers, _ = fetch(base + "/admin/login/")
    assert status == 200
    assert not [h for h in headers if h.lower().startswith("access-control")]

    status, headers, _ = fetch(base + "/static/admin/css/base.css")
    assert status == 200, "WhiteNoise serves the collected admin files"
    assert "max-age" in headers["Cache-Control"]

    status, headers, body = fetch(
        base + "/api/exercises?equipment=none", {"Origin": "https://app.example"}
    )
    assert status == 200
    assert b"glute-bridges" in body
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in headers
    assert "cookie" not in headers.get("Vary", "").lower()

    head = urllib.request.Request(base + "/api/exercises?equipment=none", method="HEAD")
    with urllib.request.urlopen(head, timeout=5) as response:
        assert response.status == 200
        assert response.headers["ETag"] == headers["ETag"]
        assert response.headers["Content-Length"] == str(len(body))
        assert response.read() == b""


def test_a_change_reaches_every_worker_at_once(gunicorn):
    env, base = gunicorn
    url = base + "/api/exercises/glute-bridges"
    _, headers, _ = fetch(url)
    etag = headers["ETag"]
    # Several requests, so that both workers have it cached.
    for _ in range(6):
        assert fetch(url, {"If-None-Match": etag})[0] == 304

    run_python(
        env,
        "from exercises.models import Exercise; "
        "e = Exercise.objects.get(slug='glute-bridges'); "
        "e.name = 'Changed elsewhere'; e.save()",
    )

    for _ in range(6):
        status, headers, body = fetch(url, {"If-None-Match": etag})
        assert status == 200
        assert headers["ETag"] != etag
        assert b"Changed elsewhere" in body
