import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from hipext.api.problems import PROBLEM_CONTENT_TYPE
from hipext.http import apikeys
from tests.factories import full_exercise

PING = "/api/test-ping"


@pytest.fixture
def limited(rate_limits):
    """Two anonymous requests an hour, five per key, counted from a clean cache."""
    return rate_limits("2/hour", "5/hour")


@pytest.fixture
def issued_key(db):
    """A freshly issued key: the model row and the key the client holds."""
    return APIKey.objects.create_key(name="Partner app")


def with_key(key):
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def test_model_issues_a_key_stored_only_as_its_hash(issued_key):
    api_key, key = issued_key

    stored = APIKey.objects.get(pk=api_key.pk)
    assert key.startswith(stored.prefix + ".")
    secret = key.partition(".")[2]
    assert secret not in stored.hashed_key
    assert secret not in stored.id
    assert stored.hashed_key.startswith("sha512$$")
    assert APIKey.objects.is_valid(key)
    assert not APIKey.objects.is_valid(key[:-1] + ("x" if key[-1] != "x" else "y"))


def test_admin_issues_a_key_shown_once_and_stores_its_hash(limited, client):
    admin = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(admin)

    response = client.post(
        reverse("admin:rest_framework_api_key_apikey_add"), {"name": "Partner app"}
    )

    assert response.status_code == 302
    messages = " ".join(str(m) for m in get_messages(response.wsgi_request))
    key = re.search(r"The API key for Partner app is: (\S+)\. ", messages)[1]
    stored = APIKey.objects.get(name="Partner app")
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key
    client.logout()
    assert client.get(PING, **with_key(key)).headers["RateLimit-Limit"] == "5"


def test_key_revoked_in_the_admin_is_rejected_at_once(limited, client, issued_key):
    api_key, key = issued_key
    assert client.get(PING, **with_key(key)).status_code == 200  # now cached
    admin = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(admin)

    response = client.post(
        reverse("admin:rest_framework_api_key_apikey_change", args=[api_key.pk]),
        {"name": "Partner app", "revoked": "on"},
    )

    assert response.status_code == 302
    client.logout()
    rejected = client.get(PING, **with_key(key))
    assert rejected.status_code == 401
    assert rejected.json()["detail"] == "The API key has been revoked."


def test_key_sent_either_way_gets_the_key_limit(limited, client, issued_key):
    _, key = issued_key

    by_authorization = client.get(PING, HTTP_AUTHORIZATION=f"api-key {key}")
    by_header = client.get(PING, HTTP_X_API_KEY=key)

    assert by_authorization.status_code == by_header.status_code == 200
    assert by_authorization.headers["RateLimit-Limit"] == "5"
    # Both count against the same key.
    assert by_header.headers["RateLimit-Remaining"] == "3"


def test_key_limit_is_higher_than_anonymous_and_separate(limited, client, issued_key):
    _, key = issued_key

    anonymous = [client.get(PING).status_code for _ in range(3)]
    keyed = [client.get(PING, **with_key(key)).status_code for _ in range(6)]

    assert anonymous == [200, 200, 429]
    assert keyed == [200] * 5 + [429]


def test_each_key_has_its_own_budget(limited, client, issued_key):
    _, key = issued_key
    _, other_key = APIKey.objects.create_key(name="Other app")
    for _ in range(5):
        client.get(PING, **with_key(key))

    assert client.get(PING, **with_key(key)).status_code == 429
    assert client.get(PING, **with_key(other_key)).status_code == 200


def test_revoked_key_is_rejected_with_401(limited, client, issued_key):
    api_key, key = issued_key
    assert client.get(PING, **with_key(key)).status_code == 200

    api_key.revoked = True
    api_key.save()

    response = client.get(PING, **with_key(key))
    assert response.status_code == 401
    assert response.headers["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.headers["WWW-Authenticate"] == 'Api-Key realm="hipext"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json()["detail"] == "The API key has been revoked."


def test_deleted_key_is_rejected(limited, client, issued_key):
    api_key, key = issued_key
    assert client.get(PING, **with_key(key)).status_code == 200

    api_key.delete()

    assert client.get(PING, **with_key(key)).json()["detail"] == (
        "The API key is not known."
    )


def test_expired_key_is_rejected(limited, client):
    _, key = APIKey.objects.create_key(
        name="Trial", expiry_date=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(PING, **with_key(key))

    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has expired."


@pytest.mark.parametrize(
    ("sent", "detail"),
    [
        ("not-a-key", "The API key is malformed: send it exactly as it was issued."),
        (".secret", "The API key is malformed: send it exactly as it was issued."),
        ("a b:c.secret", "The API key is malformed: send it exactly as it was issued."),
        (
            "abc." + "x" * 300,
            "The API key is malformed: send it exactly as it was issued.",
        ),
        ("abcdefgh.wrongsecret", "The API key is not known."),
    ],
)
def test_unknown_or_malformed_key_is_rejected_with_401(limited, client, sent, detail):
    response = client.get(PING, HTTP_X_API_KEY=sent)

    assert response.status_code == 401
    body = response.json()
    assert body["title"] == "Invalid API key"
    assert body["detail"] == detail
    assert body["instance"] == PING


def test_wrong_secret_for_a_real_prefix_is_rejected(limited, client, issued_key):
    api_key, _ = issued_key

    response = client.get(PING, HTTP_X_API_KEY=f"{api_key.prefix}.guessed")

    assert response.status_code == 401
    assert response.json()["detail"] == "The API key is not known."


def test_guessing_keys_counts_against_the_address(limited, client):
    statuses = [
        client.get(PING, HTTP_X_API_KEY=f"guess{n:03}.secret").status_code
        for n in range(3)
    ]

    assert statuses == [401, 401, 429]
    assert client.get(PING).status_code == 429


def test_key_check_is_cached_and_needs_no_query(limited, client, issued_key):
    _, key = issued_key
    with CaptureQueriesContext(connection) as first:
        client.get(PING, **with_key(key))

    with CaptureQueriesContext(connection) as second:
        response = client.get(PING, **with_key(key))

    assert response.status_code == 200
    key_table = APIKey._meta.db_table
    assert sum(key_table in query["sql"] for query in first.captured_queries) == 1
    assert not [q for q in second.captured_queries if key_table in q["sql"]]


def test_key_grants_no_admin_access(limited, client, issued_key):
    _, key = issued_key

    response = client.get("/admin/", **with_key(key))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_key_grants_no_write_access(limited, client, issued_key):
    _, key = issued_key

    response = client.post("/api/oembed", {"url": "x"}, **with_key(key))

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.headers["RateLimit-Limit"] == "5"


# --- Revocation races the cache: the record a request read before the commit ---------


def test_record_cached_by_a_request_before_the_commit_is_replaced_after_it(
    limited, client, issued_key, django_capture_on_commit_callbacks
):
    api_key, key = issued_key
    before = apikeys.api_key_record(api_key.prefix)

    with django_capture_on_commit_callbacks(execute=True):
        api_key.revoked = True
        api_key.save()
        # A request on another server read the row before this commit and caches it.
        cache.set(f"apikey:{api_key.prefix}", before, apikeys.KEY_RECORD_TIMEOUT)

    assert client.get(PING, **with_key(key)).status_code == 401


def test_record_read_before_the_commit_and_cached_after_it_is_not_kept(
    limited, client, issued_key, django_capture_on_commit_callbacks, monkeypatch
):
    """A request reads the key's row, the revocation commits, then the request caches."""
    api_key, key = issued_key
    memory = caches[settings.API_RATE_CACHE]
    revoked = []

    def revoke_first(write):
        def write_after_the_revocation(cache_key, *args, **kwargs):
            if cache_key.startswith("apikey:") and not revoked:
                revoked.append(True)
                with django_capture_on_commit_callbacks(execute=True):
                    fresh = APIKey.objects.get(pk=api_key.pk)
                    fresh.revoked = True
                    fresh.save()
            return write(cache_key, *args, **kwargs)

        return write_after_the_revocation

    for name in ("set", "add"):
        monkeypatch.setattr(memory, name, revoke_first(getattr(memory, name)))

    assert client.get(PING, **with_key(key)).status_code == 200  # read before
    assert revoked
    assert APIKey.objects.get(pk=api_key.pk).revoked

    assert client.get(PING, **with_key(key)).status_code == 401


def cache_down(settings):
    """The cache the key records live in now refuses connections (Redis down)."""
    settings.CACHES = {
        **settings.CACHES,
        settings.API_RATE_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/3",
        },
    }


def test_keys_are_issued_revoked_and_deleted_while_the_cache_is_down(
    settings, issued_key, caplog, django_capture_on_commit_callbacks
):
    api_key, _ = issued_key
    admin = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    cache_down(settings)

    def post(url, data):
        # Committed, so the after-commit refresh meets the dead cache too.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    revoked = post(
        reverse("admin:rest_framework_api_key_apikey_change", args=[api_key.pk]),
        {"name": api_key.name, "revoked": "on"},
    )
    revoked_row = APIKey.objects.get(pk=api_key.pk)
    deleted = post(
        reverse("admin:rest_framework_api_key_apikey_delete", args=[api_key.pk]),
        {"post": "yes"},
    )
    created = post(
        reverse("admin:rest_framework_api_key_apikey_add"), {"name": "Next app"}
    )

    assert [revoked.status_code, deleted.status_code, created.status_code] == [302] * 3
    assert revoked_row.revoked
    assert not APIKey.objects.filter(pk=api_key.pk).exists()
    assert APIKey.objects.filter(name="Next app").exists()
    # The cache breaker logs the failure (once per interval).
    assert f"Cache {settings.API_RATE_CACHE!r} failed" in caplog.text


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "Basic"])
def test_authorization_in_another_scheme_is_refused_with_401(
    limited, client, issued_key, scheme
):
    """A valid key in the wrong scheme is never served as anonymous without a word."""
    _, key = issued_key

    response = client.get(PING, HTTP_AUTHORIZATION=f"{scheme} {key}")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Api-Key realm="hipext"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["RateLimit-Limit"] == "2", "counted as anonymous"
    assert "Authorization: Api-Key <key>" in response.json()["detail"]


def test_keyed_and_anonymous_reads_share_one_cacheable_representation(
    limited, client, issued_key
):
    """README: a CDN may serve a keyed response to anyone; only RateLimit-* differ."""
    api_key, key = issued_key
    full_exercise(slug="glute-bridge")

    keyed = client.get("/api/exercises", **with_key(key))  # fills the response cache
    anonymous = client.get("/api/exercises")

    assert keyed.status_code == anonymous.status_code == 200
    assert keyed.content == anonymous.content
    assert keyed.headers["ETag"] == anonymous.headers["ETag"]
    assert keyed.headers["Cache-Control"].startswith("public")
    vary = keyed.headers["Vary"].lower()
    assert "authorization" not in vary
    assert "x-api-key" not in vary
    # Nothing of the key in what a shared cache keeps.
    shared = keyed.content.decode() + str(
        {k: v for k, v in keyed.headers.items() if not k.startswith("RateLimit")}
    )
    assert api_key.prefix not in shared
    # The rate-limit headers are the requester's, never the response cache's.
    assert (keyed.headers["RateLimit-Limit"], anonymous.headers["RateLimit-Limit"]) == (
        "5",
        "2",
    )
