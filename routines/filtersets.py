"""Filters of the routine API, and the query of the routine builder."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from rest_framework import serializers

from exercises.models import Difficulty, Equipment, ExerciseMuscle, Muscle
from exercises.selectors import NO_EQUIPMENT, muscle_family_q
from hipext.api.filters import (
    CommaSeparatedFilter,
    StrictChoiceFilter,
    slug_choices,
    unknown_value_error,
)

from .models import MAX_ITEMS, MIN_ITEMS, Routine, RoutineItem
from .selectors import routines_doable_with

AVAILABLE_HELP = "The equipment on hand, comma-separated equipment slugs, or `none`. "
MUSCLE_HELP = (
    "Muscle slugs, comma-separated (any-of); a group such as `hamstrings` matches "
    "its members."
)


class RoutineFilterSet(django_filters.FilterSet):
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
        return routines_doable_with(
            queryset, [slug for slug in value if slug != NO_EQUIPMENT]
        )

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
                | Q(exercise__aliases__icontains=word),
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


class SlugListField(serializers.CharField):
    """Comma-separated slugs, each one of ``choices`` (a callable, read when used)."""

    def __init__(self, *, choices, allow_empty_list=True, **kwargs):
        self.slug_choices = choices
        self.allow_empty_list = allow_empty_list
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = []
        for item in super().to_internal_value(data).split(","):
            item = item.strip()
            if item and item not in values:
                values.append(item)
        if not values and not self.allow_empty_list:
            raise serializers.ValidationError(
                f"Give at least one equipment slug, or {NO_EQUIPMENT}."
            )
        valid = self.slug_choices()
        unknown = [item for item in values if item not in valid]
        if unknown:
            raise serializers.ValidationError(
                unknown_value_error(unknown, valid).messages
            )
        return values


class StrictChoiceField(serializers.ChoiceField):
    """A choice whose error names the valid values, as the filters' do."""

    def to_internal_value(self, data):
        if str(data) not in self.choice_strings_to_values:
            valid = [str(choice) for choice in self.choices]
            raise serializers.ValidationError(
                unknown_value_error([str(data)], valid).messages
            )
        return super().to_internal_value(data)


class RoutineSuggestQuerySerializer(serializers.Serializer):
    """The query parameters of /api/routines/suggest."""

    available = SlugListField(
        choices=slug_choices(Equipment.objects, NO_EQUIPMENT),
        allow_empty_list=False,
        max_length=1000,
        help_text=AVAILABLE_HELP
        + "Required: every suggested exercise is doable with only this equipment.",
    )
    difficulty = StrictChoiceField(
        choices=Difficulty.choices,
        default=Difficulty.BEGINNER,
        help_text=(
            "The person's level: exercises at this level or easier qualify. "
            "Beginner by default."
        ),
    )
    muscle = SlugListField(
        choices=slug_choices(Muscle.objects),
        required=False,
        max_length=1000,
        help_text=MUSCLE_HELP + " Every suggested exercise works one of them.",
    )
    count = StrictChoiceField(
        choices=list(range(MIN_ITEMS, MAX_ITEMS + 1)),
        default=MIN_ITEMS,
        help_text=(
            "How many exercises: the article advises 2–3 hip extension exercises "
            "per lower body workout. 2 by default."
        ),
    )
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=(
            "Varies the choice among the qualifying exercises; the same seed gives "
            "the same routine. Without it, the hardest qualifying exercises by name."
        ),
    )
