"""Fixtures of the exercises app's tests: the seed in every language."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from hipext.content.editions import edition_file


def edition(language):
    """The seed's edition of ``language`` as its YAML file holds it."""
    path = Path(settings.BASE_DIR) / "fixtures" / edition_file(language)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def translated(seeded_content):
    """The seed, with its Spanish and German editions, loaded once per module."""
    return seeded_content
