import pytest
from django.core.cache import cache


@pytest.fixture
def rate_limits(settings, db):
    """Sets the anonymous and per-key rates on the probe URLs, from a clean cache."""
    settings.ROOT_URLCONF = "tests.probe_urls"

    def set_rates(anon, key):
        settings.API_RATE_ANON = anon
        settings.API_RATE_KEY = key
        return settings

    cache.clear()
    yield set_rates
    cache.clear()
