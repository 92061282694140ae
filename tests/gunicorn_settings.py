"""Production settings (from the environment) serving the test URLs, for server tests."""

from hipext.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls"
