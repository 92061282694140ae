"""Production serving: gunicorn with debug off, WhiteNoise, Redis shared by workers."""

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests import servers
from tests.conftest import require_redis

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/3"


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
    return servers.server_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        settings="hipext.settings",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL=REDIS_URL,
        GUNICORN_ACCESS_LOG="",
    )


def run_python(env, code):
    """Run ``code`` in a fresh process with the production environment."""
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=servers.PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def gunicorn(production_env):
    env = production_env
    # What `make serve` does before starting gunicorn (plus the seed), in one process.
    run_python(
        env,
        "from django.core.cache import cache; "
        "from django.core.management import call_command as run; "
        "run('migrate', verbosity=0); run('seed', verbosity=0); "
        "run('collectstatic', interactive=False, verbosity=0); cache.clear()",
    )
    with servers.gunicorn(env, workers=2) as server:
        yield env, server.base


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


def test_a_change_reaches_every_worker_within_a_second(gunicorn):
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
    # README "HTTP caching": each worker rereads its copy of the content state within
    # API_CONTENT_VERSION_TIMEOUT (1 s) of the commit; a 304 asks nobody before that.
    time.sleep(1.05)

    for _ in range(6):
        status, headers, body = fetch(url, {"If-None-Match": etag})
        assert status == 200
        assert headers["ETag"] != etag
        assert b"Changed elsewhere" in body
