"""The benchmark servers' settings: production's, plus the ceiling route (bench/urls.py)."""

from hipext.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
