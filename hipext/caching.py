"""HTTP caching for the public API: one content version, validators, a response cache.

Every change to published content (a save, delete or many-to-many change of any model
of the content apps, whether made in the admin, a service, the seed or a shell) bumps
the single ``ContentVersion`` row inside the writing transaction. The database is the
source of truth; the shared cache (Redis in production) keeps a copy so that a request
reads the version without touching the database. A change drops that copy at once and
again after its transaction commits, so every process and server sees the new version
on its next request. The copy also expires after ``API_CONTENT_VERSION_TIMEOUT``
seconds, which bounds staleness if a reader refills it from a snapshot taken just before
a commit (or, without Redis, in processes other than the writer's).

``ApiCachingMiddleware`` serves GET and HEAD of ``/api`` and everything under it, except
the schema and its documentation pages, which depend on the code, not on the content:

- a strong ``ETag`` derived from the content version and the request (absolute URL,
  ``Accept``), ``Last-Modified`` (the time of the last content change) and
  ``Cache-Control: public, max-age=API_CACHE_MAX_AGE`` on every 200;
- a matching ``If-None-Match`` gets 304 before any view or database work; a satisfied
  ``If-Modified-Since`` gets 304 once the response is known to be a 200;
- successful responses are kept in the cache, keyed by the request and valid only for
  the content version they were rendered from; errors are never kept;
- no cookie and no ``Vary: Cookie`` on any API read, whatever inner middleware did.
"""

import hashlib
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import cc_delim_re, get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags

from hipext.models import ContentVersion

logger = logging.getLogger(__name__)

# Apps whose every model is published content (the seed's bookkeeping excepted).
CONTENT_APPS = ("exercises", "routines")
NOT_CONTENT = frozenset({"exercises.SeedRecord"})
# The schema and its documentation pages change with the code, not with the content.
NOT_CONTENT_PATHS = ("/api/schema", "/api/docs", "/api/redoc")

VERSION_KEY = "hipext:content-version"
RESPONSE_KEY_PREFIX = "hipext:api-response:"
COUNT_KEY_PREFIX = "hipext:api-count:"
CACHE_ALIAS = "default"


# --- The content version -------------------------------------------------------------


def _version_row(using=DEFAULT_DB_ALIAS):
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
    cache = caches[CACHE_ALIAS]
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _version_refill(cache)
    return version


def _version_refill(cache):
    version = _version_row()
    try:
        cache.set(VERSION_KEY, version, settings.API_CONTENT_VERSION_TIMEOUT)
    except Exception:  # An unreachable cache must not fail the request.
        logger.warning("Cannot store the content version in the cache", exc_info=True)
    return version


def _version_forget():
    try:
        caches[CACHE_ALIAS].delete(VERSION_KEY)
    except Exception:
        # The change itself is saved; servers see it when the copy expires.
        logger.warning("Cannot drop the cached content version", exc_info=True)


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


def content_models():
    """Every model whose rows the API publishes."""
    return [
        model
        for label in CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in NOT_CONTENT
    ]


def content_signals_connect():
    """Bump the content version on every change to a content model (at app ready)."""
    post_migrate.connect(
        _on_migrated,
        sender=apps.get_app_config("hipext"),
        dispatch_uid="hipext.caching:migrate",
    )
    for model in content_models():
        uid = f"hipext.caching:{model._meta.label}"
        post_save.connect(_on_content_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(
            _on_content_saved_or_deleted, sender=model, dispatch_uid=uid
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_content_m2m_changed,
                sender=through,
                dispatch_uid=f"hipext.caching:{through._meta.label}",
            )


# --- Counts for pagination --------------------------------------------------------------


def cached_count(queryset):
    """``queryset.count()``, kept in the cache for the content version it was taken at.

    A list's total is the one query whose cost grows with the catalogue (a COUNT of a
    filter reads every matching row), yet it changes only when the content does. The
    key is the filter itself (the SQL and parameters selecting the rows' keys, without
    ordering or the annotations ordering adds), so every page, page size and ordering
    of one filter shares it.
    """
    timeout = settings.API_COUNT_CACHE_TIMEOUT
    if timeout <= 0:
        return queryset.count()
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except Exception:  # EmptyResultSet and the like: let Django count (or not).
        return queryset.count()
    identity = repr((settings.API_CACHE_RELEASE, queryset.db, sql, params))
    key = COUNT_KEY_PREFIX + _digest(identity)
    cache = caches[CACHE_ALIAS]
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:
        logger.warning("Cache unreachable; counting in the database", exc_info=True)
        return queryset.count()
    version = found.get(VERSION_KEY) or _version_refill(cache)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    count = queryset.count()
    try:
        cache.set(key, (version, count), timeout)
    except Exception:
        logger.warning("Cannot store a count in the cache", exc_info=True)
    return count


# --- The middleware ------------------------------------------------------------------


def _request_identity(request):
    """What a response depends on: release, absolute URL (with query), ``Accept``."""
    return "\n".join(
        (
            settings.API_CACHE_RELEASE,
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
        )
    )


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _strip_cookies(response):
    """Remove cookies and ``Vary: Cookie``: an API read never depends on them."""
    response.cookies.clear()
    vary = response.headers.get("Vary")
    if vary:
        kept = [h for h in cc_delim_re.split(vary) if h and h.lower() != "cookie"]
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            del response.headers["Vary"]


def _cacheable(response):
    if response.status_code != 200 or response.streaming:
        return False
    control = response.headers.get("Cache-Control", "").lower()
    return "no-store" not in control and "private" not in control


class ApiCachingMiddleware:
    """ETag, Last-Modified, 304s and a shared response cache for API reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method not in ("GET", "HEAD") or not (
            path.startswith("/api/") or path == "/api"
        ):
            return self.get_response(request)
        if path.startswith(NOT_CONTENT_PATHS):
            response = self.get_response(request)
            # Swagger UI asks for a CSRF token it never needs: the API is read-only.
            _strip_cookies(response)
            return response

        identity = _request_identity(request)
        response_key = RESPONSE_KEY_PREFIX + _digest(identity)
        cache = caches[CACHE_ALIAS]
        use_store = settings.API_RESPONSE_CACHE_TIMEOUT > 0
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        # One round trip: the version, plus the stored response unless the request is
        # likely a revalidation that needs none (a 304 should not fetch a body).
        keys = [VERSION_KEY]
        if use_store and not if_none_match:
            keys.append(response_key)
        try:
            found = cache.get_many(keys)
        except Exception:
            # Without the cache, serve from the database rather than fail.
            logger.warning("Cache unreachable; API read served uncached", exc_info=True)
            found, use_store = None, False
        if found is None:
            version = _version_row()
        else:
            version = found.get(VERSION_KEY) or _version_refill(cache)
        token = f"{version[0]}:{version[1]}"
        etag = f'"{_digest(token + chr(10) + identity)}"'
        last_modified = int(version[1])

        if if_none_match:
            if etag in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}:
                return self._not_modified(etag, last_modified)
            if use_store:
                found[response_key] = self._fetch(cache, response_key)

        stored = found.get(response_key) if use_store else None
        if stored is not None and stored[0] == token:
            response = HttpResponse(stored[2], headers=stored[1])
            validated = True
        else:
            response = self.get_response(request)
            _strip_cookies(response)
            validated = _cacheable(response)
            if validated:
                self._add_validators(response, etag, last_modified)
                if use_store:
                    self._store(cache, response_key, token, response)
            elif response.status_code >= 500:
                # A failure may be transient: nobody may keep it.
                response.headers["Cache-Control"] = "no-store"

        if validated:
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    @staticmethod
    def _fetch(cache, key):
        try:
            return cache.get(key)
        except Exception:
            logger.warning("Cannot read an API response from the cache", exc_info=True)
            return None

    @staticmethod
    def _store(cache, key, token, response):
        try:
            cache.set(
                key,
                (token, list(response.items()), response.content),
                settings.API_RESPONSE_CACHE_TIMEOUT,
            )
        except Exception:
            logger.warning("Cannot store an API response in the cache", exc_info=True)

    @staticmethod
    def _add_validators(response, etag, last_modified):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = (
                f"public, max-age={settings.API_CACHE_MAX_AGE}"
            )
        # The body depends on Accept (406, or JSON indented on request).
        patch_vary_headers(response, ("Accept",))
        # A stored response skips the inner middleware that would count its bytes.
        if "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))

    @staticmethod
    def _not_modified(etag, last_modified):
        response = HttpResponseNotModified()
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        response.headers["Cache-Control"] = (
            f"public, max-age={settings.API_CACHE_MAX_AGE}"
        )
        response.headers["Vary"] = "Accept"
        return response
