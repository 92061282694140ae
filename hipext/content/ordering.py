"""Saving the ordered children of a parent (steps, routine items) in any permutation."""

from django.db import transaction
from django.db.models import F

# Rows being reordered park here first, far above any real position, so that a
# permutation of positions never collides with the unique (parent, position) constraint.
POSITION_PARKING_OFFSET = 10_000


def parent_lock(parent):
    """Lock a parent row until the transaction ends, so saves of its children queue.

    Two editors saving the same exercise then write one after the other, each whole,
    never interleaved (a no-op on SQLite, which serializes all writers anyway).
    """
    list(
        type(parent)
        ._default_manager.select_for_update()
        .filter(pk=parent.pk)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def ordered_children_save(*, queryset, instances, deleted=(), parent=None):
    """Save the ordered children of one parent, whatever permutation of positions.

    ``queryset`` holds the parent's existing children; ``instances`` are the rows to
    save (new or changed) with their final positions; ``deleted`` are rows to remove.
    Given the ``parent``, its row is locked first (see parent_lock).
    """
    if parent is not None:
        parent_lock(parent)
    for obj in deleted:
        if obj.pk is not None:
            obj.delete()
    moving = [obj.pk for obj in instances if obj.pk is not None]
    if moving:
        queryset.filter(pk__in=moving).update(
            position=F("position") + POSITION_PARKING_OFFSET
        )
    for obj in instances:
        obj.save()
