"""Project-wide state that belongs to no single content app: the content version, the
seed's bookkeeping and the published documents with their log."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ContentVersion(models.Model):
    """The version of the published content: every change to it bumps the number.

    One row (pk 1), bumped in every transaction that changes content or documents.
    Each process keeps a copy with the document log (hipext/content/version.py).
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


class Edition(models.Model):
    """A language's edition of the content, and whether a native speaker reviewed it.

    The content is health guidance: apps may flag an edition until a native-speaking
    editor has checked it (the seed loads it from the edition file's ``reviewed``).
    """

    language = models.CharField(
        max_length=10, unique=True, help_text="A supported language's code: es, de."
    )
    reviewed = models.BooleanField(
        default=False,
        help_text="A native-speaking editor has checked the whole edition.",
    )
    note = models.TextField(
        blank=True, help_text="Who reviewed it and when, or what is left to check."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]

    def __str__(self):
        return f"{self.language} edition"


class Document(models.Model):
    """A published object's public representation, rendered when it changes.

    ``body`` holds the bytes the detail endpoint answers, with the absolute URLs at a
    placeholder base that a reader replaces by its own (hipext/content/documents.py).
    """

    kind = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    language = models.CharField(
        max_length=10,
        default="en",
        help_text="The language it is rendered in: one document per supported language.",
    )
    slug = models.CharField(max_length=150)
    body = models.BinaryField()
    etag = models.CharField(max_length=32)
    seq = models.BigIntegerField(help_text="The DocumentChange of its last change.")
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When apps start to see it (scheduled if in the future); empty for "
        "kinds without a publication state, always seen.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "object_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"],
                name="%(app_label)s_%(class)s_unique_object_language",
            ),
        ]
        indexes = [models.Index(fields=["kind", "language", "slug"])]

    def __str__(self):
        return f"{self.kind} {self.slug} ({self.language})"


# A DocumentChange's changed_fields when the whole document came or went.
ALL_FIELDS = "*"


class DocumentChange(models.Model):
    """One entry of the document log: a document written or removed (a tombstone).

    The log backs the changes feed (/api/changes): ``seq`` is its cursor, and the
    order of ``seq`` is the order of commits (hipext/content/changes.py).
    """

    class Action(models.TextChoices):
        # The object's first document.
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        # A document again after an unpublish.
        PUBLISH = "publish", "Publish"
        # Tombstones: the document is gone while the object stays, or with it.
        UNPUBLISH = "unpublish", "Unpublish"
        DELETE = "delete", "Delete"

    REMOVALS = frozenset({Action.UNPUBLISH, Action.DELETE})

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=150)
    uuid = models.UUIDField(
        null=True, blank=True, help_text="The object's uuid, for kinds that have one."
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_fields = models.TextField(
        default=ALL_FIELDS,
        help_text=(
            "The document's top-level fields the change altered, comma-separated; "
            "'*' when the document was created or removed."
        ),
    )
    # An upsert of a scheduled object is logged when written, but seen only from
    # this time: a changes feed emits it at max(at, published_at).
    published_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["kind", "object_id", "seq"])]

    def __str__(self):
        return f"{self.seq}: {self.action} {self.kind} {self.slug}"


class DocumentLogPrune(models.Model):
    """One pruning of the document log: entries up to ``through`` were removed.

    A changes-feed cursor older than the newest ``through`` may have missed a
    tombstone, so the feed refuses it (the client resyncs from the snapshot).
    """

    through = models.BigIntegerField()
    before = models.DateTimeField(help_text="Entries older than this were removed.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-through"]

    def __str__(self):
        return f"document log pruned through {self.through}"
