"""The content version: one number that every change to published content bumps.

Every change to published content (a save, delete or many-to-many change of any model
of the content apps, whether made in the admin, a service, the seed or a shell) bumps
the single ``ContentVersion`` row inside the writing transaction. The database is the
source of truth; the shared cache (Redis in production) keeps a copy so that a request
reads the version without touching the database. A change drops that copy at once and
again after its transaction commits, so every process and server sees the new version
on its next request. The copy also expires after ``API_CONTENT_VERSION_TIMEOUT``
seconds, which bounds staleness if a reader refills it from a snapshot taken just before
a commit (or, without Redis, in processes other than the writer's).

HTTP validators and the response cache (hipext.http.caching) and the pagination count
cache (hipext.content.counts) are derived from it.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from hipext.http.cachebreaker import cache_call
from hipext.models import ContentVersion

from .apps import content_models

VERSION_KEY = "hipext:content-version"
CACHE_ALIAS = "default"


def key_digest(text):
    """A short, stable digest of ``text`` for cache keys and validators."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


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
    return (number, changed_at.timestamp())


def content_version():
    """The current ``(number, changed_at timestamp)``, from the cache when it has it."""
    version = cache_call(CACHE_ALIAS, lambda cache: cache.get(VERSION_KEY))
    if version is None:
        version = content_version_refill()
    return version


def content_version_refill():
    """The version from the database, copied into the cache (if it is available)."""
    version = content_version_row()
    timeout = settings.API_CONTENT_VERSION_TIMEOUT
    cache_call(CACHE_ALIAS, lambda cache: cache.set(VERSION_KEY, version, timeout))
    return version


def _version_forget():
    # Tried even while the cache is skipped, so that a cache that has just come back
    # does not keep the old version. If it fails, the change itself is saved; servers
    # see it when the copy expires.
    cache_call(CACHE_ALIAS, lambda cache: cache.delete(VERSION_KEY), always=True)


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
    # Now, so that this process (and this transaction) sees the change at once; and
    # after commit, in case another process refilled the copy before the commit.
    _version_forget()
    transaction.on_commit(_version_forget, using=using)


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
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_content_m2m_changed,
                sender=through,
                dispatch_uid=f"hipext.content.version:{through._meta.label}",
            )
