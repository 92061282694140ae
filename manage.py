#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipext.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    # A configuration a user can fix is one line saying how, not a traceback.
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        sys.exit(
            f"Database unavailable: {' '.join(str(error).split())} (check "
            "DATABASE_URL; a missing PostgreSQL database is created by "
            "`.venv/bin/python manage.py create_database`)"
        )


if __name__ == "__main__":
    main()
