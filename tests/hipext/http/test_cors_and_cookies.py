"""Anonymous API reads carry no cookie; CORS opens the API, and only the API."""

import pytest
from django.conf import settings

from tests.factories import full_exercise

pytestmark = [pytest.mark.urls("tests.hipext.http.standin_urls"), pytest.mark.django_db]

ORIGIN = "https://app.example.com"


@pytest.fixture
def exercise(db):
    return full_exercise()


def vary(response):
    return [h.strip().lower() for h in response.get("Vary", "").split(",")]


def test_anonymous_api_read_sets_no_cookie_and_no_vary_cookie(client, exercise):
    for response in (client.get("/api/exercises"), client.get("/api/exercises")):
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert "cookie" not in vary(response)


def test_api_read_drops_cookies_even_when_a_view_touches_the_session(client):
    response = client.get("/api/session")

    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in vary(response)


def test_outside_the_api_the_session_still_works(client, db):
    """The stand-in view does set cookies where caching does not apply."""
    response = client.get("/elsewhere/session")

    assert "sessionid" in response.cookies
    assert "cookie" in vary(response)


def test_api_read_with_a_session_cookie_still_sets_none(admin_client, exercise):
    response = admin_client.get("/api/exercises")

    assert not response.cookies
    assert "cookie" not in vary(response)


def test_304_sets_no_cookie(client, exercise):
    etag = client.get("/api/exercises")["ETag"]

    response = client.get("/api/exercises", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert not response.cookies
    assert "cookie" not in vary(response)


def test_any_origin_may_read_the_api_without_credentials(client, exercise):
    response = client.get("/api/exercises", headers={"Origin": ORIGIN})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {
        "ETag",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Retry-After",
    } <= exposed


def test_cors_answer_is_the_same_for_every_origin_so_caches_keep_one_copy(
    client, exercise
):
    """``*`` whoever asks, even without an Origin, and no ``Vary: Origin``."""
    answers = [
        client.get("/api/exercises", headers=headers)
        for headers in ({"Origin": ORIGIN}, {"Origin": "https://other.example"}, {})
    ]

    for response in answers:
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "origin" not in vary(response)
        assert "accept" in vary(response)


def test_a_configuration_that_depends_on_the_origin_keeps_vary_origin(
    client, exercise, settings
):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    allowed = client.get("/api/exercises", headers={"Origin": ORIGIN})
    other = client.get("/api/exercises", headers={"Origin": "https://other.example"})

    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in other
    assert "origin" in vary(allowed)
    assert "origin" in vary(other)


def test_cached_and_not_modified_responses_carry_cors_too(client, exercise):
    etag = client.get("/api/exercises")["ETag"]

    cached = client.get("/api/exercises", headers={"Origin": ORIGIN})
    not_modified = client.get(
        "/api/exercises", headers={"Origin": ORIGIN, "If-None-Match": etag}
    )

    assert cached["Access-Control-Allow-Origin"] == "*"
    assert not_modified.status_code == 304
    assert not_modified["Access-Control-Allow-Origin"] == "*"


def test_preflight_allows_reads_and_conditional_headers(client, db):
    response = client.options(
        "/api/exercises",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match, x-api-key",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    methods = response["Access-Control-Allow-Methods"]
    assert "GET" in methods
    assert "POST" not in methods
    allowed = response["Access-Control-Allow-Headers"]
    assert "if-none-match" in allowed
    assert "x-api-key" in allowed


def test_admin_sends_no_cors_headers(client, db):
    for response in (
        client.get("/admin/login/", headers={"Origin": ORIGIN}),
        client.options(
            "/admin/login/",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        ),
    ):
        assert not [
            h for h in response.headers if h.lower().startswith("access-control")
        ]


def test_middleware_order_lets_cors_wrap_everything_and_the_cache_skip_sessions():
    order = settings.MIDDLEWARE
    caching = order.index("hipext.http.caching.ApiCachingMiddleware")

    assert order[0] == "hipext.http.cors.CorsMiddleware"
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < caching
    # Compression wraps what sets validators; the CDN headers wrap the cache's 304s.
    assert (
        order.index("whitenoise.middleware.WhiteNoiseMiddleware")
        < order.index("hipext.http.compression.CompressionMiddleware")
        < order.index("hipext.http.ratelimit.RateLimitMiddleware")
        < order.index("hipext.http.cdn.CdnHeadersMiddleware")
        < caching
    )
    for inner in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ):
        assert caching < order.index(inner)
