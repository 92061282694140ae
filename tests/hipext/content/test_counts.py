"""The pagination total is counted once per filter and content version."""

import pytest

from exercises.models import Exercise
from hipext.content.publishing import documents_flushed
from tests.factories import full_exercise

pytestmark = pytest.mark.django_db

# A list on the first request: count, then the page of exercises with their documents.
LIST_QUERIES = 2


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    # Every request renders, so that only the count cache can save a query.
    settings.API_RESPONSE_CACHE_TIMEOUT = 0


@pytest.fixture
def exercises(db):
    # Each full exercise brings a bare one along (its variation's target): 6 in all.
    with documents_flushed():
        return [full_exercise() for _ in range(3)]


def test_later_pages_and_orderings_of_one_filter_reuse_the_count(
    api_client, exercises, django_assert_num_queries
):
    with django_assert_num_queries(LIST_QUERIES):
        first = api_client.get("/api/exercises?page_size=2")
    with django_assert_num_queries(LIST_QUERIES - 1):
        second = api_client.get("/api/exercises?page_size=2&page=2&ordering=-name")

    assert first.json()["count"] == second.json()["count"] == 6


def test_a_content_change_is_counted_at_once(api_client, exercises):
    assert api_client.get("/api/exercises").json()["count"] == 6

    full_exercise()
    assert api_client.get("/api/exercises").json()["count"] == 8

    Exercise.objects.filter(slug=exercises[0].slug).delete()
    assert api_client.get("/api/exercises").json()["count"] == 7


def test_each_filter_has_its_own_count(api_client, exercises):
    exercises[0].difficulty = "advanced"
    exercises[0].save()
    levels = {"beginner": 0, "intermediate": 0, "advanced": 0}
    for level in Exercise.objects.values_list("difficulty", flat=True):
        levels[level] += 1

    def count(query):
        return api_client.get(f"/api/exercises?{query}").json()["count"]

    assert count("") == 6
    assert count("difficulty=advanced") == levels["advanced"]
    # Two values of one filter: a different query from either value alone.
    assert count("difficulty=beginner,intermediate") == (
        levels["beginner"] + levels["intermediate"]
    )
    assert count("difficulty=beginner") == levels["beginner"]


def test_count_cache_can_be_turned_off(
    api_client, exercises, settings, django_assert_num_queries
):
    settings.API_COUNT_CACHE_TIMEOUT = 0
    api_client.get("/api/exercises")

    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/exercises")

    assert response.json()["count"] == 6
