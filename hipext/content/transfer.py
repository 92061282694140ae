"""Export all content in the fixture format, and import such an export.

An export is the fixture files the seed reads (content_export()) plus the seed's own
records, so that after an import the seed still knows which objects editors changed or
deleted and leaves them alone.
"""

import tempfile
from pathlib import Path

import yaml
from django.db import transaction

from exercises.models import Exercise, ExerciseStep, Guideline
from hipext.models import SeedRecord

from .ordering import MAX_POSITION, positions_park
from .seeding import SeedError, content_export, content_kinds, content_seed

SEED_RECORDS_FILE = "seed-records.yaml"
# The fixture format keeps order, not position numbers; where an editor left gaps in
# them (say, after deleting a guideline) this file keeps the numbers themselves.
POSITIONS_FILE = "positions.yaml"
SINGLE_FILE_SUFFIXES = (".yaml", ".yml")


def _dump(entries):
    return yaml.safe_dump(
        entries, allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def content_export_files():
    """Every file of an export, by name: the fixture files, seed records, positions."""
    files = content_export()
    files[SEED_RECORDS_FILE] = [
        {"model": record.model, "key": record.key, "digest": record.digest}
        for record in SeedRecord.objects.order_by("model", "key")
    ]
    files[POSITIONS_FILE] = _positions_export()
    return files


def _gapped(positions):
    return positions != list(range(1, len(positions) + 1))


def _positions_export():
    """Position numbers that an import would not recreate by counting from 1."""
    guidelines = dict(
        Guideline.objects.order_by("position").values_list("slug", "position")
    )
    steps = {}
    for slug, position in ExerciseStep.objects.order_by(
        "exercise__slug", "position"
    ).values_list("exercise__slug", "position"):
        steps.setdefault(slug, []).append(position)
    return {
        "guidelines": guidelines if _gapped(list(guidelines.values())) else {},
        "exercise_steps": {
            slug: positions for slug, positions in steps.items() if _gapped(positions)
        },
    }


def content_export_write(*, path):
    """Write an export to ``path``: one YAML file if it ends in .yaml, else a directory."""
    path = Path(path)
    files = content_export_files()
    if path.suffix in SINGLE_FILE_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dump(files), encoding="utf-8")
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, entries in files.items():
        (path / name).write_text(_dump(entries), encoding="utf-8")
        written.append(path / name)
    return written


def content_is_empty():
    """True when the database holds no content of any seeded kind."""
    return not any(kind.model.objects.exists() for kind in content_kinds())


def _read_export(path):
    """The files of an export at ``path`` (a directory or one YAML file), by name."""
    path = Path(path)
    if path.is_dir():
        names = [kind.fixture for kind in content_kinds()]
        return {
            name: yaml.safe_load((path / name).read_text(encoding="utf-8")) or []
            for name in [*names, SEED_RECORDS_FILE, POSITIONS_FILE]
            if (path / name).exists()
        }
    if not path.is_file():
        raise SeedError(f"{path}: no such export file or directory")
    try:
        files = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise SeedError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(files, dict):
        raise SeedError(f"{path.name}: expected a mapping of file name to entries")
    return files


@transaction.atomic
def content_import(*, path, force=False):
    """Load an export through the seed; refuse a database with content unless ``force``.

    With ``force``, imported objects replace those with the same slug and nothing else
    is touched (their position numbers are then counted from 1).
    """
    empty = content_is_empty()
    if not force and not empty:
        raise SeedError(
            "the database already holds content; import into an empty database, "
            "or pass force to replace objects with the same slug"
        )
    files = _read_export(path)
    with tempfile.TemporaryDirectory(prefix="hipext-import-") as directory:
        for kind in content_kinds():
            entries = files.get(kind.fixture) or []
            (Path(directory) / kind.fixture).write_text(
                _dump(entries), encoding="utf-8"
            )
        report = content_seed(directory=directory, overwrite=True)
    _restore_seed_records(files, report)
    if empty:
        _restore_positions(files.get(POSITIONS_FILE) or {})
    return report


def _renumber(model, rows, positions, what):
    """Give ``rows`` their ``positions``, parking them first so no two ever collide."""
    if not rows:
        return
    wrong = [
        p for p in positions if not isinstance(p, int) or not 0 < p <= MAX_POSITION
    ]
    if wrong:
        raise SeedError(
            f"{POSITIONS_FILE}: {what}: positions run from 1 to {MAX_POSITION}, "
            f"not {wrong[0]!r}"
        )
    positions_park(model.objects.filter(pk__in=[row.pk for row in rows]))
    for row, position in zip(rows, positions, strict=True):
        row.position = position
    model.objects.bulk_update(rows, ["position"])


def _restore_positions(positions):
    guidelines = positions.get("guidelines") or {}
    rows = list(Guideline.objects.filter(slug__in=guidelines))
    _renumber(Guideline, rows, [guidelines[row.slug] for row in rows], "guidelines")
    for slug, numbers in (positions.get("exercise_steps") or {}).items():
        exercise = Exercise.objects.get(slug=slug)
        steps = list(exercise.steps.order_by("position"))
        _renumber(ExerciseStep, steps, numbers, f"exercise {slug}")


def _restore_seed_records(files, report):
    """Make the seed's records what they were where the export was taken.

    The seed just recorded every imported object as its own; objects the export had
    no record for are editors' content, so their fresh records go.
    """
    exported = {
        (record["model"], record["key"]): record["digest"]
        for record in files.get(SEED_RECORDS_FILE) or []
    }
    imported = {
        tuple(name.split(" ", 1))
        for name in report.created + report.updated + report.unchanged
    }
    for model, key in imported - set(exported):
        SeedRecord.objects.filter(model=model, key=key).delete()
    for (model, key), digest in exported.items():
        SeedRecord.objects.update_or_create(
            model=model, key=key, defaults={"digest": digest}
        )
