"""A bound on how long the web server waits for PostgreSQL to reply.

TCP keepalives and ``tcp_user_timeout`` (settings) notice a database host that has
gone away, and ``statement_timeout`` a query PostgreSQL itself runs too long; none of
them notices a server that stopped replying while its host still acknowledges every
packet (a paused process, VM or container): a request on a persistent connection to it
would wait forever. So in the web server (hipext/wsgi.py; management commands, whose
statements may legitimately run long, are left alone) every wait for a reply on a
PostgreSQL connection is bounded by ``DATABASE_REPLY_TIMEOUT_MS``. Past it the
connection is closed and the request fails with ``OperationalError``, which the error
handler answers with 503 problem details like any outage (hipext/http/health.py).
"""

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from psycopg import errors


def reply_timeout_apply(pg_connection, seconds):
    """Bound each wait for a reply on a psycopg ``pg_connection`` to ``seconds``."""
    wait = pg_connection.wait

    def bounded_wait(gen, *args, timeout=None, **kwargs):
        if timeout is not None:  # the caller's own bound (e.g. waiting for notifies)
            return wait(gen, *args, timeout=timeout, **kwargs)
        try:
            return wait(gen, *args, timeout=seconds, **kwargs)
        # psycopg's wait functions raise this internal error when their timeout ends.
        except errors._WaitTimeout as error:
            # Mid-reply, the connection can never be used again.
            pg_connection.close()
            # Django's error, not psycopg's: its health check, which swallows psycopg
            # errors and reconnects, would make the request wait a connect timeout
            # more before failing.
            raise OperationalError(
                f"PostgreSQL did not reply within {seconds:g} s"
            ) from error

    pg_connection.wait = bounded_wait


def _on_connection_created(sender, connection, **kwargs):
    seconds = settings.DATABASE_REPLY_TIMEOUT_MS / 1000
    if connection.vendor == "postgresql" and seconds > 0:
        reply_timeout_apply(connection.connection, seconds)


def database_replies_bound():
    """Bound the waits of every PostgreSQL connection this process opens from now on."""
    connection_created.connect(
        _on_connection_created, dispatch_uid="hipext.http.dbtimeout"
    )
