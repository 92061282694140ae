import os
import socket
import threading
from importlib import import_module

import pytest
from django.contrib.postgres.operations import CreateExtension
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from tests import seedcopy


def skip_unless(available, reason):
    """Skip a test whose service or tool is missing on this machine.

    CI sets HIPEXT_REQUIRE_SERVICES=1, where a missing one fails the test instead,
    so a broken set-up can never pass as a run of skipped tests.
    """
    if available:
        return
    if os.environ.get("HIPEXT_REQUIRE_SERVICES"):
        pytest.fail(f"{reason} (required: HIPEXT_REQUIRE_SERVICES is set)")
    pytest.skip(reason)


def require_redis(host="127.0.0.1", port=6379):
    """Skip (or, in CI, fail) unless Redis answers at host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            up = True
    except OSError:
        up = False
    skip_unless(up, f"Redis is not reachable at {host}:{port}")


postgresql_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="SQLite serializes all writers with one database lock and the test "
    "database is not shared between threads, so it cannot run two saves at once",
)


def run_in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


# Migrations that create PostgreSQL extensions (the search's unaccent).
EXTENSION_MIGRATIONS = ["exercises.migrations.0007_unaccent"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the PostgreSQL extensions the migrations create.

    Tests build the tables from the models (``--no-migrations``), which leaves out
    the migrations' other operations: their extensions are created here, by those
    very operations, so the tests search as a migrated database does.
    """
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            for path in EXTENSION_MIGRATIONS:
                for operation in import_module(path).Migration.operations:
                    if isinstance(operation, CreateExtension):
                        operation.database_forwards(
                            path.split(".")[0], editor, None, None
                        )


@pytest.fixture
def seeded(db):
    """The real seed content from fixtures/, in the test database (a copy of the
    session's first load: tests/seedcopy.py)."""
    return seedcopy.seed()


@pytest.fixture(scope="module")
def _seeded_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = seedcopy.seed()
    yield report
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded_content(_seeded_module, db):
    """The real seed, loaded once per module for the modules that only read it.

    Each test still runs in a transaction, so what one changes is rolled back; a module
    using it must not expect an empty database in any test.
    """
    return _seeded_module


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture(autouse=True)
def _http_cache_cleared():
    """Each test starts with an empty cache: no response or content state from another
    test, and no cache skipped because another test made it fail."""
    from django.core.cache import caches

    from hipext.content.publication import schedule_forget
    from hipext.content.sharedhead import shared_head_forget
    from hipext.content.version import content_state_forget
    from hipext.http import cachekeys
    from hipext.http.cachebreaker import breakers_reset
    from hipext.http.caching import local_responses, local_validators

    breakers_reset()
    # The database goes back between tests; this process's copy must too.
    content_state_forget()
    shared_head_forget()
    local_validators.clear()
    local_responses.clear()
    # A test may override the renderers a path negotiates.
    cachekeys.negotiated_forget()
    for cache in caches.all():
        cache.clear()
    # Nor another test's publication schedule (its rows are rolled back).
    schedule_forget()


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    """pytest-django's fixture, counting the queries of a request in the steady state.

    An API request reads this process's copy of the content state; only the first
    request after a content change rereads it from the database (hipext/content/
    version.py). Reading it before the block keeps that read out of the endpoints'
    pinned counts. The same for
    the publication schedule (hipext/content/publication.py): one query, once per
    process a second, after a write or when a scheduled time passes.
    """
    from contextlib import contextmanager

    from hipext.content.publication import publication_schedule
    from hipext.content.version import content_version

    @contextmanager
    def assert_num_queries(num, *args, **kwargs):
        content_version()
        publication_schedule()
        with django_assert_num_queries(num, *args, **kwargs) as context:
            yield context

    return assert_num_queries
