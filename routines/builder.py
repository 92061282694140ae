"""The routine builder: a routine for a person's equipment and level, not saved."""

import json
import random
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery, prefetch_related_objects
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from exercises.models import (
    Difficulty,
    Exercise,
    ExerciseMuscle,
    Guideline,
)
from exercises.selectors import (
    NO_EQUIPMENT,
    difficulty_rank,
    equipment_links_prefetch,
    equipment_on_hand,
    exercises_doable_with,
    exercises_needing_no_equipment,
    muscle_family_q,
    muscle_links_prefetch,
)
from hipext.content.languages import active_language
from hipext.content.memo import content_memo, memo_query
from hipext.content.publication import publication_token
from hipext.models import Document

from .models import (
    DEFAULT_REST_SECONDS,
    MAX_ITEMS,
    MIN_ITEMS,
    RoutineItem,
    routine_equipment,
    routine_estimated_minutes,
    routine_muscles,
)

# The article's tip, word for word; curated routines use the same text.
WARM_UP = gettext_lazy(
    "Before starting strength training, spend 5–10 minutes warming up with light "
    "cardio (e.g., walking) and dynamic stretching."
)

# A level inside the summary's sentence ("at level beginner or below").
LEVEL_TEXT = {
    Difficulty.BEGINNER: pgettext_lazy("level, in a sentence", "beginner"),
    Difficulty.INTERMEDIATE: pgettext_lazy("level, in a sentence", "intermediate"),
    Difficulty.ADVANCED: pgettext_lazy("level, in a sentence", "advanced"),
}

SUGGEST_EXERCISE_PREFETCH = (muscle_links_prefetch(), equipment_links_prefetch())
# The published documents of the chosen exercises (hipext.content.documents).
EXERCISE_DOCUMENT_KIND = "exercise"


class RoutineSuggestError(Exception):
    """No routine satisfies the request; the message names the constraint."""

    def __init__(self, message, *, constraint):
        super().__init__(message)
        self.constraint = constraint


@dataclass
class SuggestedRoutine:
    """A routine built for a request: like a Routine, but never saved."""

    name: str
    summary: str
    difficulty: str
    warm_up: str
    items: list
    # Of dicts: published_guidance().
    guidance: list
    request: dict = field(default_factory=dict)
    # The chosen exercises' published documents, parsed, in item order; None when the
    # exercises were loaded with their relations for the serializers instead.
    documents: list | None = None

    @property
    def equipment_needed(self):
        return routine_equipment(self.items)

    @property
    def muscles_worked(self):
        return routine_muscles(self.items)

    @property
    def estimated_minutes(self):
        return routine_estimated_minutes(self.items)


def easiest_first(exercise):
    """The order of a routine's exercises: by level, then the article's order."""
    number = exercise.source_number
    return (
        Difficulty.rank(exercise.difficulty),
        number is None,
        number or 0,
        exercise.name,
    )


# The builder's errors become problem details, which stay in English; the routine it
# builds speaks the active language.
def _plural(count, noun):
    if count == 0:
        return f"no {noun}"
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _only(count):
    """ "only 2 exercises", "only 1 exercise" or "no exercise"."""
    text = _plural(count, "exercise")
    return f"only {text}" if count else text


def _be(count):
    return "are" if count > 1 else "is"


def _gear_text(slugs):
    return f"equipment [{', '.join(slugs)}]" if slugs else "no equipment"


def _join(names):
    if len(names) == 1:
        return names[0]
    return gettext("%(names)s and %(last)s") % {
        "names": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _summary(count, gear, difficulty, muscles):
    """The suggested routine's summary, in the active language."""
    doable = (
        gettext("doable with equipment [%(slugs)s]") % {"slugs": ", ".join(gear)}
        if gear
        else gettext("doable with no equipment")
    )
    working = (
        gettext(", working %(muscles)s") % {"muscles": _join(muscles)}
        if muscles
        else ""
    )
    sentence = ngettext(
        "%(count)s hip extension exercise %(doable)s at level %(level)s or "
        "below%(working)s.",
        "%(count)s hip extension exercises %(doable)s at level %(level)s or "
        "below%(working)s.",
        count,
    ) % {
        "count": count,
        "doable": doable,
        "level": LEVEL_TEXT[difficulty],
        "working": working,
    }
    return " ".join(
        (
            sentence,
            gettext(
                "Add them to your lower body workout along with other movement "
                "patterns, such as hip abduction, adduction, and rotation."
            ),
        )
    )


def routine_suggest(
    *,
    available,
    difficulty=Difficulty.BEGINNER,
    muscle=(),
    count=MIN_ITEMS,
    seed=None,
    documents=False,
):
    """Build a routine of ``count`` exercises for this equipment, level and muscle.

    ``available`` lists the equipment on hand (empty, or ``["none"]``, for none);
    ``difficulty`` is the person's level: exercises at or below it qualify;
    ``muscle`` optionally asks for exercises working any of these muscles or groups.
    Without ``seed`` the builder takes the hardest qualifying exercises, by name;
    a ``seed`` picks among all qualifying ones with a seeded random choice. Either
    way the same inputs give the same routine, its exercises easiest first (the
    article: "try glute bridges before doing hip thrusts"), as the curated routines
    do; equal levels keep the article's order. Raises RoutineSuggestError naming
    the constraint that leaves fewer than ``count`` exercises.

    With ``documents``, the chosen exercises come with their published documents
    (``SuggestedRoutine.documents``, for ``suggestion_data``) instead of their
    muscles and equipment rows, unless one of them has no document.
    """
    if not MIN_ITEMS <= count <= MAX_ITEMS:
        raise ValueError(f"count must be {MIN_ITEMS}–{MAX_ITEMS}, not {count}")
    gear = sorted(set(equipment_on_hand(available)))
    muscles = sorted(set(muscle))
    levels = Difficulty.up_to(difficulty)

    doable, fitting, wanted = _qualifying(gear, levels, muscles)
    key = ("routine_suggest", tuple(gear), tuple(levels), tuple(muscles))
    if seed is None:
        # The database ranks them and returns only ``count``, whatever the catalogue's
        # size (fewer only when fewer qualify); the query is compiled once per
        # request shape and content version (hipext.content.memo).
        def ranked():
            ranked = (
                wanted()
                .annotate(difficulty_rank=difficulty_rank())
                .order_by("-difficulty_rank", "name", "slug")
            )
            if documents:
                # In the same query: the chosen exercises' documents.
                ranked = ranked.annotate(
                    document_body=Subquery(
                        Document.objects.filter(
                            kind=EXERCISE_DOCUMENT_KIND,
                            language=active_language(),
                            object_id=OuterRef("pk"),
                        ).values("body")
                    )
                )
            return ranked[:count]

        chosen = list(memo_query((*key, count, documents), ranked))
        found = len(chosen)
    else:
        # The seeded choice runs over every qualifying exercise in a stable order
        # (Python's, on the names in the active language), the query compiled once.
        candidates = sorted(
            memo_query((*key, "candidates"), wanted),
            key=lambda e: (-Difficulty.rank(e.difficulty), e.name, e.slug),
        )
        found = len(candidates)
        picked = set(random.Random(seed).sample(range(found), min(count, found)))
        chosen = [e for index, e in enumerate(candidates) if index in picked]
    if found < count:
        raise _unmet(doable(), fitting(), found, gear, difficulty, muscles, count)
    chosen.sort(key=easiest_first)
    parsed = _documents_of(chosen, annotated=seed is None) if documents else None
    if parsed is None:
        # Muscles and equipment for the chosen exercises only, not every candidate.
        prefetch_related_objects(chosen, *SUGGEST_EXERCISE_PREFETCH)

    items = [
        RoutineItem(
            position=index, exercise=exercise, rest_seconds=DEFAULT_REST_SECONDS
        )
        for index, exercise in enumerate(chosen, start=1)
    ]
    level = max((e.difficulty for e in chosen), key=Difficulty.rank)
    return SuggestedRoutine(
        name=gettext("Hip extension routine: %(exercises)s")
        % {"exercises": _join([e.name for e in chosen])},
        summary=_summary(count, gear, difficulty, muscles),
        difficulty=level,
        warm_up=str(WARM_UP),
        items=items,
        guidance=published_guidance(),
        request={
            "available": gear or [NO_EQUIPMENT],
            "difficulty": difficulty,
            "muscle": muscles,
            "count": count,
            "seed": seed,
        },
        documents=parsed,
    )


def published_guidance():
    """The article's published guidance in order: slug, title and text of each.

    The same for every suggestion: kept per content version, language and
    publication horizon (hipext.content.memo) rather than read on each. The list
    is shared: callers must not change it.
    """

    def read():
        return [
            {"slug": guideline.slug, "title": guideline.title, "text": guideline.text}
            for guideline in Guideline.objects.published()
        ]

    return content_memo(("routine_guidance", publication_token()), read)


def _qualifying(gear, levels, muscles):
    """Makers of the querysets of the exercises doable with ``gear``, of those at
    ``levels``, and of those working ``muscles`` too: built only when used."""

    def doable():
        exercises = Exercise.objects.published()
        if gear:
            return exercises_doable_with(exercises, gear)
        return exercises_needing_no_equipment(exercises)

    def fitting():
        return doable().filter(difficulty__in=levels)

    def wanted():
        if not muscles:
            return fitting()
        works = ExerciseMuscle.objects.filter(exercise=OuterRef("pk")).filter(
            muscle_family_q(muscles)
        )
        return fitting().filter(Exists(works))

    return doable, fitting, wanted


def _documents_of(exercises, *, annotated):
    """The exercises' documents, parsed, in order; None if one has none."""
    if annotated:
        bodies = [exercise.document_body for exercise in exercises]
    else:
        by_id = dict(
            Document.objects.filter(
                kind=EXERCISE_DOCUMENT_KIND,
                language=active_language(),
                object_id__in=[e.pk for e in exercises],
            ).values_list("object_id", "body")
        )
        bodies = [by_id.get(exercise.pk) for exercise in exercises]
    if any(body is None for body in bodies):
        return None
    return [json.loads(bytes(body)) for body in bodies]


def _unmet(doable, fitting, found, gear, difficulty, muscles, count):
    """The error naming the first constraint that leaves too few exercises."""
    needed = f"{count} are needed"
    with_gear = f"doable with {_gear_text(gear)}"
    n_doable = doable.count()
    if n_doable < count:
        return RoutineSuggestError(
            f"{_only(n_doable)} {_be(n_doable)} {with_gear}; {needed}",
            constraint="available",
        )
    n_fitting = found if not muscles else fitting.count()
    if n_fitting < count:
        return RoutineSuggestError(
            f"{_only(n_fitting)} {_be(n_fitting)} {with_gear} at level "
            f"{difficulty}; {needed}",
            constraint="difficulty",
        )
    verb = "work" if found > 1 else "works"
    return RoutineSuggestError(
        f"{_only(found)} {with_gear} at level {difficulty} "
        f"{verb} muscle [{', '.join(muscles)}]; {needed}",
        constraint="muscle",
    )
