"""The published documents: what the API answers, re-rendered exactly when they change."""

import logging
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from exercises.models import (
    Equipment,
    Exercise,
    Guideline,
    Muscle,
    MuscleRole,
    Variation,
)
from hipext.content import documents
from hipext.content.documents import (
    PLACEHOLDER_BASE,
    document_body_for,
    document_kinds,
    documents_rebuild,
)
from hipext.content.publishing import documents_flushed
from hipext.content.seeding import content_seed
from hipext.models import Document, DocumentChange
from routines.models import Routine
from tests.factories import (
    EquipmentFactory,
    ExerciseEquipmentFactory,
    ExerciseFactory,
    ExerciseMuscleFactory,
    ExerciseStepFactory,
    GuidelineFactory,
    MuscleFactory,
    RoutineFactory,
    RoutineItemFactory,
    VariationFactory,
    full_exercise,
)

pytestmark = pytest.mark.django_db


def assert_documents_match_the_api(api_client):
    """Every object has a document in every language, equal byte for byte to its
    detail endpoint's body in that language."""
    request = RequestFactory().get("/")
    for kind in document_kinds():
        for language, _ in settings.LANGUAGES:
            stored = {
                doc.object_id: doc
                for doc in Document.objects.filter(kind=kind.name, language=language)
            }
            objects = list(kind.model.objects.all())
            assert objects, f"no {kind.name} to compare"
            assert sorted(stored) == sorted(obj.pk for obj in objects)
            for obj in objects:
                body = document_body_for(request, stored[obj.pk].body)
                assert PLACEHOLDER_BASE not in body
                url = reverse(f"{kind.name}-detail", kwargs={"slug": obj.slug})
                response = api_client.get(url, headers={"Accept-Language": language})
                assert response.status_code == 200
                assert response["Content-Language"] == language
                assert body == response.content, f"{kind.name} {obj.slug} {language}"


@contextmanager
def renders():
    """Counts each document render by (kind, slug, language), as a list of the renders
    made."""
    made = []
    real = documents.document_render

    def spy(kind, obj, request):
        made.append((kind.name, obj.slug, translation.get_language()))
        return real(kind, obj, request)

    with mock.patch.object(documents, "document_render", spy):
        yield made


def etags():
    return {
        (doc.kind, doc.slug, doc.language): doc.etag for doc in Document.objects.all()
    }


def changed(before):
    """The objects (kind, slug) with a document whose etag differs from ``before``, or
    that appeared or went, in any language."""
    after = etags()
    return {
        key[:2]
        for key in before.keys() | after.keys()
        if before.get(key) != after.get(key)
    }


# --- What the documents hold -------------------------------------------------------


def test_seeded_documents_are_the_detail_endpoints_bodies(seeded, api_client):
    assert_documents_match_the_api(api_client)


def test_synthetic_documents_are_the_detail_endpoints_bodies(api_client):
    with documents_flushed():
        catalogue()
        for _ in range(3):
            exercise = full_exercise()
            routine = RoutineFactory()
            RoutineItemFactory(
                routine=routine, exercise=exercise, position=1, sets_min=4
            )
            RoutineItemFactory(routine=routine, position=2, per_side=True)
    assert_documents_match_the_api(api_client)


def test_a_reader_puts_its_own_base_in_place_of_the_placeholder(seeded):
    doc = Document.objects.get(kind="exercise", slug="glute-bridges", language="en")
    request = RequestFactory().get("/", secure=True, HTTP_HOST="api.example.org")
    with mock.patch("django.conf.settings.ALLOWED_HOSTS", ["api.example.org"]):
        body = document_body_for(request, doc.body)
    assert b'"url":"https://api.example.org/api/exercises/glute-bridges"' in body
    assert b"hipext.invalid" not in body


# --- Which documents a change re-renders -------------------------------------------


def catalogue():
    """A catalogue with one object on each side of every dependency rule.

    Muscles: group G with members M1 and M2, and M3 alone. Equipment Q1 (with Q2 as
    its alternative) and Q3. E1 works M1 with Q1 (or Q2) and varies into E2; E2
    works M3 with Q3 and is in no routine; E3 works M2. R1 holds E1 and E3, R2 E3.
    """
    g = MuscleFactory(slug="g", name="G")
    m1 = MuscleFactory(slug="m1", name="M1", group=g)
    m2 = MuscleFactory(slug="m2", name="M2", group=g)
    m3 = MuscleFactory(slug="m3", name="M3")
    q1, q2, q3 = (EquipmentFactory(slug=f"q{n}", name=f"Q{n}") for n in (1, 2, 3))
    e1, e2, e3 = (ExerciseFactory(slug=f"e{n}", name=f"E{n}") for n in (1, 2, 3))
    for exercise in (e1, e2, e3):
        ExerciseStepFactory(exercise=exercise, position=1)
    ExerciseMuscleFactory(exercise=e1, muscle=m1)
    ExerciseMuscleFactory(exercise=e2, muscle=m3)
    ExerciseMuscleFactory(exercise=e3, muscle=m2, role=MuscleRole.SECONDARY)
    ExerciseEquipmentFactory(exercise=e1, equipment=q1).alternatives.add(q2)
    ExerciseEquipmentFactory(exercise=e2, equipment=q3)
    VariationFactory(exercise=e1, variant=e2, name="Harder")
    r1, r2 = RoutineFactory(slug="r1"), RoutineFactory(slug="r2")
    RoutineItemFactory(routine=r1, exercise=e1, position=1)
    RoutineItemFactory(routine=r1, exercise=e3, position=2)
    RoutineItemFactory(routine=r2, exercise=e3, position=1)
    GuidelineFactory(slug="l1", position=1)
    GuidelineFactory(slug="l2", position=2)


@pytest.fixture
def built():
    with documents_flushed():
        catalogue()
    return etags()


def rename(model, current, /, **fields):
    obj = model.objects.get(slug=current)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


def edit(change):
    """Make ``change`` as a write path does; the documents it rendered, by key."""
    with renders() as made, documents_flushed():
        change()
    assert len(made) == len(set(made)), "a document was rendered twice"
    # Every object in every language, once.
    objects = {(kind, slug) for kind, slug, _ in made}
    assert len(made) == len(objects) * len(settings.LANGUAGES)
    return objects


M, Q, E, R = "muscle", "equipment", "exercise", "routine"


def test_a_muscle_change_reaches_its_group_its_exercises_and_their_routines(built):
    edit(lambda: rename(Muscle, "m1", name="M1 renamed"))
    assert changed(built) == {(M, "m1"), (M, "g"), (E, "e1"), (R, "r1")}


def test_a_group_slug_change_reaches_its_members_and_their_exercises(built):
    edit(lambda: rename(Muscle, "g", slug="g2"))
    assert changed(built) == {
        *((M, slug) for slug in ("g", "g2", "m1", "m2")),
        (E, "e1"),
        (E, "e3"),
        (R, "r1"),
        (R, "r2"),
    }


def test_a_muscle_leaving_its_group_re_renders_the_group_it_left(built):
    edit(lambda: rename(Muscle, "m1", group=None))
    assert changed(built) == {(M, "m1"), (M, "g"), (E, "e1"), (R, "r1")}


def test_an_equipment_change_reaches_exercises_using_it_as_an_alternative(built):
    edit(lambda: rename(Equipment, "q2", name="Q2 renamed"))
    assert changed(built) == {(Q, "q2"), (E, "e1"), (R, "r1")}


def test_an_equipment_change_reaches_exercises_needing_it(built):
    edit(lambda: rename(Equipment, "q3", name="Q3 renamed"))
    assert changed(built) == {(Q, "q3"), (E, "e2")}


def test_an_exercise_change_reaches_its_routines(built):
    made = edit(lambda: rename(Exercise, "e3", name="E3 renamed"))
    assert made == {(E, "e3"), (R, "r1"), (R, "r2")}
    assert changed(built) == {(E, "e3"), (R, "r1"), (R, "r2")}


def test_an_exercise_slug_change_reaches_the_exercises_varying_into_it(built):
    made = edit(lambda: rename(Exercise, "e2", slug="e2b"))
    # R1 holds E1, whose variations it does not show: rendered, unchanged.
    assert made == {(E, "e2b"), (E, "e1"), (R, "r1")}
    assert changed(built) == {(E, "e2"), (E, "e2b"), (E, "e1")}


def test_a_step_change_re_renders_its_exercise_and_routines_only(built):
    def change():
        step = Exercise.objects.get(slug="e3").steps.get()
        step.text = "Another text."
        step.save()

    assert edit(change) == {(E, "e3"), (R, "r1"), (R, "r2")}
    assert changed(built) == {(E, "e3")}


def test_link_and_variation_changes_re_render_their_exercise(built):
    e1 = Exercise.objects.get(slug="e1")
    edit(lambda: e1.muscle_links.update_or_create(defaults={"role": "secondary"}))
    assert changed(built) == {(E, "e1"), (R, "r1")}
    before = etags()
    edit(lambda: e1.equipment_links.get().alternatives.clear())
    assert changed(before) == {(E, "e1"), (R, "r1")}
    before = etags()
    edit(lambda: e1.variations.update_or_create(defaults={"note": "Slowly."}))
    assert changed(before) == {(E, "e1")}


def test_an_item_change_re_renders_its_routine_only(built):
    def change():
        item = Routine.objects.get(slug="r1").items.get(position=2)
        item.note = "Slowly."
        item.save()

    assert edit(change) == {(R, "r1")}
    assert changed(built) == {(R, "r1")}


def test_a_guideline_change_re_renders_it_only(built):
    assert edit(lambda: rename(Guideline, "l2", title="New title")) == {
        ("guideline", "l2")
    }
    assert changed(built) == {("guideline", "l2")}


def test_a_deletion_leaves_a_tombstone_and_re_renders_its_dependents(built):
    last = DocumentChange.objects.latest("seq").seq

    def delete_e2():
        # An exercise another one names as its variant is protected (RESTRICT): the
        # editor removes that variation first, in the same save.
        Variation.objects.filter(variant__slug="e2").delete()
        Exercise.objects.get(slug="e2").delete()

    edit(delete_e2)
    assert not Document.objects.filter(kind=E, slug="e2").exists()
    assert changed(built) == {(E, "e2"), (E, "e1")}
    log = DocumentChange.objects.filter(seq__gt=last)
    assert {(c.kind, c.slug, c.action) for c in log} == {
        (E, "e2", "delete"),
        (E, "e1", "update"),
    }
    assert (
        Document.objects.get(kind=E, slug="e1", language="en").seq
        == log.get(slug="e1").seq
    )


# --- When documents are rendered ----------------------------------------------------


def test_the_seed_renders_each_object_once_and_again_renders_nothing(db):
    with renders() as made:
        content_seed()
    objects = sum(kind.model.objects.count() for kind in document_kinds())
    documents = objects * len(settings.LANGUAGES)
    assert len(made) == len(set(made)) == documents == Document.objects.count()
    last = DocumentChange.objects.latest("seq").seq
    with renders() as made:
        content_seed()
    assert made == []
    assert DocumentChange.objects.latest("seq").seq == last


def test_changes_a_write_path_left_pending_are_rendered_at_commit(
    built, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.WARNING, "hipext.content.publishing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rename(Guideline, "l1", title="Unflushed")
    assert changed(built) == {("guideline", "l1")}
    assert "pending at commit" in caplog.text


def test_a_rolled_back_change_is_not_rendered(built):
    with renders() as made, documents_flushed():
        try:
            with transaction.atomic():
                rename(Guideline, "l1", title="Rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
        rename(Guideline, "l2", title="Kept")
    assert made == [("guideline", "l2", language) for language, _ in settings.LANGUAGES]


# --- The commands -------------------------------------------------------------------


def test_check_passes_on_fresh_documents_and_rebuild_changes_nothing(seeded, capsys):
    call_command("check_documents")
    last = DocumentChange.objects.latest("seq").seq
    call_command("rebuild_documents")
    assert DocumentChange.objects.latest("seq").seq == last
    assert "every one matches" in capsys.readouterr().out


def test_check_reports_stale_documents_and_rebuild_repairs_them(seeded, capsys):
    Document.objects.filter(kind=E, slug="glute-bridges").update(body=b"{}")
    Document.objects.filter(kind=M, slug="hamstrings").delete()
    Document.objects.create(
        kind=Q, object_id=10**9, slug="gone", body=b"{}", etag="x", seq=0
    )
    # Each of the two objects in every language, and the orphan.
    stale = 2 * len(settings.LANGUAGES) + 1
    with pytest.raises(CommandError, match=f"{stale} documents are stale"):
        call_command("check_documents")
    out = capsys.readouterr().out
    assert "exercise glute-bridges (id " in out
    assert "muscle hamstrings (id " in out
    assert "equipment gone (id 1000000000): orphaned" in out
    for language, _ in settings.LANGUAGES:
        assert out.count(f"differs ({language})") == 1
        assert out.count(f"missing ({language})") == 1

    assert documents_rebuild()[1] == 1
    call_command("check_documents")
    assert DocumentChange.objects.filter(slug="gone", action="delete").exists()


@pytest.mark.django_db(transaction=True)
def test_changes_in_autocommit_are_rendered_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING, "hipext.content.publishing"):
        guideline = GuidelineFactory(slug="shell")  # a save: rendered at once
        assert Document.objects.filter(kind="guideline", slug="shell").exists()
        guideline.title = "Edited in a shell"
        guideline.save()
        assert b"Edited in a shell" in bytes(
            Document.objects.get(kind="guideline", slug="shell", language="en").body
        )
        guideline.delete()  # in Django's own block: rendered at its commit
    assert not Document.objects.filter(kind="guideline").exists()
    assert DocumentChange.objects.filter(slug="shell", action="delete").exists()
    assert caplog.text == ""


@pytest.mark.django_db(transaction=True)
def test_a_move_in_autocommit_re_renders_the_group_it_left():
    group = MuscleFactory(slug="g")
    member = MuscleFactory(slug="m", group=group)
    assert b'"slug":"m"' in bytes(
        Document.objects.get(kind="muscle", slug="g", language="en").body
    )
    member.group = None
    member.save()
    assert b'"slug":"m"' not in bytes(
        Document.objects.get(kind="muscle", slug="g", language="en").body
    )
