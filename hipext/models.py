"""Project-wide state that belongs to no single content app: the content version and
the seed's bookkeeping."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ContentVersion(models.Model):
    """The version of the published content: every change to it bumps the number.

    One row (pk 1). HTTP validators (ETag, Last-Modified) and the server-side response
    cache are derived from it; see hipext/content/version.py.
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="%(app_label)s_%(class)s_single_row"
            ),
        ]

    def __str__(self):
        return f"content version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class SeedRecord(models.Model):
    """What the seed last wrote for an object, so it never clobbers an editor's work."""

    model = models.CharField(max_length=100)
    key = models.CharField(max_length=150)
    digest = models.CharField(max_length=64)
    seeded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]

    def __str__(self):
        return f"{self.model}:{self.key}"
