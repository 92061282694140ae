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
