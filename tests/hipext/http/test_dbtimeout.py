"""The web server's bound on waiting for PostgreSQL's replies."""

import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.backends.signals import connection_created

from hipext.http.dbtimeout import database_replies_bound, reply_timeout_apply

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bounds PostgreSQL connections only"
)


@pytest.fixture
def raw_connection(db):
    """A psycopg connection of its own, with the project's connection parameters."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as raw:
        yield raw


def test_a_reply_slower_than_the_bound_fails_at_the_bound(raw_connection):
    reply_timeout_apply(raw_connection, 0.5)
    assert raw_connection.execute("SELECT 1").fetchone() == (1,)

    started = time.monotonic()
    with pytest.raises(OperationalError, match=r"did not reply within 0\.5 s"):
        raw_connection.execute("SELECT pg_sleep(3)")

    assert time.monotonic() - started < 1.5
    assert raw_connection.closed


def test_statement_timeout_cancels_a_statement_on_the_server(raw_connection):
    raw_connection.execute("SET statement_timeout = 200")
    with pytest.raises(psycopg.errors.QueryCanceled):
        raw_connection.execute("SELECT pg_sleep(3)")
    # Cancelled by the server, the connection stays usable.
    assert raw_connection.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_the_web_server_bounds_every_connection_it_opens(settings):
    settings.DATABASE_REPLY_TIMEOUT_MS = 500
    database_replies_bound()
    try:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("5s",)
            with pytest.raises(OperationalError, match="did not reply"):
                cursor.execute("SELECT pg_sleep(3)")
    finally:
        connection_created.disconnect(dispatch_uid="hipext.http.dbtimeout")
        connection.close()
