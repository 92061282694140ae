"""No lost data: the seed spares editors' work, exports round-trip, migrations reverse,
and concurrent saves of one exercise's steps never interleave."""

import json
import os
import threading
import time
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from exercises.models import Exercise, ExerciseStep, Guideline
from exercises.services import exercise_steps_set
from hipext.content.ordering import ordered_children_save
from hipext.content.publishing import documents_note
from hipext.content.seeding import content_export, content_seed
from hipext.content.transfer import content_export_files
from hipext.models import SeedRecord
from tests.conftest import postgresql_only, run_in_thread
from tests.factories import ExerciseFactory
from tests.servers import PROJECT_DIR, server_env
from tests.servers import manage as run_manage

# --- The seed spares editors' changes --------------------------------------------------


def editor_changes():
    """What an editor might do in the admin: edit an exercise, delete a guideline."""
    exercise = Exercise.objects.get(slug="glute-bridges")
    exercise.summary = "Edited by an editor."
    exercise.save()
    step = exercise.steps.get(position=1)
    step.text = "An editor's own first step."
    step.save()
    Guideline.objects.order_by("position").first().delete()
    return exercise


def test_reseeding_never_destroys_an_editor_s_change(seeded):
    exercise = editor_changes()
    deleted = set(Guideline.objects.values_list("slug", flat=True))

    report = content_seed()

    exercise.refresh_from_db()
    assert exercise.summary == "Edited by an editor."
    assert exercise.steps.get(position=1).text == "An editor's own first step."
    assert set(Guideline.objects.values_list("slug", flat=True)) == deleted
    assert not report.changed
    assert len(report.skipped) == 2


def test_overwrite_restores_the_seed_content(seeded):
    before = content_export()
    editor_changes()

    content_seed(overwrite=True)

    after = content_export()
    # A restored guideline is appended, so compare guidelines regardless of order;
    # it is published anew, at the time of the restore.
    for export in (before, after):
        export["guidelines.yaml"].sort(key=lambda guideline: guideline["slug"])
        for guideline in export["guidelines.yaml"]:
            assert guideline.pop("published_at") is not None
    assert after == before


# --- Export and import -----------------------------------------------------------------


def content_delete():
    """Empty the content tables, as a fresh database would be."""
    call_command("flush", "--no-input", verbosity=0)
    assert not Exercise.objects.exists()
    assert not SeedRecord.objects.exists()


# flush truncates tables, which PostgreSQL refuses inside a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["export", "export.yaml"])
def test_export_then_import_into_an_empty_database_gives_identical_content(
    seeded, tmp_path, target
):
    editor_changes()
    ExerciseFactory(slug="an-editor-s-own", name="An editor's own")
    before = content_export_files()

    call_command("export_content", str(tmp_path / target), verbosity=0)
    content_delete()
    call_command("import_content", str(tmp_path / target), verbosity=0)

    assert content_export_files() == before
    # The seed still knows what the editor changed, deleted and added.
    report = content_seed()
    assert not report.changed
    assert len(report.skipped) == 2
    assert Exercise.objects.get(slug="glute-bridges").summary == "Edited by an editor."


TIMESTAMPS = {"created_at", "updated_at"}


def without_timestamps(data):
    """``data`` less its timestamps, which an import cannot keep (they mean "saved at")."""
    if isinstance(data, dict):
        return {
            key: without_timestamps(value)
            for key, value in data.items()
            if key not in TIMESTAMPS
        }
    if isinstance(data, list):
        return [without_timestamps(item) for item in data]
    return data


def api_snapshot(client):
    """The JSON of the API root, every page of every list, and every object's detail."""
    from exercises.urls import router

    snapshot = {"/api/": client.get("/api/").json()}
    for prefix, _, _ in router.registry:
        details = []
        for first in (f"/api/{prefix}", f"/api/{prefix}?page_size=100"):
            url = first
            while url:
                response = client.get(url)
                assert response.status_code == 200, url
                page = response.json()
                snapshot[url] = without_timestamps(page)
                details += [item["url"] for item in page["results"]]
                url = page["next"]
        for url in details:
            response = client.get(url)
            assert response.status_code == 200, url
            snapshot[url] = without_timestamps(response.json())
    return snapshot


@pytest.mark.django_db(transaction=True)
def test_export_then_import_gives_identical_api_output(seeded, tmp_path, client):
    exercise = editor_changes()
    ExerciseFactory(slug="an-editor-s-own", name="An editor's own")
    # An editor left a gap in the step positions (the guidelines have one already).
    last = exercise.steps.order_by("position").last()
    ExerciseStep.objects.filter(pk=last.pk).update(position=last.position + 3)
    documents_note({("exercise", exercise.pk)})  # a write sending no signal must
    before = api_snapshot(client)
    assert len(before) > 40  # the root, the lists' pages and every object's detail

    call_command("export_content", str(tmp_path / "export"), verbosity=0)
    content_delete()
    call_command("import_content", str(tmp_path / "export"), verbosity=0)

    assert api_snapshot(client) == before


@pytest.mark.django_db(transaction=True)
def test_an_import_with_a_position_past_the_range_is_refused_whole(seeded, tmp_path):
    call_command("export_content", str(tmp_path / "export"), verbosity=0)
    (tmp_path / "export" / "positions.yaml").write_text(
        "exercise_steps:\n  glute-bridges: [1, 2, 3, 30000]\n", encoding="utf-8"
    )
    content_delete()

    with pytest.raises(CommandError, match="positions run from 1 to 1000"):
        call_command("import_content", str(tmp_path / "export"), verbosity=0)

    assert not Exercise.objects.exists()


def test_overwrite_reseeds_an_exercise_with_a_step_at_the_last_position(seeded):
    exercise = Exercise.objects.get(slug="glute-bridges")
    last = exercise.steps.order_by("position").last()
    ExerciseStep.objects.filter(pk=last.pk).update(position=1000, text="Edited.")

    content_seed(overwrite=True)

    assert list(exercise.steps.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_import_refuses_a_database_that_holds_content(seeded, tmp_path):
    call_command("export_content", str(tmp_path / "export"), verbosity=0)
    Exercise.objects.filter(slug="glute-bridges").update(summary="Changed since.")

    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(tmp_path / "export"), verbosity=0)
    assert Exercise.objects.get(slug="glute-bridges").summary == "Changed since."

    call_command("import_content", str(tmp_path / "export"), "--force", verbosity=0)
    assert Exercise.objects.get(slug="glute-bridges").summary != "Changed since."


# --- Migrations reverse ----------------------------------------------------------------


def project_apps_with_migrations():
    """The project's own apps that have migrations, in dependency order."""
    # From the files: the test run itself disables migration modules (--no-migrations).
    return [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(PROJECT_DIR.resolve())
        and any((Path(config.path) / "migrations").glob("[0-9]*.py"))
    ]


@pytest.fixture
def scratch_database_url(tmp_path):
    """A database of its own for migrating: a SQLite file, or a fresh PostgreSQL one."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"hipext_migrations_{uuid.uuid4().hex[:8]}"
    admin_url = (
        f"postgresql://{config['USER']}@{config['HOST']}:{config['PORT']}/postgres"
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{config['USER']}@{config['HOST']}:{config['PORT']}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage_command(database_url):
    """A function running ``manage.py`` commands on ``database_url``, giving stdout."""
    env = server_env(database_url)

    def manage(*args):
        result = run_manage(*args, env=env, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    return manage


def test_every_project_migration_reverses_and_reapplies(scratch_database_url):
    manage = manage_command(scratch_database_url)
    labels = project_apps_with_migrations()
    assert "exercises" in labels
    manage("migrate", "--no-input")
    manage("seed")
    for label in reversed(labels):
        manage("migrate", label, "zero", "--no-input")
    plan = manage("showmigrations", *labels)
    assert "[X]" not in plan
    manage("migrate", "--no-input")
    assert "[ ]" not in manage("showmigrations", *labels)
    manage("makemigrations", "--check", "--dry-run")


OUT_OF_RANGE_SQL = """
UPDATE exercises_exercisestep SET position = 30000 WHERE position = 4 AND exercise_id =
    (SELECT id FROM exercises_exercise WHERE slug = 'glute-bridges');
UPDATE exercises_guideline SET position = position + 5000 WHERE position = 1;
UPDATE routines_routineitem SET position = 20000 WHERE position = 1 AND routine_id =
    (SELECT id FROM routines_routine WHERE slug = 'stability-ball');
"""

POSITIONS_PRINT = """
import json
from exercises.models import ExerciseStep, Guideline
from routines.models import RoutineItem
print(json.dumps([
    list(ExerciseStep.objects.filter(exercise__slug="glute-bridges")
        .values_list("position", "text")),
    list(Guideline.objects.values_list("position", "slug")),
    list(RoutineItem.objects.filter(routine__slug="stability-ball")
        .values_list("position", "exercise__slug")),
]))
"""


def test_migrating_renumbers_positions_past_the_range_in_their_order(
    scratch_database_url,
):
    # Before the range was checked an editor could save a step at 30000: the
    # migration that adds the check renumbers such rows rather than fail on them.
    manage = manage_command(scratch_database_url)
    manage("migrate", "--no-input")
    manage("seed")
    old_steps, old_guidelines, old_items = json.loads(
        manage("shell", "-v", "0", "-c", POSITIONS_PRINT)
    )
    manage("migrate", "routines", "0001", "--no-input")
    manage("migrate", "exercises", "0002", "--no-input")
    for statement in filter(str.strip, OUT_OF_RANGE_SQL.split(";")):
        run = f"connection.cursor().execute({statement!r})"
        manage("shell", "-v", "0", "-c", f"from django.db import connection\n{run}")

    manage("migrate", "--no-input")

    steps, guidelines, items = json.loads(
        manage("shell", "-v", "0", "-c", POSITIONS_PRINT)
    )
    assert steps == old_steps  # 1, 2, 3, and the one at 30000 is 4 again
    # The guideline moved past the end comes last; all count from 1 again.
    assert guidelines == [
        [position, slug]
        for position, (_, slug) in enumerate(
            [*old_guidelines[1:], old_guidelines[0]], start=1
        )
    ]
    assert items == [
        [1, old_items[1][1]],
        [2, old_items[2][1]],
        [3, old_items[0][1]],
    ]


# --- Concurrent saves of one exercise's steps ------------------------------------------


def steps_of(exercise):
    return list(
        ExerciseStep.objects.filter(exercise=exercise)
        .order_by("position")
        .values_list("position", "text")
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("first", "second"), [(7, 3), (3, 7), (5, 5)])
def test_overlapping_step_saves_leave_one_whole_save(first, second):
    exercise = ExerciseFactory()
    exercise_steps_set(exercise=exercise, texts=[f"original {n}" for n in range(5)])
    texts = {
        "first": [f"first {n}" for n in range(first)][::-1],
        "second": [f"second {n}" for n in range(second)],
    }
    first_holds_lock = threading.Event()

    def save_first():
        with transaction.atomic():
            exercise_steps_set(
                exercise=Exercise.objects.get(pk=exercise.pk), texts=texts["first"]
            )
            first_holds_lock.set()
            time.sleep(0.5)  # the second save starts meanwhile and must wait

    def save_second():
        assert first_holds_lock.wait(10)
        with transaction.atomic():
            exercise_steps_set(
                exercise=Exercise.objects.get(pk=exercise.pk), texts=texts["second"]
            )

    threads = [run_in_thread(save_first), run_in_thread(save_second)]
    for thread, errors in threads:
        thread.join(30)
        assert not errors

    assert steps_of(exercise) == list(enumerate(texts["second"], start=1))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_step_reorders_leave_positions_one_to_n():
    exercise = ExerciseFactory()
    exercise_steps_set(exercise=exercise, texts=[f"step {n}" for n in range(6)])
    steps = list(exercise.steps.order_by("position"))
    orders = {"reversed": steps[::-1], "rotated": steps[2:] + steps[:2]}
    start = threading.Barrier(2)

    def reorder(name):
        def save():
            # What the admin does: rows built from the submitted form, then one save.
            rows = [
                ExerciseStep(
                    pk=step.pk,
                    exercise_id=exercise.pk,
                    position=position,
                    text=f"{name} {step.text}",
                )
                for position, step in enumerate(orders[name], start=1)
            ]
            start.wait(10)
            ordered_children_save(
                queryset=ExerciseStep.objects.filter(exercise_id=exercise.pk),
                instances=rows,
                parent=Exercise.objects.get(pk=exercise.pk),
            )

        return save

    threads = [run_in_thread(reorder(name)) for name in orders]
    for thread, errors in threads:
        thread.join(30)
        assert not errors

    result = steps_of(exercise)
    assert [position for position, _ in result] == list(range(1, 7))
    assert [text for _, text in result] in [
        [f"{name} {step.text}" for step in orders[name]] for name in orders
    ]
