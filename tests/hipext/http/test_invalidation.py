"""An edit changes the validators of the responses that show it, and of no others.

The real API on the seed content: each response is kept with the documents it was
made from and the document fields its filters and order read (hipext.http.caching).
"""

import pytest

from exercises.models import Equipment, Exercise, ExerciseEquipment
from hipext.content.publication import Publication
from hipext.content.publishing import documents_flushed
from hipext.http import caching
from routines.models import Routine
from tests.factories import PUBLISHED_AT

pytestmark = pytest.mark.django_db

EDITED = "hip-thrust"  # intermediate, in the routine barbell-hip-thrust-gym


@pytest.fixture
def client(seeded_content, api_client):
    return api_client


def edit(slug=EDITED, **changes):
    """Save an exercise as the admin and the services do: documents in the same
    transaction."""
    with documents_flushed():
        exercise = Exercise.objects.get(slug=slug)
        for name, value in changes.items():
            setattr(exercise, name, value)
        exercise.save()
    return exercise


def revalidated(client, url, etag):
    return client.get(url, headers={"If-None-Match": etag})


def etags(client, *urls):
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = response["ETag"]
    return found


def slugs(response):
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    return [item["slug"] for item in items]


def test_an_edit_keeps_the_validators_of_responses_without_the_exercise(
    client, django_assert_num_queries
):
    without = "/api/exercises?difficulty=beginner,advanced"
    with_it = "/api/exercises?difficulty=intermediate"
    other = "/api/exercises/glute-bridges"
    detail = f"/api/exercises/{EDITED}"
    holding = Routine.objects.get(items__exercise__slug=EDITED).slug
    not_holding = Routine.objects.exclude(items__exercise__slug=EDITED).first().slug
    routine = f"/api/routines/{holding}"
    other_routine = f"/api/routines/{not_holding}"
    before = etags(client, without, with_it, other, detail, routine, other_routine)
    assert EDITED not in slugs(client.get(without))
    assert EDITED in slugs(client.get(with_it))

    # A field routines show, and no list filters or orders by but the search
    # (updated_at changes too).
    edit(summary="A hip thrust, edited.")

    for url in (without, other, other_routine):
        with django_assert_num_queries(0):
            assert revalidated(client, url, before[url]).status_code == 304, url
        with django_assert_num_queries(0):
            cached = client.get(url)  # from the response cache: no view, no query
        assert cached["ETag"] == before[url]
    for url in (with_it, detail, routine):
        response = revalidated(client, url, before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]
    assert client.get(detail).json()["summary"] == "A hip thrust, edited."
    shown = client.get(routine).json()["items"]
    assert "A hip thrust, edited." in [item["exercise"]["summary"] for item in shown]


def test_an_edit_the_routine_does_not_show_keeps_its_validator(client):
    holding = Routine.objects.get(items__exercise__slug=EDITED).slug
    routine = f"/api/routines/{holding}"
    before = client.get(routine)["ETag"]

    edit(tips="Squeeze the glutes at the top.")

    # Rendered again (it embeds the exercise), to the same bytes: not rewritten.
    assert revalidated(client, routine, before).status_code == 304


@pytest.mark.parametrize(
    ("url", "changes"),
    [
        # The exercise enters a filtered list it was not on...
        ("/api/exercises?difficulty=beginner", {"difficulty": "beginner"}),
        ("/api/exercises?max_difficulty=beginner", {"difficulty": "beginner"}),
        ("/api/exercises?laterality=each_side", {"laterality": "each_side"}),
        ("/api/exercises?search=cartwheel", {"summary": "Like a cartwheel."}),
        # ...or moves onto a page by its order.
        ("/api/exercises?ordering=name&page_size=2", {"name": "Aaa hip thrust"}),
        ("/api/exercises?ordering=-name&page_size=2", {"name": "Zzz hip thrust"}),
        ("/api/exercises?ordering=difficulty&page_size=2", {"difficulty": "beginner"}),
        ("/api/exercises?ordering=-updated_at&page_size=1", {"tips": "Breathe out."}),
        ("/api/routines?search=cartwheel", {"name": "Cartwheel thrust"}),
    ],
)
def test_an_edit_that_brings_the_exercise_onto_a_list_changes_its_validator(
    client, url, changes
):
    before = client.get(url)
    assert EDITED not in slugs(before) or url.startswith("/api/routines")
    if url.startswith("/api/routines"):
        assert slugs(before) == []

    edit(**changes)

    after = revalidated(client, url, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    if url.startswith("/api/routines"):
        assert slugs(after) == [Routine.objects.get(items__exercise__slug=EDITED).slug]
    else:
        assert EDITED in slugs(after)


def test_an_edit_that_takes_the_exercise_off_a_list_changes_its_validator(client):
    url = "/api/exercises?difficulty=intermediate"
    before = client.get(url)

    edit(difficulty="advanced")

    after = revalidated(client, url, before["ETag"])
    assert after.status_code == 200
    assert EDITED not in slugs(after)
    assert after.json()["count"] == before.json()["count"] - 1


def test_an_equipment_link_changes_the_equipment_filter(client):
    url = "/api/exercises?equipment=box"
    before = client.get(url)
    assert EDITED not in slugs(before)

    with documents_flushed():
        ExerciseEquipment.objects.create(
            exercise=Exercise.objects.get(slug=EDITED),
            equipment=Equipment.objects.get(slug="box"),
            requirement="optional",
        )

    after = revalidated(client, url, before["ETag"])
    assert after.status_code == 200
    assert EDITED in slugs(after)


def test_create_and_delete_change_the_count_of_every_list_they_are_on(client):
    unfiltered = "/api/exercises?page_size=1"
    beginner = "/api/exercises?difficulty=beginner"
    advanced = "/api/exercises?difficulty=advanced"
    before = etags(client, unfiltered, beginner, advanced)
    count = client.get(unfiltered).json()["count"]

    with documents_flushed():
        Exercise.objects.create(
            slug="new-bridge",
            name="New bridge",
            summary="A bridge.",
            difficulty="beginner",
            position="lying_on_back",
            laterality="both",
            source="x",
            status=Publication.PUBLISHED,
            published_at=PUBLISHED_AT,
        )

    created = etags(client, unfiltered, beginner, advanced)
    assert created[unfiltered] != before[unfiltered]
    assert client.get(unfiltered).json()["count"] == count + 1
    assert created[beginner] != before[beginner]
    # Rebuilt (a document came), yet the same bytes: the same validator.
    assert revalidated(client, advanced, before[advanced]).status_code == 304

    with documents_flushed():
        Exercise.objects.get(slug="new-bridge").delete()

    assert revalidated(client, unfiltered, created[unfiltered]).status_code == 200
    assert client.get(unfiltered).json()["count"] == count
    assert client.get(unfiltered)["ETag"] == before[unfiltered]


def test_a_304_needs_no_cache_round_trip(client, monkeypatch):
    url = "/api/exercises?difficulty=beginner"
    etag = client.get(url)["ETag"]

    def unreachable(*args, **kwargs):
        raise AssertionError("the 304 went to the cache")

    monkeypatch.setattr(caching, "cache_call", unreachable)

    assert revalidated(client, url, etag).status_code == 304
    assert revalidated(client, url, f"W/{etag}").status_code == 304


def test_a_response_kept_in_memory_needs_no_cache_round_trip(
    client, settings, monkeypatch
):
    settings.API_RESPONSE_MEMORY_BYTES = 8 * 1024 * 1024
    url = "/api/exercises?difficulty=beginner"
    first = client.get(url)

    def unreachable(*args, **kwargs):
        raise AssertionError("the cached answer went to the cache")

    monkeypatch.setattr(caching, "cache_call", unreachable)
    again = client.get(url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_without_memory_a_cached_answer_reads_the_shared_cache(
    client, settings, monkeypatch
):
    settings.API_RESPONSE_MEMORY_BYTES = 0
    url = "/api/exercises?difficulty=beginner"
    first = client.get(url)
    calls = []
    real = caching.cache_call
    monkeypatch.setattr(
        caching, "cache_call", lambda *args: calls.append(args) or real(*args)
    )

    again = client.get(url)

    assert again.content == first.content
    assert len(calls) == 1


def test_kept_responses_stay_within_their_bytes():
    kept = caching._Kept(0, weigh=len)
    kept.put("a", b"x" * 400, 1000)
    kept.put("b", b"x" * 400, 1000)
    kept.get("a")  # used last: "b" goes first
    kept.put("c", b"x" * 400, 1000)
    kept.put("too big", b"x" * 1001, 1000)

    assert kept.get("b") is None
    assert kept.get("a") is not None
    assert kept.get("c") is not None
    assert kept.get("too big") is None
    assert kept.weight == 800


def test_validators_are_checked_from_the_stored_response_in_another_process(client):
    url = "/api/exercises?difficulty=beginner"
    etag = client.get(url)["ETag"]
    # A process that did not build it.
    caching.local_validators.clear()
    caching.local_responses.clear()

    assert revalidated(client, url, etag).status_code == 304

    edit(slug="glute-bridges", tips="Another tip.")
    caching.local_validators.clear()
    caching.local_responses.clear()

    assert revalidated(client, url, etag).status_code == 200
