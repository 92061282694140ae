"""The document log read as a changes feed, and the published catalogue as a snapshot.

An app that keeps a local copy of the content takes a snapshot once (every document,
with the log's cursor at the time) and then follows the log from that cursor: each
entry says which document was created, updated, published, unpublished or deleted.
The log's order is the order of commits (``documents.log_changes``), so a cursor never
skips an entry that a later read would show.

A snapshot reads its cursor before its documents: a change between the two reads is
then in the documents already and in the feed again, and applying it twice changes
nothing. An entry carries its object's current document only when it is the object's
last entry; an older one says ``document: null`` and a later entry brings the state.

Entries older than the retention period are pruned (``log_prune``); a cursor from
before the newest pruning may have missed a tombstone, so the feed refuses it and the
client takes a new snapshot.
"""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from hipext.models import Document, DocumentChange, DocumentLogPrune


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
    current = Document.objects.filter(
        kind=OuterRef("kind"), object_id=OuterRef("object_id"), seq=OuterRef("seq")
    ).values("body")
    rows = list(
        DocumentChange.objects.filter(seq__gt=since)
        .order_by("seq")
        .annotate(body=Subquery(current))
        .values_list(
            "seq", "kind", "object_id", "slug", "uuid", "action", "at", "body"
        )[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def snapshot_rows():
    """The log's cursor, then every document as ``(kind, object_id, slug, uuid, body)``."""
    cursor = log_cursor()
    uuid = DocumentChange.objects.filter(seq=OuterRef("seq")).values("uuid")
    rows = (
        Document.objects.order_by("kind", "object_id")
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
