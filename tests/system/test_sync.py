"""The sync contract: a copy kept by snapshot + changes equals a fresh snapshot.

A client takes a snapshot, then after each burst of random edits reads the changes
feed (in small pages, so entries of one object straddle pages) and applies them. After
every burst its copy must be the catalogue a fresh snapshot gives.
"""

import datetime
import random
from unittest import mock

import pytest
from django.utils import timezone

from exercises.models import Equipment, Exercise, Guideline, Muscle, Variation
from exercises.services import exercise_steps_set
from hipext.content.publication import Publication, schedule_forget
from hipext.content.publishing import documents_flushed
from routines.models import Routine
from routines.services import routine_items_set
from tests.factories import (
    GuidelineFactory,
    RoutineFactory,
    RoutineItemFactory,
    full_exercise,
)

pytestmark = pytest.mark.django_db

REMOVALS = {"unpublish", "delete"}


class SyncClient:
    """An app's local copy: ``{(kind, id): document}``."""

    def __init__(self, client):
        self.client = client
        snapshot = client.get("/api/snapshot").json()
        self.copy = {(e["kind"], e["id"]): e["document"] for e in snapshot["documents"]}
        self.cursor = snapshot["cursor"]

    def sync(self, limit):
        while True:
            response = self.client.get(
                "/api/changes", {"since": self.cursor, "limit": limit}
            )
            assert response.status_code == 200, response.content
            body = response.json()
            for entry in body["changes"]:
                key = (entry["kind"], entry["id"])
                if entry["action"] in REMOVALS:
                    assert "document" not in entry
                    self.copy.pop(key, None)
                elif "document" in entry:
                    self.copy[key] = entry["document"]
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return


def fresh(client):
    snapshot = client.get("/api/snapshot").json()
    return {(e["kind"], e["id"]): e["document"] for e in snapshot["documents"]}


def _exercise(rng):
    return rng.choice(list(Exercise.objects.order_by("pk")))


def create_exercise(rng, n):
    full_exercise(slug=f"synced-{n}")


def edit_exercise(rng, n):
    exercise = _exercise(rng)
    exercise.summary = f"Edited {n}."
    exercise.save()


def rename_exercise(rng, n):
    exercise = _exercise(rng)
    exercise.slug = f"renamed-{n}"
    exercise.save()


def reorder_steps(rng, n):
    exercise = _exercise(rng)
    texts = list(exercise.steps.order_by("position").values_list("text", flat=True))
    rng.shuffle(texts)
    if rng.random() < 0.5:
        texts.insert(rng.randrange(len(texts) + 1), f"Inserted step {n}.")
    exercise_steps_set(exercise=exercise, texts=texts)


def delete_exercise(rng, n):
    exercise = _exercise(rng)
    Variation.objects.filter(variant=exercise).delete()
    exercise.routine_items.all().delete()
    exercise.delete()


def edit_muscle(rng, n):
    muscle = rng.choice(list(Muscle.objects.order_by("pk")))
    muscle.name = f"Edited muscle {n}"
    muscle.save()


def edit_equipment(rng, n):
    item = rng.choice(list(Equipment.objects.order_by("pk")))
    item.name = f"Edited equipment {n}"
    item.save()


def routine_change(rng, n):
    routines = list(Routine.objects.order_by("pk"))
    if not routines or rng.random() < 0.3:
        routine = RoutineFactory(slug=f"routine-synced-{n}")
        RoutineItemFactory(routine=routine, position=1, exercise=_exercise(rng))
        return
    routine = rng.choice(routines)
    if rng.random() < 0.3:
        routine.delete()
        return
    items = [
        {
            "exercise": item.exercise,
            "dose": {},
            "rest_seconds": item.rest_seconds,
            "note": item.note,
        }
        for item in routine.items.order_by("position")
    ]
    rng.shuffle(items)
    routine_items_set(routine=routine, items=items)


def guideline_change(rng, n):
    guidelines = list(Guideline.objects.order_by("pk"))
    if guidelines and rng.random() < 0.4:
        rng.choice(guidelines).delete()
    else:
        GuidelineFactory(slug=f"guideline-synced-{n}")


class Clock:
    """The time everything reads (timezone.now), moved on by the test."""

    def __init__(self):
        self.at = timezone.now()

    def now(self):
        return self.at


clock = Clock()


def schedule_exercise(rng, n):
    full_exercise(
        slug=f"scheduled-{n}",
        status=Publication.PUBLISHED,
        published_at=clock.now() + datetime.timedelta(seconds=rng.choice([5, 50])),
    )


def reschedule_exercise(rng, n):
    """A visible exercise moved into the future: it leaves, and comes back later."""
    free = list(
        Exercise.objects.filter(
            routine_items__isnull=True, published_at__lte=clock.now()
        ).order_by("pk")
    )
    if free:
        exercise = rng.choice(free)
        exercise.published_at = clock.now() + datetime.timedelta(seconds=20)
        exercise.save()


def time_passes(rng, n):
    clock.at += datetime.timedelta(seconds=30)
    schedule_forget()


OPERATIONS = [
    schedule_exercise,
    reschedule_exercise,
    time_passes,
    create_exercise,
    edit_exercise,
    rename_exercise,
    reorder_steps,
    delete_exercise,
    edit_muscle,
    edit_equipment,
    routine_change,
    guideline_change,
]


@pytest.fixture
def clocked():
    clock.at = timezone.now()
    with mock.patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_synced_copy_equals_a_fresh_snapshot(api_client, clocked, seed):
    rng = random.Random(seed)
    with documents_flushed():
        for n in range(6):
            full_exercise(slug=f"start-{n}")
        GuidelineFactory(slug="start-guideline")
    app = SyncClient(api_client)
    assert app.copy == fresh(api_client)
    applied = []
    for burst in range(10):
        for step in range(rng.randint(1, 5)):
            operation = rng.choice(OPERATIONS)
            if operation is delete_exercise and Exercise.objects.count() < 3:
                operation = create_exercise
            # Each operation is one transaction, as an admin save is.
            with documents_flushed():
                operation(rng, burst * 10 + step)
            applied.append(operation.__name__)
        app.sync(limit=rng.choice([1, 3, 100]))
        assert app.copy == fresh(api_client), applied
    # Every kind of change happened in this sequence.
    assert len(set(applied)) >= 6, applied
