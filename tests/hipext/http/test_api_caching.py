"""HTTP caching of the real read API, on the article's seeded content."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from exercises.models import Equipment, Exercise, ExerciseEquipment, Guideline, Muscle
from hipext.content.publishing import documents_note
from hipext.content.seeding import content_seed
from hipext.content.version import content_changed
from hipext.http import caching
from hipext.http.cachekeys import request_identity
from routines.models import RoutineItem
from tests.hipext.http.test_caching import admin_change, admin_form_data

ENDPOINTS = [
    "/api/exercises?equipment=none",
    "/api/exercises/glute-bridges",
    "/api/exercises/glute-bridges/",
    "/api/muscles",
    "/api/muscles/hamstrings",
    "/api/equipment",
    "/api/equipment/bench",
    "/api/guidelines",
    "/api",
]

# hipext.http.cdn.cache_control() with the default settings.
DEFAULT_CACHE_CONTROL = (
    "public, max-age=60, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"
)


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def revalidate(client, url, etag):
    return client.get(url, headers={"If-None-Match": etag})


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_api_read_has_validators_and_answers_304(client, seeded, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == DEFAULT_CACHE_CONTROL
    assert "Last-Modified" in response
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    again = revalidate(client, url, response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_equipment_none_is_served_from_the_cache_without_queries(
    client, seeded, django_assert_num_queries
):
    url = "/api/exercises?equipment=none"
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.content == first.content
    assert slugs(second) == ["glute-bridges", "standing-kickbacks"]


def test_links_follow_the_host_so_hosts_do_not_share_entries(client, seeded, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]

    a = client.get("/api/equipment", headers={"Host": "a.example"})
    b = client.get("/api/equipment", headers={"Host": "b.example"})

    assert a["ETag"] != b["ETag"]
    assert "//a.example/" in a.json()["results"][0]["url"]
    assert "//b.example/" in b.json()["results"][0]["url"]


@pytest.mark.parametrize("url", ["/api/schema", "/api/docs", "/api/redoc"])
def test_schema_and_docs_pages_are_not_content_cached(client, db, url):
    response = client.get(url)
    content_changed()

    assert response.status_code == 200
    # Their ETag is their body's (hipext.http.cdn), not the content version's.
    assert "Last-Modified" not in response
    assert client.get(url)["ETag"] == response["ETag"]
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def stored(rf, url):
    """The cache entry the middleware keeps for a GET of ``url``, if any."""
    identity = request_identity(rf.get(url))
    return cache.get(caching.stored_response_key(identity))


@pytest.mark.parametrize(
    "url", ["/api/exercises?equipments=none", "/api/exercises/no-such-exercise"]
)
def test_errors_are_not_stored_or_validated(client, rf, seeded, url):
    response = client.get(url)

    assert response.status_code in (400, 404)
    assert "ETag" not in response
    assert stored(rf, url) is None
    client.get("/api/exercises/hip-thrust")
    assert stored(rf, "/api/exercises/hip-thrust") is not None


def test_head_matches_get(client, seeded):
    get = client.get("/api/exercises/hip-thrust")
    head = client.head("/api/exercises/hip-thrust")

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


# Each kind of content change makes the stored list and its ETag stale at once.


def test_admin_exercise_save_shows_in_the_cached_list(admin_client, seeded):
    url = "/api/exercises?equipment=none"
    before = admin_client.get(url)
    exercise = Exercise.objects.get(slug="glute-bridges")

    admin_change(admin_client, exercise, name_en="Glute bridges (edited)")

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert after.json()["results"][0]["name"] == "Glute bridges (edited)"


def test_admin_exercise_delete_shows_in_the_cached_list(admin_client, seeded):
    url = "/api/exercises?equipment=none"
    exercise = Exercise.objects.get(slug="standing-kickbacks")
    # Routines protect their exercises: an editor takes it out of them first.
    RoutineItem.objects.filter(exercise=exercise).delete()
    before = admin_client.get(url)
    delete_url = reverse("admin:exercises_exercise_delete", args=[exercise.pk])

    admin_client.post(delete_url, {"post": "yes"})

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert slugs(after) == ["glute-bridges"]


def test_admin_step_reorder_shows_in_the_cached_detail(admin_client, seeded):
    url = "/api/exercises/glute-bridges"
    before = admin_client.get(url)
    steps = before.json()["steps"]
    exercise = Exercise.objects.get(slug="glute-bridges")
    change_url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    data = admin_form_data(admin_client.get(change_url))
    data["steps-0-position"], data["steps-1-position"] = "2", "1"

    assert admin_client.post(change_url, data).status_code == 302

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert [s["text"] for s in after.json()["steps"][:2]] == [
        steps[1]["text"],
        steps[0]["text"],
    ]


def test_muscle_rename_shows_in_the_cached_exercise(admin_client, seeded):
    url = "/api/exercises/glute-bridges"
    before = admin_client.get(url)

    admin_change(
        admin_client, Muscle.objects.get(slug="gluteus-maximus"), name_en="Big glute"
    )

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert "Big glute" in [m["name"] for m in after.json()["muscles"]]


def test_equipment_rename_shows_in_the_cached_exercise(admin_client, seeded):
    url = "/api/exercises/hip-thrust"
    before = admin_client.get(url)

    admin_change(admin_client, Equipment.objects.get(slug="bench"), name_en="Sofa edge")

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert "Sofa edge" in [e["name"] for e in after.json()["equipment"]]


def test_guideline_change_shows_in_the_cached_guidelines(admin_client, seeded):
    url = "/api/guidelines"
    before = admin_client.get(url)
    guideline = Guideline.objects.get(slug="warm-up")

    admin_change(admin_client, guideline, title_en="Always warm up")

    after = revalidate(admin_client, url, before["ETag"])
    assert after.status_code == 200
    assert "Always warm up" in [g["title"] for g in after.json()["results"]]


def test_alternatives_change_shows_in_the_cached_available_filter(client, seeded):
    url = "/api/exercises?available=bench,dumbbell"
    before = client.get(url)
    assert "hip-thrust" in slugs(before)
    link = ExerciseEquipment.objects.get(
        exercise__slug="hip-thrust", equipment__slug="barbell"
    )

    link.alternatives.remove(Equipment.objects.get(slug="dumbbell"))

    after = revalidate(client, url, before["ETag"])
    assert after.status_code == 200
    assert "hip-thrust" not in slugs(after)


def test_seed_restoring_content_shows_in_the_cached_detail(client, seeded):
    url = "/api/exercises/glute-bridges"
    # A change that sends no signal, so the stored response goes stale (its document
    # noted, as such a write must)...
    Exercise.objects.filter(slug="glute-bridges").update(name="Tampered")
    documents_note({("exercise", Exercise.objects.get(slug="glute-bridges").pk)})
    before = client.get(url)
    assert before.json()["name"] == "Tampered"

    # ...until the seed puts the content back, which bumps the version.
    report = content_seed(overwrite=True)

    assert report.changed
    after = revalidate(client, url, before["ETag"])
    assert after.status_code == 200
    assert after.json()["name"] == "Glute bridges"
