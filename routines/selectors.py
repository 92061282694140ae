"""Routine queries shared by the routine API, the seed and the routine builder."""

from django.db.models import Exists, OuterRef, Prefetch

from exercises.models import Exercise
from exercises.selectors import (
    equipment_links_prefetch,
    exercises_doable_with,
    exercises_needing_no_equipment,
    muscle_links_prefetch,
)

from .models import RoutineItem

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


def routines_doable_with(queryset, equipment_slugs):
    """Routines whose every exercise is doable with only this equipment."""
    exercises = Exercise.objects.all()
    doable = (
        exercises_doable_with(exercises, equipment_slugs)
        if equipment_slugs
        else exercises_needing_no_equipment(exercises)
    )
    undoable = RoutineItem.objects.filter(routine=OuterRef("pk")).exclude(
        exercise__in=doable.values("pk")
    )
    return queryset.filter(~Exists(undoable))
