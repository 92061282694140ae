import pytest
from rest_framework.test import APIClient

from exercises.services import content_seed


@pytest.fixture
def seeded(db):
    """The real seed content from fixtures/, loaded into the test database."""
    return content_seed()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture(autouse=True)
def _http_cache_cleared():
    """Each test starts with an empty cache: no response or version from another test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    """pytest-django's fixture, counting the queries of a request in the steady state.

    An API request reads the content version from the cache; only the first request
    after a content change reads it from the database (hipext/caching.py). Reading it
    before the block keeps that one query out of the endpoints' pinned counts.
    """
    from contextlib import contextmanager

    from hipext.caching import content_version

    @contextmanager
    def assert_num_queries(num, *args, **kwargs):
        content_version()
        with django_assert_num_queries(num, *args, **kwargs) as context:
            yield context

    return assert_num_queries
