"""/api/snapshot and /api/changes: the catalogue at a cursor, and the log after it."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from exercises.models import Exercise, Muscle, Variation
from hipext.content.publishing import documents_flushed
from hipext.models import Document, DocumentChange, DocumentLogPrune
from tests.factories import full_exercise

pytestmark = pytest.mark.django_db

SNAPSHOT, CHANGES = "/api/snapshot", "/api/changes"


def cursor_now():
    return DocumentChange.objects.latest("seq").seq


def changes(client, since, **params):
    response = client.get(CHANGES, {"since": since, **params})
    assert response.status_code == 200, response.content
    return response.json()


def detail(client, kind, slug):
    return client.get(reverse(f"{kind}-detail", kwargs={"slug": slug})).json()


def test_the_snapshot_holds_every_document_as_its_detail_endpoint_answers(
    seeded, api_client
):
    response = api_client.get(SNAPSHOT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["cursor"] == str(cursor_now())
    entries = body["documents"]
    assert len(entries) == Document.objects.filter(language="en").count() > 40
    for entry in entries:
        assert entry["document"] == detail(api_client, entry["kind"], entry["slug"])
    exercise = Exercise.objects.get(slug="glute-bridges")
    (bridge,) = [
        e for e in entries if e["kind"] == "exercise" and e["id"] == exercise.pk
    ]
    assert bridge["uuid"] == str(exercise.uuid)
    assert {e["uuid"] for e in entries if e["kind"] == "muscle"} == {None}


def test_an_edit_is_one_update_carrying_the_new_documents(seeded, api_client):
    since = api_client.get(SNAPSHOT).json()["cursor"]
    with documents_flushed():
        muscle = Muscle.objects.get(slug="gluteus-maximus")
        muscle.name = "Gluteus maximus (largest)"
        muscle.save()
    body = changes(api_client, since)
    entries = body["changes"]
    assert {e["action"] for e in entries} == {"update"}
    kinds = {(e["kind"], e["slug"]) for e in entries}
    assert ("muscle", "gluteus-maximus") in kinds
    # The exercises naming the muscle embed its name: they changed too.
    assert ("exercise", "glute-bridges") in kinds
    for entry in entries:
        assert entry["document"] == detail(api_client, entry["kind"], entry["slug"])
    assert body["cursor"] == entries[-1]["cursor"] == str(cursor_now())
    assert body["has_more"] is False
    assert body["next"] is None
    # Read on from the cursor: nothing new.
    again = changes(api_client, body["cursor"])
    assert again == {
        "cursor": body["cursor"],
        "has_more": False,
        "next": None,
        "changes": [],
    }


def test_a_translation_edit_is_an_update_each_language_reads_in_its_own(
    seeded, api_client
):
    since = api_client.get(SNAPSHOT).json()["cursor"]
    with documents_flushed():
        exercise = Exercise.objects.get(slug="glute-bridges")
        exercise.name_es = "Puente de glúteos (editado)"
        exercise.save()

    spanish = changes(api_client, since, lang="es")["changes"]
    english = changes(api_client, since)["changes"]

    assert {(e["kind"], e["slug"], e["action"]) for e in spanish} >= {
        ("exercise", "glute-bridges", "update")
    }
    assert [e["cursor"] for e in spanish] == [e["cursor"] for e in english]
    (bridge,) = [e for e in spanish if e["slug"] == "glute-bridges"]
    assert bridge["document"]["name"] == "Puente de glúteos (editado)"
    assert bridge["document"]["translation"]["language"] == "es"
    (bridge,) = [e for e in english if e["slug"] == "glute-bridges"]
    assert bridge["document"]["name"] == exercise.name_en
    paged = changes(api_client, 0, lang="es", limit=1)
    assert paged["next"].endswith(f"?since={paged['cursor']}&limit=1&lang=es")
    snapshot = api_client.get(SNAPSHOT, {"lang": "es"}).json()["documents"]
    assert len(snapshot) == Document.objects.filter(language="es").count()
    (bridge,) = [
        e for e in snapshot if e["kind"] == "exercise" and e["slug"] == "glute-bridges"
    ]
    assert bridge["document"]["name"] == "Puente de glúteos (editado)"


def test_create_update_and_delete_in_order_with_tombstones(db, api_client):
    since = 0
    with documents_flushed():
        exercise = full_exercise(slug="sync-one")
    uuid = str(exercise.uuid)
    with documents_flushed():
        exercise.summary = "Changed."
        exercise.save()
    with documents_flushed():
        Variation.objects.filter(variant=exercise).delete()
        exercise.delete()
    entries = [
        e for e in changes(api_client, since)["changes"] if e["slug"] == "sync-one"
    ]
    assert [e["action"] for e in entries] == ["create", "update", "delete"]
    assert {e["uuid"] for e in entries} == {uuid}
    # Gone: no entry carries a document any more.
    assert ["document" in e for e in entries] == [False, False, False]
    cursors = [int(e["cursor"]) for e in entries]
    assert cursors == sorted(cursors)


def test_only_the_last_entry_of_an_object_carries_its_document(db, api_client):
    with documents_flushed():
        exercise = full_exercise(slug="sync-two")
    for summary in ("One.", "Two."):
        with documents_flushed():
            exercise.summary = summary
            exercise.save()
    entries = [e for e in changes(api_client, 0)["changes"] if e["slug"] == "sync-two"]
    assert [e["action"] for e in entries] == ["create", "update", "update"]
    assert ["document" in e for e in entries] == [False, False, True]
    assert entries[-1]["document"]["summary"] == "Two."


def test_a_renamed_object_keeps_its_id(db, api_client):
    with documents_flushed():
        exercise = full_exercise(slug="old-slug")
    since = cursor_now()
    with documents_flushed():
        exercise.slug = "new-slug"
        exercise.save()
    (entry,) = [
        e
        for e in changes(api_client, since)["changes"]
        if e["kind"] == "exercise" and e["id"] == exercise.pk
    ]
    assert (entry["slug"], entry["action"]) == ("new-slug", "update")
    assert entry["document"]["url"].endswith("/api/exercises/new-slug")


def test_pages_follow_the_cursor(seeded, api_client):
    total = DocumentChange.objects.count()
    seen, since, pages = [], "0", 0
    while True:
        body = changes(api_client, since, limit=10)
        pages += 1
        seen += [e["cursor"] for e in body["changes"]]
        since = body["cursor"]
        if not body["has_more"]:
            assert body["next"] is None
            break
        assert body["next"].endswith(f"{CHANGES}?since={since}&limit=10")
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 10)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?since=", "since"),
        ("?since=-1", "since"),
        ("?since=abc", "since"),
        ("?since=1.5", "since"),
        ("?since=0&limit=0", "limit"),
        ("?since=0&limit=1001", "limit"),
        ("?since=0&limit=x", "limit"),
        ("?since=0&page=2", "page"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_it(seeded, api_client, query, parameter):
    response = api_client.get(CHANGES + query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert parameter in response.json()["errors"]


def test_a_cursor_ahead_of_the_log_is_not_found(seeded, api_client):
    response = api_client.get(CHANGES, {"since": cursor_now() + 1})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "/api/snapshot" in response.json()["detail"]


def test_the_snapshot_takes_no_parameters(seeded, api_client):
    response = api_client.get(SNAPSHOT + "?kind=exercise")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_writes_are_refused(seeded, api_client):
    for path in (SNAPSHOT, CHANGES + "?since=0"):
        assert api_client.post(path, {}).status_code == 405


def test_pruning_keeps_documents_last_entries_and_expires_older_cursors(db, api_client):
    with documents_flushed():
        kept = full_exercise(slug="kept")
        gone = full_exercise(slug="gone")
    with documents_flushed():
        Variation.objects.filter(variant=gone).delete()
        gone.delete()
    tombstone = DocumentChange.objects.get(slug="gone", action="delete")
    DocumentChange.objects.update(at=timezone.now() - timedelta(days=31))
    with documents_flushed():
        kept.summary = "Recent."
        kept.save()
    recent = cursor_now()

    call_command("prune_changes")

    floor = DocumentLogPrune.objects.get().through
    assert floor >= tombstone.seq
    assert not DocumentChange.objects.filter(seq=tombstone.seq).exists()
    # Every document's last entry stays (the snapshot reads uuids from it).
    assert set(Document.objects.values_list("seq", flat=True)) <= set(
        DocumentChange.objects.values_list("seq", flat=True)
    )
    assert DocumentChange.objects.filter(seq=recent).exists()

    expired = api_client.get(CHANGES, {"since": floor - 1})
    assert expired.status_code == 410
    assert expired["Content-Type"] == "application/problem+json"
    assert "/api/snapshot" in expired.json()["detail"]
    body = changes(api_client, floor)
    assert [e["cursor"] for e in body["changes"]] == [
        str(seq)
        for seq in DocumentChange.objects.filter(seq__gt=floor).values_list(
            "seq", flat=True
        )
    ]
    # A snapshot's cursor is always answered.
    assert (
        changes(api_client, api_client.get(SNAPSHOT).json()["cursor"])["changes"] == []
    )


def test_prune_changes_refuses_a_negative_period(db):
    with pytest.raises(CommandError, match="--days"):
        call_command("prune_changes", "--days", "-1")


def test_query_counts(seeded, api_client, django_assert_num_queries):
    since = cursor_now() - 5
    # The floor, scheduled publications due (none), then the page with its documents.
    with django_assert_num_queries(3):
        assert api_client.get(CHANGES, {"since": since}).status_code == 200
    # Scheduled publications due (none), the cursor, every document with its uuid.
    with django_assert_num_queries(3):
        assert api_client.get(SNAPSHOT).status_code == 200


def test_without_a_cursor_the_feed_starts_at_the_log_s_start(seeded, api_client):
    assert api_client.get(CHANGES).json() == changes(api_client, 0)


def test_the_api_root_links_both(seeded, api_client):
    root = api_client.get("/api").json()
    assert root["changes"].endswith("/api/changes")
    assert root["snapshot"].endswith("/api/snapshot")
