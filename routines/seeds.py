"""The routine app's seeded content kind (see hipext.content.seeding)."""

from django.db.models import Prefetch

from exercises.dose import DOSE_FIELDS
from exercises.models import Exercise
from hipext.content.editions import (
    Texts,
    Translation,
    entry_clean,
    localized,
    paired,
    translation_set,
)
from hipext.content.seeding import (
    ContentKind,
    SeedError,
    clean_lines,
    clean_text,
    objects_by_slug,
    publication_dump,
    publication_normalize,
    publication_write,
    register,
    validated_save,
    without_publication,
)

from .models import Routine, RoutineItem
from .services import (
    routine_items_check,
    routine_items_set,
    routine_publication_check,
)

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
                "exercise": clean_text(item["exercise"]),
                # An absent dose field keeps the exercise's own value, per_side too.
                "dose": {name: dose.get(name) for name in DOSE_FIELDS},
                "rest_seconds": item.get(
                    "rest_seconds",
                    RoutineItem._meta.get_field("rest_seconds").default,
                ),
                "note": clean_text(item.get("note")),
            }
        )
    return {
        "slug": clean_text(entry["slug"]),
        "uuid": str(entry["uuid"]),
        "name": clean_text(entry["name"]),
        "summary": clean_text(entry["summary"]),
        "goal": clean_text(entry.get("goal")),
        "difficulty": entry["difficulty"],
        "warm_up": clean_text(entry["warm_up"]),
        "notes": clean_lines(entry.get("notes")),
        **publication_normalize(entry),
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
        **publication_dump(routine),
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
    found = objects_by_slug(Exercise, slugs, f"routine {routine.slug}")
    exercises = [found[slug] for slug in slugs]
    routine_items_check(difficulty=data["difficulty"], exercises=exercises)
    publication_write(routine, data)
    routine_publication_check(
        status=routine.status, published_at=routine.published_at, exercises=exercises
    )
    validated_save(routine)

    routine_items_set(
        routine=routine,
        items=[
            {**item, "exercise": exercise}
            for exercise, item in zip(exercises, data["items"], strict=True)
        ],
    )
    return routine


# Translations (hipext.content.editions): a routine's texts, its items' notes by
# position.

ROUTINE_TEXTS = Texts(fields=("name", "summary", "goal", "warm_up"), lines=("notes",))


def _item_notes(items):
    return [{"note": clean_text((item or {}).get("note"))} for item in items or []]


def routine_translation_normalize(entry, english):
    data = entry_clean(entry, {**ROUTINE_TEXTS.cleaners(), "items": _item_notes})
    if english is not None and "items" in data:
        paired("items", data["items"], english.get("items") or [])
    return data


def _items(routine):
    return sorted(routine.items.all(), key=lambda item: item.position)


def routine_translation_dump(routine, language):
    return {
        **ROUTINE_TEXTS.dump(routine, language),
        "items": [{"note": localized(i, "note", language)} for i in _items(routine)],
    }


def routine_translation_write(routine, language, data):
    children = [
        (item, translation_set(item, language, value))
        for item, value in zip(_items(routine), data.get("items", ()), strict=False)
    ]
    ROUTINE_TEXTS.save(routine, language, data, children)


ROUTINES = ContentKind(
    label="routine",
    fixture="routines.yaml",
    model=Routine,
    normalize=routine_normalize,
    dump=routine_dump,
    write=routine_write,
    earlier_dump=lambda routine: without_publication(routine_dump(routine)),
    prefetch=(
        Prefetch("items", queryset=RoutineItem.objects.select_related("exercise")),
    ),
    translation=Translation(
        key="routines",
        normalize=routine_translation_normalize,
        dump=routine_translation_dump,
        write=routine_translation_write,
        children=("items",),
    ),
)

register(ROUTINES)
