"""Fixtures of the exercises app's tests: the seed in every language."""

import pytest
from django.core.management import call_command

from exercises.embed.editions import editions_fill
from hipext.content.seeding import content_seed


@pytest.fixture(scope="module")
def _translated_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        content_seed()
        editions_fill()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def translated(_translated_module, db):
    """The seed with its Spanish and German texts, loaded once per module.

    The seed does not load its editions yet: exercises.embed.editions fills what the
    cards and diagrams show from fixtures/translations.
    """
