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
