"""The content version: one number that every change to published content bumps.

Every change to published content (a save, delete or many-to-many change of any model
of the content apps, whether made in the admin, a service, the seed or a shell) bumps
the single ``ContentVersion`` row inside the writing transaction. The database is the
source of truth; the shared cache (Redis in production) keeps a copy so that a request
reads the version without touching the database. A change drops that copy at once and,
once its transaction commits, stores the committed version in its place, so every
process and server sees the change on its next request.

The copy only ever moves forward: a request that read the database just before a commit
and stores what it read just after cannot put an older version over a newer one (on
Redis the comparison and the store are one script; in process memory, one lock). The
copy also expires after ``API_CONTENT_VERSION_TIMEOUT`` seconds, which bounds how long
it can stay behind when the store after a commit fails (Redis unreachable at that
moment) or, without Redis, in processes other than the writer's.

HTTP validators and the response cache (hipext.http.caching) and the pagination count
cache (hipext.content.counts) are derived from it.
"""

import hashlib
import logging
import threading
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from hipext.http.cachebreaker import cache_call
from hipext.models import ContentVersion

from .apps import content_models, content_through_models

logger = logging.getLogger(__name__)

# The copy is one integer (see _version_pack); the name changed with that format, so
# that servers of the previous release, which store a pair, never read it.
VERSION_KEY = "hipext:content-version:2"
CACHE_ALIAS = "default"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# The cached copy: the number in the high digits, the change time in microseconds since
# the epoch in the low 17 (enough until the year 5138), so that Redis compares two
# copies as integers. Cache backends store an int as its digits, unpickled.
TIME_DIGITS = 10**17

# Stores the packed version (ARGV[1], digits) unless the copy is already at least as
# new; digit strings without leading zeros compare by length, then character by
# character. Anything else found there (a copy in another format) is replaced.
STORE_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^%d+$') and (#current > #ARGV[1]
    or (#current == #ARGV[1] and current >= ARGV[1])) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""

_store_lock = threading.Lock()


def key_digest(data):
    """A short, stable digest of ``data`` (text or bytes) for keys and validators."""
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _version_pack(version):
    number, changed_at = version
    return number * TIME_DIGITS + round(changed_at * 1_000_000)


def version_unpack(value):
    """The ``(number, changed_at timestamp)`` a cached copy holds, or ``None``."""
    if type(value) is not int:
        return None
    number, micros = divmod(value, TIME_DIGITS)
    return (number, micros / 1_000_000)


def content_version_row(using=DEFAULT_DB_ALIAS):
    """``(number, changed_at timestamp)`` from the database, creating the row if new."""
    row = (
        ContentVersion.objects.using(using)
        .filter(pk=1)
        .values_list("number", "changed_at")
        .first()
    )
    if row is None:
        version, _ = ContentVersion.objects.using(using).get_or_create(pk=1)
        row = (version.number, version.changed_at)
    number, changed_at = row
    # Whole microseconds, exactly as a cached copy gives them back.
    return (number, ((changed_at - EPOCH) // _MICROSECOND) / 1_000_000)


def content_version():
    """The current ``(number, changed_at timestamp)``, from the cache when it has it."""
    version = version_unpack(cache_call(CACHE_ALIAS, lambda c: c.get(VERSION_KEY)))
    if version is None:
        version = content_version_refill()
    return version


def content_version_refill():
    """The version from the database, stored in the cache unless it has a newer one.

    Without the cache (unreachable, or skipped by its breaker) the request still gets
    the version: the cache must never fail a request.
    """
    version = content_version_row()
    cache_call(CACHE_ALIAS, lambda cache: _version_store(cache, version))
    return version


def _redis_client(cache):
    """The redis-py client behind a Redis cache backend, or ``None``."""
    if isinstance(cache, RedisCache):  # Django's backend
        return cache._cache.get_client(write=True)
    client = getattr(cache, "client", None)  # django-redis
    if hasattr(client, "get_client"):
        return client.get_client(write=True)
    return None


def _version_store(cache, version):
    """Store ``version`` as the copy, unless the copy is as new or newer already."""
    timeout = settings.API_CONTENT_VERSION_TIMEOUT
    if timeout <= 0:
        return
    packed = _version_pack(version)
    redis = _redis_client(cache)
    if redis is not None:
        key = cache.make_and_validate_key(VERSION_KEY)
        redis.eval(STORE_IF_NEWER, 1, key, packed, int(timeout * 1000))
        return
    # Other caches: atomic within this process, which is all that process memory (the
    # cache without Redis) is shared by.
    with _store_lock:
        current = cache.get(VERSION_KEY)
        if type(current) is not int or current < packed:
            cache.set(VERSION_KEY, packed, timeout)


def _version_forget():
    # Tried even while the cache is skipped, so that a cache that has just come back
    # does not keep the old version. If it fails, the change itself is saved; servers
    # see it when the copy expires.
    cache_call(CACHE_ALIAS, lambda cache: cache.delete(VERSION_KEY), always=True)


def _version_publish(using):
    """After a commit: the committed version as the copy, over any older one."""
    version = content_version_row(using)
    stored = cache_call(
        CACHE_ALIAS,
        lambda cache: _version_store(cache, version) or True,
        fallback=False,
        always=True,
    )
    if not stored:
        # Servers see the change when the copy expires.
        _version_forget()


def content_changed(*, using=DEFAULT_DB_ALIAS):
    """Bump the content version, in the caller's transaction.

    Call it after writes that send no model signals (``QuerySet.update``,
    ``bulk_create``, raw SQL) to published content.
    """
    # The database's clock, so that servers with skewed clocks still agree.
    bumped = (
        ContentVersion.objects.using(using)
        .filter(pk=1)
        .update(number=F("number") + 1, changed_at=Now())
    )
    if not bumped:
        try:
            with transaction.atomic(using=using):
                ContentVersion.objects.using(using).create(pk=1, number=2)
        except IntegrityError:
            # Another process created the row first; bump that one.
            ContentVersion.objects.using(using).filter(pk=1).update(
                number=F("number") + 1, changed_at=Now()
            )
    # Dropped now, so that this process (and this transaction) sees the change at once;
    # replaced after the commit, over whatever another process refilled meanwhile.
    _version_forget()
    transaction.on_commit(lambda: _version_publish(using), using=using)


def _on_content_saved_or_deleted(sender, using, **kwargs):
    content_changed(using=using)


def _on_content_m2m_changed(sender, action, using, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed(using=using)


def _on_migrated(sender, using, **kwargs):
    # A deploy runs migrate; new code may render content differently, so clients and
    # the response cache must not keep what the old code rendered.
    tables = connections[using].introspection.table_names()
    if ContentVersion._meta.db_table in tables:
        content_changed(using=using)


def content_signals_connect():
    """Bump the content version on every change to a content model (at app ready)."""
    post_migrate.connect(
        _on_migrated,
        sender=apps.get_app_config("hipext"),
        dispatch_uid="hipext.content.version:migrate",
    )
    for model in content_models():
        uid = f"hipext.content.version:{model._meta.label}"
        post_save.connect(_on_content_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(
            _on_content_saved_or_deleted, sender=model, dispatch_uid=uid
        )
    for through in content_through_models():
        m2m_changed.connect(
            _on_content_m2m_changed,
            sender=through,
            dispatch_uid=f"hipext.content.version:{through._meta.label}",
        )
