"""Exercise queries shared by the exercise API, routines and the routine builder."""

from functools import reduce
from operator import or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IContains

from hipext.content.languages import active_language, search_config, translated_text
from hipext.content.publication import Publication

from .models import (
    Difficulty,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Requirement,
    Variation,
)

NO_EQUIPMENT = "none"

# The source article's order (its numbers 1–8), exercises it does not list after
# them by name: the exercise list's default order (``ordering=source``).
SOURCE_ORDER = (F("source_number").asc(nulls_last=True), "name")


def equipment_on_hand(values):
    """The equipment slugs of an ``available`` list, without the word ``none``."""
    return [slug for slug in values if slug != NO_EQUIPMENT]


def difficulty_rank():
    """0 for beginner, 1 for intermediate, 2 for advanced: sorts by level, not by name."""
    return Case(
        *(
            When(difficulty=level, then=Value(rank))
            for rank, level in enumerate(Difficulty.values)
        ),
        output_field=IntegerField(),
    )


def muscle_links_prefetch(lookup="muscle_links"):
    """An exercise's muscles with their groups: one query for any number of exercises."""
    return Prefetch(
        lookup, queryset=ExerciseMuscle.objects.select_related("muscle__group")
    )


def equipment_links_prefetch(lookup="equipment_links"):
    """An exercise's equipment, required items first, and their alternatives.

    Two queries for any number of exercises. The model orders by requirement
    alphabetically, which would put optional items first.
    """
    required_first = Case(
        When(requirement=Requirement.REQUIRED, then=Value(0)), default=Value(1)
    )
    return Prefetch(
        lookup,
        queryset=ExerciseEquipment.objects.select_related("equipment")
        .prefetch_related("alternatives")
        .order_by(required_first, "equipment__name"),
    )


def variations_prefetch(lookup="variations"):
    """An exercise's variations with the exercises they point to: one query.

    A variation pointing to a draft is left out, so no draft is named in public;
    the exercise's document is rendered again when the draft is published.
    """
    return Prefetch(
        lookup,
        queryset=Variation.objects.select_related("variant").filter(
            Q(variant__isnull=True) | Q(variant__status=Publication.PUBLISHED)
        ),
    )


def exercise_detail_prefetches():
    """Everything an exercise's full representation reads: one query per kind."""
    return (
        "steps",
        muscle_links_prefetch(),
        equipment_links_prefetch(),
        variations_prefetch(),
    )


def _required_links():
    return ExerciseEquipment.objects.filter(
        exercise=OuterRef("pk"), requirement=Requirement.REQUIRED
    )


def exercises_needing_no_equipment(queryset):
    """Exercises with no required equipment: the article's "Equipment needed: none"."""
    return queryset.filter(~Exists(_required_links()))


def exercises_using_any(queryset, equipment_slugs):
    """Exercises that use any of these items, required or optional, or as an alternative."""
    links = ExerciseEquipment.objects.filter(exercise=OuterRef("pk")).filter(
        Q(equipment__slug__in=equipment_slugs)
        | Q(alternatives__slug__in=equipment_slugs)
    )
    return queryset.filter(Exists(links))


def exercises_doable_with(queryset, equipment_slugs):
    """Exercises whose every required item, or one of its alternatives, is on hand."""
    unmet = (
        _required_links()
        .exclude(equipment__slug__in=equipment_slugs)
        .exclude(alternatives__slug__in=equipment_slugs)
    )
    return queryset.filter(~Exists(unmet))


def muscle_family_q(slugs, path="muscle"):
    """Matches a muscle (at ``path``) that is one of these or is in their groups.

    Groups nest at most three levels in practice (hamstrings → semitendinosus), so
    one query with three joins answers it, whatever the data.
    """
    return (
        Q(**{f"{path}__slug__in": slugs})
        | Q(**{f"{path}__group__slug__in": slugs})
        | Q(**{f"{path}__group__group__slug__in": slugs})
    )


# The texts a search reads, by weight in PostgreSQL's ranking: names and aliases
# above the summary, the summary above the steps.
SEARCHED_NAMES = ("name", "aliases", "editorial_aliases")
SEARCHED_SUMMARY = "summary"


def exercises_matching(queryset, text, language=None):
    """Exercises matching ``text`` in their names, aliases, summary or steps, best first.

    Each text is read in ``language`` (the active one by default), or in English
    where it is not translated. PostgreSQL ranks a full-text search (that language's
    stemming and stop words, web-search syntax, accents ignored); other databases get
    a portable fallback: every word must appear somewhere, as typed, ordered by name.
    Either way it is one query (the steps are a subquery, not a join).
    """
    words = text.split()
    if not words:
        return queryset
    language = language or active_language()
    name = translated_text("name", language)
    if connections[queryset.db].vendor == "postgresql":
        return _ranked_matches(queryset, text, language).order_by("-search_rank", name)
    for word in words:
        in_steps = ExerciseStep.objects.filter(
            IContains(translated_text("text", language), word),
            exercise=OuterRef("pk"),
        )
        queryset = queryset.filter(
            reduce(
                or_,
                (
                    IContains(translated_text(field, language), word)
                    for field in (*SEARCHED_NAMES, SEARCHED_SUMMARY)
                ),
            )
            | Exists(in_steps)
        )
    return queryset.order_by(name)


def _ranked_matches(queryset, text, language):
    """PostgreSQL's full-text matches, annotated with their rank.

    Document and query both go through ``unaccent`` (the extension a migration
    enables). The Spanish and German stemmers fold their own vowels' accents
    ("gluteo" finds "glúteos"); unaccent does it for every letter and configuration
    ("anadir" finds "añadir", "brídge" finds "bridge"). A text still in English is
    stemmed as the requested language, so it is found by its words as written.
    """
    config = search_config(language)

    def document(*texts, weight):
        return SearchVector(
            *(Unaccent(text) for text in texts), weight=weight, config=config
        )

    steps = (
        ExerciseStep.objects.filter(exercise=OuterRef("pk"))
        .order_by()
        .values("exercise")
        .annotate(
            steps_text=StringAgg(translated_text("text", language), delimiter=" ")
        )
        .values("steps_text")
    )
    vector = (
        document(
            *(translated_text(field, language) for field in SEARCHED_NAMES), weight="A"
        )
        + document(translated_text(SEARCHED_SUMMARY, language), weight="B")
        + document(
            Coalesce(Subquery(steps), Value(""), output_field=TextField()), weight="C"
        )
    )
    query = SearchQuery(Unaccent(Value(text)), search_type="websearch", config=config)
    return queryset.annotate(
        search=vector, search_rank=SearchRank(vector, query)
    ).filter(search=query)
