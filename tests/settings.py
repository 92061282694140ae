"""The test settings: the project's settings with a throwaway key and fast hashing.

Server processes that tests start (tests/servers.py) use this module too; what they
need differently comes from the environment: ``HIPEXT_TEST_URLCONF`` (the probe views)
and, as in production, ``API_RATE_ANON`` and ``API_RATE_KEY``.
"""

import os

# Tests, and the processes they start, never read a developer's .env (make run's).
os.environ["HIPEXT_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-deployment")
# The test client speaks plain HTTP; production redirects it to HTTPS (debug is off here).
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from hipext.settings import *  # noqa: F403

ROOT_URLCONF = os.environ.get("HIPEXT_TEST_URLCONF", ROOT_URLCONF)  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests never run collectstatic: WhiteNoise looks files up per request instead of
# warning at startup that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True

# Generous limits so no test is throttled by accident; rate-limit tests set their own
# (in process through the settings fixture, in a server process through the
# environment).
API_RATE_ANON = os.environ.get("API_RATE_ANON", "1000000/minute")
API_RATE_KEY = os.environ.get("API_RATE_KEY", "1000000/minute")

# A copy of the content version that expired in the middle of a test would add a query
# to its pinned count; tests of the expiry set their own.
API_CONTENT_VERSION_TIMEOUT = int(os.environ.get("API_CONTENT_VERSION_TIMEOUT", "300"))

# Responses kept in a process's memory read the content version once more after each
# response built (hipext.http.caching): a query on top of every pinned count. Tests of
# that memory turn it on.
API_RESPONSE_MEMORY_BYTES = int(os.environ.get("API_RESPONSE_MEMORY_BYTES", "0"))

# The same for the publication schedule: renewed by every write of published
# documents in the test's own process; tests of the expiry set their own.
API_PUBLICATION_SCHEDULE_TTL = float(
    os.environ.get("API_PUBLICATION_SCHEDULE_TTL", "300")
)
