"""Test settings: the project's settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-deployment")

from hipext.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Generous limits so no test is throttled by accident; rate-limit tests set their own.
API_RATE_ANON = "1000000/minute"
API_RATE_KEY = "1000000/minute"
