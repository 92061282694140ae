"""Publication rules, the schedule, staff previews and the admin's publishing actions."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exercises.models import Exercise
from hipext.content.documents import documents_check
from hipext.content.preview import preview_token
from hipext.content.publication import (
    Publication,
    content_publish,
    content_unpublish,
    publication_schedule,
    publishable_models,
    schedule_forget,
)
from hipext.content.publishing import documents_flushed
from hipext.models import Document
from routines.models import Routine
from tests.factories import (
    ExerciseFactory,
    GuidelineFactory,
    RoutineFactory,
    RoutineItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def routine():
    """A published routine of two published exercises."""
    with documents_flushed():
        routine = RoutineFactory(slug="two-bridges")
        for position in (1, 2):
            RoutineItemFactory(
                routine=routine,
                position=position,
                exercise=ExerciseFactory(name=f"Bridge {position}"),
            )
    return routine


def test_new_objects_start_as_drafts_and_have_no_document():
    exercise = Exercise.objects.create(
        name="New", slug="new", summary=".", difficulty="beginner",
        position="kneeling", laterality="both", source=".",
    )  # fmt: skip
    assert exercise.status == Publication.DRAFT
    assert not Document.objects.filter(kind="exercise", object_id=exercise.pk)
    # A draft without a document is not a problem for check_documents.
    assert list(documents_check()) == []


def test_a_published_routine_refuses_a_draft_exercise_naming_it(routine):
    draft = ExerciseFactory(name="Wall bridge", status=Publication.DRAFT)
    item = routine.items.get(position=2)
    item.exercise = draft
    with pytest.raises(ValidationError, match="“Wall bridge” is a draft"):
        item.full_clean()


def test_publishing_a_routine_with_a_draft_exercise_is_refused(routine):
    routine.status = Publication.DRAFT
    routine.save()
    Exercise.objects.filter(name="Bridge 1").update(status=Publication.DRAFT)
    with pytest.raises(ValidationError, match="“Bridge 1” is a draft"):
        content_publish(Routine.objects.get(pk=routine.pk))
    assert Routine.objects.get(pk=routine.pk).status == Publication.DRAFT


def test_a_routine_cannot_be_seen_before_its_exercises(routine):
    later = timezone.now() + datetime.timedelta(days=1)
    exercise = Exercise.objects.get(name="Bridge 1")
    exercise.published_at = later
    with pytest.raises(ValidationError, match="Published routines contain"):
        exercise.full_clean()


def test_unpublishing_an_exercise_of_a_published_routine_asks_first(routine):
    exercise = Exercise.objects.get(name="Bridge 1")
    with pytest.raises(ValidationError, match="shown by published content: “"):
        content_unpublish(exercise)
    exercise.status = Publication.DRAFT
    with pytest.raises(ValidationError, match=f"routines contain .*“{routine.name}”"):
        exercise.full_clean()

    also = content_unpublish(Exercise.objects.get(pk=exercise.pk), with_holders=True)

    assert [r.pk for r in also] == [routine.pk]
    assert Routine.objects.get(pk=routine.pk).status == Publication.DRAFT
    assert not Document.objects.filter(kind="routine", object_id=routine.pk)
    assert not Document.objects.filter(kind="exercise", object_id=exercise.pk)


def test_the_schedule_is_one_query_then_none():
    later = timezone.now() + datetime.timedelta(minutes=5)
    GuidelineFactory(published_at=later)
    schedule_forget()
    with CaptureQueriesContext(connection) as cold:
        schedule = publication_schedule()
    assert len(publishable_models()) == 3
    assert len(cold) == 1
    assert schedule.next_at == later
    with CaptureQueriesContext(connection) as warm:
        publication_schedule()
    assert len(warm) == 0
    # Once the scheduled time passes, the copy is renewed: the horizon moves to it.
    with mock.patch(
        "django.utils.timezone.now", return_value=later + datetime.timedelta(seconds=1)
    ):
        moved = publication_schedule()
    assert moved.horizon == later
    assert moved.next_at is None


def test_a_write_renews_the_schedule_in_its_process():
    publication_schedule()
    soon = timezone.now() + datetime.timedelta(minutes=1)
    with documents_flushed():
        GuidelineFactory(published_at=soon)
    assert publication_schedule().next_at == soon


# --- Previews ------------------------------------------------------------------------


@pytest.fixture
def draft():
    with documents_flushed():
        return ExerciseFactory(
            name="Secret bridge", slug="secret-bridge", status=Publication.DRAFT
        )


def test_a_preview_link_shows_a_draft_as_apps_would_see_it(client, draft):
    token = preview_token(draft)
    assert client.get("/api/exercises/secret-bridge").status_code == 404

    response = client.get(reverse("content-preview", kwargs={"token": token}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies
    body = response.json()
    assert body["slug"] == "secret-bridge"
    assert body["url"] == "http://testserver/api/exercises/secret-bridge"
    # Exactly the representation the API gives once it is published.
    content_publish(draft)
    published = client.get("/api/exercises/secret-bridge").json()
    assert {**body, "published_at": None, "updated_at": None} == {
        **published,
        "published_at": None,
        "updated_at": None,
    }


def test_a_preview_card_shows_a_draft(client, draft):
    url = reverse("exercise-card-preview", kwargs={"token": preview_token(draft)})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies
    html = response.content.decode()
    assert "Secret bridge" in html
    assert "Preview: Draft" in html
    assert "data:image/svg+xml;base64," in html
    assert client.get("/embed/exercises/secret-bridge").status_code == 404


def test_a_changed_or_expired_preview_link_is_refused(client, draft, settings):
    token = preview_token(draft)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(reverse("content-preview", kwargs={"token": forged}))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "This is not a valid preview link."
    assert response["Cache-Control"] == "private, no-store"

    settings.PREVIEW_LINK_MAX_AGE = 60
    with mock.patch(
        "time.time", return_value=timezone.now().timestamp() + 61
    ):  # signing's clock
        expired = client.get(reverse("content-preview", kwargs={"token": token}))
    assert expired.status_code == 404
    assert "expired" in expired.json()["detail"]


# --- The admin -----------------------------------------------------------------------


def test_admin_shows_the_publication_and_a_preview_link(admin_client, draft):
    url = reverse("admin:exercises_exercise_change", args=[draft.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="status"' in html
    assert 'name="published_at_0"' in html
    assert "/preview/" in html
    assert "/embed/preview/" in html
    changelist = admin_client.get(
        reverse("admin:exercises_exercise_changelist"), {"status__exact": "draft"}
    )
    assert [e.slug for e in changelist.context["cl"].result_list] == ["secret-bridge"]


def test_admin_unpublish_lists_the_routines_and_confirms(admin_client, routine):
    exercise = Exercise.objects.get(name="Bridge 1")
    url = reverse("admin:exercises_exercise_changelist")
    data = {"action": "unpublish", "_selected_action": [exercise.pk]}

    asked = admin_client.post(url, data)

    assert asked.status_code == 200
    assert "Yes, unpublish them all" in asked.content.decode()
    assert routine.name in asked.content.decode()
    assert Exercise.objects.get(pk=exercise.pk).status == Publication.PUBLISHED

    done = admin_client.post(url, {**data, "confirm": "yes"})

    assert done.status_code == 302
    assert Exercise.objects.get(pk=exercise.pk).status == Publication.DRAFT
    assert Routine.objects.get(pk=routine.pk).status == Publication.DRAFT


def test_admin_publish_refuses_a_routine_with_a_draft_naming_it(admin_client, routine):
    content_unpublish(Exercise.objects.get(name="Bridge 1"), with_holders=True)
    url = reverse("admin:routines_routine_changelist")

    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [routine.pk]}, follow=True
    )

    assert "“Bridge 1” is a draft" in response.content.decode()
    assert Routine.objects.get(pk=routine.pk).status == Publication.DRAFT


def test_a_list_with_the_schedule_to_renew_takes_one_query_more(api_client):
    # Pinned elsewhere: 2 (count, page) and 1 (a detail's document), with the
    # schedule kept. Renewing it (once a second per process, after a write, or when
    # a scheduled time passes) is the one query more.
    from hipext.content.version import content_version

    with documents_flushed():
        exercise = ExerciseFactory()
    content_version()
    schedule_forget()
    with CaptureQueriesContext(connection) as cold:
        assert api_client.get("/api/exercises").status_code == 200
    assert len(cold) == 3
    schedule_forget()
    with CaptureQueriesContext(connection) as detail:
        assert api_client.get(f"/api/exercises/{exercise.slug}").status_code == 200
    assert len(detail) == 2
