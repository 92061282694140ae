"""Routines: a warm-up and 2–3 hip-extension exercises in order, with their doses."""

import math
import uuid
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.urls import reverse

from exercises.models import (
    Difficulty,
    Exercise,
    MuscleRole,
    Requirement,
    SlugManager,
    dose_constraints,
    format_dose,
    split_lines,
)

# The article: "incorporate 2–3 hip extension exercises into your lower body workout".
MIN_ITEMS, MAX_ITEMS = 2, 3

# The article: "spend 5–10 minutes warming up with light cardio (e.g., walking) and
# dynamic stretching".
WARM_UP_MINUTES = (5, 10)

# Assumptions of the duration estimate (the article gives no tempo or rest times).
SECONDS_PER_REP = 3  # about 1 s up and 2 s down, plus any hold the dose asks for
DEFAULT_REST_SECONDS = 60

RESERVED_SLUGS = ("suggest",)


class Routine(models.Model):
    """A curated workout: a warm-up, then 2–3 hip-extension exercises in order."""

    uuid = models.UUIDField(
        "UUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identifies the routine across installations.",
    )
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    summary = models.TextField()
    goal = models.CharField(
        max_length=300, blank=True, help_text="Who the routine is for, in a sentence."
    )
    difficulty = models.CharField(
        max_length=20,
        choices=Difficulty.choices,
        help_text="At least the level of its hardest exercise.",
    )
    warm_up = models.TextField(
        "warm-up", help_text="What to do before the first exercise."
    )
    notes = models.TextField(blank=True, help_text="One note per line.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    exercises = models.ManyToManyField(
        Exercise, through="RoutineItem", related_name="routines"
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values),
                name="%(app_label)s_%(class)s_difficulty_valid",
            ),
            # /api/routines/suggest is the builder, so this slug could never be
            # fetched as a routine.
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS),
                name="%(app_label)s_%(class)s_slug_not_reserved",
                violation_error_message=(
                    f"The slugs {', '.join(RESERVED_SLUGS)} are taken by the API."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("routine-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def note_list(self):
        return split_lines(self.notes)

    # The derived properties read ``items.all()``: views prefetch it (see
    # ROUTINE_PREFETCH in routines.services), so they never query per routine.

    @property
    def equipment_needed(self):
        return routine_equipment(self.items.all())

    @property
    def muscles_worked(self):
        return routine_muscles(self.items.all())

    @property
    def estimated_minutes(self):
        return routine_estimated_minutes(self.items.all())


class RoutineItem(models.Model):
    """One exercise of a routine, at its place, with an optional dose override.

    An empty override field means the exercise's own dose. Sets and reps are
    overridden as ranges: giving ``sets_min`` replaces the exercise's whole set range.
    """

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="routine_items"
    )
    sets_min = models.PositiveSmallIntegerField(null=True, blank=True)
    sets_max = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_min = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(
        null=True,
        blank=True,
        help_text="Reps on each leg in turn; empty means as the exercise says.",
    )
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveSmallIntegerField(
        default=DEFAULT_REST_SECONDS,
        help_text="Rest after each set. The article gives no rest time.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["routine", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["routine", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message="Two items of a routine cannot share a position.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="%(app_label)s_%(class)s_position_positive",
                violation_error_message="Item positions start at 1.",
            ),
            *dose_constraints(),
        ]

    def __str__(self):
        return f"{self.routine} – {self.position}. {self.exercise}"

    @property
    def dose(self):
        """The effective dose: the override where given, else the exercise's own."""
        exercise = self.exercise
        sets = (
            (self.sets_min, self.sets_max)
            if self.sets_min is not None
            else (exercise.sets_min, exercise.sets_max)
        )
        reps = (
            (self.reps_min, self.reps_max)
            if self.reps_min is not None
            else (exercise.reps_min, exercise.reps_max)
        )
        return Dose(
            sets_min=sets[0],
            sets_max=sets[1],
            reps_min=reps[0],
            reps_max=reps[1],
            per_side=exercise.per_side if self.per_side is None else self.per_side,
            hold_seconds=(
                exercise.hold_seconds
                if self.hold_seconds is None
                else self.hold_seconds
            ),
        )

    @property
    def is_overridden(self):
        return any(
            getattr(self, name) is not None
            for name in ("sets_min", "reps_min", "per_side", "hold_seconds")
        )


@dataclass(frozen=True)
class Dose:
    """A structured dose, as an exercise states it or a routine item overrides it."""

    sets_min: int | None
    sets_max: int | None
    reps_min: int | None
    reps_max: int | None
    per_side: bool
    hold_seconds: int | None

    @property
    def text(self):
        return format_dose(
            sets_min=self.sets_min,
            sets_max=self.sets_max,
            reps_min=self.reps_min,
            reps_max=self.reps_max,
            per_side=self.per_side,
            hold_seconds=self.hold_seconds,
        )


@dataclass(frozen=True)
class EquipmentNeed:
    """One piece of equipment a routine needs, or any of its alternatives."""

    equipment: object
    alternatives: tuple
    exercises: tuple

    @property
    def exercise_slugs(self):
        return [exercise.slug for exercise in self.exercises]


@dataclass(frozen=True)
class MuscleWorked:
    """A muscle a routine works, as primary if any of its exercises works it so."""

    muscle: object
    role: str


def routine_equipment(items):
    """The required equipment of the items' exercises, one entry per distinct need.

    Optional equipment is left out: a routine is doable without it. Two exercises
    needing the same item with the same alternatives share one entry.
    """
    needs = {}
    for item in items:
        for link in item.exercise.equipment_links.all():
            if link.requirement != Requirement.REQUIRED:
                continue
            alternatives = tuple(sorted(link.alternatives.all(), key=lambda e: e.name))
            key = (link.equipment.slug, tuple(alt.slug for alt in alternatives))
            if key in needs:
                needs[key][2].append(item.exercise)
            else:
                needs[key] = (link.equipment, alternatives, [item.exercise])
    return [
        EquipmentNeed(equipment=equipment, alternatives=alts, exercises=tuple(users))
        for equipment, alts, users in sorted(
            needs.values(), key=lambda need: (need[0].name, len(need[1]))
        )
    ]


def routine_muscles(items):
    """The muscles the items' exercises work: primary ones first, then by name."""
    roles = {}
    for item in items:
        for link in item.exercise.muscle_links.all():
            known = roles.get(link.muscle.slug)
            if known is None or link.role == MuscleRole.PRIMARY:
                roles[link.muscle.slug] = (link.muscle, link.role)
    return [
        MuscleWorked(muscle=muscle, role=role)
        for muscle, role in sorted(
            roles.values(),
            key=lambda pair: (pair[1] != MuscleRole.PRIMARY, pair[0].name),
        )
    ]


def routine_estimated_minutes(items):
    """A (shortest, longest) estimate of the routine in whole minutes.

    The warm-up takes the article's 5–10 minutes. Each set of an item lasts
    reps × (SECONDS_PER_REP + hold) × sides, where sides is 2 for a per-side dose,
    and is followed by the item's rest, except the routine's very last set. The
    short end uses the lower bounds of the set and rep ranges, the long end the
    upper ones; an unstated set count counts as 1 set and an unstated rep count as
    1 rep.
    """
    items = list(items)
    bounds = []
    for end in (0, 1):
        seconds = 0
        for index, item in enumerate(items):
            dose = item.dose
            sets = _range(dose.sets_min, dose.sets_max)[end]
            reps = _range(dose.reps_min, dose.reps_max)[end]
            sides = 2 if dose.per_side else 1
            per_set = reps * (SECONDS_PER_REP + (dose.hold_seconds or 0)) * sides
            rests = sets if index < len(items) - 1 else sets - 1
            seconds += sets * per_set + rests * item.rest_seconds
        bounds.append(WARM_UP_MINUTES[end] + math.ceil(seconds / 60))
    return tuple(bounds)


def _range(low, high):
    """A dose range as (low, high); an unstated count is 1."""
    if low is None:
        return (1, 1)
    return (low, low if high is None else high)
