import types

import pytest
from django.core.cache import caches
from django.http import HttpResponseNotModified
from django.test import Client
from django_redis import get_redis_connection

from hipext.api.problems import PROBLEM_CONTENT_TYPE
from hipext.http import ratelimit
from hipext.http.ratelimit import Rate, counter_hit, rate_parse
from tests.conftest import require_redis

PING = "/api/test-ping"
# Ten seconds into a one-minute window, so a test's requests never straddle two.
WINDOW_START = 1_800_000_000.0
CLOCK = WINDOW_START + 10


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the rate limiter."""
    now = types.SimpleNamespace(value=CLOCK)
    monkeypatch.setattr(
        ratelimit, "time", types.SimpleNamespace(time=lambda: now.value)
    )
    return now


@pytest.fixture
def limited(rate_limits, clock):
    """Three anonymous requests a minute, counted from a clean cache."""
    return rate_limits("3/minute", "10/minute")


class ShortCircuitMiddleware:
    """Stands in for the response cache: answers 304 without reaching a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return HttpResponseNotModified()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120/minute", Rate(120, 60)),
        ("120/min", Rate(120, 60)),
        ("5/s", Rate(5, 1)),
        ("1000/hour", Rate(1000, 3600)),
        ("10/day", Rate(10, 86400)),
        ("7/30s", Rate(7, 30)),
    ],
)
def test_rate_parse_reads_count_and_period(text, expected):
    assert rate_parse(text) == expected


@pytest.mark.parametrize("text", ["", "120", "ten/minute", "5/fortnight", "5/0s"])
def test_rate_parse_rejects_nonsense(text):
    with pytest.raises(ValueError, match="Invalid rate"):
        rate_parse(text)


def test_anonymous_client_gets_limit_then_429_with_retry_after(limited, client):
    responses = [client.get(PING) for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    for response in responses:
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Reset"] == "50"
        assert response.headers["RateLimit-Policy"] == "3;w=60"
    limited_response = responses[-1]
    assert limited_response.headers["Retry-After"] == "50"
    assert limited_response.headers["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert limited_response.headers["Cache-Control"] == "no-store"
    body = limited_response.json()
    assert body["status"] == 429
    assert body["title"] == "Too Many Requests"
    assert "retry in 50 s" in body["detail"]
    assert "Retry-After" not in responses[0].headers


def test_limit_applies_to_error_responses_and_embed_paths(limited, client, db):
    responses = [
        client.get("/api/oembed"),  # 400
        client.get("/embed/exercises/no-such-exercise"),  # 404
        client.get("/api/no-such-endpoint"),  # 404 from the URL resolver
    ]

    assert [r.status_code for r in responses] == [400, 404, 404]
    assert [r.headers["RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
    assert client.get(PING).status_code == 429


def test_window_resets_at_the_next_window(limited, client, clock):
    for _ in range(3):
        client.get(PING)
    assert client.get(PING).status_code == 429

    clock.value = WINDOW_START + 60

    response = client.get(PING)
    assert response.status_code == 200
    assert response.headers["RateLimit-Remaining"] == "2"
    assert response.headers["RateLimit-Reset"] == "60"


def test_each_address_has_its_own_budget(limited):
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    for _ in range(3):
        first.get(PING)

    assert first.get(PING).status_code == 429
    assert second.get(PING).status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(limited, client):
    for n in range(3):
        client.get(PING, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    # Without a trusted proxy, a client cannot dodge its limit by inventing addresses.
    assert client.get(PING, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_trusted_proxy_count_takes_the_address_the_proxy_saw(limited, client):
    limited.API_RATE_PROXY_COUNT = 1
    for n in range(3):
        # The proxy appends the address it saw; what the client sent is to its left.
        client.get(PING, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")

    assert client.get(PING, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get(PING, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_ipv6_clients_are_counted_per_64_block(limited):
    for n in range(3):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1}").get(PING)

    assert Client(REMOTE_ADDR="2001:db8:1:2::99").get(PING).status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").get(PING).status_code == 200


def test_ipv4_clients_behind_an_ipv6_socket_each_have_their_own_budget(limited):
    """Bound to ``[::]``, the server sees IPv4 clients as ``::ffff:a.b.c.d``."""
    first = Client(REMOTE_ADDR="::ffff:192.0.2.1")
    for _ in range(3):
        first.get(PING)

    assert first.get(PING).status_code == 429
    assert Client(REMOTE_ADDR="::ffff:192.0.2.2").get(PING).status_code == 200
    # The same client over IPv4 and mapped into IPv6 is one client.
    assert Client(REMOTE_ADDR="192.0.2.1").get(PING).status_code == 429


def test_ipv4_mapped_forwarded_address_is_unwrapped(limited):
    limited.API_RATE_PROXY_COUNT = 1

    request = types.SimpleNamespace(
        META={"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "::ffff:198.51.100.7"}
    )

    assert ratelimit.client_ip(request) == "198.51.100.7"


def test_paths_outside_the_api_are_not_counted(limited, client, db):
    for _ in range(5):
        response = client.get("/admin/login/")
        assert response.status_code == 200
        assert "RateLimit-Limit" not in response.headers

    assert client.get(PING).headers["RateLimit-Remaining"] == "2"


def test_responses_answered_before_the_view_are_counted(limited, client):
    """The response cache and conditional GETs sit after the limiter."""
    limited.MIDDLEWARE = [
        *limited.MIDDLEWARE,
        "tests.hipext.http.test_ratelimit.ShortCircuitMiddleware",
    ]
    responses = [client.get(PING) for _ in range(4)]

    assert [r.status_code for r in responses] == [304, 304, 304, 429]
    assert responses[0].headers["RateLimit-Remaining"] == "2"


def test_requests_pass_uncounted_when_the_cache_is_down(limited, client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(ratelimit, "counter_hit", broken)

    response = client.get(PING)
    assert response.status_code == 200
    assert "RateLimit-Limit" not in response.headers


# A Redis cache beside the default one, on the test database number.
REDIS = "ratelimit-redis"


@pytest.fixture
def redis_cache(settings):
    """A Redis cache on the test database number, emptied before and after."""
    require_redis()
    settings.CACHES = {
        **settings.CACHES,
        REDIS: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/4",
            "KEY_PREFIX": "hipext-test",
        },
    }
    redis = caches[REDIS]
    redis.clear()
    yield redis
    redis.clear()


def test_redis_counter_counts_in_one_shared_key_that_expires(redis_cache):
    counts = [counter_hit(REDIS, "ip:192.0.2.1", 60, CLOCK)[0] for _ in range(3)]

    assert counts == [1, 2, 3]
    window = int(CLOCK // 60)
    assert redis_cache.get(f"ratelimit:ip:192.0.2.1:{window}") == 3
    client = get_redis_connection(REDIS)
    full_key = redis_cache.make_and_validate_key(f"ratelimit:ip:192.0.2.1:{window}")
    assert 60 < client.ttl(full_key) <= 65


def test_locmem_counter_counts_per_window():
    assert counter_hit("default", "ip:test-window", 60, CLOCK) == (1, 50)
    assert counter_hit("default", "ip:test-window", 60, CLOCK + 1) == (2, 49)
    assert counter_hit("default", "ip:test-window", 60, WINDOW_START + 60) == (1, 60)


@pytest.mark.parametrize(
    "path", ["/api", "/api/exercises", "/api/exercises/", "/api/schema"]
)
def test_every_api_route_is_counted(limited, client, db, path):
    limited.ROOT_URLCONF = "hipext.urls"

    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["RateLimit-Remaining"] == "2"


def test_redis_counter_adds_a_batch_in_one_step(redis_cache):
    assert counter_hit(REDIS, "ip:192.0.2.9", 60, CLOCK, 5)[0] == 5
    assert counter_hit(REDIS, "ip:192.0.2.9", 60, CLOCK, 3)[0] == 8


def test_the_middleware_counts_in_batches_and_headers_count_down_one_by_one(
    rate_limits, clock, client, monkeypatch
):
    rate_limits("100/minute", "1000/minute")
    trips = []

    def counting_hit(*args, **kwargs):
        trips.append(args)
        return counter_hit(*args, **kwargs)

    monkeypatch.setattr(ratelimit, "counter_hit", counting_hit)

    responses = [client.get(PING) for _ in range(110)]

    assert [r.status_code for r in responses] == [200] * 100 + [429] * 10
    assert [r.headers["RateLimit-Remaining"] for r in responses[:100]] == [
        str(n) for n in range(99, -1, -1)
    ]
    assert all(r.headers["Retry-After"] == "50" for r in responses[100:])
    # 1, then an eighth of what is left (12, 10, 9, ...), one by one for the last 15;
    # the refused requests cost none.
    assert len(trips) == 32
