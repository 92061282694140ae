"""The document log read as a changes feed, and the published catalogue as a snapshot.

An app that keeps a local copy of the content takes a snapshot once (every document,
with the log's cursor at the time) and then follows the log from that cursor: each
entry says which document was created, updated, published, unpublished or deleted.
The log's order is the order of commits (``documents.log_changes``), so a cursor never
skips an entry that a later read would show.

A snapshot reads its cursor before its documents: a change between the two reads is
then in the documents already and in the feed again, and applying it twice changes
nothing. An entry carries its object's current document only when it is the object's
last entry; an older one has none, and a later entry brings the state.

Entries older than the retention period are pruned (``log_prune``); a cursor from
before the newest pruning may have missed a tombstone, so the feed refuses it and the
client takes a new snapshot.

A scheduled publication is logged when it is written, with its ``published_at``: that
entry is deferred (the feed never shows it). When its time has come, the first reader
of the feed or the snapshot logs it again as seen now (``log_due_publications``), so
that it comes after every cursor given out before its time. A visible object
rescheduled into the future leaves at once, with an unpublish.
"""

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from hipext.models import ALL_FIELDS, Document, DocumentChange, DocumentLogPrune

from .languages import active_language, source_language
from .version import content_changed

Action = DocumentChange.Action

# Entries the feed shows: all but a scheduled publication's, logged before its time.
SHOWN = Q(published_at__isnull=True) | Q(published_at__lte=F("at"))


def log_write(model, kind, upserts, deletes):
    """Append the log entries of ``upserts`` and ``deletes`` (tombstones); the entries.

    ``upserts`` are ``(pk, slug, was_visible, changed_fields, published_at)``;
    ``model`` is the kind's model (None for a kind no longer registered). The caller
    has bumped the content version in this transaction: its row lock, held to the
    commit, makes the entries' sequence numbers follow the order of commits.
    """
    now = timezone.now()
    pks = [pk for pk, *_ in upserts] + [doc.object_id for doc in deletes]
    uuids, alive = {}, set()
    if model is not None:
        rows = model._default_manager.filter(pk__in=pks)
        if any(field.name == "uuid" for field in model._meta.fields):
            uuids = dict(rows.values_list("pk", "uuid"))
            alive = set(uuids)
        else:
            alive = set(rows.values_list("pk", flat=True))
    if deletes:
        # A tombstone keeps the uuid its object had: the last entry's.
        for object_id, uuid in DocumentChange.objects.filter(
            seq__in=[doc.seq for doc in deletes], uuid__isnull=False
        ).values_list("object_id", "uuid"):
            uuids.setdefault(object_id, uuid)
    unpublished = _last_removed(kind, [pk for pk, _, seen, *_ in upserts if not seen])
    entries = []
    for pk, slug, was_visible, fields, published_at in upserts:
        entry = DocumentChange(
            kind=kind,
            object_id=pk,
            slug=slug,
            uuid=uuids.get(pk),
            changed_fields=fields,
            published_at=published_at,
        )
        if published_at is not None and published_at > now and was_visible:
            # Moved into the future: apps stop seeing it now, and again at its time.
            entry.action, entry.published_at = Action.UNPUBLISH, None
        elif was_visible:
            entry.action = Action.UPDATE
        else:
            entry.action = Action.PUBLISH if pk in unpublished else Action.CREATE
        entries.append(entry)
    entries += [
        DocumentChange(
            kind=kind,
            object_id=doc.object_id,
            slug=doc.slug,
            uuid=uuids.get(doc.object_id),
            # The object is still there (a draft now): an unpublish.
            action=Action.UNPUBLISH if doc.object_id in alive else Action.DELETE,
        )
        for doc in deletes
    ]
    return DocumentChange.objects.bulk_create(entries)


def _last_removed(kind, pks):
    """Those of ``pks`` whose last entry is a tombstone: they come back (publish)."""
    removed, seen = set(), set()
    for object_id, action in (
        DocumentChange.objects.filter(kind=kind, object_id__in=pks)
        .order_by("object_id", "-seq")
        .values_list("object_id", "action")
    ):
        if object_id not in seen:
            seen.add(object_id)
            if action in DocumentChange.REMOVALS:
                removed.add(object_id)
    return removed


def log_uuids_fill(kinds):
    """Give entries written before the log kept uuids their object's uuid.

    ``kinds`` are ``(name, model)`` pairs.
    """
    for name, model in kinds:
        if not any(field.name == "uuid" for field in model._meta.fields):
            continue
        DocumentChange.objects.filter(kind=name, uuid__isnull=True).update(
            uuid=Subquery(
                model._default_manager.filter(pk=OuterRef("object_id")).values("uuid")[
                    :1
                ]
            )
        )


def _due():
    """Documents whose time has come while their last entry does not show them."""
    last = DocumentChange.objects.filter(seq=OuterRef("seq"))
    return (
        # An object's documents share their log entry: the source language's stands
        # for all of them.
        Document.objects.filter(
            published_at__lte=timezone.now(), language=source_language()
        )
        .annotate(
            last_action=Subquery(last.values("action")[:1]),
            last_shown=Subquery(last.filter(SHOWN).values("seq")[:1]),
            last_uuid=Subquery(last.values("uuid")[:1]),
        )
        .filter(Q(last_shown__isnull=True) | Q(last_action__in=DocumentChange.REMOVALS))
    )


def log_due_publications():
    """Log the scheduled publications whose time has come; how many.

    A no-op (one query) when there are none. The entry is a create, or a publish for an
    object seen before; the document points to it, so the feed carries the document.
    """
    if not _due().exists():
        return 0
    with transaction.atomic():
        # The version's row lock orders this with every other writer of the log;
        # checked again under it, so that two readers log each publication once.
        content_changed()
        due = list(_due())
        if not due:
            return 0
        entries = []
        for doc in due:
            # Logged (deferred) as a create, or as a publish of an object seen
            # before; or moved into the future and left with an unpublish.
            came_back = doc.last_action != Action.CREATE
            entries.append(
                DocumentChange(
                    kind=doc.kind,
                    object_id=doc.object_id,
                    slug=doc.slug,
                    uuid=doc.last_uuid,
                    action=Action.PUBLISH if came_back else Action.CREATE,
                    changed_fields=ALL_FIELDS,
                    published_at=doc.published_at,
                )
            )
        for doc, entry in zip(
            due, DocumentChange.objects.bulk_create(entries), strict=True
        ):
            Document.objects.filter(kind=doc.kind, object_id=doc.object_id).update(
                seq=entry.seq
            )
        return len(due)


def log_cursor():
    """The newest entry's cursor (0 for an empty log)."""
    return DocumentChange.objects.aggregate(seq=Max("seq"))["seq"] or 0


def log_floor():
    """The oldest cursor the feed still answers: the newest pruning's last entry."""
    return DocumentLogPrune.objects.aggregate(through=Max("through"))["through"] or 0


def changes_since(since, limit):
    """Up to ``limit`` entries after cursor ``since``, in order, and whether more follow.

    Each entry is ``(seq, kind, object_id, slug, uuid, action, at, body)``, where
    ``body`` is the object's current document if this is its last entry, else None.
    """
    log_due_publications()
    current = Document.objects.filter(
        kind=OuterRef("kind"),
        object_id=OuterRef("object_id"),
        language=active_language(),
        seq=OuterRef("seq"),
    ).values("body")
    rows = list(
        DocumentChange.objects.filter(SHOWN, seq__gt=since)
        .order_by("seq")
        .annotate(body=Subquery(current))
        .values_list(
            "seq", "kind", "object_id", "slug", "uuid", "action", "at", "body"
        )[: limit + 1]
    )
    # A tombstone carries no document, even where the object's row points to it.
    rows = [
        (*row[:7], None if row[5] in DocumentChange.REMOVALS else row[7])
        for row in rows
    ]
    return rows[:limit], len(rows) > limit


def snapshot_rows():
    """The log's cursor, then every document apps see now, as ``(kind, object_id,
    slug, uuid, body)``."""
    log_due_publications()
    cursor = log_cursor()
    uuid = DocumentChange.objects.filter(seq=OuterRef("seq")).values("uuid")
    rows = (
        Document.objects.filter(
            Q(published_at__isnull=True) | Q(published_at__lte=timezone.now()),
            language=active_language(),
        )
        .order_by("kind", "object_id")
        .annotate(uuid=Subquery(uuid))
        .values_list("kind", "object_id", "slug", "uuid", "body")
    )
    return cursor, list(rows)


@transaction.atomic
def log_prune(retention):
    """Remove entries older than ``retention`` (a timedelta); how many were removed.

    An entry that is a document's last change stays: the snapshot reads the uuid
    from it. The newest removed entry becomes the feed's floor.
    """
    before = timezone.now() - retention
    old = DocumentChange.objects.filter(at__lt=before).exclude(
        seq__in=Document.objects.values("seq")
    )
    through = old.aggregate(seq=Max("seq"))["seq"]
    if through is None:
        return 0
    removed, _ = old.filter(seq__lte=through).delete()
    DocumentLogPrune.objects.create(through=through, before=before)
    return removed
