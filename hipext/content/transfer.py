"""Export all content in the fixture format, and import such an export.

An export is the fixture files the seed reads (content_export()), the editions in
other languages (translations/<lang>.yaml, hipext.content.editions) plus the seed's own
records, so that after an import the seed still knows which objects and translations
editors changed or deleted and leaves them alone.
"""

from pathlib import Path

import yaml

from hipext.models import SeedRecord

from .editions import edition_file, edition_languages, editions_export
from .history import history_recorded
from .ordering import MAX_POSITION
from .publishing import documents_flushed
from .seeding import SeedError, content_export, content_kinds, content_load, read_yaml

SEED_RECORDS_FILE = "seed-records.yaml"
# Position numbers the fixture format does not keep, by each kind's Positions.key.
POSITIONS_FILE = "positions.yaml"
SINGLE_FILE_SUFFIXES = (".yaml", ".yml")


def _dump(entries):
    return yaml.safe_dump(
        entries, allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def content_export_files():
    """Every file of an export, by name: the fixture files, editions, seed records,
    positions."""
    files = content_export()
    files.update(editions_export())
    files[SEED_RECORDS_FILE] = [
        {"model": record.model, "key": record.key, "digest": record.digest}
        for record in SeedRecord.objects.order_by("model", "key")
    ]
    files[POSITIONS_FILE] = _positions_export()
    return files


def _positions_export():
    """Position numbers that an import would not recreate by counting from 1."""
    return {
        kind.positions.key: kind.positions.dump()
        for kind in content_kinds()
        if kind.positions
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
        (path / name).parent.mkdir(parents=True, exist_ok=True)
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
        names += [edition_file(language) for language in edition_languages()]
        return {
            name: read_yaml(path / name)
            for name in [*names, SEED_RECORDS_FILE, POSITIONS_FILE]
        }
    if not path.is_file():
        raise SeedError(f"{path}: no such export file or directory")
    files = read_yaml(path) or {}
    if not isinstance(files, dict):
        raise SeedError(f"{path.name}: expected a mapping of file name to entries")
    return files


@documents_flushed()
def content_import(*, path, force=False):
    """Load an export with the seed's loader; refuse a database with content unless ``force``.

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
    comment = f"Import of {Path(path).name}."
    with history_recorded(comment=comment):
        report = content_load(files=files, overwrite=True, comment=comment)
        _restore_seed_records(files, report)
        if empty:
            _restore_positions(files.get(POSITIONS_FILE) or {})
    return report


def _numbers(value):
    """Every number in a kind's positions, however the kind nests them."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    else:
        yield value


def _restore_positions(positions):
    for kind in content_kinds():
        numbers = positions.get(kind.positions.key) if kind.positions else None
        if not numbers:
            continue
        wrong = [
            n
            for n in _numbers(numbers)
            if type(n) is not int or not 0 < n <= MAX_POSITION
        ]
        if wrong:
            raise SeedError(
                f"{POSITIONS_FILE}: {kind.positions.key}: positions run from 1 to "
                f"{MAX_POSITION}, not {wrong[0]!r}"
            )
        kind.positions.restore(numbers)


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
