"""The seeding engine: load fixture entries into content, never clobbering an editor.

The seed loads them from the fixture files, an import from an export; both through
content_load. Each content app describes its seeded kinds in its own ``seeds.py`` (how
to read a fixture entry, write it, and dump an object back) and registers them here, the way
models are registered with the admin; the engine knows no app. Kinds are kept in
registration order, which follows ``INSTALLED_APPS``: an app's kinds come after those
of the apps it builds on (muscles before the exercises that use them). A kind with a
``translation`` also loads its objects' texts in the other languages, from the
editions (hipext.content.editions), in the same run.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from hipext.models import SeedRecord

from .history import history_recorded
from .publication import Publication
from .publishing import documents_flushed

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class SeedError(Exception):
    """The fixture content is malformed or breaks an invariant."""


def clean_lines(values):
    """A fixture's list of lines, stripped, without empty ones."""
    return [str(value).strip() for value in values or [] if str(value).strip()]


def clean_text(value):
    """A fixture's text, stripped; a missing one is empty."""
    return "" if value is None else str(value).strip()


def validated_save(obj):
    """Save ``obj`` after every model validation (fields, constraints, uniqueness)."""
    obj.full_clean()
    obj.save()
    return obj


def publication_normalize(entry):
    """A fixture entry's publication: published unless it says otherwise.

    The seed publishes what it loads; an export carries drafts and scheduled times.
    """
    status = entry.get("status", Publication.PUBLISHED)
    if status not in Publication.values:
        raise SeedError(f"{entry.get('slug')}: unknown status {status!r}")
    published_at = entry.get("published_at")
    if isinstance(published_at, str):
        published_at = parse_datetime(published_at)
    if published_at is not None:
        if timezone.is_naive(published_at):
            published_at = published_at.replace(tzinfo=UTC)
        published_at = published_at.astimezone(UTC).isoformat()
    return {"status": status, "published_at": published_at}


def publication_dump(obj):
    """An object's publication as fixtures hold it (an export keeps its time)."""
    published_at = obj.published_at
    return {
        "status": obj.status,
        "published_at": published_at and published_at.astimezone(UTC).isoformat(),
    }


def without_publication(dumped):
    """A dump as it was before publication states (their fingerprints)."""
    return {k: v for k, v in dumped.items() if k not in ("status", "published_at")}


def publication_write(obj, data):
    """Give ``obj`` the entry's publication (not saved); published now if no time."""
    obj.status = data["status"]
    if data["published_at"] is not None:
        obj.published_at = parse_datetime(data["published_at"])
    elif obj.status == Publication.PUBLISHED and (
        obj.published_at is None or obj.published_at > timezone.now()
    ):
        obj.published_at = timezone.now()


def objects_by_slug(model, slugs, what):
    """The ``model`` objects with these slugs, by slug; a missing one is a SeedError."""
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise SeedError(
            f"{what}: unknown {model._meta.verbose_name} {', '.join(missing)}"
        )
    return found


@dataclass(frozen=True)
class Positions:
    """How an export keeps a kind's position numbers, which fixtures do not hold.

    The fixture format keeps order only. Where an editor left gaps in the numbers (say,
    after deleting a guideline), ``dump()`` gives them, YAML-ready, for the export's
    positions file under ``key``; ``restore(numbers)`` puts them back after an import.
    """

    key: str
    dump: Callable[[], dict]
    restore: Callable[[dict], None]


@dataclass(frozen=True)
class ContentKind:
    """One kind of seeded content: how to read it, write it and dump it back."""

    label: str
    fixture: str
    model: type[models.Model]
    normalize: Callable[[dict], dict]
    dump: Callable[[models.Model], dict]
    write: Callable[[models.Model | None, dict], models.Model]
    link: Callable[[models.Model, dict], None] | None = None
    prefetch: tuple = ()
    export_order: tuple = ("pk",)
    positions: Positions | None = None
    # The dump as the previous release shaped it: an object whose fingerprint was
    # taken then, and that still matches it, is untouched by editors, not edited.
    earlier_dump: Callable[[models.Model], dict] | None = None
    # How its texts are translated (hipext.content.editions.Translation), if they are.
    translation: object | None = None

    def queryset(self):
        return self.model.objects.prefetch_related(*self.prefetch)


def digest(data):
    """A stable fingerprint of one normalized fixture entry."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


_registry = []


def register(*kinds):
    """Add content kinds to the seed, export and import, after those already known."""
    for kind in kinds:
        if any(known.label == kind.label for known in _registry):
            raise ValueError(f"A content kind {kind.label!r} is registered already.")
        _registry.append(kind)


def content_kinds():
    """Every registered kind, in dependency order."""
    return list(_registry)


@dataclass
class SeedReport:
    """What one seed run did, object by object."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated)


def read_yaml(path):
    """The data in one YAML file (a fixture, or part of an export); None if missing."""
    if not path.exists():
        return None
    try:
        # libyaml's parser where PyYAML has it: the same data, several times faster.
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise SeedError(f"{path.name}: not valid YAML: {error}") from error


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entries(kind, files):
    """The normalized entries of ``kind`` in ``files``; a missing file has none."""
    entries = files.get(kind.fixture) or []
    if not isinstance(entries, list):
        raise SeedError(f"{kind.fixture}: expected a list of entries")
    return [_normalize(kind, entry) for entry in entries]


def _normalize(kind, entry):
    try:
        return kind.normalize(entry)
    except (KeyError, TypeError) as error:
        raise SeedError(
            f"{kind.fixture}: entry {entry!r:.80} lacks or mangles {error}"
        ) from error


def content_seed(*, directory=FIXTURES_DIR, overwrite=False):
    """Load the fixture files in ``directory``, and the editions in its
    translations/ (see content_load)."""
    from .editions import edition_file, edition_languages

    directory = Path(directory)
    names = [kind.fixture for kind in content_kinds()]
    names += [edition_file(language) for language in edition_languages()]
    files = {name: read_yaml(directory / name) for name in names}
    comment = "Seed with --overwrite." if overwrite else "Seed."
    return content_load(files=files, overwrite=overwrite, comment=comment)


def content_load(*, files, overwrite=False, comment="Content loaded."):
    """Load fixture entries, never touching what an editor changed unless ``overwrite``.

    ``files`` maps a fixture file's name to its list of entries, as the seed reads
    them from the fixture directory and an import from an export. Each seeded object's
    fingerprint is kept in a SeedRecord. An object is rewritten only while it still
    matches what the seed last wrote, so running the seed again changes nothing, a
    newer fixture updates untouched content, and an editor's change (or deletion)
    stays until ``overwrite`` is given. The editions in ``files`` (their
    ``translations/<lang>.yaml``) load the same way, object by object and language by
    language, after each kind's English. One transaction: every changed object's
    document is rendered once, at its end, and every change is one revision of the
    history, by the system user with ``comment`` (an editor can revert it).
    """
    # English active: a translated field set by name is the source language's.
    with (
        translation.override(settings.LANGUAGE_CODE),
        documents_flushed(),
        history_recorded(comment=comment),
    ):
        return _content_load(files, overwrite)


def _content_load(files, overwrite):
    # The editions build on this module's primitives, so they are imported here.
    from .editions import editions_load, translations_load, translations_prior

    report = SeedReport()
    for kind in content_kinds():
        entries = _entries(kind, files)
        records = {r.key: r for r in SeedRecord.objects.filter(model=kind.label)}
        current = {obj.slug: obj for obj in kind.queryset()}
        prior = translations_prior(kind, current.values())
        to_link = []
        for data in entries:
            key = data["slug"]
            name = f"{kind.label} {key}"
            obj, record, wanted = current.get(key), records.get(key), digest(data)
            if obj is None:
                if record is not None and not overwrite:
                    report.skipped.append(f"{name} (deleted by an editor)")
                    continue
                report.created.append(name)
            else:
                now = digest(_as_entry(kind.dump(obj), data))
                if now == wanted:
                    if record is None or record.digest != wanted:
                        SeedRecord.objects.update_or_create(
                            model=kind.label, key=key, defaults={"digest": wanted}
                        )
                    report.unchanged.append(name)
                    continue
                edited = record is None or (
                    record.digest != now
                    and not (
                        kind.earlier_dump
                        and record.digest == digest(kind.earlier_dump(obj))
                    )
                )
                if edited and not overwrite:
                    report.skipped.append(f"{name} (changed by an editor)")
                    continue
                report.updated.append(name)
            try:
                obj = kind.write(obj, data)
            except ValidationError as error:
                raise SeedError(f"{name}: {'; '.join(error.messages)}") from error
            SeedRecord.objects.update_or_create(
                model=kind.label, key=key, defaults={"digest": wanted}
            )
            to_link.append((obj, data))
        if kind.link:
            for obj, data in to_link:
                try:
                    kind.link(obj, data)
                except ValidationError as error:
                    raise SeedError(
                        f"{kind.label} {obj.slug}: {'; '.join(error.messages)}"
                    ) from error
        translations_load(kind, files, prior, overwrite, report)
    editions_load(files, overwrite, report)
    return report


def _as_entry(dumped, data):
    """An object's dump as ``data`` would show it: an entry without a publication
    time (the seed's fixtures) takes the object's, whatever it is."""
    if "published_at" in data and data["published_at"] is None:
        return {**dumped, "published_at": None}
    return dumped


def content_export():
    """All seeded content in the fixture format, one list per fixture file."""
    return {
        kind.fixture: [
            kind.dump(obj) for obj in kind.queryset().order_by(*kind.export_order)
        ]
        for kind in content_kinds()
    }
