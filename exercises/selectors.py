"""Exercise queries shared by the exercise API, routines and the routine builder."""

from django.db.models import Exists, OuterRef, Q

from .models import ExerciseEquipment, Requirement

NO_EQUIPMENT = "none"


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
