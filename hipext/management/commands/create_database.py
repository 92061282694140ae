"""Create the PostgreSQL database DATABASE_URL names, if it does not exist yet."""

import warnings

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


def database_create(connection):
    """Create ``connection``'s database unless it exists; whether it was created."""
    name = connection.settings_dict["NAME"]
    # Django's way in without the database: the server's "postgres" one, as its test
    # runner does (it warns when it falls back to the configured one).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    return True


class Command(BaseCommand):
    help = (
        "Create the database that DATABASE_URL names on its PostgreSQL server if it "
        "does not exist yet (make run runs it first); SQLite creates its file itself."
    )
    # Runs before migrate: nothing may need the database it is about to create.
    requires_system_checks = []

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return
        name = connection.settings_dict["NAME"]
        try:
            created = database_create(connection)
        except DatabaseError as error:
            raise CommandError(
                f"Could not create the database {name!r}: "
                f"{' '.join(str(error).split())} (or create it yourself: "
                f"createdb -h HOST -U USER {name})"
            ) from error
        if created:
            self.stdout.write(f"Created the database {name!r}.")
