"""Revision history: what the seed and saves record, and restoring any revision."""

import pytest
from reversion.models import Revision, Version

from exercises.models import Equipment, Exercise, ExerciseMuscle, Muscle
from hipext.content.history import (
    SYSTEM_USERNAME,
    RevertError,
    content_recover,
    content_revert,
    deletion_record,
    history_recorded,
    latest_deleted,
)
from hipext.content.historydiff import revisions_compare, words_diff
from hipext.content.seeding import content_seed
from hipext.content.transfer import content_export_write, content_import
from hipext.models import Document
from routines.models import Routine
from tests.hipext.content.test_documents import assert_documents_match_the_api

pytestmark = pytest.mark.django_db


def revisions_of(obj):
    return [
        v.revision
        for v in Version.objects.get_for_object(obj).order_by("revision__date_created")
    ]


def steps_of(exercise):
    return list(exercise.steps.order_by("position").values_list("text", flat=True))


def test_the_seed_records_one_revision_by_the_system_user_and_a_rerun_none(seeded):
    assert Revision.objects.count() == 1
    revision = Revision.objects.get()
    assert revision.user.username == SYSTEM_USERNAME
    assert not revision.user.is_active
    assert not revision.user.has_usable_password()
    assert revision.comment == "Seed."
    exercise = Exercise.objects.get(slug="glute-bridges")
    held = {v.content_type.model for v in revision.version_set.all()}
    assert {
        "exercise",
        "exercisestep",
        "exercisemuscle",
        "routine",
        "routineitem",
    } <= held
    assert {"muscle", "equipment", "guideline", "variation"} <= held
    assert revisions_of(exercise) == [revision]

    content_seed()

    assert Revision.objects.count() == 1


def test_seed_overwrite_is_a_revision_an_editor_can_revert(seeded, admin_user):
    exercise = Exercise.objects.get(slug="glute-bridges")
    with history_recorded(comment="Editor's wording.", user=admin_user):
        exercise.summary = "An editor's own summary."
        exercise.save()
        step = exercise.steps.get(position=1)
        step.text = "An editor's own first step."
        step.save()
    edited = revisions_of(exercise)[-1]

    content_seed(overwrite=True)

    overwrite = revisions_of(exercise)[-1]
    assert overwrite.comment == "Seed with --overwrite."
    assert overwrite.user.username == SYSTEM_USERNAME
    exercise.refresh_from_db()
    assert exercise.summary != "An editor's own summary."

    content_revert(
        model=Exercise,
        object_id=exercise.pk,
        revision=edited,
        user=admin_user,
        comment="Undo the overwrite.",
    )

    exercise.refresh_from_db()
    assert exercise.summary == "An editor's own summary."
    assert steps_of(exercise)[0] == "An editor's own first step."
    latest = revisions_of(exercise)[-1]
    assert (latest.comment, latest.user) == ("Undo the overwrite.", admin_user)


def test_revert_restores_swapped_and_deleted_steps_in_one_save(seeded, admin_user):
    exercise = Exercise.objects.get(slug="stepups")
    original = revisions_of(exercise)[-1]
    before = steps_of(exercise)
    revision_number = exercise.revision
    with history_recorded(comment="Reordered.", user=admin_user):
        steps = list(exercise.steps.order_by("position"))
        steps[-1].delete()
        for step in steps[:-1]:
            step.position += 100
            step.save()
        exercise.save()
    assert steps_of(exercise) == before[:-1]

    content_revert(
        model=Exercise,
        object_id=exercise.pk,
        revision=original,
        user=admin_user,
        comment="Back.",
    )

    exercise.refresh_from_db()
    assert steps_of(exercise) == before
    assert list(
        exercise.steps.order_by("position").values_list("position", flat=True)
    ) == list(range(1, len(before) + 1))
    # The locking number only moves up: a form opened before the revert is refused.
    assert exercise.revision == revision_number + 2


def test_revert_renders_the_documents_as_the_api_then_shows(
    seeded, admin_user, api_client
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    original = revisions_of(exercise)[-1]
    with history_recorded(comment="Changed.", user=admin_user):
        exercise.summary = "Changed."
        exercise.save()

    content_revert(
        model=Exercise,
        object_id=exercise.pk,
        revision=original,
        user=admin_user,
        comment="Back.",
    )

    body = bytes(
        Document.objects.get(kind="exercise", object_id=exercise.pk, language="en").body
    )
    assert b"Changed." not in body
    assert Exercise.objects.get(pk=exercise.pk).summary.encode() in body
    assert_documents_match_the_api(api_client)


def test_revert_naming_a_muscle_deleted_since_is_refused_and_changes_nothing(
    seeded, admin_user
):
    exercise = Exercise.objects.get(slug="glute-bridges")
    muscle = Muscle.objects.create(name="Test muscle", slug="test-muscle")
    with history_recorded(comment="Added a muscle.", user=admin_user):
        ExerciseMuscle.objects.create(
            exercise=exercise, muscle=muscle, role="secondary"
        )
        exercise.save()
    with_muscle = revisions_of(exercise)[-1]
    with history_recorded(comment="Removed it.", user=admin_user):
        exercise.muscle_links.filter(muscle=muscle).delete()
        exercise.summary = "Without the test muscle."
        exercise.save()
    muscle.delete()

    with pytest.raises(RevertError, match="names a muscle deleted since"):
        content_revert(
            model=Exercise,
            object_id=exercise.pk,
            revision=with_muscle,
            user=admin_user,
            comment="Back.",
        )

    exercise.refresh_from_db()
    assert exercise.summary == "Without the test muscle."
    assert revisions_of(exercise)[-1].comment == "Removed it."


def test_revert_of_a_routine_checks_the_articles_rules_again(seeded, admin_user):
    routine = Routine.objects.filter(difficulty="beginner").first()
    original = revisions_of(routine)[-1]
    exercise = routine.items.order_by("position").first().exercise
    # The exercise is harder now than the routine's level allows.
    Exercise.objects.filter(pk=exercise.pk).update(difficulty="advanced")
    with history_recorded(comment="Renamed.", user=admin_user):
        routine.name = "Renamed routine"
        routine.save()

    with pytest.raises(RevertError):
        content_revert(
            model=Routine,
            object_id=routine.pk,
            revision=original,
            user=admin_user,
            comment="Back.",
        )

    assert Routine.objects.get(pk=routine.pk).name == "Renamed routine"


def test_a_deleted_exercise_is_recovered_with_its_children(seeded, admin_user):
    exercise = Exercise.objects.get(slug="stepups")
    steps = steps_of(exercise)
    muscles = set(exercise.muscle_links.values_list("muscle__slug", "role"))
    equipment = {
        (link.equipment.slug, tuple(sorted(a.slug for a in link.alternatives.all())))
        for link in exercise.equipment_links.all()
    }
    pk = exercise.pk
    exercise.routine_items.all().delete()  # routines protect the exercises they hold
    deletion_record([exercise], user=admin_user)
    exercise.delete()
    assert not Exercise.objects.filter(pk=pk).exists()

    version = latest_deleted(Exercise).get()
    assert version.object_id == str(pk)
    recovered = content_recover(version=version, user=admin_user)

    assert recovered.pk == pk
    assert steps_of(recovered) == steps
    assert set(recovered.muscle_links.values_list("muscle__slug", "role")) == muscles
    assert {
        (link.equipment.slug, tuple(sorted(a.slug for a in link.alternatives.all())))
        for link in recovered.equipment_links.all()
    } == equipment
    assert not latest_deleted(Exercise).exists()
    assert revisions_of(recovered)[-1].comment.startswith("Recovered from revision")


def test_recovering_an_exercise_whose_name_was_taken_since_is_refused(
    seeded, admin_user
):
    exercise = Exercise.objects.get(slug="stepups")
    exercise.routine_items.all().delete()
    deletion_record([exercise], user=admin_user)
    exercise.delete()
    taken = Exercise.objects.get(slug="glute-bridges")
    taken.slug = "stepups"
    taken.save()

    with pytest.raises(RevertError, match=r"(?i)slug already exists"):
        content_recover(version=latest_deleted(Exercise).get(), user=admin_user)

    assert not Exercise.objects.filter(name="Stepups").exists()


def test_the_comparison_shows_changed_fields_and_steps_word_by_word(seeded, admin_user):
    exercise = Exercise.objects.get(slug="glute-bridges")
    old = revisions_of(exercise)[-1]
    with history_recorded(comment="Edited.", user=admin_user):
        exercise.difficulty_basis = "Chosen for the test."
        exercise.save()
        step = exercise.steps.get(position=2)
        step.text = step.text + " Slowly."
        step.save()
        exercise.steps.get(position=4).delete()
    new = revisions_of(exercise)[-1]

    comparison = revisions_compare(Exercise, exercise.pk, old, new)

    assert [c.label for c in comparison.fields] == ["difficulty basis [en]"]
    steps = next(s for s in comparison.sections if s.title == "Exercise steps")
    kinds = [line.kind for line in steps.lines]
    assert kinds == ["equal", "changed", "equal", "removed"]
    # The English text changed; the Spanish and German ones follow it on the line.
    assert "<ins>Slowly. </ins>· text [es]: " in steps.lines[1].new
    muscles = next(s for s in comparison.sections if s.title == "Exercise muscles")
    assert not muscles.changed
    assert not revisions_compare(Exercise, exercise.pk, new, new).changed


def test_words_diff_escapes_what_it_marks():
    old, new = words_diff("Lift <b>hips</b>", "Lift <i>hips</i> high")
    assert "<b>" not in old
    assert "&lt;b&gt;" in old
    assert "<ins>" in new
    assert "&lt;i&gt;" in new


def test_equipment_alternatives_are_in_the_exercises_revision(seeded):
    exercise = Exercise.objects.get(slug="stepups")
    revision = revisions_of(exercise)[-1]
    alternatives = revision.version_set.filter(
        content_type__model="exerciseequipmentalternative"
    )
    assert alternatives.exists()
    assert Equipment.objects.filter(alternative_links__isnull=False).exists()


def test_an_import_records_a_revision_by_the_system_user(seeded, admin_user, tmp_path):
    content_export_write(path=tmp_path / "export.yaml")
    exercise = Exercise.objects.get(slug="glute-bridges")
    with history_recorded(comment="Edited.", user=admin_user):
        exercise.summary = "Edited before the import."
        exercise.save()

    content_import(path=tmp_path / "export.yaml", force=True)

    latest = revisions_of(exercise)[-1]
    assert latest.comment == "Import of export.yaml."
    assert latest.user.username == SYSTEM_USERNAME
    assert Exercise.objects.get(pk=exercise.pk).summary != "Edited before the import."
