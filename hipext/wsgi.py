"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipext.settings")

application = get_wsgi_application()

# Only the web server bounds how long it waits for PostgreSQL's replies; management
# commands may run statements for longer.
from hipext.http.dbtimeout import database_replies_bound  # noqa: E402 (after setup)

database_replies_bound()
