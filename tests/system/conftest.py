"""Fixtures of the system tests: databases for the server processes they start."""

import shutil

import pytest

from tests.servers import HOST
from tests.system.faults import manage


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """A migrated and seeded SQLite file, made once per module and copied per test."""
    path = tmp_path_factory.mktemp("template") / "db.sqlite3"
    manage(f"sqlite:///{path}", "migrate", "--no-input")
    manage(f"sqlite:///{path}", "seed")
    return path


@pytest.fixture
def database_url(request, tmp_path, transactional_db):
    """A seeded database for server processes, like the one the tests run on.

    On PostgreSQL the test database itself (its rows committed, so the server sees
    them, and flushed afterwards); on SQLite, whose test database lives in memory, a
    copy of a seeded file.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        from hipext.content.seeding import content_seed

        content_seed()
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (
            f"postgres://{db['USER']}{password}@{db['HOST'] or HOST}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    path = tmp_path / "db.sqlite3"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"
