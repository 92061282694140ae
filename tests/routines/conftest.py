import pytest
from django.core.management import call_command

from hipext.content.seeding import content_seed


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The real seed, loaded once per module (each test still runs in a transaction,
    so what a test changes is rolled back). A module using it must not expect an
    empty database in any test."""
    with django_db_blocker.unblock():
        result = content_seed()
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded_content(seeded_once, db):
    return seeded_once
