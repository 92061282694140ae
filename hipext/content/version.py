"""The content version and each process's copy of the content state.

Every change to published content (a save, delete or many-to-many change of any model
of the content apps, whether made in the admin, a service, the seed or a shell) bumps
the single ``ContentVersion`` row inside the writing transaction, and so does every
write of published documents (hipext.content.documents), before it logs them. The
database is the source of truth.

Each process keeps a copy of what it needs to validate cached responses without asking
anyone (``content_state()``): the version's number and time, the last sequence number
of the document log (DocumentChange) it has read, and, for every change logged since
the process started, which document and which of its top-level fields it touched. The
copy is reread at most every ``API_CONTENT_VERSION_TIMEOUT`` seconds (1 s): one small
query when nothing changed, one more for the new log entries when something did; a
change made by this process marks it for rereading at once. So an edit made anywhere
is seen by every process within that bound.

The shared cache also holds a hint, the newest version number any process has seen
(``HEAD_KEY``): a writer puts it there once its transaction commits, and a request
that reads a stored response reads the hint in the same round trip, rereading the copy
at once when it is behind. So once one process has seen an edit, the others serving
stored responses do too, and a client reading from several processes of a server does
not go back to an older edit; the hint is only a shortcut (the copy is reread within
the bound without it, and a wrong hint costs one reread). The processes of one server
also share the newest version any of them has seen in memory (hipext.content.sharedhead),
read on every use of the copy: responses a process answers from its own memory, with
no round trip, never go back to an older edit than a sibling process served.

The log can be read by sequence number because its entries are written in the order
their transactions commit: a transaction bumps the version row (and so holds its lock
until it commits) before it logs a document (hipext.content.documents).

HTTP validators and the response cache (hipext.http.caching) and the pagination count
cache (hipext.content.counts) are derived from this copy.
"""

import functools
import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, Max
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from hipext.http.cachebreaker import cache_call
from hipext.models import ALL_FIELDS, ContentVersion, DocumentChange, Edition

from .apps import content_models, content_through_models
from .sharedhead import shared_head, shared_head_publish

CACHE_ALIAS = "default"
HEAD_KEY = "hipext:content-head"
# Seconds the hint is kept: long past any interval, short of outliving a restore.
HEAD_TIMEOUT = 24 * 3600

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The field a list depends on for which documents of a kind exist: any creation or
# removal (hipext.api.readmodel); and the one any change of a kind touches.
MEMBERSHIP = "+"
ANY_FIELD = "*"


def key_digest(data):
    """A short, stable digest of ``data`` (text or bytes) for keys and validators."""
    if isinstance(data, str):
        data = data.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
    return (number, ((changed_at - EPOCH) // _MICROSECOND) / 1_000_000)


def response_validity(mark, dependencies=None):
    """What a response built from the database after ``mark`` (``state.mark()``) is
    valid for, given what it was built from.

    ``dependencies`` is ``(documents, fields)``: ``((kind, (object_id, ...)), ...)``
    and ``((kind, field), ...)`` (hipext.api.readmodel); ``None`` for a response that
    may depend on any content, valid only as long as the version. The content read
    is at least as new as ``mark``, so any change logged after it that touches a
    dependency makes the response out of date.
    """
    seq, number = mark
    if dependencies is None:
        return (seq, number, (), ())
    documents, fields = dependencies
    return (seq, None, tuple(documents), tuple(fields))


class ContentState:
    """A process's copy of the content version and of the document log since it started.

    ``is_current`` says, from this copy alone, whether anything a response was built
    from (``response_validity``) has changed since.
    """

    def __init__(self):
        # The bound counts from before the read: what committed after it may be missed.
        started = time.monotonic()
        self.number, self.changed_at = content_version_row()
        self.seq = DocumentChange.objects.aggregate(seq=Max("seq"))["seq"] or 0
        # Log entries at or before it are not kept: a response older is not trusted.
        self.start_seq = self.seq
        self.documents = {}  # (kind, object_id) -> seq of its last change
        self.fields = {}  # (kind, field) -> seq of the last change touching it
        self.read_at = started
        # Changes this process made (counted) and how many of them the copy has read.
        self.marks = self.read_marks = 0
        # The newest hint this copy was reread for (hipext.http.caching).
        self.hinted = self.number

    def refresh(self):
        """Read what changed since the last read: one query, two if anything did."""
        started = time.monotonic()
        number, changed_at = content_version_row()
        if number < self.number:
            # The database went back (a restore): start over.
            self.__init__()
            return
        if number != self.number:
            changes = DocumentChange.objects.filter(seq__gt=self.seq).values_list(
                "seq", "kind", "object_id", "changed_fields"
            )
            for seq, kind, object_id, changed_fields in changes:
                self._note(seq, kind, object_id, changed_fields)
            if number > self.hinted:
                # Before this process serves the change: the others then see it too.
                content_head_publish(number)
                self.hinted = number
            # Published last: a response built meanwhile records the older number.
            self.number, self.changed_at = number, changed_at
        self.read_at = started

    def _note(self, seq, kind, object_id, changed_fields):
        self.documents[(kind, object_id)] = seq
        self.fields[(kind, ANY_FIELD)] = seq
        if changed_fields == ALL_FIELDS:
            names = (MEMBERSHIP,)
        else:
            names = changed_fields.split(",")
        for name in names:
            self.fields[(kind, name)] = seq
        self.seq = max(self.seq, seq)

    def mark(self):
        """Where the copy stands, taken before a response is built from the database."""
        return (self.seq, self.number)

    def is_current(self, validity):
        """Whether a response of ``validity`` is still what it would be built as now."""
        seq, number, documents, fields = validity
        if number is not None:
            return number >= self.number
        if seq < self.start_seq:
            return False
        if seq >= self.seq:
            return True
        changed = self.documents
        for kind, object_ids in documents:
            for object_id in object_ids:
                if changed.get((kind, object_id), 0) > seq:
                    return False
        touched = self.fields
        return all(touched.get(field, 0) <= seq for field in fields)


_state = None
_state_lock = threading.Lock()


def _fresh(state):
    return (
        state is not None
        and state.read_marks == state.marks
        and time.monotonic() - state.read_at < settings.API_CONTENT_VERSION_TIMEOUT
    )


def content_state(hint=None):
    """This process's copy of the content state, reread if older than the bound, or
    behind ``hint`` (a version number another process has seen: ``HEAD_KEY``) or
    behind the newest any process of this server has seen (hipext.content.sharedhead)."""
    global _state
    state = _state
    board = shared_head()
    if board and (hint is None or board > hint):
        hint = board
    if _fresh(state) and (hint is None or hint <= state.hinted):
        return state
    # One thread reads; the others wait for it (a few milliseconds) rather than go on
    # with a copy past the bound.
    with _state_lock:
        if _state is None:
            _state = ContentState()
            # Before this process serves it: its siblings then do not go back.
            shared_head_publish(_state.number)
            if hint is not None:
                # Read after the hint was: at least as new as what it announced.
                _state.hinted = max(_state.hinted, hint)
        elif not _fresh(_state) or (hint is not None and hint > _state.hinted):
            # Other threads keep seeing the copy as out of date until it is reread.
            marks = _state.marks
            try:
                _state.refresh()
            except Exception:
                # The database is down or hung: the threads waiting here go on with
                # this copy for one interval rather than each wait for it in turn.
                _state.read_at, _state.read_marks = time.monotonic(), marks
                raise
            _state.read_marks = marks
            if hint is not None:
                # Once per hint, even if the database has not got there (a restore).
                _state.hinted = max(_state.hinted, hint)
        return _state


# Stores ARGV[1] (digits) unless the hint is already at least as new; digit strings
# without leading zeros compare by length, then character by character.
STORE_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^%d+$') and (#current > #ARGV[1]
    or (#current == #ARGV[1] and current >= ARGV[1])) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
_head_lock = threading.Lock()


def _redis_client(cache):
    """The redis-py client behind a Redis cache backend, or ``None``."""
    if isinstance(cache, RedisCache):  # Django's backend
        return cache._cache.get_client(write=True)
    client = getattr(cache, "client", None)  # django-redis
    if hasattr(client, "get_client"):
        return client.get_client(write=True)
    return None


def _head_store(cache, number):
    redis = _redis_client(cache)
    if redis is not None:
        key = cache.make_and_validate_key(HEAD_KEY)
        redis.eval(STORE_IF_NEWER, 1, key, number, HEAD_TIMEOUT)
        return
    # Other caches: atomic within this process, all that process memory is shared by.
    with _head_lock:
        current = cache.get(HEAD_KEY)
        if type(current) is not int or current < number:
            cache.set(HEAD_KEY, number, HEAD_TIMEOUT)


def content_head_publish(number):
    """Tell the other processes, through the shared cache, that ``number`` exists.

    The hint only moves forward: a process publishing late cannot hide a newer one.
    """
    shared_head_publish(number)
    cache_call(CACHE_ALIAS, lambda cache: _head_store(cache, number))


def content_state_forget():
    """Drop this process's copy: the next request reads it anew (tests, a restore)."""
    global _state
    _state = None


def content_version():
    """The current ``(number, changed_at timestamp)``, from this process's copy."""
    state = content_state()
    return (state.number, state.changed_at)


def _state_mark_stale():
    state = _state
    if state is not None:
        state.marks += 1


def _published_after_commit(using):
    _state_mark_stale()
    content_head_publish(content_version_row(using)[0])


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
    # after the commit, over whatever another thread read meanwhile, with the hint
    # for the other processes (once per transaction).
    _state_mark_stale()
    connection = connections[using]
    publish = connection.__dict__.setdefault(
        "_hipext_version_publish", functools.partial(_published_after_commit, using)
    )
    if not any(entry[1] is publish for entry in connection.run_on_commit):
        transaction.on_commit(publish, using=using)


def content_changed_uncommitted(*, using=DEFAULT_DB_ALIAS):
    """Whether this connection's open transaction changed content not yet committed.

    Such a transaction sees a version number that it may yet roll back, and that
    another transaction may then take for other content: what it derives from the
    content must not be kept under that number (hipext.content.memo).
    """
    connection = connections[using]
    publish = connection.__dict__.get("_hipext_version_publish")
    return publish is not None and any(
        entry[1] is publish for entry in connection.run_on_commit
    )


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
    # Editions too: their review status is content that /api/languages shows.
    for model in [*content_models(), Edition]:
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
