"""Routines: a warm-up and 2–3 hip-extension exercises in order, with their doses."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from exercises.dose import Dose, DoseFields, dose_constraints
from exercises.models import Difficulty, Exercise
from hipext.content.modeling import choice_constraint, split_lines
from hipext.content.ordering import position_constraints, validate_position
from hipext.content.publication import (
    PublishableManager,
    PublishableModel,
    publication_constraints,
)
from hipext.content.revisions import RevisionedModel
from hipext.content.validators import validate_line, validate_text

from .summaries import (
    routine_equipment,
    routine_estimated_minutes,
    routine_muscles,
)

# The article: "incorporate 2–3 hip extension exercises into your lower body workout".
MIN_ITEMS, MAX_ITEMS = 2, 3

# Assumed rest after each set (the article gives no rest time).
DEFAULT_REST_SECONDS = 60

RESERVED_SLUGS = ("suggest",)


class Routine(PublishableModel, RevisionedModel):
    """A curated workout: a warm-up, then 2–3 hip-extension exercises in order."""

    uuid = models.UUIDField(
        "UUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Identifies the routine across installations.",
    )
    name = models.CharField(max_length=150, unique=True, validators=[validate_line])
    slug = models.SlugField(max_length=150, unique=True)
    summary = models.TextField(validators=[validate_text])
    goal = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_line],
        help_text="Who the routine is for, in a sentence.",
    )
    difficulty = models.CharField(
        max_length=20,
        choices=Difficulty.choices,
        help_text="At least the level of its hardest exercise.",
    )
    warm_up = models.TextField(
        "warm-up",
        validators=[validate_text],
        help_text="What to do before the first exercise.",
    )
    notes = models.TextField(
        blank=True, validators=[validate_text], help_text="One note per line."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    exercises = models.ManyToManyField(
        Exercise, through="RoutineItem", related_name="routines"
    )

    objects = PublishableManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choice_constraint("difficulty", Difficulty),
            *publication_constraints(),
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

    def publication_check(self):
        """Refuse publishing while an exercise of it is not seen (a draft, or later)."""
        from .services import routine_publication_check  # services import models

        routine_publication_check(
            status=self.status,
            published_at=self.published_at,
            exercises=[item.exercise for item in self.items.select_related("exercise")],
        )

    # The derived properties read ``items.all()``: views prefetch it (see
    # ROUTINE_PREFETCH in routines.selectors; the computations are in
    # routines.summaries), so they never query per routine.

    @property
    def equipment_needed(self):
        return routine_equipment(self.items.all())

    @property
    def muscles_worked(self):
        return routine_muscles(self.items.all())

    @property
    def estimated_minutes(self):
        return routine_estimated_minutes(self.items.all())


class RoutineItem(DoseFields):
    """One exercise of a routine, at its place, with an optional dose override.

    An empty override field means the exercise's own dose. Sets and reps are
    overridden as ranges: giving ``sets_min`` replaces the exercise's whole set range.
    """

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(validators=[validate_position])
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="routine_items"
    )
    # The dose override (DoseFields): an empty field keeps the exercise's own.
    per_side = models.BooleanField(
        null=True,
        blank=True,
        help_text="Reps on each leg in turn; empty means as the exercise says.",
    )
    rest_seconds = models.PositiveSmallIntegerField(
        default=DEFAULT_REST_SECONDS,
        help_text="Rest after each set. The article gives no rest time.",
    )
    note = models.CharField(max_length=300, blank=True, validators=[validate_line])

    class Meta:
        ordering = ["routine", "position"]
        constraints = [
            *position_constraints(
                "routine", "Two items of a routine cannot share a position."
            ),
            *dose_constraints(),
        ]

    def __str__(self):
        return f"{self.routine} – {self.position}. {self.exercise}"

    def clean(self):
        super().clean()
        if self.routine_id is None or self.exercise_id is None:
            return
        from .services import routine_publication_check  # services import models

        routine_publication_check(
            status=self.routine.status,
            published_at=self.routine.published_at,
            exercises=[self.exercise],
        )

    @property
    def dose(self):
        """The effective dose: the override where given, else the exercise's own."""
        exercise = self.exercise
        sets = self if self.sets_min is not None else exercise
        reps = self if self.reps_min is not None else exercise
        return Dose(
            sets_min=sets.sets_min,
            sets_max=sets.sets_max,
            reps_min=reps.reps_min,
            reps_max=reps.reps_max,
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
