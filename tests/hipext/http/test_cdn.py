"""What a CDN needs from the public answers: Cache-Control, validators, surrogate keys."""

import json

import pytest
from django.utils.http import http_date

from hipext.http.cdn import cache_control, surrogate_keys
from hipext.models import ContentVersion

pytestmark = pytest.mark.django_db

CARD = "/embed/exercises/glute-bridges"


def test_cache_control_offers_shared_caches_their_own_age_and_staleness(settings):
    settings.API_CACHE_MAX_AGE = 30
    settings.API_CACHE_S_MAXAGE = 600
    settings.API_CACHE_STALE_WHILE_REVALIDATE = 15
    settings.API_CACHE_STALE_IF_ERROR = 3600

    assert cache_control() == (
        "public, max-age=30, s-maxage=600, stale-while-revalidate=15, "
        "stale-if-error=3600"
    )

    settings.API_CACHE_STALE_WHILE_REVALIDATE = 0
    settings.API_CACHE_STALE_IF_ERROR = 0
    assert cache_control() == "public, max-age=30, s-maxage=600"


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("/api", "hipext content"),
        ("/api/exercises", "hipext content exercises"),
        ("/api/exercises/", "hipext content exercises"),
        (
            "/api/exercises/glute-bridges",
            "hipext content exercises exercises/glute-bridges",
        ),
        (
            "/api/exercises/glute-bridges/diagram.svg",
            "hipext content exercises exercises/glute-bridges",
        ),
        (
            "/embed/exercises/glute-bridges",
            "hipext content embed exercises exercises/glute-bridges",
        ),
        ("/api/schema", "hipext release schema"),
        ("/api/docs", "hipext release docs"),
        ("/api/exercises/a b", "hipext content"),
    ],
)
def test_surrogate_keys_name_the_kind_and_the_slug(path, keys):
    assert " ".join(surrogate_keys(path)) == keys


@pytest.mark.parametrize(
    "url",
    [
        "/api/exercises/glute-bridges",
        "/api/exercises/glute-bridges/diagram.svg",
        CARD,
        "/api/schema",
        "/api/docs",
        "/api/redoc",
        "/api/oembed?url=http://testserver/embed/exercises/glute-bridges",
    ],
)
def test_public_reads_carry_validators_cache_control_and_keys(
    client, seeded_content, url
):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == cache_control()
    assert response["ETag"].startswith('"')
    assert response["Surrogate-Key"].startswith("hipext ")
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert again["Cache-Control"] == cache_control()
    assert again["Surrogate-Key"] == response["Surrogate-Key"]


def test_the_card_is_last_modified_at_the_last_content_change(client, seeded_content):
    response = client.get(CARD)
    changed = ContentVersion.objects.get().changed_at.timestamp()

    assert response["Last-Modified"] == http_date(changed)
    again = client.get(CARD, headers={"If-Modified-Since": response["Last-Modified"]})
    assert again.status_code == 304


def test_the_cards_etag_changes_with_its_content(client, seeded_content):
    from exercises.models import Exercise

    before = client.get(CARD)["ETag"]
    exercise = Exercise.objects.get(slug="glute-bridges")
    exercise.name = "Bridges, renamed"
    exercise.save()

    after = client.get(CARD, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after["ETag"] != before
    assert b"Bridges, renamed" in after.content


def test_the_schema_has_no_last_modified_it_could_know(client, db):
    response = client.get("/api/schema")

    assert "ETag" in response
    assert "Last-Modified" not in response


def test_errors_carry_no_surrogate_keys(client, db):
    response = client.get("/api/exercises/nope")

    assert response.status_code == 404
    assert "Surrogate-Key" not in response


def test_the_surrogate_key_header_can_be_renamed_or_turned_off(
    client, seeded_content, settings
):
    settings.API_SURROGATE_KEY_HEADER = "Cache-Tag"
    assert client.get("/api/exercises")["Cache-Tag"] == "hipext content exercises"

    settings.API_SURROGATE_KEY_HEADER = ""
    response = client.get("/api/exercises")
    assert "Cache-Tag" not in response
    assert "Surrogate-Key" not in response


def test_oembed_cache_age_is_its_max_age(client, seeded_content, settings):
    settings.API_CACHE_MAX_AGE = 123

    response = client.get(
        "/api/oembed", {"url": "http://testserver/embed/exercises/glute-bridges"}
    )

    assert json.loads(response.content)["cache_age"] == 123
    assert "max-age=123," in response["Cache-Control"]
