"""Writes that span several rows of routine content, and the rules they keep."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from exercises.models import Difficulty
from hipext.content.ordering import ordered_children_save
from hipext.content.publication import Publication
from hipext.content.publishing import documents_flushed

from .models import MAX_ITEMS, MIN_ITEMS, Routine, RoutineItem


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


@documents_flushed()
def routine_items_set(*, routine, items):
    """Make a routine's items exactly ``items``, in order, reusing existing rows.

    Each item is a dict of ``exercise`` (an Exercise), ``dose`` (the override's
    fields), ``rest_seconds`` and ``note``.
    """
    existing = list(routine.items.order_by("position"))
    rows = []
    for index, item_data in enumerate(items):
        item = existing[index] if index < len(existing) else RoutineItem()
        item.routine, item.position = routine, index + 1
        item.exercise = item_data["exercise"]
        for name, value in item_data["dose"].items():
            setattr(item, name, value)
        item.rest_seconds = item_data["rest_seconds"]
        item.note = item_data["note"]
        # The position is right by construction; checking its uniqueness against the
        # rows not yet renumbered would report a clash the save resolves.
        item.full_clean(exclude=["position"])
        rows.append(item)
    ordered_children_save(
        queryset=routine.items.all(), instances=rows, deleted=existing[len(rows) :]
    )


def routine_publication_check(*, status, published_at, exercises):
    """Refuse a published routine holding an exercise apps would not see with it.

    A published routine shows its exercises, so each must be published and seen
    by the time the routine is (an empty ``published_at`` means now). Raises
    ValidationError naming each exercise in the way.
    """
    if status != Publication.PUBLISHED:
        return
    now = timezone.now()
    when = max(published_at or now, now)
    errors = []
    for exercise in exercises:
        if exercise.status != Publication.PUBLISHED:
            errors.append(
                f"“{exercise}” is a draft: a published routine cannot contain a draft "
                "exercise. Publish the exercise first, or keep the routine a draft."
            )
        elif exercise.published_at and exercise.published_at > when:
            errors.append(
                f"“{exercise}” is scheduled for {exercise.published_at:%Y-%m-%d %H:%M}"
                " UTC, after the routine: schedule the routine for then or later."
            )
    if errors:
        raise ValidationError(errors)


def routines_holding(exercise):
    """The published (or scheduled) routines holding ``exercise``."""
    return list(
        Routine.objects.publishing().filter(items__exercise=exercise).distinct()
    )
