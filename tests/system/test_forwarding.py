"""Forwarding headers count only when the deployment says a proxy sets them.

README "Behind a proxy": gunicorn takes ``X-Forwarded-Proto`` only from the addresses
in ``FORWARDED_ALLOW_IPS`` (none by default), and the rate limiter reads
``X-Forwarded-For`` only with ``API_RATE_PROXY_COUNT`` above 0 (0 in .env.example).
"""

import http.client
import json
import types
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from hipext.http import ratelimit
from tests.servers import PROJECT_DIR, gunicorn, manage, server_env

PING = "/api/test-ping"


def env_example():
    """The variables .env.example ships, as a dict."""
    lines = (PROJECT_DIR / ".env.example").read_text().splitlines()
    pairs = (line.partition("=") for line in lines if line and line[0] != "#")
    return {name.strip(): value.strip() for name, _, value in pairs}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A migrated SQLite file for the server processes of this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('forwarding') / 'db.sqlite3'}"
    result = manage("migrate", "--no-input", "--verbosity", "0", env=server_env(url))
    assert result.returncode == 0, result.stdout + result.stderr
    return url


def api_root(port, headers):
    """Status, headers and the link values of the API root, asked from loopback."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api", headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200, body
    return response.headers, list(json.loads(body).values())


SCHEME_HEADERS = [
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Protocol": "ssl"},
]


@pytest.mark.slow
def test_forwarded_scheme_from_loopback_is_ignored_by_default(
    database_url, monkeypatch
):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with gunicorn(server_env(database_url)) as server:
        for headers in SCHEME_HEADERS:
            answer_headers, links = api_root(server.port, headers)

            assert all(link.startswith("http://127.0.0.1/") for link in links), (
                headers,
                links,
            )
            # Django would add HSTS to a request it believed was HTTPS.
            assert "Strict-Transport-Security" not in answer_headers


@pytest.mark.slow
def test_named_proxy_may_say_https_with_x_forwarded_proto_only(
    database_url, monkeypatch
):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    env = server_env(database_url, FORWARDED_ALLOW_IPS="127.0.0.1")
    with gunicorn(env) as server:
        _, by_proto = api_root(server.port, {"X-Forwarded-Proto": "https"})
        _, plain = api_root(server.port, {})
        _, by_ssl = api_root(server.port, {"X-Forwarded-Ssl": "on"})

    assert by_proto
    assert all(link.startswith("https://127.0.0.1/") for link in by_proto)
    assert all(link.startswith("http://127.0.0.1/") for link in plain + by_ssl)


def test_env_example_trusts_no_forwarded_for(settings, db, monkeypatch):
    """Copied as it is, the example leaves no way round the limit per address."""
    # Early in a window, so the 300 requests never straddle two.
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: 6e8 + 1))
    example = env_example()
    settings.ROOT_URLCONF = "tests.probe_urls"
    settings.API_RATE_ANON = example["API_RATE_ANON"]
    settings.API_RATE_PROXY_COUNT = int(example["API_RATE_PROXY_COUNT"])
    cache.clear()
    client = Client(REMOTE_ADDR="192.0.2.10")

    statuses = [
        client.get(
            PING, HTTP_X_FORWARDED_FOR=f"10.{n % 250}.0.{uuid.uuid4().int % 250}"
        ).status_code
        for n in range(300)
    ]

    limit = int(example["API_RATE_ANON"].partition("/")[0])
    assert statuses.count(200) == limit
    assert statuses.count(429) == 300 - limit
