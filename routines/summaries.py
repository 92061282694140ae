"""What a routine needs, works and takes, derived from its (prefetched) items.

Each function reads only what ROUTINE_PREFETCH (routines.selectors) loads, so a list of
routines costs no query per routine.
"""

import math
from dataclasses import dataclass

from exercises.models import MuscleRole, Requirement

# The article: "spend 5–10 minutes warming up with light cardio (e.g., walking) and
# dynamic stretching".
WARM_UP_MINUTES = (5, 10)

# Assumptions of the duration estimate (the article gives no tempo or rest times).
SECONDS_PER_REP = 3  # about 1 s up and 2 s down, plus any hold the dose asks for


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
