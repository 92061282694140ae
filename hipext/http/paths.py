"""Which requests are the public API's: one predicate for every layer that asks."""

from django.conf import settings

API_PREFIX = "/api"
# What the public reads: the API and the embeddable cards (compressed, CDN headers).
PUBLIC_PREFIXES = (API_PREFIX, "/embed")


def is_under(path, prefix):
    """True for ``prefix`` itself and paths below it (``/api``, ``/api/x``, not ``/apix``)."""
    return path == prefix or path.startswith(prefix + "/")


def is_api_path(path):
    """The API: ``/api`` and everything under it."""
    return is_under(path, API_PREFIX)


def is_rate_limited_path(path):
    """The public paths that are rate limited (``API_RATE_PATHS``: the API and embeds)."""
    return any(is_under(path, prefix) for prefix in settings.API_RATE_PATHS)


def is_public_path(path):
    """The public answers: the API and the embed cards, not the admin."""
    return any(is_under(path, prefix) for prefix in PUBLIC_PREFIXES)
