"""Writes that span several rows of routine content, and the routine seed."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from exercises.models import (
    Difficulty,
    Exercise,
)
from exercises.selectors import equipment_links_prefetch, muscle_links_prefetch
from exercises.services import (
    DOSE_FIELDS,
    ContentKind,
    SeedError,
    _lines,
    _text,
    _validated_save,
    ordered_children_save,
)

from .models import MAX_ITEMS, MIN_ITEMS, Routine, RoutineItem

# Everything a routine's representation and derived properties read, in four
# queries whatever the number of routines: items with their exercises, the
# exercises' muscles, their equipment, and the equipment's alternatives.
ROUTINE_PREFETCH = (
    Prefetch(
        "items",
        queryset=RoutineItem.objects.select_related("exercise")
        .prefetch_related(
            muscle_links_prefetch("exercise__muscle_links"),
            equipment_links_prefetch("exercise__equipment_links"),
        )
        .order_by("position"),
    ),
)


def routine_items_check(*, difficulty, exercises):
    """Check a routine's exercises against the article's guidance.

    ``exercises`` are the routine's exercises in order. Raises ValidationError
    naming every rule broken: 2–3 exercises, each once, none above the routine's
    level. The admin and the seed both call this, so they cannot disagree.
    """
    errors = []
    if not MIN_ITEMS <= len(exercises) <= MAX_ITEMS:
        errors.append(
            f"A routine has {MIN_ITEMS}–{MAX_ITEMS} hip-extension exercises "
            f"(the article's guidance); this one has {len(exercises)}."
        )
    seen = set()
    for exercise in exercises:
        if exercise.pk in seen:
            errors.append(f"{exercise} appears more than once.")
        seen.add(exercise.pk)
    if difficulty in Difficulty.values:
        too_hard = [
            str(exercise)
            for exercise in exercises
            if Difficulty.rank(exercise.difficulty) > Difficulty.rank(difficulty)
        ]
        if too_hard:
            errors.append(
                f"{', '.join(too_hard)} is harder than the routine's level "
                f"({difficulty}); raise the routine's difficulty."
            )
    if errors:
        raise ValidationError(errors)


# --- Seeding (see exercises.services.ContentKind) ----------------------------------

ITEM_FIELDS = ("exercise", "dose", "rest_seconds", "note")


def routine_normalize(entry):
    items = []
    for item in entry.get("items") or []:
        unknown = set(item) - set(ITEM_FIELDS)
        dose = item.get("dose") or {}
        unknown |= set(dose) - set(DOSE_FIELDS)
        if unknown:
            raise SeedError(
                f"routine {entry.get('slug')}: unknown item fields {sorted(unknown)}"
            )
        items.append(
            {
                "exercise": _text(item["exercise"]),
                # An absent dose field keeps the exercise's own value, per_side too.
                "dose": {name: dose.get(name) for name in DOSE_FIELDS},
                "rest_seconds": item.get(
                    "rest_seconds",
                    RoutineItem._meta.get_field("rest_seconds").default,
                ),
                "note": _text(item.get("note")),
            }
        )
    return {
        "slug": _text(entry["slug"]),
        "uuid": str(entry["uuid"]),
        "name": _text(entry["name"]),
        "summary": _text(entry["summary"]),
        "goal": _text(entry.get("goal")),
        "difficulty": entry["difficulty"],
        "warm_up": _text(entry["warm_up"]),
        "notes": _lines(entry.get("notes")),
        "items": items,
    }


def routine_dump(routine):
    return {
        "slug": routine.slug,
        "uuid": str(routine.uuid),
        "name": routine.name,
        "summary": routine.summary,
        "goal": routine.goal,
        "difficulty": routine.difficulty,
        "warm_up": routine.warm_up,
        "notes": routine.note_list,
        "items": [
            {
                "exercise": item.exercise.slug,
                "dose": {name: getattr(item, name) for name in DOSE_FIELDS},
                "rest_seconds": item.rest_seconds,
                "note": item.note,
            }
            for item in sorted(routine.items.all(), key=lambda i: i.position)
        ],
    }


def routine_write(routine, data):
    routine = routine or Routine(slug=data["slug"])
    routine.uuid = data["uuid"]
    for name in ("name", "summary", "goal", "difficulty", "warm_up"):
        setattr(routine, name, data[name])
    routine.notes = "\n".join(data["notes"])
    slugs = [item["exercise"] for item in data["items"]]
    found = {e.slug: e for e in Exercise.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise SeedError(
            f"routine {routine.slug}: unknown exercise {', '.join(missing)}"
        )
    exercises = [found[slug] for slug in slugs]
    routine_items_check(difficulty=data["difficulty"], exercises=exercises)
    _validated_save(routine)

    existing = list(routine.items.order_by("position"))
    items = []
    for index, (exercise, item_data) in enumerate(
        zip(exercises, data["items"], strict=True)
    ):
        item = existing[index] if index < len(existing) else RoutineItem()
        item.routine, item.position, item.exercise = routine, index + 1, exercise
        for name, value in item_data["dose"].items():
            setattr(item, name, value)
        item.rest_seconds = item_data["rest_seconds"]
        item.note = item_data["note"]
        # The position is right by construction; checking its uniqueness against the
        # rows not yet renumbered would report a clash the save resolves.
        item.full_clean(exclude=["position"])
        items.append(item)
    ordered_children_save(
        queryset=routine.items.all(), instances=items, deleted=existing[len(items) :]
    )
    return routine


ROUTINES = ContentKind(
    label="routine",
    fixture="routines.yaml",
    model=Routine,
    normalize=routine_normalize,
    dump=routine_dump,
    write=routine_write,
    prefetch=(
        Prefetch("items", queryset=RoutineItem.objects.select_related("exercise")),
    ),
)

# Seeded routine content kinds, in dependency order (see exercises.services.ContentKind).
CONTENT_KINDS = [ROUTINES]
