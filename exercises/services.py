"""Writes that span several rows: ordered children, and seeding from fixtures."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    Muscle,
    SeedRecord,
    Variation,
)
from .selectors import exercise_detail_prefetches

# Rows being reordered park here first, far above any real position, so that a
# permutation of positions never collides with the unique (parent, position) constraint.
POSITION_PARKING_OFFSET = 10_000


def parent_lock(parent):
    """Lock a parent row until the transaction ends, so saves of its children queue.

    Two editors saving the same exercise then write one after the other, each whole,
    never interleaved (a no-op on SQLite, which serializes all writers anyway).
    """
    list(
        type(parent)
        ._default_manager.select_for_update()
        .filter(pk=parent.pk)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def ordered_children_save(*, queryset, instances, deleted=(), parent=None):
    """Save the ordered children of one parent, whatever permutation of positions.

    ``queryset`` holds the parent's existing children; ``instances`` are the rows to
    save (new or changed) with their final positions; ``deleted`` are rows to remove.
    Given the ``parent``, its row is locked first (see parent_lock).
    """
    if parent is not None:
        parent_lock(parent)
    for obj in deleted:
        if obj.pk is not None:
            obj.delete()
    moving = [obj.pk for obj in instances if obj.pk is not None]
    if moving:
        queryset.filter(pk__in=moving).update(
            position=F("position") + POSITION_PARKING_OFFSET
        )
    for obj in instances:
        obj.save()


# --- Seeding ------------------------------------------------------------------------

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DOSE_FIELDS = (
    "sets_min",
    "sets_max",
    "reps_min",
    "reps_max",
    "per_side",
    "hold_seconds",
)


class SeedError(Exception):
    """The fixture content is malformed or breaks an invariant."""


def _lines(values):
    return [str(value).strip() for value in values or [] if str(value).strip()]


def _text(value):
    return "" if value is None else str(value).strip()


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

    def queryset(self):
        return self.model.objects.prefetch_related(*self.prefetch)


def digest(data):
    """A stable fingerprint of one normalized fixture entry."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def _validated_save(obj):
    obj.full_clean()
    obj.save()
    return obj


# Muscles


def muscle_normalize(entry):
    return {
        "slug": _text(entry["slug"]),
        "name": _text(entry["name"]),
        "group": entry.get("group") or None,
        "hip_role": _text(entry.get("hip_role")),
        "description": _text(entry.get("description")),
    }


def muscle_dump(muscle):
    return {
        "slug": muscle.slug,
        "name": muscle.name,
        "group": muscle.group.slug if muscle.group_id else None,
        "hip_role": muscle.hip_role,
        "description": muscle.description,
    }


def muscle_write(muscle, data):
    muscle = muscle or Muscle(slug=data["slug"])
    muscle.name = data["name"]
    muscle.group = Muscle.objects.get(slug=data["group"]) if data["group"] else None
    muscle.hip_role = data["hip_role"]
    muscle.description = data["description"]
    return _validated_save(muscle)


# Equipment


def equipment_normalize(entry):
    return {
        "slug": _text(entry["slug"]),
        "name": _text(entry["name"]),
        "description": _text(entry.get("description")),
    }


def equipment_dump(item):
    return {"slug": item.slug, "name": item.name, "description": item.description}


def equipment_write(item, data):
    item = item or Equipment(slug=data["slug"])
    item.name = data["name"]
    item.description = data["description"]
    return _validated_save(item)


# Exercises


def exercise_normalize(entry):
    dose = entry.get("dose") or {}
    unknown = set(dose) - set(DOSE_FIELDS)
    if unknown:
        raise SeedError(
            f"exercise {entry.get('slug')}: unknown dose fields {sorted(unknown)}"
        )
    return {
        "slug": _text(entry["slug"]),
        "uuid": str(entry["uuid"]),
        "name": _text(entry["name"]),
        "aliases": _lines(entry.get("aliases")),
        "summary": _text(entry["summary"]),
        "difficulty": entry["difficulty"],
        "difficulty_basis": _text(entry.get("difficulty_basis")),
        "position": entry["position"],
        "laterality": entry["laterality"],
        "dose": {
            name: bool(dose.get(name)) if name == "per_side" else dose.get(name)
            for name in DOSE_FIELDS
        },
        "steps": _lines(entry.get("steps")),
        "muscles": sorted(
            (
                {"muscle": m["muscle"], "role": m["role"]}
                for m in entry.get("muscles") or []
            ),
            key=lambda m: m["muscle"],
        ),
        "equipment": sorted(
            (
                {
                    "equipment": e["equipment"],
                    "requirement": e["requirement"],
                    "alternatives": sorted(e.get("alternatives") or []),
                    "note": _text(e.get("note")),
                }
                for e in entry.get("equipment") or []
            ),
            key=lambda e: e["equipment"],
        ),
        "variations": sorted(
            (
                {
                    "name": _text(v["name"]),
                    "variant": v.get("variant") or None,
                    "kind": v["kind"],
                    "note": _text(v.get("note")),
                }
                for v in entry.get("variations") or []
            ),
            key=lambda v: v["name"],
        ),
        "tips": _lines(entry.get("tips")),
        "cautions": _lines(entry.get("cautions")),
        "source": _text(entry["source"]),
    }


EXERCISE_PREFETCH = exercise_detail_prefetches()


def exercise_dump(exercise):
    return {
        "slug": exercise.slug,
        "uuid": str(exercise.uuid),
        "name": exercise.name,
        "aliases": exercise.alias_list,
        "summary": exercise.summary,
        "difficulty": exercise.difficulty,
        "difficulty_basis": exercise.difficulty_basis,
        "position": exercise.position,
        "laterality": exercise.laterality,
        "dose": {name: getattr(exercise, name) for name in DOSE_FIELDS},
        "steps": [
            step.text for step in sorted(exercise.steps.all(), key=lambda s: s.position)
        ],
        "muscles": sorted(
            (
                {"muscle": link.muscle.slug, "role": link.role}
                for link in exercise.muscle_links.all()
            ),
            key=lambda m: m["muscle"],
        ),
        "equipment": sorted(
            (
                {
                    "equipment": link.equipment.slug,
                    "requirement": link.requirement,
                    "alternatives": sorted(alt.slug for alt in link.alternatives.all()),
                    "note": link.note,
                }
                for link in exercise.equipment_links.all()
            ),
            key=lambda e: e["equipment"],
        ),
        "variations": sorted(
            (
                {
                    "name": v.name,
                    "variant": v.variant.slug if v.variant_id else None,
                    "kind": v.kind,
                    "note": v.note,
                }
                for v in exercise.variations.all()
            ),
            key=lambda v: v["name"],
        ),
        "tips": exercise.tip_list,
        "cautions": exercise.caution_list,
        "source": exercise.source,
    }


def _by_slug(model, slugs, what):
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise SeedError(
            f"{what}: unknown {model._meta.verbose_name} {', '.join(missing)}"
        )
    return found


def exercise_write(exercise, data):
    exercise = exercise or Exercise(slug=data["slug"])
    exercise.uuid = data["uuid"]
    for name in ("name", "summary", "difficulty", "difficulty_basis", "position"):
        setattr(exercise, name, data[name])
    exercise.laterality = data["laterality"]
    exercise.aliases = "\n".join(data["aliases"])
    exercise.tips = "\n".join(data["tips"])
    exercise.cautions = "\n".join(data["cautions"])
    exercise.source = data["source"]
    for name, value in data["dose"].items():
        setattr(exercise, name, value)
    _validated_save(exercise)
    what = f"exercise {exercise.slug}"
    exercise_steps_set(exercise=exercise, texts=data["steps"])

    muscles = _by_slug(Muscle, [m["muscle"] for m in data["muscles"]], what)
    exercise.muscle_links.exclude(muscle__slug__in=list(muscles)).delete()
    for item in data["muscles"]:
        ExerciseMuscle.objects.update_or_create(
            exercise=exercise,
            muscle=muscles[item["muscle"]],
            defaults={"role": item["role"]},
        )

    slugs = [e["equipment"] for e in data["equipment"]]
    slugs += [alt for e in data["equipment"] for alt in e["alternatives"]]
    equipment = _by_slug(Equipment, slugs, what)
    exercise.equipment_links.exclude(
        equipment__slug__in=[e["equipment"] for e in data["equipment"]]
    ).delete()
    for item in data["equipment"]:
        link, _ = ExerciseEquipment.objects.update_or_create(
            exercise=exercise,
            equipment=equipment[item["equipment"]],
            defaults={"requirement": item["requirement"], "note": item["note"]},
        )
        link.full_clean()
        link.alternatives.set([equipment[slug] for slug in item["alternatives"]])
    return exercise


@transaction.atomic
def exercise_steps_set(*, exercise, texts):
    """Make an exercise's steps exactly ``texts``, in order, reusing existing rows."""
    # Lock before reading the steps: a concurrent save waits, then works on this one's
    # result instead of a stale list (which would leave gaps or stray rows).
    parent_lock(exercise)
    existing = list(exercise.steps.order_by("position"))
    steps = []
    for index, text in enumerate(texts):
        step = (
            existing[index]
            if index < len(existing)
            else ExerciseStep(exercise=exercise)
        )
        step.position, step.text = index + 1, text
        step.full_clean(validate_unique=False, validate_constraints=False)
        steps.append(step)
    ordered_children_save(
        queryset=exercise.steps.all(), instances=steps, deleted=existing[len(steps) :]
    )


def exercise_link(exercise, data):
    """Second pass: variations point at other exercises, which now all exist."""
    what = f"exercise {exercise.slug}"
    targets = _by_slug(
        Exercise, [v["variant"] for v in data["variations"] if v["variant"]], what
    )
    exercise.variations.all().delete()
    for item in data["variations"]:
        _validated_save(
            Variation(
                exercise=exercise,
                variant=targets[item["variant"]] if item["variant"] else None,
                name=item["name"],
                kind=item["kind"],
                note=item["note"],
            )
        )


# Guidelines


def guideline_normalize(entry):
    return {
        "slug": _text(entry["slug"]),
        "title": _text(entry["title"]),
        "text": _text(entry["text"]),
        "source": _text(entry["source"]),
    }


def guideline_dump(guideline):
    return {
        "slug": guideline.slug,
        "title": guideline.title,
        "text": guideline.text,
        "source": guideline.source,
    }


def guideline_write(guideline, data):
    guideline = guideline or Guideline(slug=data["slug"])
    guideline.title = data["title"]
    guideline.text = data["text"]
    guideline.source = data["source"]
    if guideline.pk is None:
        last = (
            Guideline.objects.order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        guideline.position = (last or 0) + 1
    return _validated_save(guideline)


MUSCLES = ContentKind(
    label="muscle",
    fixture="muscles.yaml",
    model=Muscle,
    normalize=muscle_normalize,
    dump=muscle_dump,
    write=muscle_write,
    prefetch=("group",),
    # Groups before their members, so an export can be imported in one pass.
    export_order=(F("group").asc(nulls_first=True), "pk"),
)
EQUIPMENT = ContentKind(
    label="equipment",
    fixture="equipment.yaml",
    model=Equipment,
    normalize=equipment_normalize,
    dump=equipment_dump,
    write=equipment_write,
)
EXERCISES = ContentKind(
    label="exercise",
    fixture="exercises.yaml",
    model=Exercise,
    normalize=exercise_normalize,
    dump=exercise_dump,
    write=exercise_write,
    link=exercise_link,
    prefetch=EXERCISE_PREFETCH,
)
GUIDELINES = ContentKind(
    label="guideline",
    fixture="guidelines.yaml",
    model=Guideline,
    normalize=guideline_normalize,
    dump=guideline_dump,
    write=guideline_write,
    export_order=("position",),
)


def content_kinds():
    """Every seeded kind in dependency order (muscles before exercises using them)."""
    from routines.services import CONTENT_KINDS as ROUTINE_KINDS

    return [MUSCLES, EQUIPMENT, EXERCISES, GUIDELINES, *ROUTINE_KINDS]


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


def read_fixture(path):
    """The entries of one fixture file; a missing file has none."""
    if not path.exists():
        return []
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise SeedError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(entries, list):
        raise SeedError(f"{path.name}: expected a list of entries")
    return entries


def _normalize(kind, entry, path):
    try:
        return kind.normalize(entry)
    except (KeyError, TypeError) as error:
        raise SeedError(
            f"{path.name}: entry {entry!r:.80} lacks or mangles {error}"
        ) from error


@transaction.atomic
def content_seed(*, directory=FIXTURES_DIR, overwrite=False):
    """Load the fixtures, never touching what an editor changed unless ``overwrite``.

    Each seeded object's fingerprint is kept in a SeedRecord. An object is rewritten
    only while it still matches what the seed last wrote, so running the seed again
    changes nothing, a newer fixture updates untouched content, and an editor's change
    (or deletion) stays until ``overwrite`` is given.
    """
    report = SeedReport()
    directory = Path(directory)
    for kind in content_kinds():
        path = directory / kind.fixture
        entries = [_normalize(kind, entry, path) for entry in read_fixture(path)]
        records = {r.key: r for r in SeedRecord.objects.filter(model=kind.label)}
        current = {obj.slug: obj for obj in kind.queryset()}
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
                now = digest(kind.dump(obj))
                if now == wanted:
                    if record is None or record.digest != wanted:
                        SeedRecord.objects.update_or_create(
                            model=kind.label, key=key, defaults={"digest": wanted}
                        )
                    report.unchanged.append(name)
                    continue
                edited = record is None or record.digest != now
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
    return report


def content_export():
    """All seeded content in the fixture format, one list per fixture file."""
    return {
        kind.fixture: [
            kind.dump(obj) for obj in kind.queryset().order_by(*kind.export_order)
        ]
        for kind in content_kinds()
    }
