"""Drafts and publishing: which content apps see, and when a scheduled item appears.

A publishable object (exercise, routine, guideline) is a draft or published, with
``published_at``. Published with a ``published_at`` in the future, it is scheduled: it
appears by itself at that time, with no job runner, because every public read filters
on the time. Drafts are never rendered into the public read model.

Reads do not filter on "now" itself but on the publication horizon: the latest
``published_at`` of published content that is not in the future. Both select the same
rows, but the horizon moves only when content changes or a scheduled time passes, so
the keys derived from it (the pagination count cache, the ETags and stored responses
of hipext.http.caching, through ``publication_token()``) stay stable between those
moments and change at once when one passes.

The schedule (horizon and next scheduled time) is one query, kept per process until
the next scheduled time, at most ``API_PUBLICATION_SCHEDULE_TTL`` seconds (how late
another process may learn of a publication made "now"), and renewed in the writing
transaction whenever published documents are written.
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Max, Min, Q
from django.utils import timezone

from .modeling import SlugManager, choice_constraint

# What a horizon is when nothing is published yet: before any real published_at.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Publication(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What apps see now: published, at a ``published_at`` not in the future."""
        return self.filter(visible_q())

    def publishing(self):
        """Published or scheduled: what the read model renders documents for."""
        return self.filter(status=Publication.PUBLISHED)


class PublishableManager(SlugManager.from_queryset(PublishableQuerySet)):
    pass


class PublishableModel(models.Model):
    """Content with a publication state: new objects start as drafts."""

    status = models.CharField(
        max_length=20,
        choices=Publication.choices,
        default=Publication.DRAFT,
        help_text=(
            "Drafts are seen only in the admin and through a preview link. Published "
            "content is seen by apps from its publication time."
        ),
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text=(
            "When apps start to see it. A time in the future schedules it: it "
            "appears by itself then. Empty on publishing means now."
        ),
    )

    objects = PublishableManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Publication.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Published with no time means now (before the constraint is validated).
        if self.status == Publication.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_published(self):
        """Whether apps see it now."""
        return (
            self.status == Publication.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == Publication.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def publication_label(self):
        """ "Draft", "Published" or "Scheduled for <time>", for editors."""
        if self.is_scheduled:
            return f"Scheduled for {self.published_at:%Y-%m-%d %H:%M} UTC"
        return self.get_status_display()


def publication_constraints():
    """The rules of the publication fields, for a publishable model's Meta."""
    return [
        choice_constraint("status", Publication),
        models.CheckConstraint(
            condition=~Q(status=Publication.PUBLISHED) | Q(published_at__isnull=False),
            name="%(app_label)s_%(class)s_published_has_time",
            violation_error_message="Published content needs a publication time.",
        ),
    ]


def publishable_models():
    """Every concrete model with a publication state."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, PublishableModel) and not model._meta.abstract
    ]


@dataclass(frozen=True)
class Schedule:
    """The publication horizon and the next scheduled time after it, as of ``at``."""

    horizon: datetime
    next_at: datetime | None
    at: datetime
    expires: datetime


_lock = threading.Lock()
_schedules = {}


def _compute(using, now):
    # One query for every publishable model: a UNION of one grouped row each.
    rows = [
        model._default_manager.using(using)
        .filter(status=Publication.PUBLISHED)
        .order_by()
        .values("status")
        .annotate(
            past=Max("published_at", filter=Q(published_at__lte=now)),
            future=Min("published_at", filter=Q(published_at__gt=now)),
        )
        .values_list("past", "future")
        for model in publishable_models()
    ]
    found = list(rows[0].union(*rows[1:], all=True)) if rows else []
    pasts = [past for past, _ in found if past is not None]
    futures = [future for _, future in found if future is not None]
    horizon = max(pasts, default=None)
    next_at = min(futures, default=None)
    expires = now + timedelta(seconds=settings.API_PUBLICATION_SCHEDULE_TTL)
    if next_at is not None:
        expires = min(expires, next_at)
    return Schedule(horizon or EPOCH, next_at, now, expires)


def publication_schedule(*, using=DEFAULT_DB_ALIAS):
    """The current schedule: from this process's copy while valid, else the database."""
    now = timezone.now()
    schedule = _schedules.get(using)
    if schedule is None or not schedule.at <= now < schedule.expires:
        schedule = _compute(using, now)
        with _lock:
            _schedules[using] = schedule
    return schedule


def schedule_renew(*, using=DEFAULT_DB_ALIAS):
    """Recompute the schedule now (published content changed in this transaction)."""
    schedule = _compute(using, timezone.now())
    with _lock:
        _schedules[using] = schedule
    return schedule


def schedule_forget():
    """Drop this process's copies (tests, and after a rolled-back write)."""
    with _lock:
        _schedules.clear()


def visible_q(*, using=DEFAULT_DB_ALIAS):
    """The condition for what apps see now, on the publication horizon."""
    return Q(
        status=Publication.PUBLISHED,
        published_at__lte=publication_schedule(using=using).horizon,
    )


def next_scheduled_change(*, using=DEFAULT_DB_ALIAS):
    """When the published content next changes with no write: a scheduled time, or None.

    A response or count cached now must not be served past it (hipext.http.caching).
    """
    return publication_schedule(using=using).next_at


def publication_token(*, using=DEFAULT_DB_ALIAS):
    """A short text that changes whenever a scheduled publication becomes visible.

    Caches keyed on the content version add it to their key (and validators), so a
    response of the content before a scheduled time is never served after it.
    """
    horizon = publication_schedule(using=using).horizon
    return str(round(horizon.timestamp() * 1_000_000))


# Which published objects show another one (a routine shows its exercises), filled
# by the apps as the admin registry is: ``holders_register(Exercise, finder)``.
_holder_finders = {}


def holders_register(model, finder):
    """Declare that ``finder(obj)`` gives the published objects showing ``obj``."""
    _holder_finders.setdefault(model, []).append(finder)


def publication_holders(obj):
    """The published (or scheduled) objects showing ``obj``, which must stay seen."""
    return [
        holder
        for finder in _holder_finders.get(type(obj), ())
        for holder in finder(obj)
    ]


def content_publish(obj, *, at=None):
    """Publish ``obj`` now, or schedule it for ``at``; its own rules are checked.

    A model may define ``publication_check()`` (a routine refuses a draft exercise);
    it raises ValidationError naming what is in the way.
    """
    from .publishing import documents_flushed

    with documents_flushed():
        obj.status = Publication.PUBLISHED
        obj.published_at = at or timezone.now()
        check = getattr(obj, "publication_check", None)
        if check is not None:
            check()
        obj.save(update_fields=["status", "published_at"])
    return obj


def content_unpublish(obj, *, with_holders=False):
    """Make ``obj`` a draft again: its document is removed, a tombstone logged.

    If published objects show it (routines holding an exercise), it is refused,
    naming them, unless ``with_holders``: then they become drafts too (the editor
    confirmed). Returns those holders.
    """
    from .publishing import documents_flushed

    holders = publication_holders(obj)
    if holders and not with_holders:
        names = ", ".join(f"“{holder}”" for holder in holders)
        raise ValidationError(
            f"“{obj}” is shown by published content: {names}. Unpublishing it "
            "unpublishes them too; confirm to do both."
        )
    with documents_flushed():
        for holder in holders:
            content_unpublish(holder, with_holders=True)
        obj.status = Publication.DRAFT
        obj.save(update_fields=["status"])
    return holders
