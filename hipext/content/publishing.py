"""When documents are rendered: once per affected document, in the changing transaction.

Every save, delete and many-to-many change of a content model notes the documents it
affects (hipext.content.documents' rules) in a per-connection pending set. The write
paths hipext owns flush it just before their transaction ends, so each affected
document is rendered once however many rows the transaction wrote: the content admins
(hipext.content.admin.DocumentsFlushedAdminMixin), the seed and import
(hipext.content.seeding.content_load) and services and scripts using
``documents_flushed()``. Outside a transaction (a shell's save in autocommit) the
documents are rendered at once. Anything still pending when a transaction commits (a
write path that did not flush) is rendered by an on-commit fallback in a transaction
of its own and logged as a warning, so no document is left stale. A read from the
documents (hipext.api.readmodel) in a transaction with pending changes renders them
first, so a transaction reads its own writes.
"""

import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .apps import content_models, content_through_models
from .dependencies import affected_by, dependencies_of
from .documents import documents_write

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class _Batch:
    """Documents noted at one savepoint level, with the on-commit fallback for them.

    A rollback of the savepoint drops the fallback (Django forgets what was registered
    inside it), and so the batch: its rows' changes are gone too.
    """

    savepoints: tuple
    keys: set = field(default_factory=set)
    fallback: object = None
    # Noted inside the block Django opens around one delete or many-to-many change in
    # autocommit: rendering at its commit is the plan, not a missed flush.
    autocommit: bool = False


@dataclass
class _Pending:
    """A connection's documents to render before its transaction ends."""

    batches: list = field(default_factory=list)
    # How deep the documents_flushed() blocks are: only the outermost flushes.
    depth: int = 0


def _pending(using):
    connection = connections[using]
    pending = getattr(connection, "_hipext_documents", None)
    if pending is None:
        pending = connection._hipext_documents = _Pending()
    # A batch's fallback is registered early (at its first note), so the search from
    # the start of the list (long in a big seed: every change registers one) is short.
    pending.batches = [
        batch
        for batch in pending.batches
        if any(entry[1] is batch.fallback for entry in connection.run_on_commit)
    ]
    return pending


def documents_note(keys, *, using=DEFAULT_DB_ALIAS):
    """Note documents to render before the current transaction ends (now, if none)."""
    if not keys:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        with transaction.atomic(using=using):
            documents_write(keys)
        return
    pending = _pending(using)
    savepoints = tuple(connection.savepoint_ids)
    if not pending.batches or pending.batches[-1].savepoints != savepoints:
        blocks = connection.atomic_blocks
        batch = _Batch(
            savepoints, autocommit=len(blocks) == 1 and blocks[0].savepoint is False
        )
        batch.fallback = functools.partial(_flush_at_commit, using, batch)
        transaction.on_commit(batch.fallback, using=using)
        pending.batches.append(batch)
    pending.batches[-1].keys |= keys


def documents_pending(*, using=DEFAULT_DB_ALIAS):
    """Whether this connection's transaction has changes whose documents wait."""
    if not connections[using].in_atomic_block:
        return False
    return any(batch.keys for batch in _pending(using).batches)


def documents_flush(*, using=DEFAULT_DB_ALIAS):
    """Render the pending documents now, in the current transaction."""
    pending = _pending(using)
    keys = set().union(*(batch.keys for batch in pending.batches))
    pending.batches = []
    if keys:
        with transaction.atomic(using=using):
            documents_write(keys)


@contextmanager
def documents_flushed(*, using=DEFAULT_DB_ALIAS):
    """A transaction whose changes' documents are rendered just before it ends.

    Nested blocks leave it to the outermost, so each document is rendered once.
    """
    pending = _pending(using)
    with transaction.atomic(using=using):
        pending.depth += 1
        try:
            yield
        finally:
            pending.depth -= 1
        if pending.depth == 0:
            documents_flush(using=using)


def _flush_at_commit(using, batch):
    # Django has taken the fallbacks off the connection to run them: no pruning here.
    pending = getattr(connections[using], "_hipext_documents", None)
    if pending is None or batch not in pending.batches:
        return  # flushed already
    pending.batches.remove(batch)
    if not batch.keys:
        return
    if not batch.autocommit:
        logger.warning(
            "%d documents were still pending at commit: a write path did not flush "
            "them (see hipext.content.publishing); rendering them now.",
            len(batch.keys),
        )
    try:
        # A response stored meanwhile from the old documents is retired by the log
        # entries these writes add (hipext.content.version).
        with transaction.atomic(using=using):
            documents_write(batch.keys)
    except Exception:
        # The change is committed; only its documents are behind.
        logger.exception(
            "Cannot render documents after commit; run manage.py rebuild_documents."
        )


def _on_saving(sender, instance, raw, using, **kwargs):
    # The documents the row affected before a move (a muscle leaving its group).
    if raw or instance._state.adding or instance.pk is None:
        return
    keys = set()
    for rule in dependencies_of(sender):
        if not rule.moves:
            continue
        old = (
            sender._base_manager.using(using)
            .filter(pk=instance.pk)
            .values(*rule.moves)
            .first()
        )
        if old is not None and any(
            old[name] != getattr(instance, name) for name in rule.moves
        ):
            before = sender(pk=instance.pk, **old)
            keys.update((kind, pk) for kind, pk in rule.affected(before) if pk)
    # Noted with the save's own (after it, so that in autocommit they render after it).
    instance._documents_before_save = keys


def _on_saved(sender, instance, raw, using, **kwargs):
    if not raw:
        before = instance.__dict__.pop("_documents_before_save", set())
        documents_note(affected_by(instance) | before, using=using)


def _on_deleting(sender, instance, using, **kwargs):
    # Before the delete, while the rows that say who embeds it are still there.
    documents_note(affected_by(instance), using=using)


def _on_m2m_changed(sender, instance, action, using, **kwargs):
    # Before a removal (the old related rows) and after an addition (the new ones).
    if action in ("pre_remove", "pre_clear", "post_add", "post_remove"):
        documents_note(affected_by(instance), using=using)


def document_signals_connect():
    """Note affected documents on every change to a content model (at app ready)."""
    for model in content_models():
        uid = f"hipext.content.publishing:{model._meta.label}"
        pre_save.connect(_on_saving, sender=model, dispatch_uid=uid)
        post_save.connect(_on_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_deleting, sender=model, dispatch_uid=uid)
    for through in content_through_models():
        m2m_changed.connect(
            _on_m2m_changed,
            sender=through,
            dispatch_uid=f"hipext.content.publishing:{through._meta.label}",
        )
