"""Positions of ordered children: their range, and saving them in any permutation."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q

MAX_POSITION = 1000
# Rows being reordered park here first, above every real position, so that a
# permutation of positions never collides with the unique (parent, position)
# constraint. A parked position is at most 11000: it fits PostgreSQL's smallint (32767).
POSITION_PARKING_OFFSET = 10_000
POSITION_RANGE_MESSAGE = f"Positions run from 1 to {MAX_POSITION}."


def validate_position(value):
    """Refuse a position outside 1..MAX_POSITION."""
    # A function, not MinValueValidator/MaxValueValidator: those would also change
    # the integer bounds the published OpenAPI schema gives for positions.
    if not 1 <= value <= MAX_POSITION:
        raise ValidationError(POSITION_RANGE_MESSAGE, code="position_range")


def position_range_constraint():
    """The named check that a position is in range, or parked during a reorder."""
    return models.CheckConstraint(
        condition=Q(position__gte=1, position__lte=MAX_POSITION)
        | Q(
            position__gt=POSITION_PARKING_OFFSET,
            position__lte=POSITION_PARKING_OFFSET + MAX_POSITION,
        ),
        name="%(app_label)s_%(class)s_position_range",
        violation_error_message=POSITION_RANGE_MESSAGE,
    )


def position_constraints(parent, message):
    """The rules of ordered children: one child per position of a parent, in range."""
    return [
        models.UniqueConstraint(
            fields=[parent, "position"],
            name="%(app_label)s_%(class)s_unique_position",
            violation_error_message=message,
        ),
        position_range_constraint(),
    ]


def positions_park(queryset):
    """Move the rows of ``queryset`` out of the way of every real position."""
    queryset.update(position=F("position") + POSITION_PARKING_OFFSET)


def positions_compact(queryset):
    """Number the rows of ``queryset`` 1, 2, 3… in their order (for migrations too)."""
    # In ascending order each row moves down to a number no other row holds: those
    # before it hold the lower numbers, those after it hold higher ones than its own.
    for number, row in enumerate(queryset.order_by("position"), start=1):
        if row.position != number:
            row.position = number
            row.save(update_fields=["position"])


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
        positions_park(queryset.filter(pk__in=moving))
    for obj in instances:
        obj.save()
