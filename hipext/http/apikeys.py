"""API keys: reading a key from a request and verifying it, with a cached record.

Keys are issued in the admin (djangorestframework-api-key); only their hashes are kept.
A key is sent as ``Authorization: Api-Key <key>`` or ``X-Api-Key: <key>``; the rate
limiter (hipext.http.ratelimit) counts a valid key's requests against the key's limit,
and refuses an ``Authorization`` header in any other scheme (a key sent as a Bearer
token would otherwise be served as anonymous without a word).
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from rest_framework_api_key.models import APIKey

from .cachebreaker import cache_call

# How long a key's verification data stays in the cache; saving or deleting the key
# (revoking it in the admin) replaces it once the change commits, so this only bounds
# stale expiry dates, and staleness after a save that could not reach the cache.
KEY_RECORD_TIMEOUT = 300
KEY_RECORD_MISSING = "missing"
KEYWORD = "api-key"
MAX_KEY_LENGTH = 200


def api_key_from_request(request):
    """The key sent as ``Authorization: Api-Key <key>`` or ``X-Api-Key: <key>``."""
    authorization = request.META.get("HTTP_AUTHORIZATION")
    if authorization:
        keyword, _, key = authorization.partition(" ")
        if keyword.lower() == KEYWORD:
            return key.strip()
    return request.META.get("HTTP_X_API_KEY", "").strip() or None


def api_key_scheme_problem(request):
    """Why the ``Authorization`` header is refused, or ``None``: another scheme."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    keyword = authorization.strip().partition(" ")[0]
    if not keyword or keyword.lower() == KEYWORD:
        return None
    return (
        "Only the Api-Key scheme is accepted: send the API key as "
        "'Authorization: Api-Key <key>' or 'X-Api-Key: <key>'."
    )


def _record_cache_key(prefix):
    return f"apikey:{prefix}"


def _record_from_database(prefix):
    row = (
        APIKey.objects.filter(prefix=prefix)
        .values_list("hashed_key", "revoked", "expiry_date")
        .first()
    )
    if row is None:
        return KEY_RECORD_MISSING
    hashed_key, revoked, expiry = row
    return (hashed_key, revoked, expiry.timestamp() if expiry else None)


def api_key_record(prefix):
    """What verifying a key with this prefix needs, from the cache or the database."""
    alias = settings.API_RATE_CACHE
    cache_key = _record_cache_key(prefix)
    record = cache_call(alias, lambda cache: cache.get(cache_key))
    if record is None:
        record = _record_from_database(prefix)
        # Added, never overwritten: if a save of the key committed after this read,
        # its after-commit refresh (below) is already there and must stay.
        cache_call(
            alias, lambda cache: cache.add(cache_key, record, KEY_RECORD_TIMEOUT)
        )
    return record


def _record_forget(prefix):
    # Tried even while the cache is skipped; a failure (logged by the breaker) never
    # fails the save, a revocation above all: the record expires within
    # KEY_RECORD_TIMEOUT.
    key = _record_cache_key(prefix)
    cache_call(settings.API_RATE_CACHE, lambda cache: cache.delete(key), always=True)


def _record_refresh(prefix):
    key, record = _record_cache_key(prefix), _record_from_database(prefix)
    stored = cache_call(
        settings.API_RATE_CACHE,
        lambda cache: cache.set(key, record, KEY_RECORD_TIMEOUT) or True,
        fallback=False,
        always=True,
    )
    if not stored:
        _record_forget(prefix)


def api_key_record_forget(sender, instance, using, **kwargs):
    """Revoking, changing or deleting a key takes effect on the next request."""
    prefix = instance.prefix
    # At once, for the rest of this transaction; and once it commits, the committed
    # row over whatever a request on another server cached from a read before it.
    _record_forget(prefix)
    transaction.on_commit(lambda: _record_refresh(prefix), using=using)


def api_key_signals_connect():
    """Refresh a key's cached record whenever the key is saved or deleted."""
    post_save.connect(api_key_record_forget, sender=APIKey)
    post_delete.connect(api_key_record_forget, sender=APIKey)


def api_key_check(key, now):
    """``None`` when the key is valid, else why it is not."""
    prefix, dot, _ = key.partition(".")
    # Issued keys are an 8-character alphanumeric prefix, a dot and a 32-character
    # secret; anything far from that never reaches the cache or the database.
    if (
        not dot
        or len(key) > MAX_KEY_LENGTH
        or not (prefix.isascii() and prefix.isalnum() and len(prefix) <= 16)
    ):
        return "The API key is malformed: send it exactly as it was issued."
    record = api_key_record(prefix)
    if record == KEY_RECORD_MISSING or not APIKey.objects.key_generator.verify(
        key, record[0]
    ):
        return "The API key is not known."
    _, revoked, expiry = record
    if revoked:
        return "The API key has been revoked."
    if expiry is not None and expiry < now:
        return "The API key has expired."
    return None
