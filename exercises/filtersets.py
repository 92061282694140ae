"""Filters of the exercise content API; multi-valued ones take comma-separated values."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from hipext.api.filtering import FilterSet
from hipext.api.filters import CommaSeparatedFilter, StrictChoiceFilter, slug_choices

from .models import (
    Difficulty,
    Equipment,
    Exercise,
    ExerciseMuscle,
    HipRole,
    Laterality,
    Muscle,
    MuscleRole,
    Position,
)
from .selectors import (
    NO_EQUIPMENT,
    difficulty_rank,
    equipment_on_hand,
    exercises_doable_with,
    exercises_matching,
    exercises_needing_no_equipment,
    exercises_using_any,
    muscle_family_q,
)

ORDERING_FIELDS = {
    "source": "source_number",
    "name": "name",
    "difficulty": "difficulty_rank",
    "updated_at": "updated_at",
}


class DateTimeOrDateField(forms.Field):
    """An ISO 8601 date-time or date (midnight UTC); naive times are UTC."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = value.strip()
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                date = parse_date(value)
                parsed = date and datetime.datetime.combine(date, datetime.time.min)
        except ValueError:  # well formed but impossible, such as month 13
            parsed = None
        if parsed is None:
            raise forms.ValidationError(
                "%(value)s is not an ISO 8601 date or date-time, such as 2025-01-31 "
                "or 2025-01-31T09:30:00Z (encode a + offset as %%2B).",
                params={"value": repr(value)},
            )
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                "%(value)s is out of range.", params={"value": repr(value)}
            ) from None


class DateTimeOrDateFilter(django_filters.IsoDateTimeFilter):
    field_class = DateTimeOrDateField


class ExerciseFilterSet(FilterSet):
    equipment = CommaSeparatedFilter(
        method="filter_equipment",
        choices=slug_choices(Equipment.objects, NO_EQUIPMENT),
        help_text=(
            "Exercises that use any of these equipment slugs, required or optional "
            "(any-of). `none` means exercises that need no equipment at all."
        ),
    )
    available = CommaSeparatedFilter(
        method="filter_available",
        choices=slug_choices(Equipment.objects, NO_EQUIPMENT),
        help_text=(
            "Exercises that can be done with only this equipment: every required item, "
            "or one of its alternatives, is in the list. `none` alone equals "
            "`equipment=none`."
        ),
    )
    muscle = CommaSeparatedFilter(
        method="filter_muscle",
        choices=slug_choices(Muscle.objects),
        help_text=(
            "Exercises working any of these muscle slugs (any-of); a group such as "
            "`hamstrings` matches its members. Narrow it with `role`."
        ),
    )
    role = StrictChoiceFilter(
        method="filter_role",
        choices=MuscleRole.choices,
        help_text="With `muscle`: only where those muscles have this role.",
    )
    difficulty = CommaSeparatedFilter(
        choices=Difficulty.choices,
        help_text="Any of these levels.",
    )
    max_difficulty = StrictChoiceFilter(
        method="filter_max_difficulty",
        choices=Difficulty.choices,
        help_text="This level and the easier ones (intermediate: beginner and intermediate).",
    )
    laterality = CommaSeparatedFilter(
        choices=Laterality.choices,
        help_text="Any of these.",
    )
    position = CommaSeparatedFilter(
        choices=Position.choices,
        help_text="Any of these starting positions.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text=(
            "Words to find in names, aliases, summary and steps, in the response's "
            "language (English where a text is not translated). Ranked full-text "
            "search (results best first unless `ordering` is given) on PostgreSQL, "
            "with that language's stemming, accents ignored; every word as a "
            "substring on SQLite, accents as typed."
        ),
    )
    updated_since = DateTimeOrDateFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=(
            "Exercises changed at or after this ISO 8601 date-time (or date, from "
            "midnight UTC), for apps that sync."
        ),
    )
    # Declared last: filters run in declaration order, so it overrides search's ranking.
    ordering = CommaSeparatedFilter(
        method="filter_ordering",
        choices=[
            (f"{sign}{name}", f"{name} {direction}")
            for name in ORDERING_FIELDS
            for sign, direction in (("", "ascending"), ("-", "descending"))
        ],
        help_text=(
            "Sort keys, comma-separated, `-` for descending. `source` is the source "
            "article's order (its numbers 1–8; exercises it does not list come "
            "last, either way), the default. `difficulty` sorts by level (beginner "
            "first). Ties are broken by name."
        ),
    )

    # The order of the rows, not which rows: every ordering shares a filter's count.
    count_ignores = ("ordering",)

    class Meta:
        model = Exercise
        fields = []

    def filter_queryset(self, queryset):
        if self.cleaned_data.get("role") and not self.cleaned_data.get("muscle"):
            raise ValidationError(
                {
                    "role": [
                        "role narrows muscle, so give muscle too "
                        "(e.g. muscle=hamstrings&role=primary)."
                    ]
                }
            )
        return super().filter_queryset(queryset)

    def filter_equipment(self, queryset, name, value):
        slugs = equipment_on_hand(value)
        if NO_EQUIPMENT not in value:
            return exercises_using_any(queryset, slugs)
        bodyweight = exercises_needing_no_equipment(queryset)
        return (
            bodyweight | exercises_using_any(queryset, slugs) if slugs else bodyweight
        )

    def filter_available(self, queryset, name, value):
        return exercises_doable_with(queryset, equipment_on_hand(value))

    def filter_muscle(self, queryset, name, value):
        links = ExerciseMuscle.objects.filter(
            muscle_family_q(value), exercise=OuterRef("pk")
        )
        role = self.cleaned_data.get("role")
        if role:
            links = links.filter(role=role)
        return queryset.filter(Exists(links))

    def filter_role(self, queryset, name, value):
        return queryset  # applied by filter_muscle, which it narrows

    def filter_max_difficulty(self, queryset, name, value):
        return queryset.filter(difficulty__in=Difficulty.up_to(value))

    def filter_search(self, queryset, name, value):
        return exercises_matching(queryset, value)

    def filter_ordering(self, queryset, name, value):
        keys = []
        for item in value:
            descending = item.startswith("-")
            field = ORDERING_FIELDS[item.lstrip("-")]
            if field == "source_number":
                # Exercises the article does not list come last either way.
                field = F(field)
                keys.append(
                    field.desc(nulls_last=True)
                    if descending
                    else field.asc(nulls_last=True)
                )
            else:
                keys.append(f"-{field}" if descending else field)
        if "name" not in value and "-name" not in value:
            keys.append("name")
        return queryset.annotate(difficulty_rank=difficulty_rank()).order_by(*keys)


class MuscleFilterSet(FilterSet):
    group = CommaSeparatedFilter(
        method="filter_group",
        choices=slug_choices(Muscle.objects, "none"),
        help_text=(
            "Muscles in any of these groups (muscle slugs); `none` for muscles "
            "that are in no group (the groups themselves and standalone muscles)."
        ),
    )
    hip_role = CommaSeparatedFilter(
        choices=HipRole.choices,
        help_text="Any of these roles around the hip.",
    )

    class Meta:
        model = Muscle
        fields = []

    def filter_group(self, queryset, name, value):
        slugs = [slug for slug in value if slug != "none"]
        condition = Q(group__slug__in=slugs)
        if "none" in value:
            condition |= Q(group__isnull=True)
        return queryset.filter(condition)
