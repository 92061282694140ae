"""Filters of the routine list."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from exercises.models import Difficulty, Equipment, ExerciseMuscle, Muscle
from exercises.selectors import NO_EQUIPMENT, equipment_on_hand, muscle_family_q
from hipext.api.filtering import FilterSet
from hipext.api.filters import CommaSeparatedFilter, StrictChoiceFilter, slug_choices

from .models import Routine, RoutineItem
from .selectors import routines_doable_with

AVAILABLE_HELP = "The equipment on hand, comma-separated equipment slugs, or `none`. "
MUSCLE_HELP = (
    "Muscle slugs, comma-separated (any-of); a group such as `hamstrings` matches "
    "its members."
)


class RoutineFilterSet(FilterSet):
    difficulty = CommaSeparatedFilter(
        choices=Difficulty.choices, help_text="Any of these levels."
    )
    max_difficulty = StrictChoiceFilter(
        method="filter_max_difficulty",
        choices=Difficulty.choices,
        help_text="This level and the easier ones (intermediate: beginner and intermediate).",
    )
    available = CommaSeparatedFilter(
        method="filter_available",
        choices=slug_choices(Equipment.objects, NO_EQUIPMENT),
        help_text=AVAILABLE_HELP
        + "Routines doable with only this equipment: every required item of every "
        "exercise, or one of its alternatives, is in the list.",
    )
    muscle = CommaSeparatedFilter(
        method="filter_muscle",
        choices=slug_choices(Muscle.objects),
        help_text=MUSCLE_HELP + " Routines with an exercise working any of them.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text=(
            "Words to find in the routine's name, summary, goal and notes or in its "
            "exercises' names and aliases; every word must appear somewhere."
        ),
    )

    class Meta:
        model = Routine
        fields = []

    def filter_max_difficulty(self, queryset, name, value):
        return queryset.filter(difficulty__in=Difficulty.up_to(value))

    def filter_available(self, queryset, name, value):
        return routines_doable_with(queryset, equipment_on_hand(value))

    def filter_muscle(self, queryset, name, value):
        works = ExerciseMuscle.objects.filter(
            muscle_family_q(value), exercise__routine_items__routine=OuterRef("pk")
        )
        return queryset.filter(Exists(works))

    def filter_search(self, queryset, name, value):
        # Portable on both databases; routines are few and short, so no ranking.
        for word in value.split():
            in_exercises = RoutineItem.objects.filter(
                Q(exercise__name__icontains=word)
                | Q(exercise__aliases__icontains=word)
                | Q(exercise__editorial_aliases__icontains=word),
                routine=OuterRef("pk"),
            )
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(goal__icontains=word)
                | Q(notes__icontains=word)
                | Exists(in_exercises)
            )
        return queryset
