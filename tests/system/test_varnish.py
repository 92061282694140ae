"""A real edge cache in front of the API: Debian's Varnish with deploy/varnish/hipext.vcl.

gunicorn serves a seeded database; varnishd, on ports and in a working directory of
its own, runs the committed VCL with the backend's port replaced. The tests show
what README "CDN" promises: repeated reads are hits, shared by keyed and anonymous
clients, each seeing its own rate-limit headers or none; the compressed copy keeps
its validators at the edge and at the origin; an edit reaches the edge within
s-maxage (at once after a BAN by surrogate key); an outage is served stale within
stale-if-error, and no longer.
"""

import contextlib
import gzip
import json
import time

import pytest

from tests.conftest import skip_unless
from tests.servers import PROJECT_DIR, gunicorn, manage, server_env, varnish
from tests.servers import varnishd_binary as find_varnishd

pytestmark = pytest.mark.slow

VCL = PROJECT_DIR / "deploy" / "varnish" / "hipext.vcl"
LIST = "/api/exercises?page_size=20"
DETAIL = "/api/exercises/glute-bridges"
GZIP = {"Accept-Encoding": "gzip"}
ANON_POLICY = "1000;w=60"
KEY_POLICY = "5000;w=60"
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
ISSUE_KEY = (
    "from rest_framework_api_key.models import APIKey; "
    "print(APIKey.objects.create_key(name='edge')[1])"
)


def rename(env, name):
    """Rename the glute-bridges exercise in a process of its own, as an editor would."""
    done = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from exercises.models import Exercise; "
        "e = Exercise.objects.get(slug='glute-bridges'); "
        f"e.name = {name!r}; e.save()",
        env=env,
    )
    assert done.returncode == 0, done.stderr


def body(answer):
    """The answer's body, decoded if the edge or the origin gzipped it."""
    if answer.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(answer.body)
    return answer.body


@pytest.fixture
def edge(database_url):
    """A factory: gunicorn with the cache settings given, Varnish in front of it."""
    skip_unless(find_varnishd() is not None, "varnishd is not installed (varnish)")
    with contextlib.ExitStack() as stack:

        def start(*, s_maxage, swr, sie):
            env = server_env(
                database_url,
                API_CACHE_MAX_AGE="1",
                API_CACHE_S_MAXAGE=str(s_maxage),
                API_CACHE_STALE_WHILE_REVALIDATE=str(swr),
                API_CACHE_STALE_IF_ERROR=str(sie),
                # Behind the edge: count clients by the address it forwards.
                API_RATE_PROXY_COUNT="1",
                API_RATE_ANON="1000/minute",
                API_RATE_KEY="5000/minute",
                # No shared cache here: each process rereads the version each second.
                API_CONTENT_VERSION_TIMEOUT="1",
            )
            origin = stack.enter_context(gunicorn(env))
            return env, origin, stack.enter_context(varnish(VCL, origin.port))

        yield start


def lookups(proxy, expected):
    """Hits and misses once ``expected`` lookups are counted (workers add theirs to
    the totals a moment after they answer)."""
    deadline = time.monotonic() + 5
    while True:
        stats = proxy.stats()
        hits, misses = stats["MAIN.cache_hit"], stats["MAIN.cache_miss"]
        if hits + misses >= expected or time.monotonic() > deadline:
            return hits, misses
        time.sleep(0.1)


def test_keyed_and_anonymous_clients_share_one_copy_with_their_own_limits(edge):
    env, _origin, proxy = edge(s_maxage=60, swr=30, sie=600)
    key = manage("shell", "-v", "0", "-c", ISSUE_KEY, env=env).stdout.strip()
    keyed = {**GZIP, "X-Api-Key": key}

    first = proxy.get(LIST, keyed)
    assert first.status == 200
    assert first.headers["X-Cache"] == "MISS"
    # The client whose request reached the origin sees its own limit.
    assert first.headers["RateLimit-Policy"] == KEY_POLICY
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["ETag"].startswith('W/"')
    assert "Surrogate-Key" not in first.headers

    answers = [proxy.get(LIST, client) for client in (GZIP, keyed) * 4]

    for answer in answers:
        assert answer.headers["X-Cache"] == "HIT"
        assert answer.body == first.body
        assert answer.headers["ETag"] == first.headers["ETag"]
        # Served from the cache: counted by no limiter, so no limit is named.
        for name in (*RATE_HEADERS, "RateLimit-Policy"):
            assert name not in answer.headers
    # And the other way round: anonymous first, then a keyed hit without headers.
    anonymous = proxy.get(DETAIL, GZIP)
    assert anonymous.headers["X-Cache"] == "MISS"
    assert anonymous.headers["RateLimit-Policy"] == ANON_POLICY
    keyed_hit = proxy.get(DETAIL, keyed)
    assert keyed_hit.headers["X-Cache"] == "HIT"
    assert "RateLimit-Policy" not in keyed_hit.headers
    # A client without gzip gets the same copy, decompressed by the edge.
    plain = proxy.get(LIST)
    assert plain.headers["X-Cache"] == "HIT"
    assert "Content-Encoding" not in plain.headers
    assert plain.body == gzip.decompress(first.body)
    # A conditional read with the compressed copy's weak ETag: 304 from the edge.
    revalidated = proxy.get(LIST, {**keyed, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status == 304

    hits, misses = lookups(proxy, 13)
    print(f"\nVarnish: {hits} hits, {misses} misses, hit ratio {hits / 13:.3f}")
    assert (hits, misses) == (11, 2)
    # Only the misses reached the origin.
    assert proxy.stats()["MAIN.backend_req"] == 2


def test_the_compressed_copy_revalidates_at_the_origin_and_the_edge(edge):
    _env, origin, proxy = edge(s_maxage=2, swr=1, sie=600)

    identity = origin.get(LIST)
    brotli_answer = origin.get(LIST, {"Accept-Encoding": "br"})
    gzip_answer = origin.get(LIST, GZIP)
    assert brotli_answer.headers["Content-Encoding"] == "br"
    assert gzip.decompress(gzip_answer.body) == identity.body
    print(
        f"\n{LIST}: {len(identity.body)} bytes, gzip {len(gzip_answer.body)} "
        f"({len(identity.body) / len(gzip_answer.body):.1f}:1), brotli "
        f"{len(brotli_answer.body)} ({len(identity.body) / len(brotli_answer.body):.1f}:1)"
    )
    weak = gzip_answer.headers["ETag"]
    assert weak == "W/" + identity.headers["ETag"]
    assert "accept-encoding" in gzip_answer.headers["Vary"].lower()
    assert origin.get(LIST, {**GZIP, "If-None-Match": weak}).status == 304

    stored = proxy.get(LIST, GZIP)
    assert stored.headers["X-Cache"] == "MISS"
    # Past s-maxage and stale-while-revalidate the edge asks the origin with the
    # stored gzip copy's weak ETag, and the origin's 304 keeps that copy.
    time.sleep(2 + 1 + 0.5)
    refreshed = proxy.get(LIST, GZIP)
    assert refreshed.status == 200
    assert refreshed.body == stored.body
    assert proxy.stats()["MAIN.fetch_304"] == 1


def test_an_edit_reaches_the_edge_within_s_maxage_and_at_once_after_a_ban(edge):
    s_maxage, swr = 6, 1
    env, _origin, proxy = edge(s_maxage=s_maxage, swr=swr, sie=600)
    fetched = time.monotonic()
    assert b"Changed at the origin" not in body(proxy.get(DETAIL))

    rename(env, "Changed at the origin")
    # The edge keeps its copy while it is fresh ...
    kept = proxy.get(DETAIL)
    if time.monotonic() - fetched < s_maxage - 0.5:
        assert kept.headers["X-Cache"] == "HIT"
        assert b"Changed at the origin" not in body(kept)
    # ... and serves the edit once it is not: s-maxage, then at most one stale
    # answer within stale-while-revalidate while it refetches.
    while b"Changed at the origin" not in body(proxy.get(DETAIL)):
        assert time.monotonic() - fetched < s_maxage + swr + 3, "edit never arrived"
        time.sleep(0.2)
    seen_after = time.monotonic() - fetched
    print(f"\nedit seen at the edge {seen_after:.1f} s after its copy was fetched")
    assert seen_after >= s_maxage - 0.5

    # A BAN by surrogate key drops the copy at once.
    rename(env, "Changed and purged")
    time.sleep(1.1)  # the origin's own copy of the content version: 1 s
    assert proxy.request("BAN", "/", {"Surrogate-Key": "content"}).status == 200
    purged = proxy.get(DETAIL)
    assert purged.headers["X-Cache"] == "MISS"
    assert b"Changed and purged" in body(purged)
    # A key naming other content leaves copies alone; a malformed one is refused.
    assert proxy.request("BAN", "/", {"Surrogate-Key": "routines"}).status == 200
    assert proxy.get(DETAIL).headers["X-Cache"] == "HIT"
    assert proxy.request("BAN", "/", {"Surrogate-Key": "a|b"}).status == 400


def test_an_outage_is_served_stale_within_stale_if_error_and_no_longer(edge):
    s_maxage, swr, sie = 2, 1, 6
    _env, origin, proxy = edge(s_maxage=s_maxage, swr=swr, sie=sie)
    fresh = proxy.get(DETAIL, GZIP)
    fetched = time.monotonic()
    assert fresh.headers["X-Cache"] == "MISS"

    origin.process.terminate()
    origin.process.wait(timeout=30)
    assert origin.process.returncode is not None

    # Past s-maxage and stale-while-revalidate: the origin is down, the copy serves.
    time.sleep(max(0.0, fetched + s_maxage + swr + 0.5 - time.monotonic()))
    stale = proxy.get(DETAIL, GZIP)
    assert stale.status == 200
    assert stale.body == fresh.body
    assert int(stale.headers["Age"]) >= s_maxage
    # Nothing else is: a read the edge never kept fails.
    assert proxy.get("/api/muscles", GZIP).status == 503

    # Past s-maxage + stale-if-error the copy is gone too.
    time.sleep(max(0.0, fetched + s_maxage + sie + 1 - time.monotonic()))
    assert proxy.get(DETAIL, GZIP).status == 503


def test_each_language_keeps_a_copy_of_its_own_at_the_edge(edge):
    _env, _origin, proxy = edge(s_maxage=60, swr=30, sie=600)
    english = proxy.get(DETAIL, {"Accept-Language": "en"})
    assert english.headers["X-Cache"] == "MISS"
    assert "Accept-Language" in english.headers["Vary"]

    spanish = proxy.get(DETAIL, {"Accept-Language": "es-ES,es;q=0.9"})
    german = proxy.get(f"{DETAIL}?lang=de", {"Accept-Language": "es"})

    # The English copy is never what a Spanish or German client receives.
    assert spanish.headers["X-Cache"] == "MISS"
    assert spanish.headers["Content-Language"] == "es"
    assert json.loads(body(spanish))["translation"]["language"] == "es"
    assert german.headers["X-Cache"] == "MISS"
    assert german.headers["Content-Language"] == "de"
    assert json.loads(body(german))["translation"]["language"] == "de"
    # Each is then a hit for its own language.
    again = proxy.get(DETAIL, {"Accept-Language": "es-ES,es;q=0.9"})
    assert again.headers["X-Cache"] == "HIT"
    assert again.body == spanish.body
    assert proxy.get(DETAIL, {"Accept-Language": "en"}).body == english.body
    assert json.loads(body(english))["translation"]["language"] == "en"
