"""Settings for a test server process: the test settings with the probe URLs."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.probe_urls"
