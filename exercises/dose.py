"""The dose of an exercise or a routine item, written once: fields, rules, value, text.

A dose is sets, reps and a hold, each optional ("15–20 reps, then switch feet" has no
set count), and whether the reps are done on each leg. Exercises state one; routine
items override parts of their exercise's.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, ngettext

DOSE_FIELDS = (
    "sets_min",
    "sets_max",
    "reps_min",
    "reps_max",
    "per_side",
    "hold_seconds",
)


class DoseFields(models.Model):
    """The numeric fields of a dose. ``per_side`` is each model's own: an exercise
    states it, a routine item may leave it empty to keep its exercise's."""

    sets_min = models.PositiveSmallIntegerField(null=True, blank=True)
    sets_max = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_min = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


def _range_constraint(field):
    """An optional min–max range: min ≥ 1, max ≥ min, and no max without a min."""
    low, high = f"{field}_min", f"{field}_max"
    return models.CheckConstraint(
        # isnull=False keeps each branch false, not unknown, for NULLs: a CHECK
        # passes on unknown, so "max without min" would slip by.
        condition=Q(**{f"{low}__isnull": True, f"{high}__isnull": True})
        | Q(**{f"{low}__isnull": False, f"{low}__gte": 1, f"{high}__isnull": True})
        | Q(
            **{
                f"{low}__isnull": False,
                f"{high}__isnull": False,
                f"{low}__gte": 1,
                f"{high}__gte": F(low),
            }
        ),
        name=f"%(app_label)s_%(class)s_{field}_range",
        violation_error_message=(
            f"{field.capitalize()}: the minimum must be at least 1 and the maximum, "
            "if given, at least the minimum."
        ),
    )


def dose_constraints():
    """The rules of a structured dose (sets, reps, hold), for any model holding one."""
    return [
        _range_constraint("sets"),
        _range_constraint("reps"),
        models.CheckConstraint(
            condition=Q(hold_seconds__isnull=True) | Q(hold_seconds__gte=1),
            name="%(app_label)s_%(class)s_hold_positive",
            violation_error_message="The hold must be at least 1 second.",
        ),
    ]


@dataclass(frozen=True)
class Dose:
    """A structured dose, as an exercise states it or a routine item overrides it."""

    sets_min: int | None
    sets_max: int | None
    reps_min: int | None
    reps_max: int | None
    per_side: bool
    hold_seconds: int | None

    @classmethod
    def of(cls, obj):
        """The dose held in ``obj``'s dose fields."""
        return cls(**{name: getattr(obj, name) for name in DOSE_FIELDS})

    @property
    def text(self):
        """The dose as a person would say it: "2–3 sets of 8–12 reps, each leg"."""
        return format_dose(**{name: getattr(self, name) for name in DOSE_FIELDS})


def _range_text(low, high):
    if high is None or high == low:
        return str(low)
    return f"{low}–{high}"


def _range_count(low, high):
    """The number a range's noun agrees with: its upper end ("1–2 sets")."""
    return low if high is None else max(low, high)


def format_dose(*, sets_min, sets_max, reps_min, reps_max, per_side, hold_seconds):
    """A readable form of a structured dose in the active language; an empty dose
    gives an empty string."""
    parts = []
    reps = None
    if reps_min is not None:
        reps = ngettext(
            "%(count)s rep", "%(count)s reps", _range_count(reps_min, reps_max)
        ) % {"count": _range_text(reps_min, reps_max)}
    if sets_min is not None:
        sets = ngettext(
            "%(count)s set", "%(count)s sets", _range_count(sets_min, sets_max)
        ) % {"count": _range_text(sets_min, sets_max)}
        parts.append(
            # Translators: "2–3 sets" of "8–12 reps".
            gettext("%(sets)s of %(reps)s") % {"sets": sets, "reps": reps}
            if reps
            else sets
        )
    elif reps:
        parts.append(reps)
    if per_side and parts:
        parts[-1] = gettext("%(dose)s, each leg") % {"dose": parts[-1]}
    elif per_side:
        parts.append(gettext("each leg"))
    if hold_seconds is not None:
        # "s", the unit, takes no plural.
        parts.append(
            gettext("hold %(seconds)s s at the top of each rep")
            % {"seconds": hold_seconds}
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text and not text[0].isdigit() else text
