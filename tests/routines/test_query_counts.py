"""Query counts that do not grow with the number of routines or exercises."""

import pytest

from exercises.models import Equipment
from hipext.content.publishing import documents_flushed
from tests.factories import (
    RoutineFactory,
    RoutineItemFactory,
    full_exercise,
)
from tests.routines.helpers import LIST, SUGGEST

pytestmark = pytest.mark.django_db


def _routines(count):
    """``count`` routines of three full exercises (steps, muscles, equipment)."""
    routines = []
    # Written as a write path does: the documents rendered before it ends.
    with documents_flushed():
        for _ in range(count):
            routine = RoutineFactory()
            for position in (1, 2, 3):
                RoutineItemFactory(
                    routine=routine, position=position, exercise=full_exercise()
                )
            routines.append(routine)
    return routines


def test_list_query_count_does_not_grow_with_routines(
    api_client, django_assert_num_queries
):
    # count, then the page of routines with their documents; a detail is its document.
    [one] = _routines(1)
    with django_assert_num_queries(2):
        assert len(api_client.get(LIST).json()["results"]) == 1
    with django_assert_num_queries(1):
        api_client.get(f"{LIST}/{one.slug}")

    _routines(9)
    with django_assert_num_queries(2):
        results = api_client.get(LIST).json()["results"]
    assert len(results) == 10
    # Every routine really carries its nested rows, from its document.
    assert all(
        len(routine["items"]) == 3
        and len(routine["muscles"]) == 6
        and len(routine["equipment_needed"]) == 3
        and all(len(need["alternatives"]) == 1 for need in routine["equipment_needed"])
        for routine in results
    )


def test_suggest_query_count_does_not_grow_with_exercises(
    api_client, django_assert_num_queries
):
    # The equipment slugs, the chosen exercises with their documents, the guidance.
    _routines(1)
    available = ",".join(Equipment.objects.values_list("slug", flat=True))
    params = {"available": available, "count": "3"}
    with django_assert_num_queries(3):
        response = api_client.get(SUGGEST, params)
    assert len(response.json()["items"]) == 3
    _routines(5)
    available = ",".join(Equipment.objects.values_list("slug", flat=True))
    with django_assert_num_queries(3):
        response = api_client.get(SUGGEST, {**params, "available": available})
    assert len(response.json()["items"]) == 3
