"""Drafts, scheduled and published content through every public path.

One published, one draft and one scheduled object of each publishable kind; every
public path (lists and their counts, details, filters, search, the diagram, the card,
oEmbed, the routine builder, the links muscles and equipment give) must show the
published one only, on the documents path and the serializers path, until the
scheduled time passes: then the scheduled one appears by itself, with no write, and
no cached response or count of before is served for it.
"""

import datetime
from unittest import mock
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.utils import timezone

from exercises.models import Exercise
from hipext.content.publication import Publication
from hipext.content.publishing import documents_flushed
from hipext.models import DocumentChange
from tests.factories import (
    GuidelineFactory,
    RoutineFactory,
    RoutineItemFactory,
    full_exercise,
)

pytestmark = pytest.mark.django_db

STATES = ("published", "draft", "scheduled")
# An indented JSON is answered by the serializers, not the documents.
SERIALIZER_PATH = {"HTTP_ACCEPT": "application/json; indent=2"}


@pytest.fixture
def later():
    """A time an hour from now: when the scheduled objects are published."""
    return timezone.now() + datetime.timedelta(hours=1)


def _publication(state, later):
    if state == "draft":
        return {"status": Publication.DRAFT, "published_at": None}
    if state == "scheduled":
        return {"status": Publication.PUBLISHED, "published_at": later}
    return {}  # the factories' default: published long ago


@pytest.fixture
def content(later):
    """``{kind: {state: object}}``, all working the same muscle, needing no equipment."""
    made = {"exercise": {}, "routine": {}, "guideline": {}}
    with documents_flushed():
        published_partner = full_exercise(name="Partner", slug="partner")
        for state in STATES:
            exercise = full_exercise(
                name=f"Exercise {state}",
                slug=f"exercise-{state}",
                **_publication(state, later),
            )
            made["exercise"][state] = exercise
            routine = RoutineFactory(
                name=f"Routine {state}",
                slug=f"routine-{state}",
                **_publication(state, later),
            )
            # A published routine holds published exercises only; the scheduled
            # one holds the scheduled exercise, seen from the same time.
            first = exercise if state != "draft" else published_partner
            RoutineItemFactory(routine=routine, position=1, exercise=first)
            RoutineItemFactory(routine=routine, position=2, exercise=published_partner)
            made["routine"][state] = routine
            made["guideline"][state] = GuidelineFactory(
                slug=f"guideline-{state}",
                title=f"Guideline {state}",
                **_publication(state, later),
            )
        made["partner"] = published_partner
    return made


def _slugs(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.content)
    body = response.json()
    return body["count"], {item["slug"] for item in body["results"]}


def _visible_everywhere(client, content, state):
    """Whether the ``state`` objects are seen on every public path (True), or none."""
    exercise = content["exercise"][state]
    routine = content["routine"][state]
    guideline = content["guideline"][state]
    muscle = exercise.muscle_links.first().muscle
    equipment = exercise.equipment_links.first().equipment
    seen = []
    for headers in ({}, SERIALIZER_PATH):
        seen += [
            exercise.slug in _slugs(client, "/api/exercises", **headers)[1],
            exercise.slug
            in _slugs(client, "/api/exercises?search=Exercise", **headers)[1],
            exercise.slug
            in _slugs(client, "/api/exercises?difficulty=beginner", **headers)[1],
            exercise.slug
            in _slugs(client, f"/api/exercises?muscle={muscle.slug}", **headers)[1],
            client.get(f"/api/exercises/{exercise.slug}", **headers).status_code == 200,
            routine.slug in _slugs(client, "/api/routines", **headers)[1],
            client.get(f"/api/routines/{routine.slug}", **headers).status_code == 200,
            guideline.slug in _slugs(client, "/api/guidelines", **headers)[1],
            client.get(f"/api/guidelines/{guideline.slug}", **headers).status_code
            == 200,
        ]
    # The links muscles and equipment give lead to the published exercises only.
    muscle_link = client.get(f"/api/muscles/{muscle.slug}").json()["exercises_url"]
    equipment_link = client.get(f"/api/equipment/{equipment.slug}").json()[
        "exercises_url"
    ]
    seen += [
        exercise.slug in _slugs(client, muscle_link)[1],
        exercise.slug in _slugs(client, equipment_link)[1],
        client.get(f"/api/exercises/{exercise.slug}/diagram.svg").status_code == 200,
        client.get(f"/embed/exercises/{exercise.slug}").status_code == 200,
        client.get(
            "/api/oembed?url="
            + quote(f"http://testserver/embed/exercises/{exercise.slug}", safe="")
        ).status_code
        == 200,
    ]
    # The builder: every exercise and guideline it may offer, with a seed varying it.
    offered, guidance = set(), set()
    for seed in range(12):
        body = client.get(
            f"/api/routines/suggest?available=none,{equipment.slug}"
            f"&count=2&difficulty=advanced&seed={seed}"
        ).json()
        offered |= {item["exercise"]["slug"] for item in body["items"]}
        guidance |= {g["slug"] for g in body["guidance"]}
    seen += [exercise.slug in offered, guideline.slug in guidance]
    assert len(set(seen)) == 1, seen  # all or nothing
    return seen[0]


def test_each_public_path_sees_published_content_only_until_a_schedule_passes(
    client, content, later
):
    assert _visible_everywhere(client, content, "published")
    assert not _visible_everywhere(client, content, "draft")
    assert not _visible_everywhere(client, content, "scheduled")
    counts = {
        path: _slugs(client, path)[0]
        for path in ("/api/exercises", "/api/routines", "/api/guidelines")
    }
    # Every count is of the rows published by now (the factories' variations add
    # published exercises of their own).
    now = timezone.now()
    assert counts == {
        "/api/exercises": Exercise.objects.filter(
            status="published", published_at__lte=now
        ).count(),
        "/api/routines": 1,
        "/api/guidelines": 1,
    }

    # The scheduled time passes: nothing is written, the schedule alone moves.
    changes = DocumentChange.objects.count()
    with mock.patch(
        "django.utils.timezone.now", return_value=later + datetime.timedelta(seconds=1)
    ):
        assert _visible_everywhere(client, content, "scheduled")
        assert not _visible_everywhere(client, content, "draft")
        assert {
            path: _slugs(client, path)[0]
            for path in ("/api/exercises", "/api/routines", "/api/guidelines")
        } == {
            "/api/exercises": counts["/api/exercises"] + 1,
            "/api/routines": 2,
            "/api/guidelines": 2,
        }
    assert DocumentChange.objects.count() == changes


def test_the_read_model_off_sees_the_same(client, content, later, settings):
    settings.API_READ_MODEL = False
    assert _visible_everywhere(client, content, "published")
    assert not _visible_everywhere(client, content, "draft")
    assert not _visible_everywhere(client, content, "scheduled")


@override_settings(API_RESPONSE_CACHE_TIMEOUT=3600, API_COUNT_CACHE_TIMEOUT=3600)
def test_no_cached_response_or_count_hides_a_scheduled_publication(
    client, content, later
):
    first = client.get("/api/exercises")
    before = first.json()["count"]
    etag = first["ETag"]
    # Cached now: the same request is a 304, then the stored response.
    assert client.get("/api/exercises", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/exercises").content == first.content
    detail = client.get("/api/exercises/exercise-scheduled")
    assert detail.status_code == 404

    with mock.patch(
        "django.utils.timezone.now", return_value=later + datetime.timedelta(seconds=1)
    ):
        revalidated = client.get("/api/exercises", HTTP_IF_NONE_MATCH=etag)
        assert revalidated.status_code == 200
        assert revalidated["ETag"] != etag
        assert revalidated.json()["count"] == before + 1
        assert "exercise-scheduled" in {
            item["slug"] for item in revalidated.json()["results"]
        }
        assert client.get("/api/exercises/exercise-scheduled").status_code == 200


def test_the_max_age_bounds_how_late_a_client_sees_a_publication(client, content):
    # A client may reuse an answer for max-age seconds: that is the bound on how
    # late it sees a scheduled publication (the server's own caches are never late).
    response = client.get("/api/exercises")
    assert response["Cache-Control"].startswith("public, max-age=60,")


def test_the_document_log_shows_publish_schedule_and_unpublish(content, later):
    from hipext.content.publication import content_publish, content_unpublish

    draft = content["exercise"]["draft"]
    scheduled = content["exercise"]["scheduled"]
    # A draft has no document and was never logged; a scheduled one was, with the
    # time apps see it from (a changes feed emits it then).
    assert not DocumentChange.objects.filter(kind="exercise", object_id=draft.pk)
    logged = DocumentChange.objects.filter(
        kind="exercise", object_id=scheduled.pk
    ).last()
    assert (logged.action, logged.published_at) == ("create", later)

    content_publish(draft)
    published = DocumentChange.objects.filter(kind="exercise", object_id=draft.pk)
    assert [c.action for c in published] == ["create"]
    assert published.get().published_at <= timezone.now()

    content_unpublish(Exercise.objects.get(pk=draft.pk))
    assert [c.action for c in published.all()] == ["create", "unpublish"]
